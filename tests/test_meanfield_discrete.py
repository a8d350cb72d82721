"""Discrete-time stationary DMFT: the deep limit (delta = 1) and the continuous limit
(delta -> 0)."""

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.optimize import brentq

import dmft


def _gauss(f):
    # Adaptive quadrature: Gauss-Hermite converges too slowly for sech^4(sqrt(q) z)
    # at q ~ 2 (poles at |z| ~ 1), ~1e-9 with 200 nodes.
    pdf = lambda z: np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi)  # noqa: E731
    return quad(lambda z: f(z) * pdf(z), -np.inf, np.inf, epsabs=1e-14, epsrel=1e-14)[0]


def _length_map_fixed_point(g, sb):
    q = brentq(
        lambda q: g**2 * _gauss(lambda z: np.tanh(np.sqrt(q) * z) ** 2) + sb**2 - q,
        sb**2 + 1e-3,
        g**2 + sb**2,
        xtol=1e-15,
    )
    chi1 = g**2 * _gauss(lambda z: (1 - np.tanh(np.sqrt(q) * z) ** 2) ** 2)
    return q, chi1


@pytest.mark.slow
def test_unit_step_is_the_deep_network():
    # delta = 1: Delta0 = q* of the length map (scipy quad + brentq), and
    # lambda = (1/2) log chi_1 (tied weights; on the diagonal the tangent correlation
    # obeys D_{t+1,t+1} = chi_1 D_{t,t}). Tolerance 1e-10: both routes converge to ~1e-13;
    # the multiplier bisection resolves mu to 2^-64.
    g, sb = 2.0, 0.3
    q, chi1 = _length_map_fixed_point(g, sb)
    ens = dmft.NetworkEnsemble(sigma_w=g, sigma_b=sb)
    sol = dmft.solve_discrete_stationary(ens, 1.0, max_lags=256)
    assert sol.delta0 == pytest.approx(q, rel=1e-10)
    assert sol.lyapunov == pytest.approx(0.5 * np.log(chi1), rel=1e-10)
    # The deep network's fixed point (dmft.deep_fixed_point, its own Newton solve and
    # Mehler series): Delta_0 = q*, lambda = (1/2) log chi_1, and the lag-1 correlation
    # is the correlation map's stable fixed point c* q*. 1e-8: c* is ~1e-10 accurate.
    deep = dmft.deep_fixed_point(dmft.NetworkEnsemble(sigma_w=g, sigma_b=sb))
    assert sol.delta0 == pytest.approx(float(deep.q_star), rel=1e-10)
    assert sol.lyapunov == pytest.approx(0.5 * np.log(float(deep.chi_1)), rel=1e-10)
    assert sol.delta[0] == sol.delta0
    assert sol.delta[1] == pytest.approx(float(deep.c_star * deep.q_star), rel=1e-8)
    np.testing.assert_allclose(sol.lags[:3], [0.0, 1.0, 2.0])


@pytest.mark.slow
def test_small_step_converges_to_continuous_time():
    # Orders derived in `solve_discrete_stationary`'s docstring: with tau = k delta the
    # lag recurrence is (1 - delta) Delta'' = Delta - g^2 C - sigma_b^2 + O(delta^2),
    # time rescaled by sqrt(1 - delta), which keeps the particle's energy and so
    # Delta_0 to O(delta^2); lambda is a rate and moves at O(delta). Fitted over
    # delta = 2^-2 ... 2^-5 (measured slopes: Delta_0 2.23, 2.10, 2.05; lambda 0.99,
    # 0.99, 0.99), and Richardson-extrapolated to delta = 0 with those orders the two
    # must meet `solve_stationary` (measured: 2e-8 for Delta_0, 2.3e-6 for lambda,
    # the next order; tolerances 10x that).
    ens = dmft.NetworkEnsemble(sigma_w=2.0, sigma_b=0.3)
    cont = dmft.solve_stationary(ens)
    steps = np.array([2.0**-k for k in range(2, 6)])
    d0, lam = [], []
    for step in steps:
        sol = dmft.solve_discrete_stationary(ens, float(step), max_lags=4096)
        d0.append(float(sol.delta0 - cont.delta0))
        lam.append(float(sol.lyapunov - cont.lyapunov))
    d0, lam = np.array(d0), np.array(lam)
    d0_order = np.polyfit(np.log(steps), np.log(np.abs(d0)), 1)[0]
    lam_order = np.polyfit(np.log(steps), np.log(np.abs(lam)), 1)[0]
    assert 1.9 < d0_order < 2.4, (d0, d0_order)
    assert 0.95 < lam_order < 1.05, (lam, lam_order)
    assert abs((4 * d0[-1] - d0[-2]) / 3) < 2e-7, d0
    assert abs(2 * lam[-1] - lam[-2]) < 3e-5, lam


# Finite-N largest exponents at g = 3, sigma_b = 0 (issue 15): `dmft simulate --n 1000
# --g 3 --discrete-step 0.9 --t1 450 --t-burn 90 --seed 1 --lyapunov` gives
# 0.277 +- 0.003; at step 0.5, 0.209 +- 0.007 (N = 1000) and the peer
# davidclark1/rnn-lyapunov's N = 4096 simulation (data/network/
# map_g3_delta0.5_N4096_seed0.json, full QR spectrum, t_obs = 2000) 0.2145.
_FINITE_N = {0.9: (0.277, 0.003), 0.5: (0.2145, 0.007)}
# The peer's discrete-time theory run as a second algorithm (a NumPy transcription of
# rnn-lyapunov's dmft.solve_discrete, Newton on the whole lag vector from a positivity-
# preserving Fourier iteration, and max_exponent.discrete_edge, brentq on the two-sided
# tridiagonal operator; trapezoid Gaussian averages, dz = 0.08, lags to t = 40), run
# once: (Delta_0, lambda).
_PEER = {
    0.9: (5.469279482869089, 0.2756632223306499),
    0.5: (5.441877579792404, 0.21612370471088962),
}


@pytest.mark.slow
def test_lyapunov_below_unit_step_matches_networks():
    # Regression (issue 15): the solver stored Delta_{k+1} as lag k, so the multiplier
    # problem saw G_0 at Delta_1 (5.47 -> 2.79 at step 0.9) and gave lambda = -0.0278
    # (step 0.9) and 0.132 (step 0.5). Tolerance 0.015: 2 standard errors plus the
    # finite-size shortfall of N = 1000 (lambda_N ~ lambda - 9/N here, ~0.009, from
    # the N = 250/1000 fits of test_discrete_finite_n.py).
    ens = dmft.NetworkEnsemble(sigma_w=3.0)
    for step, (value, stderr) in _FINITE_N.items():
        sol = dmft.solve_discrete_stationary(ens, step, max_lags=256)
        assert sol.lyapunov == pytest.approx(value, abs=0.015), (step, sol.lyapunov)
        # Against the peer's algorithm: 1e-10 relative (measured 1e-14; both solve to
        # ~1e-15 with different quadratures, margin for other platforms).
        peer_delta0, peer_lyapunov = _PEER[step]
        assert sol.delta0 == pytest.approx(peer_delta0, rel=1e-10)
        assert sol.lyapunov == pytest.approx(peer_lyapunov, rel=1e-10)
        # The lags are the recurrence's: lag 0 is Delta_0 and each Delta_k solves
        # (1 + a^2) Delta_k - a (Delta_{k+1} + Delta_{k-1}) = step^2 g^2 C(Delta_k),
        # Delta_{-1} = Delta_1 (residual 1e-10 of Delta_0: the orbit is integrated
        # forward from a shot Delta_0 accurate to 2^-64 relative, and held at
        # Delta_inf once within 1e-9 of it).
        delta = np.asarray(sol.delta)
        a = 1 - step
        assert delta[0] == float(sol.delta0)
        c = np.asarray(dmft.meanfield.correlation_function(ens, delta, sol.delta0))
        padded = np.concatenate([delta[1:2], delta, delta[-1:]])
        residual = (1 + a**2) * delta - a * (padded[2:] + padded[:-2])
        residual -= step**2 * 9.0 * c
        np.testing.assert_allclose(residual[:40], 0.0, atol=1e-8 * delta[0])


def test_bad_step():
    with pytest.raises(ValueError, match="step"):
        dmft.solve_discrete_stationary(dmft.NetworkEnsemble(sigma_w=2.0), 1.5)
    with pytest.raises(ValueError, match="step"):
        dmft.solve_discrete_stationary(dmft.NetworkEnsemble(sigma_w=2.0), step=0.0)
