# %% [markdown]
# # A custom nonlinearity
#
# Any elementwise JAX function can be the neurons' nonlinearity: `dmft.Custom` wraps
# it; derivatives come from autodiff, and the Gaussian expectations the theory needs,
# such as $\mathbb{E}_z[\phi'(m + \sqrt{v}z)]$, from a sinh-mapped trapezoid rule
# (closed-form kernels are used where they exist: erf, ReLU, linear). A function with
# kinks must say so (`is_smooth=False`): quadrature is then refused instead of
# converging slowly without a word.

# %%
import jax
import jax.numpy as jnp
import numpy as np


jax.config.update("jax_enable_x64", True)
import dmft


phi = dmft.Custom(lambda x: jnp.tanh(x) + 0.1 * x)
slope = dmft.expectation(phi, 0.0, 2.0, order=1)  # E[phi'(sqrt(2) z)]
z = np.random.default_rng(0).standard_normal(1_000_000)
monte_carlo = np.mean(1 / np.cosh(np.sqrt(2.0) * z) ** 2 + 0.1)
print(f"E[phi'] = {float(slope):.10f} (quadrature)")
print(f"E[phi'] = {monte_carlo:.4f} (Monte Carlo, 10^6 samples)")

# %% [markdown]
# The same object works with the deep limit and with finite networks. (The stationary
# DMFT solvers do not take a `Custom` yet: `dmft.solve_stationary` stops gradients
# through the ensemble, which fails on the wrapped Python function; tanh, erf, ReLU and
# linear work.)

# %%
import jax.random as jr


ensemble = dmft.NetworkEnsemble(phi, sigma_w=1.8)
point = dmft.deep_fixed_point(ensemble)
print(f"deep: q* = {float(point.q_star):.6f}, chi_1 = {float(point.chi_1):.4f}")
network = dmft.RateNetwork.sample(ensemble, jr.key(0), 200, dtype=jnp.float32)
stats = dmft.stationary_statistics(network, jr.key(1), 50.0, 150.0)
print(f"network, N = 200: Delta0 = {float(stats.delta0):.3f}")
