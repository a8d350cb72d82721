"""The covariance and correlation maps of a deep random network and $\\chi_c$."""

import jax.numpy as jnp
from jaxtyping import Array, ArrayLike, Float

from .._ensemble import NetworkEnsemble
from .._gaussian import DEFAULT_RULE, correlated_expectation
from .._quadrature import AbstractGaussianRule
from ._length_map import length_map


def covariance_map(
    ensemble: NetworkEnsemble,
    q11: Float[ArrayLike, "*batch"],
    q22: Float[ArrayLike, "*batch"],
    q12: Float[ArrayLike, "*batch"],
    rule: AbstractGaussianRule = DEFAULT_RULE,
) -> tuple[Float[Array, "*batch"], Float[Array, "*batch"], Float[Array, "*batch"]]:
    """One layer of the covariance of two inputs' pre-activations,

    $$q_{aa}^l = V(q_{aa}^{l-1}), \\qquad q_{12}^l = \\sigma_w^2 E[\\phi(u_1)\\phi(u_2)]
    + \\sigma_b^2,$$

    with $(u_1, u_2)$ zero-mean Gaussian of covariance
    $((q_{11}, q_{12}), (q_{12}, q_{22}))$ from layer $l - 1$.

    **Returns:** `(q11, q22, q12)` of the next layer.
    """
    sw2, sb2 = jnp.square(ensemble.sigma_w), jnp.square(ensemble.sigma_b)
    pair = correlated_expectation(ensemble.phi, q11, q22, q12, rule=rule)
    return (
        length_map(ensemble, q11, rule),
        length_map(ensemble, q22, rule),
        sw2 * pair + sb2,
    )


def correlation_map(
    ensemble: NetworkEnsemble,
    c: Float[ArrayLike, "*batch"],
    q: Float[ArrayLike, "*batch"],
    rule: AbstractGaussianRule = DEFAULT_RULE,
) -> Float[Array, "*batch"]:
    """The correlation map for two inputs of equal length $q$,

    $$c^l = \\frac{\\sigma_w^2 E[\\phi(u_1)\\phi(u_2)] + \\sigma_b^2}{V(q)}, \\qquad
    u_1 = \\sqrt{q} z_1,\\ u_2 = \\sqrt{q}(c z_1 + \\sqrt{1 - c^2} z_2),$$

    with $c = c^{l-1}$. At the length fixed point $V(q^*) = q^*$ it is the map of
    Poole et al. (2016) whose fixed point is $c^*$; it always has $c = 1$ as a fixed
    point.

    **Arguments:**

    - `ensemble`: the network ensemble.
    - `c`: the previous layer's correlation, in $[-1, 1]$.
    - `q`: the previous layer's length (variance) $q > 0$.
    - `rule`: quadrature rule for nonlinearities without closed forms.
    """
    q = jnp.asarray(q, float)
    sw2, sb2 = jnp.square(ensemble.sigma_w), jnp.square(ensemble.sigma_b)
    pair = correlated_expectation(ensemble.phi, q, q, c * q, rule=rule)
    return (sw2 * pair + sb2) / length_map(ensemble, q, rule)


def chi_c(
    ensemble: NetworkEnsemble,
    c: Float[ArrayLike, "*batch"],
    q: Float[ArrayLike, "*batch"],
    rule: AbstractGaussianRule = DEFAULT_RULE,
) -> Float[Array, "*batch"]:
    """$\\chi_c = \\sigma_w^2 E[\\phi'(u_1)\\phi'(u_2)]$ with $(u_1, u_2)$ as in
    `dmft.deep.correlation_map`: the slope of the correlation map at $c$ when $q$ is the
    length fixed point (Price's theorem). At $c = c^*$ it sets the depth scale
    $\\xi_c = -1/\\log\\chi_c$ (Schoenholz et al. 2017); at $c = 1$ it is $\\chi_1$.

    Arguments as in `dmft.deep.correlation_map`.
    """
    q = jnp.asarray(q, float)
    sw2 = jnp.square(ensemble.sigma_w)
    return sw2 * correlated_expectation(
        ensemble.phi, q, q, c * q, orders=(1, 1), rule=rule
    )
