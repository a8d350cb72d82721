"""The stationary DMFT of the discrete-time network
$h_{t+1} = (1 - \\delta) h_t + \\delta (W\\phi(h_t) + b) + \\sigma\\sqrt\\delta\\, \\xi_t$,
the bridge between the recurrent network ($\\delta \\to 0$) and the deep network with tied
weights ($\\delta = 1$).

With $a = 1 - \\delta$ and $y_t = h_{t+1} - a h_t = \\delta(\\eta_t + b) +
\\sigma\\sqrt\\delta\\xi_t$, the autocorrelation on integer lags obeys

$$(1 + a^2)\\Delta_k - a(\\Delta_{k+1} + \\Delta_{k-1}) = \\delta^2 (g^2 C(\\Delta_k;
\\Delta_0) + \\sigma_b^2) + \\delta\\sigma^2 [k = 0],\\qquad \\Delta_{-1} = \\Delta_1,$$

a second-order recurrence whose fixed point is the continuous-time $\\Delta_\\infty$.
$\\Delta_0$ is found by shooting: too small and the orbit falls through $\\Delta_\\infty$,
too large and it turns back. The tangent correlation $D_{t,s} = \\mu^{t+s}\\psi_{t-s}$
obeys the quadratic eigenproblem $(\\mu^2 + a^2 - \\delta^2 G_k)\\psi_k - a\\mu
(\\psi_{k+1} + \\psi_{k-1}) = 0$, $G_k = g^2 E[\\phi'(h_t)\\phi'(h_{t+k})]$; the largest
$\\mu$ gives $\\lambda = \\log(\\mu)/\\delta$ per unit time. At $\\delta = 1$ this is
$\\mu^2 = G_0 = \\chi_1$: $\\lambda = \\tfrac12\\log\\chi_1$, the deep network's rate.
"""

import equinox as eqx
import jax
import jax.numpy as jnp
from jax.scipy.linalg import eigh_tridiagonal
from jaxtyping import Array, Float, Int

from .._ensemble import NetworkEnsemble
from .._gaussian import product_expectation
from .._results import RESULTS
from ._potential import correlation_function, schrodinger_potential
from ._solution import classify
from ._stationary import (
    StationaryOptions,
    check_stationary_ensemble,
    static_variance,
    turning_point,
)


class DiscreteStationarySolution(eqx.Module):
    """The stationary DMFT of the discrete-time network.

    **Attributes:**

    - `delta`: the step $\\delta$.
    - `delta0`, `delta_inf`, `q_star`, `chi_1`, `regime`, `result`: as in
        `dmft.meanfield.StationarySolution`.
    - `lyapunov`: the largest Lyapunov exponent per unit time ($\\log\\mu / \\delta$).
    - `lags`: $\\Delta_k$ at lags $k = 0, 1, \\ldots$ (time $k\\delta$), held at
        $\\Delta_\\infty$ once it is reached.
    """

    delta: float = eqx.field(static=True)
    delta0: Float[Array, ""]
    delta_inf: Float[Array, ""]
    q_star: Float[Array, ""]
    chi_1: Float[Array, ""]
    lyapunov: Float[Array, ""]
    regime: Int[Array, ""]
    lags: Float[Array, " max_lags"]
    result: RESULTS


def _first_lag(ensemble, delta0, delta, a):
    drive = ensemble.sigma_w**2 * correlation_function(ensemble, delta0, delta0)
    drive = delta**2 * (drive + ensemble.sigma_b**2) + delta * ensemble.noise**2
    return ((1 + a**2) * delta0 - drive) / (2 * a)


def _next_lag(ensemble, delta0, previous, current, delta, a):
    drive = ensemble.sigma_w**2 * correlation_function(ensemble, current, delta0)
    drive = delta**2 * (drive + ensemble.sigma_b**2)
    return ((1 + a**2) * current - drive) / a - previous


def _overshoots(delta0, args):
    """Whether the orbit from `delta0` falls through Delta_inf (delta0 too small)."""
    ensemble, delta, max_lags, options = args
    a = 1 - delta
    floor = turning_point(ensemble, delta0, options)

    def cond(carry):
        previous, current, k = carry
        return (current > floor) & (current <= previous) & (k < max_lags)

    def body(carry):
        previous, current, k = carry
        return current, _next_lag(ensemble, delta0, previous, current, delta, a), k + 1

    first = _first_lag(ensemble, delta0, delta, a)
    _, last, _ = jax.lax.while_loop(cond, body, (delta0, first, 0))
    return last <= floor


def _shoot(ensemble, q_star, delta, max_lags, options):
    args = (ensemble, delta, max_lags, options)
    lower = jnp.zeros_like(q_star)
    upper = 2 * q_star + ensemble.noise**2 + 1e-3

    def grow(carry):
        upper, n = carry
        return 2 * upper, n + 1

    upper, n = jax.lax.while_loop(
        lambda c: _overshoots(c[0], args) & (c[1] < 60), grow, (upper, 0)
    )

    def bisect(carry, _):
        lower, upper = carry
        mid = 0.5 * (lower + upper)
        left = _overshoots(mid, args)
        return (jnp.where(left, mid, lower), jnp.where(left, upper, mid)), None

    (lower, upper), _ = jax.lax.scan(bisect, (lower, upper), None, length=64)
    return 0.5 * (lower + upper), n < 60


def _orbit(ensemble, delta0, delta_inf, delta, max_lags):
    a = 1 - delta
    tol = 1e-9 * (delta0 - delta_inf) + 1e-300

    def step(carry, _):
        previous, current, done = carry
        following = _next_lag(ensemble, delta0, previous, current, delta, a)
        done = (
            done
            | (jnp.abs(current - delta_inf) <= tol)
            | (following > current)
            | (following < delta_inf)
        )
        following = jnp.where(done, delta_inf, following)
        return (current, following, done), current

    first = _first_lag(ensemble, delta0, delta, a)
    _, lags = jax.lax.scan(step, (delta0, first, False), None, length=max_lags)
    return lags


def _largest_multiplier(ensemble, delta0, lags, delta):
    """The largest mu of (mu^2 + a^2 - delta^2 G_k) psi_k = a mu (psi_{k+1} +
    psi_{k-1}), even psi, by bisection on the sign of the lowest eigenvalue."""
    a = 1 - delta
    gain = 1 - schrodinger_potential(ensemble, lags, delta0)  # G_k
    n = lags.shape[0]
    # psi_{-1} = psi_1: rescaling psi_0 by sqrt(2) keeps the matrix symmetric.
    coupling = jnp.ones(n - 1).at[0].set(jnp.sqrt(2.0))

    def lowest(mu):
        diagonal = mu**2 + a**2 - delta**2 * gain
        off = -a * mu * coupling
        return eigh_tridiagonal(
            diagonal, off, eigvals_only=True, select="i", select_range=(0, 0)
        )[0]

    edge = a + delta * jnp.sqrt(jnp.maximum(gain[-1], 0.0))  # continuum's top
    top = a + delta * jnp.sqrt(jnp.max(gain)) + 1e-12  # Gershgorin

    def bisect(carry, _):
        lower, upper = carry
        mid = 0.5 * (lower + upper)
        below = lowest(mid) <= 0
        return (jnp.where(below, mid, lower), jnp.where(below, upper, mid)), None

    (lower, upper), _ = jax.lax.scan(bisect, (edge, top), None, length=64)
    return 0.5 * (lower + upper)


def solve_discrete_stationary(
    ensemble: NetworkEnsemble,
    delta: float,
    options: StationaryOptions = StationaryOptions(),
    *,
    max_lags: int = 4096,
    throw: bool = True,
) -> DiscreteStationarySolution:
    """Solve the stationary DMFT of the discrete-time network with step `delta` (see
    the module docstring for the equations).

    **Arguments:**

    - `ensemble`: a `dmft.NetworkEnsemble` with zero means.
    - `delta`: the step $0 < \\delta \\le 1$.
    - `options`: a `dmft.meanfield.StationaryOptions` (for the inner solves).
    - `max_lags`: the number of lags kept (must cover the relaxation: about
        $30/(\\kappa\\delta)$).
    - `throw`: raise on failure.

    **Returns:** a `dmft.meanfield.DiscreteStationarySolution`.

    **Raises:** `ValueError` for an invalid ensemble or `delta` outside $(0, 1]$.
    """
    check_stationary_ensemble(ensemble)
    if not (isinstance(delta, int | float) and 0 < delta <= 1):
        raise ValueError(f"the discrete step `delta` must be in (0, 1]; got {delta}.")
    if max_lags < 2:
        raise ValueError(f"`max_lags` must be >= 2; got {max_lags}.")
    return _solve_discrete(ensemble, float(delta), options, max_lags, throw)


@eqx.filter_jit
def _solve_discrete(ensemble, delta, options, max_lags, throw):
    q_star, result = static_variance(ensemble, options)
    chi_1 = ensemble.sigma_w**2 * product_expectation(
        ensemble.phi, 0.0, q_star, orders=(1, 1)
    )
    static = (ensemble.noise == 0) & (chi_1 <= 1)
    if delta == 1:
        # No memory: Delta_0 is the length map plus the noise, Delta_k>0 the stable
        # fixed point of the covariance map (the smaller root of V').
        noisy = eqx.tree_at(
            lambda e: e.sigma_b,
            ensemble,
            jnp.sqrt(ensemble.sigma_b**2 + ensemble.noise**2),
        )
        delta0, result = static_variance(noisy, options)
        found = jnp.array(True)
    else:
        delta0, found = _shoot(ensemble, q_star, delta, max_lags, options)
    delta0 = jnp.where(static, q_star, delta0)
    delta_inf = jnp.where(static, q_star, turning_point(ensemble, delta0, options))
    if delta == 1:
        lags = jnp.full(max_lags, delta_inf).at[0].set(delta0)
    else:
        lags = _orbit(ensemble, delta0, delta_inf, delta, max_lags)
    mu = _largest_multiplier(ensemble, delta0, lags, delta)
    lyapunov = jnp.log(mu) / delta
    result = RESULTS.where(found, result, RESULTS.no_bracket)
    regime, delta0 = classify(
        static, ensemble.noise, lyapunov > 0, delta0, result, throw
    )
    return DiscreteStationarySolution(
        delta=delta,
        delta0=delta0,
        delta_inf=delta_inf,
        q_star=q_star,
        chi_1=chi_1,
        lyapunov=lyapunov,
        regime=regime,
        lags=lags,
        result=result,
    )
