"""The derivative-free boundary search behind the noisy chaos transition."""

import jax
import jax.numpy as jnp
import pytest

from dmft.meanfield._bracketed_newton import bisect_above_zero


jax.config.update("jax_enable_x64", True)


@pytest.mark.parametrize("root", [0.01, 1.0, 2.0**0.5, 37.0])
def test_bisect_above_zero_finds_the_boundary(root):
    # Doubling from 0.3 brackets roots below and far above the start; then bisection
    # to the requested width. One trace of `fn`: it may be a whole inner solve.
    traces = []

    def fn(x, args):
        traces.append(None)
        return x - args

    x, value, found, converged = jax.jit(
        lambda r: bisect_above_zero(fn, jnp.array(0.3), r, atol=1e-12, max_steps=100)
    )(jnp.array(root))
    assert bool(found) and bool(converged)
    assert abs(float(x) - root) <= 1e-12
    assert float(value) == float(x) - root
    assert len(traces) == 1


def test_bisect_above_zero_reports_failures():
    never = lambda x, args: -jnp.ones_like(x)  # noqa: E731
    _, _, found, converged = bisect_above_zero(
        never, jnp.array(1.0), None, atol=1e-6, max_steps=100, max_doublings=8
    )
    assert not bool(found) and not bool(converged)
    # NaN counts as beyond the boundary: the search ends at the NaN region's edge,
    # and the value there tells the caller.
    edge = lambda x, args: jnp.where(x < 2.5, -1.0, jnp.nan)  # noqa: E731
    x, value, found, converged = bisect_above_zero(
        edge, jnp.array(1.0), None, atol=1e-9, max_steps=100
    )
    assert bool(found) and bool(converged) and abs(float(x) - 2.5) <= 1e-9
    # Too few bisections: found, not converged.
    _, _, found, converged = bisect_above_zero(
        lambda x, a: x - 2.5, jnp.array(1.0), None, atol=1e-12, max_steps=3
    )
    assert bool(found) and not bool(converged)
