"""The stationary autocorrelation $\\Delta(\\tau)$: the particle's trajectory in the
potential $V(\\Delta; \\Delta_0)$."""

import diffrax as dfx
import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, ArrayLike, Float

from .._ensemble import NetworkEnsemble
from .._gaussian import correlated_expectation
from .._results import REGIMES, RESULTS
from .._validation import check_integer, check_interval, require
from ._potential import schrodinger_potential
from ._solution import StationarySolution


class AutocorrelationOptions(eqx.Module):
    """How `dmft.meanfield.stationary_autocorrelation` integrates the particle equation.

    **Arguments:**

    - `solver`: a diffrax solver (default `Tsit5()`).
    - `rtol`, `atol`: tolerances of the PID step-size controller, each in
        $(0, 10^{-3}]$: a looser one would let the orbit's error exceed what any use
        of $\\Delta(\\tau)$ (a curve to plot, the Schrodinger potential) tolerates, with
        the integration still reported successful.
    - `max_steps`: the most steps of each of the two integrations (an integer >= 1).

    **Raises:** `ValueError` for a tolerance outside $(0, 10^{-3}]$ or `max_steps` < 1.
    """

    solver: dfx.AbstractSolver = dfx.Tsit5()
    rtol: float = 1e-10
    atol: float = 1e-12
    max_steps: int = eqx.field(default=16384, static=True)

    def __check_init__(self):
        check_interval("rtol", self.rtol, 0.0, 1e-3)
        check_interval("atol", self.atol, 0.0, 1e-3)
        check_integer("max_steps", self.max_steps, 1)


class ChebyshevKernel(eqx.Module):
    """$E[\\phi^{(i)}(u_1)\\phi^{(j)}(u_2)]$ as a function of the covariance $\\Delta$
    on $[\\Delta_\\infty, \\Delta_0]$ (variances $\\Delta_0$), as a Chebyshev series:
    `orders = (0, 0)` is $C(\\Delta; \\Delta_0)$, `(1, 1)` is $\\partial_\\Delta C$.

    The particle equation evaluates $C$ thousands of times at fixed $\\Delta_0$, each a
    nested Gaussian average; $C$ is analytic in $\\Delta$, so 80 Chebyshev nodes give
    it to ~1e-14 (tanh, $\\Delta_0 \\lesssim 10$; ~1e-11 at $\\Delta_0 = 20$).
    """

    lower: Float[Array, ""]
    upper: Float[Array, ""]
    coefficients: Float[Array, " n"]

    def __init__(self, ensemble, delta0, delta_inf, orders=(0, 0), n: int = 80):
        k = jnp.arange(n, dtype=delta0.dtype)
        angles = jnp.pi * (k + 0.5) / n
        self.lower, self.upper = delta_inf, delta0
        nodes = 0.5 * (delta0 + delta_inf) + 0.5 * (delta0 - delta_inf) * jnp.cos(
            angles
        )
        values = correlated_expectation(
            ensemble.phi, delta0, delta0, nodes, orders=orders
        )
        c = 2 / n * jnp.cos(jnp.outer(k, angles)) @ values
        self.coefficients = c.at[0].multiply(0.5)

    def __call__(self, delta):
        width = jnp.maximum(self.upper - self.lower, 1e-300)
        t = jnp.clip((2 * delta - (self.upper + self.lower)) / width, -1.0, 1.0)
        j = jnp.arange(self.coefficients.shape[0], dtype=self.coefficients.dtype)
        return jnp.sum(
            self.coefficients * jnp.cos(j * jnp.arccos(t)[..., None]), axis=-1
        )


def _second_order(tau, y, args):
    ensemble, correlation = args
    delta, velocity = y
    g2, sb2 = ensemble.sigma_w**2, ensemble.sigma_b**2
    force = delta - g2 * correlation(delta) - sb2
    return velocity, force


def _log_distance_rate(tau, log_u, args):
    """$d \\log u / d\\tau$ for $u = \\Delta - \\Delta_\\infty$ on the energy form
    $\\dot\\Delta = -\\sqrt{2 (E - V(\\Delta))}$, $E = V(\\Delta_\\infty)$.

    With $V'(\\Delta_\\infty) = 0$ and $V'' = -W$, $2 (E - V(\\Delta_\\infty + u)) =
    2 \\int_0^u (u - r) W(\\Delta_\\infty + r) dr$, so the rate is
    $-\\sqrt{2 \\int_0^1 (1 - t) W(\\Delta_\\infty + u t) dt}$: no cancellation
    however small $u$ (it tends to $-\\kappa = -\\sqrt{W_\\infty}$) or however close
    to onset ($W = O(\\Delta_0^2)$ there, while $V$ and $\\Delta^2/2$ are
    $O(\\Delta_0^2)$ each and cancel to $O(\\Delta_0^4)$: a difference of the potential
    lost all digits at $g - 1 \\lesssim 10^{-4}$). `nodes, weights`: a Gauss-Legendre
    rule on $[0, 1]$ exact for the series' degree, so the rate is a smooth function of
    $u$ and the step-size controller sees no quadrature noise.
    """
    ensemble, slope, (nodes, weights) = args
    u = jnp.exp(log_u)
    w = 1 - ensemble.sigma_w**2 * slope(slope.lower + u * nodes)
    return -jnp.sqrt(jnp.maximum(2 * jnp.sum(weights * (1 - nodes) * w), 0.0))


def _gauss_legendre(n: int):
    """A rule on [0, 1] that integrates (1 - t) times a degree n - 1 series exactly."""
    nodes, weights = np.polynomial.legendre.leggauss(n // 2 + 1)
    return jnp.asarray(0.5 * (nodes + 1)), jnp.asarray(0.5 * weights)


def relaxation_rate(
    ensemble: NetworkEnsemble, delta0: ArrayLike, delta_inf: ArrayLike
) -> Float[Array, "..."]:
    """$\\kappa = \\sqrt{W_\\infty} = \\sqrt{-V''(\\Delta_\\infty)}$, the rate at which
    $\\Delta(\\tau) \\to \\Delta_\\infty$ (and the bottom $\\kappa^2$ of the continuum of the
    Schrodinger problem)."""
    w_inf = schrodinger_potential(ensemble, delta_inf, delta0)
    return jnp.sqrt(jnp.maximum(w_inf, 0.0))


def resolved(rate: Float[Array, "..."]) -> Float[Array, "..."]:
    """Whether the relaxation rate $\\kappa$ is resolved: $\\kappa^2 = W_\\infty = 1 -
    g^2 E[\\phi'\\phi']$ is a difference of O(1) terms, and near onset ($\\kappa^2
    \\approx \\Delta_0^2/3 \\approx (g - 1)^2/3$, tanh) the energy condition fixes
    $\\Delta_0$ only to ~1e-16 / (g - 1), which moves $\\kappa^2 = 2\\Delta_0 - (g^2 - 1)$
    by ~1e-16 / (g - 1)^3 relative. Measured (tanh, float64): $\\lambda$ within 1e-5 of
    $(g-1)^2/2\\,(1 + O(g - 1))$ at $g - 1 = 10^{-4}$ ($\\kappa^2 = 3.3 \\cdot
    10^{-9}$), 18% off at $10^{-5}$; the cut $\\kappa^2 \\ge 2\\cdot 10^6\\,\\epsilon$
    ($4.4 \\cdot 10^{-10}$, $g - 1 \\approx 3.6 \\cdot 10^{-5}$) keeps the error below
    ~3e-4."""
    return rate**2 >= 2e6 * jnp.finfo(rate.dtype).eps


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
    correlation = ChebyshevKernel(ensemble, delta0, delta_inf)
    slope = ChebyshevKernel(ensemble, delta0, delta_inf, orders=(1, 1))
    # Dense output evaluated at all lags at once rather than `SaveAt(ts=...)`: the
    # same interpolating polynomials, but no run-time checks of the save times, whose
    # host callbacks keep a program out of JAX's persistent compilation cache.
    first = dfx.diffeqsolve(
        dfx.ODETerm(_second_order),
        options.solver,
        0.0,
        switch,
        None,
        (delta0, -0.5 * noise2 + jnp.zeros_like(delta0)),
        args=(ensemble, correlation),
        saveat=dfx.SaveAt(t1=True, dense=True),
        stepsize_controller=controller,
        max_steps=options.max_steps,
        throw=False,
    )
    # The approach to Delta_inf is exponential, u ~ exp(-kappa tau): integrated in
    # log u it is a nearly linear, neutrally stable ODE (the rate tends to -kappa), so
    # the step-size controller takes long steps through any tail and u keeps its
    # relative accuracy down to underflow, where Delta is Delta_inf to the last bit.
    u_switch = first.ys[0][-1] - delta_inf
    second = dfx.diffeqsolve(
        dfx.ODETerm(_log_distance_rate),
        options.solver,
        switch,
        jnp.maximum(taus[-1], switch),
        None,
        jnp.log(jnp.maximum(u_switch, jnp.finfo(u_switch.dtype).tiny)),
        args=(ensemble, slope, _gauss_legendre(slope.coefficients.shape[0])),
        saveat=dfx.SaveAt(dense=True),
        stepsize_controller=controller,
        max_steps=options.max_steps,
        throw=False,
    )
    early = jax.vmap(first.evaluate)(jnp.minimum(taus, switch))[0]
    late = jax.vmap(second.evaluate)(jnp.maximum(taus, switch))
    values = jnp.where(taus <= switch, early, delta_inf + jnp.exp(late))
    # The chaotic orbit falls monotonically from Delta0 to Delta_inf: a value outside
    # that range (or a NaN) is a failed integration, never an answer.
    slack = 1e-8 * (jnp.abs(delta0) + 1)
    ok = (
        (first.result == dfx.RESULTS.successful)
        & (second.result == dfx.RESULTS.successful)
        & (u_switch > 0)
        & jnp.all((values >= delta_inf - slack) & (values <= delta0 + slack))
    )
    return values, ok


def stationary_autocorrelation(
    ensemble: NetworkEnsemble,
    solution: StationarySolution,
    lags: Float[ArrayLike, " n"],
    options: AutocorrelationOptions = AutocorrelationOptions(),
    *,
    throw: bool = True,
) -> Float[Array, " n"]:
    """The stationary autocorrelation $\\Delta(\\tau) = \\langle \\delta h(t) \\delta
    h(t + \\tau)\\rangle$ of the DMFT at the lag times `lags`, from the particle
    equation

    $$\\ddot\\Delta = \\Delta - g^2 C(\\Delta; \\Delta_0) - \\sigma_b^2,\\quad
    \\Delta(0) = \\Delta_0,\\ \\dot\\Delta(0^+) = -\\sigma^2/2,$$

    integrated with diffrax (second order for one relaxation time $1/\\kappa$, then the
    energy form $\\dot\\Delta = -\\sqrt{2(V(\\Delta_\\infty) - V(\\Delta))}$ in
    $\\log(\\Delta - \\Delta_\\infty)$, which is stable and keeps its relative
    accuracy however long the window: $\\Delta - \\Delta_\\infty \\sim e^{-\\kappa\\tau}$).

    **Arguments:**

    - `ensemble`: the network ensemble that `solution` solves.
    - `solution`: from `dmft.meanfield.solve_stationary`.
    - `lags`: lag times $\\tau \\ge 0$ (any order).
    - `options`: a `dmft.meanfield.AutocorrelationOptions`.
    - `throw`: raise if the integration fails (else return NaN): a step limit, or a
        value outside $[\\Delta_\\infty, \\Delta_0]$, which the orbit never leaves.

    **Returns:** $\\Delta(\\tau)$ at `lags`.

    **Raises:** `ValueError` for lags that are not a 1-D array of finite values
    $\\ge 0$; an error (`eqx.error_if`) if the integration fails and `throw`.
    """
    lags = jnp.asarray(lags, float)
    if lags.ndim != 1:
        raise ValueError(f"`lags` must be a 1-D array of lag times; got {lags.shape}.")
    require("lags", lags, lambda v: np.isfinite(v) & (v >= 0), "finite and >= 0")
    return _autocorrelation(ensemble, solution, lags, options, throw)


@eqx.filter_jit
def _autocorrelation(ensemble, solution, lags, options, throw):
    order = jnp.argsort(lags)
    values, ok = _trajectory(
        ensemble, solution.delta0, solution.delta_inf, lags[order], options
    )
    values = jnp.zeros_like(values).at[order].set(values)
    static = solution.regime == REGIMES.static
    values = jnp.where(static, solution.delta0, values)
    rate = relaxation_rate(ensemble, solution.delta0, solution.delta_inf)
    near = ~(resolved(rate) | static)
    ok = (ok | static) & ~near
    if throw:
        values = RESULTS.near_onset.error_if(values, near)
        values = RESULTS.autocorrelation_failed.error_if(values, ~ok)
    return jnp.where(ok, values, jnp.nan)
