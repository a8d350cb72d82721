"""The largest Lyapunov exponent of the DMFT (Sompolinsky, Crisanti & Sommers 1988).

Two replicas that start a distance apart separate with the correlation $D(t, s) =
\\langle \\delta h(t) \\delta h(s) \\rangle$ of the tangent dynamics, which obeys
$(1 + \\partial_t)(1 + \\partial_s) D = g^2 E[\\phi'(h(t))\\phi'(h(s))]\\, D$. With
$D = e^{\\lambda (t + s)} \\psi(t - s)$ this is the Schrodinger problem

$$-\\psi''(\\tau) + W(\\tau)\\psi = E\\psi,\\quad W(\\tau) = 1 - g^2 E[\\phi'(h(t))
\\phi'(h(t+\\tau))],\\quad E = 1 - (1 + \\lambda)^2,$$

so the ground state $E_0$ gives $\\lambda = -1 + \\sqrt{1 - E_0}$. $W \\to W_\\infty =
\\kappa^2$ as $\\tau \\to \\infty$; without a bound state $E_0$ is the continuum edge
$W_\\infty$. $\\dot\\Delta(\\tau)$ solves the same equation with $E = 0$ (differentiate
the particle equation), an odd state: a built-in check.
"""

import equinox as eqx
import jax.numpy as jnp
from jax.scipy.linalg import eigh_tridiagonal
from jaxtyping import Array, Bool, Float

from .._ensemble import NetworkEnsemble
from .._results import RESULTS
from .._validation import check_integer, check_positive
from ._autocorrelation import (
    AutocorrelationOptions,
    ChebyshevKernel,
    _trajectory,
    relaxation_rate,
)


class LyapunovGrid(eqx.Module):
    """The grid on which $-\\psi'' + W\\psi = E\\psi$ is discretised: `n` cells on
    $[0, L]$ with $L$ = `length` relaxation times $1/\\kappa$ (the bound state decays
    faster than $e^{-\\kappa\\tau}$), second-order finite differences, $\\psi$ even
    ($\\psi'(0) = 0$) or odd ($\\psi(0) = 0$) and $\\psi(L) = 0$. The error in $E_0$ is
    $O(h^2)$ in the spacing $h = L/n$.

    **Arguments:**

    - `n`: the number of cells.
    - `length`: $L$ in units of $1/\\kappa$.
    """

    n: int = eqx.field(default=2048, static=True)
    length: float = 30.0

    def __check_init__(self):
        check_integer("n", self.n, 8)
        check_positive(length=self.length)


def _eigenvalues(ensemble, delta0, delta_inf, grid, odd, count, options):
    rate = relaxation_rate(ensemble, delta0, delta_inf)
    length = grid.length / jnp.clip(rate, 1e-7, None)
    h = length / grid.n
    if odd:  # nodes at h, 2h, ..., psi(0) = 0
        taus = h * jnp.arange(1, grid.n + 1, dtype=h.dtype)
    else:  # cell centres; the mirror node of the first is itself (psi'(0) = 0)
        taus = h * (jnp.arange(grid.n, dtype=h.dtype) + 0.5)
    delta, ok = _trajectory(ensemble, delta0, delta_inf, taus, options)
    # W on thousands of nodes: from a Chebyshev series of E[phi' phi'] in Delta rather
    # than one nested Gaussian average per node (~50x faster, ~1e-13 accurate).
    slope = ChebyshevKernel(ensemble, delta0, delta_inf, orders=(1, 1))
    w = 1 - ensemble.sigma_w**2 * slope(delta)
    diagonal = 2 / h**2 + w
    if not odd:
        diagonal = diagonal.at[0].add(-1 / h**2)
    off = jnp.full(grid.n - 1, -1 / h**2)
    eigenvalues = eigh_tridiagonal(
        diagonal, off, eigvals_only=True, select="i", select_range=(0, count - 1)
    )
    return eigenvalues, ok


def schrodinger_eigenvalues(
    ensemble: NetworkEnsemble,
    delta0: Float[Array, ""],
    delta_inf: Float[Array, ""],
    grid: LyapunovGrid = LyapunovGrid(),
    *,
    odd: bool = False,
    count: int = 1,
    options: AutocorrelationOptions = AutocorrelationOptions(),
    throw: bool = True,
) -> Float[Array, " count"]:
    """The `count` lowest eigenvalues of $-\\psi'' + W(\\tau)\\psi$ among even (or
    `odd`) states, discretised on `grid`, for the dynamic solution `(delta0,
    delta_inf)`.

    **Returns:** the eigenvalues, ascending.

    **Raises:** `ValueError` unless `count` is an integer in `[1, grid.n]`; an error
    (`eqx.error_if`) if $\\Delta(\\tau)$ fails to integrate and `throw`; else the
    eigenvalues are NaN.
    """
    check_integer("count", count, 1, grid.n)
    eigenvalues, ok = _eigenvalues(
        ensemble, delta0, delta_inf, grid, odd, count, options
    )
    if throw:
        eigenvalues = RESULTS.autocorrelation_failed.error_if(eigenvalues, ~ok)
    return jnp.where(ok, eigenvalues, jnp.nan)


def lyapunov_exponent(
    ensemble: NetworkEnsemble,
    delta0: Float[Array, ""],
    delta_inf: Float[Array, ""],
    grid: LyapunovGrid = LyapunovGrid(),
    options: AutocorrelationOptions = AutocorrelationOptions(),
) -> tuple[Float[Array, ""], Bool[Array, ""]]:
    """$\\lambda = -1 + \\sqrt{1 - E_0}$ for the dynamic solution `(delta0, delta_inf)`,
    with $E_0 \\le W_\\infty$ the ground state of $-\\psi'' + W\\psi$.

    **Returns:** `(lambda, ok)`; `ok` is False (and `lambda` NaN) where $\\Delta(\\tau)$
    failed to integrate.
    """
    eigenvalues, ok = _eigenvalues(ensemble, delta0, delta_inf, grid, False, 1, options)
    w_inf = relaxation_rate(ensemble, delta0, delta_inf) ** 2
    # -1 + sqrt(1 - E0) without its cancellation near onset, where E0 ~ -(g - 1)^2.
    e0 = jnp.minimum(eigenvalues[0], w_inf)
    lyapunov = -e0 / (1 + jnp.sqrt(1 - e0))
    return jnp.where(ok, lyapunov, jnp.nan), ok
