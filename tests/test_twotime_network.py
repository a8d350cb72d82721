"""Two-time DMFT against batched finite-N simulations (N = 2000, several seeds):
m(t), q(t) and C(t, t') during transients far from the stationary state."""

import diffrax
import jax
import jax.numpy as jnp
import jax.random as jr
import numpy as np
import pytest

import dmft


N = 2000
SEEDS = 4


def _driven_paths(network, h0, ts, drive):
    """The network with a common input I(t), integrated directly with diffrax (dmft's
    simulator takes no time-dependent input): an independent route."""

    def field(t, h, args):
        return -h + network.W @ network.phi(h) + network.b + drive(t)

    sol = diffrax.diffeqsolve(
        diffrax.ODETerm(field),
        diffrax.Tsit5(),
        ts[0],
        ts[-1],
        None,
        h0,
        saveat=diffrax.SaveAt(ts=ts),
        stepsize_controller=diffrax.PIDController(rtol=1e-7, atol=1e-9),
    )
    return sol.ys


def _network_moments(ensemble, initial, ts, key, drive=None):
    """Population mean, variance and covariance of `SEEDS` networks of size N."""

    @jax.jit
    def one(key):
        k_net, k_h0, k_bm = jr.split(key, 3)
        network = dmft.RateNetwork.sample(ensemble, k_net, N)
        h0 = initial.mean + jnp.sqrt(initial.variance) * jr.normal(k_h0, (N,))
        noisy = float(ensemble.noise) > 0
        if drive is not None:
            h = _driven_paths(network, h0, ts, drive)
        else:
            h = dmft.simulate(
                network,
                h0,
                ts[0],
                ts[-1],
                saveat=diffrax.SaveAt(ts=ts),
                key=k_bm if noisy else None,
            ).ys  # (n_t, N)
        d = h - jnp.mean(h, axis=1, keepdims=True)
        return jnp.mean(h, axis=1), d @ d.T / N

    ms, Cs = zip(*(one(k) for k in jr.split(key, SEEDS)))
    return np.stack(ms), np.stack(Cs)


CASES = [
    # SCS chaos from a narrow start, zero means.
    dict(sigma_w=2.0, initial=(0.0, 0.5)),
    # Mean coupling and biases, starting far off: m0 = -1, wide q0.
    dict(sigma_w=1.5, mean_w=1.2, mean_b=0.1, sigma_b=0.3, initial=(-1.0, 2.0)),
    # White noise with a mean coupling.
    dict(sigma_w=1.5, mean_w=0.5, noise=0.5, initial=(1.0, 0.1)),
    # A common sinusoidal drive (Rajan, Abbott & Sompolinsky 2010), with biases.
    dict(sigma_w=2.0, sigma_b=0.3, drive=(1.0, 1.0), initial=(0.0, 1.0)),
]


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES)
def test_transient_matches_finite_network(case, getkey):
    case = dict(case)
    initial = dmft.GaussianInitial(*case.pop("initial"))
    drive = None
    if "drive" in case:
        amplitude, frequency = case.pop("drive")

        def drive(t):
            return amplitude * jnp.sin(frequency * t)

    ensemble = dmft.NetworkEnsemble(**case)
    ts = jnp.linspace(0.0, 10.0, 101)
    options = dmft.TwoTimeOptions(n_samples=4000, response_samples=0)
    sols = [
        dmft.solve_two_time(ensemble, ts, initial, key=k, drive=drive, options=options)
        for k in jr.split(getkey(), SEEDS)
    ]
    dmft_m = np.stack([s.m for s in sols])
    dmft_C = np.stack([s.C for s in sols])
    ms, Cs = _network_moments(ensemble, initial, ts, getkey(), drive)

    # The error budget is measured, not assumed: the spread over keys of the DMFT
    # solutions (M = 4000 sampled paths coupled through the estimated C_phi behave
    # like a network of M neurons: at long lags in the chaotic state their spread is
    # ~4x the single-pass `C_stderr`) and the spread over seeds of the finite-N
    # averages, each divided by the number of runs, added in quadrature; 4 sigma of
    # it, plus 5e-3 for the O(1/N) finite-size bias and the O(dt^2) integrators.
    def check(dmft_values, net_values, what):
        sigma = np.sqrt(
            np.var(dmft_values, axis=0, ddof=1) / SEEDS
            + np.var(net_values, axis=0, ddof=1) / SEEDS
        )
        err = np.abs(np.mean(dmft_values, axis=0) - np.mean(net_values, axis=0))
        assert np.all(err <= 4 * sigma + 5e-3), (what, float(np.max(err / sigma)))

    check(dmft_m, ms, "m")
    check(np.diagonal(dmft_C, axis1=1, axis2=2), np.diagonal(Cs, axis1=1, axis2=2), "q")
    for t, s in [(10, 0), (20, 10), (50, 40), (100, 80), (100, 50)]:
        check(dmft_C[:, t, s], Cs[:, t, s], f"C{t, s}")
