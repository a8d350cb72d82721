"""The discrete-time network h_{s+1} = (1 - d) h_s + d (W tanh(h_s) + b): its stationary
DMFT against simulation, for steps d = 1 (the deep network with tied weights) and 0.5.

The stationary variance Delta0 of the map depends on the step; d -> 0 recovers the
continuous-time value (1.925 at g = 2). This script solves the discrete DMFT for two
steps, simulates networks with `dmft.DiscreteTime`, and plots Delta0 against the step
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
    (300, 4, 50.0, 200.0) if ARGS.quick else (2000, 4, 100.0, 600.0)
)
STEPS = (1.0, 0.5)

ensemble = dmft.NetworkEnsemble(dmft.Tanh(), sigma_w=2.0)
continuous = float(dmft.solve_stationary(ensemble, grid=None).delta0)
theory, sim, err = [], [], []
for step in STEPS:
    theory.append(float(dmft.solve_discrete_stationary(ensemble, step).delta0))

    @jax.jit
    @jax.vmap
    def delta0(key, step=step):
        key_net, key_run = jr.split(key)
        network = dmft.RateNetwork.sample(ensemble, key_net, N, dtype=jnp.float32)
        stats = dmft.stationary_statistics(
            network,
            key_run,
            T_BURN,
            T1,
            sampling=dmft.Sampling(dt=step, max_lag=10.0),
            dynamics=dmft.DiscreteTime(step),
        )
        return stats.delta0

    values = np.asarray(delta0(jr.split(jr.key(0), NETWORKS)), float)
    sim.append(values.mean())
    err.append(values.std(ddof=1) / np.sqrt(NETWORKS))
    print(
        f"step {step:g}: Delta0 DMFT {theory[-1]:.4f}, "
        f"{NETWORKS} networks of N = {N}: {sim[-1]:.4f} +- {err[-1]:.4f}"
    )
print(f"continuous time (step -> 0): Delta0 = {continuous:.4f}")

fig, axes = dmft.plotting.new_figure()
ax = axes[0, 0]
ax.plot(STEPS, theory, "s-", color=dmft.plotting.COLORS[0], label="discrete DMFT")
ax.errorbar(
    STEPS,
    sim,
    yerr=err,
    fmt="o",
    color=dmft.plotting.COLORS[1],
    label=f"simulation, {NETWORKS} networks of N = {N}",
)
ax.axhline(continuous, color="0.5", ls="--", label="continuous time")
ax.set_xlabel(r"step $\delta$")
ax.set_ylabel(r"variance $\Delta_0$")
ax.legend(fontsize=7, frameon=False)
print("wrote", *dmft.plotting.save_figure(fig, ARGS.out / "discrete_time"))
