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
        typer.Option(
            "--only",
            metavar="NAME",
            help="Make only this figure (repeatable; names listed above).",
        ),
    ] = None,
    quick: Annotated[
        bool, typer.Option("--quick", help="Smaller N and T (for CI).")
    ] = False,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Recompute even when results are stored.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Make the paper figures; an interrupted run resumes where it stopped.

    \b
    Figures (--only NAME):
      amari_mq             Amari's (m, q) equations vs networks with mean coupling
      chaos_onset          Delta_0 and the Lyapunov exponent vs g, N-series to 1/N
      deep_phase_diagram   order-to-chaos phase diagram (sigma_w^2, sigma_b^2)
      deep_propagation     q^l, c^l and the circle length through depth
      depth_scales         depth scales xi_q, xi_c vs sigma_w^2 (Schoenholz et al.)
      dmft_transient       two-time DMFT m(t), q(t) vs networks, far from stationarity
      luo_phase_diagram    Luo et al.'s phase diagram of two-layer ReLU training
      noise_transition     noise moves the transition to chaos (DMFT Lyapunov exponent)
      recurrent_vs_deep    the recurrent network as a tied-weight deep network
      scs_autocorrelation  Delta(tau)/Delta_0 of the chaotic state vs networks
    """
    from paper_figs import make_figures

    check_writable_folder(out)
    use_float64()
    files = make_figures(out, only or (), quick=quick, fresh=fresh)
    emit({"out": str(out), "figures": files}, as_json)
