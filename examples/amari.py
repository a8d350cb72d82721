"""Amari's (1972) mean field for networks with a mean coupling: fixed points and
trajectories of the population mean m and variance q, against finite networks.

With W_ij ~ N(wbar/N, g^2/N) and a weak random part (g < 1) the network has static
fixed points, where Amari's closure h_i ~ N(m, q) is exact for N -> infinity. At
wbar = 2 the ensemble is bistable (m* = +-1.859, q* = 0.227); this script finds the
fixed points and their stability, integrates the (m, q) equations from two starts, and
compares them with the mean +- standard error of 16 simulated networks per start
(N = 2000 with --quick, 4000 without). Amari's equations neglect the temporal
correlations of the recurrent input, so on the way to the fixed point they are only
approximate: q overshoots (0.226 against 0.175 at t = 1) and m lags (by 0.04 at
t = 2). The two-time DMFT (`dmft.solve_two_time_quadrature`, exact for N -> infinity)
is drawn too; the networks follow it within their standard errors. Figure in `--out`
(default `dmft-output/examples/amari`).

    python examples/amari.py [--quick] [--out DIR]
"""

import diffrax
import jax
import jax.numpy as jnp
import jax.random as jr
import numpy as np


jax.config.update("jax_enable_x64", True)  # theory in float64

from _arguments import arguments  # noqa: E402  (examples/_arguments.py)

import dmft  # noqa: E402
import dmft.plotting  # noqa: E402


ARGS = arguments("amari", __doc__)
N, NETWORKS, T1 = (2000, 16, 6.0) if ARGS.quick else (4000, 16, 10.0)
DT = 0.05  # grid of the two-time DMFT: its O(dt^2) error is ~1e-4 here

ensemble = dmft.NetworkEnsemble(dmft.Tanh(), sigma_w=0.5, sigma_b=0.1, mean_w=2.0)
stable = []
for point in dmft.amari_fixed_points(ensemble):
    kind = "stable" if bool(point.stable) else "unstable"
    print(f"fixed point m = {float(point.m):+.4f}, q = {float(point.q):.4f} ({kind})")
    if bool(point.stable):
        stable.append((float(point.m), float(point.q)))

ts = jnp.linspace(0.0, T1, round(T1 / DT) + 1)
sim_t = jnp.linspace(0.0, T1, round(T1 / 0.5) + 1, dtype=jnp.float32)


@jax.jit
def simulate(key, m0, q0):
    """Population mean and variance over time of one network from h_i(0) ~ N(m0, q0)."""
    key_net, key_h0 = jr.split(key)
    network = dmft.RateNetwork.sample(ensemble, key_net, N, dtype=jnp.float32)
    h0 = m0 + jnp.sqrt(q0) * jr.normal(key_h0, (N,), jnp.float32)
    ys = dmft.simulate(network, h0, 0.0, T1, saveat=diffrax.SaveAt(ts=sim_t)).ys
    return dmft.population_moments(ys)


fig, axes = dmft.plotting.new_figure(ncols=2)
for start, (color, (m0, q0)) in enumerate(
    zip(dmft.plotting.COLORS, ((-0.5, 1.0), (0.5, 1.0)))
):
    amari = dmft.solve_amari(ensemble, m0, q0, T1, diffrax.SaveAt(ts=ts))
    exact = dmft.solve_two_time_quadrature(ensemble, ts, dmft.GaussianInitial(m0, q0))
    # One key per network (a loop: on CPU faster than a vmap over different W's).
    keys = jr.split(jr.fold_in(jr.key(10), start), NETWORKS)
    m, q = (np.stack(x) for x in zip(*(simulate(k, m0, q0) for k in keys)))
    for ax, naive, theory, sim in (
        (axes[0, 0], amari.ys[0], exact.m, np.asarray(m, float)),
        (axes[0, 1], amari.ys[1], exact.q, np.asarray(q, float)),
    ):
        ax.plot(ts, theory, color=color, lw=1.2)
        ax.plot(ts, naive, color=color, lw=1.0, ls="--")
        ax.errorbar(
            sim_t,
            sim.mean(0),
            yerr=sim.std(0, ddof=1) / np.sqrt(NETWORKS),
            fmt="o",
            ms=3,
            color=color,
        )
    se_m, se_q = (
        np.asarray(x, float).std(0, ddof=1) / np.sqrt(NETWORKS) for x in (m, q)
    )
    for t in (1.0, 2.0, T1):
        i, j = round(t / DT), round(t / 0.5)
        print(
            f"start m0 = {m0:+g}, t = {t:g}: m Amari {float(amari.ys[0][i]):+.4f}, "
            f"two-time DMFT {float(exact.m[i]):+.4f}, {NETWORKS} networks of N = {N} "
            f"{float(m[:, j].mean()):+.4f} +- {se_m[j]:.4f}; q Amari "
            f"{float(amari.ys[1][i]):.4f}, DMFT {float(exact.q[i]):.4f}, networks "
            f"{float(q[:, j].mean()):.4f} +- {se_q[j]:.4f}"
        )
for m_star, q_star in stable:
    axes[0, 0].axhline(m_star, color="0.6", lw=0.6, ls=":")
axes[0, 1].axhline(stable[0][1], color="0.6", lw=0.6, ls=":")

# One legend for the styles (the colours are the two starts, m(0) = -0.5 and +0.5).
handles = [
    axes[0, 0].plot([], [], color="0.2", lw=1.2)[0],
    axes[0, 0].plot([], [], color="0.2", lw=1.0, ls="--")[0],
    axes[0, 0].errorbar([], [], yerr=[], fmt="o", ms=3, color="0.2"),
    axes[0, 0].plot([], [], color="0.6", lw=0.6, ls=":")[0],
]
labels = [
    r"two-time DMFT ($N\to\infty$)",
    "Amari's (m, q) equations",
    f"mean ± s.e. of {NETWORKS} networks, N = {N}",
    "stable fixed points",
]
axes[0, 1].legend(handles, labels, fontsize=7, frameon=False, loc="upper right")
axes[0, 0].set_ylabel(r"population mean $m(t)$")
axes[0, 1].set_ylabel(r"population variance $q(t)$")
axes[0, 0].set_title(r"from $h_i(0) \sim N(\pm 0.5, 1)$", fontsize=9)
axes[0, 1].set_title(r"$\bar w = 2$, $g = 0.5$, $\sigma_b = 0.1$", fontsize=9)
for ax in axes[0]:
    ax.set_xlabel(r"time $t$")
print("wrote", *dmft.plotting.save_figure(fig, ARGS.out / "amari"))
