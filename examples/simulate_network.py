"""Simulate chaotic random networks and compare what a physicist measures with the DMFT.

Networks of N tanh neurons with Gaussian couplings of scale g = 2 (Sompolinsky,
Crisanti & Sommers 1988) are chaotic: their activity fluctuates forever and the
population autocorrelation Delta(tau) decays from Delta0 = 1.925 (DMFT) to 0. We
sample 16 independent networks (one key each) at each of two sizes, measure
Delta(tau) in chunks (the trajectory is never stored), and plot a few traces of one
network next to Delta(tau): the DMFT against the mean +- standard error over networks.
Without --quick the largest Lyapunov exponent of the larger networks is measured too
(with --quick its compilation would double the run time).

Finite size: the chaotic state is close to marginal (g E[phi'] = 0.974), so the tail
of Delta(tau) decays slowly, at the rate sqrt(1 - g^2 E[phi']^2) = 0.23, and is
sensitive to each network's quenched structure: finite networks lie above the DMFT
tail by an excess that shrinks with N (at tau = 10, DMFT 0.351, 16 networks gave
0.61 +- 0.13 at N = 500, 0.43 +- 0.05 at N = 1000, 0.37 +- 0.04 at N = 2000 and 0.346 +-
0.026 at N = 4000 (window 300); the network-to-network spread is skewed by a few slow
networks, so sets of 16 scatter by about 2 standard errors). The figure shows two
sizes, N = 1000 and 2000 with --quick, 2000 and 4000 without, so the trend is seen.
The Benettin exponent of finite networks lies below the DMFT value by a gap that
shrinks like 1/N (0.010-0.018 at N = 1000, tests/test_meanfield_finite_n.py).

    python examples/simulate_network.py [--quick] [--out DIR]

The figure goes to `--out` (default `dmft-output/examples/simulate_network`).
"""

import time

import diffrax
import jax
import jax.numpy as jnp
import jax.random as jr
import numpy as np


jax.config.update("jax_enable_x64", True)  # theory in float64; networks in float32

from _arguments import arguments  # noqa: E402  (examples/_arguments.py)

import dmft  # noqa: E402
import dmft.plotting  # noqa: E402
from dmft.meanfield import LyapunovGrid  # noqa: E402


ARGS = arguments("simulate_network", __doc__)


# (sizes, networks per size, burn-in, end of the run, Lyapunov window after the
# burn-in, measured at the larger size only, None: not measured). float32 is accurate
# enough for statistics whose sampling error is ~1%.
SIZES, NETWORKS, T_BURN, T1, T_LYAP = (
    ((1000, 2000), 16, 50.0, 150.0, None)
    if ARGS.quick
    else ((2000, 4000), 16, 100.0, 400.0, 100.0)
)
G = 2.0
GRID = LyapunovGrid()
SAMPLING = dmft.Sampling(dt=0.2, max_lag=20.0, chunk=250)
ensemble = dmft.NetworkEnsemble(dmft.Tanh(), sigma_w=G)

# The DMFT exponent needs the Lyapunov grid (an eigenproblem); Delta(tau) does not.
theory = dmft.solve_stationary(ensemble, grid=None if T_LYAP is None else GRID)
taus = jnp.linspace(0.0, SAMPLING.max_lag, 201)
theory_delta = np.asarray(dmft.stationary_autocorrelation(ensemble, theory, taus))


def network(key, n):
    return dmft.RateNetwork.sample(ensemble, key, n, dtype=jnp.float32)


@jax.jit(static_argnums=(1, 2))
def measure(key, n, lyapunov):
    """Sample one network of `n` neurons; measure Delta(tau), Delta_inf and (if
    `lyapunov`) lambda_1."""
    key_net, key_run, key_lyap = jr.split(key, 3)
    net = network(key_net, n)
    stats = dmft.stationary_statistics(net, key_run, T_BURN, T1, sampling=SAMPLING)
    if not lyapunov:
        return stats.lags, stats.delta, stats.delta_inf, jnp.nan
    spectrum = dmft.lyapunov_spectrum(
        net, key_lyap, T_BURN, T_BURN + T_LYAP, interval=5.0, blocks=5
    )
    return stats.lags, stats.delta, stats.delta_inf, spectrum.largest


def mean_se(x):
    return x.mean(0), x.std(0, ddof=1) / np.sqrt(len(x))


# One key per network, one compilation per size. On CPU a loop over networks is faster
# than a jax.vmap over them (2.3x at N = 2000: the batch of different W's is a batched
# matrix-vector product and every member waits for the slowest adaptive step).
results = {}
for n in SIZES:
    keys = jr.split(jr.fold_in(jr.key(1), n), NETWORKS)
    start = time.perf_counter()
    lags, deltas, delta_infs, lyapunovs = (
        np.asarray(np.stack(x), float)
        for x in zip(
            *(
                jax.block_until_ready(measure(k, n, bool(T_LYAP) and n == SIZES[-1]))
                for k in keys
            )
        )
    )
    results[n] = (mean_se(deltas), mean_se(lyapunovs))
    print(
        f"{NETWORKS} networks of N = {n}, g = {G:g}: {time.perf_counter() - start:.1f} s"
    )
    (mean, err), _ = results[n]
    for tau in (0.0, 5.0, 10.0, 15.0):
        i = round(tau / SAMPLING.dt)
        print(
            f"  Delta({tau:g}): DMFT {np.interp(tau, taus, theory_delta):.3f}, "
            f"networks {mean[i]:.3f} +- {err[i]:.3f}"
        )
    m, e = mean_se(delta_infs)
    print(
        f"  Delta_inf: DMFT {float(theory.delta_inf):.3f}, networks {m:+.3f} +- {e:.3f}"
    )
lags = lags[0]
if T_LYAP is not None:
    m, e = results[SIZES[-1]][1]
    print(
        f"  lambda_1: DMFT {float(theory.lyapunov):.4f} (N -> infinity), networks "
        f"{m:.4f} +- {e:.4f} (finite networks lie below: gap ~0.01 at N = 1000, ~1/N)"
    )

# A few traces of one network of the larger size, after the burn-in.
n = SIZES[-1]
net = network(jr.split(jr.split(jr.fold_in(jr.key(1), n), NETWORKS)[0], 3)[0], n)
h = dmft.simulate(net, dmft.random_state(jr.key(3), net), 0.0, T_BURN).ys[0]
ts = jnp.linspace(T_BURN, T_BURN + 50.0, 501, dtype=jnp.float32)
traces = np.asarray(
    dmft.simulate(net, h, T_BURN, ts[-1], saveat=diffrax.SaveAt(ts=ts)).ys[:, :4]
)

COLORS = dmft.plotting.COLORS
fig, axes = dmft.plotting.new_figure(ncols=2)
ax = axes[0, 0]
for i, trace in enumerate(traces.T):
    ax.plot(ts, trace, color=COLORS[i], lw=0.8)
ax.set_xlabel(r"time $t$")
ax.set_ylabel(r"$h_i(t)$")
ax.set_title(f"4 of N = {n} neurons of one network", fontsize=9)

ax = axes[0, 1]
ax.plot(taus, theory_delta, color="k", lw=1.2, label=r"DMFT ($N\to\infty$)")
every = round(1.0 / SAMPLING.dt)
for color, shift, n in zip((COLORS[5], COLORS[1]), (-0.12, 0.12), SIZES):
    (mean, err), _ = results[n]
    ax.errorbar(
        lags[::every] + shift,
        mean[::every],
        yerr=err[::every],
        fmt="o",
        ms=3,
        color=color,
        label=f"N = {n}",
    )
ax.axhline(0.0, color="0.6", lw=0.5)
ax.set_xlabel(r"lag $\tau$")
ax.set_ylabel(r"autocorrelation $\Delta(\tau)$")
ax.set_title(
    f"mean ± s.e. of {NETWORKS} networks per N,\nwindow {T1 - T_BURN:g} each",
    fontsize=8,
)
ax.legend(fontsize=7, frameon=False, loc="upper right")

print("wrote", *dmft.plotting.save_figure(fig, ARGS.out / "simulate_network"))
