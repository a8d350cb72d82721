"""Amari's (1972) mean field for networks with a mean coupling: fixed points and
trajectories of the population mean m and variance q, against a finite network.

With W_ij ~ N(wbar/N, g^2/N) and a weak random part (g < 1) the network has static
fixed points, where Amari's closure h_i ~ N(m, q) is exact for N -> infinity. At
wbar = 2 the ensemble is bistable (m* = +-1.9); this script finds the fixed points and
their stability, integrates the (m, q) equations from two starts, and compares them
with simulated networks. Figure in `--out` (default `dmft-output/examples/amari`).

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
N, T1 = (200, 6.0) if ARGS.quick else (2000, 10.0)

ensemble = dmft.NetworkEnsemble(dmft.Tanh(), sigma_w=0.5, sigma_b=0.1, mean_w=2.0)
for point in dmft.amari_fixed_points(ensemble):
    kind = "stable" if bool(point.stable) else "unstable"
    print(f"fixed point m = {float(point.m):+.4f}, q = {float(point.q):.4f} ({kind})")

ts = jnp.linspace(0.0, T1, 31)
fig, axes = dmft.plotting.new_figure(ncols=2)
for color, (m0, q0) in zip(dmft.plotting.COLORS, ((-0.5, 1.0), (0.5, 1.0))):
    theory = dmft.solve_amari(ensemble, m0, q0, T1, diffrax.SaveAt(ts=ts))
    key_net, key_h0 = jr.split(jr.key(int(10 * m0) + 10))
    network = dmft.RateNetwork.sample(ensemble, key_net, N, dtype=jnp.float32)
    h0 = m0 + np.sqrt(q0) * jr.normal(key_h0, (N,), jnp.float32)
    ys = dmft.simulate(
        network, h0, 0.0, T1, saveat=diffrax.SaveAt(ts=ts.astype(jnp.float32))
    ).ys
    m, q = (np.asarray(x, float) for x in dmft.population_moments(ys))
    for ax, amari, sim in (
        (axes[0, 0], theory.ys[0], m),
        (axes[0, 1], theory.ys[1], q),
    ):
        ax.plot(ts, amari, color=color, label=f"Amari, m(0) = {m0:+g}")
        ax.plot(ts[::3], sim[::3], "o", ms=3, color=color, label=f"N = {N}")
    print(
        f"start m0 = {m0:+g}: m(T) Amari {float(theory.ys[0][-1]):+.3f}, N = {N}: {m[-1]:+.3f}"
    )
axes[0, 0].set_ylabel(r"population mean $m(t)$")
axes[0, 1].set_ylabel(r"population variance $q(t)$")
for ax in axes[0]:
    ax.set_xlabel(r"time $t$")
axes[0, 0].legend(fontsize=7, frameon=False)
print("wrote", *dmft.plotting.save_figure(fig, ARGS.out / "amari"))
