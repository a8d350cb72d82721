"""The discrete-time DMFT's largest Lyapunov exponent against finite networks: for each
step, networks of two sizes, extrapolated linearly in 1/N to N = infinity."""

import jax.numpy as jnp
import jax.random as jr
import numpy as np
import pytest

import dmft


G = 3.0
SIZES = (250, 1000)
NETWORKS = 6
# (Delta_0, lambda) from a NumPy transcription of the peer davidclark1/rnn-lyapunov's
# discrete-time theory (dmft.solve_discrete: Newton on the whole lag vector, lags to
# t = 40; max_exponent.discrete_edge: brentq on the two-sided tridiagonal operator),
# run once. Steps 0.5 and 0.9 are in test_meanfield_discrete.py.
PEER = {
    0.1: (5.446233646329982, 0.23131319849541065),
    0.2: (5.445908149807857, 0.22733481832129498),
    0.8: (5.410922206249163, 0.22741958195789025),
}


def _largest_exponents(step, n):
    """lambda_1 of `NETWORKS` networks of size `n` (QR every whole number of steps
    near one unit of time, 50 units of burn-in, 200 measured)."""
    interval = step * max(1, round(1.0 / step))
    t_burn = interval * round(50.0 / interval)
    t1 = t_burn + interval * round(200.0 / interval)
    ensemble = dmft.NetworkEnsemble(sigma_w=G)
    values = []
    for seed in range(NETWORKS):
        key_net, key_run = jr.split(jr.fold_in(jr.key(2024), 1000 * n + seed))
        network = dmft.RateNetwork.sample(ensemble, key_net, n)
        # float32: 4x faster here; the exponent of a chaotic orbit is a time average
        # over O(1e3) QR steps, each exact to ~1e-7 relative, and at step 0.5 the
        # float32 and float64 extrapolations agreed (0.2212 +- 0.0026 against
        # 0.2166 +- 0.0030, measured once with these seeds).
        network = dmft.RateNetwork(
            network.W.astype(jnp.float32), network.b.astype(jnp.float32)
        )
        spectrum = dmft.lyapunov_spectrum(
            network,
            key_run,
            t_burn,
            t1,
            interval=interval,
            dynamics=dmft.DiscreteTime(step),
        )
        values.append(float(spectrum.largest))
    values = np.array(values)
    return values.mean(), values.std(ddof=1) / np.sqrt(NETWORKS)


@pytest.mark.slow
def test_lyapunov_against_finite_networks():
    # lambda_N = lambda_inf - c/N: from N1 = 250 and N2 = 1000,
    # lambda_inf = (N2 lambda_2 - N1 lambda_1) / (N2 - N1), its standard error from the
    # scatter over the 6 networks of each size (which exceeds each run's own block
    # error). Measured once (float32, these seeds), DMFT against extrapolation:
    # step 0.9: 0.2757 vs 0.2773 +- 0.0026; 0.8: 0.2274 vs 0.2302 +- 0.0035; 0.5: 0.2161 vs
    # 0.2212 +- 0.0026; 0.2: 0.2273 vs 0.2336 +- 0.0070; 0.1: 0.2313 vs 0.2326 +- 0.0034
    # (c ~ 9-17: N = 1000 alone is 0.01-0.02 low). Tolerance 3.5 standard errors:
    # five comparisons, a chance of ~0.2% that one fails by noise on another platform
    # (float32 chaotic orbits differ between BLAS builds); the old solver was off by
    # 0.08-0.3 (-0.028 at step 0.9, 0.132 at 0.5).
    ensemble = dmft.NetworkEnsemble(sigma_w=G)
    n1, n2 = SIZES
    for step in (0.1, 0.2, 0.5, 0.8, 0.9):
        sol = dmft.solve_discrete_stationary(ensemble, step, max_lags=1024)
        theory = float(sol.lyapunov)
        if step in PEER:
            # 1e-9 relative: measured 1e-11 to 4e-11 (the peer's Newton stops at a
            # residual of 1e-11 and truncates the lags at t = 40).
            assert sol.delta0 == pytest.approx(PEER[step][0], rel=1e-9)
            assert theory == pytest.approx(PEER[step][1], rel=1e-9)
        (l1, s1), (l2, s2) = (_largest_exponents(step, n) for n in SIZES)
        extrapolated = (n2 * l2 - n1 * l1) / (n2 - n1)
        stderr = np.hypot(n2 * s2, n1 * s1) / (n2 - n1)
        assert abs(theory - extrapolated) < 3.5 * stderr, (
            step,
            theory,
            extrapolated,
            stderr,
            (l1, s1),
            (l2, s2),
        )
