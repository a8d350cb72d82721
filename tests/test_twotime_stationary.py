"""Two-time DMFT at long times: C(t + tau, t) relaxes to the stationary solution
Delta(tau) of Sompolinsky, Crisanti & Sommers (1988), with biases and noise."""

import functools

import jax
import jax.numpy as jnp
import jax.random as jr
import numpy as np
import pytest
from scipy.integrate import solve_ivp
from scipy.optimize import brentq

import dmft


G = 2.0


def _stationary_delta(g, sb, noise, taus):
    """Delta(tau) from THEORY.md section 4, independently of the two-time solver:
    the particle $\\Delta'' = \\Delta - \\sigma_b^2 - g^2 C(\\Delta; \\Delta_0)$
    leaves $\\Delta_0$ with velocity $-\\sigma^2/2$ and creeps to $\\Delta_\\infty$,
    where $\\Delta_\\infty = g^2 C(\\Delta_\\infty; \\Delta_0) + \\sigma_b^2$ and
    $\\sigma^4/8 + V(\\Delta_0) = V(\\Delta_\\infty)$,
    $V = -\\Delta^2/2 + \\sigma_b^2 \\Delta + g^2 E_z[(E_x \\Phi)^2]$."""
    phi, sb2 = dmft.Tanh(), sb**2

    @functools.partial(jax.jit, static_argnames="orders")
    def _C(d, d0, orders):
        return dmft.correlated_expectation(phi, d0, d0, d, orders=orders)

    def C(d, d0, orders=(0, 0)):
        return np.asarray(_C(jnp.asarray(d, float), jnp.asarray(d0, float), orders))

    def V(d, d0):
        return -(d**2) / 2 + sb2 * d + g**2 * C(d, d0, orders=(-1, -1))

    def force(d, d0):
        return d - sb2 - g**2 * C(d, d0)

    def d_inf(d0):
        # Delta_inf is a hilltop of V: the force -V' crosses zero from below. The
        # particle comes down from Delta0, so it is the highest such crossing.
        grid = np.linspace(0.0, d0, 401)
        f = force(grid, d0)
        if f[0] >= -1e-14:  # zero-mean phi, no bias: Delta_inf = 0
            return 0.0
        up = np.flatnonzero((f[:-1] < 0) & (f[1:] >= 0))
        if up.size == 0:
            return None
        i = up[-1]
        return brentq(lambda d: float(force(d, d0)), grid[i], grid[i + 1], xtol=1e-14)

    def mismatch(d0):
        di = d_inf(d0)
        return np.nan if di is None else noise**4 / 8 + V(d0, d0) - V(di, d0)

    # Bracket the root of the energy mismatch on a grid of Delta0.
    grid = np.linspace(1.5, 3.0, 16)
    values = np.array([mismatch(x) for x in grid])
    change = np.flatnonzero((values[:-1] > 0) & (values[1:] < 0))
    i = change[0]
    d0 = brentq(lambda x: float(mismatch(x)), grid[i], grid[i + 1], xtol=1e-13)

    def rhs(t, y):
        d = min(max(y[0], 0.0), d0)
        return [y[1], float(force(d, d0))]

    sol = solve_ivp(
        rhs, (0, max(taus)), [d0, -(noise**2) / 2], t_eval=taus, rtol=1e-10, atol=1e-12
    )
    return d0, sol.y[0]


KEYS = 4


@pytest.mark.slow
@pytest.mark.parametrize("sigma_b, noise", [(0.0, 0.0), (0.3, 0.0), (0.0, 0.5)])
def test_long_times_reach_stationary_scs(sigma_b, noise, getkey):
    taus = [0.0, 1.0, 2.0, 5.0]
    ensemble = dmft.NetworkEnsemble(sigma_w=G, sigma_b=sigma_b, noise=noise)
    # The reference: dmft.meanfield's stationary solver, cross-checked against the
    # independent computation above (they agree to ~1e-9), and against the published
    # SCS value Delta0 = 1.925 at g = 2.
    stationary = dmft.solve_stationary(ensemble)
    exact = np.asarray(
        dmft.stationary_autocorrelation(ensemble, stationary, jnp.asarray(taus))
    )
    d0, independent = _stationary_delta(G, sigma_b, noise, taus)
    np.testing.assert_allclose(exact, independent, rtol=1e-6)
    if sigma_b == noise == 0:
        assert abs(d0 - 1.925) < 5e-4
    ts = jnp.linspace(0.0, 40.0, 401)
    options = dmft.TwoTimeOptions(
        n_samples=3000, response_samples=0, max_iterations=200
    )
    late = np.empty((KEYS, len(taus)))
    single = np.empty((KEYS, len(taus)))
    for k, key in enumerate(jr.split(getkey(), KEYS)):
        sol = dmft.solve_two_time(
            ensemble, ts, dmft.GaussianInitial(0.0, 0.5), key=key, options=options
        )
        for j, tau in enumerate(taus):
            times, values, errors = sol.autocorrelation(tau)
            late[k, j] = np.mean(values[times >= 30.0])
            single[k, j] = np.mean(errors[times >= 30.0])
    # The error is measured over keys: the error of the driving C_phi feeds back
    # through eta (the reported stderr, from the spread of the passes, misses it),
    # and the late-window average does not remove that (it is correlated over t).
    # Four keys estimate that spread poorly, so it is floored at twice the reported
    # stderr (the feedback factor measured at g = 2: 1.5-2). 4 standard errors of the mean over keys, plus 1e-2 for the
    # O(dt^2) step error (< 3e-3 relative at dt = 0.1) and what remains of the
    # transient at t = 30.
    spread = np.maximum(np.std(late, axis=0, ddof=1), 2 * np.mean(single, axis=0))
    stderr = spread / np.sqrt(KEYS)
    mean = np.mean(late, axis=0)
    err = np.abs(mean - exact)
    assert np.all(err <= 4 * stderr + 1e-2), (mean, stderr, exact)
    if sigma_b == noise == 0:
        # Discriminating: Delta0 (1.925), not the static q* = 2.12 that Amari's
        # equations relax to.
        q_star = 2.1214735682
        assert abs(mean[0] - exact[0]) < abs(mean[0] - q_star)


@pytest.mark.slow
def test_late_time_q_is_unbiased_at_two_sample_sizes(getkey):
    # Issue 15, defect 2: the marching fixed point is a nonlinear function of its
    # frozen random numbers, so its late-time q was biased upward like 1/M (g = 2:
    # +4% at M = 2000, +1.2% at M = 8000; measured here at M = 500: +9%, +21% for
    # two keys). The independent passes remove it: at two sample sizes the mean over
    # keys of the late-window q agrees with SCS's Delta0 within 4 standard errors of
    # that mean (from the spread over keys: the passes' own stderr misses the
    # feedback of the driving covariance's error), plus 0.5% for the O(dt^2) step
    # error at dt = 0.2 (the quadrature solver measures 3e-5). Only API that the old code had is used,
    # so the test runs (and fails) there: M = 250 gives ~ +25% there.
    ensemble = dmft.NetworkEnsemble(sigma_w=G)
    d0 = float(dmft.solve_stationary(ensemble).delta0)
    assert abs(d0 - 1.92481) < 1e-4
    ts = jnp.linspace(0.0, 60.0, 301)
    late = np.asarray(ts) >= 30.0
    for M, keys in [(250, 6), (1000, 4)]:
        options = dmft.TwoTimeOptions(
            n_samples=M, response_samples=0, max_iterations=300
        )
        values = []
        for key in jr.split(getkey(), keys):
            sol = dmft.solve_two_time(
                ensemble, ts, dmft.GaussianInitial(0.0, 0.5), key=key, options=options
            )
            values.append(np.mean(np.asarray(sol.q)[late]))
        mean = np.mean(values)
        stderr = np.std(values, ddof=1) / np.sqrt(keys)
        assert abs(mean - d0) <= 4 * stderr + 5e-3 * d0, (M, values, d0)
