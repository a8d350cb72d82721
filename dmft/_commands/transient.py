"""`dmft transient`: the two-time DMFT solution from a given initial condition."""

import math
from typing import Annotated

import jax.numpy as jnp
import jax.random as jr
import numpy as np

from .._ensemble import NetworkEnsemble
from ..twotime import GaussianInitial, TwoTimeOptions, solve_two_time
from ._app import (
    GOption,
    JsonOption,
    MeanBOption,
    MeanWOption,
    NoiseOption,
    PhiOption,
    SigmaBOption,
    app,
    check_seed,
    emit,
    option,
    parse_phi,
    use_float64,
)


# The late window over which C(t + tau, t) is averaged: the last 10% of [0, t1].
LATE_FRACTION = 0.1


@app.command("transient")
def transient(
    g: GOption = 2.0,
    sigma_b: SigmaBOption = 0.0,
    noise: NoiseOption = 0.0,
    mean_w: MeanWOption = 0.0,
    mean_b: MeanBOption = 0.0,
    phi: PhiOption = "tanh",
    m0: Annotated[float, option("--m0", "Mean of h(0).")] = 0.0,
    q0: Annotated[float, option("--q0", "Variance of h(0).")] = 0.5,
    t1: Annotated[float, option("--t1", "End time.")] = 100.0,
    dt: Annotated[float, option("--dt", "Time-grid step (Heun on the grid).")] = 0.2,
    samples: Annotated[
        int, option("--samples", "Sampled paths M (error ~ M^-1/2).")
    ] = 2000,
    max_iterations: Annotated[
        int, option("--max-iterations", "Iterations before giving up.")
    ] = 300,
    tau: Annotated[
        list[float] | None,
        option("--tau", "Lag of C(t + tau, t) to report at late times (repeat)."),
    ] = None,
    seed: Annotated[int, option("--seed", "Random seed.")] = 0,
    as_json: JsonOption = False,
) -> None:
    """Solve the two-time DMFT on [0, t1] from h(0) ~ N(m0, q0): m, q at t1 and
    C(t + tau, t) averaged over the last 10% of the run. The defaults (M = 2000
    paths, dt = 0.2, 501 times) take about a minute on 2 CPU cores; the sampling
    error of C is a few percent (more --samples to reduce it)."""
    use_float64()
    # Everything is checked before any computation.
    check_seed(seed)
    ensemble = NetworkEnsemble(
        parse_phi(phi),
        sigma_w=g,
        sigma_b=sigma_b,
        mean_w=mean_w,
        mean_b=mean_b,
        noise=noise,
    )
    initial = GaussianInitial(m0, q0)
    options = TwoTimeOptions(
        n_samples=samples, max_iterations=max_iterations, response_samples=0
    )
    if not (math.isfinite(t1) and t1 > 0):
        raise ValueError(f"--t1 must be finite and > 0; got {t1}.")
    if not (math.isfinite(dt) and 0 < dt <= t1 / 2):
        raise ValueError(f"--dt must lie in (0, t1/2]; got {dt}.")
    late = (1 - LATE_FRACTION) * t1
    # Default lags 1 and 5, those that fit in a short run.
    taus = [x for x in (1.0, 5.0) if x <= late] if tau is None else list(tau)
    if not all(math.isfinite(x) and 0 <= x <= late for x in taus):
        raise ValueError(
            f"--tau must lie in [0, {late:g}] (0.9 t1, so that the late window "
            f"exists); got {taus}."
        )

    steps = max(2, round(t1 / dt))
    ts = jnp.linspace(0.0, t1, steps + 1)
    sol = solve_two_time(
        ensemble, ts, initial, key=jr.key(seed), options=options, throw=False
    )
    delta, delta_err = {}, {}
    for x in taus:
        times, values, errors = sol.autocorrelation(x)
        window = times >= late
        delta[str(float(x))] = float(np.mean(values[window]))
        delta_err[str(float(x))] = float(np.mean(errors[window]))
    converged = bool(sol.converged)
    emit(
        {
            "converged": converged,
            "iterations": int(sol.iterations),
            "m_final": float(sol.m[-1]),
            "q_final": float(sol.q[-1]),
            "m_final_stderr": float(sol.m_stderr[-1]),
            "q_final_stderr": float(sol.q_stderr[-1]),
            "delta_tau_late": delta,
            "delta_tau_late_stderr": delta_err,
            "samples": samples,
            "dt": float(ts[1] - ts[0]),
        },
        as_json,
    )
    if not converged:
        # The numbers above are printed for inspection; the exit status says failure
        # (`dmft.cli:main` turns this into one line on stderr and exit status 1).
        raise RuntimeError(
            "the two-time DMFT iteration did not converge; increase "
            "--max-iterations or --samples."
        )
