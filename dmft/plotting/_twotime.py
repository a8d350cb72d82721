"""Two-time DMFT transients against Amari's (m, q) equations and finite networks."""

import numpy as np

from ._style import COLORS


def plot_transient(ax_m, ax_q, panel: dict, legend: bool = True) -> None:
    """Draw $m(t)$ on `ax_m` and $q(t)$ on `ax_q` from one scenario of the
    `dmft_transient` figure: two-time DMFT (line; with a band of two standard errors
    when it was sampled),
    Amari's naive mean field (dashed) and finite-N simulations (markers, mean and
    its standard error over networks: `sim_m_std`, `sim_q_std`).

    **Arguments:**

    - `ax_m`, `ax_q`: matplotlib axes.
    - `panel`: a dict with `t`, `dmft_m`, `dmft_m_stderr`, `dmft_q`, `dmft_q_stderr`,
      `amari_m`, `amari_q`, `sim_t`, `sim_m`, `sim_m_std`, `sim_q`, `sim_q_std`,
      `n`, `seeds`, `samples` (`None` for `dmft.solve_two_time_quadrature`, whose
      standard errors are zero) and `title`.
    - `legend`: draw the legend on `ax_q` (one legend per figure: pass False for all
      but one row of a figure with several scenarios).
    """
    t = np.asarray(panel["t"])
    for ax, key, label in ((ax_m, "m", "$m(t)$"), (ax_q, "q", "$q(t)$")):
        value = np.asarray(panel[f"dmft_{key}"])
        band = 2 * np.asarray(panel[f"dmft_{key}_stderr"])
        if np.any(band > 0):  # a sampled solution: its Monte Carlo error
            ax.fill_between(
                t, value - band, value + band, color=COLORS[0], alpha=0.25, lw=0
            )
        method = "quadrature" if panel["samples"] is None else f"M={panel['samples']}"
        ax.plot(t, value, color=COLORS[0], label=f"two-time DMFT (theory, {method})")
        ax.plot(
            t,
            panel[f"amari_{key}"],
            color=COLORS[1],
            ls="--",
            label="Amari (m, q) ODEs (theory)",
        )
        ax.errorbar(
            panel["sim_t"],
            panel[f"sim_{key}"],
            yerr=panel[f"sim_{key}_std"],
            color=COLORS[2],
            marker="o",
            ms=3,
            ls="none",
            label=f"simulation (N={panel['n']}, mean ± s.e. of {panel['seeds']} networks)",
        )
        ax.set_xlabel("time $t$")
        ax.set_ylabel(label)
        ax.set_title(panel["title"], fontsize=8)
    if legend:
        ax_q.legend(fontsize=7, frameon=False)
