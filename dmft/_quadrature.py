"""Fixed-node quadrature rules for expectations over a standard Gaussian.

A rule is data: `nodes_and_weights(shift, scale)` returns nodes $z_k$ and weights $w_k$
with $E_z[f(\\text{shift} + \\text{scale}\\, z)] \\approx \\sum_k w_k f(\\text{shift} +
\\text{scale}\\, z_k)$. The number of nodes is fixed, so every expectation jits, vmaps and
differentiates; the nodes may move with `shift` and `scale` (traced values).
"""

import abc
import math

import equinox as eqx
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, Float


class AbstractGaussianRule(eqx.Module):
    """A quadrature rule for $E_z[f(\\text{shift} + \\text{scale}\\, z)]$, $z \\sim N(0,1)$,
    where $f$ varies on a unit scale around 0 (the transition of tanh, the kink of
    ReLU)."""

    @abc.abstractmethod
    def nodes_and_weights(
        self, shift: Float[Array, ""], scale: Float[Array, ""]
    ) -> tuple[Float[Array, " n"], Float[Array, " n"]]:
        """Nodes and weights (weights include the Gaussian density and sum to 1)."""


class GaussHermite(AbstractGaussianRule):
    """Gauss-Hermite quadrature (probabilists' weight $e^{-z^2/2}$) with `n` nodes.

    Exact for polynomials of degree $2n - 1$; for $\\tanh(\\sqrt{q} z)$ it converges
    slowly once $\\sqrt{q} \\gtrsim 1$ (the poles at $\\pm i\\pi/(2\\sqrt{q})$ approach the
    real axis): 64 nodes give relative error $5\\times 10^{-2}$ at $q = 50$. Prefer
    `SinhTrapezoid` there.
    """

    nodes: Float[Array, " n"]
    weights: Float[Array, " n"]

    def __init__(self, n: int = 64):
        if n < 1:
            raise ValueError(f"GaussHermite needs n >= 1 nodes; got {n}.")
        x, w = np.polynomial.hermite_e.hermegauss(n)
        self.nodes = jnp.asarray(x)
        self.weights = jnp.asarray(w / math.sqrt(2 * math.pi))

    def nodes_and_weights(self, shift, scale):
        dtype = jnp.result_type(shift, scale, float)
        return self.nodes.astype(dtype), self.weights.astype(dtype)


class SinhTrapezoid(AbstractGaussianRule):
    """Trapezoidal rule after the map $z = z_0 + a \\sinh t$ that clusters nodes where
    $f(\\text{shift} + \\text{scale}\\, z)$ varies, at $z_0 = -\\text{shift}/\\text{scale}$,
    with width $a = \\min(1, \\text{resolution}/\\text{scale})$.

    The trapezoidal rule converges exponentially for analytic integrands, at a rate set
    by the distance of the nearest complex singularity; the sinh map keeps that distance
    of order one in $t$ whatever `scale` is. Measured against mpmath for
    $E[\\tanh^2(\\sqrt{q} z)]$: 61 nodes reach $3\\times 10^{-15}$ relative for every
    $q \\in [10^{-4}, 50]$, where 301 Gauss-Hermite nodes leave $2\\times 10^{-3}$ at
    $q = 50$.

    With `outer` set, the map is $z = z_0 + b \\operatorname{arcsinh}((a/b)\\sinh t)$,
    $b$ = `outer`: the same sinh clustering within the transition, but node spacings
    of at most $b h$ in $z$ beyond it (the pure sinh map spaces them like $|z| h$).
    That keeps the Gaussian factor resolved however large `scale` is: with `n=201`,
    `outer=3` the same test stays below $10^{-14}$ for every $q \\le 10^{16}$, where
    the pure sinh map with 201 nodes leaves $10^{-8}$ at $q = 10^{16}$ (and 61 nodes
    $10^{-3}$ at $q = 10^{12}$).

    **Arguments:**

    - `n`: number of nodes (odd is customary; >= 3).
    - `half_width`: the rule covers $|z| \\le$ `half_width` (8.5 leaves a Gaussian tail
        below $10^{-16}$).
    - `resolution`: the scale, in units of the argument of $f$, on which $f$ varies.
    - `outer`: `None` (the pure sinh map) or the largest node spacing $b > 0$ in units
        of $h$ away from the transition.
    """

    n: int = eqx.field(default=61, static=True)
    half_width: float = 8.5
    resolution: float = 1.5
    outer: float | None = None

    def __check_init__(self):
        if self.n < 3:
            raise ValueError(f"SinhTrapezoid needs n >= 3 nodes; got {self.n}.")
        if not (self.half_width > 0 and self.resolution > 0):
            raise ValueError("SinhTrapezoid needs half_width > 0 and resolution > 0.")
        if self.outer is not None and not self.outer > 0:
            raise ValueError(
                f"SinhTrapezoid needs outer > 0 or None; got {self.outer}."
            )

    def nodes_and_weights(self, shift, scale):
        dtype = jnp.result_type(shift, scale, float)
        shift = jnp.asarray(shift, dtype)
        scale = jnp.abs(jnp.asarray(scale, dtype))
        big = self.resolution / self.half_width
        safe_scale = jnp.where(scale > big, scale, big)
        a = jnp.minimum(1.0, self.resolution / safe_scale)
        z0 = jnp.clip(-shift / safe_scale, -self.half_width, self.half_width)
        z0 = jnp.where(scale > big, z0, 0.0)
        u = jnp.linspace(0.0, 1.0, self.n, dtype=dtype)
        if self.outer is None:
            t_lo = jnp.arcsinh((-self.half_width - z0) / a)
            t_hi = jnp.arcsinh((self.half_width - z0) / a)
            t = t_lo + (t_hi - t_lo) * u
            z = z0 + a * jnp.sinh(t)
            dz = a * jnp.cosh(t)
        else:
            b = self.outer
            t_lo = jnp.arcsinh(b * jnp.sinh((-self.half_width - z0) / b) / a)
            t_hi = jnp.arcsinh(b * jnp.sinh((self.half_width - z0) / b) / a)
            t = t_lo + (t_hi - t_lo) * u
            x = (a / b) * jnp.sinh(t)
            z = z0 + b * jnp.arcsinh(x)
            dz = a * jnp.cosh(t) / jnp.sqrt(1 + x**2)
        h = (t_hi - t_lo) / (self.n - 1)
        ends = jnp.ones(self.n, dtype).at[0].set(0.5).at[-1].set(0.5)
        w = ends * h * dz * jnp.exp(-0.5 * z**2) / math.sqrt(2 * math.pi)
        # Normalise so that constants integrate exactly (removes the truncated tail).
        return z, w / jnp.sum(w)
