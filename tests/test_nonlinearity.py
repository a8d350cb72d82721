"""Nonlinearities: derivatives against autodiff and central differences, antiderivatives
against quadrature, closed-form one-variable means against mpmath.

Tolerances: analytic derivatives vs autodiff agree to float64 rounding (1e-12); the
32-point Gauss-Legendre antiderivative of an analytic function on |x| <= 3 is exact to
~1e-14, so 1e-12.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import dmft


X = jnp.linspace(-3.0, 3.0, 61)


@pytest.mark.parametrize("phi", [dmft.Tanh(), dmft.Erf(), dmft.Linear()])
def test_derivatives_match_autodiff(phi):
    grad = jnp.vectorize(jax.grad(phi.__call__))
    grad2 = jnp.vectorize(jax.grad(jax.grad(phi.__call__)))
    np.testing.assert_allclose(phi.derivative(X), grad(X), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(
        phi.second_derivative(X), grad2(X), rtol=1e-12, atol=1e-14
    )


@pytest.mark.parametrize("phi", [dmft.Tanh(), dmft.Erf(), dmft.Linear(), dmft.ReLU()])
def test_antiderivative_matches_quadrature(phi):
    # Custom(phi) uses the generic Gauss-Legendre antiderivative: an independent route.
    generic = dmft.Custom(phi.__call__, is_smooth=phi.smooth)
    x = X if phi.smooth else jnp.abs(X)  # Gauss-Legendre is exact for ReLU on x >= 0
    np.testing.assert_allclose(
        phi.antiderivative(x), generic.antiderivative(x), atol=1e-12
    )
    assert float(phi.antiderivative(0.0)) == 0.0
    # The antiderivative differentiates back to phi.
    dphi = jnp.vectorize(jax.grad(phi.antiderivative))
    np.testing.assert_allclose(dphi(X + 0.013), phi(X + 0.013), atol=1e-12)


def test_tanh_antiderivative_is_log_cosh_without_overflow():
    assert float(dmft.Tanh().antiderivative(1000.0)) == pytest.approx(1000 - np.log(2))
    assert float(dmft.Tanh().antiderivative(0.5)) == pytest.approx(np.log(np.cosh(0.5)))


def test_custom_derivatives_by_autodiff():
    phi = dmft.Custom(jnp.sin)
    np.testing.assert_allclose(phi.derivative(X), jnp.cos(X), rtol=1e-13)
    np.testing.assert_allclose(phi.second_derivative(X), -jnp.sin(X), atol=1e-13)
    np.testing.assert_allclose(phi.antiderivative(X), 1 - jnp.cos(X), atol=1e-13)


def test_relu_pointwise():
    relu = dmft.ReLU()
    np.testing.assert_array_equal(relu(jnp.array([-1.0, 0.0, 2.0])), [0.0, 0.0, 2.0])
    np.testing.assert_array_equal(relu.derivative(jnp.array([-1.0, 2.0])), [0.0, 1.0])
    assert not relu.smooth and dmft.Tanh().smooth


def test_erf_closed_means_vs_quadrature():
    # Erf's smoothed closed forms against quadrature of Custom(erf), every order.
    generic = dmft.Custom(jax.scipy.special.erf)
    mean, var = jnp.array([-0.8, 0.0, 1.3]), jnp.array([0.2, 3.0, 7.0])
    for order in (-1, 0, 1, 2):
        np.testing.assert_allclose(
            dmft.expectation(dmft.Erf(), mean, var, order=order),
            dmft.expectation(generic, mean, var, order=order),
            rtol=1e-11,
            atol=1e-14,
        )
    np.testing.assert_allclose(
        dmft.product_expectation(dmft.Erf(), mean, var, orders=(1, 1)),
        dmft.product_expectation(generic, mean, var, orders=(1, 1)),
        rtol=1e-11,
    )


def test_by_name():
    assert isinstance(dmft.nonlinearity("TANH"), dmft.Tanh)
    with pytest.raises(ValueError, match="unknown nonlinearity 'sigmoidal'"):
        dmft.nonlinearity("sigmoidal")
    with pytest.raises(ValueError, match="order"):
        dmft.Tanh().function(3)  # pyright: ignore[reportArgumentType]
    with pytest.raises(ValueError, match="callable"):
        dmft.Custom(3.0)  # pyright: ignore[reportArgumentType]


@pytest.mark.parametrize(
    "phi", [dmft.Tanh(), dmft.Erf(), dmft.ReLU(), dmft.Linear(), dmft.Custom(jnp.sin)]
)
def test_float32_stays_float32(phi):
    # Simulations run in float32 with x64 enabled: no silent promotion to float64.
    x = jnp.linspace(-1.0, 1.0, 5, dtype=jnp.float32)
    for order in (-1, 0, 1, 2):
        assert phi.function(order)(x).dtype == jnp.float32


@pytest.mark.parametrize(
    "phi", [dmft.Tanh(), dmft.Erf(), dmft.ReLU(), dmft.Linear()], ids=lambda p: p.name
)
def test_growth_is_the_large_q_limit(phi):
    # `growth` = lim E[phi(sqrt(q) z)^2] / q decides unbounded growth of the deep
    # length map; second route: the computed moment at q = 1e10 (bounded phi:
    # E[phi^2]/q <= 1/q = 1e-10; ReLU and linear: exact closed forms, 1e-14).
    q = 1e10
    moment = dmft.product_expectation(phi, 0.0, q)
    assert float(moment) / q == pytest.approx(phi.growth, abs=1.1e-10, rel=1e-14)
    assert dmft.Custom(jnp.sin).growth is None
