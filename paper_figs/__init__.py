"""The classic figures of the field, theory against simulation: one module per figure.

Each module defines `NAME`, `compute(quick, cache)` returning a JSON-ready dict of every
plotted array, and `plot(data, stem)` writing `stem.png` and `stem.pdf`. Run them all with
`python -m paper_figs` or `dmft figures`; one with `dmft figures --only NAME`.
"""

from ._runner import (
    figure_modules as figure_modules,
    load_stored as load_stored,
    make_figure as make_figure,
    make_figures as make_figures,
)
