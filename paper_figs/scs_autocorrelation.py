"""The normalised autocorrelation $\\Delta(\\tau)/\\Delta_0$ of the chaotic state for
$g = 1.5, 2, 3$: the self-consistent DMFT solution (lines) against finite networks
(markers: mean and standard error over independent networks). Sompolinsky, Crisanti &
Sommers (1988), Fig. 1 analogue. Both are divided by the DMFT $\\Delta_0$, so that the
simulation's offset at $\\tau = 0$ shows its finite-N variance."""

import jax.numpy as jnp
import numpy as np

import dmft
from dmft.meanfield import solve_stationary, stationary_autocorrelation
from dmft.plotting import COLORS, comparison_checks, new_figure, save_figure

from ._common import measure


NAME = "scs_autocorrelation"
GS = (1.5, 2.0, 3.0)
CHECK_EVERY = 1.0


def _settings(quick: bool) -> tuple:
    # (N, networks, burn-in, end, largest lag). The finite-N tail of Delta(tau) varies
    # from network to network and shrinks with N: at N = 1000 (4 networks, window 200)
    # Delta(15) at g = 2 was 0.46 +- 0.11 against the DMFT's 0.11 (z = 3.1); N = 2000
    # is needed for agreement within the standard error.
    return (2000, 4, 50.0, 200.0, 12.0) if quick else (2000, 4, 200.0, 1200.0, 15.0)


def compute(quick: bool, cache=None) -> dict:
    n, seeds, t_burn, t1, max_lag = _settings(quick)
    taus = np.linspace(0.0, max_lag, round(10 * max_lag) + 1)
    panels, checks = [], []
    for g in GS:

        def panel(g=g):
            ens = dmft.NetworkEnsemble(dmft.Tanh(), g)
            sol = solve_stationary(ens, grid=None)
            theory = stationary_autocorrelation(ens, sol, jnp.asarray(taus))
            sim = measure(
                g, 0.0, 0.0, n, seeds, t_burn, t1, max_lag=max_lag, lyapunov=False
            )
            return {
                "g": g,
                "tau": taus.tolist(),
                "delta_theory": np.asarray(theory).tolist(),
                "delta0_theory": float(sol.delta0),
                **sim,
            }

        p = cache(f"g={g}", panel) if cache else panel()
        panels.append(p)
        lags = np.asarray(p["lags"])
        every = round(CHECK_EVERY / (lags[1] - lags[0]))
        checks += comparison_checks(
            f"Delta(tau), g={g:g}",
            lags[::every],
            np.interp(lags[::every], p["tau"], p["delta_theory"]),
            np.asarray(p["delta_mean"])[::every],
            np.asarray(p["delta_err"])[::every],
        )
    return {
        "n": n,
        "seeds": seeds,
        "window": t1 - t_burn,
        "panels": panels,
        "checks": checks,
    }


def plot(data: dict, stem) -> None:
    fig, axes = new_figure(width=5.0)
    ax = axes[0, 0]
    for color, p in zip(COLORS, data["panels"]):
        d0 = p["delta0_theory"]
        ax.plot(p["tau"], np.asarray(p["delta_theory"]) / d0, color=color)
        lags, mean = np.asarray(p["lags"]), np.asarray(p["delta_mean"])
        every = round(CHECK_EVERY / (lags[1] - lags[0]))
        ax.errorbar(
            lags[::every],
            mean[::every] / d0,
            yerr=np.asarray(p["delta_err"])[::every] / d0,
            fmt="o",
            ms=3,
            color=color,
            label=rf"$g = {p['g']:g}$",
        )
    ax.axhline(0, color="0.6", lw=0.5)
    ax.set_xlabel(r"lag $\tau$ (units of the time constant)")
    ax.set_ylabel(r"$\Delta(\tau)/\Delta_0^\mathrm{DMFT}$")
    ax.set_title(
        rf"tanh, $\sigma_b = 0$: DMFT (lines) vs N = {data['n']} (markers)", fontsize=9
    )
    legend = ax.legend(fontsize=7, frameon=False, title="coupling", title_fontsize=7)
    legend.set_loc("upper right")
    ax.text(
        0.98,
        0.62,
        f"mean ± standard error\nof {data['seeds']} networks,\n"
        f"window {data.get('window', 0):g} each",
        transform=ax.transAxes,
        ha="right",
        va="top",
        fontsize=7,
    )
    save_figure(fig, stem)
