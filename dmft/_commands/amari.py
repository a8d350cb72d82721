"""`dmft amari`: every fixed point of Amari's (m, q) equations, with its stability."""

from ._app import (
    GOption,
    JsonOption,
    MeanBOption,
    MeanWOption,
    PhiOption,
    SigmaBOption,
    app,
    emit,
    parse_phi,
    use_float64,
)


@app.command("amari")
def amari(
    g: GOption,
    sigma_b: SigmaBOption = 0.0,
    mean_w: MeanWOption = 0.0,
    mean_b: MeanBOption = 0.0,
    phi: PhiOption = "tanh",
    as_json: JsonOption = False,
) -> None:
    """All fixed points (m, q) of Amari's naive mean field (m > 0, m = 0, m < 0
    branches); stable iff g sqrt(E phi'^2) < 1 and mean_w E phi' < 1."""
    use_float64()
    import math

    import dmft  # after use_float64

    if not (math.isfinite(g) and g > 0):
        raise ValueError(f"--g must be finite and > 0; got {g}.")
    ensemble = dmft.NetworkEnsemble(
        parse_phi(phi), sigma_w=g, sigma_b=sigma_b, mean_w=mean_w, mean_b=mean_b
    )
    points = dmft.amari_fixed_points(ensemble)
    emit(
        {
            "fixed_points": [
                {
                    "m": p.m,
                    "q": p.q,
                    "stable": p.stable,
                    "bulk_radius": p.bulk_radius,
                    "outlier": p.outlier,
                }
                for p in points
            ]
        },
        as_json,
    )
