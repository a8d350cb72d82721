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
    aux: Any


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
    start: Float[Array, ""] | None = None,
    aux: Any = None,
) -> (
    tuple[Float[Array, ""], Bool[Array, ""]]
    | tuple[Float[Array, ""], Bool[Array, ""], Any]
):
    """The boundary point $x^*$ in `[lower, upper]` of a predicate that holds left of
    it, found with Newton steps on a function that vanishes there.

    **Arguments:**

    - `fn`: `fn(x, args) -> (value, slope, is_left)`; `lower` is taken to be left of the
        boundary (whatever `is_left` says there) and `upper` right of it.
    - `lower`, `upper`: the bracket.
    - `args`: passed to `fn`.
    - `rtol`, `atol`: stop once the bracket, the last step or the next Newton step is
        below `atol + rtol |x|`.
    - `max_steps`: the most iterations.
    - `start`: the first point, inside the bracket (a warm start); default `lower`.
    - `aux`: if given, `fn` is `fn(x, args, aux) -> (value, slope, is_left, aux)` and
        the `aux` of each call is passed to the next (e.g. the previous root of an
        inner solve, as its warm start).

    **Returns:** `(x, converged)`, or `(x, converged, aux)` if `aux` was given.
    """
    carries = aux is not None
    call = fn if carries else (lambda x, a, _: (*fn(x, a), None))

    def init():
        x = lower if start is None else start
        value, slope, is_left, new_aux = call(x, args, aux)
        if start is None:
            bracket = (lower, upper)
        else:
            bracket = (jnp.where(is_left, x, lower), jnp.where(is_left, upper, x))
        return _State(
            *bracket, x, value, slope, 2 * (upper - lower), jnp.array(0), new_aux
        )

    def tolerance(state):
        return atol + rtol * jnp.abs(state.x)

    def converged(state):
        width = jnp.minimum(state.upper - state.lower, state.last_step)
        # The next Newton step is below the tolerance (as in `rtsafe`): without this a
        # root hit to rounding would leave the step above it and be bisected towards
        # from the far end of the bracket. Not at the first point, which may be an end
        # of the bracket where the function vanishes without being the boundary.
        next_step = jnp.abs(state.value) <= tolerance(state) * jnp.abs(state.slope)
        return (width <= tolerance(state)) | (next_step & (state.num_steps > 0))

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
        value, slope, is_left, new_aux = call(x, args, state.aux)
        return _State(
            lower=jnp.where(is_left, x, state.lower),
            upper=jnp.where(is_left, state.upper, x),
            x=x,
            value=value,
            slope=slope,
            last_step=jnp.abs(x - state.x),
            num_steps=state.num_steps + 1,
            aux=new_aux,
        )

    state = jax.lax.while_loop(cond, body, init())
    if carries:
        return state.x, converged(state), state.aux
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

    # One evaluation of `is_left` per point, in the loop body only (it may be a whole
    # inner solve: one trace of it compiles, one call per point runs).
    def cond(carry):
        _, left, n = carry
        return left & (n <= max_doublings)

    def body(carry):
        x, _, n = carry
        return 2 * x, is_left(2 * x, args), n + 1

    upper, left, _ = jax.lax.while_loop(cond, body, (0.5 * start, True, 0))
    return upper, ~left


def root_above_zero(
    fn: Fn,
    start: Float[Array, ""],
    args: Any,
    *,
    rtol: float | Float[Array, ""],
    atol: float | Float[Array, ""],
    max_steps: int,
    max_doublings: int = 60,
    aux: Any = None,
) -> tuple[Float[Array, ""], Bool[Array, ""], Bool[Array, ""]]:
    """The boundary $x^* > 0$ of `fn`'s predicate: `expand_upper` from `start` for a
    bracket `[0, upper]`, then `bracketed_newton` in it.

    **Arguments:** as in `bracketed_newton`; `start` > 0 is the first upper end tried and
    `max_doublings` the most doublings of it.

    **Returns:** `(x, found, converged)`: `found` is False if no upper end was found
    (then `x` is meaningless), `converged` as in `bracketed_newton`; with `aux`, also the
    last `aux`.
    """
    is_left = (
        (lambda x, a: fn(x, a)[2]) if aux is None else (lambda x, a: fn(x, a, aux)[2])
    )
    upper, found = expand_upper(is_left, start, args, max_doublings=max_doublings)
    x, converged, *rest = bracketed_newton(
        fn,
        jnp.zeros_like(upper),
        upper,
        args,
        rtol=rtol,
        atol=atol,
        max_steps=max_steps,
        aux=aux,
    )
    return (x, found, converged, *rest)


class _BisectionState(eqx.Module):
    lower: Float[Array, ""]
    upper: Float[Array, ""]
    x: Float[Array, ""]
    value: Float[Array, ""]
    num_doublings: Int[Array, ""]
    num_bisections: Int[Array, ""]


def bisect_above_zero(
    fn: Callable[[Float[Array, ""], Any], Float[Array, ""]],
    start: Float[Array, ""],
    args: Any,
    *,
    atol: float | Float[Array, ""],
    max_steps: int,
    max_doublings: int = 60,
) -> tuple[Float[Array, ""], Float[Array, ""], Bool[Array, ""], Bool[Array, ""]]:
    """The boundary $x^* > 0$ beyond which `fn(x, args)` is positive (or NaN), for an
    `fn` without a derivative: `start` is doubled until `fn` is positive there, then the
    bracket is bisected to width `atol`.

    Both phases share one loop whose body calls `fn` once, so `fn` is traced once: it
    may be a whole inner solve, whose every trace would add its compile time (as
    `expand_upper` followed by `bracketed_newton` would, three times over).

    **Returns:** `(x, value, found, converged)`: the last point evaluated (within `atol`
    of $x^*$ when `converged`), `fn` there, whether an upper end was found within
    `max_doublings` doublings, and whether the bracket shrank to `atol` within
    `max_steps` bisections.
    """

    def expanding(state):
        return ~jnp.isfinite(state.upper)

    def cond(state):
        doubling = expanding(state) & (state.num_doublings <= max_doublings)
        bisecting = (
            ~expanding(state)
            & (state.upper - state.lower > atol)
            & (state.num_bisections < max_steps)
        )
        return doubling | bisecting

    def body(state):
        doubling = expanding(state)
        x = jnp.where(doubling, 2 * state.x, 0.5 * (state.lower + state.upper))
        value = fn(x, args)
        # `value <= 0` is False for NaN: a failed evaluation counts as beyond x*.
        is_left = value <= 0
        return _BisectionState(
            lower=jnp.where(is_left, x, state.lower),
            upper=jnp.where(is_left, state.upper, x),
            x=x,
            value=value,
            num_doublings=state.num_doublings + jnp.where(doubling, 1, 0),
            num_bisections=state.num_bisections + jnp.where(doubling, 0, 1),
        )

    init = _BisectionState(
        lower=jnp.zeros_like(start),
        upper=jnp.full_like(start, jnp.inf),
        x=0.5 * start,
        value=jnp.full_like(start, jnp.nan),
        num_doublings=jnp.array(0),
        num_bisections=jnp.array(0),
    )
    state = jax.lax.while_loop(cond, body, init)
    found = ~expanding(state)
    return state.x, state.value, found, found & (state.upper - state.lower <= atol)
