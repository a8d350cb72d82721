"""The phase diagram of two-layer ReLU training (Luo, Xu, Ma & Zhang, JMLR 2021):
regions, relative distance against width, learned functions, condensation."""

import os

import matplotlib.colors as mcolors
import matplotlib.ticker as mticker
import numpy as np

from ._style import COLORS, new_figure, save_figure


_MARKERS = {
    "ntk": "^",
    "lecun": "v",
    "he": "v",
    "xavier": "*",
    "mean-field": "*",
    "e-et-al": "o",
}


def plot_regime_regions(ax, gamma_prime_range=(-1.25, 1.75), gamma_range=(0.0, 2.5)):
    """Shade the theoretical regimes over $(\\gamma', \\gamma)$: linear where
    $\\gamma < 1$ or $\\gamma' > \\gamma - 1$, condensed where $\\gamma > 1$ and
    $\\gamma' < \\gamma - 1$, and draw the critical boundary."""
    gp = np.linspace(*gamma_prime_range, 400)
    g = np.linspace(*gamma_range, 400)
    GP, G = np.meshgrid(gp, g)
    condensed = (G > 1) & (GP < G - 1)
    ax.contourf(
        GP,
        G,
        condensed.astype(float),
        levels=[-0.5, 0.5, 1.5],
        colors=["#E8F1F8", "#FBE9DF"],  # light blue (linear), light vermillion
    )
    # The critical line: gamma = 1 for gamma' <= 0, gamma' = gamma - 1 above.
    ax.plot([gamma_prime_range[0], 0.0], [1.0, 1.0], color="k", lw=1.5)
    ax.plot([0.0, gamma_range[1] - 1], [1.0, gamma_range[1]], color="k", lw=1.5)
    ax.text(1.2, 0.15, "linear", ha="center")
    ax.text(-0.75, 1.9, "condensed", ha="center")
    ax.text(0.55, 1.45, "critical", rotation=45, ha="center", fontsize=7)
    ax.set_xlim(*gamma_prime_range)
    ax.set_ylim(*gamma_range)
    ax.set_xlabel(r"$\gamma'$")
    ax.set_ylabel(r"$\gamma$")


def plot_rd_vs_width(ax, widths, rd, slopes, stderrs, labels):
    """$\\mathrm{RD}(\\theta_w)$ against $m$ (log-log), seed mean and spread, with the
    fitted power laws."""
    widths = np.asarray(widths, float)
    for i, (r, slope, err, label) in enumerate(zip(rd, slopes, stderrs, labels)):
        r = np.asarray(r, float)
        logs = np.log(r)
        color = COLORS[i % len(COLORS)]
        ax.errorbar(
            widths,
            np.exp(logs.mean(axis=1)),
            yerr=None,
            fmt="o",
            color=color,
            # `+ 0.0` turns a slope that rounds to -0.00 into +0.00.
            label=f"{label}: slope {round(slope, 2) + 0.0:+.2f} $\\pm$ {err:.2f}",
        )
        for s in range(r.shape[1]):
            ax.plot(widths, r[:, s], ".", color=color, alpha=0.35, ms=3)
        x = np.log(widths)
        intercept = logs.mean() - slope * x.mean()
        ax.plot(widths, np.exp(intercept + slope * x), "-", color=color, lw=1)
    ax.set_xscale("log")
    ax.set_yscale("log")
    # Only the decades are labelled: minor labels (3x10^2, 4x10^2) collide.
    ax.xaxis.set_minor_formatter(mticker.NullFormatter())
    ax.yaxis.set_minor_formatter(mticker.NullFormatter())
    ax.set_xlabel("width $m$")
    ax.set_ylabel(r"$\mathrm{RD}(\theta_w)$ at the end of training")
    # Below the axes: inside, the legend hid a series.
    ax.legend(
        fontsize=7,
        title="simulation (dots: seeds)",
        title_fontsize=7,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.2),
        frameon=False,
    )


def plot_learned_functions(ax, x, runs, data_x, data_y, width):
    """The trained network $f(x)$ for each run, with the training points."""
    for i, run in enumerate(runs):
        ax.plot(
            x,
            run["f"],
            color=COLORS[i % len(COLORS)],
            label=f"$\\gamma = {run['gamma']}$ ($\\kappa = m^{{-\\gamma}}$)",
        )
    ax.plot(data_x, data_y, "ko", label="training data $y = x^2$")
    ax.set_xlabel("$x$")
    ax.set_ylabel("$f(x)$")
    ax.set_title(f"learned functions, $m = {width}$", fontsize=9)
    ax.legend(fontsize=7)


def plot_weight_directions(ax, run, color):
    """Input-weight orientation $\\theta_k = \\mathrm{atan2}(b_k, w_k)$ against the
    neuron's amplitude $|a_k| \\|(w_k, b_k)\\|$ (normalised), before and after
    training: condensation shows as a few orientations carrying all amplitude."""
    for key_w, key_a, face, label in (
        ("w0", "a0", "none", "initial"),
        ("w1", "a1", color, "final"),
    ):
        w = np.asarray(run[key_w], float)
        a = np.asarray(run[key_a], float)
        theta = np.arctan2(w[:, 1], w[:, 0])
        amp = np.abs(a) * np.linalg.norm(w, axis=1)
        ax.scatter(
            theta,
            amp / amp.max(),
            s=6,
            facecolors=face,
            edgecolors=color if face == "none" else "none",
            alpha=0.6 if face == "none" else 0.9,
            label=label,
        )
    ax.set_xlim(-np.pi, np.pi)
    ax.set_xlabel(r"orientation $\theta_k = \mathrm{atan2}(b_k, w_k)$")
    ax.set_ylabel(r"$|a_k|\,\|w_k\|$ / max")
    ax.set_title(
        f"$\\gamma = {run['gamma']}$, $\\gamma' = {run['gamma_prime']}$, "
        f"RD = {run['rd']:.2g}",
        fontsize=9,
    )
    ax.legend(fontsize=7)


def _display_name(name: str) -> str:
    """`e-et-al` -> `E et al.`, `lee-et-al` -> `Lee et al.`; other names as given."""
    if name.endswith("-et-al"):
        return name[: -len("-et-al")].capitalize() + " et al."
    return name


def plot_luo_phase_diagram(
    data: dict, stem: str | os.PathLike, formats=("png", "pdf")
) -> list[str]:
    """The whole figure from the dict of `paper_figs.luo_phase_diagram.compute`:
    (a) regions (theory) with fitted slopes (simulation) and named initialisations,
    (b) RD vs m at the marked points, (c) learned functions, (d)-(f) weight
    directions from large to small initialisation. Returns the paths written."""
    fig, axes = new_figure(ncols=3, nrows=2)
    ax = axes[0, 0]
    plot_regime_regions(ax)
    grid = data["grid"]
    slopes = np.array(grid["slope"], float)
    # Clip the colour scale at |slope| = 1: the signs are the message, and deep in the
    # linear regime (large gamma') slopes reach -2, which would wash out the rest.
    sc = ax.scatter(
        grid["gamma_prime"],
        grid["gamma"],
        c=slopes,
        cmap="PuOr_r",
        norm=mcolors.TwoSlopeNorm(0.0, -1.0, 1.0),
        s=60,
        edgecolors="k",
        zorder=3,
    )
    fig.colorbar(
        sc, ax=ax, extend="both", label=r"slope of $\log \mathrm{RD}$ vs $\log m$"
    )
    # Runs that reached `max_time` before the loss tolerance: RD is taken there.
    stopped = np.array(grid.get("converged_fraction", [1.0] * len(slopes))) < 1
    if stopped.any():
        ax.scatter(
            np.asarray(grid["gamma_prime"])[stopped],
            np.asarray(grid["gamma"])[stopped],
            marker="x",
            s=25,
            color="k",
            zorder=4,
            label="some runs stopped at max_time",
        )
        ax.legend(loc="lower left", fontsize=6)
    at: dict[tuple[float, float], list[str]] = {}
    for name, (g, gp) in data["named"].items():
        at.setdefault((gp, g), []).append(name)
    x_lo, x_hi = ax.get_xlim()
    renderer = fig.canvas.get_renderer()
    placed = []
    for (gp, g), names in sorted(at.items()):
        marker = _MARKERS.get(names[0], "o")
        ax.scatter(gp, g, marker=marker, s=70, color="k", zorder=4)
        # Labels point inwards (none is cut at the axes' edge); the first of four
        # placements that overlaps no label already drawn is kept.
        inward = -1 if gp > (x_lo + x_hi) / 2 else 1
        label = ", ".join(_display_name(n) for n in names)
        for dx, dy in ((6, -11), (6, 6), (-6, -11), (-6, 6)):
            dx *= inward
            text = ax.annotate(
                label,
                (gp, g),
                textcoords="offset points",
                xytext=(dx, dy),
                ha="left" if dx > 0 else "right",
                fontsize=6,
            )
            box = text.get_window_extent(renderer)
            if not any(box.overlaps(other) for other in placed):
                placed.append(box)
                break
            text.remove()
        else:
            placed.append(
                ax.annotate(label, (gp, g), fontsize=6).get_window_extent(renderer)
            )
    ax.set_title(
        f"theory (regions) vs simulation (dots), m = {grid['widths'][0]}"
        f"-{grid['widths'][-1]}, {grid['seeds']} seeds",
        fontsize=8,
    )

    marked = data["marked"]
    labels = [
        f"$(\\gamma, \\gamma') = ({g}, {gp})$"
        for g, gp in zip(marked["gamma"], marked["gamma_prime"])
    ]
    plot_rd_vs_width(
        axes[0, 1],
        marked["widths"],
        marked["rd"],
        marked["slope"],
        marked["slope_stderr"],
        labels,
    )
    functions = data["functions"]
    plot_learned_functions(
        axes[0, 2],
        functions["x"],
        functions["runs"],
        functions["data_x"],
        functions["data_y"],
        functions["width"],
    )
    for i, (ax, run) in enumerate(zip(axes[1], functions["runs"])):
        plot_weight_directions(ax, run, COLORS[i % len(COLORS)])
    fig.suptitle(
        "Two-layer ReLU training: linear, critical, condensed (Luo et al. 2021)"
    )
    return save_figure(fig, stem, formats)
