"""The transition to chaos: $g_c(\\sigma_b, \\sigma)$."""

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, Float

from .._ensemble import NetworkEnsemble
from .._gaussian import product_expectation
from ._bracketed_newton import root_above_zero
from ._discrete import _solve_discrete
from ._results import RESULTS
from .lyapunov import LyapunovGrid
from .stationary import (
    StationaryOptions,
    _solve_stationary,
    check_stationary_ensemble,
    static_variance,
)


class ChaosTransition(eqx.Module):
    """Where the stationary DMFT becomes chaotic.

    **Attributes:**

    - `g_c_static`: the instability line $\\chi_1(g) = g^2 E[\\phi'(\\sqrt{q^*} z)^2] =
        1$ of the static solution, where the chaotic solution branches off it without
        noise; the deep network's $\\sigma_w^c(\\sigma_b)$ (order-to-chaos line).
    - `g_c`: the onset of chaos: `g_c_static` without noise; with noise, the $g$ at
        which the DMFT Lyapunov exponent crosses zero (Schuecker, Goedeke & Helias
        2018), which lies above `g_c_static`.
    - `result`: a `dmft.meanfield.RESULTS`.
    """

    g_c_static: Float[Array, ""]
    g_c: Float[Array, ""]
    result: RESULTS


def _chi1_step(g, ensemble):
    def stability(g):
        ens = eqx.tree_at(lambda e: e.sigma_w, ensemble, g)
        q, _ = static_variance(ens)  # with the implicit derivative dq*/dg
        chi_1 = g**2 * product_expectation(ens.phi, 0.0, q, orders=(1, 1))
        return 1 - chi_1

    value, slope = jax.jvp(stability, (g,), (jnp.ones_like(g),))
    return value, slope, value > 0


@eqx.filter_jit
def _static_onset(ensemble):
    g, found, converged = root_above_zero(
        _chi1_step,
        jnp.array(1.0),
        jax.lax.stop_gradient(ensemble),
        rtol=1e-14,
        atol=1e-15,
        max_steps=200,
    )
    return g, found & converged


def _lyapunov_at(g, args):
    ensemble, options, grid, delta = args
    ens = eqx.tree_at(lambda e: e.sigma_w, ensemble, g)
    if delta is None:
        return _solve_stationary(ens, options, grid, False).lyapunov
    return _solve_discrete(ens, delta, options, grid.n, False).lyapunov


def _noisy_step(excess, args, _):
    g_static, rest = args
    lyapunov = _lyapunov_at(g_static + excess, rest)
    # No slope (the tridiagonal eigensolver has no derivative rule): bisection steps.
    # A failed solve gives lambda = NaN, which counts as chaotic; the exponent is
    # carried out so that the answer's can be checked.
    return lyapunov, jnp.full_like(lyapunov, jnp.nan), lyapunov <= 0, lyapunov


@eqx.filter_jit
def _noisy_onset(ensemble, g_static, options, grid, delta, rtol):
    # In g - g_static, which is > 0: noise moves the onset above the static line.
    excess, found, converged, lyapunov = root_above_zero(
        _noisy_step,
        0.25 * g_static,
        (g_static, (ensemble, options, grid, delta)),
        rtol=0.0,
        atol=rtol * g_static,
        max_steps=200,
        max_doublings=8,
        aux=jnp.full_like(g_static, jnp.nan),
    )
    return g_static + excess, found & converged & jnp.isfinite(lyapunov)


def chaos_transition(
    ensemble: NetworkEnsemble,
    options: StationaryOptions = StationaryOptions(),
    grid: LyapunovGrid = LyapunovGrid(),
    *,
    discrete_step: float | None = None,
    rtol: float = 1e-8,
    throw: bool = True,
) -> ChaosTransition:
    """The critical coupling $g_c$ of the stationary DMFT for the biases and noise of
    `ensemble` (its `sigma_w` is ignored).

    Without noise the chaotic solution branches off the static one where the particle's
    resting point $\\Delta_\\infty$ leaves $\\Delta_0 = q^*$: where $\\partial_\\Delta^2 V =
    -W$ vanishes at $q^*$, i.e. $\\chi_1 = 1$. This is the order-to-chaos line of the
    deep network (Poole et al. 2016), found by a bracketed Newton iteration to machine
    precision. With noise the Lyapunov exponent is found by bisection in $g$ to
    relative tolerance `rtol` (limited in practice by the Lyapunov grid's accuracy).
    With `discrete_step` $\\delta$ the network is the map of
    `dmft.meanfield.solve_discrete_stationary` (its static instability line is the
    same $\\chi_1 = 1$ for every $0 < \\delta \\le 1$; `grid.n` is then its number of
    lags).

    **Returns:** a `dmft.meanfield.ChaosTransition`.

    **Raises:** `ValueError` for an invalid ensemble; on failure if `throw`.

    ??? cite "References"

        ```bibtex
        @article{schuecker2018optimal,
          title={Optimal Sequence Memory in Driven Random Networks},
          author={Schuecker, Jannis and Goedeke, Sven and Helias, Moritz},
          journal={Physical Review X},
          volume={8},
          pages={041029},
          year={2018}
        }
        ```
    """
    ensemble = eqx.tree_at(lambda e: e.sigma_w, ensemble, jnp.array(1.0))
    check_stationary_ensemble(ensemble)
    if discrete_step is not None and not 0 < discrete_step <= 1:
        raise ValueError(f"`discrete_step` must be in (0, 1]; got {discrete_step}.")
    g_static, ok = _static_onset(ensemble)
    if float(ensemble.noise) > 0:
        g_c, ok_noise = _noisy_onset(
            ensemble, g_static, options, grid, discrete_step, rtol
        )
        ok = ok & ok_noise
    else:
        g_c = g_static
    result = RESULTS.where(ok, RESULTS.successful, RESULTS.nonlinear_max_steps_reached)
    if throw:
        g_c = result.error_if(g_c, result != RESULTS.successful)
    return ChaosTransition(g_c_static=g_static, g_c=g_c, result=result)
