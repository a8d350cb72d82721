"""`dmft figures`: every paper figure, theory against simulation."""

import pathlib
from typing import Annotated

import typer

from ._app import JsonOption, app, check_writable_folder, emit, use_float64


@app.command("figures")
def figures(
    out: Annotated[
        pathlib.Path, typer.Option("--out", help="Folder for PNG, PDF and JSON.")
    ] = pathlib.Path("dmft-output/figures"),
    only: Annotated[
        list[str] | None,
        typer.Option("--only", help="Make only this figure (repeatable)."),
    ] = None,
    quick: Annotated[
        bool, typer.Option("--quick", help="Smaller N and T (for CI).")
    ] = False,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Recompute even when results are stored.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Make the paper figures; an interrupted run resumes where it stopped."""
    from paper_figs import make_figures

    check_writable_folder(out)
    use_float64()
    files = make_figures(out, only or (), quick=quick, fresh=fresh)
    emit({"out": str(out), "figures": files}, as_json)
