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
PLOT_EVERY = 3  # simulated points drawn (and checked): every third time


def compute(quick: bool, cache=None) -> dict:
    n, seeds = (300, 4) if quick else (2000, 4)
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
            for key in ("m", "q"):
                out["checks"] += comparison_checks(
                    f"{key}(t), {name}, (m0, q0)=({m0:g}, {q0:g})",
                    ts[PLOT_EVERY::PLOT_EVERY],
                    run[f"{key}_amari"][PLOT_EVERY::PLOT_EVERY],
                    run[f"{key}_sim"][PLOT_EVERY::PLOT_EVERY],
                    run[f"{key}_stderr"][PLOT_EVERY::PLOT_EVERY],
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
                sl = slice(PLOT_EVERY, None, PLOT_EVERY)
                ax.errorbar(
                    t[sl],
                    np.asarray(run[f"{key}_sim"])[sl],
                    yerr=np.asarray(run.get(f"{key}_stderr", np.zeros_like(t)))[sl],
                    fmt="o",
                    ms=3,
                    color=color,
                )
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
            f"{data['seeds']} networks of N = {data['n']}; grey: fixed points "
            "(solid stable, dashed unstable)"
        ),
        title_fontsize=7,
    )
    save_figure(fig, stem)
