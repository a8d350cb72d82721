"""A finite network's activity: a few neurons' traces and the autocorrelation
$\\Delta(\\tau)$, simulation against (optionally) the DMFT curve."""

import os

import numpy as np

from ._style import COLORS, new_figure, save_figure


def plot_network_activity(
    data: dict, stem: str | os.PathLike, formats=("png", "pdf")
) -> list[str]:
    """Two panels: traces $h_i(t)$ of a few neurons, and $\\Delta(\\tau)$ measured in
    the network (with the DMFT curve if given).

    **Arguments:**

    - `data`: a dict of lists: `ts` (T) and `traces` (k x T) for the left panel;
        `lags` and `delta` (the simulation's $\\Delta(\\tau)$), `n` (network size) and
        optionally `delta_inf`, `theory_lags` and `theory_delta` (DMFT), `title`.
    - `stem`: output path without suffix.
    - `formats`: image formats to write.

    **Returns:** the paths written.
    """
    fig, axes = new_figure(ncols=2)
    ax = axes[0, 0]
    ts = np.asarray(data["ts"], float)
    for i, trace in enumerate(np.asarray(data["traces"], float)):
        ax.plot(ts, trace, color=COLORS[i % len(COLORS)], lw=0.8)
    ax.set_xlabel(r"time $t$")
    ax.set_ylabel(r"$h_i(t)$")
    ax.set_title(f"{len(data['traces'])} of N = {data['n']} neurons")

    ax = axes[0, 1]
    ax.plot(
        data["lags"],
        data["delta"],
        color=COLORS[0],
        label=f"simulation, N = {data['n']}",
    )
    if data.get("theory_delta") is not None:
        ax.plot(
            data["theory_lags"],
            data["theory_delta"],
            color=COLORS[1],
            ls="--",
            label=r"DMFT ($N \to \infty$)",
        )
    if data.get("delta_inf") is not None:
        ax.axhline(data["delta_inf"], color=COLORS[7], lw=0.6, ls=":")
    ax.set_xlabel(r"lag $\tau$")
    ax.set_ylabel(r"$\Delta(\tau)$")
    ax.legend(frameon=False)
    if data.get("title"):
        fig.suptitle(data["title"], y=1.03)
    return save_figure(fig, stem, formats)
