"""RateNetwork: sampling statistics, user-given couplings, validation, keys."""

import math

import jax
import jax.numpy as jnp
import jax.random as jr
import numpy as np
import pytest

import dmft


def test_sample_moments(getkey):
    # W_ij ~ N(mean_w/n, sigma_w^2/n), b_i ~ N(mean_b, sigma_b^2). With n^2 = 250000
    # couplings the sample mean/variance have relative standard errors ~ 1/sqrt(n^2)
    # and sqrt(2/n^2): 5 standard errors of each are the tolerances below.
    n = 500
    ens = dmft.NetworkEnsemble(sigma_w=1.5, sigma_b=0.7, mean_w=2.0, mean_b=-0.3)
    net = dmft.RateNetwork.sample(ens, getkey(), n)
    W, b = np.asarray(net.W), np.asarray(net.b)
    sw = 1.5 / math.sqrt(n)
    assert abs(W.mean() - 2.0 / n) < 5 * sw / n
    assert abs(W.std() / sw - 1) < 5 * math.sqrt(2) / n
    assert abs(b.mean() + 0.3) < 5 * 0.7 / math.sqrt(n)
    assert abs(b.std() / 0.7 - 1) < 5 * math.sqrt(2 / n)
    assert net.n == n and net.W.dtype == jnp.float64


def test_same_key_same_network_different_keys_independent(getkey):
    ens = dmft.NetworkEnsemble(sigma_w=1.0, sigma_b=1.0)
    key = getkey()
    a = dmft.RateNetwork.sample(ens, key, 300)
    b = dmft.RateNetwork.sample(ens, key, 300)
    c = dmft.RateNetwork.sample(ens, getkey(), 300)
    np.testing.assert_array_equal(a.W, b.W)
    np.testing.assert_array_equal(a.b, b.b)
    # Independent Gaussian matrices: correlation of the entries ~ N(0, 1/n^2);
    # 5/n^... bound = 5 standard errors.
    r = np.corrcoef(np.ravel(a.W), np.ravel(c.W))[0, 1]
    assert abs(r) < 5 / 300


def test_vmap_over_keys_gives_independent_networks(getkey):
    ens = dmft.NetworkEnsemble(sigma_w=1.0)
    nets = jax.vmap(lambda k: dmft.RateNetwork.sample(ens, k, 50))(
        jr.split(getkey(), 3)
    )
    assert nets.W.shape == (3, 50, 50)
    assert not np.allclose(nets.W[0], nets.W[1])


def test_user_couplings_and_float32(getkey):
    W = np.eye(3, dtype=np.float32)
    net = dmft.RateNetwork(W, phi=dmft.Linear())
    assert net.W.dtype == jnp.float32 and net.b.dtype == jnp.float32
    np.testing.assert_array_equal(net.b, 0)
    # drift = -h + W phi(h) + b is zero for W = I, b = 0, linear phi.
    np.testing.assert_array_equal(net.drift(0.0, jnp.ones(3, jnp.float32)), 0)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(W=np.zeros((3, 4))), "square"),
        (dict(W=np.zeros(3)), "square"),
        (dict(W=np.zeros((3, 3)), b=np.zeros(4)), "`b` must have shape"),
        (dict(W=np.full((2, 2), np.nan)), "finite"),
        (dict(W=np.zeros((2, 2)), noise=-1.0), "noise"),
        (dict(W=np.zeros((2, 2)), noise=np.nan), "noise"),
    ],
)
def test_bad_network(kwargs, match):
    with pytest.raises(ValueError, match=match):
        dmft.RateNetwork(**kwargs)


@pytest.mark.parametrize("n", [0, -3, 2.5, True])
def test_bad_n(n, getkey):
    with pytest.raises(ValueError, match="`n` must be an integer"):
        dmft.RateNetwork.sample(dmft.NetworkEnsemble(), getkey(), n)


def test_bad_ensemble_variances():
    for bad in (dict(sigma_w=-1.0), dict(sigma_b=np.nan), dict(noise=-0.1)):
        with pytest.raises(ValueError, match="finite and >= 0"):
            dmft.NetworkEnsemble(**bad)
