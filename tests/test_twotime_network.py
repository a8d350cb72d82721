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


def _network_moments(ensemble, initial, ts, key, drive=None, seeds=SEEDS):
    """Population mean, variance and covariance of `seeds` networks of size N."""

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

    ms, Cs = zip(*(one(k) for k in jr.split(key, seeds)))
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


def _case(case):
    """The ensemble, initial condition and drive (or None) of one of `CASES`."""
    case = dict(case)
    initial = dmft.GaussianInitial(*case.pop("initial"))
    drive = None
    if "drive" in case:
        amplitude, frequency = case.pop("drive")

        def drive(t):
            return amplitude * jnp.sin(frequency * t)

    return dmft.NetworkEnsemble(**case), initial, drive


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES)
def test_transient_matches_finite_network(case, getkey):
    ensemble, initial, drive = _case(case)
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


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES)
def test_quadrature_transient_matches_finite_network(case, getkey):
    # The deterministic solver against the same networks: its only error is the
    # O(dt^2) of the grid (< 1e-3 at dt = 0.1), so sigma is the standard error over
    # networks alone. 16 networks, not 4: the population mean of one network
    # fluctuates by ~0.04 at N = 2000 with noise and mean coupling, and a spread
    # estimated from 4 networks (3 degrees of freedom) exceeds 4 sigma at some of the
    # 101 correlated times too often. 4 sigma plus 5e-3 for the O(1/N) bias.
    ensemble, initial, drive = _case(case)
    ts = jnp.linspace(0.0, 10.0, 101)
    sol = dmft.solve_two_time_quadrature(ensemble, ts, initial, drive=drive)
    networks = 16
    ms, Cs = _network_moments(ensemble, initial, ts, getkey(), drive, networks)

    def check(theory, net_values, what):
        sigma = np.std(net_values, axis=0, ddof=1) / np.sqrt(networks)
        err = np.abs(theory - np.mean(net_values, axis=0))
        assert np.all(err <= 4 * sigma + 5e-3), (what, float(np.max(err / sigma)))

    C = np.asarray(sol.C)
    check(np.asarray(sol.m), ms, "m")
    check(np.diagonal(C), np.diagonal(Cs, axis1=1, axis2=2), "q")
    for t, s in [(10, 0), (20, 10), (50, 40), (100, 80), (100, 50)]:
        check(C[t, s], Cs[:, t, s], f"C{t, s}")


@pytest.mark.slow
def test_response_matches_finite_network_perturbation(getkey):
    # R(t, t') and R_phi(t, t') against a perturbation experiment on networks of
    # N = 1000: at t' every neuron's input gets a delta pulse of strength eps s_i
    # (random signs s_i = +-1), i.e. h_i jumps by eps s_i; then
    # mean_i s_i [h_i'(t) - h_i(t)] / eps -> R(t, t') and the same with phi(h) ->
    # R_phi(t, t') = E[phi'(h(t)) e^{-(t - t')}], as N -> infinity. The cross terms
    # s_i s_j dh_i/du_j (i != j) average to zero with spread ~ N^-1/2, measured here
    # by the spread over networks. Mean coupling and biases from a far start, so that
    # E[phi'(h(t))] changes along the transient. The pulse and the unperturbed run are
    # one batched solve (same steps), eps = 1e-6: the finite difference is linear to
    # ~1e-6 relative.
    ensemble = dmft.NetworkEnsemble(sigma_w=1.5, mean_w=1.2, mean_b=0.1, sigma_b=0.3)
    initial = dmft.GaussianInitial(-1.0, 2.0)
    ts = jnp.linspace(0.0, 4.0, 41)
    t_kick, lags = 1.0, np.array([0.5, 1.0, 2.0, 3.0])
    sol = dmft.solve_two_time(
        ensemble,
        ts,
        initial,
        key=getkey(),
        options=dmft.TwoTimeOptions(n_samples=2000, response_samples=256),
    )
    i_kick = 10
    rows = i_kick + np.round(lags / 0.1).astype(int)
    dmft_r = np.asarray(sol.response)[rows, i_kick]
    dmft_rphi = np.asarray(sol.response_phi)[rows, i_kick]
    dmft_rphi_err = np.asarray(sol.response_phi_stderr)[rows, i_kick]
    # The response is e^{-(t - t')} on every path (no reaction term), up to O(dt^2).
    np.testing.assert_allclose(dmft_r, np.exp(-lags), atol=3e-3)

    eps, n, networks = 1e-6, 1000, 6

    @jax.jit
    def experiment(key):
        k_net, k_h0, k_sign = jr.split(key, 3)
        network = dmft.RateNetwork.sample(ensemble, k_net, n)
        h0 = initial.mean + jnp.sqrt(initial.variance) * jr.normal(k_h0, (n,))
        h_kick = dmft.simulate(network, h0, 0.0, t_kick).ys[-1]
        signs = jr.rademacher(k_sign, (n,), dtype=h0.dtype)
        pair = jnp.stack([h_kick, h_kick + eps * signs])
        hs = dmft.simulate(
            network,
            pair,
            t_kick,
            t_kick + lags[-1],
            saveat=diffrax.SaveAt(ts=jnp.asarray(t_kick + lags)),
        ).ys  # (batch, time, n) or (time, batch, n)
        hs = hs if hs.shape[0] == 2 else jnp.swapaxes(hs, 0, 1)
        r = jnp.mean(signs * (hs[1] - hs[0]), axis=-1) / eps
        phi = network.phi
        r_phi = jnp.mean(signs * (phi(hs[1]) - phi(hs[0])), axis=-1) / eps
        return r, r_phi

    r, r_phi = (
        np.stack(x) for x in zip(*(experiment(k) for k in jr.split(getkey(), networks)))
    )
    # 4 standard errors (spread over networks and the DMFT's response stderr in
    # quadrature) plus 1e-2 for the O(1/N) finite-size and O(dt^2) grid errors.
    for net, theory, theory_err, what in [
        (r, dmft_r, 0.0, "R"),
        (r_phi, dmft_rphi, dmft_rphi_err, "R_phi"),
    ]:
        sigma = np.sqrt(np.var(net, axis=0, ddof=1) / networks + theory_err**2)
        err = np.abs(np.mean(net, axis=0) - theory)
        assert np.all(err <= 4 * sigma + 1e-2), (
            what,
            np.mean(net, axis=0),
            theory,
            sigma,
        )
