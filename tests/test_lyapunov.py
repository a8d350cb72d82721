"""Lyapunov exponents: linear networks (exact spectra), the tied-weight deep network
(mean-field chi_1), noise, Kaplan-Yorke/entropy/participation ratio, bad input."""

import math

import jax.numpy as jnp
import jax.random as jr
import numpy as np
import pytest

import dmft


def _linear(getkey, n=40, g=0.8, noise=0.0):
    W = g * jr.normal(getkey(), (n, n)) / math.sqrt(n)
    return dmft.RateNetwork(W, phi=dmft.Linear(), noise=noise), np.asarray(W)


def test_linear_spectrum_continuous(getkey):
    # dQ/dt = (W - 1) Q: the exponents are the sorted real parts of eig(W) - 1.
    # QR converges like 1/T for the complex pairs of a random (non-normal) W:
    # measured errors ~2e-3 at T = 400; tolerance 1e-2.
    net, W = _linear(getkey)
    spectrum = dmft.lyapunov_spectrum(net, getkey(), 50.0, 450.0, k=6)
    exact = np.sort(np.linalg.eigvals(W).real)[::-1][:6] - 1
    np.testing.assert_allclose(spectrum.exponents, exact, rtol=0, atol=1e-2)
    # The largest alone (Benettin, k = 1) converges exponentially fast when the top
    # eigenvalue is real and isolated, as here: 1e-3.
    top = dmft.lyapunov_spectrum(net, getkey(), 50.0, 450.0)
    if np.isreal(np.linalg.eigvals(W)[np.argmax(np.linalg.eigvals(W).real)]):
        assert abs(float(top.largest) - exact[0]) < 1e-3
    assert abs(float(top.largest) - exact[0]) < 1e-2
    assert top.stderr.shape == (1,) and float(top.stderr[0]) < 1e-2


@pytest.mark.slow
def test_linear_spectrum_is_unchanged_by_additive_noise(getkey):
    # Additive noise does not enter the linear tangent dynamics: the random
    # dynamical system has the noise-free spectrum (tolerance as above). This runs
    # the tangent vectors through the SDE solver (ShARK) next to the noisy state.
    net, W = _linear(getkey, noise=1.0)
    spectrum = dmft.lyapunov_spectrum(net, getkey(), 50.0, 450.0, k=3)
    exact = np.sort(np.linalg.eigvals(W).real)[::-1][:3] - 1
    np.testing.assert_allclose(spectrum.exponents, exact, rtol=0, atol=1e-2)


def test_linear_spectrum_discrete(getkey):
    # The map's Jacobian is (1 - d) + d W: exponents per unit time are
    # log|1 - d + d mu| / d over the eigenvalues mu of W (tolerance as above).
    net, W = _linear(getkey)
    d = 0.5
    spectrum = dmft.lyapunov_spectrum(
        net, getkey(), 50.0, 450.0, k=4, dynamics=dmft.DiscreteTime(d)
    )
    mu = np.linalg.eigvals(W)
    exact = np.sort(np.log(np.abs(1 - d + d * mu)) / d)[::-1][:4]
    np.testing.assert_allclose(spectrum.exponents, exact, rtol=0, atol=1e-2)


def test_tied_weight_deep_network_exponent(getkey):
    # delta = 1, tanh, no bias, sigma_w = 2: the largest exponent per step is
    # (1/2) log chi_1 with chi_1 = sw^2 E[phi'(sqrt(q*) z)^2] (Molgedey, Schuchhardt &
    # Schuster 1992), q* and chi_1 by our own 201-point Gauss-Hermite rule. Measured at
    # N = 1000: 0.1545 and 0.1537 against 0.1547; at N = 500 finite-size and
    # sampling errors are ~0.005: tolerance 0.015 (10%).
    z, w = np.polynomial.hermite_e.hermegauss(201)
    w = w / w.sum()
    sw, q = 2.0, 1.0
    for _ in range(1000):
        q = sw**2 * np.sum(w * np.tanh(np.sqrt(q) * z) ** 2)
    chi_1 = sw**2 * np.sum(w * (1 - np.tanh(np.sqrt(q) * z) ** 2) ** 2)
    net = dmft.RateNetwork.sample(dmft.NetworkEnsemble(sigma_w=sw), getkey(), 500)
    spectrum = dmft.lyapunov_spectrum(
        net, getkey(), 100.0, 500.0, dynamics=dmft.DiscreteTime(1.0)
    )
    assert abs(float(spectrum.largest) - 0.5 * math.log(chi_1)) < 0.015


def test_same_key_same_exponents(getkey):
    ens = dmft.NetworkEnsemble(sigma_w=2.0, noise=0.3)
    net = dmft.RateNetwork.sample(ens, getkey(), 30)
    key = getkey()
    a = dmft.lyapunov_spectrum(net, key, 5.0, 25.0, k=2, blocks=4)
    b = dmft.lyapunov_spectrum(net, key, 5.0, 25.0, k=2, blocks=4)
    np.testing.assert_array_equal(a.exponents, b.exponents)
    assert a.result == dmft.RESULTS.successful


def test_kaplan_yorke_and_entropy():
    # Hand-made spectra: partial sums 0.5, 0.5, -0.5 -> D = 2 + 0.5/1.
    lam = jnp.array([0.5, 0.0, -1.0, -2.0])
    assert float(dmft.kaplan_yorke_dimension(lam)) == pytest.approx(2.5, abs=1e-14)
    assert float(dmft.entropy_rate(lam)) == pytest.approx(0.5, abs=1e-14)
    # Order does not matter; a contracting system has dimension 0 and no entropy.
    assert float(dmft.kaplan_yorke_dimension(lam[::-1])) == pytest.approx(2.5)
    assert float(dmft.kaplan_yorke_dimension(jnp.array([-0.1, -1.0]))) == 0.0
    assert float(dmft.entropy_rate(jnp.array([-0.1, -1.0]))) == 0.0
    # 0.3 + 0.1 - 0.2 = 0.2 >= 0, then -1: D = 3 + 0.2/1.
    lam = jnp.array([0.3, 0.1, -0.2, -1.0])
    assert float(dmft.kaplan_yorke_dimension(lam)) == pytest.approx(3.2, abs=1e-14)
    with pytest.raises(Exception, match="more exponents"):
        dmft.kaplan_yorke_dimension(jnp.array([0.3, 0.1]))


def test_participation_ratio_exact():
    # Orthogonal sinusoids over whole periods: the covariance is diag(a_i^2 / 2)
    # exactly, so D_PR = (sum a^2)^2 / sum a^4 to rounding.
    t = np.arange(1000) / 1000
    a = np.array([1.0, 2.0, 0.5, 3.0])
    ys = np.stack([ai * np.sin(2 * np.pi * (i + 1) * t) for i, ai in enumerate(a)], 1)
    expected = np.sum(a**2) ** 2 / np.sum(a**4)
    assert float(dmft.participation_ratio(ys)) == pytest.approx(expected, rel=1e-10)
    # More neurons than samples takes the Gram route: same answer.
    assert float(dmft.participation_ratio(ys[:3].T)) == pytest.approx(
        float(dmft.participation_ratio(np.asarray(ys[:3].T)))
    )


def test_bad_input(getkey):
    net, _ = _linear(getkey, n=5)
    with pytest.raises(ValueError, match="`k`"):
        dmft.lyapunov_spectrum(net, getkey(), 0.0, 100.0, k=6)
    with pytest.raises(ValueError, match="`k`"):
        dmft.lyapunov_spectrum(net, getkey(), 0.0, 100.0, k=0)
    with pytest.raises(ValueError, match="multiple"):
        dmft.lyapunov_spectrum(net, getkey(), 0.5, 100.0)
    with pytest.raises(ValueError, match="t_burn"):
        dmft.lyapunov_spectrum(net, getkey(), 100.0, 100.0)
    with pytest.raises(ValueError, match="blocks"):
        dmft.lyapunov_spectrum(net, getkey(), 0.0, 10.0, blocks=10)
