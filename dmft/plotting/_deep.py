"""The deep-limit phase diagram: depth scale and correlation fixed point over
$(\\sigma_w^2, \\sigma_b^2)$ with the critical line (Schoenholz et al. 2017, Fig. 1)."""

import os

import numpy as np

from ._style import COLORS, new_figure, save_figure


def plot_deep_phase_diagram(
    data: dict, stem: str | os.PathLike, formats=("png", "pdf")
) -> list[str]:
    """Two panels over $(\\sigma_w^2, \\sigma_b^2)$: the correlation depth scale
    $\\xi_c$ (log colour scale) and the correlation fixed point $c^*$, each with the
    critical line $\\chi_1 = 1$.

    **Arguments:**

    - `data`: a dict of lists: `sigma_w2` (n_w), `sigma_b2` (n_b), `xi_c` and `c_star`
        (n_w x n_b), `critical_sigma_w2` and `critical_sigma_b2` (the line), and
        `phi` (a name for the title).
    - `stem`: output path without suffix.
    - `formats`: image formats to write.

    **Returns:** the paths written.
    """
    sw2 = np.asarray(data["sigma_w2"], float)
    sb2 = np.asarray(data["sigma_b2"], float)
    fig, axes = new_figure(ncols=2, width=5.0)
    panels = (
        ("xi_c", r"depth scale $\xi_c$", True, "w"),
        ("c_star", r"correlation fixed point $c^*$", False, "k"),
    )
    for ax, (key, label, log, ink) in zip(axes[0], panels):
        # None (JSON null) marks points without a finite fixed point.
        values = np.array(data[key], dtype=float).T
        if log:
            values = np.log10(values)
            label = r"$\log_{10}$ " + label
        mesh = ax.pcolormesh(sw2, sb2, values, shading="auto", cmap="viridis")
        fig.colorbar(mesh, ax=ax, label=label)
        ax.plot(
            data["critical_sigma_w2"],
            data["critical_sigma_b2"],
            color=COLORS[1],
            lw=2,
            label=r"theory: $\chi_1 = 1$",
        )
        ax.set_xlabel(r"$\sigma_w^2$")
        ax.set_ylabel(r"$\sigma_b^2$")
        ax.set_xlim(sw2[0], sw2[-1])
        ax.set_ylim(sb2[0], sb2[-1])
        ax.text(0.05, 0.9, "ordered", transform=ax.transAxes, color=ink)
        ax.text(0.7, 0.1, "chaotic", transform=ax.transAxes, color="w")
        # Above the axes: inside, the legend box would hide cells of the map.
        ax.legend(
            loc="lower right", bbox_to_anchor=(1.0, 1.0), fontsize=7, frameon=False
        )
    fig.suptitle(f"Deep {data.get('phi', '')} network, infinite width (theory)")
    return save_figure(fig, stem, formats)
