"""The stationary DMFT solution object, and the outcome block its solvers share."""

import equinox as eqx
import jax.numpy as jnp
from jaxtyping import Array, Bool, Float

from .._results import REGIMES, RESULTS


class StationarySolution(eqx.Module):
    """The stationary solution of the dynamic mean-field theory.

    **Attributes:**

    - `delta0`: the variance $\\Delta_0 = \\Delta(0)$ of the input currents $h$.
    - `delta_inf`: the static part $\\Delta_\\infty = \\lim_{\\tau\\to\\infty}\\Delta(\\tau)$.
    - `q_star`: the fixed point of the length map $q^* = \\sigma_w^2
        E[\\phi(\\sqrt{q^*} z)^2] + \\sigma_b^2$ (the static solution).
    - `chi_1`: $\\chi_1 = \\sigma_w^2 E[\\phi'(\\sqrt{q^*} z)^2]$; the static solution is
        stable without noise iff $\\chi_1 < 1$.
    - `lyapunov`: the largest Lyapunov exponent per unit time from the DMFT
        (Schrodinger ground state), `nan` if it was not asked for.
    - `regime`: a `dmft.REGIMES` item (`REGIMES.static`, `REGIMES.chaotic` or
        `REGIMES.noise_driven`; `dmft.REGIMES[regime]` is its display name).
    - `result`: a `dmft.RESULTS`; `RESULTS.successful` if every solve converged.
    """

    delta0: Float[Array, "*batch"]
    delta_inf: Float[Array, "*batch"]
    q_star: Float[Array, "*batch"]
    chi_1: Float[Array, "*batch"]
    lyapunov: Float[Array, "*batch"]
    regime: REGIMES
    result: RESULTS


def classify(
    static: Bool[Array, "*batch"],
    noise: Float[Array, "*batch"],
    chaotic: Bool[Array, "*batch"],
    delta0: Float[Array, "*batch"],
    result: RESULTS,
    throw: bool,
) -> tuple[REGIMES, Float[Array, "*batch"]]:
    """The regime of a stationary solution, and `delta0` with the error of a failed
    `result` attached if `throw` (shared by the continuous- and discrete-time solvers).

    Static where the static solution is the answer; otherwise chaotic without noise
    (the dynamic solution exists only where the static one is unstable) or where
    `chaotic` (the Lyapunov exponent, or $\\chi_1 > 1$ without one, says so), and
    noise-driven otherwise.

    **Returns:** `(regime, delta0)`.
    """
    dynamic = REGIMES.where(
        (noise == 0) | chaotic, REGIMES.chaotic, REGIMES.noise_driven
    )
    regime = REGIMES.where(static, REGIMES.static, dynamic)
    if throw:
        delta0 = result.error_if(delta0, result != RESULTS.successful)
    return regime, jnp.asarray(delta0)
