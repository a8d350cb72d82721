"""The small option objects of the two-time DMFT solver."""

import equinox as eqx
import jax.numpy as jnp
from jaxtyping import Array, Float

from .._quadrature import AbstractGaussianRule, SinhTrapezoid
from .._validation import (
    check_finite,
    check_finite_nonnegative,
    check_integer,
    check_interval,
    check_positive,
)


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

    The solve has two stages.

    **1. Marching (a warm start).** Each iteration maps $C_\\phi \\to (1 - \\alpha)
    C_\\phi + \\alpha F_M(C_\\phi)$, where $F_M$ samples `n_samples` paths of the
    effective process and re-estimates $C_\\phi(t, t') = E[\\phi(h(t)) \\phi(h(t'))]$
    and $m_\\phi(t) = E[\\phi(h(t))]$. The same random numbers are reused in every
    iteration ("common random numbers"), so $F_M$ is a deterministic map whose fixed
    point the tolerance measures. The map is causal ($C_\\phi$ at times $\\le t$
    fixes the paths up to $t$), so the solver marches in windows of `window` grid
    points: it iterates the rows of $C_\\phi$ and $m_\\phi$ in the current window,
    with everything earlier already converged, until $\\max |F_M - C_\\phi|$ and
    $\\max |F_M - m_\\phi|$ there fall below `tol`, then continues the converged
    solution into the next window as its guess. Plain Picard iteration over the whole
    grid (Roy et al. 2019) needs a number of iterations that grows with the time span
    (~110 for $T = 100$ at $g = 2$), each costing $O(M n^2)$; a window of $w$ points
    converges in a few iterations of $O(M n w)$. `window >= len(ts) - 1` is plain
    Picard iteration.

    This fixed point is biased by $O(1/M)$: it is a nonlinear function of the frozen
    random numbers (the $M$ paths drive themselves through their own sampled
    $C_\\phi$, like a network of $M$ neurons), and the average of a nonlinear function
    of noise is not the function of the average. At $g = 2$ the late-time $q$ is
    $\\approx 4\\%$ high at $M = 2000$ and $\\approx 1\\%$ at $M = 8000$.

    **2. Independent passes (the estimate).** Starting from the marching solution,
    `passes` passes over the whole grid each draw *fresh* random numbers: $M$ new
    paths driven by the current driving covariance $D$, giving an estimate
    $F_M(D)$ that is unbiased for $F(D)$ (independent paths, non-centred averages,
    and $1/(M - 1)$ for the centred covariance). The first `burn_in` passes set
    $D \\leftarrow F_M(D)$ and are discarded (they forget the marching bias; one pass
    already removes most of it); after them $D$ is the running average of the
    estimates so far (Robbins-Monro with step $1/k$), and the solution is the average
    of the `passes - burn_in` kept estimates. The noise then enters the iteration
    additively instead of being frozen into its fixed point: the remaining bias comes
    from the fluctuation of $D$, of variance $O(1/(kM))$ after $k$ passes, i.e.
    $O(\\log K / (K M))$ for $K$ kept passes. Each pass costs one Cholesky factor,
    $O(n^3)$, and $O(M n^2)$ products. `passes=0` returns the (biased) marching
    fixed point.

    **Arguments:**

    - `n_samples`: $M \\ge 2$, the number of sampled neurons (paths) per iteration and
      per pass. The sampling error of one pass is about $q / \\sqrt{M}$.
    - `damping`: $\\alpha \\in (0, 1]$, the weight of the new estimate in the
      marching stage (1: no damping).
    - `tol`: absolute tolerance on the change of $C_\\phi$ and $m_\\phi$ per
      marching iteration.
    - `max_iterations`: marching iterations per window before giving up.
    - `window`: grid points per marching window.
    - `passes`: independent passes (stage 2), `burn_in` of them discarded; 0, or at
      least `burn_in + 2` (the standard errors come from the spread over passes).
    - `burn_in`: passes discarded before averaging.
    - `jitter`: $\\epsilon$, added to the diagonal of the covariance of $\\eta$
      (relative to its mean diagonal) before its Cholesky factor is taken: the
      sampled covariance is numerically rank-deficient. `None` (default) picks
      $10^{-10}$ for `dtype="float64"` and $10^{-5}$ for `"float32"`, whose products
      round $C_\\phi$ at $\\sim 10^{-7}$ relative and so break its positive
      semi-definiteness at that level ($10^{-6}$ gave NaN at $M = 10^4$, $n = 1000$).
      Either adds white noise of relative variance $\\epsilon$ to $\\eta$, far below
      the sampling error.
    - `response_samples`: how many paths of the last pass are differentiated for the
      response functions (each costs one forward-mode Jacobian of size
      $n_t \\times n_t$); 0 skips the response.
    - `dtype`: `"float64"` or `"float32"`, the precision of the sample paths and of
      the $O(M n^2)$ products over them (drawing $\\eta$, re-estimating
      $C_\\phi$), where nearly all the time goes. $C_\\phi$, $m_\\phi$, the
      Cholesky factor and the returned solution stay in the precision of `ts`. The
      random numbers are drawn in the precision of `ts` and then rounded, so with
      the same `jitter` the two settings sample the same paths up to rounding.
      float32 rounding ($10^{-7}$) is far below the sampling error $M^{-1/2}$, but
      the self-consistency is chaotic at $g > 1$: rounding differences grow over
      time like differences of random numbers, so float32 and float64 solutions
      agree within the sampling error, not to rounding. A `tol` below
      $\\sim 10^{-5}$ needs float64.
    - `max_memory`: the largest memory in bytes the solve may need, by the estimate
      of `memory_bytes` (default 8 GiB). A larger problem is refused before any
      computation (XLA aborts the process when an allocation fails).

    **Raises:** `ValueError` for `n_samples < 2`, `damping` outside $(0, 1]$,
    `tol <= 0`, `max_iterations < 1`, `window < 1`, `passes` in
    $[1, $ `burn_in + 1`$]$, negative `burn_in`, negative `jitter` or
    `response_samples`, `response_samples > n_samples`, a `dtype` other than float32
    or float64, or `max_memory <= 0`.
    """

    n_samples: int = eqx.field(default=2000, static=True)
    damping: Float[Array, ""] = eqx.field(default=1.0, converter=jnp.asarray)
    tol: Float[Array, ""] = eqx.field(default=1e-3, converter=jnp.asarray)
    max_iterations: int = eqx.field(default=100, static=True)
    window: int = eqx.field(default=16, static=True)
    passes: int = eqx.field(default=16, static=True)
    burn_in: int = eqx.field(default=4, static=True)
    jitter: Float[Array, ""] | None = eqx.field(default=None, converter=_optional_array)
    response_samples: int = eqx.field(default=64, static=True)
    dtype: str = eqx.field(default="float64", static=True, converter=_dtype_name)
    max_memory: float = eqx.field(default=float(2**33), static=True)

    def __check_init__(self):
        check_integer("n_samples", self.n_samples, 2)
        check_interval("damping", self.damping, 0.0, 1.0)
        check_positive(tol=self.tol)
        check_integer("max_iterations", self.max_iterations, 1)
        check_integer("window", self.window, 1)
        check_integer("burn_in", self.burn_in, 0)
        check_integer("passes", self.passes, 0)
        if 0 < self.passes < self.burn_in + 2:
            raise ValueError(
                "`passes` must be 0 or >= burn_in + 2 (the standard errors come from "
                f"the spread of the kept passes); got passes={self.passes} with "
                f"burn_in={self.burn_in}."
            )
        if self.jitter is not None:
            check_finite_nonnegative(jitter=self.jitter)
        check_integer("response_samples", self.response_samples, 0, self.n_samples)
        if self.dtype not in ("float32", "float64"):
            raise ValueError(f"`dtype` must be float32 or float64; got {self.dtype!r}.")
        check_positive(max_memory=self.max_memory)

    def memory_bytes(self, n_times: int) -> int:
        """An estimate of the memory a solve on `n_times` grid times needs, in bytes:
        about eight $n \\times M$ arrays of paths (their random numbers, forcing,
        values, $\\phi$ of them) in `dtype` and sixteen $n \\times n$ arrays
        ($C_\\phi$, its factor and inverse, the averages over passes and their
        spreads, one Jacobian of the response) in float64; measured peaks are
        within a factor 2 of it. Pure Python: it never allocates."""
        n, M = int(n_times), int(self.n_samples)
        path_bytes = jnp.dtype(self.dtype).itemsize
        return 8 * n * M * path_bytes + 16 * n * n * 8

    def check_memory(self, n_times: int) -> None:
        """Raise `ValueError` if `memory_bytes(n_times)` exceeds `max_memory`."""
        need = self.memory_bytes(n_times)
        if need > self.max_memory:
            raise ValueError(
                f"a two-time solve on {n_times} grid times with n_samples="
                f"{self.n_samples} needs about {need / 2**30:.3g} GiB, more than "
                f"`max_memory` = {self.max_memory / 2**30:.3g} GiB: use fewer times "
                "(a shorter span or a coarser grid) or fewer `n_samples`."
            )


class TwoTimeQuadratureOptions(eqx.Module):
    """How `dmft.solve_two_time_quadrature` marches and integrates.

    **Arguments:**

    - `rule`: the Gaussian quadrature rule of the pair expectations
      $E[\\phi(h(t)) \\phi(h(t'))]$ (nested: outer over the shared direction, inner
      over the independent one; closed forms are used where the nonlinearity has
      them). The default `SinhTrapezoid(n=41)` is within $2\\times10^{-9}$ relative of
      a 201-node reference for tanh at every correlation and variances
      $0.5$-$50$ (Gauss-Hermite with 40 nodes leaves $10^{-4}$ at variance 2).
    - `tol`: absolute tolerance of the implicit step: the new row of $C_\\phi$ and
      $m_\\phi$ is iterated (with Anderson mixing) until its estimated error, the
      last change times $r/(1 - r)$ with the contraction rate $r$ measured from the
      last two changes, is below `tol`. `None` (default) picks
      $10^{-10}$ for a float64 grid and $10^{-5}$ for float32 (whose rounding,
      $\\sim 10^{-7}$ of each pair expectation, a smaller tolerance cannot see past).
    - `max_iterations`: iterations per time step before giving up
      (`RESULTS.max_iterations_reached`).
    - `max_memory`: the largest memory in bytes the solve may need, by the estimate
      of `memory_bytes` (default 8 GiB); a larger problem is refused before any
      computation.

    **Raises:** `ValueError` for a `rule` that is not an `AbstractGaussianRule`,
    `tol <= 0`, `max_iterations < 1` or `max_memory <= 0`.
    """

    rule: AbstractGaussianRule = SinhTrapezoid(n=41)
    tol: Float[Array, ""] | None = eqx.field(default=None, converter=_optional_array)
    max_iterations: int = eqx.field(default=50, static=True)
    max_memory: float = eqx.field(default=float(2**33), static=True)

    def __check_init__(self):
        if not isinstance(self.rule, AbstractGaussianRule):
            raise ValueError(
                f"`rule` must be an AbstractGaussianRule; got {type(self.rule)}."
            )
        if self.tol is not None:
            check_positive(tol=self.tol)
        check_integer("max_iterations", self.max_iterations, 1)
        check_positive(max_memory=self.max_memory)

    def memory_bytes(self, n_times: int) -> int:
        """An estimate of the memory a solve on `n_times` grid times needs, in bytes:
        twelve $n \\times n$ float64 arrays ($C$, $C_\\phi$, the cross-covariance of
        $h$ with its forcing, the responses, the zero standard errors and copies in
        flight) and the per-step history. Pure Python: it never allocates."""
        n = int(n_times)
        return 12 * n * n * 8 + n * self.max_iterations * 8

    def check_memory(self, n_times: int) -> None:
        """Raise `ValueError` if `memory_bytes(n_times)` exceeds `max_memory`."""
        need = self.memory_bytes(n_times)
        if need > self.max_memory:
            raise ValueError(
                f"a two-time solve on {n_times} grid times needs about "
                f"{need / 2**30:.3g} GiB, more than `max_memory` = "
                f"{self.max_memory / 2**30:.3g} GiB: use fewer times (a shorter span "
                "or a coarser grid)."
            )
