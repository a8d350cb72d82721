"""Noise moves the transition to chaos: the DMFT Lyapunov exponent against $g$ for
white-noise amplitudes $\\sigma = 0, 0.5, 1$. The instability line of the static
solution ($\\chi_1 = 1$) does not move; the zero crossing of $\\lambda$ does
(Schuecker, Goedeke & Helias 2018; Molgedey, Schuchhardt & Schuster 1992). Markers:
finite networks (random dynamical system, one frozen noise realisation)."""

import numpy as np

import dmft
from dmft.meanfield import LyapunovGrid, chaos_transition
from dmft.plotting import COLORS, new_figure, save_figure

from ._common import measure, theory_sweep


NAME = "noise_transition"
NOISES = (0.0, 0.5, 1.0)
SIGMA_B = 0.0


def compute(quick: bool, cache=None) -> dict:
    g_theory = np.linspace(0.5, 3.0, 11 if quick else 101)
    g_sim = (1.0, 2.0) if quick else (0.8, 1.2, 1.6, 2.0, 2.5, 3.0)
    n, seeds, t_burn, t1 = (300, 1, 50.0, 250.0) if quick else (1000, 3, 100.0, 600.0)
    curves = []
    for noise in NOISES:

        def panel(noise=noise):
            theory = theory_sweep(g_theory, SIGMA_B, noise)
            ens = dmft.NetworkEnsemble(dmft.Tanh(), 1.0, SIGMA_B, noise=noise)
            tr = chaos_transition(ens, grid=LyapunovGrid(n=512))
            sims = [
                {"g": g}
                | {
                    k: v
                    for k, v in measure(
                        g, SIGMA_B, noise, n, seeds, t_burn, t1, max_lag=5.0
                    ).items()
                    if k.startswith("lyapunov")
                }
                for g in g_sim
            ]
            return {
                "noise": noise,
                "theory": theory,
                "g_c": float(tr.g_c),
                "g_c_static": float(tr.g_c_static),
                "simulation": sims,
                "n": n,
            }

        curves.append(cache(f"noise={noise}", panel) if cache else panel())
    return {"sigma_b": SIGMA_B, "curves": curves}


def plot(data: dict, stem) -> None:
    fig, axes = new_figure(width=5.0)
    ax = axes[0, 0]
    for color, c in zip(COLORS, data["curves"]):
        ax.plot(
            c["theory"]["g"],
            c["theory"]["lyapunov"],
            color=color,
            label=rf"DMFT $\sigma = {c['noise']}$, $g_c = {c['g_c']:.3f}$",
        )
        ax.errorbar(
            [s["g"] for s in c["simulation"]],
            [s["lyapunov_mean"] for s in c["simulation"]],
            yerr=[s["lyapunov_err"] for s in c["simulation"]],
            fmt="o",
            color=color,
            ms=4,
            label=f"simulation N={c['n']}",
        )
        ax.plot([c["g_c"]], [0.0], marker="v", color=color, ms=8)
    ax.axvline(
        data["curves"][0]["g_c_static"],
        color="0.4",
        ls=":",
        label=r"instability line $\chi_1 = 1$",
    )
    ax.axhline(0, color="0.6", lw=0.5)
    ax.set_xlabel(r"coupling $g$")
    ax.set_ylabel(r"largest Lyapunov exponent $\lambda$ (1/time)")
    ax.set_title(rf"tanh, $\sigma_b = {data['sigma_b']}$")
    ax.legend(fontsize=6)
    save_figure(fig, stem)
