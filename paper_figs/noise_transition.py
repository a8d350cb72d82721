"""Noise moves the transition to chaos: the DMFT Lyapunov exponent against $g$ for
white-noise amplitudes $\\sigma = 0, 0.5, 1$. The instability line of the static
solution ($\\chi_1 = 1$) does not move; the zero crossing of $\\lambda$ does
(Schuecker, Goedeke & Helias 2018; Molgedey, Schuchhardt & Schuster 1992). Markers:
finite networks (random dynamical system, one frozen noise realisation)."""

import numpy as np

import dmft
from dmft.meanfield import LyapunovGrid, chaos_transition
from dmft.plotting import COLORS, comparison_checks, new_figure, save_figure

from ._common import extrapolate_1_over_n, measure, theory_sweep


NAME = "noise_transition"
NOISES = (0.0, 0.5, 1.0)
SIGMA_B = 0.0


def compute(quick: bool, cache=None) -> dict:
    g_theory = np.linspace(0.5, 3.0, 11 if quick else 101)
    g_sim = (0.8, 2.0) if quick else (0.8, 1.2, 1.6, 2.0, 2.5, 3.0)
    # The finite-N exponent converges like 1/N (chaos_onset): two or three sizes and
    # the weighted 1/N fit, whose extrapolation (with its error) is what is checked.
    sizes = (200, 400) if quick else (500, 1000, 2000)
    seeds, t_burn, t1 = (4, 50.0, 200.0) if quick else (4, 100.0, 600.0)
    # Without noise below g_c the Benettin vector needs ~1/gap of the top eigenvalues
    # of -1 + W (~100) to align: a long window there (cheap: the dynamics are quiet).
    t1_ordered = 1000.0 if quick else 3000.0
    curves, checks = [], []
    for noise in NOISES:

        def panel(noise=noise):
            theory = theory_sweep(g_theory, SIGMA_B, noise)
            ens = dmft.NetworkEnsemble(dmft.Tanh(), 1.0, SIGMA_B, noise=noise)
            tr = chaos_transition(ens, grid=LyapunovGrid(n=512))
            sims = []
            for g in g_sim:
                # Ordered (g below the chi_1 = 1 line): lambda follows the edge of
                # the spectrum of W, which scatters by ~0.03 between networks: four
                # networks of N = 400 (the same four W for every noise) gave -0.230,
                # -0.337, -0.464 with standard errors ~0.003 against DMFT -0.2, -0.309,
                # -0.446 (z = -3.9, -4.1, -3.0 after the 1/N fit); 16 networks gave
                # -0.212 +- 0.007 without noise (z = -0.7). 4x networks there, and
                # without noise a long window (the quiet dynamics are cheap).
                ordered = g < float(tr.g_c_static)
                end = t1_ordered if ordered and noise == 0 else t1
                count = 4 * seeds if ordered else seeds
                runs = [
                    measure(g, SIGMA_B, noise, n, count, t_burn, end, max_lag=5.0)
                    for n in sizes
                ]
                value, err = extrapolate_1_over_n(
                    sizes,
                    [r["lyapunov_mean"] for r in runs],
                    [r["lyapunov_err"] for r in runs],
                )
                sims.append(
                    {
                        "g": g,
                        "sizes": list(sizes),
                        "lyapunov_by_n": [r["lyapunov_mean"] for r in runs],
                        "lyapunov_err_by_n": [r["lyapunov_err"] for r in runs],
                        "lyapunov_mean": value,
                        "lyapunov_err": err,
                    }
                )
            return {
                "noise": noise,
                "theory": theory,
                "g_c": float(tr.g_c),
                "g_c_static": float(tr.g_c_static),
                "simulation": sims,
                "sizes": list(sizes),
                "seeds": seeds,
            }

        c = cache(f"noise={noise}", panel) if cache else panel()
        curves.append(c)
        gs = [x["g"] for x in c["simulation"]]
        checks += comparison_checks(
            f"lyapunov (1/N -> 0), noise={noise:g}",
            gs,
            np.interp(gs, c["theory"]["g"], c["theory"]["lyapunov"]),
            [x["lyapunov_mean"] for x in c["simulation"]],
            [x["lyapunov_err"] for x in c["simulation"]],
        )
    return {"sigma_b": SIGMA_B, "curves": curves, "checks": checks}


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
            mec="k",
            ms=4,
            capsize=2,
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
    c0 = data["curves"][0]
    ax.set_title(
        rf"tanh, $\sigma_b = {data['sigma_b']}$: markers are networks of "
        f"N = {', '.join(map(str, c0['sizes']))}\n"
        rf"({c0['seeds']} each, {4 * c0['seeds']} below $\chi_1 = 1$) extrapolated to $1/N \to 0$ (± standard error)",
        fontsize=8,
    )
    ax.legend(fontsize=7, frameon=False)
    save_figure(fig, stem)
