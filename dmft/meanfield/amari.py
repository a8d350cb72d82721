"""Amari's naive mean field: the population mean $m$ and variance $q$ of the inputs,
assumed Gaussian and independent across neurons, with temporal correlations neglected."""

import diffrax as dfx
import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, ArrayLike, Float

from .._ensemble import NetworkEnsemble
from .._gaussian import expectation, product_expectation
from .._validation import check_finite, check_finite_nonnegative
from ._bracketed_newton import bracketed_newton, root_above_zero


def amari_vector_field(
    t: ArrayLike,
    y: tuple[Float[Array, ""], Float[Array, ""]],
    ensemble: NetworkEnsemble,
) -> tuple[Float[Array, ""], Float[Array, ""]]:
    """The right-hand side of Amari's equations (a diffrax vector field, `args` the
    ensemble):

    $$\\dot m = -m + \\bar w E[\\phi(m + \\sqrt q z)] + \\bar b,\\qquad
    \\tfrac12 \\dot q = -q + \\sigma_w^2 E[\\phi(m + \\sqrt q z)^2] + \\sigma_b^2.$$

    ??? cite "References"

        ```bibtex
        @article{amari1972characteristics,
          title={Characteristics of Random Nets of Analog Neuron-Like Elements},
          author={Amari, Shun-Ichi},
          journal={IEEE Transactions on Systems, Man, and Cybernetics},
          volume={SMC-2},
          pages={643--657},
          year={1972}
        }
        ```
    """
    del t
    m, q = y
    q = jnp.maximum(q, 0.0)
    mean_phi = expectation(ensemble.phi, m, q)
    mean_phi2 = product_expectation(ensemble.phi, m, q)
    dm = -m + ensemble.mean_w * mean_phi + ensemble.mean_b
    dq = 2 * (-q + ensemble.sigma_w**2 * mean_phi2 + ensemble.sigma_b**2)
    return dm, dq


@eqx.filter_jit
def solve_amari(
    ensemble: NetworkEnsemble,
    m0: Float[ArrayLike, ""],
    q0: Float[ArrayLike, ""],
    t1: float,
    saveat: dfx.SaveAt = dfx.SaveAt(t1=True),
    solver: dfx.AbstractSolver = dfx.Tsit5(),
    stepsize_controller: dfx.AbstractStepSizeController = dfx.PIDController(
        rtol=1e-8, atol=1e-10
    ),
) -> dfx.Solution:
    """Integrate Amari's $(m, q)$ equations (`dmft.meanfield.amari_vector_field`) from
    $(m_0, q_0)$ at $t = 0$ to `t1` with diffrax; vmap over ensembles or initial
    conditions with `eqx.filter_vmap`.

    **Returns:** the `diffrax.Solution`; `sol.ys` is the tuple `(m, q)`.
    """
    y0 = (jnp.asarray(m0, float), jnp.asarray(q0, float))
    return dfx.diffeqsolve(
        dfx.ODETerm(amari_vector_field),
        solver,
        0.0,
        t1,
        None,
        y0,
        args=ensemble,
        saveat=saveat,
        stepsize_controller=stepsize_controller,
        max_steps=None if saveat.dense else 100_000,
    )


class AmariFixedPoint(eqx.Module):
    """A fixed point $(m^*, q^*)$ of Amari's equations and its stability.

    **Attributes:**

    - `m`, `q`: the mean and variance of the inputs $h_i$.
    - `bulk_radius`: $\\sigma_w \\sqrt{E[\\phi'(h)^2]}$, the radius of the random part of
        the Jacobian's spectrum (shifted by 1).
    - `outlier`: $\\bar w E[\\phi'(h)]$, the eigenvalue of the rank-one mean coupling.
    - `stable`: whether the network's fixed point is stable: both are $< 1$.
    """

    m: Float[Array, ""]
    q: Float[Array, ""]
    bulk_radius: Float[Array, ""]
    outlier: Float[Array, ""]
    stable: bool = eqx.field(static=True)


def _variance_step(q, args):
    ensemble, m = args
    fn = lambda x: (  # noqa: E731
        ensemble.sigma_w**2 * product_expectation(ensemble.phi, m, x)
        + ensemble.sigma_b**2
        - x
    )
    value, slope = jax.jvp(fn, (q,), (1.0,))
    return value, slope, value > 0


def _variance_given_mean(ensemble, m):
    """The fixed point of the q equation at fixed m (unique for bounded phi)."""
    args = jax.lax.stop_gradient((ensemble, m))
    start = 1.0 + ensemble.sigma_b**2 + ensemble.sigma_w**2 * (1 + m**2)
    q, found, converged = root_above_zero(
        _variance_step,
        start,
        args,
        rtol=1e-13,
        atol=1e-15,
        max_steps=200,
    )
    return jnp.where(found & converged, q, jnp.nan)


def _mean_residual(m, ensemble):
    q = _variance_given_mean(ensemble, m)
    return ensemble.mean_w * expectation(ensemble.phi, m, q) + ensemble.mean_b - m


def amari_fixed_points(
    ensemble: NetworkEnsemble, *, m_range: float | None = None, num: int = 401
) -> list[AmariFixedPoint]:
    """All fixed points of Amari's equations (the $m > 0$, $m = 0$ and $m < 0$
    branches), with their stability.

    On the fixed point $q$ is a function of $m$; the roots of
    $F(m) = \\bar w E[\\phi(m + \\sqrt{q(m)} z)] + \\bar b - m$ are bracketed on a grid of
    `num` points over $|m| \\le$ `m_range` (default: $|\\bar w| \\sup|\\phi| + |\\bar b|$
    padded, which contains every root of a bounded $\\phi$) and refined by bisection.
    A root where $F$ touches zero without changing sign is missed.

    **Returns:** the fixed points, ordered by $m$.

    **Raises:** `ValueError` for NaN or negative variances.
    """
    check_finite_nonnegative(sigma_w=ensemble.sigma_w, sigma_b=ensemble.sigma_b)
    check_finite(mean_w=ensemble.mean_w, mean_b=ensemble.mean_b)
    if m_range is None:
        bound = float(jnp.max(jnp.abs(ensemble.phi(jnp.array([-1e3, 1e3])))))
        m_range = 1.5 * abs(float(ensemble.mean_w)) * bound
        m_range += 1.5 * abs(float(ensemble.mean_b)) + 1.0
    grid = jnp.linspace(-m_range, m_range, num)
    residual = np.asarray(_residual_on_grid(ensemble, grid))
    grid_np = np.asarray(grid)
    # (lower, upper, sign of F at lower): the refinement needs no new evaluation there.
    brackets = []
    for k in range(num - 1):
        a, b = residual[k], residual[k + 1]
        if not (np.isfinite(a) and np.isfinite(b)):
            continue
        if a == 0:
            brackets.append((grid_np[k], grid_np[k], 0.0))
        elif a * b < 0:
            brackets.append((grid_np[k], grid_np[k + 1], np.sign(a)))
    if residual[-1] == 0:
        brackets.append((grid_np[-1], grid_np[-1], 0.0))
    return [_refine(ensemble, *map(jnp.array, bracket)) for bracket in brackets]


@eqx.filter_jit
def _residual_on_grid(ensemble, grid):
    return jax.vmap(_mean_residual, in_axes=(0, None))(grid, ensemble)


def _refine(ensemble, lower, upper, sign):
    m, q, bulk, outlier = _fixed_point(ensemble, lower, upper, sign)
    return AmariFixedPoint(
        m=m,
        q=q,
        bulk_radius=bulk,
        outlier=outlier,
        stable=bool(bulk < 1 and outlier < 1),
    )


# One compiled program per root (the same for every bracket), free of host callbacks
# so that JAX's persistent compilation cache can keep it for the CLI.
@eqx.filter_jit
def _fixed_point(ensemble, lower, upper, sign):
    # `sign`: that of F at `lower` (0 where `lower == upper` is a root of the grid).
    def bisection_step(m, ensemble):
        value = _mean_residual(m, ensemble)
        return value, jnp.full_like(value, jnp.nan), jnp.sign(value) == sign

    # A NaN slope makes every step a bisection (q(m) is an inner root find).
    m, _ = bracketed_newton(
        bisection_step,
        lower,
        upper,
        ensemble,
        rtol=1e-13,
        atol=1e-13,
        max_steps=256,
        start=0.5 * (lower + upper),
    )
    q = _variance_given_mean(ensemble, m)
    bulk = ensemble.sigma_w * jnp.sqrt(
        product_expectation(ensemble.phi, m, q, orders=(1, 1))
    )
    outlier = ensemble.mean_w * expectation(ensemble.phi, m, q, order=1)
    return m, q, bulk, outlier
