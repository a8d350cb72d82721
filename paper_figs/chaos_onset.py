"""The onset of chaos: the variance $\\Delta_0$ and the largest Lyapunov exponent
$\\lambda$ against $g$, from the DMFT (lines) and from finite networks of several sizes
(markers), without and with bias; the transition $g_c$ ($\\chi_1 = 1$) marked."""

import numpy as np

import dmft
from dmft.plotting import COLORS, new_figure, save_figure

from ._common import measure, theory_sweep


NAME = "chaos_onset"
SIGMA_BS = (0.0, 0.3)


def compute(quick: bool, cache=None) -> dict:
    g_theory = np.linspace(0.5, 4.0, 15 if quick else 141)
    g_sim = (
        (0.8, 1.5, 2.5, 3.5) if quick else (0.6, 0.9, 1.2, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0)
    )
    sizes = (300,) if quick else (500, 1000, 2000)
    seeds, t_burn, t1 = (1, 50.0, 200.0) if quick else (3, 200.0, 800.0)
    out = {"sizes": list(sizes), "panels": []}
    for sigma_b in SIGMA_BS:

        def panel(sigma_b=sigma_b):
            theory = (
                cache(f"theory-{sigma_b}", lambda: theory_sweep(g_theory, sigma_b))
                if cache
                else theory_sweep(g_theory, sigma_b)
            )
            g_c = float(dmft.deep.critical_sigma_w(dmft.Tanh(), sigma_b).sigma_w)
            sims = []
            for n in sizes:
                for g in g_sim:
                    key = f"sim-{sigma_b}-{n}-{g}"
                    run = lambda g=g, n=n: measure(  # noqa: E731
                        g, sigma_b, 0.0, n, seeds, t_burn, t1, max_lag=10.0
                    )
                    r = cache(key, run) if cache else run()
                    sims.append(
                        {
                            k: r[k]
                            for k in (
                                "g",
                                "n",
                                "seeds",
                                "lyapunov_mean",
                                "lyapunov_err",
                            )
                        }
                        | {
                            "delta0_mean": r["delta_mean"][0],
                            "delta0_err": r["delta_err"][0],
                        }
                    )
            return {
                "sigma_b": sigma_b,
                "g_c": g_c,
                "theory": theory,
                "simulation": sims,
            }

        out["panels"].append(panel())
    return out


def plot(data: dict, stem) -> None:
    fig, axes = new_figure(ncols=2, nrows=len(data["panels"]))
    markers = "osD"
    for row, p in zip(axes, data["panels"]):
        th = p["theory"]
        row[0].plot(th["g"], th["delta0"], color="k", label="DMFT")
        row[1].plot(th["g"], th["lyapunov"], color="k", label="DMFT")
        for color, marker, n in zip(COLORS, markers, data["sizes"]):
            sims = [s for s in p["simulation"] if s["n"] == n]
            g = [s["g"] for s in sims]
            row[0].errorbar(
                g,
                [s["delta0_mean"] for s in sims],
                yerr=[s["delta0_err"] for s in sims],
                fmt=marker,
                color=color,
                ms=4,
                label=f"simulation N={n}",
            )
            row[1].errorbar(
                g,
                [s["lyapunov_mean"] for s in sims],
                yerr=[s["lyapunov_err"] for s in sims],
                fmt=marker,
                color=color,
                ms=4,
                label=f"simulation N={n}",
            )
        for ax in row:
            ax.axvline(
                p["g_c"], color=COLORS[1], ls=":", label=rf"$g_c = {p['g_c']:.4f}$"
            )
            ax.set_xlabel("coupling $g = \\sigma_w$")
            ax.set_title(rf"tanh, $\sigma_b = {p['sigma_b']}$", fontsize=8)
        row[1].axhline(0, color="0.6", lw=0.5)
        row[0].set_ylabel(r"$\Delta_0$")
        row[1].set_ylabel(r"largest Lyapunov exponent $\lambda$ (1/time)")
        row[0].legend(fontsize=6)
    save_figure(fig, stem)
