"""A finite random rate network: couplings, biases, nonlinearity and noise amplitude."""

import equinox as eqx
import jax.numpy as jnp
import jax.random as jr
import numpy as np
from jaxtyping import Array, ArrayLike, Float, PRNGKeyArray

from .._ensemble import NetworkEnsemble
from .._nonlinearity import AbstractNonlinearity, Tanh
from .._validation import (
    check_finite,
    check_finite_nonnegative,
    check_integer,
    check_memory,
    concrete,
)


class RateNetwork(eqx.Module):
    """One realisation of a random rate network,

    $$dh_i = \\Big(-h_i + \\sum_j W_{ij} \\phi(h_j) + b_i\\Big) dt + \\sigma dB_i,$$

    with independent Brownian motions $B_i$ (an ODE when $\\sigma = 0$).

    Build it from your own couplings (to compare with another simulator on the same
    $W, b$) with `RateNetwork(W, b, phi, noise)`, or draw it from an ensemble with
    [`dmft.RateNetwork.sample`][].

    **Arguments:**

    - `W`: couplings, shape `(n, n)`; `W[i, j]` is the weight from $j$ to $i$.
    - `b`: biases, shape `(n,)` (default zeros).
    - `phi`: the nonlinearity (default `Tanh()`).
    - `noise`: white-noise amplitude $\\sigma \\ge 0$.

    **Raises:**

    `ValueError` if `W` is not square, `b` does not have length `n`, or any entry is
    NaN/infinite, or `noise` is negative.
    """

    W: Float[Array, "n n"]
    b: Float[Array, " n"]
    phi: AbstractNonlinearity
    noise: Float[ArrayLike, ""]

    def __init__(
        self,
        W: Float[ArrayLike, "n n"],
        b: Float[ArrayLike, " n"] | None = None,
        phi: AbstractNonlinearity = Tanh(),
        noise: Float[ArrayLike, ""] = 0.0,
    ):
        W = jnp.asarray(W)
        if not jnp.issubdtype(W.dtype, jnp.floating):
            W = W.astype(float)
        self.W = W
        # NumPy zeros: no XLA program is compiled before the checks run.
        self.b = jnp.asarray(np.zeros(W.shape[:1], W.dtype) if b is None else b)
        self.phi = phi
        check_finite_nonnegative(noise=noise)
        if concrete(noise) is None:  # traced
            self.noise = jnp.asarray(noise).astype(W.dtype)
        else:
            # Kept as a NumPy value: it decides the solver (ODE or SDE), so it must stay
            # readable when the network is built inside `jax.jit`/`jax.vmap`.
            self.noise = np.asarray(noise, W.dtype)

    def __check_init__(self):
        if self.W.ndim != 2 or self.W.shape[0] != self.W.shape[1]:
            raise ValueError(f"`W` must be a square (n, n) matrix; got {self.W.shape}.")
        if self.b.shape != self.W.shape[:1]:
            raise ValueError(
                f"`b` must have shape ({self.W.shape[0]},) to match `W`; "
                f"got {self.b.shape}."
            )
        if np.ndim(self.noise) != 0:
            raise ValueError(f"`noise` must be a scalar; got shape {self.noise.shape}.")
        if not isinstance(self.phi, AbstractNonlinearity):
            raise ValueError(
                f"`phi` must be a dmft nonlinearity; got {type(self.phi).__name__}."
            )
        check_finite(W=self.W, b=self.b)
        check_finite_nonnegative(noise=self.noise)

    @classmethod
    def sample(
        cls,
        ensemble: NetworkEnsemble,
        key: PRNGKeyArray,
        n: int,
        dtype: jnp.dtype | None = None,
    ) -> "RateNetwork":
        """Draw one network: $W_{ij} \\sim N(\\bar w/n, \\sigma_w^2/n)$ and
        $b_i \\sim N(\\bar b, \\sigma_b^2)$, independently, with the ensemble's
        nonlinearity and noise amplitude.

        Works under `jax.vmap` over keys (one network per key). The noise amplitude
        decides the solver (ODE or SDE): a concrete amplitude decides at trace time;
        one traced under `jax.jit` (an ensemble built inside the jitted function)
        decides at run time, compiling both solvers.

        **Arguments:**

        - `ensemble`: the [`dmft.NetworkEnsemble`][].
        - `key`: a `jax.random` key.
        - `n`: number of neurons (a Python int >= 1).
        - `dtype`: floating dtype (default: float64 if x64 is enabled, else float32).

        **Returns:**

        A `RateNetwork`.

        **Raises:**

        `ValueError` if `n < 1`, or if the couplings would not fit in the device's
        memory (checked before anything is allocated; see
        [`dmft.network.network_memory`][]).
        """
        check_integer("n", n, 1)
        dtype = jnp.result_type(float) if dtype is None else dtype
        check_memory(
            network_memory(n, dtype),
            f"A network of n = {n} neurons",
            "use a smaller `n` (`--n`)",
        )
        kw, kb = jr.split(key)
        mean_w, sigma_w, mean_b, sigma_b = (
            jnp.asarray(x, dtype)
            for x in (
                ensemble.mean_w,
                ensemble.sigma_w,
                ensemble.mean_b,
                ensemble.sigma_b,
            )
        )
        scale = jnp.asarray(n, dtype)
        W = mean_w / scale + sigma_w / jnp.sqrt(scale) * jr.normal(kw, (n, n), dtype)
        b = mean_b + sigma_b * jr.normal(kb, (n,), dtype)
        return cls(W, b, ensemble.phi, ensemble.noise)

    @property
    def n(self) -> int:
        """Number of neurons."""
        return self.W.shape[0]

    def drift(self, t, h: Float[Array, "*batch n"], args=None) -> Array:
        """The deterministic vector field $-h + W\\phi(h) + b$ (diffrax signature).

        A leading batch axis is a matrix-matrix product: many trajectories on one $W$.
        """
        # Some nonlinearities compute in the default float; keep the state's dtype.
        r = self.phi(h).astype(h.dtype)
        # W contracted on its second axis: `r @ W.T` made XLA:CPU copy the transpose
        # of W on every evaluation (20x slower at n = 1000).
        return -h + jnp.einsum("ij,...j->...i", self.W, r) + self.b

    def tangent(
        self, h: Float[Array, " n"], v: Float[Array, "n k"]
    ) -> Float[Array, "n k"]:
        """The linearised flow $-v + W \\operatorname{diag}(\\phi'(h)) v$ applied to
        the `k` tangent vectors stored as columns of `v`."""
        slope = self.phi.derivative(h).astype(h.dtype)
        return -v + self.W @ (slope[:, None] * v)


def network_memory(n: int, dtype=None) -> int:
    """Bytes that drawing a [`dmft.RateNetwork`][] of `n` neurons needs at its peak:
    three `(n, n)` arrays of `dtype` (the normal draw, its scaled copy and the
    couplings $W$), the dominant term for any `n` > 10."""
    itemsize = jnp.dtype(jnp.result_type(float) if dtype is None else dtype).itemsize
    return 3 * n * n * itemsize
