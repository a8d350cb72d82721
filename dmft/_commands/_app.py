"""The typer app that every command registers on, and what the commands share."""

import json
import math
import os
from typing import Annotated, Any

import jax
import numpy as np
import typer

from .._nonlinearity import NONLINEARITIES, AbstractNonlinearity, nonlinearity
from .._validation import check_memory as check_memory


app = typer.Typer(
    name="dmft",
    help="Dynamic mean-field theory of random neural networks.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # Plain help (click's): paragraphs re-wrapped at word boundaries, flags shown as
    # flags (no `<bool>` column); `-h` is `--help`.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

PhiOption = Annotated[
    str,
    typer.Option(
        "--phi",
        help=f"Nonlinearity phi: one of {', '.join(sorted(NONLINEARITIES))}.",
    ),
]


def option(flag: str, text: str):
    """A typer option with its help text (keeps signatures on one line)."""
    return typer.Option(flag, help=text)


# The ensemble's parameters, shared by every command that builds a NetworkEnsemble.
GOption = Annotated[
    float,
    typer.Option(
        "--g",
        help="Coupling scale g = sigma_w > 0 (SCS's g; W_ij has standard deviation "
        "g/sqrt(N)), dimensionless.",
    ),
]
SigmaBOption = Annotated[
    float,
    typer.Option(
        "--sigma-b", help="Standard deviation sigma_b >= 0 of the biases (units of h)."
    ),
]
NoiseOption = Annotated[
    float,
    typer.Option(
        "--noise",
        help="White-noise amplitude sigma >= 0 (units of h per square root of time).",
    ),
]
MeanWOption = Annotated[
    float,
    typer.Option(
        "--mean-w", help="Mean coupling w (W_ij has mean w/N), dimensionless."
    ),
]
MeanBOption = Annotated[float, typer.Option("--mean-b", help="Mean bias (units of h).")]
TauOption = Annotated[
    list[float] | None,
    typer.Option(
        "--tau",
        help="Lag tau >= 0 at which to report Delta(tau), in units of the time "
        "constant; with --discrete-step a whole number of steps (repeatable).",
    ),
]
DiscreteStepOption = Annotated[
    float | None,
    typer.Option(
        "--discrete-step",
        help="Use the discrete-time map h <- (1-d) h + d (W phi(h) + b) with step "
        "0 < d <= 1 (units of the time constant) instead of continuous time.",
    ),
]
SeedOption = Annotated[
    int,
    typer.Option("--seed", help="Random seed, an integer in [0, 2**63 - 1]."),
]
JsonOption = Annotated[
    bool,
    typer.Option(
        "--json",
        help="Print one strict JSON object instead of text (non-finite numbers as "
        "null, with a status).",
    ),
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


def check_result(result, results, what: str | None = None) -> None:
    """Raise `RuntimeError` with the message of `result`, an item of the enumeration
    `results`, unless it is `successful`. Commands solve with `throw=False` and check
    here: `throw=True` compiles `eqx.error_if`'s host callback into the program, and
    JAX's persistent compilation cache does not store programs with host callbacks."""
    if result != results.successful:
        message = " ".join(str(results[result]).split())
        raise RuntimeError(message if what is None else f"{what} failed: {message}")


def check_discrete_step(step: float | None) -> None:
    """Raise `ValueError` unless `--discrete-step` is absent or in (0, 1], the domain
    of `dmft.DiscreteTime` and `dmft.solve_discrete_stationary` alike."""
    if step is not None and not (math.isfinite(step) and 0 < step <= 1):
        raise ValueError(
            f"--discrete-step must be in (0, 1] (beyond 1 the map overshoots); "
            f"got {step}."
        )


def check_taus(taus: list[float] | None, step: float | None = None) -> list[float]:
    """The `--tau` values as floats, after checking each is finite and >= 0 and, with
    `--discrete-step`, a whole number of steps: the one rule of `solve` and
    `simulate` (the map has no value between two steps)."""
    taus = [float(t) for t in (taus or [])]
    for t in taus:
        if not (math.isfinite(t) and t >= 0):
            raise ValueError(f"every --tau must be finite and >= 0; got {t}.")
        if step is not None and abs(t / step - round(t / step)) > 1e-9:
            raise ValueError(
                f"--tau {t} is not a whole number of steps of --discrete-step {step}; "
                f"use a multiple of {step}."
            )
    return taus


def delta_at(ensemble, solution, taus):
    """`stationary_autocorrelation` at `taus`, raising (as `check_result`) if the
    integration failed."""
    from dmft import RESULTS, stationary_autocorrelation

    values = stationary_autocorrelation(ensemble, solution, taus, throw=False)
    if math.isnan(float(values.sum())):
        raise RuntimeError(RESULTS[RESULTS.autocorrelation_failed])
    return values


def to_builtin(value: Any, nonfinite: list[str] | None = None, where: str = "") -> Any:
    """Convert arrays and NumPy scalars to JSON-ready Python values; NaN and infinities
    become None, and their keys (dotted paths) are appended to `nonfinite`."""
    if isinstance(value, dict):
        return {
            str(k): to_builtin(v, nonfinite, f"{where}.{k}" if where else str(k))
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [to_builtin(v, nonfinite, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, jax.Array | np.ndarray | np.generic):
        value = np.asarray(value).tolist()
        return to_builtin(value, nonfinite, where)
    if isinstance(value, float) and not math.isfinite(value):
        if nonfinite is not None:
            nonfinite.append(where)
        return None
    return value


def to_json(result: dict[str, Any]) -> dict[str, Any]:
    """A command's result as strict JSON values: every non-finite number becomes
    `null`, and then `"status"` says why (`"nonfinite"`, unless the command set its
    own status) and `"nonfinite"` lists the fields concerned."""
    nonfinite: list[str] = []
    out = to_builtin(result, nonfinite)
    if nonfinite:
        out.setdefault("status", "nonfinite")
        out["nonfinite"] = nonfinite
    return out


def emit(result: dict[str, Any], as_json: bool) -> None:
    """Print a command's result, the one output function of every command: one
    strict JSON object (`allow_nan=False`, see `to_json`), or one `key: value` line
    each."""
    result = to_json(result)
    if as_json:
        typer.echo(json.dumps(result, allow_nan=False))
        return
    for key, value in result.items():
        if isinstance(value, dict | list) or value is None:
            value = json.dumps(value, allow_nan=False)
        typer.echo(f"{key}: {value}")


def check_seed(seed: int) -> None:
    """Raise `ValueError` unless `--seed` fits JAX's keys (0 <= seed < 2**63)."""
    if not 0 <= seed < 2**63:
        raise ValueError(f"--seed must be an integer in [0, 2**63 - 1]; got {seed}.")


def check_writable_folder(path, option: str = "--out") -> None:
    """Raise `ValueError` unless files can be created in the folder `path` (created
    if missing): checked before any work, so that hours of computing are not lost to
    a bad path."""
    import pathlib
    import tempfile

    folder = pathlib.Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as e:
        reason = e.strerror or type(e).__name__
        raise ValueError(
            f"{option} {str(path)!r} is not a writable folder ({reason}); choose "
            "another folder."
        ) from None


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"dmft {version('dmft')}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print the version and exit.",
            callback=_print_version,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """Dynamic mean-field theory of random neural networks: `dmft COMMAND --help`."""
