# %% [markdown]
# # Stationary DMFT and the transition to chaos
#
# For $N \to \infty$ a random rate network $\dot h = -h + W\phi(h) + b + \sigma\xi$,
# $W_{ij} \sim N(0, g^2/N)$, is one Gaussian process whose autocorrelation obeys
# (Sompolinsky, Crisanti & Sommers 1988)
#
# $$\ddot\Delta(\tau) = \Delta(\tau) - g^2 C_\phi(\Delta(\tau), \Delta_0) - \sigma_b^2
# \qquad (\tau > 0),$$
#
# a particle in the potential $V(\Delta)$. `dmft.solve_stationary` returns its
# energy-conserving solution: $\Delta_0$, $\Delta_\infty$, the regime and the DMFT
# Lyapunov exponent.

# %%
import jax
import jax.numpy as jnp


jax.config.update("jax_enable_x64", True)
import dmft


ensemble = dmft.NetworkEnsemble(dmft.Tanh(), sigma_w=2.0)
solution = dmft.solve_stationary(ensemble)
print(f"Delta0 = {float(solution.delta0):.10f}")
print(f"Delta_inf = {float(solution.delta_inf):.3e}")
print(f"lyapunov = {float(solution.lyapunov):.6f}")

# %% [markdown]
# $\Delta(\tau)$ from the particle equation, on a grid of lags:

# %%
import matplotlib.pyplot as plt


taus = jnp.linspace(0.0, 10.0, 41)
delta = dmft.stationary_autocorrelation(ensemble, solution, taus)
fig, ax = plt.subplots(figsize=(4.5, 3))
ax.plot(taus, delta)
ax.set_xlabel(r"$\tau$")
ax.set_ylabel(r"$\Delta(\tau)$")
plt.show()

# %% [markdown]
# Without noise the chaotic solution appears at $g_c$, where the static solution's
# $\chi_1 = g^2\,\mathbb{E}[\phi'(h)^2]$ reaches one; at $\sigma_b = 0$, $g_c = 1$.

# %%
for sigma_b in (0.0, 0.3):
    transition = dmft.chaos_transition(dmft.NetworkEnsemble(sigma_b=sigma_b))
    print(f"sigma_b = {sigma_b}: g_c = {float(transition.g_c):.8f}")
