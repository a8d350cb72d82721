"""One outcome vocabulary for every solver of the library, in diffrax's style.

Every solution object has a field `result` holding a `dmft.RESULTS` item; public entry
points take `throw: bool = True` (raise on failure) and with `throw=False` return the
result for the caller to inspect (`result == dmft.RESULTS.successful`, or the message
`dmft.RESULTS[result]`). `result_name` gives the stable member name used by the CLI's
`--json` output as `"status"`.
"""

import diffrax as dfx
import equinox as eqx
import numpy as np


class RESULTS(dfx.RESULTS):  # pyright: ignore
    """diffrax's outcomes (which include optimistix's and lineax's: `successful`,
    `max_steps_reached`, `nonfinite`, ...), plus those specific to dmft's equations.
    A diffrax or optimistix result becomes one of these with `RESULTS.promote`."""

    no_finite_fixed_point = (
        "The length map $q = \\sigma_w^2 E[\\phi(\\sqrt{q} z)^2] + \\sigma_b^2$ has no "
        "finite fixed point: q grows without bound (an unbounded `phi` with too large "
        "`sigma_w`: ReLU with sigma_w^2 >= 2, linear with sigma_w >= 1)."
    )
    degenerate = (
        "The equations are degenerate at these parameters: a continuum of solutions "
        "(for example linear `phi` at sigma_w = 1, where every q is a fixed point), so "
        "no single solution is reported."
    )
    length_out_of_range = (
        "The length q of the deep solve exceeded `DeepSolver.q_max`, beyond which the "
        "quadrature rule is not trusted to 1e-9 (or, for a `Custom` phi, whose growth "
        "is unknown, q may grow without bound). Pass a `DeepSolver` with a larger "
        "`q_max` and a rule with more nodes."
    )
    no_bracket = (
        "Could not bracket the self-consistent variance $\\Delta_0$: the activity "
        "diverges or `max_steps` is too small."
    )
    autocorrelation_failed = (
        "The particle equation for $\\Delta(\\tau)$ (which the Lyapunov exponent also "
        "needs) failed to integrate. Try increasing `AutocorrelationOptions.max_steps`."
    )
    near_onset = (
        "Too close to the onset of chaos to resolve Delta(tau)'s decay and the "
        "Lyapunov exponent in this precision: their rate kappa^2 = W(Delta_inf) is a "
        "difference of O(1) terms and fell below 2e6 machine epsilons (Delta0 and "
        "Delta_inf are resolved). Near onset (tanh, no bias or noise) lambda ~ "
        "Delta0^2/2 and Delta(tau) ~ Delta0 sech(Delta0 tau / sqrt(3))."
    )
    no_chaos_onset = (
        "With noise, the Lyapunov exponent stayed negative at every g tried: the noise "
        "suppresses chaos beyond the searched range. Try increasing "
        "`TransitionOptions.max_doublings` (each doubles the range of g searched)."
    )
    max_iterations_reached = (
        "The iteration did not converge within `max_iterations`. Try increasing "
        "`max_iterations`, stronger damping (smaller `damping`), more samples, or a "
        "larger `tol`."
    )
    time_limit = (
        "Training reached `max_time` before the loss fell below `loss_tol`. Try "
        "increasing `TrainingOptions.max_time`."
    )


class REGIMES(eqx.Enumeration):
    """The dynamical regime of a stationary mean-field solution. The message of each
    item is its display name (`REGIMES[regime]` gives `"static"`, ...)."""

    static = "static"
    chaotic = "chaotic"
    noise_driven = "noise-driven"


def result_name(result: RESULTS) -> str:
    """The member name (`"successful"`, `"max_steps_reached"`, ...) of a concrete,
    unbatched `RESULTS` item: a stable word for JSON output."""
    index = int(np.asarray(result._value))
    for name, item in RESULTS._name_to_item.items():
        if int(np.asarray(item._value)) == index:
            return name
    raise ValueError(f"unknown result {result!r}.")
