"""The deep limit (dmft.deep) against independent routes: closed forms vs quadrature,
exact linear/ReLU results, mpmath, finite differences, published values."""

import math

import equinox as eqx
import jax
import jax.numpy as jnp
import jax.scipy.special as jsp
import mpmath as mp
import pytest

import dmft
from dmft import deep


def _ens(phi, sigma_w, sigma_b):
    return dmft.NetworkEnsemble(phi, sigma_w, sigma_b)


# Quadrature route (Custom forces it) against erf's closed arcsine kernels. The
# default SinhTrapezoid rule is accurate to ~1e-14 for these q (foundation tests vs
# mpmath) and the solves stop at rtol 1e-12 with quadratic convergence, so 1e-10
# relative leaves two orders of margin; c* is a well-conditioned root here
# (|1 - chi_c| >= 0.1), so it inherits the same accuracy.
@pytest.mark.parametrize(
    "sigma_w, sigma_b", [(0.8, 0.1), (1.3, 0.3), (2.0, 0.1), (2.5, 0.7), (3.0, 0.0)]
)
def test_erf_quadrature_matches_closed_form(sigma_w, sigma_b):
    closed = deep.deep_fixed_point(_ens(dmft.Erf(), sigma_w, sigma_b))
    quad = deep.deep_fixed_point(_ens(dmft.Custom(jsp.erf), sigma_w, sigma_b))
    for name in ("q_star", "c_star", "chi_1", "chi_c", "slope", "xi_q", "xi_c"):
        a, b = getattr(closed, name), getattr(quad, name)
        assert jnp.allclose(a, b, rtol=1e-10, atol=1e-13), (name, a, b)


def test_erf_closed_form_by_hand():
    # Independent of the library's kernels: Newton on the arcsine formula in NumPy.
    sw2, sb2 = 2.0**2, 0.1**2
    q = 1.0
    for _ in range(60):
        f = sw2 * 2 / math.pi * math.asin(2 * q / (1 + 2 * q)) + sb2 - q
        df = sw2 * 4 / math.pi / ((1 + 2 * q) * math.sqrt(1 + 4 * q)) - 1
        q -= f / df
    chi_1 = sw2 * 4 / math.pi / math.sqrt(1 + 4 * q)
    c = 0.0
    for _ in range(200):
        x = 2 * c * q / (1 + 2 * q)
        g = (sw2 * 2 / math.pi * math.asin(x) + sb2) / q - c
        dg = sw2 * 2 / math.pi * (2 / (1 + 2 * q)) / math.sqrt(1 - x * x) - 1
        c -= g / dg
    det = (1 + 2 * q) ** 2 - 4 * (c * q) ** 2
    chi_c = sw2 * 4 / math.pi / math.sqrt(det)
    point = deep.deep_fixed_point(_ens(dmft.Erf(), 2.0, 0.1))
    # Both are Newton solutions of the same closed forms to rounding: 1e-12.
    for ours, ref in [(point.q_star, q), (point.chi_1, chi_1), (point.c_star, c)]:
        assert ours == pytest.approx(ref, rel=1e-12)
    assert point.chi_c == pytest.approx(chi_c, rel=1e-11)


@pytest.mark.parametrize("sigma_w", [0.5, 1.0, 1.3, 1.41])
@pytest.mark.parametrize("sigma_b", [0.0, 0.3, 1.0])
def test_relu_exact(sigma_w, sigma_b):
    # ReLU: V(q) = sw2 q / 2 + sb2 is affine, so q* = sb2 / (1 - sw2/2) exactly,
    # chi_1 = V' = sw2 / 2 < 1 (ordered, c* = 1, chi_c = chi_1); rounding only.
    sw2, sb2 = sigma_w**2, sigma_b**2
    point = deep.deep_fixed_point(_ens(dmft.ReLU(), sigma_w, sigma_b))
    assert point.q_star == pytest.approx(sb2 / (1 - sw2 / 2), rel=1e-12, abs=1e-300)
    assert point.chi_1 == pytest.approx(sw2 / 2, rel=1e-12)
    assert point.slope == pytest.approx(sw2 / 2, rel=1e-12)
    assert point.c_star == 1.0 and point.chi_c == point.chi_1
    assert point.xi_c == pytest.approx(-1 / math.log(sw2 / 2), rel=1e-12)


def _relu_pair_mpmath(q, c):
    # E[relu(u1) relu(u2)] by 1-D mpmath quadrature over z1 with the inner Gaussian
    # mean in closed form (m Phi(m/s) + s phi(m/s)): independent of the arc-cosine
    # kernel that the library uses.
    s = mp.sqrt(q * (1 - c * c))

    def integrand(z):
        u1 = mp.sqrt(q) * z
        m = c * u1
        inner = m * mp.ncdf(m / s) + s * mp.npdf(m / s)
        return u1 * inner * mp.npdf(z)

    return mp.quad(integrand, [0, mp.inf])


def test_relu_correlation_map_vs_mpmath():
    mp.mp.dps = 20
    ens = _ens(dmft.ReLU(), 1.2, 0.3)
    q, c = 0.8, 0.35
    ours = deep.correlation_map(ens, c, q)
    ref = (1.44 * _relu_pair_mpmath(q, c) + 0.09) / (1.44 * q / 2 + 0.09)
    assert float(ours) == pytest.approx(float(ref), rel=1e-13)


@pytest.mark.parametrize("sigma_w, sigma_b", [(0.3, 0.2), (0.9, 0.5), (0.99, 1.0)])
def test_linear_exact(sigma_w, sigma_b):
    # Linear phi: V(q) = sw2 q + sb2, q* = sb2 / (1 - sw2), chi_1 = V' = sw2, and the
    # correlation map c -> (sw2 c q + sb2)/q* has the single fixed point c* = 1.
    sw2, sb2 = sigma_w**2, sigma_b**2
    point = deep.deep_fixed_point(_ens(dmft.Linear(), sigma_w, sigma_b))
    assert point.q_star == pytest.approx(sb2 / (1 - sw2), rel=1e-12)
    assert point.chi_1 == pytest.approx(sw2, rel=1e-14)
    assert point.slope == pytest.approx(sw2, rel=1e-14)
    assert point.c_star == 1.0
    assert point.xi_q == pytest.approx(-1 / math.log(sw2), rel=1e-12)


@pytest.mark.parametrize("phi", [dmft.Tanh(), dmft.Erf()])
@pytest.mark.parametrize("q", [0.05, 1.0, 7.0])
def test_slope_matches_stein_formula(phi, q):
    # V'(q) is the derivative of the computed map (jvp); THEORY's
    # chi_1 + sw2 E[phi'' phi] comes from Stein's lemma and separate quadratures.
    ens = _ens(phi, 1.7, 0.4)
    stein = deep.chi_1(ens, q) + 1.7**2 * dmft.product_expectation(
        phi, 0.0, q, orders=(0, 2)
    )
    assert deep.length_map_slope(ens, q) == pytest.approx(float(stein), rel=1e-11)


@pytest.mark.parametrize("phi", [dmft.Tanh(), dmft.Erf()])
def test_chi_c_is_slope_of_correlation_map(phi):
    # Price's theorem: chi_c = d c^{l+1} / d c^l at the length fixed point; compare
    # with a central difference (h = 1e-5: truncation ~1e-10, rounding ~1e-11).
    point = deep.deep_fixed_point(_ens(phi, 2.5, 0.3))
    ens = _ens(phi, 2.5, 0.3)
    h = 1e-5
    fd = (
        deep.correlation_map(ens, point.c_star + h, point.q_star)
        - deep.correlation_map(ens, point.c_star - h, point.q_star)
    ) / (2 * h)
    assert float(fd) == pytest.approx(float(point.chi_c), rel=1e-8)
    # and c* is a fixed point of the map, 0 < c* < 1 in the chaotic phase
    assert 0 < point.c_star < 1 and point.chi_1 > 1
    again = deep.correlation_map(ens, point.c_star, point.q_star)
    assert float(again) == pytest.approx(float(point.c_star), rel=1e-12)


def _tanh_critical_mpmath(sb2):
    # On the line: sw2 E[sech^4(sqrt(q) z)] = 1 and q = sw2 E[tanh^2] + sb2, i.e.
    # q - E[tanh^2]/E[sech^4] = sb2; mpmath quad + findroot at 20 digits.
    def mean(f, q):
        return mp.quad(lambda z: f(mp.sqrt(q) * z) * mp.npdf(z), [-mp.inf, 0, mp.inf])

    def h(q):
        return (
            q
            - mean(lambda x: mp.tanh(x) ** 2, q) / mean(lambda x: mp.sech(x) ** 4, q)
            - sb2
        )

    q = mp.findroot(h, (mp.mpf("0.5"), mp.mpf("0.6")), solver="secant", tol=1e-36)
    return 1 / mean(lambda x: mp.sech(x) ** 4, q), q


def test_tanh_critical_point_published_and_mpmath():
    mp.mp.dps = 20
    sb2 = mp.mpf("0.05")
    line = deep.critical_sigma_w(dmft.Tanh(), math.sqrt(0.05))
    sw2 = float(line.sigma_w) ** 2
    # Schoenholz et al. (2017), Fig. 1: sigma_w^2 = 1.76 at sigma_b^2 = 0.05 (two
    # decimals published).
    assert round(sw2, 2) == 1.76
    ref_sw2, ref_q = _tanh_critical_mpmath(sb2)
    # The library's quadrature is ~1e-14 accurate and Newton converged to rtol
    # 1e-12; 1e-11 relative is the claim.
    assert sw2 == pytest.approx(float(ref_sw2), rel=1e-11)
    assert float(line.q_star) == pytest.approx(float(ref_q), rel=1e-11)
    # chi_1 = 1 there, through the independent q* solve.
    point = deep.deep_fixed_point(_ens(dmft.Tanh(), line.sigma_w, math.sqrt(0.05)))
    assert float(point.chi_1) == pytest.approx(1.0, abs=1e-11)


def test_critical_line_special_cases():
    # Odd phi without bias: q* = 0 on the line and sigma_w^c = 1/|phi'(0)|.
    assert float(deep.critical_sigma_w(dmft.Tanh(), 0.0).sigma_w) == pytest.approx(1.0)
    erf = deep.critical_sigma_w(dmft.Erf(), 0.0).sigma_w
    assert float(erf) == pytest.approx(math.sqrt(math.pi) / 2, rel=1e-12)
    # ReLU with bias: chi_1 = sw2/2 regardless of q, but q* diverges towards the line.
    relu = deep.critical_sigma_w(dmft.ReLU(), 0.3, throw=False)
    assert relu.result == dmft.RESULTS.no_finite_fixed_point
    assert float(relu.sigma_w) == pytest.approx(math.sqrt(2), rel=1e-12)
    with pytest.raises(Exception, match="no finite fixed point"):
        deep.critical_sigma_w(dmft.ReLU(), 0.3)


@pytest.mark.parametrize(
    "phi",
    [dmft.Erf(), pytest.param(dmft.Tanh(), marks=pytest.mark.slow)],  # slow: compiles
)
def test_xi_c_diverges_at_the_critical_line(phi):
    # Near sigma_w^c, 1 - chi_c = |chi_1 - 1| + O(delta^2) on both sides (ordered:
    # chi_c = chi_1; chaotic: expanding g(c) = f(c) - c about c = 1 gives
    # chi_c = 2 - chi_1), so xi_c |sigma_w - sigma_w^c| -> 1 / |d chi_1 / d sigma_w|.
    sigma_b = math.sqrt(0.05)
    sw_c = float(deep.critical_sigma_w(phi, sigma_b).sigma_w)

    def product(delta):
        point = deep.deep_fixed_point(_ens(phi, sw_c + delta, sigma_b))
        return float(point.xi_c) * abs(delta)

    limit = 1 / float(
        jax.grad(lambda s: deep.deep_fixed_point(_ens(phi, s, sigma_b)).chi_1)(
            jnp.asarray(sw_c)
        )
    )
    for sign in (-1, 1):
        values = [product(sign * d) for d in (1e-2, 1e-3, 1e-4)]
        # Converging: successive differences shrink by ~10 (error O(delta)).
        assert abs(values[2] - values[1]) < 0.2 * abs(values[1] - values[0])
        # and to the predicted constant, within O(delta) = 1e-3 relative.
        assert values[2] == pytest.approx(limit, rel=2e-3)


@pytest.mark.parametrize(
    "phi",
    [dmft.Erf(), pytest.param(dmft.Tanh(), marks=pytest.mark.slow)],  # slow: compiles
)
@pytest.mark.parametrize("sigma_w, sigma_b", [(1.3, 0.3), (2.5, 0.3)])
def test_gradients_match_finite_differences(phi, sigma_w, sigma_b):
    # Implicit differentiation vs central differences with h = 1e-5: truncation
    # error ~h^2 q''' ~ 1e-10 and rounding ~1e-16 q / h ~ 1e-11; 1e-7 relative.
    def solve(sw, sb):
        return deep.deep_fixed_point(_ens(phi, sw, sb))

    h = 1e-5
    for name in ("q_star", "c_star", "chi_1"):
        grad_w, grad_b = jax.grad(
            lambda sw, sb: getattr(solve(sw, sb), name), argnums=(0, 1)
        )(jnp.asarray(sigma_w), jnp.asarray(sigma_b))
        fd_w = (
            getattr(solve(sigma_w + h, sigma_b), name)
            - getattr(solve(sigma_w - h, sigma_b), name)
        ) / (2 * h)
        fd_b = (
            getattr(solve(sigma_w, sigma_b + h), name)
            - getattr(solve(sigma_w, sigma_b - h), name)
        ) / (2 * h)
        assert float(grad_w) == pytest.approx(float(fd_w), rel=1e-7, abs=1e-9), name
        assert float(grad_b) == pytest.approx(float(fd_b), rel=1e-7, abs=1e-9), name


@pytest.mark.parametrize(
    "phi, sigma_w",
    [(dmft.ReLU(), 1.5), (dmft.ReLU(), math.sqrt(2.0)), (dmft.Linear(), 1.2)],
)
def test_no_finite_fixed_point_is_a_status(phi, sigma_w):
    ens = _ens(phi, sigma_w, 0.3)
    point = deep.deep_fixed_point(ens, throw=False)
    assert point.result == dmft.RESULTS.no_finite_fixed_point
    assert dmft.result_name(point.result) == "no_finite_fixed_point"
    assert point.q_star == jnp.inf
    with pytest.raises(Exception, match="no finite fixed point"):
        deep.deep_fixed_point(ens)


def test_non_convergence_says_so():
    ens = _ens(dmft.Erf(), 2.5, 0.3)
    point = deep.deep_fixed_point(ens, deep.DeepSolver(max_steps=2), throw=False)
    assert point.result == dmft.RESULTS.max_steps_reached
    assert dmft.result_name(point.result) == "max_steps_reached"
    with pytest.raises(Exception, match="maximum number of solver steps"):
        deep.deep_fixed_point(ens, deep.DeepSolver(max_steps=2))


def test_bad_input():
    with pytest.raises(ValueError, match="sigma_w"):
        _ens(dmft.Tanh(), -1.0, 0.3)
    with pytest.raises(ValueError, match="sigma_w"):
        _ens(dmft.Tanh(), float("nan"), 0.3)
    with pytest.raises(ValueError, match="sigma_b"):
        _ens(dmft.Tanh(), 1.0, -0.3)
    with pytest.raises(ValueError, match="mean_w"):
        deep.deep_fixed_point(dmft.NetworkEnsemble(dmft.Tanh(), 1.0, 0.3, mean_w=0.5))
    with pytest.raises(ValueError, match="noise"):
        deep.deep_fixed_point(dmft.NetworkEnsemble(dmft.Tanh(), 1.0, 0.3, noise=0.5))
    with pytest.raises(ValueError, match="scalar"):
        deep.deep_fixed_point(_ens(dmft.Tanh(), jnp.array([1.0, 2.0]), 0.3))
    with pytest.raises(ValueError, match="max_steps"):
        deep.DeepSolver(max_steps=0)
    good = jnp.array([0.5, 1.0])
    for bad, match in [
        (jnp.array([]), "non-empty"),
        (jnp.array([1.0, 0.5]), "ascending"),
        (jnp.array([1.0, 1.0]), "ascending"),
        (jnp.array([-0.5, 1.0]), ">= 0"),
        (jnp.array([0.5, jnp.nan]), "finite"),
        (jnp.ones((2, 2)), "1-D"),
    ]:
        with pytest.raises(ValueError, match=match):
            deep.phase_diagram(dmft.Tanh(), bad, good)
        with pytest.raises(ValueError, match=match):
            deep.phase_diagram(dmft.Tanh(), good, bad)
    with pytest.raises(ValueError, match="sigma_b"):
        deep.critical_sigma_w(dmft.Tanh(), -0.1)


def test_phase_diagram_one_trace_and_consistent():
    sweep = eqx.filter_jit(
        eqx.debug.assert_max_traces(
            lambda sw, sb: deep.phase_diagram(dmft.Erf(), sw, sb), max_traces=1
        )
    )
    sigma_w = jnp.sqrt(jnp.linspace(0.5, 4.0, 7))
    sigma_b = jnp.sqrt(jnp.linspace(0.0, 0.5, 5))
    first = sweep(sigma_w, sigma_b)
    second = sweep(
        sigma_w * 1.01, sigma_b * 1.01
    )  # new values, same shapes: no retrace
    assert not jnp.allclose(first.fixed_point.q_star, second.fixed_point.q_star)
    # Each grid point equals the single-point solve, to the solves' 1e-12; xi_c =
    # -1/log chi_c to 1e-12 xi_c (d xi_c / xi_c = xi_c d chi_c / chi_c): at (i, j) =
    # (3, 4), by the critical line, xi_c = 232 and the two differ by 2.7e-11 relative
    # (each 1.5e-11 from mpmath), as the vmapped and scalar programs round differently.
    for i in (0, 3, 6):
        for j in (0, 4):
            one = deep.deep_fixed_point(_ens(dmft.Erf(), sigma_w[i], sigma_b[j]))
            for name in ("q_star", "c_star", "chi_1", "chi_c", "xi_c"):
                a = getattr(first.fixed_point, name)[i, j]
                b = float(getattr(one, name))
                rel = 1e-12 * (max(1.0, b) if name == "xi_c" else 1.0)
                assert a == pytest.approx(b, rel=rel)
    # Ordered exactly below the critical line.
    line = deep.critical_sigma_w(dmft.Erf(), sigma_b).sigma_w
    chaotic = first.fixed_point.chi_1 > 1
    assert jnp.array_equal(chaotic, sigma_w[:, None] > line[None, :])
    assert jnp.all(jnp.where(chaotic, first.fixed_point.c_star < 1, True))


def test_relu_phase_diagram_marks_unbounded_region():
    sigma_w = jnp.array([1.0, 1.3, 1.5, 2.0])
    diagram = deep.phase_diagram(dmft.ReLU(), sigma_w, jnp.array([0.0, 0.3]))
    result = diagram.fixed_point.result
    unbounded = result == dmft.RESULTS.no_finite_fixed_point
    assert jnp.array_equal(unbounded[:, 1], sigma_w**2 >= 2)
    assert jnp.all(jnp.isinf(jnp.where(unbounded, diagram.fixed_point.q_star, jnp.inf)))


def test_depth_profile_converges_to_fixed_point():
    ens = _ens(dmft.Erf(), 2.5, 0.3)
    point = deep.deep_fixed_point(ens)
    profile = deep.depth_profile(ens, 60, 1.0, 2.0, 0.5)
    # Lengths relax like V'(q*)^l (xi_q < 1 here) and correlations like chi_c^l
    # (xi_c ~ 6): after 60 layers both are at the fixed point to ~1e-5 and better.
    assert profile.q11[-1] == pytest.approx(float(point.q_star), rel=1e-12)
    assert profile.q22[-1] == pytest.approx(float(point.q_star), rel=1e-12)
    assert profile.c[-1] == pytest.approx(float(point.c_star), rel=1e-4)
    # One step is one application of the maps.
    q11, q22, q12 = deep.covariance_map(ens, 1.0, 2.0, 0.5)
    for ours, ref in zip((profile.q11, profile.q22, profile.q12), (q11, q22, q12)):
        assert ours[1] == pytest.approx(float(ref), rel=1e-14)  # jit vs eager rounding
    with pytest.raises(ValueError, match="q12"):
        deep.depth_profile(ens, 3, 1.0, 1.0, 1.5)
