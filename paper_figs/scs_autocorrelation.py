"""The normalised autocorrelation $\\Delta(\\tau)/\\Delta_0$ of the chaotic state for
$g = 1.5, 2, 3$: the self-consistent DMFT solution (lines) against finite networks
(markers with standard errors over networks). Sompolinsky, Crisanti & Sommers (1988),
Fig. 1 analogue."""

import jax.numpy as jnp
import numpy as np

import dmft
from dmft.meanfield import solve_stationary, stationary_autocorrelation
from dmft.plotting import COLORS, new_figure, save_figure

from ._common import measure


NAME = "scs_autocorrelation"
GS = (1.5, 2.0, 3.0)


def compute(quick: bool, cache=None) -> dict:
    n, seeds, t_burn, t1 = (400, 2, 100.0, 300.0) if quick else (2000, 4, 200.0, 1200.0)
    taus = np.linspace(0.0, 15.0, 151)
    panels = []
    for g in GS:

        def panel(g=g):
            ens = dmft.NetworkEnsemble(dmft.Tanh(), g)
            sol = solve_stationary(ens, grid=None)
            theory = stationary_autocorrelation(ens, sol, jnp.asarray(taus))
            sim = measure(
                g, 0.0, 0.0, n, seeds, t_burn, t1, max_lag=15.0, lyapunov=False
            )
            return {
                "g": g,
                "tau": taus.tolist(),
                "delta_theory": np.asarray(theory).tolist(),
                "delta0_theory": float(sol.delta0),
                **sim,
            }

        panels.append(cache(f"g={g}", panel) if cache else panel())
    return {"n": n, "seeds": seeds, "panels": panels}


def plot(data: dict, stem) -> None:
    fig, axes = new_figure(width=5.0)
    ax = axes[0, 0]
    for color, p in zip(COLORS, data["panels"]):
        d0 = p["delta0_theory"]
        ax.plot(
            p["tau"],
            np.asarray(p["delta_theory"]) / d0,
            color=color,
            label=rf"DMFT $g = {p['g']}$",
        )
        lags, mean = np.asarray(p["lags"]), np.asarray(p["delta_mean"])
        every = max(1, len(lags) // 25)
        ax.errorbar(
            lags[::every],
            mean[::every] / mean[0],
            yerr=np.asarray(p["delta_err"])[::every] / mean[0],
            fmt="o",
            ms=3,
            color=color,
            label=f"simulation N={p['n']}",
        )
    ax.set_xlabel(r"lag $\tau$ (units of the time constant)")
    ax.set_ylabel(r"$\Delta(\tau)/\Delta_0$")
    ax.set_title(rf"tanh, $\sigma_b = 0$, no noise ({data['seeds']} networks each)")
    ax.legend(fontsize=7)
    save_figure(fig, stem)
