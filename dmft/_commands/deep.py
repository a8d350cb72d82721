"""`dmft deep`: the deep-limit fixed point and depth scales of one network ensemble."""

from typing import Annotated

import typer

from ._app import JsonOption, PhiOption, SigmaBOption, app, emit, parse_phi, use_float64


_KEYS = ("q_star", "c_star", "chi_1", "chi_c", "xi_q", "xi_c")


@app.command("deep")
def deep(
    sigma_w: Annotated[
        float,
        typer.Option(
            "--sigma-w",
            help="Weight scale sigma_w >= 0 (W_ij has standard deviation "
            "sigma_w/sqrt(N)), dimensionless.",
        ),
    ],
    sigma_b: SigmaBOption = 0.0,
    phi: PhiOption = "tanh",
    as_json: JsonOption = False,
) -> None:
    """q*, c*, chi_1, chi_c and the depth scales xi_q, xi_c of a deep random network
    (untied weights, infinite width), accurate to 1e-9 for q* <= 1e13."""
    use_float64()
    import dmft  # after use_float64: nothing is computed at import

    # Validation first: a bad phi or a negative/NaN variance fails before any work.
    ensemble = dmft.NetworkEnsemble(parse_phi(phi), sigma_w, sigma_b)
    point = dmft.deep.deep_fixed_point(ensemble, throw=False)
    status = dmft.result_name(point.result)
    if status not in ("successful", "no_finite_fixed_point", "degenerate"):
        raise RuntimeError(dmft.RESULTS[point.result])
    finite = status == "successful"
    result = {key: (getattr(point, key) if finite else None) for key in _KEYS}
    result["status"] = status
    emit(result, as_json)
    if status == "no_finite_fixed_point" and not as_json:
        typer.echo(
            f"No finite fixed point: q^l grows without bound with depth for {phi} at "
            f"sigma_w = {sigma_w}, sigma_b = {sigma_b}."
        )
    if status == "degenerate" and not as_json:
        typer.echo(
            f"Degenerate: every q is a fixed point of the length map for {phi} at "
            f"sigma_w = {sigma_w}, sigma_b = {sigma_b}."
        )
