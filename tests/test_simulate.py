"""simulate / iterate: exact solutions, an independent ODE solver, OU statistics,
noise keys in batches, sharding, step budget, bad input."""

import math
import os
import subprocess
import sys
import textwrap

import diffrax
import equinox as eqx
import jax
import jax.numpy as jnp
import jax.random as jr
import numpy as np
import pytest
import scipy.integrate
import scipy.linalg

import dmft


TIGHT = dmft.ContinuousTime(
    stepsize_controller=diffrax.PIDController(rtol=1e-11, atol=1e-12)
)


def test_linear_network_matches_matrix_exponential(getkey):
    # phi(h) = h: dh/dt = (W - 1) h + b, so
    # h(t) = e^{At} h0 + A^{-1}(e^{At} - 1) b with A = W - 1.
    n = 30
    W = 0.8 * jr.normal(getkey(), (n, n)) / math.sqrt(n)
    b = jr.normal(getkey(), (n,))
    h0 = jr.normal(getkey(), (n,))
    net = dmft.RateNetwork(W, b, dmft.Linear())
    ts = jnp.array([0.5, 2.0, 7.0])
    sol = dmft.simulate(net, h0, 0.0, 7.0, saveat=diffrax.SaveAt(ts=ts), dynamics=TIGHT)
    A = np.asarray(W) - np.eye(n)
    for t, y in zip(np.asarray(ts), np.asarray(sol.ys)):
        E = scipy.linalg.expm(A * t)
        exact = E @ h0 + np.linalg.solve(A, (E - np.eye(n)) @ b)
        # Tsit5 at rtol 1e-11 / atol 1e-12: global error ~1e-10 on O(1) states;
        # 1e-8 leaves margin for error accumulation over ~100 steps.
        np.testing.assert_allclose(y, exact, rtol=0, atol=1e-8)


def test_tanh_matches_scipy_solve_ivp(getkey):
    # The same W, b, h0 (tanh, g = 2, N = 200: chaotic) integrated by scipy's DOP853
    # at rtol = atol = 1e-12. Differences grow like e^{lambda t} with lambda ~ 0.1-0.2,
    # so errors of ~1e-10 at the tolerances become at most ~1e-8 by t = 20: 1e-7.
    n = 200
    ens = dmft.NetworkEnsemble(sigma_w=2.0, sigma_b=0.3)
    net = dmft.RateNetwork.sample(ens, getkey(), n)
    h0 = dmft.random_state(getkey(), net)
    ts = np.array([1.0, 5.0, 10.0, 20.0])
    sol = dmft.simulate(
        net, h0, 0.0, 20.0, saveat=diffrax.SaveAt(ts=jnp.asarray(ts)), dynamics=TIGHT
    )
    W, b = np.asarray(net.W), np.asarray(net.b)
    ref = scipy.integrate.solve_ivp(
        lambda t, h: -h + W @ np.tanh(h) + b,
        (0.0, 20.0),
        np.asarray(h0),
        method="DOP853",
        t_eval=ts,
        rtol=1e-12,
        atol=1e-12,
    )
    np.testing.assert_allclose(np.asarray(sol.ys), ref.y.T, rtol=0, atol=1e-7)


def test_float32_trajectory_accuracy(getkey):
    # A float32 network stays float32 (state and outputs), and with its default
    # tolerances (rtol 1e-4, atol 1e-6) agrees with the float64 reference of the
    # same W, b, h0 (scipy DOP853 at 1e-12) up to t = 20. Measured max errors at
    # t = 20: 4e-5 to 8e-4 over 3 networks of N = 200, 2e-4 at N = 1000 (2.4e-5 at
    # rtol 1e-5, float32's floor: eps 1.2e-7 times |h| ~ 5, accumulated and
    # amplified by e^{lambda t}, lambda ~ 0.1). Tolerance 5e-3: 6x the worst seen.
    n = 200
    ens = dmft.NetworkEnsemble(sigma_w=2.0, sigma_b=0.3)
    net = dmft.RateNetwork.sample(ens, getkey(), n, dtype=jnp.float32)
    h0 = dmft.random_state(getkey(), net, (2,))
    ts = np.array([1.0, 5.0, 10.0, 20.0])
    saveat = diffrax.SaveAt(ts=jnp.asarray(ts, jnp.float32))
    sol = dmft.simulate(net, h0, 0.0, 20.0, saveat=saveat)
    assert sol.ys.dtype == jnp.float32 and sol.ys.shape == (4, 2, n)
    W, b = (np.asarray(x, np.float64) for x in (net.W, net.b))
    for i, h in enumerate(np.asarray(h0, np.float64)):
        ref = scipy.integrate.solve_ivp(
            lambda t, h: -h + W @ np.tanh(h) + b,
            (0.0, 20.0),
            h,
            method="DOP853",
            t_eval=ts,
            rtol=1e-12,
            atol=1e-12,
        )
        np.testing.assert_allclose(sol.ys[:, i], ref.y.T, rtol=0, atol=5e-3)


def _ou_tolerance(n, window):
    # Standard error of the estimator of Delta(tau) for n independent OU processes of
    # variance v = 1/2, correlation time 1, over a window T:
    # Var ~ (1/(T n)) int (c(s)^2 + c(s+tau) c(s-tau)) ds <= 2 v^2 / (T n).
    return 4 * 0.5 * math.sqrt(2 / (window * n))


def _ou_statistics(n, window, dt, max_lag, dynamics, key):
    # n independent OU processes dh = -h dt + dB (W = 0, noise 1) after a burn-in of 10.
    net = dmft.RateNetwork(jnp.zeros((n, n)), noise=1.0)
    sampling = dmft.Sampling(dt=dt, max_lag=max_lag)
    return dmft.stationary_statistics(
        net, key, 10.0, 10.0 + window, sampling=sampling, dynamics=dynamics
    )


@pytest.mark.parametrize("dt0", [0.05, pytest.param(0.1, marks=pytest.mark.slow)])
def test_ou_stationary_variance_and_autocorrelation(dt0, getkey):
    # W = 0, b = 0, noise sigma: independent Ornstein-Uhlenbeck processes with
    # Delta(tau) = sigma^2/2 e^{-|tau|}, whatever the step (a noise scaled by dt
    # instead of sqrt(dt) would change the variance by the factor 2 between these
    # steps). ShARK's own stationary-variance bias is O(dt^2): measured -1.7% at
    # dt = 0.25, so <= 0.3% (0.0015) here, below the tolerance of 4 standard errors
    # (0.008, above).
    n, window = 400, 300.0
    stats = _ou_statistics(n, window, 0.5, 4.0, dmft.ContinuousTime(dt0=dt0), getkey())
    exact = 0.5 * np.exp(-np.asarray(stats.lags))
    np.testing.assert_allclose(
        stats.delta, exact, rtol=0, atol=_ou_tolerance(n, window)
    )
    assert abs(float(stats.delta_inf)) < _ou_tolerance(n, window)
    np.testing.assert_allclose(stats.var, 0.5, atol=_ou_tolerance(n, window))


@pytest.mark.parametrize("dt0", [0.5, pytest.param(0.1, marks=pytest.mark.slow)])
def test_euler_maruyama_ou_variance(dt0, getkey):
    # Euler-Maruyama on dh = -h dt + dB has the exact stationary variance 1/(2 - dt)
    # (from v = (1 - dt)^2 v + dt): a second, step-dependent closed form that checks
    # the sqrt(dt) noise scaling. Tolerance: 4 standard errors as above.
    n, window = 400, 300.0
    dynamics = dmft.ContinuousTime(solver=diffrax.Euler(), dt0=dt0)
    stats = _ou_statistics(n, window, 1.0, 3.0, dynamics, getkey())
    v = 1 / (2 - dt0)
    assert abs(float(stats.delta0) - v) < 4 * v * math.sqrt(2 / (window * n))


def test_discrete_ou_matches_euler_maruyama(getkey):
    # The noisy map with step delta is Euler-Maruyama: same variance 1/(2 - delta).
    n, window, d = 200, 600.0, 0.25
    net = dmft.RateNetwork(jnp.zeros((n, n)), noise=1.0)
    stats = dmft.stationary_statistics(
        net,
        getkey(),
        10.0,
        10.0 + window,
        sampling=dmft.Sampling(dt=1.0, max_lag=3.0),
        dynamics=dmft.DiscreteTime(d),
    )
    v = 1 / (2 - d)
    assert abs(float(stats.delta0) - v) < 4 * v * math.sqrt(2 / (window * n))


def test_same_key_same_numbers_and_independent_batch_members(getkey):
    n = 100
    net = dmft.RateNetwork(jnp.zeros((n, n)), noise=1.0)
    h0 = jnp.zeros(n)
    key = getkey()

    def run(k):
        return dmft.simulate(net, h0, 0.0, 5.0, key=k).ys[0]

    np.testing.assert_array_equal(run(key), run(key))
    # One key per member of a vmapped SDE batch: every member its own Brownian
    # motion. Paths of independent OU processes are uncorrelated: |r| < 5/sqrt(n).
    ys = jax.vmap(run)(jr.split(key, 4))
    r = np.corrcoef(np.asarray(ys))
    assert np.all(np.abs(r[np.triu_indices(4, 1)]) < 5 / math.sqrt(n))
    # A (batch, n) initial state on one W: rows get independent noise too.
    rows = dmft.simulate(net, jnp.zeros((4, n)), 0.0, 5.0, key=key).ys[0]
    r = np.corrcoef(np.asarray(rows))
    assert np.all(np.abs(r[np.triu_indices(4, 1)]) < 5 / math.sqrt(n))


@pytest.mark.slow
def test_batched_initial_conditions_equal_separate_runs(getkey):
    net = dmft.RateNetwork.sample(dmft.NetworkEnsemble(sigma_w=1.5), getkey(), 40)
    h0 = jr.normal(getkey(), (3, 40))
    batch = jax.vmap(lambda h: dmft.simulate(net, h, 0.0, 3.0, dynamics=TIGHT).ys[0])
    single = [dmft.simulate(net, h, 0.0, 3.0, dynamics=TIGHT).ys[0] for h in h0]
    # Separate adaptive solves at rtol 1e-11: agreement to ~1e-10.
    np.testing.assert_allclose(batch(h0), np.stack(single), rtol=0, atol=1e-9)


def test_chunked_statistics_equal_stored_trajectory(getkey):
    # The chunked FFT estimator (chunks of 137 samples, not a divisor of the window)
    # against a brute-force double sum over a stored trajectory of the same run.
    n = 20
    ens = dmft.NetworkEnsemble(sigma_w=2.0, sigma_b=0.5)
    net = dmft.RateNetwork.sample(ens, getkey(), n)
    h0 = dmft.random_state(getkey(), net)
    sampling = dmft.Sampling(dt=0.1, max_lag=3.0, chunk=137)
    stats = dmft.stationary_statistics(
        net, getkey(), 0.0, 60.0, sampling=sampling, h0=h0, dynamics=TIGHT
    )
    ts = 0.1 * jnp.arange(1, 601, dtype=float)
    ys = np.asarray(
        dmft.simulate(
            net, h0, 0.0, 60.0, saveat=diffrax.SaveAt(ts=ts), dynamics=TIGHT
        ).ys
    )
    dh = ys - ys.mean(axis=1, keepdims=True)
    brute = [
        np.sum(dh[k:] * dh[: len(dh) - k]) / ((len(dh) - k) * (n - 1))
        for k in range(31)
    ]
    # Restarting the adaptive solver at chunk boundaries changes h by ~rtol: 1e-8.
    np.testing.assert_allclose(stats.delta, brute, rtol=0, atol=1e-8)
    np.testing.assert_allclose(stats.ts, ts, atol=1e-12)
    np.testing.assert_allclose(stats.m, ys.mean(axis=1), atol=1e-8)
    np.testing.assert_allclose(stats.q, ys.var(axis=1, ddof=1), atol=1e-8)
    # The stored-trajectory route of the library agrees with the chunked one.
    stored = dmft.trajectory_statistics(ys, 0.1, 3.0)
    np.testing.assert_allclose(stored.delta, stats.delta, atol=1e-8)
    np.testing.assert_allclose(stored.delta_inf, stats.delta_inf, atol=1e-8)


@pytest.mark.slow
def test_static_part_of_a_frozen_network(getkey):
    # With W = 0 and quenched biases b_i ~ N(0, sb^2) plus noise, h_i = b_i + OU:
    # Delta(tau) = sb^2 + sigma^2/2 e^{-tau}, Delta_inf = sb^2 (sampled across the
    # n biases: its sample variance has relative error sqrt(2/n)). The window-mean
    # correction must remove the OU contribution 2*(1/2)/T to E[hbar^2].
    n, window = 400, 200.0
    b = jr.normal(getkey(), (n,))
    net = dmft.RateNetwork(jnp.zeros((n, n)), b, noise=1.0)
    stats = dmft.stationary_statistics(
        net, getkey(), 10.0, 10.0 + window, sampling=dmft.Sampling(dt=0.5, max_lag=8.0)
    )
    sb2 = float(np.var(np.asarray(b), ddof=1))  # the realised static part
    # Error of Delta_inf: each neuron's time mean has variance ~1/T = 0.005 around
    # b_i; averaged over n neurons (and scaled by the correction), 4 standard errors
    # of ~sqrt(2 * 0.005^2 + 4 sb2 0.005 / n) ~ 0.004 -> 0.02.
    assert abs(float(stats.delta_inf) - sb2) < 0.02
    # Without the correction E[hbar^2] is biased up by ~2 * 0.5 / T = 0.005: the
    # corrected value is closer to sb2 on average; here just check Delta_0.
    assert abs(float(stats.delta0) - (sb2 + 0.5)) < 0.05


def test_discrete_deep_network_length_map(getkey):
    # delta = 1, tanh, no bias: the tied-weight deep network. Its stationary q equals
    # the deep length map's fixed point q* = sw^2 E[tanh(sqrt(q*) z)^2], computed here
    # by 201-point Gauss-Hermite and fixed-point iteration (independent of dmft).
    # Finite N = 1000 and the time fluctuation of q (std ~0.1, correlation ~ a few
    # steps, over 400 steps) give ~1% error: tolerance 3%.
    z, w = np.polynomial.hermite_e.hermegauss(201)
    w = w / w.sum()
    sw, q = 2.0, 1.0
    for _ in range(1000):
        q = sw**2 * np.sum(w * np.tanh(np.sqrt(q) * z) ** 2)
    net = dmft.RateNetwork.sample(dmft.NetworkEnsemble(sigma_w=sw), getkey(), 1000)
    stats = dmft.stationary_statistics(
        net,
        getkey(),
        50.0,
        450.0,
        sampling=dmft.Sampling(dt=1.0, max_lag=10.0),
        dynamics=dmft.DiscreteTime(1.0),
    )
    assert abs(float(stats.var) / q - 1) < 0.03
    # delta = 1: one step maps h to W phi(h) + b exactly.
    h = dmft.random_state(getkey(), net)
    traj = dmft.iterate(net, h, 2)
    np.testing.assert_allclose(traj[1], net.W @ np.tanh(h) + net.b, atol=1e-12)


def test_max_steps_is_reported(getkey):
    net = dmft.RateNetwork.sample(dmft.NetworkEnsemble(sigma_w=2.0), getkey(), 20)
    h0 = dmft.random_state(getkey(), net)
    few = dmft.ContinuousTime(max_steps=3)
    with pytest.raises(Exception, match="max_steps"):
        dmft.simulate(net, h0, 0.0, 50.0, dynamics=few)
    sol = dmft.simulate(net, h0, 0.0, 50.0, dynamics=few, throw=False)
    assert sol.result == diffrax.RESULTS.max_steps_reached  # a diffrax.Solution


def test_bad_input(getkey):
    net = dmft.RateNetwork.sample(dmft.NetworkEnsemble(noise=0.5), getkey(), 5)
    quiet = dmft.RateNetwork(jnp.zeros((5, 5)))
    with pytest.raises(ValueError, match="h0"):
        dmft.simulate(quiet, jnp.zeros(4), 0.0, 1.0)
    with pytest.raises(ValueError, match="t1"):
        dmft.simulate(quiet, jnp.zeros(5), 1.0, 1.0)
    with pytest.raises(ValueError, match="finite"):
        dmft.simulate(quiet, jnp.full(5, jnp.nan), 0.0, 1.0)
    with pytest.raises(ValueError, match="needs a `key`"):
        dmft.simulate(net, jnp.zeros(5), 0.0, 1.0)
    with pytest.raises(ValueError, match="t_burn"):
        dmft.stationary_statistics(quiet, getkey(), 10.0, 10.0)
    with pytest.raises(ValueError, match="t_burn"):
        dmft.stationary_statistics(quiet, getkey(), -1.0, 10.0)
    with pytest.raises(ValueError, match="need at least 402 samples"):
        dmft.stationary_statistics(quiet, getkey(), 0.0, 40.0)  # max_lag 20: 201 lags
    with pytest.raises(ValueError, match="n >= 2"):
        dmft.stationary_statistics(dmft.RateNetwork(jnp.zeros((1, 1))), getkey(), 0, 50)
    with pytest.raises(ValueError, match="multiple"):
        dmft.stationary_statistics(
            quiet, getkey(), 0.5, 100.0, dynamics=dmft.DiscreteTime(1.0)
        )
    with pytest.raises(ValueError, match="multiple"):  # SDE samples on the step grid
        dmft.stationary_statistics(
            net, getkey(), 0.0, 100.0, sampling=dmft.Sampling(dt=0.13)
        )
    # The step's domain is (0, 1], as for the mean-field map (1.5 and 3 were accepted
    # and gave Delta0 = inf).
    for step in (0.0, 1.5, 3.0, float("nan"), float("inf"), True):
        with pytest.raises(ValueError, match="step"):
            dmft.DiscreteTime(step)
    with pytest.raises(ValueError, match="n_steps"):
        dmft.iterate(quiet, jnp.zeros(5), 0)


def test_sharded_batch_equals_unsharded():
    # Two host devices in a subprocess (the flag must be set before JAX starts).
    script = textwrap.dedent(
        """
        import jax, jax.numpy as jnp, jax.random as jr, numpy as np
        import dmft
        assert len(jax.devices()) == 2
        ens = dmft.NetworkEnsemble(sigma_w=1.5, noise=0.3)
        def one(key):
            k1, k2, k3 = jr.split(key, 3)
            net = dmft.RateNetwork.sample(ens, k1, 16)
            return dmft.simulate(net, dmft.random_state(k2, net), 0.0, 2.0, key=k3).ys[0]
        keys = jr.split(jr.key(0), 4)
        f = jax.jit(jax.vmap(one))
        sharded = f(dmft.shard_batch(keys))
        assert len(sharded.sharding.device_set) == 2, sharded.sharding
        np.testing.assert_allclose(sharded, f(keys), rtol=1e-6, atol=1e-6)
        print("ok")
        """
    )
    env = dict(os.environ, XLA_FLAGS="--xla_force_host_platform_device_count=2")
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "ok"


def test_sweep_over_g_compiles_once(getkey):
    # A sweep over the coupling scale inside one jit. The ensemble is built outside
    # (its converter would trace the noise amplitude inside) and varied with
    # `eqx.tree_at`: the amplitude stays readable, so the noise-free ODE route is
    # taken, and a second sweep of new values reuses the compilation.
    n = 20
    sampling = dmft.Sampling(dt=0.5, max_lag=2.0)
    ens = dmft.NetworkEnsemble()

    @jax.jit
    @eqx.debug.assert_max_traces(max_traces=1)
    def sweep(gs, key):
        def one(g, k):
            e = eqx.tree_at(lambda e: e.sigma_w, ens, g)
            net = dmft.RateNetwork.sample(e, k, n)
            assert not isinstance(net.noise, jax.core.Tracer)
            return dmft.stationary_statistics(
                net, k, 5.0, 25.0, sampling=sampling
            ).delta0

        return jax.vmap(one)(gs, jr.split(key, gs.shape[0]))

    small = sweep(jnp.array([0.5, 0.8]), getkey())
    large = sweep(jnp.array([2.0, 3.0]), getkey())
    # Below g = 1 the activity decays to the fixed point h = 0 (Delta0 -> 0 by
    # t = 5: e^{-5(1 - g)} of the O(1) start); above it the chaotic state has
    # Delta0 = O(1) (1.9 at g = 2).
    assert np.all(np.asarray(small) < 0.1) and np.all(np.asarray(large) > 0.5)


@pytest.mark.parametrize("noise", [0.0, pytest.param(0.3, marks=pytest.mark.slow)])
def test_traced_noise_amplitude_picks_the_solver_at_run_time(noise, getkey):
    # An ensemble built inside `jax.jit` has a traced noise amplitude, unreadable at
    # trace time. The solver is then picked at run time: the numbers must be those of
    # the same network built outside jit with a concrete amplitude (ODE at 0, SDE
    # otherwise). Same solver and key on both sides, so only roundoff differs,
    # amplified by chaos over t = 25 (e^{0.1 t} ~ 12): tolerance 1e-9.
    n, knet, key = 20, getkey(), getkey()
    sampling = dmft.Sampling(dt=0.5, max_lag=2.0)

    def delta(amplitude):
        ens = dmft.NetworkEnsemble(sigma_w=2.0, noise=amplitude)
        net = dmft.RateNetwork.sample(ens, knet, n)
        stats = dmft.stationary_statistics(net, key, 5.0, 25.0, sampling=sampling)
        return stats.delta, net.noise

    outside, concrete = delta(noise)
    inside, traced = jax.jit(delta)(noise)
    assert not isinstance(concrete, jax.Array)  # readable outside jit
    np.testing.assert_allclose(inside, outside, rtol=1e-9, atol=1e-9)
    if noise == 0:
        # The old route (fixed-step SDE solver at zero amplitude, forced here by a
        # negligible concrete amplitude) differs by its step error, which this test
        # would have caught.
        sde_route, _ = delta(1e-30)
        assert np.max(np.abs(np.asarray(sde_route) - np.asarray(outside))) > 1e-6


@pytest.mark.slow
def test_traced_noise_amplitude_lyapunov(getkey):
    # As above for the tangent dynamics: the largest exponent of a network built
    # inside jit at zero amplitude equals the one built outside (roundoff only).
    n, knet, key = 20, getkey(), getkey()

    def largest(amplitude):
        ens = dmft.NetworkEnsemble(sigma_w=2.0, noise=amplitude)
        net = dmft.RateNetwork.sample(ens, knet, n)
        return dmft.lyapunov_spectrum(net, key, 5.0, 25.0).largest

    np.testing.assert_allclose(jax.jit(largest)(0.0), largest(0.0), rtol=1e-9)


def test_quiet_network_with_sde_solvers():
    # dh/dt = -h (W = 0, no noise). Euler has no error estimate: it takes the constant
    # step dt0, giving exactly (1 - dt0)^(1/dt0) h0 at t = 1 (roundoff: 1e-14). An
    # SDE-only solver (ShARK) cannot integrate an ODE: the quiet network gets Tsit5
    # at rtol 1e-6, so e^{-1} h0 to ~1e-6 (tolerance 1e-5).
    net = dmft.RateNetwork(jnp.zeros((3, 3)), phi=dmft.Linear())
    h0 = jnp.array([1.0, -2.0, 0.5])
    euler = dmft.ContinuousTime(solver=diffrax.Euler(), dt0=0.1)
    sol = dmft.simulate(net, h0, 0.0, 1.0, dynamics=euler)
    np.testing.assert_allclose(sol.ys[-1], 0.9**10 * h0, rtol=1e-13)
    shark = dmft.ContinuousTime(solver=diffrax.ShARK())
    sol = dmft.simulate(net, h0, 0.0, 1.0, dynamics=shark)
    np.testing.assert_allclose(sol.ys[-1], math.exp(-1) * h0, rtol=1e-5)
