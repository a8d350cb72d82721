"""The stationary DMFT of the discrete-time network
$h_{t+1} = (1 - \\delta) h_t + \\delta (W\\phi(h_t) + b) + \\sigma\\sqrt\\delta\\, \\xi_t$
($\\delta$ = `step`), the bridge between the recurrent network ($\\delta \\to 0$) and the
deep network with tied weights ($\\delta = 1$).

The equations, their derivation and the references are in
`dmft.meanfield.solve_discrete_stationary`.
"""

import equinox as eqx
import jax
import jax.numpy as jnp
from jax.scipy.linalg import eigh_tridiagonal
from jaxtyping import Array, Float

from .._ensemble import NetworkEnsemble
from .._gaussian import product_expectation
from .._results import REGIMES, RESULTS
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

    - `step`: the step $\\delta$ of the map.
    - `delta0`, `delta_inf`, `q_star`, `chi_1`, `result`: as in
        `dmft.meanfield.StationarySolution`.
    - `lyapunov`: the largest Lyapunov exponent per unit time ($\\log\\mu / \\delta$).
    - `regime`: a `dmft.REGIMES` item.
    - `delta`: $\\Delta_k$ at lags $k = 0, 1, \\ldots$ (`delta[0]` is $\\Delta_0$), held
        at $\\Delta_\\infty$ once it is reached.
    - `lags`: the lag times $k\\delta$ of `delta` (a property).
    """

    step: Float[Array, ""]
    delta0: Float[Array, ""]
    delta_inf: Float[Array, ""]
    q_star: Float[Array, ""]
    chi_1: Float[Array, ""]
    lyapunov: Float[Array, ""]
    regime: REGIMES
    delta: Float[Array, " max_lags"]
    result: RESULTS

    @property
    def lags(self) -> Float[Array, " max_lags"]:
        """The lag times $k\\delta$, $k = 0, 1, \\ldots$, of `delta`."""
        return self.step * jnp.arange(self.delta.shape[-1], dtype=self.delta.dtype)


def _first_lag(ensemble, delta0, step, a):
    drive = ensemble.sigma_w**2 * correlation_function(ensemble, delta0, delta0)
    drive = step**2 * (drive + ensemble.sigma_b**2) + step * ensemble.noise**2
    return ((1 + a**2) * delta0 - drive) / (2 * a)


def _next_lag(ensemble, delta0, previous, current, step, a):
    drive = ensemble.sigma_w**2 * correlation_function(ensemble, current, delta0)
    drive = step**2 * (drive + ensemble.sigma_b**2)
    return ((1 + a**2) * current - drive) / a - previous


def _overshoots(delta0, args):
    """Whether the orbit from `delta0` falls through Delta_inf (delta0 too small)."""
    ensemble, step, max_lags, options = args
    a = 1 - step
    floor = turning_point(ensemble, delta0, options)

    def cond(carry):
        previous, current, k = carry
        return (current > floor) & (current <= previous) & (k < max_lags)

    def body(carry):
        previous, current, k = carry
        return current, _next_lag(ensemble, delta0, previous, current, step, a), k + 1

    first = _first_lag(ensemble, delta0, step, a)
    _, last, _ = jax.lax.while_loop(cond, body, (delta0, first, 0))
    return last <= floor


def _shoot(ensemble, q_star, step, max_lags, options):
    args = (ensemble, step, max_lags, options)
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


def _orbit(ensemble, delta0, delta_inf, step, max_lags):
    """Delta_0, Delta_1, ... from the recurrence, held at Delta_inf once reached."""
    a = 1 - step
    tol = 1e-9 * (delta0 - delta_inf) + 1e-300

    def advance(carry, _):
        previous, current, done = carry
        following = _next_lag(ensemble, delta0, previous, current, step, a)
        done = (
            done
            | (jnp.abs(current - delta_inf) <= tol)
            | (following > current)
            | (following < delta_inf)
        )
        following = jnp.where(done, delta_inf, following)
        # Emit Delta_k (not Delta_{k+1}): entry k of the result is lag k.
        return (current, following, done), previous

    first = _first_lag(ensemble, delta0, step, a)
    _, delta = jax.lax.scan(advance, (delta0, first, False), None, length=max_lags)
    return delta


def _largest_multiplier(ensemble, delta, step):
    """The largest mu of (mu^2 + a^2 - step^2 G_k) psi_k = a mu (psi_{k+1} +
    psi_{k-1}), even psi, with G_k from Delta_k = `delta[k]`, by bisection on the sign
    of the lowest eigenvalue."""
    a = 1 - step
    gain = 1 - schrodinger_potential(ensemble, delta, delta[0])  # G_k
    n = delta.shape[0]
    # psi_{-1} = psi_1: rescaling psi_0 by sqrt(2) keeps the matrix symmetric.
    coupling = jnp.ones(n - 1).at[0].set(jnp.sqrt(2.0))

    def lowest(mu):
        diagonal = mu**2 + a**2 - step**2 * gain
        off = -a * mu * coupling
        return eigh_tridiagonal(
            diagonal, off, eigvals_only=True, select="i", select_range=(0, 0)
        )[0]

    # The continuum edge (the free problem at G_inf): a bound state lies above it.
    edge = a + step * jnp.sqrt(jnp.maximum(gain[-1], 0.0))
    # Above this, (mu - a)^2 > step^2 G_k for every k: the operator is positive.
    top = a + step * jnp.sqrt(jnp.max(gain)) + 1e-12

    def bisect(carry, _):
        lower, upper = carry
        mid = 0.5 * (lower + upper)
        below = lowest(mid) <= 0
        return (jnp.where(below, mid, lower), jnp.where(below, upper, mid)), None

    (lower, upper), _ = jax.lax.scan(bisect, (edge, top), None, length=64)
    return 0.5 * (lower + upper)


def solve_discrete_stationary(
    ensemble: NetworkEnsemble,
    step: float,
    options: StationaryOptions = StationaryOptions(),
    *,
    max_lags: int = 4096,
    throw: bool = True,
) -> DiscreteStationarySolution:
    """Solve the stationary DMFT of the discrete-time network with step $\\delta$ =
    `step`.

    **Autocorrelation.** With $a = 1 - \\delta$ and $h_{t+1} - a h_t = \\delta(\\eta_t + b) +
    \\sigma\\sqrt\\delta\\xi_t$, where $\\eta = W\\phi(h)$ is Gaussian with covariance $g^2
    C(\\Delta_{t-s}; \\Delta_0)$, multiplying the update at two times and averaging gives on
    integer lags

    $$(1 + a^2)\\Delta_k - a(\\Delta_{k+1} + \\Delta_{k-1}) = \\delta^2 (g^2 C(\\Delta_k;
    \\Delta_0) + \\sigma_b^2) + \\delta\\sigma^2 [k = 0],\\qquad \\Delta_{-1} = \\Delta_1,$$

    a second-order recurrence whose fixed point is the continuous-time $\\Delta_\\infty$.
    $\\Delta_0$ is found by shooting: too small and the orbit falls through $\\Delta_\\infty$,
    too large and it turns back.

    **Lyapunov exponent.** Two replicas $h^1, h^2$ with the same $W$, $b$ and noise have the
    cross-covariance $\\Delta^{12}_{t,s} = \\Delta_{t-s} - \\epsilon_{t,s}$; to first order
    in $\\epsilon$, $C(\\Delta^{12}) = C(\\Delta) - \\partial_\\Delta C\\,\\epsilon$ with
    $\\partial_\\Delta C = E[\\phi'(h_t)\\phi'(h_s)]$ (Price's theorem), and the noise
    cancels, so

    $$\\epsilon_{t+1,s+1} - a(\\epsilon_{t+1,s} + \\epsilon_{t,s+1}) + a^2\\epsilon_{t,s}
    = \\delta^2 G_{t-s}\\,\\epsilon_{t,s},\\qquad G_k = g^2 E[\\phi'(h_t)\\phi'(h_{t+k})]
    = 1 - W_k$$

    ($W_k$ the `dmft.meanfield.schrodinger_potential` at $\\Delta_k$; the tangent
    correlation obeys the same equation). The separable solutions
    $\\epsilon_{t,s} = \\mu^{t+s}\\psi_{t-s}$ solve the quadratic eigenproblem

    $$(\\mu^2 + a^2 - \\delta^2 G_k)\\psi_k - a\\mu(\\psi_{k+1} + \\psi_{k-1}) = 0,
    \\qquad \\psi_{-k} = \\psi_k,$$

    and the squared distance $\\epsilon_{t,t} \\propto \\mu^{2t}$ grows by $\\mu^2$ per step,
    so the largest Lyapunov exponent per unit time is $\\lambda = \\log(\\mu)/\\delta$ for the
    largest $\\mu$ at which the (symmetrised, tridiagonal) operator has a zero eigenvalue with
    a decaying $\\psi$; above the continuum edge $\\mu = a + \\delta\\sqrt{G_\\infty}$ its
    lowest eigenvalue grows with $\\mu$, so bisection on its sign finds it. This is the
    operator $T_s$ of Clark's discrete-time theory ($\\mu = e^{s\\delta}$). At
    $\\delta = 1$: $\\mu^2 = G_0 = \\chi_1$, $\\lambda = \\tfrac12\\log\\chi_1$, the deep
    network's rate. As $\\delta \\to 0$ with $\\tau = k\\delta$ the recurrence becomes
    $(1 - \\delta)\\ddot\\Delta = \\Delta - g^2 C - \\sigma_b^2 + O(\\delta^2)$ and the
    eigenproblem $-(1 + (\\lambda - 1)\\delta)\\psi'' + (1 + \\lambda)^2\\psi - G\\psi +
    O(\\delta) = 0$: $\\Delta_0$ (fixed by the particle's energy, which a rescaling of time
    keeps) converges at $O(\\delta^2)$ and $\\lambda$ (a rate) at $O(\\delta)$ to
    `dmft.meanfield.solve_stationary`'s.

    **Arguments:**

    - `ensemble`: a `dmft.NetworkEnsemble` with zero means.
    - `step`: the step $0 < \\delta \\le 1$.
    - `options`: a `dmft.meanfield.StationaryOptions` (for the inner solves).
    - `max_lags`: the number of lags kept (must cover the relaxation: about
        $30/(\\kappa\\delta)$).
    - `throw`: raise on failure.

    **Returns:** a `dmft.meanfield.DiscreteStationarySolution`.

    **Raises:** `ValueError` for an invalid ensemble or `step` outside $(0, 1]$; an
    error (`eqx.error_if`) if `throw` and `result` is not successful.

    ??? cite "References"

        ```bibtex
        @article{sompolinsky1988chaos,
          title={Chaos in Random Neural Networks},
          author={Sompolinsky, H. and Crisanti, A. and Sommers, H. J.},
          journal={Physical Review Letters},
          volume={61},
          number={3},
          pages={259--262},
          year={1988}
        }
        @article{molgedey1992suppressing,
          title={Suppressing Chaos in Neural Networks by Noise},
          author={Molgedey, L. and Schuchhardt, J. and Schuster, H. G.},
          journal={Physical Review Letters},
          volume={69},
          number={26},
          pages={3717--3719},
          year={1992}
        }
        @misc{clark_rnn_lyapunov,
          title={Lyapunov spectrum of random neural networks (code: rnn-lyapunov,
                 max_exponent.discrete_edge)},
          author={Clark, David G.},
          howpublished={\\url{https://github.com/davidclark1/rnn-lyapunov}}
        }
        ```
    """
    check_stationary_ensemble(ensemble)
    if not (isinstance(step, int | float) and 0 < step <= 1):
        raise ValueError(f"the discrete `step` must be in (0, 1]; got {step}.")
    if max_lags < 2:
        raise ValueError(f"`max_lags` must be >= 2; got {max_lags}.")
    return _solve_discrete(ensemble, jnp.asarray(float(step)), options, max_lags, throw)


# `step` is traced: one compilation serves every step with the same `max_lags`.
@eqx.filter_jit
def _solve_discrete(ensemble, step, options, max_lags, throw):
    q_star, result = static_variance(ensemble, options)
    chi_1 = ensemble.sigma_w**2 * product_expectation(
        ensemble.phi, 0.0, q_star, orders=(1, 1)
    )
    static = (ensemble.noise == 0) & (chi_1 <= 1)
    unit = step == 1

    def no_memory(_):
        # step 1: Delta_0 is the length map plus the noise, Delta_k>0 the stable fixed
        # point of the covariance map (the smaller root of V').
        noisy = eqx.tree_at(
            lambda e: e.sigma_b,
            ensemble,
            jnp.sqrt(ensemble.sigma_b**2 + ensemble.noise**2),
        )
        delta0, unit_result = static_variance(noisy, options)
        return delta0, unit_result, jnp.array(True)

    def shoot(_):
        delta0, found = _shoot(ensemble, q_star, step, max_lags, options)
        return delta0, result, found

    delta0, result, found = jax.lax.cond(unit, no_memory, shoot, None)
    delta0 = jnp.where(static, q_star, delta0)
    delta_inf = jnp.where(static, q_star, turning_point(ensemble, delta0, options))
    delta = jax.lax.cond(
        unit,
        lambda: jnp.full(max_lags, delta_inf).at[0].set(delta0),
        lambda: _orbit(ensemble, delta0, delta_inf, step, max_lags),
    )
    mu = _largest_multiplier(ensemble, delta, step)
    lyapunov = jnp.log(mu) / step
    result = RESULTS.where(found, result, RESULTS.no_bracket)
    regime, delta0 = classify(
        static, ensemble.noise, lyapunov > 0, delta0, result, throw
    )
    return DiscreteStationarySolution(
        step=step,
        delta0=delta0,
        delta_inf=delta_inf,
        q_star=q_star,
        chi_1=chi_1,
        lyapunov=lyapunov,
        regime=regime,
        delta=delta,
        result=result,
    )
