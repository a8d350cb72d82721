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
from ._results import RESULTS
from ._solution import StationarySolution
from .potential import schrodinger_potential


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


class ChebyshevKernel(eqx.Module):
    """$E[\\phi^{(i)}(u_1)\\phi^{(j)}(u_2)]$ as a function of the covariance $\\Delta$ on
    $[\\Delta_\\infty, \\Delta_0]$ (variances $\\Delta_0$), as a Chebyshev series:
    `orders = (0, 0)` is $C(\\Delta; \\Delta_0)$, `(1, 1)` is $\\partial_\\Delta C$.

    The particle equation evaluates $C$ thousands of times at fixed $\\Delta_0$, each a
    nested Gaussian average; $C$ is analytic in $\\Delta$, so 80 Chebyshev nodes give
    it to ~1e-14 (tanh, $\\Delta_0 \\lesssim 10$; ~1e-11 at $\\Delta_0 = 20$), and its
    integral (the potential) comes exactly from the series.
    """

    lower: Float[Array, ""]
    upper: Float[Array, ""]
    coefficients: Float[Array, " n"]
    integral: Float[Array, " n+1"]

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
        c = c.at[0].multiply(0.5)
        self.coefficients = c
        # Antiderivative in t: int T_j = T_{j+1}/(2(j+1)) - T_{j-1}/(2(j-1)), T_0 -> T_1.
        padded = jnp.concatenate([2 * c[:1], c[1:], jnp.zeros(2, c.dtype)])
        j = jnp.arange(1, n + 1, dtype=c.dtype)
        integral = (padded[:-2] - padded[2:]) / (2 * j)
        integral = jnp.concatenate([jnp.zeros(1, c.dtype), integral])
        # In Delta: d Delta = (upper - lower)/2 dt; zero at Delta_inf (t = -1).
        integral = 0.5 * (delta0 - delta_inf) * integral
        self.integral = integral.at[0].add(-self._series(integral, -1.0))

    @staticmethod
    def _series(coefficients, t):
        t = jnp.clip(t, -1.0, 1.0)
        j = jnp.arange(coefficients.shape[0], dtype=coefficients.dtype)
        return jnp.sum(coefficients * jnp.cos(j * jnp.arccos(t)[..., None]), axis=-1)

    def _t(self, delta):
        width = jnp.maximum(self.upper - self.lower, 1e-300)
        return (2 * delta - (self.upper + self.lower)) / width

    def __call__(self, delta):
        return self._series(self.coefficients, self._t(delta))

    def derivative(self) -> "ChebyshevKernel":
        """The series of $\\partial_\\Delta$ of this one (exact recurrence)."""
        c = self.coefficients
        n = c.shape[0]
        # d_j = sum_{k > j, k - j odd} 2 k c_k (d_0 halved): the recurrence
        # d_{k-1} = d_{k+1} + 2 k c_k as one constant matrix (a small graph to compile).
        j, k = np.arange(n)[:, None], np.arange(n)[None, :]
        matrix = np.where((k > j) & ((k - j) % 2 == 1), 2.0 * k, 0.0)
        matrix[0] *= 0.5
        d = jnp.asarray(matrix, c.dtype) @ c
        d = d * 2 / jnp.maximum(self.upper - self.lower, 1e-300)
        return eqx.tree_at(lambda s: s.coefficients, self, d)

    def antiderivative(self, delta):
        """$\\int_{\\Delta_\\infty}^{\\Delta} C$."""
        return self._series(self.integral, self._t(delta))


def _second_order(tau, y, args):
    ensemble, correlation = args
    delta, velocity = y
    g2, sb2 = ensemble.sigma_w**2, ensemble.sigma_b**2
    force = delta - g2 * correlation(delta) - sb2
    return velocity, force


def _log_distance_rate(tau, log_u, args):
    """$d \\log u / d\\tau$ for $u = \\Delta - \\Delta_\\infty$ on the energy form
    $\\dot\\Delta = -\\sqrt{2 (E - V(\\Delta))}$, $E = V(\\Delta_\\infty)$."""
    ensemble, correlation, series = args
    delta_inf, delta0 = correlation.lower, correlation.upper
    u = jnp.exp(log_u)
    # Near the top of the hill 2 (E - V) cancels to rounding noise: there use its Taylor
    # series 2 (E - V) = u^2 (W + W' u / 3 + W'' u^2 / 12) (W = -V''), divided by u^2 in
    # closed form, so that the rate tends to -kappa = -sqrt(W) as u -> 0.
    w, w1, w2 = series
    near = -jnp.sqrt(jnp.maximum(w + w1 * u / 3 + w2 * u**2 / 12, 0.0))
    # 2 (V(Delta_inf) - V(Delta)) = -2 int_{Delta_inf}^{Delta} V'.
    g2, sb2 = ensemble.sigma_w**2, ensemble.sigma_b**2
    delta = delta_inf + u
    far = -2 * (
        g2 * correlation.antiderivative(delta)
        + sb2 * u
        - 0.5 * (delta**2 - delta_inf**2)
    )
    far = -jnp.sqrt(jnp.maximum(far, 0.0)) / u
    return jnp.where(u > 1e-2 * (delta0 - delta_inf), far, near)


def _hill_top_series(ensemble, delta0, delta_inf):
    # From the series of E[phi' phi'] (W = 1 - g^2 of it): differentiating the nested
    # average itself is ill-conditioned at small Delta_inf, where it goes through
    # sqrt(Delta).
    g2 = ensemble.sigma_w**2
    slope = ChebyshevKernel(ensemble, delta0, delta_inf, orders=(1, 1))
    curvature = slope.derivative()
    return (
        1 - g2 * slope(delta_inf),
        -g2 * curvature(delta_inf),
        -g2 * curvature.derivative()(delta_inf),
    )


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
    correlation = ChebyshevKernel(ensemble, delta0, delta_inf)
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
        args=(ensemble, correlation, _hill_top_series(ensemble, delta0, delta_inf)),
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
    energy form $\\dot\\Delta = -\\sqrt{2(V(\\Delta_\\infty) - V(\\Delta))}$ in
    $\\log(\\Delta - \\Delta_\\infty)$, which is stable and keeps its relative
    accuracy however long the window: $\\Delta - \\Delta_\\infty \\sim e^{-\\kappa\\tau}$).

    **Arguments:**

    - `ensemble`: the network ensemble that `solution` solves.
    - `solution`: from `dmft.meanfield.solve_stationary`.
    - `taus`: lags $\\tau \\ge 0$ (any order).
    - `options`: a `dmft.meanfield.AutocorrelationOptions`.
    - `throw`: raise if the integration fails (else return NaN): a step limit, or a
        value outside $[\\Delta_\\infty, \\Delta_0]$, which the orbit never leaves.

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
        values = RESULTS.autocorrelation_failed.error_if(values, ~ok)
    return jnp.where(ok, values, jnp.nan)
