"""`dmft transition`: the critical coupling of the recurrent and the deep network."""

from ._app import (
    DiscreteStepOption,
    JsonOption,
    NoiseOption,
    PhiOption,
    SigmaBOption,
    app,
    check_discrete_step,
    check_result,
    emit,
    parse_phi,
    use_float64,
)


@app.command("transition")
def transition(
    sigma_b: SigmaBOption = 0.0,
    noise: NoiseOption = 0.0,
    discrete_step: DiscreteStepOption = None,
    phi: PhiOption = "tanh",
    as_json: JsonOption = False,
) -> None:
    """sigma_w_c_deep (chi_1 = 1 of the deep network) and g_c_dmft (onset of the chaotic
    DMFT solution; with noise, where the DMFT Lyapunov exponent crosses 0)."""
    use_float64()
    import dmft  # after use_float64

    check_discrete_step(discrete_step)
    ensemble = dmft.NetworkEnsemble(parse_phi(phi), sigma_b=sigma_b, noise=noise)
    deep = dmft.deep.critical_sigma_w(ensemble.phi, ensemble.sigma_b, throw=False)
    check_result(deep.result, dmft.RESULTS)
    grid = dmft.LyapunovGrid(n=512) if discrete_step is not None else None
    kwargs = {} if grid is None else {"grid": grid}
    onset = dmft.chaos_transition(
        ensemble, discrete_step=discrete_step, throw=False, **kwargs
    )
    check_result(onset.result, dmft.RESULTS)
    emit({"sigma_w_c_deep": deep.sigma_w, "g_c_dmft": onset.g_c}, as_json)
