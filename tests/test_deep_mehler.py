"""The correlation solve by Mehler's series (the default for phi without closed pair
kernels) against the two-variable quadrature route and exact identities."""

import math

import equinox as eqx
import jax.numpy as jnp
import pytest

import dmft
from dmft import deep
from dmft.deep import hermite_functions, mehler_series


def _ens(sigma_w, sigma_b):
    return dmft.NetworkEnsemble(dmft.Tanh(), sigma_w, sigma_b)


_PAIR = deep.DeepSolver(series_order=None)  # two-variable quadrature, ~1e-14


def test_hermite_functions_orthonormal():
    # 40 Gauss-Hermite nodes integrate h_j h_k (degree <= 78) exactly: the
    # recurrence must give the identity to rounding.
    rule = dmft.GaussHermite(40)
    z, w = rule.nodes_and_weights(0.0, 1.0)
    h = hermite_functions(z, 38)
    gram = (h * w) @ h.T
    assert jnp.allclose(gram, jnp.eye(39), atol=1e-12)


@pytest.mark.parametrize("q", [0.3, 2.0])
@pytest.mark.parametrize("c", [0.0, 0.5, 0.9, 0.99, 1.0])
def test_series_matches_pair_quadrature(q, c):
    # Against correlated_expectation (nested SinhTrapezoid(61), ~1e-14 vs mpmath in
    # test_gaussian). The truncation error at K = 48 is measured <= 2e-10 for f'
    # at q = 2, c = 0.99 (the negative-binomial tail is exact to second order at
    # c = 1); 1e-9 absolute leaves a factor 5 of margin, and c = 1 is exact.
    series = mehler_series(dmft.Tanh(), q, dmft.SinhTrapezoid(), 48)
    value = dmft.correlated_expectation(dmft.Tanh(), q, q, c * q)
    slope = q * dmft.correlated_expectation(dmft.Tanh(), q, q, c * q, orders=(1, 1))
    assert float(series(c)) == pytest.approx(float(value), abs=1e-9)
    assert float(series.derivative(c)) == pytest.approx(float(slope), abs=1e-9)


@pytest.mark.parametrize("q", [0.5, 3.0])
@pytest.mark.parametrize("c", [0.5, 0.9, 0.99, 0.999])
def test_series_matches_erf_arcsine_kernel(q, c):
    # An exact, independent route: erf's arcsine kernel (Williams 1997) and its
    # derivative kernel. The series never uses them (only erf's values at the
    # nodes). Measured at q = 3 (worst): f off by 2.4e-11 at c = 0.9, f' by 1.4e-9
    # at c = 0.99 (the truncation error peaks between c = 0.9 and the exact c = 1);
    # at q = 0.5 both below 1e-13. Tolerances 1e-10 (f) and 3e-9 (f').
    series = mehler_series(dmft.Erf(), q, dmft.SinhTrapezoid(), 48)
    arg = 2 * c * q / (1 + 2 * q)
    value = 2 / math.pi * math.asin(arg)
    slope = q * 4 / math.pi / math.sqrt((1 + 2 * q) ** 2 - (2 * c * q) ** 2)
    assert float(series(c)) == pytest.approx(value, abs=1e-10)
    assert float(series.derivative(c)) == pytest.approx(slope, abs=3e-9)


def test_series_exact_at_one():
    # f(1) = E[phi^2] and f'(1) = q E[phi'^2] hold by construction of the tail,
    # to the rounding of the one-variable quadrature: so chi_1 is unchanged and
    # c* -> 1 exactly on the critical line.
    q = 3.0
    series = mehler_series(dmft.Tanh(), q, dmft.SinhTrapezoid(), 16)
    assert series.tail > 1e-6  # a truncation this short has a real tail
    e0 = dmft.product_expectation(dmft.Tanh(), 0.0, q)
    e1 = dmft.product_expectation(dmft.Tanh(), 0.0, q, orders=(1, 1))
    assert float(series(1.0)) == pytest.approx(float(e0), rel=1e-13)
    assert float(series.derivative(1.0)) == pytest.approx(q * float(e1), rel=1e-13)


@pytest.mark.parametrize(
    "sigma_w, sigma_b", [(1.5, 0.1), (2.0, 0.7), (1.2, 0.0), (2.0, 0.0)]
)
def test_fixed_point_matches_pair_route(sigma_w, sigma_b):
    # Same q* solve; c* and chi_c by the series vs by two-variable quadrature. The
    # benchmark grid's worst disagreement is 4e-10 (near the critical line at
    # sigma_b^2 = 0.5); 2e-9 relative here.
    ours = deep.deep_fixed_point(_ens(sigma_w, sigma_b))
    ref = deep.deep_fixed_point(_ens(sigma_w, sigma_b), _PAIR)
    assert ours.chi_1 > 1
    for name in ("q_star", "chi_1", "slope"):
        assert float(getattr(ours, name)) == pytest.approx(
            float(getattr(ref, name)), rel=1e-13
        )
    for name in ("c_star", "chi_c"):
        assert float(getattr(ours, name)) == pytest.approx(
            float(getattr(ref, name)), rel=2e-9
        )


@pytest.mark.parametrize("delta", [1e-2, 1e-3])
def test_near_critical_line(delta):
    # Just inside the chaotic phase c* -> 1 and chi_c -> 1, where a truncated series
    # without the tail is worst (1 - c* ~ delta). Both routes must agree on c*, and
    # on 1 - chi_c (the inverse depth scale 1/xi_c), to 2e-9 absolute.
    sigma_b = math.sqrt(0.05)
    line = deep.critical_sigma_w(dmft.Tanh(), sigma_b)
    ens = _ens(float(line.sigma_w) * (1 + delta), sigma_b)
    ours = deep.deep_fixed_point(ens)
    ref = deep.deep_fixed_point(ens, _PAIR)
    assert 0.9 < ours.c_star < 1
    assert float(ours.c_star) == pytest.approx(float(ref.c_star), abs=2e-9)
    assert float(1 / ours.xi_c) == pytest.approx(float(1 / ref.xi_c), abs=2e-9)


def test_phase_diagram_matches_points_one_trace():
    # The sweep freezes one rule for the grid (at its largest sqrt(q*)) instead of
    # each point's own: an accurate rule either way, so agreement to ~1e-14; 1e-12.
    sweep = eqx.filter_jit(
        eqx.debug.assert_max_traces(
            lambda sw, sb: deep.phase_diagram(dmft.Tanh(), sw, sb), max_traces=1
        )
    )
    sigma_w = jnp.sqrt(jnp.array([0.8, 1.5, 2.5, 4.0]))
    sigma_b = jnp.sqrt(jnp.array([0.0, 0.05, 0.5]))
    first = sweep(sigma_w, sigma_b).fixed_point
    sweep(sigma_w * 1.01, sigma_b * 1.01)  # new values, same shapes: no retrace
    for i in range(4):
        for j in range(3):
            one = deep.deep_fixed_point(_ens(sigma_w[i], sigma_b[j]))
            for name in ("q_star", "c_star", "chi_1", "chi_c"):
                a = float(getattr(first, name)[i, j])
                assert a == pytest.approx(float(getattr(one, name)), rel=1e-12)


@pytest.mark.slow  # compiles a second tanh sweep (another max_steps)
def test_phase_diagram_non_convergence_raises():
    grid = jnp.array([1.0, 2.0])
    solver = deep.DeepSolver(max_steps=2)
    diagram = deep.phase_diagram(dmft.Tanh(), grid, grid, solver, throw=False)
    assert jnp.all(diagram.fixed_point.result == dmft.RESULTS.max_steps_reached)
    with pytest.raises(Exception, match="maximum number of solver steps"):
        deep.phase_diagram(dmft.Tanh(), grid, grid, solver)


def test_series_order_validated():
    with pytest.raises(ValueError, match="series_order"):
        deep.DeepSolver(series_order=0)
