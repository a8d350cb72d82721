"""The order-to-chaos phase diagram of deep random networks over a parameter grid."""

import equinox as eqx
import jax
import jax.lax as lax
import jax.numpy as jnp
from jaxtyping import Array, ArrayLike, Float

from .._ensemble import NetworkEnsemble
from .._nonlinearity import AbstractNonlinearity
from .._results import RESULTS
from ._fixed_point import (
    DeepFixedPoint,
    coarse_length,
    fixed_point_at,
    has_pair_kernel,
    uses_quadrature,
)
from ._frozen_rule import freeze
from ._grid_check import check_grid
from ._iteration import CONVERGED
from ._solver import DeepSolver


# Points re-solved with the pair route per vmapped batch.
_PAIR_CHUNK = 16


class PhaseDiagram(eqx.Module):
    """Deep-limit fixed points over a $(\\sigma_w, \\sigma_b)$ grid.

    **Fields:**

    - `sigma_w`: the grid of $\\sigma_w$, shape `(n_w,)`.
    - `sigma_b`: the grid of $\\sigma_b$, shape `(n_b,)`.
    - `fixed_point`: a `dmft.deep.DeepFixedPoint` whose fields have shape `(n_w, n_b)`
        (`fixed_point.chi_1[i, j]` is at `sigma_w[i]`, `sigma_b[j]`).
    """

    sigma_w: Float[Array, " n_w"]
    sigma_b: Float[Array, " n_b"]
    fixed_point: DeepFixedPoint

    @property
    def chaotic(self) -> Array:
        """Where $\\chi_1 > 1$ (False where the solve failed)."""
        return self.fixed_point.chi_1 > 1


def _sweep(phi, sigma_w, sigma_b, solver, throw, batch_size):
    def ensemble(point):
        return NetworkEnsemble(phi, *point)

    grid_w, grid_b = jnp.meshgrid(sigma_w, sigma_b, indexing="ij")
    points = (grid_w.reshape(-1), grid_b.reshape(-1))
    if batch_size is None:
        batch_size = grid_w.size if has_pair_kernel(phi) else 256
    # A vmapped while loop runs until its slowest point converges: chunks of
    # `batch_size` points keep that waste, and the working set, small.
    first = lax.map(
        lambda p: coarse_length(ensemble(p), solver), points, batch_size=batch_size
    )
    rule = solver.rule
    if uses_quadrature(phi):
        # One rule for the whole grid, frozen at its largest length: a scale-adapted
        # rule stays accurate for the narrower integrands of smaller lengths, and
        # shared nodes make every point's Hermite coefficients one matrix product.
        q, out, _ = first
        scale = jnp.sqrt(jnp.max(jnp.where(out == CONVERGED, q, 1.0)))
        rule = freeze(solver.rule, lax.stop_gradient(scale))

    def solve(route):
        return lax.map(
            lambda args: fixed_point_at(
                ensemble(args[0]), solver, args[1], rule, route
            ),
            (points, first),
            batch_size=batch_size,
        )

    if has_pair_kernel(phi) or solver.series_order is None:
        flat, _ = solve("pair")
    else:
        # Mehler's series first; the points whose series error bound exceeds
        # `series_tol` (tanh: q* >~ 5 with c* not small; ~1% of the benchmark
        # grid) are gathered, `_PAIR_CHUNK` at a time, and re-solved with the pair
        # route (~n^2 nodes per evaluation): the cost follows their number.
        flat, series_ok = solve("series")
        size = series_ok.shape[0]
        chunk = min(size, _PAIR_CHUNK)

        def pending(state):
            return jnp.any(~series_ok & ~state[1])

        def redo(state):
            flat, done = state
            (index,) = jnp.nonzero(~series_ok & ~done, size=chunk, fill_value=size)

            def gather(x):
                return x.at[index].get(mode="clip")

            sub_points = jax.tree.map(gather, points)
            sub_first = jax.tree.map(gather, first)
            pair, _ = jax.vmap(
                lambda p, f: fixed_point_at(ensemble(p), solver, f, rule, "pair")
            )(sub_points, sub_first)

            def scatter(x, y):
                return x.at[index].set(y, mode="drop")

            flat = jax.tree.map(scatter, flat, pair)
            return flat, done.at[index].set(True, mode="drop")

        done = jnp.zeros_like(series_ok)
        flat, _ = lax.while_loop(pending, redo, (flat, done))
    fixed_point = jax.tree.map(lambda x: x.reshape(grid_w.shape), flat)
    if throw:
        result = fixed_point.result
        # Unbounded growth is a phase (ReLU's), not a failure of the sweep; so is
        # the degenerate line (linear phi at sigma_w = 1 without bias).
        failed = (
            (result != RESULTS.successful)
            & (result != RESULTS.no_finite_fixed_point)
            & (result != RESULTS.degenerate)
        )
        # One leaf carries the check: tagging all nine (whole-grid arrays) costs
        # more than the closed-form solve itself.
        checked = RESULTS.max_steps_reached.error_if(
            fixed_point.q_star, jnp.any(failed)
        )
        fixed_point = eqx.tree_at(lambda f: f.q_star, fixed_point, checked)
    return PhaseDiagram(sigma_w, sigma_b, fixed_point)


_sweep_jit = eqx.filter_jit(_sweep)


def phase_diagram(
    phi: AbstractNonlinearity,
    sigma_w: Float[ArrayLike, " n_w"],
    sigma_b: Float[ArrayLike, " n_b"],
    solver: DeepSolver = DeepSolver(),
    *,
    batch_size: int | None = None,
    throw: bool = True,
) -> PhaseDiagram:
    """$q^*$, $c^*$, $\\chi_1$, $\\chi_c$, $V'(q^*)$, $\\xi_q$, $\\xi_c$ at every point of a
    $(\\sigma_w, \\sigma_b)$ grid, in one jitted, vmapped call (one compilation per
    grid shape). The ordered phase is $\\chi_1 < 1$, the chaotic one $\\chi_1 > 1$;
    `dmft.deep.critical_sigma_w` gives the line between them.

    Each point is `dmft.deep.deep_fixed_point`'s solve, with one difference for
    nonlinearities without closed forms (tanh): every one-variable expectation
    uses the solver's rule frozen once for the grid, at the largest $\\sqrt{q^*}$
    (instead of at each point's own), so that the Hermite coefficients of Mehler's
    series (`DeepSolver.series_order`) are one matrix product over the grid. A
    scale-adapted rule stays accurate for the narrower integrands of smaller
    lengths: on the benchmark grid ($\\sigma_w^2 \\le 4$) $q^*$ agrees with the
    per-point solve to 1e-15.

    **Arguments:**

    - `phi`: the nonlinearity.
    - `sigma_w`, `sigma_b`: 1-D ascending grids of non-negative values.
    - `solver`: a `dmft.deep.DeepSolver`.
    - `batch_size`: grid points solved together in one vmapped loop. Default: the
        whole grid when `phi` has closed-form kernels (erf, ReLU, linear), else 256
        (each point's quadrature holds `n` values per node set, and a vmapped
        loop runs until its slowest point converges; with
        `DeepSolver(series_order=None)` the pair quadrature holds `n**2`).
    - `throw`: raise if any grid point's solve failed (did not converge,
        non-finite, or $q^* >$ `solver.q_max`). Points without a finite fixed point
        (ReLU beyond $\\sigma_w^2 = 2$) or with a continuum of them (linear at
        $\\sigma_w = 1$) are not failures: their `result` says so.

    **Returns:** a `dmft.deep.PhaseDiagram`.

    **Raises:** `ValueError` for an empty, non-1-D, descending, negative or non-finite
    grid, or a `phi` that is not a dmft nonlinearity.
    """
    check_grid("sigma_w", sigma_w)
    check_grid("sigma_b", sigma_b)
    if not isinstance(phi, AbstractNonlinearity):
        raise ValueError(
            f"`phi` must be a dmft nonlinearity; got {type(phi).__name__}."
        )
    if batch_size is not None and not (isinstance(batch_size, int) and batch_size >= 1):
        raise ValueError(f"`batch_size` must be an integer >= 1; got {batch_size!r}.")
    sigma_w = jnp.asarray(sigma_w, float)
    sigma_b = jnp.asarray(sigma_b, float)
    return _sweep_jit(phi, sigma_w, sigma_b, solver, throw, batch_size)
