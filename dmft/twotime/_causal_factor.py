"""Rows of a causal (lower-triangular) factor of a sampled covariance, for drawing
paths window by window."""

import jax.lax as lax
import jax.numpy as jnp
from jaxtyping import Array, Float, Int


def causal_factor_rows(
    cov: Float[Array, "n n"],
    factor: Float[Array, "n n"],
    start: Int[Array, ""],
    size: int,
    jitter: Float[Array, ""],
) -> Float[Array, "size n"]:
    """Rows `start:start + size` of the Cholesky factor $L$ of $K + \\epsilon \\bar K I$,
    given its rows above `start` in `factor`; $\\bar K$ is the mean of the diagonal of
    $K$ over the rows up to `start + size`. If $z \\sim N(0, I)$ then $L z$ has that
    covariance.

    By blocks, with $1$ the rows before `start` and $2$ the window:
    $L_{21} = K_{21} L_{11}^{-T}$, $L_{22} = \\mathrm{chol}(K_{22} + \\epsilon \\bar K I
    - L_{21} L_{21}^T)$. Shapes stay static under `jit`: $L_{11}$ is embedded in
    `factor` with identity rows from `start` on, and $K_{21}$ is zero there.

    Why Cholesky, with a jitter, rather than an eigendecomposition with clipped
    eigenvalues: $L$ is lower-triangular, so the path $\\eta(t) = \\sum_{t' \\le t}
    L(t, t') z(t')$ depends on $K$ only at times $\\le t$. With the same $z$ reused in
    every iteration (see `TwoTimeOptions`), the solver is then causal like a Picard
    iteration for a Volterra equation: once $C_\\phi$ has converged up to time $t$,
    the paths up to $t$ stop changing. That is what lets the solver march in windows
    of time. The cost is the jitter: the sampled covariance is smooth in time and
    numerically rank-deficient, so Cholesky needs it; it adds white noise of variance
    $\\epsilon \\bar K$ per grid point to $\\eta$, a relative change $\\epsilon$ (default
    $10^{-10}$) of $K$. Too small a jitter makes the factor NaN, which the solver
    reports as `nonfinite`.

    **Arguments:**

    - `cov`: the symmetric covariance matrix $K$ (only rows and columns before
      `start + size` are read).
    - `factor`: $L$, whose rows before `start` are final.
    - `start`: the first row to compute.
    - `size`: how many rows.
    - `jitter`: $\\epsilon$, relative to the mean variance.

    **Returns:** the rows of $L$, shape `(size, n)` (zero right of the diagonal).
    """
    n = cov.shape[0]
    index = jnp.arange(n)
    past = index < start
    known = index < start + size
    # Sums of outer products are symmetric only up to rounding.
    k_rows = lax.dynamic_slice(cov, (start, 0), (size, n))
    k_cols = lax.dynamic_slice(cov, (0, start), (n, size)).T
    k_rows = 0.5 * (k_rows + k_cols)
    l11 = jnp.where(past[:, None], factor, jnp.eye(n, dtype=cov.dtype))
    k21 = jnp.where(past[None, :], k_rows, 0.0)
    l21 = lax.linalg.triangular_solve(
        l11, k21, left_side=False, lower=True, transpose_a=True
    )
    k22 = lax.dynamic_slice(k_rows, (0, start), (size, size))
    scale = jnp.sum(jnp.where(known, jnp.diagonal(cov), 0.0)) / (start + size).astype(
        cov.dtype
    )
    # A floor for a covariance that vanishes (h(t0) = 0 with phi(0) = 0): then the
    # rows below stay zero instead of 0/0.
    shift = jitter * jnp.maximum(scale, jnp.finfo(cov.dtype).tiny)
    schur = k22 - l21 @ l21.T + shift * jnp.eye(size, dtype=cov.dtype)
    l22 = jnp.linalg.cholesky(0.5 * (schur + schur.T))
    return lax.dynamic_update_slice(l21, l22, (0, start))
