"""The safeguarded Newton searches behind every mean-field root: each must trace its
function once (it may be a whole inner solve) and report what it found."""

import jax
import jax.numpy as jnp
import pytest

from dmft.meanfield._bracketed_newton import bracketed_newton, root_above_zero


jax.config.update("jax_enable_x64", True)


def _square_root(traces):
    def fn(x, r):
        traces.append(None)
        value = x**2 - r
        return value, 2 * x, value < 0

    return fn


@pytest.mark.parametrize("root", [0.01, 1.0, 2.0**0.5, 37.0])
def test_root_above_zero_newton(root):
    # Doubling from 0.3 brackets roots below and far above the start; Newton then
    # converges to rounding (the tolerance is 1e-14 relative).
    traces = []
    x, found, converged = jax.jit(
        lambda r: root_above_zero(
            _square_root(traces), jnp.array(0.3), r, rtol=1e-14, atol=0.0, max_steps=50
        )
    )(jnp.array(root**2))
    assert bool(found) and bool(converged)
    assert abs(float(x) - root) <= 2e-14 * root
    assert len(traces) == 1


@pytest.mark.parametrize("root", [0.01, 2.0**0.5, 37.0])
def test_root_above_zero_bisection(root):
    # No slope (NaN): every step bisects, to the absolute tolerance; `aux` carries the
    # value at the last point out.
    def fn(x, r, _):
        value = x - r
        return value, jnp.full_like(x, jnp.nan), value <= 0, value

    x, found, converged, value = root_above_zero(
        fn,
        jnp.array(0.3),
        jnp.array(root),
        rtol=0.0,
        atol=1e-12,
        max_steps=100,
        aux=jnp.array(jnp.nan),
    )
    assert bool(found) and bool(converged)
    assert abs(float(x) - root) <= 1e-12
    assert float(value) == float(x) - root


def test_root_above_zero_reports_failures():
    never = lambda x, a: (-jnp.ones_like(x), jnp.ones_like(x), x > 0)  # noqa: E731
    _, found, converged = root_above_zero(
        never,
        jnp.array(1.0),
        None,
        rtol=0.0,
        atol=1e-6,
        max_steps=100,
        max_doublings=8,
    )
    assert not bool(found) and not bool(converged)
    # Too few steps: found, not converged.
    slow = lambda x, a: (x - 2.5, jnp.full_like(x, jnp.nan), x < 2.5)  # noqa: E731
    _, found, converged = root_above_zero(
        slow, jnp.array(1.0), None, rtol=0.0, atol=1e-12, max_steps=3
    )
    assert bool(found) and not bool(converged)


def test_bracketed_newton_does_not_stop_at_a_spurious_zero_at_lower():
    # x (x - 1) vanishes at the bracket's lower end 0, which is left of the boundary
    # x* = 1 whatever the predicate says there; a warm start converges the same.
    traces = []

    def fn(x, _):
        traces.append(None)
        return x * (x - 1), 2 * x - 1, x < 1

    for start in (None, jnp.array(1.7)):
        x, converged = bracketed_newton(
            fn,
            jnp.array(0.0),
            jnp.array(2.0),
            None,
            rtol=1e-14,
            atol=0.0,
            max_steps=60,
            start=start,
        )
        assert bool(converged) and abs(float(x) - 1) <= 1e-14
    assert len(traces) == 2
