"""The numbers behind a theory-vs-simulation figure: one entry per plotted point."""

import math

import numpy as np


def comparison_checks(
    quantity: str, x, theory, simulation, stderr, theory_stderr=None
) -> list[dict]:
    """One check per plotted simulation point: `{"quantity", "x", "theory",
    "simulation", "stderr", "z"}` with $z = (\\text{simulation} - \\text{theory}) /
    \\text{stderr}$, where `stderr` is the standard error of the simulated mean over
    independent networks, combined in quadrature with `theory_stderr` when the theory
    is itself a Monte Carlo estimate. A figure agrees with its theory when every
    $|z| \\le 3$.

    **Arguments:**

    - `quantity`: what is compared (e.g. `"Delta(tau), g=2"`).
    - `x`, `theory`, `simulation`, `stderr`: equal-length sequences (or scalars).
    - `theory_stderr`: optional standard error of the theory values.

    **Returns:** a list of JSON-ready dicts (a zero or non-finite standard error gives
    `z = None`).
    """
    x, theory, simulation, stderr = (
        np.atleast_1d(np.asarray(v, float)) for v in (x, theory, simulation, stderr)
    )
    if theory_stderr is not None:
        stderr = np.hypot(stderr, np.atleast_1d(np.asarray(theory_stderr, float)))
    x, theory, simulation, stderr = np.broadcast_arrays(x, theory, simulation, stderr)
    out = []
    for xi, th, sim, se in zip(x, theory, simulation, stderr):
        z = (sim - th) / se if se > 0 and math.isfinite(se) else math.nan
        out.append(
            {
                "quantity": quantity,
                "x": float(xi),
                "theory": float(th),
                "simulation": float(sim),
                "stderr": float(se),
                "z": float(z) if math.isfinite(z) else None,
            }
        )
    return out
