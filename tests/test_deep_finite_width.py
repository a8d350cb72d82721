"""Finite-width deep networks against the infinite-width maps (dmft.deep)."""

import math

import jax
import jax.numpy as jnp
import jax.random as jr
import numpy as np
import pytest

import dmft
from dmft import deep


ENSEMBLE = dmft.NetworkEnsemble(dmft.Tanh(), 2.5, 0.3)  # chaotic: chi_1 = 1.59
DEPTH = 5


def _two_inputs(key, width, q11=1.0, q22=2.0, c=0.5):
    # Layer-0 pre-activations with exactly the requested empirical kernel.
    basis, _ = jnp.linalg.qr(jr.normal(key, (width, 2)))
    x1 = math.sqrt(width * q11) * basis[:, 0]
    x2 = math.sqrt(width * q22) * (c * basis[:, 0] + math.sqrt(1 - c * c) * basis[:, 1])
    return jnp.stack([x1, x2]).astype(jnp.float32)


def _sample(width, n_networks, key):
    inputs = _two_inputs(jr.fold_in(key, 0), width)
    keys = jr.split(jr.fold_in(key, 1), n_networks)
    kernels = jax.vmap(lambda k: deep.propagate(ENSEMBLE, k, inputs, DEPTH))(keys)
    kernels = np.asarray(kernels, dtype=float)
    q = kernels[:, :, 0, 0]
    c = kernels[:, :, 0, 1] / np.sqrt(kernels[:, :, 0, 0] * kernels[:, :, 1, 1])
    return q, c


def test_q_and_c_through_depth_match_the_maps(getkey):
    profile = deep.depth_profile(ENSEMBLE, DEPTH, 1.0, 2.0, 0.5 * math.sqrt(2.0))
    n_networks = 32
    q, c = _sample(256, n_networks, getkey())
    for sampled, theory in [(q, np.asarray(profile.q11)), (c, np.asarray(profile.c))]:
        mean = sampled.mean(axis=0)
        sem = sampled.std(axis=0, ddof=1) / math.sqrt(n_networks)
        # Layer 0 is exact by construction.
        assert mean[0] == pytest.approx(theory[0], rel=1e-5)
        # Network-to-network fluctuations are O(1/sqrt(N)) (measured: sem ~1-2% of
        # q, ~0.01 in c at N = 256, R = 32); the bias of the kernel is O(1/N) ~ 0.4%,
        # well inside. 4 standard errors: a false alarm once in ~10^4 per layer.
        assert np.all(np.abs(mean[1:] - theory[1:]) <= 4 * sem[1:] + 1e-3), (
            mean,
            theory,
            sem,
        )


def test_fluctuations_shrink_like_one_over_sqrt_width(getkey):
    key = getkey()
    spread = {}
    for width in (64, 256):
        q, _ = _sample(width, 32, key)
        spread[width] = (q[:, 1:].std(axis=0, ddof=1) / q[:, 1:].mean(axis=0)).mean()
    # 1/sqrt(N) predicts a ratio of 2; with 32 networks each spread is known to
    # ~13%, so the ratio to ~20%: accept [1.4, 2.8].
    ratio = spread[64] / spread[256]
    assert 1.4 < ratio < 2.8, ratio


def test_circle_length_grows_like_sqrt_chi_1(getkey):
    # Poole et al. (2016), Fig. 3: a circle of inputs at q* through a chaotic network.
    point = deep.deep_fixed_point(ENSEMBLE)
    width, n_points, n_networks, depth = 384, 96, 8, 6

    def one(key):
        # A fresh circle (random plane) per network: the input's realisation is part
        # of the finite-N fluctuation and must be averaged over too.
        circle_key, network_key = jr.split(key)
        inputs = deep.circle_inputs(
            circle_key, point.q_star, width, n_points, jnp.float32
        )
        return deep.propagate(ENSEMBLE, network_key, inputs, depth)

    kernels = jax.vmap(one)(jr.split(getkey(), n_networks))
    lengths = np.asarray(deep.curve_length(kernels.astype(jnp.float64)))
    mean = lengths.mean(axis=0)
    sem = lengths.std(axis=0, ddof=1) / math.sqrt(n_networks)
    # Infinite width, the same 96-point polygon (exact for the measurement).
    polygon = np.asarray(deep.circle_length(ENSEMBLE, point.q_star, depth, n_points))
    # Measured spread: ~1-2% of the length at N = 384; 4 standard errors + 0.5% for
    # the O(1/N) bias of the square root of a noisy kernel.
    assert np.all(np.abs(mean - polygon) <= 4 * sem + 5e-3 * polygon), (mean, polygon)
    # The smooth curve grows by exactly sqrt(chi_1) per layer at q*...
    smooth = np.asarray(deep.circle_length(ENSEMBLE, point.q_star, depth))
    np.testing.assert_allclose(
        smooth[1:] / smooth[:-1], math.sqrt(float(point.chi_1)), rtol=1e-10
    )
    # ... and so does the sampled one, within its ~2% per-layer noise.
    growth = (mean[-1] / mean[0]) ** (1 / depth)
    assert growth == pytest.approx(math.sqrt(float(point.chi_1)), rel=0.02)


def test_bad_input(getkey):
    inputs = jnp.ones((2, 8))
    with pytest.raises(ValueError, match="depth"):
        deep.propagate(ENSEMBLE, getkey(), inputs, 0)
    with pytest.raises(ValueError, match="2-D"):
        deep.propagate(ENSEMBLE, getkey(), jnp.ones(8), 3)
    with pytest.raises(ValueError, match="finite"):
        deep.propagate(ENSEMBLE, getkey(), inputs.at[0, 0].set(jnp.nan), 3)
    with pytest.raises(ValueError, match="mean_b"):
        biased = dmft.NetworkEnsemble(dmft.Tanh(), 1.0, 0.3, mean_b=0.1)
        deep.propagate(biased, getkey(), inputs, 3)
