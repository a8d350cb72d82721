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
    check_discrete_step,
    check_result,
    check_taus,
    check_writable_folder,
    delta_at,
    emit,
    parse_phi,
    use_float64,
)
from ._save import OutOption, save_solve


@app.command("solve")
def solve(
    g: GOption,
    sigma_b: SigmaBOption = 0.0,
    noise: NoiseOption = 0.0,
    tau: TauOption = None,
    discrete_step: DiscreteStepOption = None,
    phi: PhiOption = "tanh",
    as_json: JsonOption = False,
    out: OutOption = None,
) -> None:
    """Regime, Delta_0, Delta_inf, Lyapunov exponent and Delta(tau) of the stationary
    DMFT (Sompolinsky, Crisanti & Sommers 1988, with bias and noise)."""
    use_float64()
    import dmft  # after use_float64

    if not (math.isfinite(g) and g > 0):
        raise ValueError(f"--g must be finite and > 0; got {g}.")
    if out is not None:
        check_writable_folder(out)
    check_discrete_step(discrete_step)
    taus = check_taus(tau, discrete_step)
    ensemble = dmft.NetworkEnsemble(
        parse_phi(phi), sigma_w=g, sigma_b=sigma_b, noise=noise
    )
    if discrete_step is None:
        sol = dmft.solve_stationary(ensemble, throw=False)
        check_result(sol.result, dmft.RESULTS)
        values = delta_at(ensemble, sol, taus) if taus else []
        regime = dmft.REGIMES[sol.regime]
    else:
        sol = dmft.solve_discrete_stationary(ensemble, discrete_step)
        last = sol.delta.shape[0] - 1
        values = [sol.delta[min(round(t / discrete_step), last)] for t in taus]
        regime = dmft.REGIMES[sol.regime]
    result = {
        "regime": regime,
        "delta0": sol.delta0,
        "delta_inf": sol.delta_inf,
        "lyapunov": sol.lyapunov,
        "delta_tau": {str(t): v for t, v in zip(taus, values)},
    }
    if out is not None:
        parameters = dict(g=g, sigma_b=sigma_b, noise=noise, phi=phi)
        parameters.update(discrete_step=discrete_step, tau=taus)
        result["saved"] = save_solve(
            out, result, parameters, ensemble, sol, discrete_step, taus
        )
    emit(result, as_json)
