"""The small option objects of the two-time DMFT solver."""

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, Float

from .._validation import check_finite, check_finite_nonnegative


class GaussianInitial(eqx.Module):
    """The initial condition $h(t_0) \\sim N(m_0, q_0)$ of every neuron, drawn
    independently of the couplings and biases.

    **Arguments:**

    - `mean`: $m_0$.
    - `variance`: $q_0 \\ge 0$.
    """

    mean: Float[Array, ""] = eqx.field(default=0.0, converter=jnp.asarray)
    variance: Float[Array, ""] = eqx.field(default=1.0, converter=jnp.asarray)

    def __check_init__(self):
        check_finite(mean=self.mean)
        check_finite_nonnegative(variance=self.variance)


def _optional_array(x):
    return None if x is None else jnp.asarray(x)


def _dtype_name(dtype) -> str:
    try:
        return jnp.dtype(dtype).name
    except TypeError:
        return str(dtype)  # rejected by `__check_init__`


class TwoTimeOptions(eqx.Module):
    """How the two-time DMFT fixed point is sampled and iterated.

    Each iteration maps $C_\\phi \\to (1 - \\alpha) C_\\phi + \\alpha F(C_\\phi)$, where
    $F$ samples `n_samples` paths of the effective process and re-estimates
    $C_\\phi(t, t') = E[\\phi(h(t)) \\phi(h(t'))]$ and $m_\\phi(t) = E[\\phi(h(t))]$.

    The map is causal ($C_\\phi$ at times $\\le t$ fixes the paths up to $t$), so the
    solver marches in windows of `window` grid points: it iterates the rows of
    $C_\\phi$ and $m_\\phi$ in the current window, with everything earlier already
    converged, until $\\max |F - C_\\phi|$ and $\\max |F - m_\\phi|$ there fall below
    `tol`, then continues the converged solution into the next window as its guess.
    Plain Picard iteration over the whole grid (Roy et al. 2019) needs a number of
    iterations that grows with the time span (~110 for $T = 100$ at $g = 2$), each
    costing $O(M n^2)$; a window of $w$ points converges in a few iterations of
    $O(M n w)$. `window >= len(ts) - 1` is plain Picard iteration.

    The same random numbers (white noise behind $\\eta$, biases, initial values,
    Brownian increments) are reused in every iteration ("common random numbers"):
    $F$ is then a deterministic map whose fixed point the tolerance measures, and the
    sampling error, $O(M^{-1/2})$, is reported separately by the solution. With fresh
    samples each iteration the change could never fall below the sampling noise.

    **Arguments:**

    - `n_samples`: $M$, the number of sampled neurons (paths). The sampling error of
      $C$ is about $q / \\sqrt{M}$.
    - `damping`: $\\alpha \\in (0, 1]$, the weight of the new estimate (1: no damping).
      The undamped iteration converges in the cases we tried; damping is there for
      harder ones.
    - `tol`: absolute tolerance on the change of $C_\\phi$ and $m_\\phi$ per iteration.
    - `max_iterations`: iterations per window before giving up.
    - `window`: grid points per marching window.
    - `jitter`: $\\epsilon$, added to the diagonal of the covariance of $\\eta$
      (relative to its mean diagonal) before its Cholesky factor is taken: the
      sampled covariance is numerically rank-deficient. `None` (default) picks
      $10^{-10}$ for `dtype="float64"` and $10^{-5}$ for `"float32"`, whose products
      round $C_\\phi$ at $\\sim 10^{-7}$ relative and so break its positive
      semi-definiteness at that level ($10^{-6}$ gave NaN at $M = 10^4$, $n = 1000$).
      Either adds white noise of relative variance $\\epsilon$ to $\\eta$, far below
      the sampling error.
    - `response_samples`: how many of the paths are differentiated for the response
      functions (each costs one forward-mode Jacobian of size $n_t \\times n_t$);
      0 skips the response.
    - `dtype`: `"float64"` or `"float32"`, the precision of the sample paths and of
      the $O(M n^2)$ products over them (drawing $\\eta$, re-estimating
      $C_\\phi$), where nearly all the time goes. $C_\\phi$, $m_\\phi$, the
      Cholesky factor and the returned solution stay in the precision of `ts`. The
      random numbers are drawn in the precision of `ts` and then rounded, so with
      the same `jitter` the two settings sample the same paths up to rounding.
      float32 rounding ($10^{-7}$) is far below the sampling error $M^{-1/2}$, but
      the self-consistency is chaotic at $g > 1$:
      rounding differences grow over time like differences of random numbers, so
      float32 and float64 solutions agree within the sampling error, not to
      rounding. A `tol` below $\\sim 10^{-5}$ needs float64.

    **Raises:** `ValueError` for `n_samples < 1`, `damping` outside $(0, 1]$,
    `tol <= 0`, `max_iterations < 1`, `window < 1`, negative `jitter` or
    `response_samples`, `response_samples > n_samples`, or a `dtype` other than
    float32 or float64.
    """

    n_samples: int = eqx.field(default=2000, static=True)
    damping: Float[Array, ""] = eqx.field(default=1.0, converter=jnp.asarray)
    tol: Float[Array, ""] = eqx.field(default=1e-3, converter=jnp.asarray)
    max_iterations: int = eqx.field(default=100, static=True)
    window: int = eqx.field(default=16, static=True)
    jitter: Float[Array, ""] | None = eqx.field(default=None, converter=_optional_array)
    response_samples: int = eqx.field(default=64, static=True)
    dtype: str = eqx.field(default="float64", static=True, converter=_dtype_name)

    def __check_init__(self):
        if int(self.n_samples) != self.n_samples or self.n_samples < 1:
            raise ValueError(
                f"`n_samples` must be an integer >= 1; got {self.n_samples}."
            )
        check_finite_nonnegative(damping=self.damping, tol=self.tol)
        if self.jitter is not None:
            check_finite_nonnegative(jitter=self.jitter)
        if not isinstance(self.damping, jax.core.Tracer) and not 0 < self.damping <= 1:
            raise ValueError(f"`damping` must lie in (0, 1]; got {self.damping}.")
        if not isinstance(self.tol, jax.core.Tracer) and not self.tol > 0:
            raise ValueError(f"`tol` must be > 0; got {self.tol}.")
        if int(self.max_iterations) != self.max_iterations or self.max_iterations < 1:
            raise ValueError(
                f"`max_iterations` must be an integer >= 1; got {self.max_iterations}."
            )
        if int(self.window) != self.window or self.window < 1:
            raise ValueError(f"`window` must be an integer >= 1; got {self.window}.")
        if not 0 <= self.response_samples <= self.n_samples:
            raise ValueError(
                "`response_samples` must lie in [0, n_samples]; got "
                f"{self.response_samples} with n_samples={self.n_samples}."
            )
        if self.dtype not in ("float32", "float64"):
            raise ValueError(f"`dtype` must be float32 or float64; got {self.dtype!r}.")
