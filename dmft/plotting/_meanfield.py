"""Stationary DMFT figures: the autocorrelation $\\Delta(\\tau)$ (theory vs simulation)
and the Lyapunov exponent and variance along a $g$-sweep."""

import os

import numpy as np

from ._style import COLORS, new_figure, save_figure


def plot_autocorrelation(
    data: dict, stem: str | os.PathLike, formats=("png", "pdf")
) -> list[str]:
    """$\\Delta(\\tau)$ for several ensembles: theory lines, simulation markers.

    **Arguments:**

    - `data`: a dict with `curves`, a list of dicts each holding `label`, `tau` and
        `delta` (theory) and optionally `sim_tau`, `sim_delta` and `n` (simulation).
    - `stem`: output path without suffix.
    - `formats`: image formats to write.

    **Returns:** the paths written.
    """
    fig, axes = new_figure()
    ax = axes[0, 0]
    for k, curve in enumerate(data["curves"]):
        color = COLORS[k % len(COLORS)]
        ax.plot(
            curve["tau"], curve["delta"], color=color, label=f"theory {curve['label']}"
        )
        if "sim_tau" in curve:
            ax.plot(
                curve["sim_tau"],
                curve["sim_delta"],
                "o",
                ms=3,
                color=color,
                mfc="none",
                label=f"simulation, N = {curve['n']}",
            )
    ax.set_xlabel(r"lag $\tau$")
    ax.set_ylabel(r"autocorrelation $\Delta(\tau)$")
    ax.legend(frameon=False, fontsize=7)
    return save_figure(fig, stem, formats)


def plot_lyapunov_curve(
    data: dict, stem: str | os.PathLike, formats=("png", "pdf")
) -> list[str]:
    """$\\Delta_0(g)$ and the DMFT Lyapunov exponent $\\lambda(g)$ along a sweep, with
    the transition $g_c$ and optional finite-N (Benettin) markers.

    **Arguments:**

    - `data`: a dict with `g`, `delta0`, `lyapunov` (lists), optional `g_c`, and
        optional `sim_g`, `sim_lyapunov`, `n`.
    - `stem`: output path without suffix.
    - `formats`: image formats to write.

    **Returns:** the paths written.
    """
    g = np.asarray(data["g"], float)
    fig, axes = new_figure(ncols=2)
    left, right = axes[0]
    left.plot(g, data["delta0"], color=COLORS[0], label=r"theory $\Delta_0$")
    left.set_ylabel(r"variance $\Delta_0$")
    right.plot(g, data["lyapunov"], color=COLORS[1], label=r"theory (DMFT) $\lambda$")
    if "sim_g" in data:
        right.plot(
            data["sim_g"],
            data["sim_lyapunov"],
            "o",
            color=COLORS[2],
            label=f"simulation (Benettin), N = {data['n']}",
        )
    right.axhline(0, color="0.6", lw=0.8)
    right.set_ylabel(r"Lyapunov exponent $\lambda$")
    for ax in (left, right):
        if data.get("g_c") is not None:
            ax.axvline(data["g_c"], color="0.4", ls="--", lw=0.8, label=r"$g_c$")
        ax.set_xlabel(r"coupling $g$")
        ax.legend(frameon=False, fontsize=7)
    return save_figure(fig, stem, formats)


def plot_autocorrelation_ensemble(
    data: dict, stem: str | os.PathLike, formats=("png", "pdf")
) -> list[str]:
    """DMFT $\\Delta(\\tau)$ (line) against the mean over an ensemble of finite networks
    (band of one standard error over networks, markers at the compared lags): the
    `dmft demo` figure.

    **Arguments:**

    - `data`: a dict with `g`, `tau` and `delta_theory` (DMFT), `lags`, `delta_mean`
        and `delta_stderr` (simulation), `n` (neurons), `networks`, `window` (measuring
        time per network) and `checks` (the compared points: dicts with `x` and
        `simulation`, `stderr`), optionally `title`.
    - `stem`: output path without suffix.
    - `formats`: image formats to write.

    **Returns:** the paths written.
    """
    fig, axes = new_figure(width=5.0, height=3.6)
    ax = axes[0, 0]
    ax.plot(
        data["tau"],
        data["delta_theory"],
        color=COLORS[0],
        lw=2,
        label=r"DMFT ($N \to \infty$)",
    )
    lags = np.asarray(data["lags"], float)
    mean = np.asarray(data["delta_mean"], float)
    err = np.asarray(data["delta_stderr"], float)
    ax.fill_between(lags, mean - err, mean + err, color=COLORS[1], alpha=0.3, lw=0)
    ax.plot(lags, mean, color=COLORS[1], lw=1)
    checks = data.get("checks", [])
    ax.errorbar(
        [c["x"] for c in checks],
        [c["simulation"] for c in checks],
        yerr=[c["stderr"] for c in checks],
        fmt="o",
        ms=3.5,
        color=COLORS[1],
        label=(
            f"simulation: mean of {data['networks']} networks, N = {data['n']},\n"
            f"window {data['window']:g} each; band: standard error"
        ),
    )
    ax.set_xlabel(r"lag $\tau$ (units of the time constant)")
    ax.set_ylabel(r"autocorrelation $\Delta(\tau)$")
    ax.set_title(data.get("title", rf"Chaotic tanh network, $g = {data['g']:g}$"))
    ax.legend(frameon=False, fontsize=7)
    return save_figure(fig, stem, formats)
