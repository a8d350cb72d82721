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
    # The lag-1 correlation is the deep correlation map's stable fixed point c* q*.
    c = float(
        dmft.deep.deep_fixed_point(dmft.NetworkEnsemble(sigma_w=g, sigma_b=sb)).c_star
    )
    assert sol.lags[1] == pytest.approx(c * q, rel=1e-8)


@pytest.mark.slow
def test_small_step_converges_to_continuous_time():
    # Rates measured (and derived): the lag recurrence equals the continuous equation with
    # Delta'' scaled by (1 - delta), i.e. time rescaled by sqrt(1 - delta); Delta0 is
    # invariant under that to O(delta^2), while lambda (a rate) changes at O(delta).
    # Halving delta must shrink the Delta0 error ~4x and the lambda error ~2x.
    ens = dmft.NetworkEnsemble(sigma_w=2.0, sigma_b=0.3)
    cont = dmft.solve_stationary(ens)
    errors = []
    for delta in (0.2, 0.1, 0.05):
        sol = dmft.solve_discrete_stationary(ens, delta, max_lags=4096)
        errors.append(
            (
                abs(float(sol.delta0 - cont.delta0)),
                abs(float(sol.lyapunov - cont.lyapunov)),
            )
        )
    d0_ratios = [errors[i][0] / errors[i + 1][0] for i in range(2)]
    lam_ratios = [errors[i][1] / errors[i + 1][1] for i in range(2)]
    assert all(3.0 < r < 5.0 for r in d0_ratios), (errors, d0_ratios)
    assert all(1.6 < r < 2.5 for r in lam_ratios), (errors, lam_ratios)
    assert errors[-1][0] < 1e-5 and errors[-1][1] < 5e-3


def test_bad_step():
    with pytest.raises(ValueError, match="delta"):
        dmft.solve_discrete_stationary(dmft.NetworkEnsemble(sigma_w=2.0), 1.5)
