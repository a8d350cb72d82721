"""Transients of the random rate network, far from its stationary state: the population
mean $m(t)$ and variance $q(t)$ from the two-time DMFT (`solve_two_time_quadrature`:
the effective process is Gaussian, so no sampling), from Amari's naive $(m, q)$
equations and from finite-N simulations.

Amari's closure, $h_i(t) \\sim N(m, q)$ independent with no memory,

$$\\dot m = -m + \\bar w E[\\phi] + \\bar b, \\qquad
  \\tfrac12 \\dot q = -q + \\sigma_w^2 E[\\phi^2] + \\sigma_b^2,$$

($q$ the variance, $E[\\phi^2]$ the non-centred second moment over $N(m, q)$), is exact
at a stable fixed point; it follows the transients only roughly, and in the chaotic
phase it relaxes to the static fixed point $q^*$ (2.12 at $g = 2$) instead of SCS's
$\\Delta_0$ (1.925), which the two-time DMFT and the network reach.
"""

import pathlib

import diffrax
import jax
import jax.numpy as jnp
import jax.random as jr
import numpy as np

import dmft
from dmft.plotting import comparison_checks, new_figure, plot_transient, save_figure


NAME = "dmft_transient"

SCENARIOS = {
    "chaos": dict(
        title="chaotic, $g = 2$, from $h(0) \\sim N(0, 4)$",
        ensemble=dict(sigma_w=2.0),
        initial=(0.0, 4.0),
    ),
    "mean": dict(
        title="$\\sigma_w = 1.5$, $\\bar w = 1.2$, $\\bar b = 0.1$, $\\sigma_b = 0.3$, "
        "from $h(0) \\sim N(-1, 2)$",
        ensemble=dict(sigma_w=1.5, mean_w=1.2, mean_b=0.1, sigma_b=0.3),
        initial=(-1.0, 2.0),
    ),
}


def _settings(quick: bool) -> dict:
    if quick:
        return dict(t1=20.0, dt=0.2, n=1000, seeds=8)
    return dict(t1=40.0, dt=0.1, n=2000, seeds=8)


def _simulation(ensemble, initial, ts, n, seeds, key):
    """Population mean and variance of `seeds` networks of `n` neurons."""

    @jax.jit
    def one(key):
        k_net, k_h0 = jr.split(key)
        network = dmft.RateNetwork.sample(ensemble, k_net, n)
        h0 = initial.mean + jnp.sqrt(initial.variance) * jr.normal(k_h0, (n,))
        sol = dmft.simulate(network, h0, ts[0], ts[-1], saveat=diffrax.SaveAt(ts=ts))
        return dmft.population_moments(sol.ys)

    m, q = (np.stack(x) for x in zip(*(one(k) for k in jr.split(key, seeds))))
    return m, q


def _scenario(name: str, s: dict) -> dict:
    spec = SCENARIOS[name]
    ensemble = dmft.NetworkEnsemble(**spec["ensemble"])
    initial = dmft.GaussianInitial(*spec["initial"])
    ts = jnp.linspace(0.0, s["t1"], round(s["t1"] / s["dt"]) + 1)
    sol = dmft.solve_two_time_quadrature(ensemble, ts, initial)
    amari = dmft.solve_amari(
        ensemble, initial.mean, initial.variance, ts[-1], diffrax.SaveAt(ts=ts)
    )
    amari_m, amari_q = amari.ys
    sim_t = jnp.linspace(0.0, s["t1"], round(s["t1"]) + 1)
    sim_m, sim_q = _simulation(ensemble, initial, sim_t, s["n"], s["seeds"], jr.key(1))
    return {
        "title": spec["title"],
        "t": np.asarray(ts).tolist(),
        "dmft_m": np.asarray(sol.m).tolist(),
        "dmft_m_stderr": np.asarray(sol.m_stderr).tolist(),
        "dmft_q": np.asarray(sol.q).tolist(),
        "dmft_q_stderr": np.asarray(sol.q_stderr).tolist(),
        "iterations": int(sol.iterations),
        "amari_m": np.asarray(amari_m).tolist(),
        "amari_q": np.asarray(amari_q).tolist(),
        "sim_t": np.asarray(sim_t).tolist(),
        "sim_m": sim_m.mean(axis=0).tolist(),
        # standard errors of the mean over the networks
        "sim_m_std": (sim_m.std(axis=0, ddof=1) / np.sqrt(s["seeds"])).tolist(),
        "sim_q": sim_q.mean(axis=0).tolist(),
        "sim_q_std": (sim_q.std(axis=0, ddof=1) / np.sqrt(s["seeds"])).tolist(),
        "n": s["n"],
        "seeds": s["seeds"],
        "samples": None,  # deterministic theory: no Monte Carlo error
    }


def compute(quick: bool, cache=None) -> dict:
    """Every plotted array, one panel (scenario) at a time (resumable via `cache`)."""
    s = _settings(quick)
    data = {}
    for name in SCENARIOS:
        if cache is None:
            data[name] = _scenario(name, s)
        else:
            data[name] = cache(name, lambda name=name: _scenario(name, s))
    checks = []
    for name, p in data.items():
        t = np.asarray(p["t"])
        for key in ("m", "q"):
            # z against the two-time DMFT (deterministic: the networks' error only).
            checks += comparison_checks(
                f"{key}(t), {name}",
                p["sim_t"],
                np.interp(p["sim_t"], t, p[f"dmft_{key}"]),
                p[f"sim_{key}"],
                p[f"sim_{key}_std"],
            )
    return {**data, "checks": checks}


def plot(data: dict, stem: pathlib.Path) -> None:
    """m(t) and q(t), one row per scenario; writes `stem.png` and `stem.pdf`."""
    panels = {k: v for k, v in data.items() if k != "checks"}
    fig, axes = new_figure(ncols=2, nrows=len(panels))
    for k, (row, panel) in enumerate(zip(axes, panels.values())):
        plot_transient(row[0], row[1], panel, legend=k == 0)
    save_figure(fig, stem)
