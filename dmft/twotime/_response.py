"""Response functions by forward-mode differentiation of sample paths."""

import jax
import jax.lax as lax
import jax.numpy as jnp
from jaxtyping import Array, Float, PRNGKeyArray

from .._nonlinearity import AbstractNonlinearity
from ._process import effective_paths


def trapezoid_weights(ts: Float[Array, " n"]) -> Float[Array, " n"]:
    """$\\int$ of the hat function at each grid point: $(t_{k+1} - t_{k-1}) / 2$, and
    half a step at either end."""
    dt = jnp.diff(ts)
    return 0.5 * (
        jnp.concatenate([dt, dt[-1:] * 0]) + jnp.concatenate([dt[:1] * 0, dt])
    )


def path_response(
    ts: Float[Array, " n"],
    forcing: Float[Array, "K n"],
    h0: Float[Array, " K"],
    noise: Float[Array, ""] | None,
    keys: PRNGKeyArray,
    phi: AbstractNonlinearity,
) -> tuple[Float[Array, "n n"], Float[Array, "n n"], Float[Array, "n n"]]:
    """Average responses of $K$ sample paths to an input $u$ added to their forcing.

    For path $i$, `jax.jacfwd` gives $J_i(t, t_k) = \\partial h_i(t) / \\partial u_k$
    for the input $u(t) = \\sum_k u_k \\Lambda_k(t)$ ($\\Lambda_k$ the hat function
    at $t_k$, of integral $w_k$); a delta input at $t_k$ is $u_k = 1 / w_k$, so
    $R(t, t_k) \\approx E_i[J_i(t, t_k)] / w_k$. The paths are processed one at a time
    (`lax.scan`), so memory stays at a few $n \\times n$ arrays.

    **Returns:** `(R, R_phi, R_phi_stderr)`: the mean of $J_i / w$, of
    $\\phi'(h_i(t)) J_i / w$, and the standard error of the latter.
    """
    weights = trapezoid_weights(ts)

    def one(stats, sample):
        f, y0, key = sample

        def path(u):
            h = effective_paths(ts, (f + u)[:, None], y0[None], noise, key[None])[:, 0]
            return h, h

        jac, h = jax.jacfwd(path, has_aux=True)(jnp.zeros_like(f))
        r = jac / weights
        r_phi = phi.derivative(h)[:, None] * r
        # Welford's update: sum-of-squares minus square-of-sum would lose the
        # (possibly zero) variance to rounding.
        count, mean_r, mean_phi, m2_phi = stats
        count = count + 1
        delta = r_phi - mean_phi
        mean_phi = mean_phi + delta / count
        m2_phi = m2_phi + delta * (r_phi - mean_phi)
        return (count, mean_r + (r - mean_r) / count, mean_phi, m2_phi), None

    n = ts.shape[0]
    zeros = jnp.zeros((n, n), ts.dtype)
    init = (jnp.asarray(0, ts.dtype), zeros, zeros, zeros)
    (_, r, r_phi, m2_phi), _ = lax.scan(one, init, (forcing, h0, keys))
    k = forcing.shape[0]
    return r, r_phi, jnp.sqrt(jnp.maximum(m2_phi, 0.0) / max(k - 1, 1) / k)
