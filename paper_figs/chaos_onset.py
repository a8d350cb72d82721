"""The onset of chaos: the variance $\\Delta_0$ and the largest Lyapunov exponent
$\\lambda$ against $g$, from the DMFT (lines) and from finite networks of several sizes
(small markers: mean and standard error over independent networks), without and with
bias; the transition $g_c$ ($\\chi_1 = 1$) marked. Both quantities converge like
$1/N$: the large black-edged markers are the weighted fit $y_\\infty + a/N$ over the
sizes, extrapolated to $N \\to \\infty$, and they are what the checks compare."""

import numpy as np

import dmft
from dmft.plotting import COLORS, comparison_checks, new_figure, save_figure

from ._common import extrapolate_1_over_n, measure, theory_sweep


NAME = "chaos_onset"
SIGMA_BS = (0.0, 0.3)


def _settings(quick: bool) -> dict:
    if quick:
        return dict(
            g_theory=np.linspace(0.5, 4.0, 15),
            g_sim=(0.8, 1.5, 2.5),
            sizes=(200, 400),
            seeds=4,
            t_burn=50.0,
            t1=200.0,
            t1_ordered=1000.0,
        )
    return dict(
        g_theory=np.linspace(0.5, 4.0, 141),
        g_sim=(0.6, 0.9, 1.2, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0),
        sizes=(500, 1000, 2000),
        seeds=4,
        t_burn=200.0,
        t1=800.0,
        t1_ordered=3000.0,
    )


def compute(quick: bool, cache=None) -> dict:
    s = _settings(quick)
    out = {"sizes": list(s["sizes"]), "seeds": s["seeds"], "quick": quick}
    out["window"] = s["t1"] - s["t_burn"]
    out["window_ordered"] = s["t1_ordered"] - s["t_burn"]
    out["panels"], out["checks"] = [], []
    for sigma_b in SIGMA_BS:
        theory = (
            cache(f"theory-{sigma_b}", lambda: theory_sweep(s["g_theory"], sigma_b))
            if cache
            else theory_sweep(s["g_theory"], sigma_b)
        )
        g_c = float(dmft.deep.critical_sigma_w(dmft.Tanh(), sigma_b).sigma_w)
        sims = []
        for n in s["sizes"]:
            for g in s["g_sim"]:
                # In the ordered phase lambda is the rightmost eigenvalue of -1 + W
                # (Benettin matches numpy's eigenvalues to 1e-3 per network), which
                # varies from network to network by ~0.03 at N = 400: four networks
                # gave -0.230 with a standard error of 0.0026 (an accident of four
                # clustered values; the mean over 8 matrices is -0.197 +- 0.007, DMFT
                # -0.2). The quiet ordered dynamics are cheap: more networks and a
                # longer window there.
                ordered = g < g_c
                t1 = s["t1_ordered"] if ordered else s["t1"]
                seeds = 4 * s["seeds"] if ordered else s["seeds"]
                run = lambda g=g, n=n, t1=t1, seeds=seeds: measure(  # noqa: E731
                    g, sigma_b, 0.0, n, seeds, s["t_burn"], t1, max_lag=10.0
                )
                key = f"sim-{sigma_b}-{n}-{g}-{t1:g}-{seeds}"
                r = cache(key, run) if cache else run()
                sims.append(
                    {k: r[k] for k in ("g", "n", "seeds", "lyapunov_mean")}
                    | {
                        "lyapunov_err": r["lyapunov_err"],
                        "delta0_mean": r["delta_mean"][0],
                        "delta0_err": r["delta_err"][0],
                    }
                )
        extrapolated = []
        for g in s["g_sim"]:
            at_g = [x for x in sims if x["g"] == g]
            entry = {"g": g}
            for key in ("delta0", "lyapunov"):
                value, err = extrapolate_1_over_n(
                    [x["n"] for x in at_g],
                    [x[f"{key}_mean"] for x in at_g],
                    [x[f"{key}_err"] for x in at_g],
                )
                entry[f"{key}_inf"], entry[f"{key}_inf_err"] = value, err
            extrapolated.append(entry)
        for key, label in (("delta0", "Delta0"), ("lyapunov", "lyapunov")):
            gs = [e["g"] for e in extrapolated]
            out["checks"] += comparison_checks(
                f"{label} (1/N -> 0), sigma_b={sigma_b:g}",
                gs,
                np.interp(gs, theory["g"], theory[key]),
                [e[f"{key}_inf"] for e in extrapolated],
                [e[f"{key}_inf_err"] for e in extrapolated],
            )
        out["panels"].append(
            {
                "sigma_b": sigma_b,
                "g_c": g_c,
                "theory": theory,
                "simulation": sims,
                "extrapolated": extrapolated,
            }
        )
    return out


def plot(data: dict, stem) -> None:
    fig, axes = new_figure(ncols=2, nrows=len(data["panels"]), height=3.0)
    markers = "osD"
    handles = {}
    for row, p in zip(axes, data["panels"]):
        th = p["theory"]
        for ax, key in zip(row, ("delta0", "lyapunov")):
            handles["DMFT"] = ax.plot(th["g"], th[key], color="k", lw=1.2)[0]
            for k, (color, marker, n) in enumerate(
                zip(COLORS[2:], markers, data["sizes"])
            ):
                sims = [x for x in p["simulation"] if x["n"] == n]
                offset = 0.03 * (k - (len(data["sizes"]) - 1) / 2)
                handles[f"N = {n}"] = ax.errorbar(
                    [x["g"] + offset for x in sims],
                    [x[f"{key}_mean"] for x in sims],
                    yerr=[x[f"{key}_err"] for x in sims],
                    fmt=marker,
                    color=color,
                    ms=3,
                    alpha=0.8,
                )
            ext = p["extrapolated"]
            handles[r"$1/N \to 0$ fit"] = ax.errorbar(
                [e["g"] for e in ext],
                [e[f"{key}_inf"] for e in ext],
                yerr=[e[f"{key}_inf_err"] for e in ext],
                fmt="o",
                color=COLORS[1],
                mec="k",
                ms=5,
                capsize=2,
            )
            handles[r"$g_c$ ($\chi_1 = 1$)"] = ax.axvline(
                p["g_c"], color=COLORS[0], ls=":"
            )
            ax.set_xlabel("coupling $g = \\sigma_w$")
            ax.set_title(
                rf"tanh, $\sigma_b = {p['sigma_b']:g}$, $g_c = {p['g_c']:.3f}$",
                fontsize=8,
            )
        row[1].axhline(0, color="0.6", lw=0.5)
        row[0].set_ylabel(r"variance $\Delta_0$")
        row[1].set_ylabel(r"Lyapunov exponent $\lambda$")
    note = (
        f"markers: mean ± standard error of {data['seeds']} networks "
        rf"({4 * data['seeds']} for $g < g_c$), window {data['window']:g}"
        + (
            f" ({data['window_ordered']:g} for $g < g_c$)"
            if "window_ordered" in data
            else ""
        )
    )
    if data.get("quick"):
        note += "; quick mode: small N, the 1/N fit has wide error bars"
    fig.legend(
        handles.values(),
        handles.keys(),
        loc="outside upper center",
        ncols=len(handles),
        fontsize=7,
        frameon=False,
        title=note,
        title_fontsize=7,
    )
    save_figure(fig, stem)
