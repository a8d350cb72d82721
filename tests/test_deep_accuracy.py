"""The deep solver against an independent route (SciPy's adaptive quadrature of tanh
split into sign + a localised remainder: tests/deep_reference.py), over the whole
range of (sigma_w, sigma_b) a user can type, and the statuses where no single
finite answer exists (issue 15, defect 3; issue 18)."""

import json
import math
import subprocess
import sys

import deep_reference as reference
import jax.numpy as jnp
import numpy as np
import pytest

import dmft
from dmft import deep


# The target accuracy of the deep solver (issue 15): every quantity to 1e-9. The
# reference is converged to ~1e-13 (checked against a 8001^2-point trapezoid at the
# regression point: 6e-14), so 1e-9 measures dmft's own error.
TOL = 1e-9


def _point(sigma_w, sigma_b):
    ens = dmft.NetworkEnsemble(dmft.Tanh(), sigma_w, sigma_b)
    return deep.deep_fixed_point(ens, throw=False)


def _check_against_reference(sigma_w, sigma_b):
    point = _point(sigma_w, sigma_b)
    q_ref = reference.length_fixed_point(sigma_w, sigma_b)
    if q_ref > deep.DeepSolver().q_max:
        assert point.result == dmft.RESULTS.length_out_of_range
        return
    assert point.result == dmft.RESULTS.successful, (sigma_w, sigma_b)
    q = float(point.q_star)
    assert abs(q - q_ref) <= TOL * max(q_ref, 1e-3), (sigma_w, sigma_b, q, q_ref)
    chi_1_ref = sigma_w**2 * reference.second_moment(q_ref, 1)
    assert float(point.chi_1) == pytest.approx(chi_1_ref, rel=TOL, abs=1e-300)
    if chi_1_ref <= 1:
        assert float(point.c_star) == 1.0
        assert float(point.chi_c) == float(point.chi_1)
        return
    # Two Newton steps of the reference map from dmft's c*: converged to rounding
    # (quadratic from within ~1e-9), so this is the reference's own root.
    c = float(point.c_star)
    c_ref = reference.correlation_fixed_point(sigma_w, sigma_b, q_ref, c)
    chi_c_ref = sigma_w**2 * reference.derivative_pair(q_ref, c_ref)
    assert abs(c - c_ref) <= TOL, (sigma_w, sigma_b, c, c_ref)
    assert float(point.chi_c) == pytest.approx(chi_c_ref, rel=TOL)


def test_regression_tanh_large_q_star():
    # Issue 15, defect 3: at q* = 37.4 the Mehler series (order 48) was used beyond
    # its range; the old code gave c* = 0.93972413 and chi_c = 0.75298219 (errors
    # 2.2e-5, 3.2e-4). The SciPy route gives c* = 0.93970226586883 and chi_c =
    # 0.75266343832986 (the dblquad value 0.7527665 was itself 1e-4 off).
    point = _point(4.205, 4.693)
    assert float(point.q_star) == pytest.approx(37.42487650358411, rel=1e-13)
    assert float(point.c_star) == pytest.approx(0.9397022658688327, abs=TOL)
    assert float(point.chi_c) == pytest.approx(0.7526634383298637, rel=TOL)
    # ... and c* is a fixed point of dmft's own correlation map (two-variable
    # quadrature, default rule) to rounding: that map is accurate to ~1e-15 here.
    ens = dmft.NetworkEnsemble(dmft.Tanh(), 4.205, 4.693)
    mapped = deep.correlation_map(ens, point.c_star, point.q_star)
    assert float(mapped) == pytest.approx(float(point.c_star), abs=1e-13)
    _check_against_reference(4.205, 4.693)
    # The depth scales: xi_q = -1/log V'(q*) with V' by Stein's lemma in the SciPy
    # route, xi_c = -1/log chi_c (both well-conditioned here: V' ~ 0.1, chi_c 0.75).
    q_ref = reference.length_fixed_point(4.205, 4.693)
    slope_ref = reference.length_slope(4.205, q_ref)
    assert float(point.xi_q) == pytest.approx(-1 / math.log(slope_ref), rel=TOL)
    assert float(point.xi_c) == pytest.approx(
        -1 / math.log(0.7526634383298637), rel=TOL
    )


def _fuzz_points(seed, n):
    rng = np.random.default_rng(seed)
    sigma_w = np.exp(rng.uniform(math.log(0.05), math.log(5e6), n))
    sigma_b = np.where(
        rng.uniform(size=n) < 0.2,
        0.0,
        np.exp(rng.uniform(math.log(1e-3), math.log(1e3), n)),
    )
    return list(zip(sigma_w.tolist(), sigma_b.tolist()))


@pytest.mark.parametrize("sigma_w, sigma_b", _fuzz_points(0, 5))
def test_fuzz_against_scipy(sigma_w, sigma_b):
    # Seeded log-uniform sigma_w in [0.05, 5e6], sigma_b in {0} u [1e-3, 1e3]:
    # q* from 0 to ~2.5e13; every quantity to 1e-9, or `length_out_of_range` where
    # q* exceeds the rule's trusted range q_max = 1e13.
    _check_against_reference(sigma_w, sigma_b)


@pytest.mark.slow  # ~1-2 s of SciPy per chaotic point
@pytest.mark.parametrize("sigma_w, sigma_b", _fuzz_points(1, 60))
def test_fuzz_against_scipy_wide(sigma_w, sigma_b):
    _check_against_reference(sigma_w, sigma_b)


@pytest.mark.parametrize(
    "sigma_w, sigma_b",
    [(3.0, 6.0), (8.0, 2.0), (2e6, 0.0), (3e3, 10.0), (1.2, 1e-3)],
)
def test_large_and_near_critical_points(sigma_w, sigma_b):
    # Chosen points: large q* with c* near 1 (series beyond its range), q* ~ 4e12
    # (issue 18: `deep --sigma-w 2e6`, once "no finite fixed point"), near-critical.
    _check_against_reference(sigma_w, sigma_b)


def test_bounded_phi_never_unbounded():
    # Issue 18: tanh is bounded, so q* <= sigma_w^2 + sigma_b^2 is finite: beyond the
    # rule's trusted range the status is numerical, never no_finite_fixed_point.
    point = _point(1e8, 0.0)
    assert point.result == dmft.RESULTS.length_out_of_range
    erf = dmft.NetworkEnsemble(dmft.Erf(), 2e6, 0.0)
    point = deep.deep_fixed_point(erf)
    # Closed form: q = sigma_w^2 (2/pi) arcsin(2q / (1 + 2q)), written as
    # arctan(2q / sqrt(1 + 4q)) (arcsin near 1 would lose 1e-11 to rounding).
    q = float(point.q_star)
    assert q == pytest.approx(
        4e12 * 2 / math.pi * math.atan(2 * q / math.sqrt(1 + 4 * q)), rel=1e-14
    )


def test_homogeneous_phi_growth_and_degenerate():
    # Linear at sigma_w = 1 without bias: V(q) = q, every q a fixed point.
    point = deep.deep_fixed_point(
        dmft.NetworkEnsemble(dmft.Linear(), 1.0, 0.0), throw=False
    )
    assert point.result == dmft.RESULTS.degenerate
    assert np.isnan(float(point.q_star))
    with pytest.raises(Exception, match="degenerate"):
        deep.deep_fixed_point(dmft.NetworkEnsemble(dmft.Linear(), 1.0, 0.0))
    # With a bias, q grows by sigma_b^2 per layer.
    point = deep.deep_fixed_point(
        dmft.NetworkEnsemble(dmft.Linear(), 1.0, 0.5), throw=False
    )
    assert point.result == dmft.RESULTS.no_finite_fixed_point
    # A finite q* above the old cap q_max = 1e12: ReLU, q* = sigma_b^2 / (1 - sw^2/2)
    # (it was reported as "no finite fixed point" before).
    point = deep.deep_fixed_point(dmft.NetworkEnsemble(dmft.ReLU(), 1.0, 1e7))
    assert float(point.q_star) == pytest.approx(2e14, rel=1e-14)


@pytest.mark.slow  # compiles the tanh sweep with both routes (~60 s on 2 loaded cores)
def test_phase_diagram_mixed_routes_match_single_points():
    # A grid whose points need both routes (q* from ~0.3 to ~40): each point equals
    # deep_fixed_point's (which takes the same route per point) to 1e-12.
    sigma_w = jnp.array([1.5, 4.205])
    sigma_b = jnp.array([0.3, 4.693])
    grid = deep.phase_diagram(dmft.Tanh(), sigma_w, sigma_b).fixed_point
    for i in range(2):
        for j in range(2):
            one = _point(float(sigma_w[i]), float(sigma_b[j]))
            for name in ("q_star", "c_star", "chi_1", "chi_c"):
                a, b = float(getattr(grid, name)[i, j]), float(getattr(one, name))
                assert a == pytest.approx(b, rel=1e-12), (name, i, j)


def _run(*args):
    return subprocess.run(
        [sys.executable, "-m", "dmft.cli", *args], capture_output=True, text=True
    )


def test_cli_deep_degenerate_is_strict_json():
    # Issue 18: `deep --phi linear --sigma-w 1` printed NaN in JSON.
    result = _run("deep", "--phi", "linear", "--sigma-w", "1", "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout, parse_constant=lambda c: pytest.fail(c))
    assert out["status"] == "degenerate"
    assert all(out[k] is None for k in ("q_star", "c_star", "chi_1", "chi_c"))
