"""The stationary DMFT of Sompolinsky, Crisanti & Sommers (1988), with quenched biases
and white-noise input: the self-consistent $\\Delta_0$ and $\\Delta_\\infty$."""

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, Float

from .._ensemble import NetworkEnsemble
from .._gaussian import product_expectation
from .._results import RESULTS
from .._validation import (
    check_finite_nonnegative,
    check_integer,
    check_interval,
    check_positive,
    require,
)
from ._autocorrelation import AutocorrelationOptions, relaxation_rate, resolved
from ._bracketed_newton import bracketed_newton, newton_polish, root_above_zero
from ._lyapunov import LyapunovGrid, lyapunov_exponent
from ._potential import correlation_function, potential, schrodinger_potential
from ._solution import StationarySolution, classify
from ._stop_gradient import stop_gradient


class StationaryOptions(eqx.Module):
    """Tolerances of the nested root solves of `dmft.meanfield.solve_stationary` (and
    of the discrete-time solver and the transition, which reuse them).

    **Arguments:**

    - `rtol`, `atol`: relative and absolute tolerance of the bracketed searches for
        $q^*$, $\\Delta_0$ and $\\Delta_\\infty$, each in $(0, 10^{-6}]$. Each search
        ends with one Newton step, accepted only within $10^{-6}(1 + |x|)$ of the
        search's end (farther, the step would come from a kink or a vanishing slope);
        a tolerance of at most $10^{-6}$ keeps every converged search inside that
        radius, so the answer is the root to rounding, with its implicit derivatives,
        whatever the tolerance (a looser one only costs fewer iterations). Looser ones
        are refused: they would return the search's unpolished end, accurate only to
        the tolerance and without derivatives, as a successful search (`rtol = atol
        = 10` at $g = 2$, $\\sigma_b = 0.3$, $\\sigma = 0.5$ stopped at
        $\\Delta_0 = 10.43$, for $2.1407$).
    - `max_steps`: the most iterations of each root solve (an integer >= 1).
    - `autocorrelation`: how $\\Delta(\\tau)$ is integrated for the Lyapunov exponent,
        a `dmft.meanfield.AutocorrelationOptions`.

    **Raises:** `ValueError` for a tolerance outside $(0, 10^{-6}]$ or `max_steps` < 1.
    """

    rtol: float = 1e-12
    atol: float = 1e-14
    max_steps: int = eqx.field(default=200, static=True)
    autocorrelation: AutocorrelationOptions = AutocorrelationOptions()

    def __check_init__(self):
        check_interval("rtol", self.rtol, 0.0, 1e-6)
        check_interval("atol", self.atol, 0.0, 1e-6)
        check_integer("max_steps", self.max_steps, 1)


def _is_zero(v):
    return v == 0


def check_stationary_ensemble(ensemble: NetworkEnsemble) -> None:
    """Raise `ValueError` unless `ensemble` is one the stationary DMFT describes
    (traced values pass: see `dmft._validation`)."""
    check_positive(sigma_w=ensemble.sigma_w)
    check_finite_nonnegative(sigma_b=ensemble.sigma_b, noise=ensemble.noise)
    for name in ("mean_w", "mean_b"):
        require(
            name,
            getattr(ensemble, name),
            _is_zero,
            "0 (the stationary DMFT here has zero-mean couplings and biases; use "
            "`dmft.meanfield.amari_fixed_points` for the means)",
        )


# --- the static solution: the length map's fixed point -------------------------------


def _length_residual(q, ensemble):
    g2, sb2 = ensemble.sigma_w**2, ensemble.sigma_b**2
    return g2 * product_expectation(ensemble.phi, 0.0, q) + sb2 - q


def _length_step(q, ensemble):
    value, slope = jax.jvp(lambda x: _length_residual(x, ensemble), (q,), (1.0,))
    return value, slope, value > 0


def static_variance(
    ensemble: NetworkEnsemble, options: StationaryOptions = StationaryOptions()
) -> tuple[Float[Array, ""], RESULTS]:
    """The largest fixed point $q^*$ of the length map $q = g^2 E[\\phi(\\sqrt q z)^2] +
    \\sigma_b^2$: the variance of the static solution (and of the deep network).

    **Returns:** `(q_star, result)`.
    """
    ens = stop_gradient(ensemble)
    start = 1.0 + ens.sigma_b**2 + ens.sigma_w**2
    q, found, converged = root_above_zero(
        _length_step,
        start,
        ens,
        rtol=options.rtol,
        atol=options.atol,
        max_steps=options.max_steps,
    )
    # Newton polish, with the implicit derivatives of q* in the ensemble. q* = 0
    # (sigma_b = 0, chi_1 < 1) is a kink of the bracketing predicate, where it keeps q.
    q = newton_polish(_length_residual, q, ensemble)
    result = RESULTS.where(found, RESULTS.successful, RESULTS.no_finite_fixed_point)
    result = RESULTS.where(
        converged | (result != RESULTS.successful),
        result,
        RESULTS.nonlinear_max_steps_reached,
    )
    return q, result


# --- the dynamic solution: the particle that leaves Delta0 and stops at Delta_inf ----


def _force_step(delta, carry):
    # V'(Delta) = g^2 C + sb2 - Delta; left of its smaller root: V' > 0 and V'' < 0.
    ensemble, delta0 = carry
    g2, sb2 = ensemble.sigma_w**2, ensemble.sigma_b**2
    value = g2 * correlation_function(ensemble, delta, delta0) + sb2 - delta
    slope = -schrodinger_potential(ensemble, delta, delta0)
    return value, slope, (value > 0) & (slope < 0)


def turning_point(
    ensemble: NetworkEnsemble,
    delta0: Float[Array, ""],
    options: StationaryOptions = StationaryOptions(),
    start: Float[Array, ""] | None = None,
) -> Float[Array, ""]:
    """The smallest root $\\Delta_\\infty$ of $V'(\\Delta; \\Delta_0) = g^2 C(\\Delta;
    \\Delta_0) + \\sigma_b^2 - \\Delta$ in $[0, \\Delta_0]$, the local maximum of $V$ at
    which the particle comes to rest; if there is none, the minimum of $V'$.

    $V'$ is convex in $\\Delta$ ($V''' = g^2 E[\\phi''\\phi''] \\ge 0$ by Price's theorem)
    and $V'(0) \\ge 0$, so "left of the root" is "$V' > 0$ and $V'' < 0$", and Newton
    steps from $\\Delta = 0$ never overshoot it. From a `start` right of the root (where
    $V'$ still falls) the first Newton step lands left of it, by the same convexity: a
    nearby `start` (the root at a nearby $\\Delta_0$) takes two or three steps instead of
    eight or ten from $\\Delta = 0$.
    """
    ensemble, delta0 = carry = stop_gradient((ensemble, delta0))
    if start is not None:
        start = jnp.clip(jax.lax.stop_gradient(start), 0.0, delta0)
    x, _ = bracketed_newton(
        _force_step,
        jnp.zeros_like(delta0),
        delta0,
        carry,
        rtol=options.rtol,
        atol=options.atol,
        max_steps=options.max_steps,
        start=start,
    )
    return x


def _energy_mismatch(delta0, ensemble, turning):
    """$K(\\Delta_0) = \\sigma^4/8 + V(\\Delta_0) - V(\\Delta_\\infty)$: the kinetic energy
    the particle has left at the turning point; > 0 means $\\Delta_0$ is too small. Where
    $V'$ has no root (no turning point: the particle overshoots) a positive term keeps
    $K > 0$."""
    noise2 = ensemble.noise**2
    # Without derivatives: where the root exists, V'(turning) is rounding noise of
    # either sign and its derivative in Delta0 (O(1)) would spoil Newton's slope (the
    # outer iteration then converged only linearly, ~55 instead of ~8 steps); the true
    # derivative there is zero.
    overshoot = jax.lax.stop_gradient(
        jnp.maximum(_force_step(turning, (ensemble, delta0))[0], 0.0)
    )
    return (
        noise2**2 / 8
        + potential(ensemble, delta0, delta0)
        - potential(ensemble, turning, delta0)
        + overshoot * delta0
    )


def _outer_step(delta0, ensemble, options, turning):
    # `turning`: the turning point at the previous Delta0, the inner solve's warm start.
    turning = turning_point(ensemble, delta0, options, start=turning)
    value, slope = jax.jvp(
        lambda d: _energy_mismatch(d, ensemble, turning), (delta0,), (1.0,)
    )
    return value, slope, value > 0, turning


def _outer_residual(delta0, args):
    ensemble, options, start = args
    # The turning point enters without derivatives: V'(Delta_inf) = 0 makes K
    # stationary in it (envelope theorem), so implicit derivatives stay exact.
    turning = turning_point(ensemble, delta0, options, start)
    return _energy_mismatch(delta0, ensemble, turning)


def _inner_residual(delta, args):
    ensemble, delta0 = args
    return _force_step(delta, (ensemble, delta0))[0]


def dynamic_variances(
    ensemble: NetworkEnsemble,
    q_star: Float[Array, ""],
    options: StationaryOptions = StationaryOptions(),
) -> tuple[Float[Array, ""], Float[Array, ""], RESULTS]:
    """$\\Delta_0$ and $\\Delta_\\infty$ of the time-dependent solution: the roots of

    $$\\Delta_\\infty = g^2 C(\\Delta_\\infty; \\Delta_0) + \\sigma_b^2, \\qquad
    \\tfrac18\\sigma^4 + V(\\Delta_0; \\Delta_0) = V(\\Delta_\\infty; \\Delta_0).$$

    Without noise and with $\\chi_1 \\le 1$ the root is the static $q^*$.

    **Returns:** `(delta0, delta_inf, result)`.
    """
    ens = stop_gradient(ensemble)
    start = 2 * jax.lax.stop_gradient(q_star) + ens.noise**2 + 1e-3
    delta0, found, converged, turning = root_above_zero(
        lambda d, a, t: _outer_step(d, a, options, t),
        start,
        ens,
        rtol=options.rtol,
        atol=options.atol,
        max_steps=options.max_steps,
        aux=jnp.zeros_like(start),
    )
    delta0 = newton_polish(_outer_residual, delta0, (ensemble, options, turning))
    turning = turning_point(ensemble, delta0, options, turning)
    delta_inf = newton_polish(_inner_residual, turning, (ensemble, delta0))
    result = RESULTS.where(found, RESULTS.successful, RESULTS.no_bracket)
    result = RESULTS.where(
        converged | (result != RESULTS.successful),
        result,
        RESULTS.nonlinear_max_steps_reached,
    )
    # Delta_inf is a variance: at sigma_b = 0, where it and its derivatives vanish, the
    # polish rounds it to +-1e-30, and a negative one would make sqrt(Delta_inf) NaN.
    return delta0, jnp.maximum(delta_inf, 0.0), result


def solve_stationary(
    ensemble: NetworkEnsemble,
    options: StationaryOptions = StationaryOptions(),
    grid: LyapunovGrid | None = LyapunovGrid(),
    *,
    throw: bool = True,
) -> StationarySolution:
    """Solve the stationary DMFT of the rate network
    $\\dot h_i = -h_i + \\sum_j W_{ij}\\phi(h_j) + b_i + \\sigma\\xi_i$ with
    $W_{ij} \\sim N(0, g^2/N)$, $b_i \\sim N(0, \\sigma_b^2)$ (Sompolinsky, Crisanti &
    Sommers 1988; with biases and noise as in Schuecker, Goedeke & Helias 2018).

    The autocorrelation is a particle in the potential $V(\\Delta; \\Delta_0)$
    (`dmft.meanfield.potential`) that leaves $\\Delta_0$ with velocity $-\\sigma^2/2$ and
    comes to rest on the maximum $\\Delta_\\infty$ of $V$:

    $$\\Delta_\\infty = g^2 C(\\Delta_\\infty; \\Delta_0) + \\sigma_b^2,\\qquad
    \\tfrac18 \\sigma^4 + V(\\Delta_0; \\Delta_0) = V(\\Delta_\\infty; \\Delta_0).$$

    Without noise, the static solution $\\Delta_0 = \\Delta_\\infty = q^*$ (the deep length
    map's fixed point) is the answer while $\\chi_1 = g^2 E[\\phi'(\\sqrt{q^*}z)^2] \\le 1$;
    beyond, the chaotic one. The roots are bracketed, then polished by one Newton step
    whose slope is held fixed, so first derivatives (`jax.grad`, `jax.jvp`) of
    $\\Delta_0$, $\\Delta_\\infty$ and $q^*$ with respect to the ensemble are exact
    (implicit differentiation); higher derivatives are not. jit- and vmap-friendly
    (vmap over ensembles with `eqx.filter_vmap`).

    **Arguments:**

    - `ensemble`: a `dmft.NetworkEnsemble` with `mean_w = mean_b = 0`; `sigma_w` is $g$.
    - `options`: a `dmft.meanfield.StationaryOptions`.
    - `grid`: the `dmft.meanfield.LyapunovGrid` for the Lyapunov exponent, or `None` to
        skip it (then `lyapunov` is NaN and, with noise, the regime is told by
        $\\chi_1$ alone).
    - `throw`: raise if a solve fails (default); else see `solution.result`.

    **Returns:** a `dmft.meanfield.StationarySolution`.

    **Raises:** `ValueError` for an ensemble with $g \\le 0$, NaN or negative variances
    or non-zero means; an error (`eqx.error_if`) when a solve fails and `throw`.

    ??? cite "References"

        ```bibtex
        @article{sompolinsky1988chaos,
          title={Chaos in Random Neural Networks},
          author={Sompolinsky, H. and Crisanti, A. and Sommers, H. J.},
          journal={Physical Review Letters},
          volume={61},
          pages={259--262},
          year={1988}
        }
        @article{schuecker2018optimal,
          title={Optimal Sequence Memory in Driven Random Networks},
          author={Schuecker, Jannis and Goedeke, Sven and Helias, Moritz},
          journal={Physical Review X},
          volume={8},
          pages={041029},
          year={2018}
        }
        ```
    """
    check_stationary_ensemble(ensemble)
    return _solve_stationary(ensemble, options, grid, throw)


@eqx.filter_jit
def _solve_stationary(ensemble, options, grid, throw):
    q_star, static_result = static_variance(ensemble, options)
    chi_1 = ensemble.sigma_w**2 * product_expectation(
        ensemble.phi, 0.0, q_star, orders=(1, 1)
    )
    static = (ensemble.noise == 0) & (chi_1 <= 1)
    delta0, delta_inf, dynamic_result = dynamic_variances(ensemble, q_star, options)
    delta0 = jnp.where(static, q_star, delta0)
    delta_inf = jnp.where(static, q_star, delta_inf)
    result = RESULTS.where(
        static_result != RESULTS.successful,
        static_result,
        RESULTS.where(static, RESULTS.successful, dynamic_result),
    )
    if grid is None:
        lyapunov = jnp.full_like(delta0, jnp.nan)
        noisy_chaos = chi_1 > 1
    else:
        dynamic, ok = lyapunov_exponent(
            ensemble, delta0, delta_inf, grid, options.autocorrelation
        )
        # -1 + sqrt(chi_1), the bulk edge, without its cancellation near chi_1 = 1.
        edge = (chi_1 - 1) / (1 + jnp.sqrt(chi_1))
        lyapunov = jnp.where(static, edge, dynamic)
        noisy_chaos = lyapunov > 0
        result = RESULTS.where(
            (result == RESULTS.successful) & ~(ok | static),
            RESULTS.autocorrelation_failed,
            result,
        )
        near = ~(resolved(relaxation_rate(ensemble, delta0, delta_inf)) | static)
        lyapunov = jnp.where(near, jnp.nan, lyapunov)
        result = RESULTS.where(
            (result == RESULTS.successful) & near, RESULTS.near_onset, result
        )
    regime, delta0 = classify(
        static, ensemble.noise, noisy_chaos, delta0, result, throw
    )
    return StationarySolution(
        delta0=delta0,
        delta_inf=delta_inf,
        q_star=q_star,
        chi_1=chi_1,
        lyapunov=lyapunov,
        regime=regime,
        result=result,
    )
