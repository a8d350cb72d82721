# %% [markdown]
# # Deep limit and the order-to-chaos phase diagram
#
# A deep network with untied weights $W^l_{ij} \sim N(0, \sigma_w^2/N)$ and biases
# $b^l_i \sim N(0, \sigma_b^2)$ propagates the length $q^l$ of an input and the
# correlation $c^l$ of two inputs through deterministic maps (Poole et al. 2016):
#
# $$q^{l+1} = \sigma_w^2\,\mathbb{E}_{z}\big[\phi(\sqrt{q^l} z)^2\big] + \sigma_b^2.$$
#
# Their fixed point $(q^*, c^* = 1)$ is stable when the slope
# $\chi_1 = \sigma_w^2\,\mathbb{E}[\phi'(\sqrt{q^*}z)^2]$ is below one (order) and unstable
# above (chaos). This tutorial computes one fixed point, the critical line $\chi_1 = 1$
# and a small phase diagram in one vmapped call.

# %%
import jax
import jax.numpy as jnp


jax.config.update("jax_enable_x64", True)  # theory in float64
import dmft


ensemble = dmft.NetworkEnsemble(dmft.Tanh(), sigma_w=2.5, sigma_b=0.3)
point = dmft.deep_fixed_point(ensemble)
print(f"q* = {float(point.q_star):.6f}, c* = {float(point.c_star):.6f}")
print(f"chi_1 = {float(point.chi_1):.6f} (> 1: chaotic)")
print(f"xi_q = {float(point.xi_q):.3f}, xi_c = {float(point.xi_c):.3f} layers")

# %% [markdown]
# The critical weight scale at $\sigma_b^2 = 0.05$: Schoenholz et al. (2017) read
# $\sigma_w^2 \approx 1.76$ off their Fig. 1.

# %%
line = dmft.critical_sigma_w(dmft.Tanh(), jnp.sqrt(0.05))
print(f"sigma_w^2 at the edge of chaos: {float(line.sigma_w) ** 2:.4f}")

# %% [markdown]
# A coarse $(\sigma_w^2, \sigma_b^2)$ grid in one call; `xi_c` is largest on the
# critical line.

# %%
import matplotlib.pyplot as plt


sigma_w2 = jnp.linspace(0.5, 4.0, 36)
sigma_b2 = jnp.linspace(0.0, 0.5, 11)
diagram = dmft.phase_diagram(dmft.Tanh(), jnp.sqrt(sigma_w2), jnp.sqrt(sigma_b2))
xi_c = diagram.fixed_point.xi_c  # shape (n_w, n_b)
print(f"{int(diagram.chaotic.sum())} of {xi_c.size} grid points are chaotic")
fig, ax = plt.subplots(figsize=(4.5, 3))
image = ax.pcolormesh(sigma_w2, sigma_b2, jnp.log10(xi_c).T)
ax.set_xlabel(r"$\sigma_w^2$")
ax.set_ylabel(r"$\sigma_b^2$")
fig.colorbar(image, label=r"$\log_{10}\xi_c$")
plt.show()
