"""`dmft demo`: the first command a newcomer runs. It solves the dynamic mean-field
theory of a chaotic tanh network at $g = 2$, simulates a network of 1000 neurons, and
plots the autocorrelation $\\Delta(\\tau)$ of both in one figure."""

import pathlib
import time
from typing import Annotated

import typer

from ._app import (
    JsonOption,
    app,
    check_result,
    check_seed,
    check_writable_folder,
    delta_at,
    emit,
    use_float64,
)


G, N, T_BURN, T1, MAX_LAG = 2.0, 1000, 100.0, 500.0, 15.0


@app.command("demo")
def demo(
    out: Annotated[
        pathlib.Path, typer.Option("--out", help="Folder for the figure.")
    ] = pathlib.Path("dmft-demo"),
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
    as_json: JsonOption = False,
) -> None:
    """Solve the DMFT at g = 2, simulate N = 1000 neurons, plot Delta(tau) of both."""
    check_seed(seed)
    check_writable_folder(out)
    use_float64()
    import jax.numpy as jnp
    import jax.random as jr
    import numpy as np

    import dmft
    from dmft.meanfield import RESULTS, solve_stationary

    from ..plotting import COLORS, new_figure, save_figure

    start = time.perf_counter()
    ensemble = dmft.NetworkEnsemble(dmft.Tanh(), G)
    theory = solve_stationary(ensemble, throw=False)
    check_result(theory.result, RESULTS)
    taus = jnp.linspace(0.0, MAX_LAG, 151)
    delta_theory = delta_at(ensemble, theory, taus)

    key_net, key_run = jr.split(jr.key(seed))
    network = dmft.RateNetwork.sample(ensemble, key_net, N, dtype=jnp.float32)
    stats = dmft.stationary_statistics(
        network, key_run, T_BURN, T1, sampling=dmft.Sampling(dt=0.1, max_lag=MAX_LAG)
    )

    fig, axes = new_figure(width=5.0)
    ax = axes[0, 0]
    ax.plot(taus, delta_theory, color=COLORS[0], lw=2, label="DMFT (N = infinity)")
    lags, delta = np.asarray(stats.lags), np.asarray(stats.delta)
    ax.plot(
        lags[::5],
        delta[::5],
        "o",
        ms=3,
        color=COLORS[1],
        label=f"simulation, N = {N}, window {T1 - T_BURN:g}",
    )
    ax.set_xlabel(r"lag $\tau$ (units of the time constant)")
    ax.set_ylabel(r"autocorrelation $\Delta(\tau)$")
    ax.set_title(rf"Chaotic tanh network, $g = {G}$")
    ax.legend()
    paths = save_figure(fig, out / "demo_autocorrelation")
    emit(
        {
            "figure": paths[0],
            "g": G,
            "delta0_dmft": float(theory.delta0),
            "delta0_simulation": float(stats.delta0),
            "lyapunov_dmft": float(theory.lyapunov),
            "seconds": round(time.perf_counter() - start, 1),
        },
        as_json,
    )
