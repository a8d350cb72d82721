"""The typer app that every command registers on, and what the commands share."""

import json
import math
import os
from typing import Annotated, Any

import jax
import numpy as np
import typer

from .._nonlinearity import NONLINEARITIES, AbstractNonlinearity, nonlinearity


app = typer.Typer(
    name="dmft",
    help="Dynamic mean-field theory of random neural networks.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

PhiOption = Annotated[
    str,
    typer.Option(
        "--phi", help=f"Nonlinearity: one of {', '.join(sorted(NONLINEARITIES))}."
    ),
]


def option(flag: str, text: str):
    """A typer option with its help text (keeps signatures on one line)."""
    return typer.Option(flag, help=text)


# The ensemble's parameters, shared by every command that builds a NetworkEnsemble.
GOption = Annotated[
    float, typer.Option("--g", help="Coupling scale g = sigma_w > 0 (SCS's g).")
]
SigmaBOption = Annotated[
    float, typer.Option("--sigma-b", help="Bias standard deviation sigma_b >= 0.")
]
NoiseOption = Annotated[
    float, typer.Option("--noise", help="White-noise amplitude sigma >= 0.")
]
MeanWOption = Annotated[
    float, typer.Option("--mean-w", help="Mean coupling (W_ij has mean w/N).")
]
MeanBOption = Annotated[float, typer.Option("--mean-b", help="Mean bias.")]
TauOption = Annotated[
    list[float] | None,
    typer.Option(
        "--tau", help="Lag (units of time) at which to report Delta (repeat)."
    ),
]
DiscreteStepOption = Annotated[
    float | None,
    typer.Option(
        "--discrete-step",
        help="The map h <- (1-d) h + d (W phi(h) + b) with step d in (0, 1].",
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print one JSON object instead of text.")
]


def parse_phi(name: str) -> AbstractNonlinearity:
    """The nonlinearity named on the command line (raises a one-line ValueError)."""
    return nonlinearity(name)


def use_float64() -> None:
    """Theory commands compute in float64: results are checked to ~1e-6 relative."""
    jax.config.update("jax_enable_x64", True)


def use_compilation_cache() -> None:
    """Reuse compiled programs across CLI invocations (compilation dominates small runs)."""
    cache = os.environ.get(
        "DMFT_COMPILATION_CACHE", os.path.expanduser("~/.cache/dmft/jax")
    )
    if cache:
        jax.config.update("jax_compilation_cache_dir", cache)
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.5)


def check_result(result, results) -> None:
    """Raise `RuntimeError` with the message of `result`, an item of the enumeration
    `results`, unless it is `successful`. Commands solve with `throw=False` and check
    here: `throw=True` compiles `eqx.error_if`'s host callback into the program, and
    JAX's persistent compilation cache does not store programs with host callbacks."""
    if result != results.successful:
        raise RuntimeError(results[result])


def autocorrelation(ensemble, solution, taus):
    """`stationary_autocorrelation` at `taus`, raising (as `check_result`) if the
    integration failed."""
    from dmft.meanfield import RESULTS, stationary_autocorrelation

    values = stationary_autocorrelation(ensemble, solution, taus, throw=False)
    if math.isnan(float(values.sum())):
        raise RuntimeError(RESULTS[RESULTS.autocorrelation_failed])
    return values


def to_builtin(value: Any) -> Any:
    """Convert arrays and NumPy scalars to JSON-ready Python values (NaN/inf -> None)."""
    if isinstance(value, dict):
        return {str(k): to_builtin(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_builtin(v) for v in value]
    if isinstance(value, jax.Array | np.ndarray | np.generic):
        value = np.asarray(value).tolist()
        return to_builtin(value) if isinstance(value, list) else value
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def emit(result: dict[str, Any], as_json: bool) -> None:
    """Print a command's result: one JSON object, or one `key: value` line each."""
    result = to_builtin(result)
    if as_json:
        typer.echo(json.dumps(result))
        return
    for key, value in result.items():
        if isinstance(value, dict | list):
            value = json.dumps(value)
        typer.echo(f"{key}: {value}")


@app.callback()
def _root() -> None:
    """Dynamic mean-field theory of random neural networks: `dmft COMMAND --help`."""
