"""The length map $V(q)$ of a deep random network, its slope and $\\chi_1$."""

import jax
import jax.numpy as jnp
from jaxtyping import Array, ArrayLike, Float

from .._custom_types import Order
from .._ensemble import NetworkEnsemble
from .._gaussian import DEFAULT_RULE, product_expectation
from .._nonlinearity import AbstractNonlinearity
from .._quadrature import AbstractGaussianRule


# The smallest length at which statistics are evaluated: those at q = 0 are taken as
# q -> 0+ (ReLU's phi'(0) is a convention; its chi_1 = sigma_w^2 / 2 holds for every
# q > 0), and the critical-line search starts there.
Q_FLOOR = 1e-30


def second_moment(
    phi: AbstractNonlinearity,
    q: ArrayLike,
    orders: tuple[Order, Order] = (0, 0),
    rule: AbstractGaussianRule = DEFAULT_RULE,
) -> Array:
    """$E[\\phi^{(i)}(u) \\phi^{(j)}(u)]$ for $u \\sim N(0, q)$.

    A one-variable closed form if the nonlinearity has one (ReLU, linear), else its
    zero-mean pair kernel at $q_{12} = q_{11} = q_{22}$ (erf's arcsine kernel), else
    one-variable quadrature: `n` nodes, where the pair route would take `n**2`.
    """
    q = jnp.asarray(q, float)
    if phi.gaussian_product_mean(orders, jnp.zeros_like(q), q) is None:
        closed = phi.gaussian_kernel(orders, q, q, q)
        if closed is not None:
            return closed
    return product_expectation(phi, 0.0, q, orders=orders, rule=rule)


def length_map(
    ensemble: NetworkEnsemble,
    q: Float[ArrayLike, "*batch"],
    rule: AbstractGaussianRule = DEFAULT_RULE,
) -> Float[Array, "*batch"]:
    """The length map of a deep network with untied weights,

    $$V(q) = \\sigma_w^2 E_z[\\phi(\\sqrt{q} z)^2] + \\sigma_b^2,$$

    the pre-activation variance $q^l = V(q^{l-1})$ of layer $l$ given that of layer
    $l - 1$, at infinite width.

    **Arguments:**

    - `ensemble`: the network ensemble (`mean_w = mean_b = noise = 0`).
    - `q`: the previous layer's variance $q \\ge 0$.
    - `rule`: quadrature rule for nonlinearities without closed forms.

    **Returns:** $V(q)$, shaped like `q`.

    ??? cite "References"

        ```bibtex
        @inproceedings{poole2016exponential,
          title={Exponential expressivity in deep neural networks through transient
                 chaos},
          author={Poole, Ben and Lahiri, Subhaneil and Raghu, Maithra and
                  Sohl-Dickstein, Jascha and Ganguli, Surya},
          booktitle={Advances in Neural Information Processing Systems 29},
          year={2016}
        }
        ```
    """
    sw2, sb2 = jnp.square(ensemble.sigma_w), jnp.square(ensemble.sigma_b)
    return sw2 * second_moment(ensemble.phi, q, (0, 0), rule) + sb2


def length_map_and_slope(
    ensemble: NetworkEnsemble,
    q: Float[ArrayLike, ""],
    rule: AbstractGaussianRule = DEFAULT_RULE,
) -> tuple[Float[Array, ""], Float[Array, ""]]:
    """$V(q)$ and $V'(q)$ in one forward-mode pass (scalar `q`).

    $V'(q)$ is the derivative of the length map itself (closed form or quadrature
    rule), which by Stein's lemma equals
    $\\chi_1 + \\sigma_w^2 E[\\phi''(\\sqrt{q} z)\\phi(\\sqrt{q} z)]$ (Schoenholz et al.
    2017, eq. 6); the tests check the two against each other.
    """
    q = jnp.asarray(q, float)
    return jax.jvp(lambda x: length_map(ensemble, x, rule), (q,), (jnp.ones_like(q),))


def length_map_slope(
    ensemble: NetworkEnsemble,
    q: Float[ArrayLike, "*batch"],
    rule: AbstractGaussianRule = DEFAULT_RULE,
) -> Float[Array, "*batch"]:
    """$V'(q) = dV/dq = \\chi_1(q) + \\sigma_w^2 E[\\phi''(\\sqrt{q} z)\\phi(\\sqrt{q} z)]$:
    the rate at which deviations of the length from its fixed point decay per layer,
    $\\xi_q = -1/\\log V'(q^*)$.

    Arguments as in `dmft.deep.length_map`.
    """
    q = jnp.asarray(q, float)
    return jnp.vectorize(lambda x: length_map_and_slope(ensemble, x, rule)[1])(q)


def chi_1(
    ensemble: NetworkEnsemble,
    q: Float[ArrayLike, "*batch"],
    rule: AbstractGaussianRule = DEFAULT_RULE,
) -> Float[Array, "*batch"]:
    """$\\chi_1(q) = \\sigma_w^2 E_z[\\phi'(\\sqrt{q} z)^2]$: the slope of the correlation
    map at $c = 1$ and the mean squared singular value of a layer's Jacobian. At the
    fixed point $q^*$, $\\chi_1 < 1$ is the ordered phase and $\\chi_1 > 1$ the chaotic
    one (Poole et al. 2016).

    Arguments as in `dmft.deep.length_map`.
    """
    sw2 = jnp.square(ensemble.sigma_w)
    return sw2 * second_moment(ensemble.phi, q, (1, 1), rule)
