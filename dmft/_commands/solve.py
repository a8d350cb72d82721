"""`dmft solve`: the stationary DMFT of one network ensemble."""

import math

from ._app import (
    DiscreteStepOption,
    GOption,
    JsonOption,
    NoiseOption,
    PhiOption,
    SigmaBOption,
    TauOption,
    app,
    autocorrelation,
    check_result,
    emit,
    parse_phi,
    use_float64,
)


def check_discrete_step(discrete_step: float | None) -> None:
    """Raise `ValueError` unless the step is None or in (0, 1]."""
    if discrete_step is not None and not 0 < discrete_step <= 1:
        raise ValueError(f"--discrete-step must be in (0, 1]; got {discrete_step}.")


@app.command("solve")
def solve(
    g: GOption,
    sigma_b: SigmaBOption = 0.0,
    noise: NoiseOption = 0.0,
    tau: TauOption = None,
    discrete_step: DiscreteStepOption = None,
    phi: PhiOption = "tanh",
    as_json: JsonOption = False,
) -> None:
    """Regime, Delta_0, Delta_inf, Lyapunov exponent and Delta(tau) of the stationary
    DMFT (Sompolinsky, Crisanti & Sommers 1988, with bias and noise)."""
    use_float64()
    import dmft  # after use_float64

    taus = [float(t) for t in (tau or [])]
    if not (math.isfinite(g) and g > 0):
        raise ValueError(f"--g must be finite and > 0; got {g}.")
    if any(not (math.isfinite(t) and t >= 0) for t in taus):
        raise ValueError(f"every --tau must be finite and >= 0; got {taus}.")
    check_discrete_step(discrete_step)
    if discrete_step is not None:
        for t in taus:
            if abs(t / discrete_step - round(t / discrete_step)) > 1e-9:
                raise ValueError(
                    f"--tau {t} is not a whole number of steps of {discrete_step}."
                )
    ensemble = dmft.NetworkEnsemble(
        parse_phi(phi), sigma_w=g, sigma_b=sigma_b, noise=noise
    )
    if discrete_step is None:
        sol = dmft.solve_stationary(ensemble, throw=False)
        check_result(sol.result, dmft.meanfield.RESULTS)
        values = autocorrelation(ensemble, sol, taus) if taus else []
    else:
        sol = dmft.solve_discrete_stationary(ensemble, discrete_step)
        last = sol.lags.shape[0] - 1
        values = [sol.lags[min(round(t / discrete_step), last)] for t in taus]
    emit(
        {
            "regime": dmft.REGIMES[sol.regime],
            "delta0": sol.delta0,
            "delta_inf": sol.delta_inf,
            "lyapunov": sol.lyapunov,
            "delta_tau": {str(t): v for t, v in zip(taus, values)},
        },
        as_json,
    )
