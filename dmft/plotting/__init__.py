"""Matplotlib figures shared by the CLI, the examples and paper_figs (Agg backend)."""

from ._style import (
    COLORS as COLORS,
    new_figure as new_figure,
    save_figure as save_figure,
)
