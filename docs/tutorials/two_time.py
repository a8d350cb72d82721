# %% [markdown]
# # Two-time DMFT: transients from any initial condition
#
# Started from a Gaussian state that is not stationary, the network's single-neuron
# process has a two-time autocorrelation $C(t, t')$ and moments $m(t)$, $q(t)$.
# The process is linear in $h$ with Gaussian inputs, so it is a Gaussian process:
# `dmft.solve_two_time_quadrature` marches the equations for $m$ and $C$ forward in
# time, with the pair expectations $E[\phi(h(t)) \phi(h(t'))]$ by quadrature. Nothing
# is sampled, so the only error is the $O(\Delta t^2)$ of the grid.

# %%
import jax
import jax.numpy as jnp
import jax.random as jr


jax.config.update("jax_enable_x64", True)
import dmft


ensemble = dmft.NetworkEnsemble(dmft.Tanh(), sigma_w=2.0)
ts = jnp.linspace(0.0, 20.0, 101)
initial = dmft.GaussianInitial(0.0, 0.5)
solution = dmft.solve_two_time_quadrature(ensemble, ts, initial)
stationary = dmft.solve_stationary(ensemble)
print(f"q(0) = {float(solution.q[0]):.3f}, q(20) = {float(solution.q[-1]):.5f}")
print(f"stationary Delta0 = {float(stationary.delta0):.5f}")

# %% [markdown]
# `dmft.solve_two_time` solves the same equations on the same grid by Monte Carlo:
# it samples $M$ paths of the process, re-estimates $C_\phi$ from them and iterates.
# It is the check of the deterministic solver, which is its $M \to \infty$ limit: its
# points scatter around the curve. Their error bars are the standard error given the
# driving covariance; the error of that covariance feeds back through the
# self-consistency and adds to it (at $M = 2000$ the scatter is about twice the bars;
# at $M = 500$ about three times: `dmft.TwoTimeSolution` documents it).

# %%
sampled = dmft.solve_two_time(
    ensemble,
    ts,
    initial,
    key=jr.key(0),
    options=dmft.TwoTimeOptions(n_samples=2000, response_samples=0),
)

# %%
import matplotlib.pyplot as plt


fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3))
left.plot(ts, solution.q, "-", label="quadrature")
left.errorbar(
    ts[::5],
    sampled.q[::5],
    yerr=sampled.q_stderr[::5],
    fmt=".",
    label="sampled, M = 2000",
)
left.axhline(
    float(stationary.delta0), color="gray", ls=":", label=r"stationary $\Delta_0$"
)
left.set_xlabel("t")
left.set_ylabel("q(t)")
left.legend()
right.imshow(solution.C, origin="lower", extent=(0, 20, 0, 20))
right.set_xlabel("t'")
right.set_ylabel("t")
right.set_title("C(t, t')")
plt.show()
