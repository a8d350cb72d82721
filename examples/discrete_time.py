"""The discrete-time network h_{s+1} = (1 - d) h_s + d (W tanh(h_s) + b): its stationary
DMFT against simulation, for steps d = 1 (the deep network with tied weights), 0.9, 0.5
and 0.25.

The stationary variance Delta0 of the map barely depends on the step up to d ~ 0.9
(1.9247 at d = 0.25, 1.9243 at 0.5, 1.9135 at 0.9, against the continuous-time 1.9248
at g = 2) and then rises steeply to the deep network's q* = 2.1215 at d = 1. The
autocorrelation Delta(tau) depends on the step: it decays faster the larger the step,
and at d = 1 the map forgets in one step (Delta_k = 0 for k >= 1). This script solves
the discrete DMFT over a range of steps, simulates 16 networks per step with
`dmft.DiscreteTime` (N = 2000 with --quick, 4000 without), and plots Delta0 against
the step and Delta(tau) for each simulated step (mean +- standard error over networks)
to `--out` (default `dmft-output/examples/discrete_time`).

    python examples/discrete_time.py [--quick] [--out DIR]
"""

import jax
import jax.numpy as jnp
import jax.random as jr
import numpy as np


jax.config.update("jax_enable_x64", True)  # theory in float64

from _arguments import arguments  # noqa: E402  (examples/_arguments.py)

import dmft  # noqa: E402
import dmft.plotting  # noqa: E402


ARGS = arguments("discrete_time", __doc__)
N, NETWORKS, T_BURN, T1 = (
    (2000, 16, 50.0, 200.0) if ARGS.quick else (4000, 16, 100.0, 600.0)
)
STEPS = (1.0, 0.9, 0.5, 0.25)  # simulated
MAX_LAG = 10.0

ensemble = dmft.NetworkEnsemble(dmft.Tanh(), sigma_w=2.0)
continuous = dmft.solve_stationary(ensemble, grid=None)
taus = jnp.linspace(0.0, MAX_LAG, 101)
continuous_delta = dmft.stationary_autocorrelation(ensemble, continuous, taus)
# The step is traced in the discrete solver: one compilation for every step. 1024 lags
# cover the relaxation (~30 / (kappa step) lags, kappa = 0.23) down to step 0.13; the
# solve costs ~1/step seconds (shooting lag by lag), hence no smaller steps here. Near
# d = 1 Delta0 rises steeply (a boundary layer of width ~0.05): sampled densely there.
curve_steps = np.array([0.25, 0.5, 0.75, 0.9, 0.95, 0.98, 1.0])
theory = {
    float(s): dmft.solve_discrete_stationary(ensemble, float(s), max_lags=1024)
    for s in curve_steps
}
curve = [float(theory[float(s)].delta0) for s in curve_steps]

sims = {}
for step in STEPS:

    @jax.jit
    def measure(key, step=step):
        key_net, key_run = jr.split(key)
        network = dmft.RateNetwork.sample(ensemble, key_net, N, dtype=jnp.float32)
        # The window in whole map steps.
        stats = dmft.stationary_statistics(
            network,
            key_run,
            step * round(T_BURN / step),
            step * round(T1 / step),
            sampling=dmft.Sampling(dt=step, max_lag=MAX_LAG),
            dynamics=dmft.DiscreteTime(step),
        )
        return stats.lags, stats.delta

    # One key per network (a loop: on CPU faster than a vmap over different W's).
    keys = jr.split(jr.fold_in(jr.key(0), round(100 * step)), NETWORKS)
    lags, deltas = (np.stack(x) for x in zip(*(measure(k) for k in keys)))
    deltas = np.asarray(deltas, float)
    sims[step] = (
        np.asarray(lags[0], float),
        deltas.mean(0),
        deltas.std(0, ddof=1) / np.sqrt(NETWORKS),
    )
    lags, mean, err = sims[step]
    for tau in (0.0, 1.0, 2.0, 5.0):
        k = round(tau / step)
        print(
            f"step {step:g}: Delta({k * step:g}) DMFT "
            f"{float(theory[step].delta[k]):.4f}, "
            f"{NETWORKS} networks of N = {N}: {mean[k]:.4f} +- {err[k]:.4f}"
        )
print(f"continuous time (step -> 0): Delta0 = {float(continuous.delta0):.4f}")

COLORS = dmft.plotting.COLORS
fig, axes = dmft.plotting.new_figure(ncols=2)
ax = axes[0, 0]
ax.plot(curve_steps, curve, "s-", ms=3, color="k", lw=1.0, label="discrete DMFT")
ax.axhline(
    float(continuous.delta0),
    color="0.5",
    ls="--",
    lw=0.8,
    label=r"continuous time ($\delta \to 0$)",
)
for color, step in zip(COLORS, STEPS):
    _, mean, err = sims[step]
    # Open circles: the DMFT's square stays visible inside.
    ax.errorbar(step, mean[0], yerr=err[0], fmt="o", ms=6, mfc="none", color=color)
ax.errorbar(
    [],
    [],
    yerr=[],
    fmt="o",
    ms=6,
    mfc="none",
    color="0.3",
    label="networks (mean ± s.e.)",
)
ax.set_xlabel(r"step $\delta$")
ax.set_ylabel(r"variance $\Delta_0$")
ax.set_xlim(0.2, 1.03)
ax.set_ylim(1.89, 2.18)
ax.legend(fontsize=7, frameon=False, loc="upper left")
ax.set_title(f"{NETWORKS} networks of N = {N} per step", fontsize=9)

ax = axes[0, 1]
ax.plot(taus, continuous_delta, color="0.5", ls="--", lw=0.8, label="continuous time")
for color, step in zip(COLORS, STEPS):
    lags, mean, err = sims[step]
    sol = theory[step]
    shown = np.asarray(sol.lags) <= MAX_LAG
    ax.plot(
        np.asarray(sol.lags)[shown],
        np.asarray(sol.delta)[shown],
        color=color,
        lw=1.0,
        label=rf"$\delta = {step:g}$",
    )
    every = max(1, round(0.5 / step))
    ax.errorbar(
        lags[::every], mean[::every], yerr=err[::every], fmt="o", ms=3, color=color
    )
ax.axhline(0.0, color="0.6", lw=0.5)
ax.set_xlabel(r"lag $\tau$ (time units, $k\delta$)")
ax.set_ylabel(r"autocorrelation $\Delta(\tau)$")
ax.set_title(
    f"lines: discrete DMFT; dots: mean ± s.e. of networks\n(window {T1 - T_BURN:g} each)",
    fontsize=8,
)
ax.legend(fontsize=7, frameon=False, loc="upper right")
print("wrote", *dmft.plotting.save_figure(fig, ARGS.out / "discrete_time"))
