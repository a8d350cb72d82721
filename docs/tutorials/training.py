# %% [markdown]
# # Training phase diagram of two-layer ReLU networks
#
# Luo, Xu, Ma & Zhang (2021): a two-layer ReLU network of width $m$ initialised with
# scales $m^{-\gamma}$ (inner) and $m^{-\gamma'}$ (outer) trains in the linear regime
# (weights barely move), the condensed regime (weights gather in a few directions), or
# on the critical line between. The relative distance $\mathrm{RD}(\theta_w)$ that the
# inner weights travel, fitted against $\log m$, tells which: a negative slope is
# linear, a positive one condensed. Small widths keep this page fast.

# %%
import jax
import jax.random as jr


jax.config.update("jax_enable_x64", True)
import dmft


points = [dmft.ScalingExponents(0.5, 0.0), dmft.ScalingExponents(1.75, 0.0)]
sweep = dmft.width_sweep(jr.key(0), points, [50, 100, 200], 2, dmft.luo_data())
for point, slope, stderr in zip(points, sweep.slope, sweep.slope_stderr):
    print(
        f"gamma = {point.gamma}, gamma' = {point.gamma_prime}: "
        f"slope = {float(slope):+.2f} +- {float(stderr):.2f} ({point.regime})"
    )
