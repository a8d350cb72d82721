"""Two-time DMFT: linear networks against their closed-form Gaussian solution, the
response, convergence reporting and bad input."""

import equinox as eqx
import jax.numpy as jnp
import numpy as np
import pytest
from linear_dmft import LinearTheory as _LinearTheory, riemann as _riemann

import dmft


def _solve_linear(theory, key, n_samples, t1=4.0, dt=0.1, **options):
    ensemble = dmft.NetworkEnsemble(
        phi=dmft.Linear(),
        sigma_w=theory.sw,
        sigma_b=theory.sb,
        mean_w=theory.w0,
        mean_b=theory.b0,
        noise=theory.noise,
    )
    ts = jnp.linspace(0.0, t1, round(t1 / dt) + 1)
    return dmft.solve_two_time(
        ensemble,
        ts,
        dmft.GaussianInitial(theory.m0, theory.q0),
        key=key,
        drive=lambda t: theory.amp * jnp.sin(t),
        options=dmft.TwoTimeOptions(
            n_samples=n_samples, **(dict(tol=1e-6, response_samples=0) | options)
        ),
    )


# The exponential trapezoidal step (dt = 0.1) interpolates the forcing linearly: a
# global relative error O(dt^2) ~ 1e-3 of O(1) quantities; 3e-3 covers it.
DISCRETISATION = 3e-3


def test_linear_noiseless_matches_bessel_closed_form(getkey):
    # Zero means, no bias, no noise: C(t, t') = q0 e^{-(t+t')} I0(2 sw sqrt(t t')).
    theory = _LinearTheory(0.6, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0)
    sol = _solve_linear(theory, getkey(), n_samples=4000, t1=5.0, response_samples=4)
    assert bool(sol.converged)
    ts = np.asarray(sol.ts)
    exact = theory.q0 * _riemann(ts[:, None], ts[None, :], theory.sw)
    # 5 standard errors of each entry (the self-consistent feedback of the sampling
    # error is small for this stable linear network; measured max |err|/stderr ~ 1.3
    # over the 2601 entries) plus the discretisation error.
    err = np.abs(np.asarray(sol.C) - exact)
    assert np.all(err <= 5 * np.asarray(sol.C_stderr) + DISCRETISATION)
    np.testing.assert_allclose(
        sol.q, np.diag(exact), atol=5 * float(sol.q_stderr.max())
    )

    # Response to a single neuron's input: e^{-(t - t')} on every path (no reaction
    # term for independent W_ij, W_ji), 1/2 on the diagonal, 0 before the input.
    lag = ts[:, None] - ts[None, :]
    # Column t' = t0 excluded: there the input is half a hat function, whose average of
    # e^{-(t - s)} differs from e^{-(t - t0)} at O(dt) (see TwoTimeSolution).
    lower = (lag > 0) & (ts[None, :] > ts[0])
    R = np.asarray(sol.response)
    np.testing.assert_allclose(R[lower], np.exp(-lag[lower]), atol=DISCRETISATION)
    # On the diagonal the hat's rising half, weighted by the exact decay:
    # (dt - 1 + e^{-dt}) / dt^2 = 1/2 - dt/6 + O(dt^2).
    dt = ts[1] - ts[0]
    np.testing.assert_allclose(
        np.diag(R)[1:-1], (dt + np.expm1(-dt)) / dt**2, rtol=1e-12
    )
    np.testing.assert_allclose(R[lag < 0], 0.0, atol=1e-12)
    # phi' = 1: R_phi = R, with zero sampling error (up to the ~1e-9 rounding of
    # forward-mode derivatives through 50 steps).
    np.testing.assert_allclose(sol.response_phi, R, atol=1e-12)
    np.testing.assert_allclose(sol.response_phi_stderr, 0.0, atol=1e-7)


def test_linear_full_gaussian_solution(getkey):
    # Mean coupling, mean and random bias, white noise and a sinusoidal drive at once.
    theory = _LinearTheory(
        sw=0.5, sb=0.3, noise=0.5, w0=0.3, b0=0.2, m0=0.5, q0=1.0, amp=0.5
    )
    sol = _solve_linear(theory, getkey(), n_samples=4000)
    assert bool(sol.converged)
    ts = np.asarray(sol.ts)
    np.testing.assert_array_less(
        np.abs(np.asarray(sol.m) - theory.m(ts)),
        5 * np.asarray(sol.m_stderr) + DISCRETISATION,
    )
    for t, s in [(0.5, 0.5), (1.0, 0.3), (2.0, 2.0), (4.0, 1.5), (4.0, 4.0)]:
        i, j = np.searchsorted(ts, [t - 1e-9, s - 1e-9])
        exact = theory.C(ts[i], ts[j])
        tol = 5 * float(sol.C_stderr[i, j]) + DISCRETISATION
        assert abs(float(sol.C[i, j]) - exact) <= tol, (t, s, float(sol.C[i, j]), exact)


def test_float32_paths(getkey):
    # The same closed form with the paths and their products in float32: float32
    # rounding (~1e-7 relative per product, ~1e-6 after the O(n) sums) is far below
    # the sampling error (~1e-2 at M = 4000), so the tolerance is the float64 one.
    theory = _LinearTheory(0.6, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0)
    key = getkey()
    # float32 products round C_phi at ~1e-7 relative, summed over M paths: tol 1e-5.
    sol = _solve_linear(theory, key, n_samples=4000, t1=5.0, tol=1e-5, dtype="float32")
    assert bool(sol.converged)
    assert sol.C.dtype == jnp.float64  # the solution stays in the grid's precision
    ts = np.asarray(sol.ts)
    exact = theory.q0 * _riemann(ts[:, None], ts[None, :], theory.sw)
    err = np.abs(np.asarray(sol.C) - exact)
    assert np.all(err <= 5 * np.asarray(sol.C_stderr) + DISCRETISATION)
    # Both precisions draw the same random numbers: with the same jitter (float32's
    # default 1e-5) and this contracting (stable, linear) iteration, the float32
    # solution is the float64 one up to rounding and the stopping tolerance: a step
    # below tol = 1e-5 leaves up to ~tol / (1 - rate) to the fixed point, rate ~ 0.9
    # per iteration: 1e-4 (measured 3e-5). Sharp: the jitter alone (1e-5 vs 1e-10)
    # moves C by 3.6e-4, the sampling error is 2e-2.
    ref = _solve_linear(theory, key, n_samples=4000, t1=5.0, jitter=1e-5)
    np.testing.assert_allclose(sol.C, ref.C, rtol=0, atol=1e-4)


def test_not_converged_says_so_and_sweeps_compile_once(getkey):
    ts = jnp.linspace(0.0, 10.0, 51)
    # Two iterations cannot reach tol = 1e-3 from the frozen initial guess at g > 1.
    options = dmft.TwoTimeOptions(n_samples=64, max_iterations=2, response_samples=0)
    ensemble = dmft.NetworkEnsemble(sigma_w=2.0)
    with pytest.raises(RuntimeError, match="did not converge"):
        dmft.solve_two_time(ensemble, ts, key=getkey(), options=options)

    # Physical parameters are traced, not static: a sweep compiles once.
    @eqx.filter_jit
    @eqx.debug.assert_max_traces(max_traces=1)
    def solve(ensemble, initial, key):
        return dmft.solve_two_time(
            ensemble, ts, initial, key=key, options=options, throw=False
        )

    for g, q0 in [(1.5, 1.0), (2.0, 0.3), (2.5, 2.0)]:
        initial = dmft.GaussianInitial(0.0, q0)
        sol = solve(dmft.NetworkEnsemble(sigma_w=g), initial, getkey())
        assert not bool(sol.converged)
        assert sol.result == dmft.RESULTS.max_iterations_reached
        assert int(sol.iterations) == 2
        # The first window fails; the later windows are not run.
        history = np.asarray(sol.history)
        assert np.all(history[0] > 1e-3)
        assert np.all(history[1:] == 0)


def test_marching_windows_reach_the_plain_picard_fixed_point(getkey):
    # Causality makes the fixed point of the windowed iteration that of plain Picard
    # iteration over the whole grid (window >= n - 1), for the same random numbers
    # (the marching stage alone: passes=0).
    # With tol = 1e-9 both stop within ~1e-8 of it; 1e-6 leaves room for the
    # amplification of that residual through the self-consistency at g = 2.
    ts = jnp.linspace(0.0, 10.0, 101)
    ensemble = dmft.NetworkEnsemble(sigma_w=2.0, sigma_b=0.3, mean_w=0.5, noise=0.3)
    initial = dmft.GaussianInitial(0.2, 0.5)
    key = getkey()
    sols = [
        dmft.solve_two_time(
            ensemble,
            ts,
            initial,
            key=key,
            options=dmft.TwoTimeOptions(
                n_samples=200,
                tol=1e-9,
                window=window,
                response_samples=4,
                passes=0,
            ),
        )
        for window in (7, 100)
    ]
    windowed, picard = sols
    assert windowed.history.shape == (15, 100)  # ceil(100 / 7) windows
    assert picard.history.shape == (1, 100)
    for name in ("m", "C", "C_phi", "response_phi"):
        np.testing.assert_allclose(
            getattr(windowed, name), getattr(picard, name), rtol=0, atol=1e-6
        )


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(n_samples=0), "n_samples"),
        (dict(n_samples=-3), "n_samples"),
        (dict(n_samples=2.5), "n_samples"),
        (dict(n_samples=1), "n_samples"),
        (dict(passes=5, burn_in=4), "passes"),
        (dict(passes=-1), "passes"),
        (dict(burn_in=-1), "burn_in"),
        (dict(max_memory=0.0), "max_memory"),
        (dict(damping=0.0), "damping"),
        (dict(damping=1.5), "damping"),
        (dict(damping=float("nan")), "damping"),
        (dict(tol=0.0), "tol"),
        (dict(max_iterations=0), "max_iterations"),
        (dict(window=0), "window"),
        (dict(window=2.5), "window"),
        (dict(jitter=-1.0), "jitter"),
        (dict(n_samples=10, response_samples=11), "response_samples"),
        (dict(dtype="float16"), "dtype"),
        (dict(dtype="int32"), "dtype"),
        (dict(dtype="double precision"), "dtype"),
    ],
)
def test_bad_options(kwargs, match):
    with pytest.raises(ValueError, match=match):
        dmft.TwoTimeOptions(**kwargs)


@pytest.mark.parametrize(
    "ts, match",
    [
        ([0.0, 1.0, 1.0, 2.0], "increasing"),
        ([0.0, 2.0, 1.0], "increasing"),
        ([0.0], ">= 2 times"),
        ([[0.0, 1.0], [2.0, 3.0]], "1-D"),
        ([0.0, float("nan"), 1.0], "finite"),
    ],
)
def test_bad_grid(ts, match, getkey):
    with pytest.raises(ValueError, match=match):
        dmft.solve_two_time(dmft.NetworkEnsemble(), ts, key=getkey())


def test_bad_initial_and_drive(getkey):
    with pytest.raises(ValueError, match="variance"):
        dmft.GaussianInitial(0.0, -1.0)
    with pytest.raises(ValueError, match="drive"):
        dmft.solve_two_time(
            dmft.NetworkEnsemble(),
            jnp.linspace(0, 1, 5),
            key=getkey(),
            drive=jnp.ones(4),
        )


def test_no_defaults_built_at_import():
    # Issue 16: defaults built when `dmft` was imported kept that precision (float32
    # when x64 was enabled after the import). They are built at call time now.
    import inspect

    parameters = inspect.signature(dmft.solve_two_time).parameters
    assert parameters["initial"].default is None
    assert parameters["options"].default is None


def test_memory_estimate_refuses_before_work(getkey):
    # Issue 18: grids x samples beyond `max_memory` aborted XLA; now a ValueError
    # naming the limit, raised before anything is compiled or allocated.
    options = dmft.TwoTimeOptions(n_samples=2000)
    assert options.memory_bytes(501) < 2**30
    with pytest.raises(ValueError, match="max_memory"):
        options.check_memory(10**9)
    with pytest.raises(ValueError, match="max_memory"):
        dmft.solve_two_time(
            dmft.NetworkEnsemble(),
            jnp.linspace(0.0, 1.0, 11),
            key=getkey(),
            options=dmft.TwoTimeOptions(n_samples=100, max_memory=1e3),
        )
