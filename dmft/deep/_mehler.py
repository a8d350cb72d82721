"""Mehler's series of the pair expectation of two inputs of equal length: the
correlation map as a polynomial in $c$ from one-variable integrals."""

import equinox as eqx
import jax
import jax.lax as lax
import jax.numpy as jnp
from jaxtyping import Array, ArrayLike, Float

from .._gaussian import DEFAULT_RULE
from .._nonlinearity import AbstractNonlinearity
from .._quadrature import AbstractGaussianRule


class MehlerSeries(eqx.Module):
    """$f(c) = E[\\phi(u_1)\\phi(u_2)]$ for $u_1 = \\sqrt{q} z_1$,
    $u_2 = \\sqrt{q}(c z_1 + \\sqrt{1 - c^2} z_2)$, $c \\in [0, 1]$, by Mehler's
    expansion of the bivariate Gaussian density,

    $$f(c) = \\sum_{k \\ge 0} b_k^2 c^k, \\qquad b_k = E[\\phi(\\sqrt{q} z) h_k(z)],$$

    with $h_k = \\mathrm{He}_k / \\sqrt{k!}$ the orthonormal Hermite polynomials. By
    Price's theorem $f^{(n)}(c) = q^n E[\\phi^{(n)}(u_1)\\phi^{(n)}(u_2)]$, so $f(1)$,
    $f'(1)$, $f''(1)$ are the one-variable moments $E[\\phi^2]$, $q E[\\phi'^2]$,
    $q^2 E[\\phi''^2]$.

    The series is summed to $k = K$. The rest has weight $T = f(1) - \\sum_{k \\le K}
    b_k^2$, and its order $k$ a mean and variance fixed by $f'(1)$ and $f''(1)$; it is
    modelled by negative-binomial weights in $j = k - K - 1$ with that mean and
    variance (shape $\\alpha$, ratio $r$):

    $$f(c) \\approx \\sum_{k \\le K} b_k^2 c^k + T c^{K + 1}
    \\left(\\frac{1 - r}{1 - r c}\\right)^\\alpha.$$

    The tail is exact in value, slope and curvature at $c = 1$, so $f(1)$ and
    $\\chi_1 = \\sigma_w^2 f'(1)/q$ are those of the one-variable moments and
    $c^* \\to 1$ exactly where $\\chi_1 \\to 1$; below $c = 1$ its error is
    $O(T (1 - c)^3)$ and at most $T c^{K+1}$. Smooth $\\phi$ have $b_k^2$ decaying
    faster than any power (tanh: about as $e^{-\\pi\\sqrt{2k/q}}$), so $T$ is small for
    the lengths of a phase diagram; non-smooth ones have closed kernels instead.

    **Fields:** `squares` ($b_k^2$, $k = 0, \\ldots, K$), `tail` ($T \\ge 0$),
    `ratio` ($r \\in [0, 1)$), `shape` ($\\alpha > 0$).

    ??? cite "References"

        ```bibtex
        @article{mehler1866ueber,
          title={Ueber die Entwicklung einer Function von beliebig vielen Variabeln
                 nach Laplaceschen Functionen h{\\"o}herer Ordnung},
          author={Mehler, F. G.},
          journal={Journal f{\\"u}r die reine und angewandte Mathematik},
          volume={66},
          pages={161--176},
          year={1866}
        }
        ```
    """

    squares: Float[Array, " order_plus_1"]
    tail: Float[Array, ""]
    ratio: Float[Array, ""]
    shape: Float[Array, ""]

    def _tail(self, c):
        """The tail and its slope at $c$."""
        start = self.squares.shape[0]  # K + 1
        r, alpha = self.ratio, self.shape
        damping = jnp.exp(alpha * (jnp.log1p(-r) - jnp.log1p(-r * c)))
        value = self.tail * c**start * damping
        slope = (
            self.tail
            * c ** (start - 1)
            * damping
            * (start + alpha * r * c / (1 - r * c))
        )
        return value, slope

    def __call__(self, c: Float[ArrayLike, ""]) -> Float[Array, ""]:
        """$f(c)$."""
        return jnp.polyval(self.squares[::-1], c) + self._tail(c)[0]

    def derivative(self, c: Float[ArrayLike, ""]) -> Float[Array, ""]:
        """$f'(c) = q E[\\phi'(u_1)\\phi'(u_2)]$."""
        k = jnp.arange(1, self.squares.shape[0], dtype=self.squares.dtype)
        head = jnp.polyval((k * self.squares[1:])[::-1], c)
        return head + self._tail(c)[1]


def hermite_functions(
    z: Float[Array, " n"], order: int
) -> Float[Array, "order_plus_1 n"]:
    """$h_k(z)$, $k = 0, \\ldots, K$ (`order`), by the three-term recurrence
    $h_{k+1} = (z h_k - \\sqrt{k} h_{k-1}) / \\sqrt{k+1}$, stable upwards."""

    def step(carry, k):
        previous, current = carry
        new = (z * current - jnp.sqrt(k) * previous) / jnp.sqrt(k + 1)
        return (current, new), new

    ones = jnp.ones_like(z)
    ks = jnp.arange(order, dtype=z.dtype)
    _, rest = lax.scan(step, (jnp.zeros_like(z), ones), ks)
    return jnp.concatenate([ones[None], rest])


def mehler_series(
    phi: AbstractNonlinearity,
    q: Float[ArrayLike, ""],
    rule: AbstractGaussianRule = DEFAULT_RULE,
    order: int = 48,
) -> MehlerSeries:
    """The `dmft.deep.MehlerSeries` of `phi` at length $q > 0$: the pair expectation
    $E[\\phi(u_1)\\phi(u_2)]$ of two inputs of length $q$ as a polynomial in their
    correlation $c$, from one-variable integrals. The moments $E[\\phi^{(n)2}]$,
    $n \\le 2$, that fix the tail use the same rule, so that the tail is not swamped
    by the difference of two quadratures.

    **Arguments:**

    - `phi`: a smooth nonlinearity (the series uses its values and first two
        derivatives at the nodes, never its closed forms).
    - `q`: the length (variance) $q > 0$, a scalar (vmap for more).
    - `rule`: the quadrature rule for $b_k$ at scale $\\sqrt{q}$. The default
        `SinhTrapezoid(61)` resolves $h_k$ up to $k \\approx 50$.
    - `order`: the last index $K$ summed exactly.

    **Returns:** a `dmft.deep.MehlerSeries`; call it for $f(c)$, and its
    `derivative` for $f'(c) = q E[\\phi'(u_1)\\phi'(u_2)]$.
    """
    q = jnp.asarray(q, float)
    z, w = rule.nodes_and_weights(jnp.zeros_like(q), jnp.sqrt(q))
    x = jnp.sqrt(q) * z
    # b_k = E[phi(sqrt(q) z) h_k(z)]. Matrix products rather than sums: with a rule
    # shared by a batch of lengths (dmft.deep.phase_diagram) the Hermite matrix is
    # computed once and the batch's coefficients are one matrix product.
    squares = (hermite_functions(z, order) @ (w * phi(x))) ** 2
    values = jnp.stack([phi.function(n)(x) ** 2 for n in (0, 1, 2)])
    moments = q ** jnp.arange(3, dtype=q.dtype) * (values @ w)
    k = jnp.arange(order + 1, dtype=squares.dtype)
    tail, tail_1, tail_2 = (
        m - jnp.sum(factor * squares) for m, factor in zip(moments, (1, k, k * (k - 1)))
    )
    # Below a few rounding units of f(1) the tail is noise: drop it.
    significant = tail > 64 * jnp.finfo(q.dtype).eps * moments[0]
    safe = jnp.where(significant, tail, 1.0)
    mean = tail_1 / safe
    variance = tail_2 / safe + mean - mean**2
    # Negative binomial in j = k - K - 1 with this mean and variance; it needs
    # variance > mean > 0, which rounding may violate when the tail is tiny.
    excess = jnp.maximum(mean - (order + 1), 1e-3)
    variance = jnp.maximum(variance, excess * (1 + 1e-6))
    ratio = 1 - excess / variance
    shape = excess**2 / (variance - excess)
    return MehlerSeries(
        squares,
        jnp.where(significant, tail, 0.0),
        jnp.where(significant, ratio, 0.0),
        jnp.where(significant, shape, 1.0),
    )


def series_curvature(series: MehlerSeries) -> Float[Array, ""]:
    """$f''(1)$ of the truncated series with its tail: the curvature that sets the
    correlation solve's start value."""
    one = jnp.ones_like(series.tail)
    return jax.jvp(series.derivative, (one,), (one,))[1]
