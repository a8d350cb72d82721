"""Transients: the two-time DMFT against finite networks, far from the stationary state.

A chaotic tanh network (g = 2) started from h_i(0) ~ N(0, 4) relaxes towards its
stationary variance Delta0 = 1.925. The two-time DMFT (Eissfeller & Opper 1992) follows
the population mean m(t) and variance q(t) of the N -> infinity network: the effective
single-neuron process is Gaussian, so `dmft.solve_two_time_quadrature` marches its mean
and covariance with no sampling (`dmft.solve_two_time` samples it instead, as a check).
Amari's naive (m, q) equations relax to the static fixed point q* = 2.12 instead. This script solves both and simulates a few networks,
then plots m(t) and q(t) to `--out` (default `dmft-output/examples/two_time_dmft`).

    python examples/two_time_dmft.py [--quick] [--out DIR]
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


ARGS = arguments("two_time_dmft", __doc__)
T1, DT = (6.0, 0.2) if ARGS.quick else (20.0, 0.1)
N, NETWORKS = (1000, 16) if ARGS.quick else (2000, 16)

ensemble = dmft.NetworkEnsemble(dmft.Tanh(), sigma_w=2.0)
initial = dmft.GaussianInitial(0.0, 4.0)
ts = jnp.linspace(0.0, T1, round(T1 / DT) + 1)
theory = dmft.solve_two_time_quadrature(ensemble, ts, initial)
print(f"two-time DMFT: q(T) = {float(theory.q[-1]):.3f}")
amari = dmft.solve_amari(ensemble, 0.0, 4.0, T1, diffrax.SaveAt(ts=ts))


@jax.jit
@jax.vmap
def simulate(key):
    """Population mean and variance of one network over time (vmapped over keys)."""
    key_net, key_h0 = jr.split(key)
    network = dmft.RateNetwork.sample(ensemble, key_net, N, dtype=jnp.float32)
    h0 = 2.0 * jr.normal(key_h0, (N,), jnp.float32)
    sol = dmft.simulate(network, h0, 0.0, T1, saveat=diffrax.SaveAt(ts=sim_t))
    return dmft.population_moments(sol.ys)


sim_t = jnp.linspace(0.0, T1, round(T1) + 1, dtype=jnp.float32)
m, q = (np.asarray(x, float) for x in simulate(jr.split(jr.key(1), NETWORKS)))
print(f"{NETWORKS} networks of N = {N}: q(T) = {q[:, -1].mean():.3f}")

fig, axes = dmft.plotting.new_figure(ncols=2)
dmft.plotting.plot_transient(
    axes[0, 0],
    axes[0, 1],
    {
        "t": np.asarray(ts).tolist(),
        "dmft_m": np.asarray(theory.m).tolist(),
        "dmft_m_stderr": np.asarray(theory.m_stderr).tolist(),
        "dmft_q": np.asarray(theory.q).tolist(),
        "dmft_q_stderr": np.asarray(theory.q_stderr).tolist(),
        "amari_m": np.asarray(amari.ys[0]).tolist(),
        "amari_q": np.asarray(amari.ys[1]).tolist(),
        "sim_t": np.asarray(sim_t).tolist(),
        "sim_m": m.mean(0).tolist(),
        "sim_m_std": (m.std(0, ddof=1) / np.sqrt(NETWORKS)).tolist(),
        "sim_q": q.mean(0).tolist(),
        "sim_q_std": (q.std(0, ddof=1) / np.sqrt(NETWORKS)).tolist(),
        "n": N,
        "seeds": NETWORKS,
        "samples": None,  # deterministic theory
        "title": "g = 2, from h(0) ~ N(0, 4)",
    },
)
print("wrote", *dmft.plotting.save_figure(fig, ARGS.out / "two_time_dmft"))
