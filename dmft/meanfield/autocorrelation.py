"""The stationary autocorrelation $\\Delta(\\tau)$: the particle's trajectory in the
potential $V(\\Delta; \\Delta_0)$."""

import diffrax as dfx
import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, ArrayLike, Float

from .._ensemble import NetworkEnsemble
from ._solution import StationarySolution
from .potential import correlation_function, potential, schrodinger_potential


class AutocorrelationOptions(eqx.Module):
    """How `dmft.meanfield.stationary_autocorrelation` integrates the particle equation.

    **Arguments:**

    - `solver`: a diffrax solver (default `Tsit5()`).
    - `rtol`, `atol`: tolerances of the PID step-size controller.
    - `max_steps`: the most steps of each of the two integrations.
    """

    solver: dfx.AbstractSolver = dfx.Tsit5()
    rtol: float = 1e-10
    atol: float = 1e-12
    max_steps: int = eqx.field(default=16384, static=True)


def _second_order(tau, y, args):
    ensemble, delta0 = args
    delta, velocity = y
    g2, sb2 = ensemble.sigma_w**2, ensemble.sigma_b**2
    force = delta - g2 * correlation_function(ensemble, delta, delta0) - sb2
    return velocity, force


def _first_order(tau, delta, args):
    ensemble, delta0, delta_inf, energy, series = args
    # Near the top of the hill V(Delta_inf) - V(Delta) cancels to rounding noise, which
    # a step-size controller cannot integrate: there use its Taylor series,
    # 2 (E - V) = W u^2 + W' u^3 / 3 + W'' u^4 / 12, u = Delta - Delta_inf (W = -V'').
    u = delta - delta_inf
    w, w1, w2 = series
    near = w * u**2 + w1 * u**3 / 3 + w2 * u**4 / 12
    far = 2 * (energy - potential(ensemble, delta, delta0))
    switch = 1e-2 * (delta0 - delta_inf)
    return -jnp.sqrt(jnp.maximum(jnp.where(u > switch, far, near), 0.0))


def _hill_top_series(ensemble, delta0, delta_inf):
    def w(x):
        return schrodinger_potential(ensemble, x, delta0)

    def dw(x):
        return jax.jvp(w, (x,), (jnp.ones_like(x),))[1]

    w1, w2 = jax.jvp(dw, (delta_inf,), (jnp.ones_like(delta_inf),))
    return w(delta_inf), w1, w2


def relaxation_rate(
    ensemble: NetworkEnsemble, delta0: ArrayLike, delta_inf: ArrayLike
) -> Float[Array, "..."]:
    """$\\kappa = \\sqrt{W_\\infty} = \\sqrt{-V''(\\Delta_\\infty)}$, the rate at which
    $\\Delta(\\tau) \\to \\Delta_\\infty$ (and the bottom $\\kappa^2$ of the continuum of the
    Schrodinger problem)."""
    w_inf = schrodinger_potential(ensemble, delta_inf, delta0)
    return jnp.sqrt(jnp.maximum(w_inf, 0.0))


def _trajectory(ensemble, delta0, delta_inf, taus, options):
    """Delta at sorted lags `taus` >= 0."""
    noise2 = ensemble.noise**2
    rate = relaxation_rate(ensemble, delta0, delta_inf)
    # Integrating Delta'' = -V'(Delta) toward the maximum of V is unstable (errors grow
    # like exp(kappa tau)), while the energy form Delta' = -sqrt(2 (E - V(Delta))) is
    # stable there but degenerate at tau = 0 without noise (zero velocity). So: the
    # second-order equation for one relaxation time, the energy form after it.
    switch = jnp.clip(1 / jnp.maximum(rate, 1e-300), 0.5, 1e4)
    controller = dfx.PIDController(rtol=options.rtol, atol=options.atol)
    early = jnp.append(jnp.minimum(taus, switch), switch)
    first = dfx.diffeqsolve(
        dfx.ODETerm(_second_order),
        options.solver,
        0.0,
        switch,
        None,
        (delta0, -0.5 * noise2 + jnp.zeros_like(delta0)),
        args=(ensemble, delta0),
        saveat=dfx.SaveAt(ts=early),
        stepsize_controller=controller,
        max_steps=options.max_steps,
        throw=False,
    )
    delta_switch = first.ys[0][-1]
    energy = potential(ensemble, delta_inf, delta0)
    late = jnp.maximum(taus, switch)
    second = dfx.diffeqsolve(
        dfx.ODETerm(_first_order),
        options.solver,
        switch,
        jnp.maximum(late[-1], switch),
        None,
        delta_switch,
        args=(
            ensemble,
            delta0,
            delta_inf,
            energy,
            _hill_top_series(ensemble, delta0, delta_inf),
        ),
        saveat=dfx.SaveAt(ts=late),
        stepsize_controller=controller,
        max_steps=options.max_steps,
        throw=False,
    )
    values = jnp.where(taus <= switch, first.ys[0][:-1], second.ys)
    ok = (first.result == dfx.RESULTS.successful) & (
        second.result == dfx.RESULTS.successful
    )
    return values, ok


def stationary_autocorrelation(
    ensemble: NetworkEnsemble,
    solution: StationarySolution,
    taus: Float[ArrayLike, " n"],
    options: AutocorrelationOptions = AutocorrelationOptions(),
    *,
    throw: bool = True,
) -> Float[Array, " n"]:
    """The stationary autocorrelation $\\Delta(\\tau) = \\langle \\delta h(t) \\delta
    h(t + \\tau)\\rangle$ at lags `taus`, from the particle equation

    $$\\ddot\\Delta = \\Delta - g^2 C(\\Delta; \\Delta_0) - \\sigma_b^2,\\quad
    \\Delta(0) = \\Delta_0,\\ \\dot\\Delta(0^+) = -\\sigma^2/2,$$

    integrated with diffrax (second order for one relaxation time $1/\\kappa$, then the
    energy form $\\dot\\Delta = -\\sqrt{2(V(\\Delta_\\infty) - V(\\Delta))}$, which is
    stable as $\\Delta \\to \\Delta_\\infty$).

    **Arguments:**

    - `ensemble`: the network ensemble that `solution` solves.
    - `solution`: from `dmft.meanfield.solve_stationary`.
    - `taus`: lags $\\tau \\ge 0$ (any order).
    - `options`: a `dmft.meanfield.AutocorrelationOptions`.
    - `throw`: raise if the integration fails (else return NaN there).

    **Returns:** $\\Delta(\\tau)$ at `taus`.

    **Raises:** `ValueError` for a negative lag.
    """
    taus = jnp.asarray(taus, float)
    if taus.ndim != 1:
        raise ValueError("`taus` must be a 1-D array of lags.")
    if not isinstance(taus, jax.core.Tracer) and jnp.any(~(taus >= 0)):
        raise ValueError(f"lags `taus` must be finite and >= 0; got {taus}.")
    return _autocorrelation(ensemble, solution, taus, options, throw)


@eqx.filter_jit
def _autocorrelation(ensemble, solution, taus, options, throw):
    order = jnp.argsort(taus)
    values, ok = _trajectory(
        ensemble, solution.delta0, solution.delta_inf, taus[order], options
    )
    values = jnp.zeros_like(values).at[order].set(values)
    static = solution.regime == 0
    values = jnp.where(static, solution.delta0, values)
    ok = ok | static
    if throw:
        values = eqx.error_if(
            values,
            ~ok,
            "the particle equation failed to integrate; try increasing "
            "`AutocorrelationOptions.max_steps`.",
        )
    return jnp.where(ok, values, jnp.nan)
