"""One look for every dmft figure: colour-blind-safe colours, constrained layout,
atomic saving, and a check that no two pieces of text overlap."""

import itertools
import os
import pathlib

import matplotlib

from .._atomic import atomic_path


matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker as mticker  # noqa: E402


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
    """A figure with `nrows x ncols` axes of the given size each (inches), laid out by
    matplotlib's constrained layout (titles, labels and legends never overlap)."""
    plt.rcParams.update({"axes.prop_cycle": plt.cycler(color=COLORS), "font.size": 9})
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(width * ncols, height * nrows),
        squeeze=False,
        layout="constrained",
    )
    return fig, axes


def signed_zero_free(ax, axis: str = "both") -> None:
    """Tick labels of `ax` without a minus sign on zero (no "-0.00"): a value that
    rounds to zero is written as zero."""

    class _Formatter(mticker.ScalarFormatter):
        def __call__(self, x, pos=None):
            text = super().__call__(x, pos)
            stripped = text.replace("\N{MINUS SIGN}", "").replace("-", "").strip("$")
            if stripped and set(stripped) <= set("0.,"):
                return text.replace("\N{MINUS SIGN}", "").replace("-", "")
            return text

    for name in ("x", "y") if axis == "both" else (axis,):
        target = ax.xaxis if name == "x" else ax.yaxis
        if type(target.get_major_formatter()) is mticker.ScalarFormatter:
            target.set_major_formatter(_Formatter())


def _visible_text_boxes(fig):
    """(description, window extent) of every drawn text artist of `fig`: titles, axis
    labels, tick labels inside the view limits, annotations, legends (whole boxes)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = []

    def add(name, artist):
        if artist is None or not artist.get_visible():
            return
        if hasattr(artist, "get_text") and not artist.get_text().strip():
            return
        box = artist.get_window_extent(renderer)
        if box.width > 0 and box.height > 0:
            boxes.append((name, box))

    for text in fig.texts:
        add(f"figure text {text.get_text()!r}", text)
    if getattr(fig, "_suptitle", None) is not None and fig._suptitle not in fig.texts:
        add("suptitle", fig._suptitle)
    for legend in fig.legends:
        add("figure legend", legend)
    for k, ax in enumerate(fig.axes):
        if not ax.get_visible():
            continue
        add(f"axes {k} title", ax.title)
        add(f"axes {k} xlabel", ax.xaxis.label)
        add(f"axes {k} ylabel", ax.yaxis.label)
        for axis, (lo, hi) in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
            lo, hi = min(lo, hi), max(lo, hi)
            span = (hi - lo) * 1e-9
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if lo - span <= tick.get_loc() <= hi + span:
                    for label in (tick.label1, tick.label2):
                        add(f"axes {k} tick {label.get_text()!r}", label)
            add(f"axes {k} offset text", axis.get_offset_text())
        for text in ax.texts:
            add(f"axes {k} text {text.get_text()!r}", text)
        add(f"axes {k} legend", ax.get_legend())
    return boxes


def text_overlaps(fig, tolerance: float = 0.5) -> list[tuple[str, str]]:
    """The pairs of text artists of `fig` (titles, axis and tick labels, annotations,
    legends) whose drawn boxes overlap by more than `tolerance` pixels in both
    directions; an empty list for a clean layout."""
    overlaps = []
    for (a, box_a), (b, box_b) in itertools.combinations(_visible_text_boxes(fig), 2):
        dx = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
        dy = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
        if dx > tolerance and dy > tolerance:
            overlaps.append((a, b))
    return overlaps


def save_figure(fig, stem: str | os.PathLike, formats=("png", "pdf")) -> list[str]:
    """Save `fig` as `stem.png` and `stem.pdf`, each written atomically (a temporary
    file in the same folder, then `os.replace`): an interrupted run never leaves a
    half-written image. Tick labels never read "-0.00". Returns the paths written."""
    for ax in fig.axes:
        signed_zero_free(ax)
    stem = pathlib.Path(stem)
    paths = []
    for fmt in formats:
        path = stem.with_name(f"{stem.name}.{fmt}")
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format=fmt, dpi=150, bbox_inches="tight")
        paths.append(str(path))
    plt.close(fig)
    return paths
