"""`--out DIR`: a command saves the numbers it prints and the curves behind them.

Each saving command writes two files into its folder, atomically and with the
permissions of an ordinarily created file (0666 less the umask):

- `DIR/<command>.json`: the numbers the command prints (strict JSON: a non-finite
  value is `null`) and the parameters it ran with;
- `DIR/<command>.npz`: the arrays (`numpy.load` reads them), e.g. `tau` and `delta`
  for $\\Delta(\\tau)$ on a grid of lags.

Every entry point has one default folder, `dmft-output/<command>/` (git-ignored);
`solve`, `simulate`, `transient` and `training` save only when `--out` is given.
"""

import json
import pathlib
from typing import Annotated, Any

import numpy as np
import typer

from .._atomic import atomic_path
from ._app import to_builtin


DEFAULT_ROOT = pathlib.Path("dmft-output")

OutOption = Annotated[
    pathlib.Path | None,
    typer.Option(
        "--out",
        help="Folder to save the numbers (JSON) and the curves (.npz) in, e.g. "
        "dmft-output/COMMAND; nothing is saved without it.",
    ),
]

# Lags of the saved Delta(tau) grid (units of time): the curve decays on a scale of
# a few units in the chaotic regime, so 0..20 in steps of 0.1 shows all of it.
GRID_MAX_LAG, GRID_STEP = 20.0, 0.1
# Traces saved by `simulate --out`: a few neurons over a short stretch of time.
N_TRACES, TRACE_TIME = 5, 50.0


def default_folder(command: str) -> pathlib.Path:
    """The default output folder of `command`: `dmft-output/<command>`."""
    return DEFAULT_ROOT / command


def save_result(
    out: pathlib.Path,
    command: str,
    numbers: dict[str, Any],
    parameters: dict[str, Any],
    arrays: dict[str, Any],
) -> list[str]:
    """Write `out/<command>.json` (`numbers` and `parameters`) and `out/<command>.npz`
    (`arrays`); return the two paths."""
    out = pathlib.Path(out)
    npz_path = out / f"{command}.npz"
    json_path = out / f"{command}.json"
    with atomic_path(npz_path) as tmp, open(tmp, "wb") as f:
        np.savez(f, **{k: np.asarray(v) for k, v in arrays.items()})
    document = {
        "command": command,
        "parameters": to_builtin(parameters),
        "result": to_builtin(numbers),
        "arrays": {k: list(np.shape(v)) for k, v in arrays.items()},
    }
    with atomic_path(json_path) as tmp, open(tmp, "w") as f:
        json.dump(document, f, allow_nan=False, indent=1)
        f.write("\n")
    return [str(json_path), str(npz_path)]


def lag_grid(taus: list[float], step: float = GRID_STEP) -> np.ndarray:
    """Lags 0, step, ..., up to max(20, the largest requested lag)."""
    largest = max([GRID_MAX_LAG, *taus])
    return step * np.arange(round(largest / step) + 1)


def save_solve(out, numbers, parameters, ensemble, solution, discrete_step, taus):
    """`dmft solve --out`: the numbers, and $\\Delta(\\tau)$ of the DMFT on a grid
    (`tau`, `delta`)."""
    if discrete_step is None:
        from ._app import delta_at

        grid = lag_grid(taus)
        delta = np.asarray(delta_at(ensemble, solution, grid))
    else:
        # Delta_k at lag k * step (units of time), as computed by the solver.
        delta = np.asarray(solution.delta)
        grid = np.asarray(solution.lags)
    return save_result(out, "solve", numbers, parameters, {"tau": grid, "delta": delta})


def save_simulate(out, numbers, parameters, network, stats, dynamics, dt, key):
    """`dmft simulate --out`: the numbers, the measured $\\Delta(\\tau)$ (`tau`,
    `delta`) and traces $h_i(t)$ of the first few neurons from a random state
    (`trace_t`, `trace_h`, shape `(time, neuron)`)."""
    import equinox as eqx
    import jax.numpy as jnp
    import jax.random as jr

    from dmft import random_state

    key_h0, key_noise = jr.split(key)
    n_samples = round(min(TRACE_TIME, parameters["t1"]) / dt)
    noisy = parameters["noise"] > 0
    h0 = random_state(key_h0, network)
    sample = eqx.filter_jit(dynamics.sample)
    ys, _ = sample(
        network,
        h0,
        jnp.zeros((), h0.dtype),
        dt,
        n_samples,
        key_noise if noisy else None,
        True,
    )
    traces = np.concatenate([np.asarray(h0)[None], np.asarray(ys)])[:, :N_TRACES]
    arrays = {
        "tau": np.asarray(stats.lags),
        "delta": np.asarray(stats.delta),
        "trace_t": dt * np.arange(n_samples + 1),
        "trace_h": traces,
    }
    return save_result(out, "simulate", numbers, parameters, arrays)
