"""The critical line $\\chi_1 = 1$ between the ordered and chaotic phases."""

import equinox as eqx
import jax
import jax.lax as lax
import jax.numpy as jnp
from jaxtyping import Array, ArrayLike, Float

from .._nonlinearity import AbstractNonlinearity
from .._results import RESULTS
from .._validation import check_finite_nonnegative
from ._iteration import ABOVE_MAX, CONVERGED, NONFINITE, RUNNING, flag, scalar_loop
from ._length_map import Q_FLOOR, second_moment
from ._solver import DeepSolver


class CriticalPoint(eqx.Module):
    """Where the order-to-chaos transition of a deep network sits at given
    $\\sigma_b$.

    **Fields:**

    - `sigma_w`: $\\sigma_w^c(\\sigma_b)$, where $\\chi_1(q^*) = 1$.
    - `q_star`: the length fixed point $q^*$ there.
    - `result`: a `dmft.RESULTS`. `no_finite_fixed_point` means that $q^*$ grows
        without bound towards the line (ReLU and linear networks with
        $\\sigma_b > 0$); `sigma_w` is then the limit $1/\\sqrt{E[\\phi'^2]}$ as
        $q \\to \\infty$, the edge of the region with a finite $q^*$. For a
        bounded or `Custom` $\\phi$ a $q^*$ beyond `DeepSolver.q_max` is
        `length_out_of_range` instead.
    """

    sigma_w: Float[Array, "*batch"]
    q_star: Float[Array, "*batch"]
    result: RESULTS


def _critical_one(phi, sigma_b, solver):
    # On the line, sigma_w^2 = 1 / E[phi'^2](q) and q = sigma_w^2 E[phi^2](q) + sb2:
    # the line is parametrised by q*, and for each sigma_b one solves the scalar
    # h(q) = q - E[phi^2]/E[phi'^2] - sigma_b^2 = 0 instead of nesting the q* solve
    # inside a root find in sigma_w.
    def h(q, sb):
        m00 = second_moment(phi, q, (0, 0), solver.rule)
        m11 = second_moment(phi, q, (1, 1), solver.rule)
        return q - m00 / m11 - jnp.square(sb)

    frozen = lax.stop_gradient(sigma_b)

    def body(q, _):  # stops on its own step size: `flag` without the last step
        value, slope = jax.jvp(lambda x: h(x, frozen), (q,), (jnp.ones_like(q),))
        newton = q - value / jnp.where(slope > 0, slope, 1.0)
        newton = jnp.where(newton > 0, newton, 0.5 * q)
        q_new = jnp.where(slope > 0, newton, jnp.where(value < 0, 2 * q, 0.5 * q))
        return q_new, flag(q_new, q, value, solver, solver.q_max)

    q0 = jnp.array(Q_FLOOR)
    at_zero = jnp.abs(h(q0, frozen)) <= 4 * jnp.finfo(q0.dtype).eps
    init_flag = jnp.where(at_zero, CONVERGED, RUNNING)
    q, out, _ = scalar_loop(body, (jnp.where(at_zero, q0, 1.0), init_flag), solver)
    ok = out == CONVERGED
    # One Newton step with the slope held fixed: the value is unchanged, the
    # derivative in sigma_b is the implicit one, -h_sb / h_q.
    # Growth past q_max is physics only for a homogeneous phi (ReLU, linear).
    unbounded = (out == ABOVE_MAX) & bool(phi.growth)
    q_eval = jnp.where(ok | unbounded, q, 1.0)
    slope = jax.jvp(lambda x: h(x, frozen), (q_eval,), (jnp.ones_like(q_eval),))[1]
    q_star = q_eval - h(q_eval, sigma_b) / lax.stop_gradient(
        jnp.where(ok & (slope > 0), slope, jnp.inf)
    )
    sigma_w = 1 / jnp.sqrt(second_moment(phi, q_star, (1, 1), solver.rule))
    q_star = jnp.where(q_star > 10 * Q_FLOOR, q_star, 0.0)
    result = RESULTS.where(
        ok,
        RESULTS.successful,
        RESULTS.where(
            unbounded,
            RESULTS.no_finite_fixed_point,
            RESULTS.where(
                out == ABOVE_MAX,
                RESULTS.length_out_of_range,
                RESULTS.where(
                    out == NONFINITE, RESULTS.nonfinite, RESULTS.max_steps_reached
                ),
            ),
        ),
    )
    return (
        jnp.where(ok | unbounded, sigma_w, jnp.nan),
        jnp.where(ok, q_star, jnp.where(unbounded, jnp.inf, jnp.nan)),
        result,
    )


@eqx.filter_jit
def _critical(phi, sigma_b, solver, throw):
    flat = sigma_b.reshape(-1)
    sigma_w, q_star, result = jax.vmap(lambda sb: _critical_one(phi, sb, solver))(flat)
    if throw:
        sigma_w = result.error_if(sigma_w, jnp.any(result != RESULTS.successful))
    result = jax.tree.map(lambda x: x.reshape(sigma_b.shape), result)
    return CriticalPoint(
        sigma_w.reshape(sigma_b.shape), q_star.reshape(sigma_b.shape), result
    )


def critical_sigma_w(
    phi: AbstractNonlinearity,
    sigma_b: Float[ArrayLike, "*batch"],
    solver: DeepSolver = DeepSolver(),
    *,
    throw: bool = True,
) -> CriticalPoint:
    """The critical coupling $\\sigma_w^c(\\sigma_b)$ of a deep network: where
    $\\chi_1 = \\sigma_w^2 E[\\phi'(\\sqrt{q^*} z)^2] = 1$ at the length fixed point
    $q^*$, the edge of chaos (Poole et al. 2016; Schoenholz et al. 2017, Fig. 1:
    tanh with $\\sigma_b^2 = 0.05$ has $\\sigma_w^2 \\approx 1.76$).

    Solved as one scalar equation for $q^*$ on the line,
    $q - E[\\phi^2]/E[\\phi'^2] = \\sigma_b^2$, then
    $\\sigma_w^c = 1/\\sqrt{E[\\phi'(\\sqrt{q^*} z)^2]}$.

    **Arguments:**

    - `phi`: the nonlinearity.
    - `sigma_b`: bias standard deviation(s) $\\ge 0$, any shape.
    - `solver`: a `dmft.deep.DeepSolver`.
    - `throw`: raise unless every point's result is `successful`.

    **Returns:** a `dmft.deep.CriticalPoint` with fields shaped like `sigma_b`.

    **Raises:** `ValueError` for a negative or non-finite `sigma_b`.
    """
    if not isinstance(phi, AbstractNonlinearity):
        raise ValueError(
            f"`phi` must be a dmft nonlinearity; got {type(phi).__name__}."
        )
    check_finite_nonnegative(sigma_b=sigma_b)
    return _critical(phi, jnp.asarray(sigma_b, float), solver, throw)
