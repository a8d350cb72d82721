"""Amari's naive mean field: the population mean $m$ and variance $q$ of the inputs,
assumed Gaussian and independent across neurons, with temporal correlations neglected."""

import diffrax as dfx
import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, ArrayLike, Float

from .._ensemble import NetworkEnsemble
from .._gaussian import expectation, product_expectation
from .._results import RESULTS
from .._validation import (
    check_finite,
    check_finite_nonnegative,
    check_integer,
    check_interval,
    check_positive,
)
from ._bracketed_newton import bracketed_newton, root_above_zero
from ._stop_gradient import stop_gradient


def amari_vector_field(
    t: ArrayLike,
    y: tuple[Float[Array, ""], Float[Array, ""]],
    ensemble: NetworkEnsemble,
) -> tuple[Float[Array, ""], Float[Array, ""]]:
    """The right-hand side of Amari's equations (a diffrax vector field, `args` the
    ensemble):

    $$\\dot m = -m + \\bar w E[\\phi(m + \\sqrt q z)] + \\bar b,\\qquad
    \\tfrac12 \\dot q = -q + \\sigma_w^2 E[\\phi(m + \\sqrt q z)^2] + \\sigma_b^2.$$

    ??? cite "References"

        ```bibtex
        @article{amari1972characteristics,
          title={Characteristics of Random Nets of Analog Neuron-Like Elements},
          author={Amari, Shun-Ichi},
          journal={IEEE Transactions on Systems, Man, and Cybernetics},
          volume={SMC-2},
          pages={643--657},
          year={1972}
        }
        ```
    """
    del t
    m, q = y
    q = jnp.maximum(q, 0.0)
    mean_phi = expectation(ensemble.phi, m, q)
    mean_phi2 = product_expectation(ensemble.phi, m, q)
    dm = -m + ensemble.mean_w * mean_phi + ensemble.mean_b
    dq = 2 * (-q + ensemble.sigma_w**2 * mean_phi2 + ensemble.sigma_b**2)
    return dm, dq


def solve_amari(
    ensemble: NetworkEnsemble,
    m0: Float[ArrayLike, ""],
    q0: Float[ArrayLike, ""],
    t1: float,
    saveat: dfx.SaveAt = dfx.SaveAt(t1=True),
    solver: dfx.AbstractSolver = dfx.Tsit5(),
    stepsize_controller: dfx.AbstractStepSizeController = dfx.PIDController(
        rtol=1e-8, atol=1e-10
    ),
    *,
    max_steps: int = 100_000,
) -> dfx.Solution:
    """Integrate Amari's $(m, q)$ equations (`dmft.meanfield.amari_vector_field`) from
    $(m_0, q_0)$ at $t = 0$ to `t1` with diffrax; vmap over ensembles or initial
    conditions with `eqx.filter_vmap`.

    **Arguments:** the ensemble, the initial mean `m0` and variance `q0`, the end time
    `t1`, and as in `diffrax.diffeqsolve`: `saveat`, `solver`, `stepsize_controller`
    and `max_steps` (the most solver steps, an integer >= 1; dense output needs a
    finite one).

    **Returns:** the `diffrax.Solution`; `sol.ys` is the tuple `(m, q)`.

    **Raises:** `ValueError` for a non-finite `m0`, `t1`, a negative or non-finite
    `q0`, or `max_steps` < 1; diffrax's error if the integration fails.
    """
    check_finite(m0=m0, t1=t1)
    check_finite_nonnegative(q0=q0)
    check_integer("max_steps", max_steps, 1)
    return _solve_amari(
        ensemble, m0, q0, t1, saveat, solver, stepsize_controller, max_steps
    )


@eqx.filter_jit
def _solve_amari(ensemble, m0, q0, t1, saveat, solver, stepsize_controller, max_steps):
    y0 = (jnp.asarray(m0, float), jnp.asarray(q0, float))
    return dfx.diffeqsolve(
        dfx.ODETerm(amari_vector_field),
        solver,
        0.0,
        t1,
        None,
        y0,
        args=ensemble,
        saveat=saveat,
        stepsize_controller=stepsize_controller,
        max_steps=max_steps,
    )


class AmariOptions(eqx.Module):
    """How `dmft.meanfield.amari_fixed_points` finds the fixed points.

    **Arguments:**

    - `num`: the number of grid points in $m$ on which roots are bracketed (an integer
        >= 3); two roots closer than the spacing may be missed.
    - `rtol`, `atol`: the tolerances of $m^*$ (bisection) and of $q$ at fixed $m$
        (safeguarded Newton), each in $(0, 10^{-6}]$.
    - `max_steps`: the most iterations of each search (an integer >= 1).

    **Raises:** `ValueError` for a value out of range.
    """

    num: int = eqx.field(default=401, static=True)
    rtol: float = 1e-13
    atol: float = 1e-15
    max_steps: int = eqx.field(default=256, static=True)

    def __check_init__(self):
        check_integer("num", self.num, 3)
        check_interval("rtol", self.rtol, 0.0, 1e-6)
        check_interval("atol", self.atol, 0.0, 1e-6)
        check_integer("max_steps", self.max_steps, 1)


class AmariFixedPoint(eqx.Module):
    """A fixed point $(m^*, q^*)$ of Amari's equations and its stability.

    **Attributes:**

    - `m`, `q`: the mean and variance of the inputs $h_i$.
    - `bulk_radius`: $\\sigma_w \\sqrt{E[\\phi'(h)^2]}$, the radius of the random part
        of the Jacobian's spectrum (shifted by 1).
    - `outlier`: $\\bar w E[\\phi'(h)]$, the eigenvalue of the rank-one mean coupling.
    - `stable`: whether the network's fixed point is stable: both are $< 1$ (False
        unless `result` is successful).
    - `result`: a `dmft.RESULTS`: `successful`; `nonfinite` (an inner solve for $q$
        failed: a branch may be lost; the values are NaN), `max_steps_reached` (the
        bisection in $m$ did not converge) or `degenerate` (a continuum of fixed points:
        the values are NaN).
    """

    m: Float[Array, ""]
    q: Float[Array, ""]
    bulk_radius: Float[Array, ""]
    outlier: Float[Array, ""]
    stable: bool = eqx.field(static=True)
    result: RESULTS


def _variance_step(q, args):
    ensemble, m = args
    fn = lambda x: (  # noqa: E731
        ensemble.sigma_w**2 * product_expectation(ensemble.phi, m, x)
        + ensemble.sigma_b**2
        - x
    )
    value, slope = jax.jvp(fn, (q,), (1.0,))
    return value, slope, value > 0


def _variance_given_mean(ensemble, m, options):
    """The fixed point of the q equation at fixed m (unique for bounded phi); NaN if
    the search failed (no finite root: an unbounded phi with too large sigma_w)."""
    args = stop_gradient((ensemble, m))
    # q(m) <= sigma_w^2 (1 + m^2) + sigma_b^2 for |phi(x)| <= 1 + |x|; capped so that
    # an enormous mean (|m| > 1e100) starts the doubling finite (the search needs no
    # upper bound, only a positive start).
    start = (
        1.0 + ensemble.sigma_b**2 + ensemble.sigma_w**2 * (1 + jnp.minimum(m**2, 1e200))
    )
    q, found, converged = root_above_zero(
        _variance_step,
        jnp.minimum(start, 1e300),
        args,
        rtol=options.rtol,
        atol=options.atol,
        max_steps=options.max_steps,
    )
    return jnp.where(found & converged, q, jnp.nan)


def _mean_residual(m, ensemble, options):
    q = _variance_given_mean(ensemble, m, options)
    return ensemble.mean_w * expectation(ensemble.phi, m, q) + ensemble.mean_b - m


def amari_fixed_points(
    ensemble: NetworkEnsemble,
    options: AmariOptions = AmariOptions(),
    *,
    m_range: float | None = None,
    throw: bool = True,
) -> list[AmariFixedPoint]:
    """All fixed points of Amari's equations (the $m > 0$, $m = 0$ and $m < 0$
    branches), with their stability.

    On the fixed point $q$ is a function of $m$; the roots of
    $F(m) = \\bar w E[\\phi(m + \\sqrt{q(m)} z)] + \\bar b - m$ are bracketed on a
    grid of `options.num` points over $|m| \\le$ `m_range` (default:
    $|\\bar w| \\sup|\\phi| + |\\bar b|$ padded, which contains every root of a
    bounded $\\phi$) and refined by bisection. A root where $F$ touches zero without
    changing sign is missed. Nothing is dropped silently: a grid point whose inner
    solve for $q$ failed (NaN) may hide a branch and is reported as a failure, and
    $F$ vanishing at two neighbouring grid points (linear $\\phi$ at $\\bar w = 1$,
    $\\bar b = 0$: every $m$ is a fixed point) is reported as degenerate.

    **Arguments:**

    - `ensemble`: a scalar `dmft.NetworkEnsemble` (its `noise` is not used).
    - `options`: a `dmft.meanfield.AmariOptions`.
    - `m_range`: the half-width of the grid in $m$ (finite, > 0), or `None`.
    - `throw`: raise on a failure (default); else the list holds, in place of the
        fixed points, one `AmariFixedPoint` with NaN values and the failure's `result`
        (after the points that were found, for a failed grid point).

    **Returns:** the fixed points, ordered by $m$.

    **Raises:** `ValueError` for NaN or negative variances, non-finite means or an
    invalid `m_range`; `eqx.EquinoxRuntimeError` (a `RuntimeError`) on a failure if
    `throw`.
    """
    check_finite_nonnegative(sigma_w=ensemble.sigma_w, sigma_b=ensemble.sigma_b)
    check_finite(mean_w=ensemble.mean_w, mean_b=ensemble.mean_b)
    if m_range is None:
        bound = float(jnp.max(jnp.abs(ensemble.phi(jnp.array([-1e3, 1e3])))))
        m_range = 1.5 * abs(float(ensemble.mean_w)) * bound
        m_range += 1.5 * abs(float(ensemble.mean_b)) + 1.0
        # Keep the grid's ends finite for enormous means (|m| ~ 1e308).
        m_range = min(m_range, float(np.finfo(float).max) / 2)
    check_positive(m_range=m_range)
    num = options.num
    grid = jnp.linspace(-m_range, m_range, num)
    residual = np.asarray(_residual_on_grid(ensemble, grid, options))
    grid_np = np.asarray(grid)
    # F vanishing (to the tolerance in m: F has slope -1 in its -m term) at two
    # neighbouring grid points is a continuum of roots, not two of them.
    zero = np.abs(residual) <= options.atol + options.rtol * np.abs(grid_np)
    if np.any(zero[:-1] & zero[1:]):
        return _failure(RESULTS.degenerate, [], throw)
    # (lower, upper, sign of F at lower): the refinement needs no new evaluation there.
    brackets = []
    for k in range(num - 1):
        a, b = residual[k], residual[k + 1]
        if not (np.isfinite(a) and np.isfinite(b)):
            continue
        if a == 0:
            brackets.append((grid_np[k], grid_np[k], 0.0))
        elif np.sign(a) * np.sign(b) < 0:
            brackets.append((grid_np[k], grid_np[k + 1], np.sign(a)))
    if residual[-1] == 0:
        brackets.append((grid_np[-1], grid_np[-1], 0.0))
    points = [_refine(ensemble, options, *map(jnp.array, b)) for b in brackets]
    if not np.all(np.isfinite(residual)):
        # The inner solve for q failed at some m: a root there would be lost.
        return _failure(RESULTS.nonfinite, points, throw)
    failed = [p.result for p in points if p.result != RESULTS.successful]
    if failed and throw:
        raise eqx.EquinoxRuntimeError(RESULTS[failed[0]])
    return points


def _failure(result, points, throw):
    if throw:
        raise eqx.EquinoxRuntimeError(RESULTS[result])
    nan = jnp.array(jnp.nan)
    return [*points, AmariFixedPoint(nan, nan, nan, nan, False, result)]


@eqx.filter_jit
def _residual_on_grid(ensemble, grid, options):
    return jax.vmap(_mean_residual, in_axes=(0, None, None))(grid, ensemble, options)


def _refine(ensemble, options, lower, upper, sign):
    m, q, bulk, outlier, result = _fixed_point(ensemble, options, lower, upper, sign)
    ok = bool(result == RESULTS.successful)
    return AmariFixedPoint(
        m=m,
        q=q,
        bulk_radius=bulk,
        outlier=outlier,
        stable=ok and bool(bulk < 1) and bool(outlier < 1),
        result=result,
    )


# One compiled program per root (the same for every bracket), free of host callbacks
# so that JAX's persistent compilation cache can keep it for the CLI.
@eqx.filter_jit
def _fixed_point(ensemble, options, lower, upper, sign):
    # `sign`: that of F at `lower` (0 where `lower == upper` is a root of the grid).
    def bisection_step(m, ensemble):
        value = _mean_residual(m, ensemble, options)
        return value, jnp.full_like(value, jnp.nan), jnp.sign(value) == sign

    # A NaN slope makes every step a bisection (q(m) is an inner root find).
    m, converged = bracketed_newton(
        bisection_step,
        lower,
        upper,
        ensemble,
        rtol=options.rtol,
        atol=options.atol,
        max_steps=options.max_steps,
        start=0.5 * (lower + upper),
    )
    q = _variance_given_mean(ensemble, m, options)
    bulk = ensemble.sigma_w * jnp.sqrt(
        product_expectation(ensemble.phi, m, q, orders=(1, 1))
    )
    outlier = ensemble.mean_w * expectation(ensemble.phi, m, q, order=1)
    finite = jnp.isfinite(m) & jnp.isfinite(q) & jnp.isfinite(bulk)
    finite = finite & jnp.isfinite(outlier)
    result = RESULTS.where(converged, RESULTS.successful, RESULTS.max_steps_reached)
    result = RESULTS.where(finite, result, RESULTS.nonfinite)
    return m, q, bulk, outlier, result
