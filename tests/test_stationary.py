"""The stationary DMFT solver against independent routes: mpmath, NumPy Gauss-Hermite
double integrals, closed forms (linear phi), scipy quadrature of the energy integral,
finite differences for implicit derivatives.

Compilation dominates (minutes on two shared cores): every check here reuses ONE
vmapped solve of a few tanh ensembles (module fixture), and everything that compiles a
solver is marked slow; only input validation runs by default."""

import equinox as eqx
import jax
import jax.numpy as jnp
import mpmath
import numpy as np
import pytest
from scipy.integrate import quad

import dmft
from dmft.meanfield import potential


# (g, sigma_b, sigma): chaotic SCS point, chaotic + bias + noise, static, noise-driven.
POINTS = [(2.0, 0.0, 0.0), (2.0, 0.3, 0.5), (0.8, 0.3, 0.0), (0.5, 0.3, 0.5)]

_Z, _W = np.polynomial.hermite_e.hermegauss(160)
_W = _W / np.sqrt(2 * np.pi)


def _ensembles(points):
    g, sb, s = (jnp.array(v) for v in zip(*points))
    zero = jnp.zeros_like(g)
    return dmft.NetworkEnsemble(
        sigma_w=g, sigma_b=sb, noise=s, mean_w=zero, mean_b=zero
    )


@eqx.filter_jit
@eqx.debug.assert_max_traces(max_traces=1)
def _sweep(ensembles):
    return eqx.filter_vmap(lambda e: dmft.solve_stationary(e, throw=False))(ensembles)


@pytest.fixture(scope="module")
def solved():
    ens = _ensembles(POINTS)
    return ens, _sweep(ens)


@pytest.mark.slow
def test_sweep_compiles_once(solved):
    # A second sweep with other parameter values reuses the compiled program
    # (assert_max_traces raises on a retrace) and gives other answers.
    _, first = solved
    moved = _sweep(_ensembles([(g * 1.1, sb, s) for g, sb, s in POINTS]))
    assert bool(jnp.all(moved.delta0 != first.delta0))


def _pair(f1, f2, d0, d):
    """E[f1(u1) f2(u2)], Var u = d0, Cov = d: NumPy 160x160 Gauss-Hermite."""
    c = d / d0
    u1 = np.sqrt(d0) * _Z[:, None]
    u2 = np.sqrt(d0) * (c * _Z[:, None] + np.sqrt(1 - c**2) * _Z[None, :])
    return float(np.sum(_W[:, None] * _W[None, :] * f1(u1) * f2(u2)))


def _logcosh(x):
    return np.logaddexp(x, -x) - np.log(2)


@pytest.mark.slow
def test_scs_value_against_mpmath(solved):
    # No bias, no noise: Delta0^2 / 2 = g^2 (E[Phi^2] - E[Phi]^2), Phi = log cosh, over
    # N(0, Delta0), solved with mpmath at 30 digits. The solver's tolerance is 1e-12;
    # 1e-10 leaves room for the quadrature (~1e-14 relative).
    mpmath.mp.dps = 30
    g = 2

    def gauss(f, d0):
        return mpmath.quad(
            lambda z: f(mpmath.sqrt(d0) * z) * mpmath.npdf(z),
            [-mpmath.inf, 0, mpmath.inf],
        )

    def eq(d0):
        phi_ = lambda x: mpmath.log(mpmath.cosh(x))  # noqa: E731
        mean = gauss(phi_, d0)
        return d0**2 / 2 - g**2 * (gauss(lambda x: phi_(x) ** 2, d0) - mean**2)

    exact = float(mpmath.findroot(eq, 1.9))
    _, sol = solved
    assert abs(exact - 1.925) < 5e-4  # the value quoted by THEORY.md / the issue
    assert sol.delta0[0] == pytest.approx(exact, rel=1e-10, abs=0)
    assert abs(sol.delta_inf[0]) < 1e-12
    assert bool((sol.regime == dmft.REGIMES.chaotic)[0])


@pytest.mark.slow
def test_bias_noise_equations_against_numpy(solved):
    # The two self-consistency conditions, re-evaluated with an independent NumPy
    # double Gauss-Hermite rule (error ~1e-12 at Delta0 ~ 2): residuals < 1e-9.
    ens, sol = solved
    for k, (g, sb, s) in enumerate(POINTS):
        if bool((sol.regime == dmft.REGIMES.static)[k]):
            continue
        d0, dinf = float(sol.delta0[k]), float(sol.delta_inf[k])
        c_inf = _pair(np.tanh, np.tanh, d0, dinf)
        assert dinf == pytest.approx(g**2 * c_inf + sb**2, abs=1e-9)

        def v(d):
            return -(d**2) / 2 + sb**2 * d + g**2 * _pair(_logcosh, _logcosh, d0, d)

        assert s**4 / 8 + v(d0) == pytest.approx(v(dinf), abs=1e-9)


@pytest.mark.slow
def test_static_solution_is_the_length_map(solved):
    # g = 0.8, sigma_b = 0.3: q* by plain fixed-point iteration of the length map (a
    # contraction here) with NumPy Gauss-Hermite; chi_1 < 1, so the solution is static
    # and lambda = -1 + sqrt(chi_1) (the bulk edge of the Jacobian).
    ens, sol = solved
    g, sb = 0.8, 0.3
    q = 1.0
    for _ in range(200):
        q = g**2 * np.sum(_W * np.tanh(np.sqrt(q) * _Z) ** 2) + sb**2
    chi1 = g**2 * np.sum(_W * (1 - np.tanh(np.sqrt(q) * _Z) ** 2) ** 2)
    assert bool((sol.regime == dmft.REGIMES.static)[2])
    assert sol.delta0[2] == pytest.approx(q, rel=1e-12)
    assert sol.delta_inf[2] == pytest.approx(q, rel=1e-12)
    assert sol.chi_1[2] == pytest.approx(chi1, rel=1e-12)
    assert sol.lyapunov[2] == pytest.approx(-1 + np.sqrt(chi1), rel=1e-12)


@pytest.mark.slow
def test_regimes_and_results(solved):
    _, sol = solved
    expected = [
        dmft.REGIMES.chaotic,
        dmft.REGIMES.chaotic,
        dmft.REGIMES.static,
        dmft.REGIMES.noise_driven,
    ]
    assert [bool((sol.regime == r)[k]) for k, r in enumerate(expected)] == [True] * 4
    assert bool(jnp.all(sol.result == dmft.RESULTS.successful))
    # chaos: q* (static) is unstable, chi_1 > 1, and the chaotic Delta0 lies below q*.
    assert float(sol.chi_1[0]) > 1 and float(sol.delta0[0]) < float(sol.q_star[0])
    assert float(sol.lyapunov[0]) > 0 and float(sol.lyapunov[3]) < 0


@pytest.mark.slow
def test_linear_ou_closed_form():
    # Linear phi, g < 1, noise: (1 - d^2) Delta = g^2 Delta + sb^2 + sigma^2 delta(tau)
    # gives Delta = sb^2/(1-g^2) + sigma^2/(2k) exp(-k tau), k = sqrt(1 - g^2), and
    # W = 1 - g^2 (no bound state): lambda = -1 + g. Tolerances: root solve 1e-12,
    # ODE rtol 1e-10.
    g, sb, s = 0.6, 0.3, 0.5
    ens = dmft.NetworkEnsemble(dmft.Linear(), sigma_w=g, sigma_b=sb, noise=s)
    sol = dmft.solve_stationary(ens)
    k = np.sqrt(1 - g**2)
    taus = np.array([0.0, 0.5, 2.0, 7.0])
    exact = sb**2 / (1 - g**2) + s**2 / (2 * k) * np.exp(-k * taus)
    assert sol.delta0 == pytest.approx(exact[0], rel=1e-10)
    assert sol.delta_inf == pytest.approx(sb**2 / (1 - g**2), rel=1e-10)
    delta = dmft.stationary_autocorrelation(ens, sol, taus)
    np.testing.assert_allclose(delta, exact, rtol=1e-8)
    # The Lyapunov grid resolves the continuum edge to O(1/L^2).
    assert sol.lyapunov == pytest.approx(-1 + g, abs=1e-4)
    assert sol.regime == dmft.REGIMES.noise_driven
    assert dmft.REGIMES[sol.regime] == "noise-driven"


@pytest.mark.slow
def test_energy_conservation_and_energy_integral(solved):
    # Along Delta(tau): Delta'^2/2 + V(Delta) = V(Delta0) + sigma^4/8, with Delta' by a
    # 5-point stencil (h = 1e-3: truncation ~h^4 Delta^(5) ~ 1e-12, rounding ~1e-13):
    # conserved to 1e-8. Then the energy-integral route,
    # tau(Delta) = int_Delta^Delta0 ds / sqrt(2 (E - V(s))) by scipy quad (substitution
    # s = Delta0 - t^2 removes the endpoint singularity), agrees with the ODE to 1e-8.
    ens_all, sol_all = solved
    for k in (0, 1):
        ens = jax.tree.map(lambda x: x[k], ens_all)
        sol = jax.tree.map(lambda x: x[k], sol_all)
        taus = np.array([0.5, 1.0, 3.0, 6.0])
        h = 1e-3
        stencil = np.concatenate([taus + j * h for j in (-2, -1, 0, 1, 2)])
        d = np.asarray(dmft.stationary_autocorrelation(ens, sol, stencil)).reshape(
            5, -1
        )
        velocity = (d[0] - 8 * d[1] + 8 * d[3] - d[4]) / (12 * h)
        v = jax.jit(lambda x: potential(ens, x, sol.delta0))
        energy = 0.5 * velocity**2 + np.asarray(v(d[2]))
        target = float(v(sol.delta0)) + float(ens.noise) ** 4 / 8
        np.testing.assert_allclose(energy, target, atol=1e-8, rtol=0)

        d0, e = float(sol.delta0), float(v(sol.delta_inf))
        for tau, value in zip(taus, d[2]):

            def integrand(t):
                kinetic = 2 * (e - float(v(d0 - t * t)))
                return 2 * t / np.sqrt(max(kinetic, 1e-300))

            t_of_delta, _ = quad(integrand, 0, np.sqrt(d0 - value), epsabs=1e-12)
            assert t_of_delta == pytest.approx(tau, abs=1e-8)


@pytest.mark.slow
def test_implicit_derivatives_match_finite_differences():
    # d(Delta0, Delta_inf, q*) / d(g, sigma_b, sigma) by implicit differentiation (one
    # fixed-slope Newton step at each root) vs central differences with eps = 1e-5
    # (error ~eps^2 f''' ~ 1e-10, rounding ~1e-12/eps ~ 1e-7 relative to the solver
    # tolerance 1e-12): agree to 1e-6 relative plus 1e-7.
    def variances(p):
        g, sigma_b, noise = p
        ens = dmft.NetworkEnsemble(sigma_w=g, sigma_b=sigma_b, noise=noise)
        sol = dmft.solve_stationary(ens, grid=None)
        return jnp.stack([sol.delta0, sol.delta_inf, sol.q_star])

    p = jnp.array([2.0, 0.3, 0.5])
    jacobian = np.asarray(jax.jacrev(variances)(p))
    eps = 1e-5
    for i in range(3):
        step = jnp.zeros(3).at[i].set(eps)
        fd = np.asarray(variances(p + step) - variances(p - step)) / (2 * eps)
        np.testing.assert_allclose(jacobian[:, i], fd, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(sigma_w=0.0), "sigma_w"),
        (dict(sigma_w=float("nan")), "sigma_w"),
        (dict(sigma_w=2.0, sigma_b=-0.3), "sigma_b"),
        (dict(sigma_w=2.0, noise=-0.5), "noise"),
        (dict(sigma_w=2.0, mean_w=0.5), "mean_w"),
    ],
)
def test_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        dmft.solve_stationary(dmft.NetworkEnsemble(**kwargs))


@pytest.mark.slow
def test_bad_tau_and_nonconvergence(solved):
    ens, sol = solved
    ens0 = jax.tree.map(lambda x: x[0], ens)
    sol0 = jax.tree.map(lambda x: x[0], sol)
    with pytest.raises(ValueError, match="lags"):
        dmft.stationary_autocorrelation(ens0, sol0, [1.0, -1.0])
    # Two iterations cannot converge: a status without throw, an error with it.
    options = dmft.StationaryOptions(max_steps=2)
    bad = dmft.solve_stationary(ens0, options, grid=None, throw=False)
    assert bad.result != dmft.RESULTS.successful
    with pytest.raises(
        eqx.EquinoxRuntimeError, match="maximum number of steps|bracket"
    ):
        dmft.solve_stationary(ens0, options, grid=None)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        # Regression: rtol = atol = 10 stopped the search at its first point and
        # returned Delta0 = 10.43 (g = 2, sb = 0.3, sigma = 0.5; true 2.1407) with the
        # root solves reporting success on commit 54b9162 (only the Lyapunov
        # integration at that wrong Delta0 then failed).
        (dict(rtol=10.0, atol=10.0), "rtol"),
        (dict(rtol=1e-5), "rtol"),
        (dict(atol=0.0), "atol"),
        (dict(rtol=float("nan")), "rtol"),
        (dict(max_steps=0), "max_steps"),
    ],
)
def test_bad_options(kwargs, match):
    with pytest.raises(ValueError, match=match):
        dmft.StationaryOptions(**kwargs)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        # Regression: both were accepted on commit 54b9162 (max_steps = 0 then failed
        # with an IndexError inside the solve).
        (dict(rtol=-1.0), "rtol"),
        (dict(max_steps=0), "max_steps"),
        (dict(atol=1.0), "atol"),
    ],
)
def test_bad_autocorrelation_options(kwargs, match):
    with pytest.raises(ValueError, match=match):
        dmft.AutocorrelationOptions(**kwargs)


def test_bad_grid_and_transition_options():
    with pytest.raises(ValueError, match="n"):
        dmft.LyapunovGrid(n=4)
    with pytest.raises(ValueError, match="length"):
        dmft.LyapunovGrid(length=0.0)
    with pytest.raises(ValueError, match="max_doublings"):
        dmft.TransitionOptions(max_doublings=-1)
    with pytest.raises(ValueError, match="rtol"):
        dmft.TransitionOptions(rtol=0.5)
    ens = dmft.NetworkEnsemble(sigma_w=2.0)
    with pytest.raises(ValueError, match="count"):
        dmft.meanfield.schrodinger_eigenvalues(ens, 1.9, 0.0, count=0)


def test_potential_functions_against_numpy():
    # C, V and W of the particle picture at a few (Delta, Delta0), against the
    # module's NumPy 160 x 160 Gauss-Hermite double integral (error ~1e-13 at
    # Delta0 ~ 2): C = E[tanh tanh], V = -Delta^2/2 + sb^2 Delta + g^2 E[Phi Phi]
    # (Phi = log cosh), W = 1 - g^2 E[sech^2 sech^2]; tolerance 1e-11.
    g, sb, d0 = 2.0, 0.3, 1.9
    ens = dmft.NetworkEnsemble(sigma_w=g, sigma_b=sb)
    deltas = np.array([0.0, 0.5, 1.2, 1.9])

    def sech2(x):
        return 1 - np.tanh(x) ** 2

    c = [_pair(np.tanh, np.tanh, d0, d) for d in deltas]
    v = [
        -(d**2) / 2 + sb**2 * d + g**2 * _pair(_logcosh, _logcosh, d0, d)
        for d in deltas
    ]
    w = [1 - g**2 * _pair(sech2, sech2, d0, d) for d in deltas]
    mf = dmft.meanfield
    np.testing.assert_allclose(mf.correlation_function(ens, deltas, d0), c, atol=1e-11)
    np.testing.assert_allclose(mf.potential(ens, deltas, d0), v, atol=1e-11)
    np.testing.assert_allclose(mf.schrodinger_potential(ens, deltas, d0), w, atol=1e-11)


def test_custom_nonlinearity_equals_builtin():
    # `dmft.Custom(jnp.tanh)` holds a Python function (not a JAX type): the solver's
    # stop_gradient once raised TypeError on it. Second route: the built-in Tanh.
    # Both use the same quadrature rule, so they agree to rounding (1e-10 leaves room
    # for the autodiff derivative against Tanh's closed-form one).
    custom = dmft.NetworkEnsemble(dmft.Custom(jnp.tanh), sigma_w=2.0, sigma_b=0.3)
    builtin = dmft.NetworkEnsemble(dmft.Tanh(), sigma_w=2.0, sigma_b=0.3)
    a = dmft.solve_stationary(custom, grid=None)
    b = dmft.solve_stationary(builtin, grid=None)
    assert a.result == dmft.RESULTS.successful
    assert jnp.allclose(a.delta0, b.delta0, rtol=1e-10, atol=0)
    assert jnp.allclose(a.delta_inf, b.delta_inf, rtol=1e-10, atol=0)
