"""The stationary DMFT solution object."""

import equinox as eqx
from jaxtyping import Array, Float, Int

from ._results import RESULTS


REGIMES = ("static", "chaotic", "noise-driven")


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
    - `regime`: an index into `dmft.meanfield.REGIMES` = `("static", "chaotic",
        "noise-driven")`.
    - `result`: a `dmft.meanfield.RESULTS`; `RESULTS.successful` if every solve
        converged.
    """

    delta0: Float[Array, "*batch"]
    delta_inf: Float[Array, "*batch"]
    q_star: Float[Array, "*batch"]
    chi_1: Float[Array, "*batch"]
    lyapunov: Float[Array, "*batch"]
    regime: Int[Array, "*batch"]
    result: RESULTS
