"""Outcomes of the mean-field solvers."""

import optimistix as optx


class RESULTS(optx.RESULTS):  # pyright: ignore
    """optimistix's outcomes, plus those specific to the mean-field equations."""

    no_static_solution = (
        "The length map $q = \\sigma_w^2 E[\\phi(\\sqrt{q} z)^2] + \\sigma_b^2$ has no "
        "finite fixed point: the activity diverges (an unbounded `phi` with too large "
        "`sigma_w`)."
    )
    no_bracket = (
        "Could not bracket the self-consistent variance $\\Delta_0$: the activity "
        "diverges or `max_steps` is too small."
    )
    autocorrelation_failed = (
        "The particle equation for $\\Delta(\\tau)$ (which the Lyapunov exponent also "
        "needs) failed to integrate. Try increasing `AutocorrelationOptions.max_steps`."
    )
