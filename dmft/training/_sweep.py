"""Relative distance against width: the slope of $\\log \\mathrm{RD}$ vs $\\log m$."""

from collections.abc import Sequence

import equinox as eqx
import jax
import jax.numpy as jnp
import jax.random as jr
import numpy as np
from jaxtyping import Array, Float, Int, PRNGKeyArray

from .._results import RESULTS
from ._data import TrainingData
from ._exponents import ScalingExponents
from ._initialisation import Initialisation
from ._options import TrainingOptions
from ._train import train


class WidthSweep(eqx.Module):
    """The relative distance $\\mathrm{RD}(\\theta_w)$ at the end of training over
    widths and seeds, for one or more points $(\\gamma, \\gamma')$, with the fitted
    slope of $\\log \\mathrm{RD}$ against $\\log m$.

    **Fields:**

    - `exponents`: the points, a tuple of `ScalingExponents` (length `P`).
    - `widths`: the widths $m$, shape `(W,)`.
    - `rd`: $\\mathrm{RD}$, shape `(P, W, S)` for `S` seeds.
    - `slope`, `slope_stderr`: shape `(P,)`: least squares of $\\log \\mathrm{RD}$ on
      $\\log m$ over all widths and seeds pooled, and its standard error
      $\\hat\\sigma / \\sqrt{\\sum_j (\\log m_j - \\overline{\\log m})^2}$ with
      $\\hat\\sigma^2$ the residual variance (so it counts both the seed-to-seed
      scatter and any curvature of the fit).
    - `seed_slopes`: the slope fitted to each seed alone, shape `(P, S)` (their
      spread shows the seed-to-seed variation).
    - `result`: the `dmft.RESULTS` of every run, shape `(P, W, S)`.
    """

    exponents: tuple[ScalingExponents, ...]
    widths: Int[np.ndarray, " W"]
    rd: Float[np.ndarray, "P W S"]
    slope: Float[np.ndarray, " P"]
    slope_stderr: Float[np.ndarray, " P"]
    seed_slopes: Float[np.ndarray, "P S"]
    result: RESULTS

    @property
    def converged_fraction(self) -> Float[np.ndarray, " P"]:
        """The fraction of runs per point that stopped on the loss tolerance."""
        successful = np.asarray(self.result == RESULTS.successful)
        return np.mean(successful, axis=(1, 2))


def fit_log_slope(
    widths: Float[np.ndarray, " W"], rd: Float[np.ndarray, "W S"]
) -> tuple[float, float, Float[np.ndarray, " S"]]:
    """Least-squares slope of $\\log \\mathrm{RD}$ on $\\log m$ over all seeds pooled,
    its standard error, and the slope of each seed alone (see `WidthSweep`)."""
    x = np.log(np.asarray(widths, dtype=float))
    logs = np.log(np.asarray(rd, dtype=float))
    num_w, num_s = logs.shape
    xc = x - x.mean()
    sxx = np.sum(xc**2)
    seed_slopes = xc @ (logs - logs.mean(axis=0)) / sxx
    xs = np.repeat(x, num_s)
    ys = logs.reshape(-1)
    slope = np.sum((xs - xs.mean()) * (ys - ys.mean())) / (num_s * sxx)
    residual = ys - ys.mean() - slope * (xs - xs.mean())
    dof = xs.size - 2
    stderr = np.sqrt(np.sum(residual**2) / dof / (num_s * sxx)) if dof > 0 else np.nan
    return float(slope), float(stderr), seed_slopes


@eqx.filter_jit
def _train_batch(
    keys: PRNGKeyArray,
    inits: Initialisation,
    data: TrainingData,
    options: TrainingOptions,
    padded_width: int | None,
) -> tuple[Float[Array, "W P S"], RESULTS]:
    # Widths x points x seeds in one program. The seeds' keys are shared by all
    # points of a width, so the normalised initial weights are common random numbers
    # across the diagram.
    def one(key, init):
        result = train(key, init, data, options, padded_width=padded_width, throw=False)
        return result.relative_distance, result.result

    over_seeds = jax.vmap(one, in_axes=(0, None))
    over_points = jax.vmap(over_seeds, in_axes=(None, 0))
    return jax.vmap(over_points)(keys, inits)


def _expand(tree):
    return jax.tree.map(lambda x: x[None], tree)


def width_sweep(
    key: PRNGKeyArray,
    exponents: ScalingExponents | Sequence[ScalingExponents],
    widths: Sequence[int],
    seeds: int,
    data: TrainingData,
    options: TrainingOptions = TrainingOptions(),
    *,
    one_program: bool = True,
    throw: bool = True,
) -> WidthSweep:
    """Train `seeds` networks per width and per point $(\\gamma, \\gamma')$ and fit
    the slope of $\\log \\mathrm{RD}(\\theta_w)$ against $\\log m$: negative in the
    linear regime ($\\mathrm{RD} \\to 0$), about zero at the critical line, positive
    in the condensed regime (Luo et al. 2021, Fig. 4).

    Each width gets its own seed keys, shared by all points.

    **Arguments:**

    - `key`: a `jax.random` key.
    - `exponents`: a `ScalingExponents` or a sequence of them.
    - `widths`: at least two distinct widths $m \\ge 1$.
    - `seeds`: the number of initialisations per width ($\\ge 1$).
    - `data`, `options`: as in `train`.
    - `one_program`: train all widths, points and seeds as one vmapped program (one
      compilation), every network zero-padded to the largest width (see
      `Initialisation.sample`): each solver step then costs
      `len(widths) * max(widths)` neurons instead of `sum(widths)`. Best when
      compilation dominates (small widths); `False` compiles once per width. (The
      zero neurons also enter the solver's RMS error norm, loosening the effective
      tolerance of a width-$m$ run by up to $\\sqrt{\\max m / m}$; on the paper's
      data this moved the fitted slopes by < 1e-3.)
    - `throw`: raise `RuntimeError` if a run ran out of solver steps or produced
      non-finite numbers (runs stopped by `max_time` are reported, not raised).

    **Returns:** a `WidthSweep`.

    **Raises:** `ValueError` for bad widths or seeds, or exponents too large for
    the widths' floating-point range, before any training.

    ??? cite "References"

        ```bibtex
        @article{luo2021phase,
          title={Phase Diagram for Two-layer ReLU Neural Networks at Infinite-width
                 Limit},
          author={Luo, Tao and Xu, Zhi-Qin John and Ma, Zheng and Zhang, Yaoyu},
          journal={Journal of Machine Learning Research},
          volume={22},
          number={71},
          pages={1--47},
          year={2021}
        }
        ```
    """
    points = (
        (exponents,) if isinstance(exponents, ScalingExponents) else tuple(exponents)
    )
    if not points or not all(isinstance(p, ScalingExponents) for p in points):
        raise ValueError("`exponents` must be one or more `ScalingExponents`.")
    widths = [w for w in widths]
    if any(isinstance(w, bool) or not isinstance(w, int | np.integer) for w in widths):
        raise ValueError(f"`widths` must be integers; got {widths}.")
    if any(w < 1 for w in widths):
        raise ValueError(f"every width must be >= 1; got {widths}.")
    if len(set(widths)) < 2:
        raise ValueError(f"a slope needs at least two distinct widths; got {widths}.")
    if isinstance(seeds, bool) or not isinstance(seeds, int) or seeds < 1:
        raise ValueError(f"`seeds` must be an integer >= 1; got {seeds!r}.")

    keys = jr.split(key, (len(widths), seeds))
    inits = [[Initialisation.from_exponents(p, int(w)) for p in points] for w in widths]
    if one_program:
        stacked = jax.tree.map(lambda *xs: jnp.stack(xs), *sum(inits, []))
        stacked = jax.tree.map(
            lambda x: x.reshape(len(widths), len(points), *x.shape[1:]), stacked
        )
        rd, result = _train_batch(keys, stacked, data, options, max(widths))
    else:
        rd, result = [], []
        for width, width_keys, width_inits in zip(widths, keys, inits):
            stacked = jax.tree.map(lambda *xs: jnp.stack(xs), *width_inits)
            # Padding to its own width: the shape is static, nothing is padded.
            r, s = _train_batch(
                width_keys[None], _expand(stacked), data, options, int(width)
            )
            rd.append(r[0])
            result.append(jax.tree.map(lambda x: x[0], s))
        rd = jnp.stack(rd)
        result = jax.tree.map(lambda *xs: jnp.stack(xs), *result)
    rd = np.moveaxis(np.asarray(rd), 0, 1)  # (P, W, S)
    result = jax.tree.map(lambda x: jnp.moveaxis(x, 0, 1), result)
    failed = np.asarray(
        (result == RESULTS.max_steps_reached) | (result == RESULTS.nonfinite)
    )
    if throw and failed.any():
        raise RuntimeError(
            f"{int(failed.sum())} of {failed.size} training runs ran out of solver "
            "steps or produced non-finite numbers. Try increasing "
            "`TrainingOptions.max_steps` or loosening `loss_tol`."
        )
    fits = [fit_log_slope(np.asarray(widths), rd_p) for rd_p in rd]
    return WidthSweep(
        exponents=points,
        widths=np.asarray(widths),
        rd=rd,
        slope=np.array([f[0] for f in fits]),
        slope_stderr=np.array([f[1] for f in fits]),
        seed_slopes=np.stack([f[2] for f in fits]),
        result=result,
    )
