"""`dmft training`: the slope of log RD against log m at a point of the Luo et al.
phase diagram, and the regime the theory predicts there."""

import math
from typing import Annotated

import typer

from ._app import (
    JsonOption,
    SeedOption,
    app,
    check_memory,
    check_seed,
    check_writable_folder,
    emit,
)
from ._save import OutOption, save_result


# The paper's sweep is m = 10^3 ... 4 x 10^4; --quick keeps the same octave spread
# at widths where one run takes a fraction of a second on a laptop CPU.
FULL_WIDTHS = (1000, 2000, 5000, 10000, 20000, 40000)
QUICK_WIDTHS = (125, 250, 500, 1000)
# An upper estimate of the float32 values one trained network of width m holds at
# once: its 3 m parameters in the ODE solver's stages and saved states (~12 copies)
# and its activations on the training points.
VALUES_PER_NEURON = 64


@app.command("training")
def training(
    gamma: Annotated[
        float,
        typer.Option(
            "--gamma",
            help="Exponent gamma of the output scale: the output weights start at "
            "scale m^-gamma for width m (dimensionless; Luo et al.'s x-axis).",
        ),
    ],
    gamma_prime: Annotated[
        float,
        typer.Option(
            "--gamma-prime",
            help="Exponent gamma' of the input scale: the input weights start at "
            "scale m^-gamma' (dimensionless; Luo et al.'s y-axis).",
        ),
    ],
    quick: Annotated[
        bool,
        typer.Option("--quick", help=f"Small run: widths {QUICK_WIDTHS} and 2 seeds."),
    ] = False,
    seed: SeedOption = 0,
    seeds: Annotated[
        int | None,
        typer.Option(
            "--seeds",
            help="Number of initialisations per width, >= 1 (default 4; 2 with "
            "--quick).",
        ),
    ] = None,
    widths: Annotated[
        list[int] | None,
        typer.Option(
            "--width",
            help="A hidden-layer width m >= 1 in neurons (repeatable, at least two "
            "distinct); overrides the default widths.",
        ),
    ] = None,
    as_json: JsonOption = False,
    out: OutOption = None,
) -> None:
    """Train two-layer ReLU networks at (gamma, gamma') over widths and fit
    log RD(theta_w) against log m (Luo, Xu, Ma & Zhang, JMLR 2021)."""
    import jax.random as jr

    import dmft

    if out is not None:
        check_writable_folder(out)
    for name, value in (("--gamma", gamma), ("--gamma-prime", gamma_prime)):
        if not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number; got {value}.")
    exponents = dmft.ScalingExponents(
        gamma=float(gamma), gamma_prime=float(gamma_prime)
    )
    chosen = list(widths) if widths else list(QUICK_WIDTHS if quick else FULL_WIDTHS)
    if any(w < 1 for w in chosen):
        raise ValueError(f"every --width must be >= 1; got {chosen}.")
    if len(set(chosen)) < 2:
        raise ValueError(f"a slope needs at least two distinct widths; got {chosen}.")
    num_seeds = seeds if seeds is not None else (2 if quick else 4)
    if num_seeds < 1:
        raise ValueError(f"--seeds must be >= 1; got {num_seeds}.")
    check_seed(seed)
    check_memory(
        VALUES_PER_NEURON * 4 * num_seeds * max(chosen) * len(chosen),
        f"Training {num_seeds} networks of width up to {max(chosen)}",
        "use smaller --width or fewer --seeds",
    )

    # Simulation in the default float32: RD is needed to ~1e-3, far above its
    # round-off, and float32 halves the time on CPU.
    # Small widths: one padded program (compilation dominates); large: one per width.
    sweep = dmft.width_sweep(
        jr.key(seed),
        exponents,
        chosen,
        num_seeds,
        dmft.luo_data(),
        one_program=max(chosen) <= 2000,
    )
    rd = sweep.rd[0]
    numbers = {
        "gamma": gamma,
        "gamma_prime": gamma_prime,
        "regime": exponents.regime,
        "slope": sweep.slope[0],
        "slope_stderr": sweep.slope_stderr[0],
        "seed_slopes": sweep.seed_slopes[0],
        "rd": {str(w): float(r) for w, r in zip(chosen, rd.mean(axis=1))},
        "rd_seeds": {str(w): r for w, r in zip(chosen, rd)},
        "seeds": num_seeds,
        "converged_fraction": sweep.converged_fraction[0],
    }
    if out is not None:
        parameters = dict(gamma=gamma, gamma_prime=gamma_prime, seed=seed)
        parameters.update(seeds=num_seeds, widths=chosen)
        numbers["saved"] = save_result(
            out, "training", numbers, parameters, {"width": chosen, "rd": rd}
        )
    emit(numbers, as_json)
