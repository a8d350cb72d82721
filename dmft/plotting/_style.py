"""One look for every dmft figure: colour-blind-safe colours, atomic saving."""

import os
import pathlib

import matplotlib

from .._atomic import atomic_path


matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402


# Okabe & Ito (2008), safe for the common colour-vision deficiencies.
COLORS = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
)


def new_figure(ncols: int = 1, nrows: int = 1, width: float = 4.2, height: float = 3.4):
    """A figure with `nrows x ncols` axes of the given size each (inches)."""
    plt.rcParams.update({"axes.prop_cycle": plt.cycler(color=COLORS), "font.size": 9})
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(width * ncols, height * nrows), squeeze=False
    )
    return fig, axes


def save_figure(fig, stem: str | os.PathLike, formats=("png", "pdf")) -> list[str]:
    """Save `fig` as `stem.png` and `stem.pdf`, each written atomically (a temporary
    file in the same folder, then `os.replace`): an interrupted run never leaves a
    half-written image. Returns the paths written."""
    stem = pathlib.Path(stem)
    paths = []
    for fmt in formats:
        path = stem.with_name(f"{stem.name}.{fmt}")
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format=fmt, dpi=150, bbox_inches="tight")
        paths.append(str(path))
    plt.close(fig)
    return paths
