"""A causal (lower-triangular) factor of a sampled covariance, for drawing paths."""

import jax.numpy as jnp
from jaxtyping import Array, Float


def causal_factor(
    cov: Float[Array, "n n"], jitter: Float[Array, ""]
) -> Float[Array, "n n"]:
    """The Cholesky factor $L$ of $K + \\epsilon \\bar K I$, $\\bar K$ the mean of
    the diagonal of $K$: if $z \\sim N(0, I)$ then $L z$ has covariance
    $K + \\epsilon \\bar K I$.

    Why Cholesky, with a jitter, rather than an eigendecomposition with clipped
    eigenvalues: $L$ is lower-triangular, so the path $\\eta(t) = \\sum_{t' \\le t}
    L(t, t') z(t')$ depends on $K$ only at times $\\le t$. With the same $z$ reused in
    every iteration (see `TwoTimeOptions`), the solver is then causal like a Picard
    iteration for a Volterra equation: once $C_\\phi$ has converged up to time $t$,
    the paths up to $t$ stop changing, and the converged window grows from $t_0$.
    A symmetric square root $V \\Lambda^{1/2} V^T$ mixes all times and needs an
    eigendecomposition, about three times the cost of Cholesky per iteration in our
    runs (tanh, $g = 2$, $n = 401$), for no fewer iterations. The cost is the jitter: the
    sampled covariance is smooth in time and numerically rank-deficient, so
    Cholesky needs it; it adds white noise of variance $\\epsilon \\bar K$ per grid
    point to $\\eta$, a relative change $\\epsilon$ (default $10^{-10}$) of $K$.
    Too small a jitter makes the factor NaN, which the solver reports as
    `nonfinite`.

    **Arguments:**

    - `cov`: the symmetric covariance matrix $K$.
    - `jitter`: $\\epsilon$, relative to the mean variance.

    **Returns:** $L$, lower-triangular.
    """
    # Symmetrise: sums of outer products are symmetric only up to rounding.
    sym = 0.5 * (cov + cov.T)
    shift = jitter * jnp.mean(jnp.diagonal(sym))
    return jnp.linalg.cholesky(sym + shift * jnp.eye(sym.shape[0], dtype=sym.dtype))
