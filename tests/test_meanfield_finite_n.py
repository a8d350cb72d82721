"""Stationary DMFT vs finite-N simulation (dmft.stationary_statistics, Benettin's
dmft.lyapunov_spectrum) at g = 1.5, 2, 3, with and without sigma_b = 0.3 and with and
without noise sigma = 0.5.

UNRESOLVED (reported to the lead): the tolerances below (8% / 0.02 on Delta, 0.03 on
Delta_inf, 0.04 on lambda) are a-priori estimates of O(1/sqrt(N)) plus finite-window
error, NOT measured. The first runs (N = 600, window 400) at g = 2 fail them: with
sigma_b = 0.3, sigma = 0.5 the simulated Delta(tau) lies 6-12% below the theory
(Delta0 2.010 vs 2.141, Delta(5) 1.145 vs 1.300); without bias/noise the measured
Delta_inf is -0.036 (theory 0). Whether this is finite N / finite window or a
modelling difference has not been established."""

import jax
import jax.numpy as jnp
import jax.random as jr
import numpy as np
import pytest

import dmft


CASES = [(g, sb, s) for g in (1.5, 2.0, 3.0) for sb in (0.0, 0.3) for s in (0.0, 0.5)]


@pytest.mark.slow
@pytest.mark.parametrize("g, sb, s", CASES)
def test_theory_vs_simulation(g, sb, s):
    ens = dmft.NetworkEnsemble(sigma_w=g, sigma_b=sb, noise=s)
    sol = dmft.solve_stationary(ens)
    taus = np.array([0.0, 1.0, 2.0, 5.0])
    theory = np.asarray(dmft.stationary_autocorrelation(ens, sol, taus))

    key = jr.key(int(100 * g + 10 * sb + s))
    net = dmft.RateNetwork.sample(ens, key, 600)
    h0 = jr.normal(jr.fold_in(key, 1), (600,)) * jnp.sqrt(sol.delta0)
    stats = dmft.stationary_statistics(
        net,
        jr.fold_in(key, 2),
        100.0,
        500.0,
        sampling=dmft.Sampling(dt=0.1, max_lag=10.0),
        h0=h0,
    )
    lags = np.asarray(stats.lags)
    measured = np.interp(taus, lags, np.asarray(stats.delta))
    np.testing.assert_allclose(measured, theory, rtol=0.08, atol=0.02)
    assert float(stats.delta_inf) == pytest.approx(
        float(sol.delta_inf), rel=0.1, abs=0.03
    )

    lyap = dmft.lyapunov_spectrum(net, jr.fold_in(key, 3), 100.0, 500.0, h0=h0)
    assert float(lyap.exponents[0]) == pytest.approx(float(sol.lyapunov), abs=0.04)
    jax.clear_caches()
