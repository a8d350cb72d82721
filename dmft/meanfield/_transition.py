"""The transition to chaos: $g_c(\\sigma_b, \\sigma)$."""

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, Float

from .._ensemble import NetworkEnsemble
from .._gaussian import product_expectation
from .._results import RESULTS
from .._validation import check_integer, check_interval
from ._bracketed_newton import root_above_zero
from ._discrete import _solve_discrete
from ._lyapunov import LyapunovGrid
from ._stationary import (
    StationaryOptions,
    _solve_stationary,
    check_stationary_ensemble,
    static_variance,
)
from ._stop_gradient import stop_gradient


class ChaosTransition(eqx.Module):
    """Where the stationary DMFT becomes chaotic.

    **Attributes:**

    - `g_c_static`: the instability line $\\chi_1(g) = g^2 E[\\phi'(\\sqrt{q^*} z)^2] =
        1$ of the static solution, where the chaotic solution branches off it without
        noise; the deep network's $\\sigma_w^c(\\sigma_b)$ (order-to-chaos line).
    - `g_c`: the onset of chaos: `g_c_static` without noise; with noise, the $g$ at
        which the DMFT Lyapunov exponent crosses zero (Schuecker, Goedeke & Helias
        2018), which lies above `g_c_static`.
    - `result`: a `dmft.RESULTS`: `successful`, `nonlinear_max_steps_reached` (a
        search ran out of steps), `no_chaos_onset` (with noise: the Lyapunov exponent
        stayed negative up to the largest $g$ tried) or `autocorrelation_failed` (with
        noise: a stationary solve at the bracketing $g$ failed).
    """

    g_c_static: Float[Array, ""]
    g_c: Float[Array, ""]
    result: RESULTS


class TransitionOptions(eqx.Module):
    """How `dmft.meanfield.chaos_transition` searches for $g_c$.

    **Arguments:**

    - `rtol`: the relative tolerance of $g_c$ with noise (bisection on the sign of the
        Lyapunov exponent), in $(0, 10^{-2}]$; in practice the Lyapunov grid's accuracy
        limits it.
    - `static_rtol`, `static_atol`: the tolerances of the safeguarded Newton search for
        the static line $\\chi_1(g) = 1$, each in $(0, 10^{-6}]$.
    - `max_steps`: the most iterations of each search (an integer >= 1).
    - `max_doublings`: with noise, the onset is bracketed by doubling the excess
        $g - g_c^{static}$ from $g_c^{static}/4$ at most this many times (an integer
        >= 0): the search covers $g \\le (1 + 2^{\\text{max\\_doublings}}/4)\\,
        g_c^{static}$.

    **Raises:** `ValueError` for a tolerance or count out of range.
    """

    rtol: float = 1e-8
    static_rtol: float = 1e-14
    static_atol: float = 1e-15
    max_steps: int = eqx.field(default=200, static=True)
    max_doublings: int = eqx.field(default=8, static=True)

    def __check_init__(self):
        check_interval("rtol", self.rtol, 0.0, 1e-2)
        check_interval("static_rtol", self.static_rtol, 0.0, 1e-6)
        check_interval("static_atol", self.static_atol, 0.0, 1e-6)
        check_integer("max_steps", self.max_steps, 1)
        check_integer("max_doublings", self.max_doublings, 0)


def _chi1_step(g, ensemble):
    def stability(g):
        ens = eqx.tree_at(lambda e: e.sigma_w, ensemble, g)
        q, _ = static_variance(ens)  # with the implicit derivative dq*/dg
        chi_1 = g**2 * product_expectation(ens.phi, 0.0, q, orders=(1, 1))
        return 1 - chi_1

    value, slope = jax.jvp(stability, (g,), (jnp.ones_like(g),))
    return value, slope, value > 0


@eqx.filter_jit
def _static_onset(ensemble, search):
    g, found, converged = root_above_zero(
        _chi1_step,
        jnp.array(1.0),
        stop_gradient(ensemble),
        rtol=search.static_rtol,
        atol=search.static_atol,
        max_steps=search.max_steps,
    )
    return g, found & converged


def _lyapunov_at(g, args):
    """The exponent at `g` and the solve's result; NaN where the solve failed."""
    ensemble, options, grid, delta = args
    ens = eqx.tree_at(lambda e: e.sigma_w, ensemble, g)
    if delta is None:
        sol = _solve_stationary(ens, options, grid, False)
    else:
        sol = _solve_discrete(ens, delta, options, grid.n, False)
    ok = sol.result == RESULTS.successful
    return jnp.where(ok, sol.lyapunov, jnp.nan), sol.result


def _noisy_step(excess, args, aux):
    g_static, rest = args
    lyapunov, result = _lyapunov_at(g_static + excess, rest)
    # No slope (the tridiagonal eigensolver has no derivative rule): bisection steps.
    # A failed solve gives lambda = NaN, which counts as chaotic (right of the onset);
    # `aux` carries the exponent and result at the bracket's upper end, so that an
    # onset bracketed by a failed solve is reported, never returned as an answer.
    is_left = lyapunov <= 0
    upper_lyapunov, upper_result = aux
    upper = (
        jnp.where(is_left, upper_lyapunov, lyapunov),
        RESULTS.where(is_left, upper_result, result),
    )
    return lyapunov, jnp.full_like(lyapunov, jnp.nan), is_left, upper


@eqx.filter_jit
def _noisy_onset(ensemble, g_static, options, grid, delta, search):
    # In g - g_static, which is > 0: noise moves the onset above the static line.
    excess, found, converged, (lyapunov, upper_result) = root_above_zero(
        _noisy_step,
        0.25 * g_static,
        (g_static, (ensemble, options, grid, delta)),
        rtol=0.0,
        atol=search.rtol * g_static,
        max_steps=search.max_steps,
        max_doublings=search.max_doublings,
        aux=(jnp.full_like(g_static, jnp.nan), RESULTS.successful),
    )
    result = RESULTS.where(
        converged, RESULTS.successful, RESULTS.nonlinear_max_steps_reached
    )
    failed = RESULTS.where(
        upper_result == RESULTS.successful, RESULTS.nonfinite, upper_result
    )
    result = RESULTS.where(jnp.isfinite(lyapunov), result, failed)
    # Not found: lambda <= 0 (and finite) at every g tried, up to the last doubling.
    result = RESULTS.where(found, result, RESULTS.no_chaos_onset)
    return g_static + excess, result


def chaos_transition(
    ensemble: NetworkEnsemble,
    options: StationaryOptions = StationaryOptions(),
    grid: LyapunovGrid = LyapunovGrid(),
    *,
    discrete_step: float | None = None,
    search: TransitionOptions = TransitionOptions(),
    throw: bool = True,
) -> ChaosTransition:
    """The critical coupling $g_c$ of the stationary DMFT for the biases and noise of
    `ensemble` (its `sigma_w` is ignored).

    Without noise the chaotic solution branches off the static one where the particle's
    resting point $\\Delta_\\infty$ leaves $\\Delta_0 = q^*$: where $\\partial_\\Delta^2 V =
    -W$ vanishes at $q^*$, i.e. $\\chi_1 = 1$. This is the order-to-chaos line of the
    deep network (Poole et al. 2016), found by a bracketed Newton iteration to machine
    precision. With noise the Lyapunov exponent is found by bisection in $g$ to
    relative tolerance `search.rtol` (limited in practice by the Lyapunov grid's
    accuracy).
    With `discrete_step` $\\delta$ the network is the map of
    `dmft.meanfield.solve_discrete_stationary` (its static instability line is the
    same $\\chi_1 = 1$ for every $0 < \\delta \\le 1$; `grid.n` is then its number of
    lags).

    **Arguments:**

    - `ensemble`: a `dmft.NetworkEnsemble` with zero means; its `sigma_w` is ignored.
    - `options`: the `dmft.meanfield.StationaryOptions` of each stationary solve.
    - `grid`: the `dmft.meanfield.LyapunovGrid` of the Lyapunov exponent (with noise).
    - `discrete_step`: the step of the discrete-time network, or `None`.
    - `search`: a `dmft.meanfield.TransitionOptions`.
    - `throw`: raise if a search fails (default); else see `transition.result`.

    **Returns:** a `dmft.meanfield.ChaosTransition`.

    **Raises:** `ValueError` for an invalid ensemble or `discrete_step`; an error
    (`eqx.error_if`) on failure if `throw`.

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
    if discrete_step is not None:
        check_interval("discrete_step", discrete_step, 0.0, 1.0)
    g_static, ok = _static_onset(ensemble, search)
    result = RESULTS.where(ok, RESULTS.successful, RESULTS.nonlinear_max_steps_reached)
    if float(ensemble.noise) > 0:
        g_c, noisy = _noisy_onset(
            ensemble, g_static, options, grid, discrete_step, search
        )
        result = RESULTS.where(ok, noisy, result)
    else:
        g_c = g_static
    if throw:
        g_c = result.error_if(g_c, result != RESULTS.successful)
    return ChaosTransition(g_c_static=g_static, g_c=g_c, result=result)
