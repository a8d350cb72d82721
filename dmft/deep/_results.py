"""Outcomes of the deep-limit solvers."""

import equinox as eqx


class RESULTS(eqx.Enumeration):
    """How a deep-limit fixed-point or critical-line solve ended.

    `no_finite_fixed_point` is physics, not a numerical failure: the length map
    $q^l = V(q^{l-1})$ then grows without bound with depth (ReLU or linear networks with
    $\\sigma_w^2$ at or above their critical value). The other failures are numerical.
    """

    successful = ""
    max_steps_reached = (
        "The deep-limit iteration did not converge within `max_steps` steps. Try "
        "increasing `DeepSolver(max_steps=...)` or loosening `rtol`/`atol`."
    )
    no_finite_fixed_point = (
        "The length map has no finite fixed point: q^l grows without bound with depth "
        "(e.g. ReLU with sigma_w^2 >= 2, linear with sigma_w >= 1)."
    )
    nonfinite = "A non-finite value appeared during the deep-limit iteration."


# One short, stable word per outcome, for the CLI and JSON output.
STATUS_NAMES = {
    "successful": "converged",
    "max_steps_reached": "not converged",
    "no_finite_fixed_point": "no finite fixed point",
    "nonfinite": "nonfinite",
}


def status_name(result: RESULTS) -> str:
    """The short name (`"converged"`, `"no finite fixed point"`, ...) of a concrete,
    unbatched result."""
    for name, word in STATUS_NAMES.items():
        if bool(result == getattr(RESULTS, name)):
            return word
    raise ValueError(f"unknown result {result!r}.")
