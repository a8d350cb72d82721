"""`dmft transient`: the two-time DMFT solution from a given initial condition."""

import math
from typing import Annotated

import jax.numpy as jnp
import jax.random as jr

from .. import (
    RESULTS,
    GaussianInitial,
    NetworkEnsemble,
    TwoTimeOptions,
    TwoTimeQuadratureOptions,
    result_name,
    solve_two_time,
    solve_two_time_quadrature,
)
from ._app import (
    GOption,
    JsonOption,
    MeanBOption,
    MeanWOption,
    NoiseOption,
    PhiOption,
    SigmaBOption,
    app,
    check_result,
    check_seed,
    check_writable_folder,
    emit,
    option,
    parse_phi,
    use_float64,
)
from ._save import OutOption, save_result


# The two solvers: deterministic (the default) and sampled (its Monte Carlo check).
METHODS = ("quadrature", "sampled")

# Defaults of the sampled method: paths per pass, passes, discarded passes and
# marching iterations (see TwoTimeOptions).
SAMPLES, PASSES, BURN_IN, MAX_ITERATIONS = 2000, 32, 4, 300

# The late window over which m, q and C(t + tau, t) are averaged: the second half of
# [0, t1] (at g = 2 from q0 = 0.5 the transient is over by t ~ 30; the wider window
# shrinks the run-to-run spread of q_final against the last 10%: 1.3% against 2.0%
# over 6 seeds at the defaults).
LATE_FRACTION = 0.5

# Fewer sampled paths than this give sampling errors of tens of percent.
MIN_SAMPLES = 100


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
    dt: Annotated[
        float, option("--dt", "Time-grid step (exponential trapezoidal steps).")
    ] = 0.2,
    method: Annotated[
        str,
        option(
            "--method",
            "quadrature (deterministic: the effective process is Gaussian) or "
            "sampled (Monte Carlo paths, with standard errors).",
        ),
    ] = "quadrature",
    samples: Annotated[
        int | None,
        option(
            "--samples",
            f"--method sampled: paths M per pass, >= {MIN_SAMPLES} "
            f"(default {SAMPLES}).",
        ),
    ] = None,
    passes: Annotated[
        int | None,
        option(
            "--passes",
            "--method sampled: independent passes averaged, error ~ "
            f"(M passes)^-1/2 (default {PASSES}).",
        ),
    ] = None,
    max_iterations: Annotated[
        int | None,
        option(
            "--max-iterations",
            "Iterations before giving up: per time step (quadrature, default 50) "
            f"or per marching window (sampled, default {MAX_ITERATIONS}).",
        ),
    ] = None,
    tau: Annotated[
        list[float] | None,
        option("--tau", "Lag of C(t + tau, t) to report at late times (repeat)."),
    ] = None,
    seed: Annotated[int, option("--seed", "Random seed.")] = 0,
    as_json: JsonOption = False,
    out: OutOption = None,
) -> None:
    """Solve the two-time DMFT on [0, t1] from h(0) ~ N(m0, q0). Reports m and q at
    t1 (m_t1, q_t1), and m, q and C(t + tau, t) averaged over the late window
    [t1/2, t1] (m_final, q_final, delta_tau_late), each with a standard error (zero
    for the quadrature method, which samples nothing; its error is the O(dt^2) of
    the grid: at the defaults and g = 2, 1e-4 for q_final and 0.3% for
    delta_tau_late at tau = 5 against the stationary solution). The defaults take
    about 10 s on 2 CPU cores; --method sampled (M = 2000 paths, 32 passes) is the
    Monte Carlo check of the same equations, with errors of several percent at
    long lags."""
    use_float64()
    # Everything is checked before any computation.
    check_seed(seed)
    if out is not None:
        check_writable_folder(out)
    ensemble = NetworkEnsemble(
        parse_phi(phi),
        sigma_w=g,
        sigma_b=sigma_b,
        mean_w=mean_w,
        mean_b=mean_b,
        noise=noise,
    )
    initial = GaussianInitial(m0, q0)
    if method not in METHODS:
        raise ValueError(f"--method must be one of {', '.join(METHODS)}; got {method}.")
    sampled = method == "sampled"
    if not sampled:
        for flag, value in (("--samples", samples), ("--passes", passes)):
            if value is not None:
                raise ValueError(
                    f"{flag} applies to --method sampled only (the quadrature "
                    "method samples nothing)."
                )
    if max_iterations is not None and max_iterations < 1:
        raise ValueError(f"--max-iterations must be >= 1; got {max_iterations}.")
    samples = SAMPLES if samples is None else samples
    passes = PASSES if passes is None else passes
    if samples < MIN_SAMPLES:
        raise ValueError(
            f"--samples must be >= {MIN_SAMPLES} (the sampling error ~ "
            f"samples^-1/2 would swamp the result); got {samples}."
        )
    if passes < 3:
        raise ValueError(
            f"--passes must be >= 3 (one burn-in pass and two for the error bars); "
            f"got {passes}."
        )
    if sampled:
        options = TwoTimeOptions(
            n_samples=samples,
            max_iterations=MAX_ITERATIONS if max_iterations is None else max_iterations,
            passes=passes,
            burn_in=min(BURN_IN, passes - 2),
            response_samples=0,
        )
    else:
        options = TwoTimeQuadratureOptions(
            **({} if max_iterations is None else {"max_iterations": max_iterations})
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
            f"--tau must lie in [0, {late:g}] (t1/2, so that the late window "
            f"exists); got {taus}."
        )
    steps = max(2, round(t1 / dt))
    try:
        options.check_memory(steps + 1)
    except ValueError:
        paths = f" with --samples {samples}" if sampled else ""
        fewer = " or fewer --samples" if sampled else ""
        raise ValueError(
            f"--t1 {t1:g} / --dt {dt:g} = {steps} steps{paths} needs about "
            f"{options.memory_bytes(steps + 1) / 2**30:.3g} GiB, more than the "
            f"{options.max_memory / 2**30:.3g} GiB limit: use a shorter --t1, a "
            f"larger --dt{fewer}."
        ) from None

    ts = jnp.linspace(0.0, t1, steps + 1)
    if sampled:
        sol = solve_two_time(
            ensemble, ts, initial, key=jr.key(seed), options=options, throw=False
        )
    else:
        sol = solve_two_time_quadrature(
            ensemble, ts, initial, options=options, throw=False
        )
    delta, delta_err = {}, {}
    for x in taus:
        delta[str(float(x))], delta_err[str(float(x))] = sol.late_window(late, x)
    q_late, q_late_err = sol.late_window(late)
    m_late, m_late_err = sol.late_window_mean(late)
    numbers = {
        "converged": bool(sol.converged),
        "status": result_name(sol.result),
        "iterations": int(sol.iterations),
        "m_final": m_late,
        "q_final": q_late,
        "m_final_stderr": m_late_err,
        "q_final_stderr": q_late_err,
        "delta_tau_late": delta,
        "delta_tau_late_stderr": delta_err,
        "late_window": [float(ts[0] + late), float(ts[-1])],
        "m_t1": float(sol.m[-1]),
        "q_t1": float(sol.q[-1]),
        "m_t1_stderr": float(sol.m_stderr[-1]),
        "q_t1_stderr": float(sol.q_stderr[-1]),
        "method": method,
        "samples": samples if sampled else None,
        "passes": passes if sampled else None,
        "dt": float(ts[1] - ts[0]),
    }
    if out is not None:
        parameters = dict(g=g, sigma_b=sigma_b, noise=noise, mean_w=mean_w)
        parameters.update(mean_b=mean_b, phi=phi, m0=m0, q0=q0, t1=t1, dt=dt)
        parameters.update(method=method, tau=taus, seed=seed)
        if sampled:
            parameters.update(samples=samples, passes=passes)
        numbers["saved"] = save_result(
            out,
            "transient",
            numbers,
            parameters,
            {
                "t": sol.ts,
                "m": sol.m,
                "q": sol.q,
                "m_stderr": sol.m_stderr,
                "q_stderr": sol.q_stderr,
                "C": sol.C,
                "C_stderr": sol.C_stderr,
            },
        )
    emit(numbers, as_json)
    check_result(sol.result, RESULTS)
