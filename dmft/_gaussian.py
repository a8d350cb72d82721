"""Gaussian expectations of a nonlinearity and its derivatives.

Three shapes cover all of dmft's theory:

- `expectation`: $E[\\phi^{(i)}(m + \\sqrt{v} z)]$;
- `product_expectation`: $E[\\phi^{(i)}(u) \\phi^{(j)}(u)]$, $u \\sim N(m, v)$;
- `correlated_expectation`: $E[\\phi^{(i)}(u_1) \\phi^{(j)}(u_2)]$ for a correlated pair.

The last one is also the nested average of the DMFT self-consistency,
$E_z[(E_x \\phi(\\sqrt{\\Delta_0 - \\Delta} x + \\sqrt{\\Delta} z))^2]$, which is the pair
expectation with variances $\\Delta_0$ and covariance $\\Delta$.

Routes, in order: a closed form of the nonlinearity; a nested average
$E_z[g_1(z) g_2(z)]$ whose inner means $g_k$ are closed forms or quadrature; quadrature
only for smooth nonlinearities (a non-smooth one without a closed form raises, rather
than converging slowly in silence). Orders: -1 is the antiderivative, 0 the function,
1 and 2 its derivatives.
"""

from collections.abc import Callable

import jax.numpy as jnp
from jaxtyping import Array, ArrayLike

from ._custom_types import Order
from ._nonlinearity import AbstractNonlinearity
from ._quadrature import AbstractGaussianRule, SinhTrapezoid


DEFAULT_RULE = SinhTrapezoid()


def _sqrt0(x):
    # sqrt with a finite (zero) derivative at 0: the expectations are smooth there even
    # where sqrt of a variance is not.
    positive = x > 0
    return jnp.where(positive, jnp.sqrt(jnp.where(positive, x, 1.0)), 0.0)


def _no_route(phi: AbstractNonlinearity, what: str) -> ValueError:
    return ValueError(
        f"{type(phi).__name__} has no closed form for {what}, and quadrature is "
        "inaccurate for a non-smooth nonlinearity (it converges only algebraically at a "
        "kink). Use a nonlinearity with a closed form, or Custom(fn, is_smooth=True) if "
        "fn is in fact smooth."
    )


def _quadrature_mean(
    f: Callable, mean: Array, std: Array, rule: AbstractGaussianRule
) -> Array:
    def one(m, s):
        z, w = rule.nodes_and_weights(m, s)
        return jnp.sum(w * f(m + s * z))

    return jnp.vectorize(one)(mean, std)


def expectation(
    phi: AbstractNonlinearity,
    mean: ArrayLike = 0.0,
    var: ArrayLike = 1.0,
    *,
    order: Order = 0,
    rule: AbstractGaussianRule = DEFAULT_RULE,
) -> Array:
    """$E_z[\\phi^{(\\text{order})}(m + \\sqrt{v} z)]$, $z \\sim N(0, 1)$.

    **Arguments:**

    - `phi`: the nonlinearity.
    - `mean`, `var`: mean $m$ and variance $v \\ge 0$ (broadcast together).
    - `order`: -1 for $\\Phi$, 0 for $\\phi$, 1 for $\\phi'$, 2 for $\\phi''$.
    - `rule`: quadrature rule, used when `phi` has no closed form.

    **Returns:** an array of the broadcast shape of `mean` and `var`.

    **Raises:** `ValueError` if `phi` is non-smooth and has no closed form.
    """
    mean, var = jnp.broadcast_arrays(jnp.asarray(mean, float), jnp.asarray(var, float))
    closed = phi.gaussian_mean(order, mean, var)
    if closed is not None:
        return closed
    if not phi.smooth:
        raise _no_route(phi, f"E[phi^({order})]")
    return _quadrature_mean(phi.function(order), mean, _sqrt0(var), rule)


def product_expectation(
    phi: AbstractNonlinearity,
    mean: ArrayLike = 0.0,
    var: ArrayLike = 1.0,
    *,
    orders: tuple[Order, Order] = (0, 0),
    rule: AbstractGaussianRule = DEFAULT_RULE,
) -> Array:
    """$E_z[\\phi^{(i)}(u)\\, \\phi^{(j)}(u)]$ with $u = m + \\sqrt{v} z$; e.g. the deep
    length map's $E[\\phi(\\sqrt{q} z)^2]$ and $\\chi_1$'s $E[\\phi'(\\sqrt{q} z)^2]$.

    Arguments as in `dmft.expectation`, with `orders = (i, j)`.
    """
    mean, var = jnp.broadcast_arrays(jnp.asarray(mean, float), jnp.asarray(var, float))
    closed = phi.gaussian_product_mean(orders, mean, var)
    if closed is not None:
        return closed
    if not phi.smooth:
        raise _no_route(phi, f"E[phi^({orders[0]}) phi^({orders[1]})] of one variable")
    f, g = phi.function(orders[0]), phi.function(orders[1])
    return _quadrature_mean(lambda u: f(u) * g(u), mean, _sqrt0(var), rule)


def correlated_expectation(
    phi: AbstractNonlinearity,
    q11: ArrayLike,
    q22: ArrayLike,
    q12: ArrayLike,
    *,
    orders: tuple[Order, Order] = (0, 0),
    means: tuple[ArrayLike, ArrayLike] | None = None,
    rule: AbstractGaussianRule = DEFAULT_RULE,
) -> Array:
    """$E[\\phi^{(i)}(u_1)\\, \\phi^{(j)}(u_2)]$ for jointly Gaussian $u_1, u_2$ with
    variances $q_{11}, q_{22}$, covariance $q_{12}$ and means `means` (None: zero means,
    which lets closed-form kernels apply).

    Without a closed form it is computed as a nested average: with
    $c = q_{12}/\\sqrt{q_{11} q_{22}}$, $u_k = m_k + \\alpha_k z + \\beta_k x_k$ where
    $\\alpha_1 \\alpha_2 = q_{12}$, $\\alpha_k^2 + \\beta_k^2 = q_{kk}$, so the expectation is
    $E_z[g_1(z) g_2(z)]$ with $g_k(z) = E_{x}[\\phi^{(k)}(m_k + \\alpha_k z + \\beta_k x)]$.
    The DMFT average $E_z[(E_x \\phi(\\sqrt{\\Delta_0 - \\Delta} x + \\sqrt\\Delta z))^2]$
    is `correlated_expectation(phi, D0, D0, D)`.

    **Raises:** `ValueError` if `phi` is non-smooth and has neither a closed kernel nor
    closed one-variable means. With non-zero means and a non-smooth `phi` the outer
    integrand develops a kink as $|c| \\to 1$ and the accuracy degrades there.
    """
    q11, q22, q12 = jnp.broadcast_arrays(
        *(jnp.asarray(q, float) for q in (q11, q22, q12))
    )
    i, j = orders
    if means is None:
        closed = phi.gaussian_kernel((i, j), q11, q22, q12)
        if closed is not None:
            return closed
        m1 = m2 = jnp.zeros_like(q11)
    else:
        m1, m2 = (jnp.broadcast_to(jnp.asarray(m, float), q11.shape) for m in means)

    has_closed_means = (
        phi.gaussian_mean(i, m1, q11) is not None
        and phi.gaussian_mean(j, m2, q22) is not None
    )
    if not (has_closed_means or phi.smooth):
        raise _no_route(phi, f"E[phi^({i})(u1) phi^({j})(u2)]")

    def inner(order, shift, beta):
        if has_closed_means:
            return phi.gaussian_mean(order, shift, beta**2)
        return _quadrature_mean(phi.function(order), shift, beta, rule)

    def one(q11, q22, q12, m1, m2):
        norm = q11 * q22
        c = jnp.where(norm > 0, q12 / _sqrt0(jnp.where(norm > 0, norm, 1.0)), 0.0)
        c = jnp.clip(c, -1.0, 1.0)
        abs_c = jnp.abs(c)
        alpha1 = _sqrt0(q11 * abs_c)
        alpha2 = jnp.sign(c) * _sqrt0(q22 * abs_c)
        beta1 = _sqrt0(q11 * (1 - abs_c))
        beta2 = _sqrt0(q22 * (1 - abs_c))
        # The outer integrand varies where either argument crosses the nonlinearity's
        # transition; centre the rule between them, resolve the sharper one.
        scale = jnp.maximum(
            jnp.abs(alpha1) / jnp.sqrt(1 + beta1**2),
            jnp.abs(alpha2) / jnp.sqrt(1 + beta2**2),
        )
        z, w = rule.nodes_and_weights(0.5 * (m1 + m2), scale)
        g1 = inner(i, m1 + alpha1 * z, beta1)
        g2 = inner(j, m2 + alpha2 * z, beta2)
        return jnp.sum(w * g1 * g2)

    return jnp.vectorize(one)(q11, q22, q12, m1, m2)
