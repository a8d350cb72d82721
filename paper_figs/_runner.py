"""Make paper figures: compute (resumably, panel by panel), save the plotted numbers as
JSON and the figure as PNG and PDF, every file written atomically."""

import importlib
import inspect
import json
import pathlib
import pkgutil
from collections.abc import Callable, Iterable
from types import ModuleType
from typing import Any

from tqdm import tqdm

from dmft.io import write_json


# The order of `dmft figures`; any other figure module found in the package follows.
FIGURE_ORDER = (
    "scs_autocorrelation",
    "chaos_onset",
    "noise_transition",
    "deep_phase_diagram",
    "depth_scales",
    "deep_propagation",
    "amari_mq",
    "recurrent_vs_deep",
    "dmft_transient",
    "luo_phase_diagram",
)


def figure_modules() -> dict[str, ModuleType]:
    """Every figure module of `paper_figs`, by name, in `FIGURE_ORDER` first."""
    import paper_figs

    found = [
        info.name
        for info in pkgutil.iter_modules(paper_figs.__path__)
        if not info.name.startswith("_")
    ]
    names = [n for n in FIGURE_ORDER if n in found] + sorted(
        n for n in found if n not in FIGURE_ORDER
    )
    return {n: importlib.import_module(f"paper_figs.{n}") for n in names}


def load_stored(path: pathlib.Path, keys: Iterable[str] = ()) -> dict[str, Any]:
    """The non-empty JSON object stored in `path` (with `keys`, if given).

    **Raises:** `ValueError` naming the file and what to do, if it is truncated,
    empty, not an object, or lacks one of `keys`.
    """
    try:
        stored = json.loads(pathlib.Path(path).read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        reason = f"unreadable ({type(e).__name__}: {e})"
    else:
        missing = [k for k in keys if not isinstance(stored, dict) or k not in stored]
        if not isinstance(stored, dict) or not stored:
            reason = f"not a non-empty JSON object (got {type(stored).__name__})"
        elif missing:
            reason = f"missing {', '.join(missing)}"
        else:
            return stored
    raise ValueError(
        f"stored results {path} are {reason}; delete the file or rerun with --fresh "
        "to recompute."
    )


class PanelCache:
    """A folder of finished panels: `cache(key, compute)` returns the stored result of
    `compute()` for `key`, computing and storing it (atomically) only the first time.
    An interrupted figure therefore resumes at the first unfinished panel; with
    `fresh=True` every panel is recomputed (and a damaged stored one replaced)."""

    def __init__(self, folder: pathlib.Path, fresh: bool = False):
        self.folder = pathlib.Path(folder)
        self.fresh = fresh

    def __call__(self, key: str, compute: Callable[[], dict[str, Any]]):
        path = self.folder / f"{key}.json"
        if path.exists() and not self.fresh:
            return load_stored(path)
        result = compute()
        if not isinstance(result, dict) or not result:
            raise ValueError(
                f"panel {key!r} computed no data (got {result!r}); nothing stored."
            )
        write_json(path, result)
        return result


def make_figure(
    module: ModuleType, out: pathlib.Path, quick: bool, fresh: bool = False
) -> list[str]:
    """Compute (or reload) one figure's data and draw it; returns the files written.

    The data are reused when `stem.json` exists for the same `quick` setting; finished
    panels of an interrupted computation are reused from `out/.panels/`.
    """
    out = pathlib.Path(out)
    stem = out / module.NAME
    data_path = out / f"{module.NAME}.json"
    stored = None
    if not fresh and data_path.exists():
        stored = load_stored(data_path, ("quick", "data"))
    if stored is None or stored.get("quick") != quick:
        cache = PanelCache(
            out / ".panels" / f"{module.NAME}-{'quick' if quick else 'full'}", fresh
        )
        if "cache" in inspect.signature(module.compute).parameters:
            data = module.compute(quick, cache=cache)
        else:
            data = module.compute(quick)
        checks = data.get("checks") if isinstance(data, dict) else None
        if not isinstance(checks, list):
            raise ValueError(
                f"figure {module.NAME}: compute() must return `checks`, the "
                "theory-vs-simulation comparison of every plotted point (may be empty)."
            )
        stored = {"name": module.NAME, "quick": quick, "checks": checks, "data": data}
        write_json(data_path, stored)
    module.plot(stored["data"], stem)
    return [str(data_path), f"{stem}.png", f"{stem}.pdf"]


def make_figures(
    out: pathlib.Path,
    only: Iterable[str] = (),
    quick: bool = False,
    fresh: bool = False,
) -> dict[str, list[str]]:
    """Make the figures named in `only` (all when empty); returns their files by name.

    **Raises:** `ValueError` for an unknown figure name, before any work starts.
    """
    modules = figure_modules()
    only = list(only)
    unknown = [n for n in only if n not in modules]
    if unknown:
        raise ValueError(
            f"unknown figure {', '.join(unknown)}; choose from {', '.join(modules)}."
        )
    chosen = {n: m for n, m in modules.items() if not only or n in only}
    files = {}
    bar = tqdm(chosen.items(), desc="figures", unit="fig")
    for name, module in bar:
        bar.set_postfix_str(name)
        files[name] = make_figure(module, out, quick, fresh)
    return files
