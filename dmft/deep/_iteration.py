"""The scalar iteration loop shared by the deep-limit solves: a `lax.while_loop` with
a step budget and an outcome flag (no host round-trips, vmappable), whose batching
rule gathers the points still running into ever smaller batches."""

import equinox as eqx
import jax
import jax.lax as lax
import jax.numpy as jnp


# Outcome flags of one iteration; mapped to `RESULTS` by the callers.
RUNNING, CONVERGED, ABOVE_MAX, NONFINITE = 0, 1, 2, 3

# Under vmap, the points still running are gathered into a batch `_SHRINK` times
# smaller as soon as they fit, down to batches of `_MIN_BATCH`.
_SHRINK = 4
_MIN_BATCH = 64


def flag(new, old, residual, solver, x_max=jnp.inf, last_step=None):
    """The outcome after a step `old -> new` whose starting point had `residual`.

    With `last_step`, the size of the step before (0 if none), a Newton iteration
    also counts as converged when its next step is predicted to be within tolerance:
    for a caller that ends with one more Newton step of its own (the implicit-gradient
    step of `fixed_point_at`), the loop's last step would only repeat that one.
    """
    # Converged when the step is within tolerance, or when the residual is at the
    # rounding floor: near the critical line the root is ill-conditioned and rounding
    # in the residual alone moves a Newton iterate by more than `rtol`.
    eps = jnp.finfo(jnp.result_type(new)).eps
    step = jnp.abs(new - old)
    tol = solver.atol + solver.rtol * jnp.abs(new)
    small_step = step <= tol
    if last_step is not None:
        # Steps shrinking at the rate step / last_step predict a next step of
        # step**2 / last_step: exact for linear convergence, an overestimate for
        # quadratic (whose rate itself shrinks), so the prediction errs on the safe
        # side. No last step (0) predicts nothing.
        small_step = small_step | (step * step <= tol * last_step)
    at_floor = jnp.abs(residual) <= 4 * eps * jnp.maximum(jnp.abs(old), 1.0)
    out = jnp.where(small_step | at_floor, CONVERGED, RUNNING)
    out = jnp.where(new > x_max, ABOVE_MAX, out)
    return jnp.where(jnp.isfinite(new), out, NONFINITE)


def _running(state, max_steps):
    _, out, steps = state
    return (out == RUNNING) & (steps < max_steps)


def _advance(body, state):
    (x, last_step), _, steps = state
    x_new, out = body(x, last_step)
    return (x_new, jnp.abs(x_new - x)), out, steps + 1


def _batched_loop(arrays, static, batched, state, size, max_steps):
    """`vmap` of the while loop over a batch of `size` points, for the body
    `eqx.combine(arrays, static)`, with `batched` the flags saying which of its
    `arrays` carry the batch axis.

    A vmapped `lax.while_loop` steps every point until the slowest one is done
    (the others' steps are computed and discarded), and the step counts of a grid
    have a long tail: near the critical line of the length map, 1% of the points
    take twice the median number of Newton steps. So once at most `size // _SHRINK`
    points still run, they are gathered (with their slice of `body`) into a batch of
    that size, solved there the same way, and scattered back: the same steps on
    the same points, each point's result unchanged.
    """
    small = size // _SHRINK if size // _SHRINK >= _MIN_BATCH else 0
    axes = jax.tree.map(lambda b: 0 if b else None, batched)
    step = jax.vmap(lambda a, s: _advance(eqx.combine(a, static), s), in_axes=(axes, 0))

    def advance(state):
        running = _running(state, max_steps)

        def select(new, old):
            return jnp.where(
                running.reshape(running.shape + (1,) * (new.ndim - 1)), new, old
            )

        return jax.tree.map(select, step(arrays, state), state)

    def many_running(state):
        return jnp.sum(_running(state, max_steps)) > small

    state = lax.while_loop(many_running, advance, state)
    if small == 0:
        return state
    # The running points' indices, padded with `size` (out of range): padded
    # entries hold a copy of the last point, are marked done so that they take no
    # step, and are dropped when scattered back.
    (index,) = jnp.nonzero(_running(state, max_steps), size=small, fill_value=size)

    def gather(x):
        return x.at[index].get(mode="clip")

    sub_arrays = jax.tree.map(lambda b, x: gather(x) if b else x, batched, arrays)
    x, out, steps = jax.tree.map(gather, state)
    out = jnp.where(index < size, out, CONVERGED)
    done = _batched_loop(sub_arrays, static, batched, (x, out, steps), small, max_steps)
    return jax.tree.map(lambda x, y: x.at[index].set(y, mode="drop"), state, done)


def scalar_loop(body, init, solver, steps_taken=0):
    """Run `body(x, last_step) -> (x_new, flag)` from `init = (x0, flag0)` until the
    flag leaves `RUNNING` or until `solver.max_steps` steps, counting `steps_taken`
    already spent (a second stage shares the budget). `last_step` is $|x - x_{prev}|$,
    0 before the first step (for `flag`'s prediction of the next step). Returns
    `(x, flag, steps)`.

    Vmapped (over a grid of points), the loop keeps solving only the points still
    running, in smaller batches (see `_batched_loop`); results are those of the
    points' own loops."""
    x0, flag0 = init
    no_step = jnp.zeros_like(x0)
    state = ((x0, no_step), jnp.asarray(flag0), jnp.asarray(steps_taken))
    # The batching rule needs the batched values `body` closes over as arguments.
    closed = eqx.filter_closure_convert(body, x0, no_step)
    arrays, static = eqx.partition(closed, eqx.is_array)
    max_steps = solver.max_steps

    @jax.custom_batching.custom_vmap
    def loop(arrays, state):
        body = eqx.combine(arrays, static)
        return lax.while_loop(
            lambda s: _running(s, max_steps), lambda s: _advance(body, s), state
        )

    @loop.def_vmap
    def _(size, in_batched, arrays, state):
        body_batched, state_batched = in_batched

        def broadcast(b, x):
            return x if b else jnp.broadcast_to(x, (size, *jnp.shape(x)))

        state = jax.tree.map(broadcast, state_batched, state)
        out = _batched_loop(arrays, static, body_batched, state, size, max_steps)
        return out, jax.tree.map(lambda _: True, out)

    (x, _), out, steps = loop(arrays, state)
    return x, out, steps
