"""`dmft demo`: the first command a newcomer runs. For now it computes the deep
network's order-to-chaos phase diagram (tanh) with its critical line and saves it."""

import pathlib
import time
from typing import Annotated

import typer

from ._app import JsonOption, app, emit, use_float64


def deep_phase_diagram_data(n_w: int = 80, n_b: int = 40) -> dict:
    """The tanh phase diagram over $\\sigma_w^2 \\in [0.5, 4]$,
    $\\sigma_b^2 \\in [0, 0.5]$ and the critical line, as JSON-ready lists."""
    import jax.numpy as jnp

    import dmft

    sigma_w2 = jnp.linspace(0.5, 4.0, n_w)
    sigma_b2 = jnp.linspace(0.0, 0.5, n_b)
    diagram = dmft.phase_diagram(dmft.Tanh(), jnp.sqrt(sigma_w2), jnp.sqrt(sigma_b2))
    line_b2 = jnp.linspace(0.0, 0.5, 51)
    line = dmft.critical_sigma_w(dmft.Tanh(), jnp.sqrt(line_b2))
    point = diagram.fixed_point
    return {
        "phi": "tanh",
        "sigma_w2": sigma_w2.tolist(),
        "sigma_b2": sigma_b2.tolist(),
        "xi_c": point.xi_c.tolist(),
        "c_star": point.c_star.tolist(),
        "critical_sigma_w2": (line.sigma_w**2).tolist(),
        "critical_sigma_b2": line_b2.tolist(),
    }


@app.command("demo")
def demo(
    out: Annotated[
        pathlib.Path, typer.Option("--out", help="Folder for the figure.")
    ] = pathlib.Path("dmft-demo"),
    as_json: JsonOption = False,
) -> None:
    """Compute the deep tanh network's phase diagram (theory) and save it as a PNG."""
    use_float64()
    from ..plotting import plot_deep_phase_diagram

    start = time.perf_counter()
    data = deep_phase_diagram_data()
    out.mkdir(parents=True, exist_ok=True)
    (png,) = plot_deep_phase_diagram(data, out / "deep_phase_diagram", ("png",))
    emit(
        {
            "figure": png,
            "critical_sigma_w2_at_sigma_b2_0.05": _interp(data, 0.05),
            "seconds": round(time.perf_counter() - start, 2),
        },
        as_json,
    )


def _interp(data: dict, sigma_b2: float) -> float:
    import numpy as np

    return float(
        np.interp(sigma_b2, data["critical_sigma_b2"], data["critical_sigma_w2"])
    )
