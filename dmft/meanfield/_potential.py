"""The classical-particle picture of the stationary DMFT (Sompolinsky, Crisanti & Sommers
1988): the autocorrelation $\\Delta(\\tau)$ moves in a potential $V(\\Delta; \\Delta_0)$.

For zero-mean couplings and biases, the stationary autocorrelation of
$\\dot h = -h + \\eta + b + \\sigma\\xi$ obeys, for $\\tau \\ne 0$,

$$\\ddot\\Delta = \\Delta - g^2 C(\\Delta; \\Delta_0) - \\sigma_b^2
= -\\partial_\\Delta V(\\Delta; \\Delta_0),$$

$$C(\\Delta; \\Delta_0) = E[\\phi(u_1)\\phi(u_2)],\\quad
V(\\Delta; \\Delta_0) = -\\tfrac12 \\Delta^2 + \\sigma_b^2 \\Delta
+ g^2 E[\\Phi(u_1)\\Phi(u_2)],$$

with $u_{1,2}$ zero-mean Gaussians of variance $\\Delta_0$ and covariance $\\Delta$;
$\\partial_\\Delta E[\\Phi(u_1)\\Phi(u_2)] = C$ by Price's theorem. All three functions
broadcast over `delta` and `delta0` and are jit/vmap/grad-friendly.
"""

import jax.numpy as jnp
from jaxtyping import Array, ArrayLike, Float

from .._ensemble import NetworkEnsemble
from .._gaussian import correlated_expectation


def correlation_function(
    ensemble: NetworkEnsemble, delta: ArrayLike, delta0: ArrayLike
) -> Float[Array, "..."]:
    """$C(\\Delta; \\Delta_0) = E[\\phi(u_1)\\phi(u_2)]$, the correlation of the rates at
    lag $\\tau$ when $\\Delta(\\tau) = \\Delta$.

    **Arguments:**

    - `ensemble`: the network ensemble (only `phi` is used).
    - `delta`: the covariance $\\Delta$, $|\\Delta| \\le \\Delta_0$.
    - `delta0`: the variance $\\Delta_0$.

    **Returns:** $C$, broadcast over `delta` and `delta0`.
    """
    return correlated_expectation(ensemble.phi, delta0, delta0, delta)


def potential(
    ensemble: NetworkEnsemble, delta: ArrayLike, delta0: ArrayLike
) -> Float[Array, "..."]:
    """The potential $V(\\Delta; \\Delta_0) = -\\tfrac12 \\Delta^2 + \\sigma_b^2 \\Delta +
    g^2 E[\\Phi(u_1)\\Phi(u_2)]$ in which $\\Delta(\\tau)$ moves as a classical particle,
    $\\ddot\\Delta = -\\partial_\\Delta V$ (with $g$ = `ensemble.sigma_w`).

    **Arguments:** as in `dmft.meanfield.correlation_function`.

    **Returns:** $V$, broadcast over `delta` and `delta0`.
    """
    delta = jnp.asarray(delta, float)
    g2, sb2 = ensemble.sigma_w**2, ensemble.sigma_b**2
    pair = correlated_expectation(ensemble.phi, delta0, delta0, delta, orders=(-1, -1))
    return -0.5 * delta**2 + sb2 * delta + g2 * pair


def schrodinger_potential(
    ensemble: NetworkEnsemble, delta: ArrayLike, delta0: ArrayLike
) -> Float[Array, "..."]:
    """$W = 1 - g^2 E[\\phi'(u_1)\\phi'(u_2)]$, the potential of the Schrodinger problem
    $-\\psi'' + W(\\tau)\\psi = E\\psi$ whose ground state gives the DMFT Lyapunov
    exponent. Since $\\partial_\\Delta C = E[\\phi'(u_1)\\phi'(u_2)]$ (Price's theorem),
    $W = -\\partial_\\Delta^2 V$.

    **Arguments:** as in `dmft.meanfield.correlation_function`.

    **Returns:** $W$, broadcast over `delta` and `delta0`.
    """
    g2 = ensemble.sigma_w**2
    return 1 - g2 * correlated_expectation(
        ensemble.phi, delta0, delta0, delta, orders=(1, 1)
    )
