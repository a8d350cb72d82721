"""The scalar iteration loop shared by the deep-limit solves: a `lax.while_loop` with
a step budget and an outcome flag (no host round-trips, vmappable)."""

import jax.lax as lax
import jax.numpy as jnp


# Outcome flags of one iteration; mapped to `RESULTS` by the callers.
RUNNING, CONVERGED, UNBOUNDED, NONFINITE = 0, 1, 2, 3


def flag(new, old, residual, solver, x_max=jnp.inf):
    """The outcome after a step `old -> new` whose starting point had `residual`."""
    # Converged when the step is within tolerance, or when the residual is at the
    # rounding floor: near the critical line the root is ill-conditioned and rounding
    # in the residual alone moves a Newton iterate by more than `rtol`.
    eps = jnp.finfo(jnp.result_type(new)).eps
    small_step = jnp.abs(new - old) <= solver.atol + solver.rtol * jnp.abs(new)
    at_floor = jnp.abs(residual) <= 4 * eps * jnp.maximum(jnp.abs(old), 1.0)
    out = jnp.where(small_step | at_floor, CONVERGED, RUNNING)
    out = jnp.where(new > x_max, UNBOUNDED, out)
    return jnp.where(jnp.isfinite(new), out, NONFINITE)


def iterate(body, init, solver, steps_taken=0):
    """Run `body(x) -> (x_new, flag)` from `init = (x0, flag0)` until the flag leaves
    `RUNNING` or until `solver.max_steps` steps, counting `steps_taken` already spent
    (a second stage shares the budget). Returns `(x, flag, steps)`."""

    def cond(state):
        _, out, step = state
        return (out == RUNNING) & (step < solver.max_steps)

    def step(state):
        x, _, n = state
        return (*body(x), n + 1)

    return lax.while_loop(cond, step, (*init, jnp.asarray(steps_taken)))
