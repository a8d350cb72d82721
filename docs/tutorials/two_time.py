# %% [markdown]
# # Two-time DMFT: transients from any initial condition
#
# Started from a Gaussian state that is not stationary, the network's single-neuron
# process has a two-time autocorrelation $C(t, t')$ and moments $m(t)$, $q(t)$.
# `dmft.solve_two_time` iterates the sampled single-neuron process to the
# self-consistent $C$: a Monte Carlo method whose error is reported (`m_stderr`,
# `q_stderr`). A few hundred samples on a coarse grid keep this page fast.

# %%
import jax
import jax.numpy as jnp
import jax.random as jr


jax.config.update("jax_enable_x64", True)
import dmft


ensemble = dmft.NetworkEnsemble(dmft.Tanh(), sigma_w=2.0)
ts = jnp.linspace(0.0, 6.0, 31)
solution = dmft.solve_two_time(
    ensemble,
    ts,
    dmft.GaussianInitial(0.0, 0.5),
    key=jr.key(0),
    options=dmft.TwoTimeOptions(n_samples=400, response_samples=0),
)
print(f"iterations: {int(solution.iterations)}")
print(f"q(0) = {float(solution.q[0]):.3f}, q(6) = {float(solution.q[-1]):.3f}")

# %%
import matplotlib.pyplot as plt


fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3))
left.errorbar(ts, solution.q, yerr=solution.q_stderr, fmt=".-")
left.set_xlabel("t")
left.set_ylabel("q(t)")
right.imshow(solution.C, origin="lower", extent=(0, 6, 0, 6))
right.set_xlabel("t'")
right.set_ylabel("t")
right.set_title("C(t, t')")
plt.show()
