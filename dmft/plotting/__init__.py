"""Matplotlib figures shared by the CLI, the examples and paper_figs (Agg backend)."""

from ._checks import comparison_checks as comparison_checks

# deep limit
from ._deep import plot_deep_phase_diagram as plot_deep_phase_diagram

# mean-field theory
from ._meanfield import (
    plot_autocorrelation as plot_autocorrelation,
    plot_autocorrelation_ensemble as plot_autocorrelation_ensemble,
    plot_lyapunov_curve as plot_lyapunov_curve,
)

# finite networks
from ._network import plot_network_activity as plot_network_activity
from ._style import (
    COLORS as COLORS,
    new_figure as new_figure,
    save_figure as save_figure,
    text_overlaps as text_overlaps,
)

# training dynamics
from ._training import (
    plot_learned_functions as plot_learned_functions,
    plot_luo_phase_diagram as plot_luo_phase_diagram,
    plot_rd_vs_width as plot_rd_vs_width,
    plot_regime_regions as plot_regime_regions,
    plot_weight_directions as plot_weight_directions,
)

# two-time DMFT
from ._twotime import plot_transient as plot_transient
