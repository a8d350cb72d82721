"""Amari's (m, q) fixed points against an independent NumPy/scipy solve, and the ODE."""

import diffrax
import equinox as eqx
import numpy as np
import pytest
from scipy.optimize import fsolve

import dmft


_Z, _W = np.polynomial.hermite_e.hermegauss(120)
_W = _W / np.sqrt(2 * np.pi)


def _residual(y, g, sb, w0, b0):
    m, q = y
    u = m + np.sqrt(abs(q)) * _Z
    return [
        w0 * np.sum(_W * np.tanh(u)) + b0 - m,
        g**2 * np.sum(_W * np.tanh(u) ** 2) + sb**2 - q,
    ]


@pytest.mark.slow
def test_three_branches_and_stability():
    # Strong mean coupling, no mean bias: m = 0 (unstable: outlier w0 E[phi'] > 1) and
    # m = +-m* (stable). Each checked against scipy fsolve from the returned point's
    # neighbourhood (tolerance 1e-9: both solve to ~1e-12) and the symmetry m -> -m.
    g, sb, w0, b0 = 0.5, 0.1, 2.0, 0.0
    ens = dmft.NetworkEnsemble(sigma_w=g, sigma_b=sb, mean_w=w0, mean_b=b0)
    points = dmft.amari_fixed_points(ens)
    assert len(points) == 3
    for p in points:
        ref = fsolve(
            _residual, [float(p.m) + 0.01, float(p.q)], (g, sb, w0, b0), xtol=1e-13
        )
        assert float(p.m) == pytest.approx(ref[0], abs=1e-9)
        assert float(p.q) == pytest.approx(ref[1], abs=1e-9)
    assert float(points[0].m) == pytest.approx(-float(points[2].m), abs=1e-10)
    assert [p.stable for p in points] == [True, False, True]
    u = np.sqrt(float(points[1].q)) * _Z
    assert float(points[1].outlier) == pytest.approx(
        w0 * np.sum(_W * (1 - np.tanh(u) ** 2)), rel=1e-10
    )


@pytest.mark.slow
def test_ode_flows_to_the_stable_fixed_point():
    # The design point of the CLI: one stable fixed point; the diffrax ODE from
    # (m, q) = (0, 0.1) reaches it (t1 = 60: slowest rate ~1 - 0.5 E[phi'] > 0.5,
    # so the transient has decayed below 1e-12; tolerance 1e-7 from rtol 1e-8).
    ens = dmft.NetworkEnsemble(sigma_w=0.8, sigma_b=0.3, mean_w=0.5, mean_b=0.2)
    (point,) = dmft.amari_fixed_points(ens)
    assert point.stable
    sol = dmft.solve_amari(ens, 0.0, 0.1, 60.0)
    assert float(sol.ys[0][-1]) == pytest.approx(float(point.m), abs=1e-7)
    assert float(sol.ys[1][-1]) == pytest.approx(float(point.q), abs=1e-7)


def test_bad_input():
    with pytest.raises(ValueError, match="sigma_b"):
        dmft.amari_fixed_points(dmft.NetworkEnsemble(sigma_w=1.0, sigma_b=-1.0))


def test_chaotic_variance_is_the_largest_root():
    # g = 2, no bias, no means: q = g^2 E[phi^2] has the roots 0 (unstable under the
    # q flow) and q* = 2.12147..., the static variance of the length map. The m = 0
    # root comes out of the grid at m ~ -7e-14, where the previous search returned
    # q ~ 2e-26. Independent route: mpmath's 30-digit quadrature and findroot,
    # q* = 2.12147356820317853...; tolerance 1e-12 relative (the solver's 1e-13 plus
    # the rounding of the Gauss-Hermite average).
    (point,) = dmft.amari_fixed_points(dmft.NetworkEnsemble(sigma_w=2.0))
    assert float(point.m) == pytest.approx(0.0, abs=1e-12)
    assert float(point.q) == pytest.approx(2.12147356820317853, rel=1e-12)
    assert not point.stable  # bulk radius g sqrt(E[phi'^2]) > 1: chaotic


def test_continuum_of_fixed_points_is_degenerate():
    # Regression: linear phi with mean_w = 1 and mean_b = 0 makes F(m) = 0 for every
    # m; commit 54b9162 returned the 401 grid points as "fixed points".
    ens = dmft.NetworkEnsemble(dmft.Linear(), sigma_w=0.5, mean_w=1.0)
    with pytest.raises(eqx.EquinoxRuntimeError, match="degenerate"):
        dmft.amari_fixed_points(ens)
    (point,) = dmft.amari_fixed_points(ens, throw=False)
    assert point.result == dmft.RESULTS.degenerate
    assert not point.stable and np.isnan(float(point.q))
    # Off the degenerate line the same linear network has its one fixed point,
    # m = mean_b / (1 - mean_w), q = (sigma_w^2 m^2 + sigma_b^2) / (1 - sigma_w^2).
    ens = dmft.NetworkEnsemble(
        dmft.Linear(), sigma_w=0.5, sigma_b=0.2, mean_w=0.5, mean_b=0.1
    )
    (point,) = dmft.amari_fixed_points(ens)
    assert float(point.m) == pytest.approx(0.2, abs=1e-12)
    assert float(point.q) == pytest.approx((0.25 * 0.04 + 0.04) / 0.75, rel=1e-12)
    assert point.stable and point.result == dmft.RESULTS.successful


def test_enormous_mean_is_never_nan_and_stable():
    # Regression: mean_b = 1e300 gave q = NaN marked stable (commit 54b9162). Now a
    # failure status (or an error), never a NaN with stable = True.
    ens = dmft.NetworkEnsemble(sigma_w=0.8, mean_b=1e300)
    points = dmft.amari_fixed_points(ens, throw=False)
    for p in points:
        finite = np.isfinite(float(p.m)) and np.isfinite(float(p.q))
        assert finite or (p.result != dmft.RESULTS.successful and not p.stable)
    if any(p.result != dmft.RESULTS.successful for p in points):
        with pytest.raises(eqx.EquinoxRuntimeError):
            dmft.amari_fixed_points(ens)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(num=2), "num"),
        (dict(rtol=0.0), "rtol"),
        (dict(rtol=1e-3), "rtol"),
        (dict(atol=-1.0), "atol"),
        (dict(max_steps=0), "max_steps"),
    ],
)
def test_bad_options(kwargs, match):
    with pytest.raises(ValueError, match=match):
        dmft.AmariOptions(**kwargs)


def test_dense_solution_and_bad_initial_values():
    # Regression: SaveAt(dense=True) made solve_amari pass max_steps=None, which
    # diffrax refuses ("incompatible with saveat.dense") on commit 54b9162.
    ens = dmft.NetworkEnsemble(sigma_w=0.8, sigma_b=0.3, mean_w=0.5, mean_b=0.2)
    sol = dmft.solve_amari(ens, 0.0, 0.1, 5.0, saveat=diffrax.SaveAt(dense=True))
    m, q = sol.evaluate(5.0)
    assert np.isfinite(float(m)) and np.isfinite(float(q))
    with pytest.raises(ValueError, match="q0"):
        dmft.solve_amari(ens, 0.0, -0.1, 5.0)
    with pytest.raises(ValueError, match="max_steps"):
        dmft.solve_amari(ens, 0.0, 0.1, 5.0, max_steps=0)
