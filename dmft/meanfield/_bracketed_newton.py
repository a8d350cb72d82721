"""A bracketed (safeguarded) Newton iteration for monotone scalar problems.

The mean-field equations are scalar root problems whose left and right sides are told
apart by a predicate (e.g. "the particle overshoots"), not only by a sign: at the static
solution the function has a kink, and left of the chaotic solution it may have no root
at all. Newton's method alone is not safe there and bisection alone is slow (it would
dominate the cost of a solve, every step being a nested Gaussian average). This is the
classic `rtsafe` compromise (Press et al., Numerical Recipes, section 9.4): a Newton step
when it stays inside the bracket and at least halves the previous step, a bisection
otherwise. The result is then handed to `optimistix.root_find` for the final Newton
polish and its implicit differentiation.
"""

from collections.abc import Callable
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, Bool, Float, Int


class _State(eqx.Module):
    lower: Float[Array, ""]
    upper: Float[Array, ""]
    x: Float[Array, ""]
    value: Float[Array, ""]
    slope: Float[Array, ""]
    last_step: Float[Array, ""]
    num_steps: Int[Array, ""]


Fn = Callable[
    [Float[Array, ""], Any],
    tuple[Float[Array, ""], Float[Array, ""], Bool[Array, ""]],
]


def bracketed_newton(
    fn: Fn,
    lower: Float[Array, ""],
    upper: Float[Array, ""],
    args: Any,
    *,
    rtol: float,
    atol: float,
    max_steps: int,
) -> tuple[Float[Array, ""], Bool[Array, ""]]:
    """The boundary point $x^*$ in `[lower, upper]` of a predicate that holds left of
    it, found with Newton steps on a function that vanishes there.

    **Arguments:**

    - `fn`: `fn(x, args) -> (value, slope, is_left)`; `lower` is taken to be left of the
        boundary (whatever `is_left` says there) and `upper` right of it.
    - `lower`, `upper`: the bracket.
    - `args`: passed to `fn`.
    - `rtol`, `atol`: stop once the bracket or the last step is below
        `atol + rtol |x|`.
    - `max_steps`: the most iterations.

    **Returns:** `(x, converged)`.
    """

    def init():
        value, slope, _ = fn(lower, args)
        return _State(
            lower, upper, lower, value, slope, 2 * (upper - lower), jnp.array(0)
        )

    def tolerance(state):
        return atol + rtol * jnp.abs(state.x)

    def converged(state):
        width = jnp.minimum(state.upper - state.lower, state.last_step)
        return width <= tolerance(state)

    def cond(state):
        return ~converged(state) & (state.num_steps < max_steps)

    def body(state):
        newton = state.x - state.value / state.slope
        use_newton = (
            jnp.isfinite(newton)
            & (newton > state.lower)
            & (newton < state.upper)
            & (jnp.abs(newton - state.x) < 0.5 * state.last_step)
        )
        x = jnp.where(use_newton, newton, 0.5 * (state.lower + state.upper))
        value, slope, is_left = fn(x, args)
        return _State(
            lower=jnp.where(is_left, x, state.lower),
            upper=jnp.where(is_left, state.upper, x),
            x=x,
            value=value,
            slope=slope,
            last_step=jnp.abs(x - state.x),
            num_steps=state.num_steps + 1,
        )

    state = jax.lax.while_loop(cond, body, init())
    return state.x, converged(state)


def expand_upper(
    is_left: Callable[[Float[Array, ""], Any], Bool[Array, ""]],
    start: Float[Array, ""],
    args: Any,
    *,
    max_doublings: int = 60,
) -> tuple[Float[Array, ""], Bool[Array, ""]]:
    """Double `start` until `is_left` fails there: an upper end for `bracketed_newton`.

    **Returns:** `(upper, found)`.
    """

    def cond(carry):
        x, n = carry
        return is_left(x, args) & (n < max_doublings)

    upper, n = jax.lax.while_loop(cond, lambda c: (2 * c[0], c[1] + 1), (start, 0))
    return upper, ~is_left(upper, args)


def root_above_zero(
    fn: Fn,
    start: Float[Array, ""],
    args: Any,
    *,
    rtol: float | Float[Array, ""],
    atol: float | Float[Array, ""],
    max_steps: int,
    max_doublings: int = 60,
) -> tuple[Float[Array, ""], Bool[Array, ""], Bool[Array, ""]]:
    """The boundary $x^* > 0$ of `fn`'s predicate: `expand_upper` from `start` for a
    bracket `[0, upper]`, then `bracketed_newton` in it.

    **Arguments:** as in `bracketed_newton`; `start` > 0 is the first upper end tried and
    `max_doublings` the most doublings of it.

    **Returns:** `(x, found, converged)`: `found` is False if no upper end was found
    (then `x` is meaningless), `converged` as in `bracketed_newton`.
    """
    upper, found = expand_upper(
        lambda x, a: fn(x, a)[2], start, args, max_doublings=max_doublings
    )
    x, converged = bracketed_newton(
        fn,
        jnp.zeros_like(upper),
        upper,
        args,
        rtol=rtol,
        atol=atol,
        max_steps=max_steps,
    )
    return x, found, converged
