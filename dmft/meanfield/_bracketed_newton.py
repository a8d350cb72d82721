"""A bracketed (safeguarded) Newton iteration for monotone scalar problems.

The mean-field equations are scalar root problems whose left and right sides are told
apart by a predicate (e.g. "the particle overshoots"), not only by a sign: at the static
solution the function has a kink, and left of the chaotic solution it may have no root
at all. Newton's method alone is not safe there and bisection alone is slow (it would
dominate the cost of a solve, every step being a nested Gaussian average). This is the
classic `rtsafe` compromise (Press et al., Numerical Recipes, section 9.4): a Newton step
when it stays inside the bracket and at least halves the previous step, a bisection
otherwise. The result then takes one more Newton step (`newton_polish`), which
polishes it to rounding and carries its implicit derivatives.

Every search is one `lax.while_loop` whose body evaluates the function once, so the
function is traced once: it may be a whole inner solve (the stationary DMFT nests
two), and each further trace would add its compile time.
"""

from collections.abc import Callable
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, Bool, Float, Int


class _State(eqx.Module):
    lower: Float[Array, ""]
    upper: Float[Array, ""]  # +inf while the upper end is still being searched for
    x: Float[Array, ""]
    value: Float[Array, ""]
    slope: Float[Array, ""]
    last_step: Float[Array, ""]
    num_steps: Int[Array, ""]
    num_doublings: Int[Array, ""]
    aux: Any


Fn = Callable[
    [Float[Array, ""], Any],
    tuple[Float[Array, ""], Float[Array, ""], Bool[Array, ""]],
]


def _search(
    fn, lower, upper, first, trust, args, aux, *, rtol, atol, max_steps, max_doublings
):
    """The loop behind `bracketed_newton` and `root_above_zero`. With `upper = inf` it
    first doubles `first` until the predicate fails there (the upper end), then
    continues with safeguarded Newton steps from that point. `trust`: whether the
    predicate at the first point may move the bracket."""
    carries = aux is not None
    call = fn if carries else (lambda x, a, _: (*fn(x, a), None))

    def expanding(state):
        return ~jnp.isfinite(state.upper)

    def tolerance(state):
        return atol + rtol * jnp.abs(state.x)

    def converged(state):
        width = jnp.minimum(state.upper - state.lower, state.last_step)
        # The next Newton step is below the tolerance (as in `rtsafe`): without this a
        # root hit to rounding would leave the step above it and be bisected towards
        # from the far end of the bracket. Not at the first point, which may be an end
        # of the bracket where the function vanishes without being the boundary.
        next_step = jnp.abs(state.value) <= tolerance(state) * jnp.abs(state.slope)
        return ~expanding(state) & (
            (width <= tolerance(state)) | (next_step & (state.num_steps > 1))
        )

    def cond(state):
        bisecting = ~converged(state) & (
            state.num_steps - state.num_doublings <= max_steps
        )
        doubling = state.num_doublings <= max_doublings
        return jnp.where(expanding(state), doubling, bisecting)

    def body(state):
        newton = state.x - state.value / state.slope
        use_newton = (
            jnp.isfinite(newton)
            & (newton > state.lower)
            & (newton < state.upper)
            & (jnp.abs(newton - state.x) < 0.5 * state.last_step)
        )
        inside = jnp.where(use_newton, newton, 0.5 * (state.lower + state.upper))
        inside = jnp.where(state.num_steps == 0, first, inside)
        doubling = expanding(state)
        x = jnp.where(doubling, 2 * state.x, inside)
        value, slope, is_left, aux = call(x, args, state.aux)
        trusted = trust | (state.num_steps > 0)
        lower = jnp.where(trusted & is_left, x, state.lower)
        upper = jnp.where(trusted & ~is_left, x, state.upper)
        # A first Newton step may go anywhere in a new bracket.
        fresh = doubling | (state.num_steps == 0)
        last_step = jnp.where(fresh, 2 * (upper - lower), jnp.abs(x - state.x))
        return _State(
            lower=lower,
            upper=upper,
            x=x,
            value=value,
            slope=slope,
            last_step=last_step,
            num_steps=state.num_steps + 1,
            num_doublings=state.num_doublings + jnp.where(doubling, 1, 0),
            aux=aux,
        )

    nan = jnp.full_like(first, jnp.nan)
    # While expanding, `x` doubles from first / 2 (the first point is `first`).
    init = _State(
        lower, upper, 0.5 * first, nan, nan, nan, jnp.array(0), jnp.array(0), aux
    )
    state = jax.lax.while_loop(cond, body, init)
    return state.x, ~expanding(state), converged(state), state.aux


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
    - `max_steps`: the most iterations after the first point.
    - `start`: the first point, inside the bracket (a warm start); default `lower`.
    - `aux`: if given, `fn` is `fn(x, args, aux) -> (value, slope, is_left, aux)` and
        the `aux` of each call is passed to the next (e.g. the previous root of an
        inner solve, as its warm start).

    **Returns:** `(x, converged)`, or `(x, converged, aux)` if `aux` was given.
    """
    first = lower if start is None else start
    trust = start is not None
    x, _, converged, aux_out = _search(
        fn,
        lower,
        upper,
        first,
        trust,
        args,
        aux,
        rtol=rtol,
        atol=atol,
        max_steps=max_steps,
        max_doublings=0,
    )
    return (x, converged) if aux is None else (x, converged, aux_out)


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
    """The boundary $x^* > 0$ of `fn`'s predicate: `start` is doubled until the
    predicate fails there, which brackets $x^*$ between the last point where it held
    (or 0) and that one; then safeguarded Newton steps as in `bracketed_newton`.

    **Arguments:** as in `bracketed_newton`; `start` > 0 is the first upper end tried and
    `max_doublings` the most doublings of it. With a NaN slope every step bisects.

    **Returns:** `(x, found, converged)`: `found` is False if no upper end was found
    (then `x` is meaningless), `converged` as in `bracketed_newton`; with `aux`, also the
    last `aux`.
    """
    infinity = jnp.full_like(start, jnp.inf)
    x, found, converged, aux_out = _search(
        fn,
        jnp.zeros_like(start),
        infinity,
        start,
        True,
        args,
        aux,
        rtol=rtol,
        atol=atol,
        max_steps=max_steps,
        max_doublings=max_doublings,
    )
    return (x, found, converged) if aux is None else (x, found, converged, aux_out)


def newton_polish(
    fn: Callable[[Float[Array, ""], Any], Float[Array, ""]],
    x: Float[Array, ""],
    args: Any,
) -> Float[Array, ""]:
    """One Newton step on `fn(x, args) = 0` from `x`, a root found to tolerance by a
    bracketed search: its value is the root to rounding, and with the slope held fixed
    its derivative in `args` is the implicit one, $-\\partial_a f / \\partial_x f$
    (first derivatives only). Where the step is not small (a kink, or a zero slope)
    `x` is kept, without derivatives.

    One trace of `fn`, without the loops of an iterative root find, whose every
    evaluation of `fn` (here nested solves) would add to the compile time.
    """
    x = jax.lax.stop_gradient(x)
    value, slope = jax.jvp(lambda y: fn(y, args), (x,), (jnp.ones_like(x),))
    v, s = jax.lax.stop_gradient((value, slope))
    # The step is taken only if it is at most 1e-6 (1 + |x|). Every search before a
    # polish stops within atol + rtol |x| of its root, and the options objects refuse
    # tolerances above 1e-6, so at a smooth simple root the step (~ the search's
    # remaining error) always passes. A larger one means `x` is not at such a root: a
    # kink of the bracketing predicate (q* = 0 at sigma_b = 0, chi_1 < 1) or a
    # vanishing slope, where a Newton step would jump out of the bracket, or a search
    # that ran out of steps (its result says so). Any cut between the largest search
    # tolerance and O(1) would do; 1e-6 leaves six decades on either side.
    small = (jnp.abs(v) <= 1e-6 * (1 + jnp.abs(x)) * jnp.abs(s)) & (s != 0)
    # Both `where`s: an unselected inf or NaN would still poison the derivatives.
    return x - jnp.where(small, value, 0.0) / jnp.where(small, s, 1.0)
