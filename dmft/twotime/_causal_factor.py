"""Rows of a causal (lower-triangular) factor of a sampled covariance, for drawing
paths window by window."""

import jax.lax as lax
import jax.numpy as jnp
from jaxtyping import Array, Float, Int


def causal_factor_rows(
    cov: Float[Array, "n n"],
    inverse: Float[Array, "n n"],
    start: Int[Array, ""],
    size: int,
    jitter: Float[Array, ""],
) -> Float[Array, "size n"]:
    """Rows `start:start + size` of the Cholesky factor $L$ of $K + \\epsilon \\bar K I$,
    given the rows above `start` of its inverse in `inverse`; $\\bar K$ is the mean of
    the diagonal of $K$ over the rows up to `start + size`. If $z \\sim N(0, I)$ then
    $L z$ has that covariance.

    By blocks, with $1$ the rows before `start` and $2$ the window:
    $L_{21} = K_{21} L_{11}^{-T}$, $L_{22} = \\mathrm{chol}(K_{22} + \\epsilon \\bar K I
    - L_{21} L_{21}^T)$. $L_{11}^{-1}$ is kept (see `inverse_rows`) because the solver
    refactors the same rows in every iteration of a window, and a product with it is
    several times faster than a triangular solve. Shapes stay static under `jit`:
    the rows from `start` on of `inverse` and the columns of $K_{21}$ are masked.

    Why Cholesky, with a jitter, rather than an eigendecomposition with clipped
    eigenvalues: $L$ is lower-triangular, so the path $\\eta(t) = \\sum_{t' \\le t}
    L(t, t') z(t')$ depends on $K$ only at times $\\le t$. With the same $z$ reused in
    every iteration (see `TwoTimeOptions`), the solver is then causal like a Picard
    iteration for a Volterra equation: once $C_\\phi$ has converged up to time $t$,
    the paths up to $t$ stop changing. That is what lets the solver march in windows
    of time. The cost is the jitter: the sampled covariance is smooth in time and
    numerically rank-deficient, so Cholesky needs it; it adds white noise of variance
    $\\epsilon \\bar K$ per grid point to $\\eta$, a relative change $\\epsilon$ of
    $K$. Too small a jitter makes the factor NaN, which the solver reports as
    `nonfinite`. The jitter also bounds the condition number of $L$ by
    $\\epsilon^{-1/2}$, which keeps the product with $L_{11}^{-1}$ accurate.

    **Arguments:**

    - `cov`: the symmetric covariance matrix $K$ (only rows and columns before
      `start + size` are read).
    - `inverse`: $L^{-1}$, whose rows before `start` are final (the others are
      ignored).
    - `start`: the first row to compute.
    - `size`: how many rows.
    - `jitter`: $\\epsilon$, relative to the mean variance.

    **Returns:** the rows of $L$, shape `(size, n)` (zero right of the diagonal).
    """
    n = cov.shape[0]
    index = jnp.arange(n)
    known = index < start + size
    # Sums of outer products are symmetric only up to rounding.
    k_rows = lax.dynamic_slice(cov, (start, 0), (size, n))
    k_cols = lax.dynamic_slice(cov, (0, start), (n, size)).T
    k_rows = 0.5 * (k_rows + k_cols)
    past = index < start
    # Rows of `inverse` from `start` on may hold an earlier solve of these rows.
    l21 = jnp.where(
        past[None, :], jnp.where(past[None, :], k_rows, 0.0) @ inverse.T, 0.0
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


def inverse_rows(
    rows: Float[Array, "size n"],
    inverse: Float[Array, "n n"],
    start: Int[Array, ""],
) -> Float[Array, "size n"]:
    """Rows `start:start + size` of $L^{-1}$ from those rows of $L$ (from
    `causal_factor_rows`) and the rows of $L^{-1}$ above `start`:
    $(L^{-1})_{22} = L_{22}^{-1}$, $(L^{-1})_{21} = -L_{22}^{-1} L_{21} L_{11}^{-1}$.
    """
    size = rows.shape[0]
    l22 = lax.dynamic_slice_in_dim(rows, start, size, axis=1)
    l21 = jnp.where(jnp.arange(rows.shape[1]) < start, rows, 0.0)
    # L11^{-1} is lower-triangular: `l21 @ inverse` vanishes from `start` on.
    rhs = lax.dynamic_update_slice_in_dim(
        -(l21 @ inverse), jnp.eye(size, dtype=rows.dtype), start, axis=1
    )
    return lax.linalg.triangular_solve(l22, rhs, left_side=True, lower=True)
