"""Amari's (1972) naive mean field: trajectories of the population mean $m(t)$ and
variance $q(t)$ from his $(m, q)$ equations (lines) against the population mean and
variance of finite networks with mean coupling $\\bar w \\ne 0$ started from
$h_i(0) \\sim N(m_0, q_0)$ (markers), for a monostable and a bistable ensemble, with
the fixed points and their stability."""

import diffrax
import jax.numpy as jnp
import jax.random as jr
import numpy as np

import dmft
from dmft.meanfield import amari_fixed_points, solve_amari
from dmft.plotting import COLORS, comparison_checks, new_figure, save_figure


NAME = "amari_mq"
CASES = {
    "monostable": dict(sigma_w=0.5, sigma_b=0.3, mean_w=0.5, mean_b=0.2),
    "bistable": dict(sigma_w=0.5, sigma_b=0.1, mean_w=2.0, mean_b=0.0),
}
STARTS = ((-1.5, 0.2), (-0.2, 1.0), (0.2, 1.0), (1.5, 2.0))
T1 = 10.0
PLOT_EVERY = 3  # simulated points drawn: every third time
# Amari's closure is exact at a stable fixed point, not along the transient: there the
# network's q(t) rises as (1 - e^{-t})^2, not Amari's 1 - e^{-2t} (measured: q = 0.12 vs
# Amari's 0.22 at t = 0.75, z = -20). The checks compare the points at t >= T_FIXED,
# where every run has reached its fixed point (measured |z| <= 2.2 at N = 300); the
# transient points are drawn hollow, uncompared (the two-time DMFT, figure
# dmft_transient, is the theory of transients).
T_FIXED = 7.5


def compute(quick: bool, cache=None) -> dict:
    n, seeds = (300, 8) if quick else (2000, 8)
    ts = np.linspace(0.0, T1, 41)
    out = {"n": n, "seeds": seeds, "t": ts.tolist(), "cases": [], "checks": []}
    for name, params in CASES.items():
        ens = dmft.NetworkEnsemble(dmft.Tanh(), **params)
        case = {"name": name, **params, "runs": []}
        case["fixed_points"] = [
            {"m": float(fp.m), "q": float(fp.q), "stable": bool(fp.stable)}
            for fp in amari_fixed_points(ens)
        ]
        for m0, q0 in STARTS:
            sol = solve_amari(
                ens, m0, q0, T1, saveat=diffrax.SaveAt(ts=jnp.asarray(ts))
            )
            means, variances = [], []
            for seed in range(seeds):
                k_net, k_h0 = jr.split(jr.fold_in(jr.key(seed), int(10 * (m0 + 5))))
                net = dmft.RateNetwork.sample(ens, k_net, n, dtype=jnp.float32)
                h0 = m0 + float(np.sqrt(q0)) * jr.normal(k_h0, (n,), jnp.float32)
                traj = dmft.simulate(
                    net,
                    h0,
                    0.0,
                    T1,
                    saveat=diffrax.SaveAt(ts=jnp.asarray(ts, jnp.float32)),
                )
                ys = np.asarray(traj.ys, float)
                means.append(ys.mean(1))
                variances.append(ys.var(1, ddof=1))
            run = {
                "m0": m0,
                "q0": q0,
                "m_amari": np.asarray(sol.ys[0]).tolist(),
                "q_amari": np.asarray(sol.ys[1]).tolist(),
                "m_sim": np.mean(means, 0).tolist(),
                "q_sim": np.mean(variances, 0).tolist(),
                "m_stderr": (np.std(means, 0, ddof=1) / np.sqrt(seeds)).tolist(),
                "q_stderr": (np.std(variances, 0, ddof=1) / np.sqrt(seeds)).tolist(),
            }
            case["runs"].append(run)
            plotted = np.arange(PLOT_EVERY, len(ts), PLOT_EVERY)
            at_fixed = plotted[ts[plotted] >= T_FIXED]
            for key in ("m", "q"):
                out["checks"] += comparison_checks(
                    f"{key}(t) at the fixed point, {name}, (m0, q0)=({m0:g}, {q0:g})",
                    ts[at_fixed],
                    np.asarray(run[f"{key}_amari"])[at_fixed],
                    np.asarray(run[f"{key}_sim"])[at_fixed],
                    np.asarray(run[f"{key}_stderr"])[at_fixed],
                )
        out["cases"].append(case)
    return out


def plot(data: dict, stem) -> None:
    fig, axes = new_figure(ncols=2, nrows=len(data["cases"]))
    t = np.asarray(data["t"])
    for row, case in zip(axes, data["cases"]):
        for color, run in zip(COLORS, case["runs"]):
            tag = rf"$(m_0, q_0) = ({run['m0']}, {run['q0']})$"
            for ax, key in zip(row, ("m", "q")):
                ax.plot(t, run[f"{key}_amari"], color=color, label=tag)
                plotted = np.arange(PLOT_EVERY, len(t), PLOT_EVERY)
                sim = np.asarray(run[f"{key}_sim"])
                err = np.asarray(run.get(f"{key}_stderr", np.zeros_like(t)))
                for part, face in (
                    (plotted[t[plotted] < T_FIXED], "none"),
                    (plotted[t[plotted] >= T_FIXED], color),
                ):
                    ax.errorbar(
                        t[part],
                        sim[part],
                        yerr=err[part],
                        fmt="o",
                        ms=3,
                        color=color,
                        mfc=face,
                    )
                ax.axvspan(T_FIXED, t[-1], color="0.93", lw=0, zorder=0)
        for fp in case["fixed_points"]:
            style = "-" if fp["stable"] else "--"
            row[0].axhline(fp["m"], color="0.5", lw=0.7, ls=style)
            row[1].axhline(fp["q"], color="0.5", lw=0.7, ls=style)
        row[0].set_ylabel("population mean $m(t)$")
        row[1].set_ylabel("population variance $q(t)$")
        row[0].set_title(
            rf"{case['name']}: $g = {case['sigma_w']}$, $\bar w = {case['mean_w']}$, "
            rf"$\sigma_b = {case['sigma_b']}$, $\bar b = {case['mean_b']}$",
            fontsize=8,
        )
        for ax in row:
            ax.set_xlabel("time $t$")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(
        handles,
        labels,
        loc="outside upper center",
        ncols=len(labels),
        fontsize=7,
        frameon=False,
        title=(
            f"lines: Amari's (m, q) equations; markers: mean ± standard error of "
            f"{data['seeds']} networks of N = {data['n']}; grey lines: fixed points "
            "(solid stable, dashed unstable).\nAmari's closure is exact at the fixed "
            f"point (shaded, t ≥ {T_FIXED:g}: filled markers, compared), not along "
            "the transient (hollow markers)"
        ),
        title_fontsize=7,
    )
    save_figure(fig, stem)
