# %% [markdown]
# # Amari's mean and variance equations
#
# With a mean coupling, $W_{ij} \sim N(\bar w/N, \sigma_w^2/N)$, and a mean bias
# $\bar b$, the population mean $m(t)$ and variance $q(t)$ of a network started from a
# Gaussian state obey, while the fluctuations stay static, Amari's (1972) equations
#
# $$\dot m = -m + \bar w\,\mathbb{E}[\phi(m + \sqrt{q}z)] + \bar b,$$
#
# together with an equation for $q$ (see the theory page). `dmft.amari_fixed_points`
# finds all their fixed points with their stability; `dmft.solve_amari` integrates
# them. A strong mean coupling makes the network bistable.

# %%
import diffrax
import jax
import jax.numpy as jnp


jax.config.update("jax_enable_x64", True)
import dmft


ensemble = dmft.NetworkEnsemble(
    dmft.Tanh(), sigma_w=0.5, sigma_b=0.1, mean_w=2.0, mean_b=0.0
)
for point in dmft.amari_fixed_points(ensemble):
    kind = "stable" if point.stable else "unstable"
    print(f"m = {float(point.m):+.6f}, q = {float(point.q):.6f} ({kind})")

# %% [markdown]
# Trajectories from four initial conditions: each settles on one of the two stable
# fixed points.

# %%
import matplotlib.pyplot as plt


ts = jnp.linspace(0.0, 10.0, 41)
fig, ax = plt.subplots(figsize=(4.5, 3))
for m0, q0 in ((-1.5, 0.2), (-0.2, 1.0), (0.2, 1.0), (1.5, 2.0)):
    sol = dmft.solve_amari(ensemble, m0, q0, 10.0, diffrax.SaveAt(ts=ts))
    m, q = sol.ys
    ax.plot(ts, m, label=f"m0 = {m0}")
ax.set_xlabel("t")
ax.set_ylabel("m(t)")
ax.legend(fontsize=7)
plt.show()
