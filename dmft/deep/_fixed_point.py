"""The fixed points $q^*$, $c^*$ of the deep maps and the quantities defined there."""

import equinox as eqx
import jax
import jax.lax as lax
import jax.numpy as jnp
from jaxtyping import Array, Float, Int

from .._ensemble import NetworkEnsemble
from .._gaussian import correlated_expectation
from .._quadrature import AbstractGaussianRule
from .._results import RESULTS
from ._correlation_map import chi_c as chi_c_fn
from ._ensemble_check import check_deep_ensemble
from ._frozen_rule import freeze
from ._iteration import ABOVE_MAX, CONVERGED, NONFINITE, RUNNING, flag, scalar_loop
from ._length_map import (
    Q_FLOOR,
    chi_1 as chi_1_fn,
    length_map,
    length_map_and_slope,
    second_moment,
)
from ._mehler import MehlerSeries, mehler_series, series_curvature
from ._solver import DeepSolver


class DeepFixedPoint(eqx.Module):
    """The infinite-width fixed point of a deep random network and the depth scales
    of signal propagation around it (Poole et al. 2016; Schoenholz et al. 2017).

    With $u_1 = \\sqrt{q^*} z_1$, $u_2 = \\sqrt{q^*}(c z_1 + \\sqrt{1 - c^2} z_2)$:

    - `q_star`: $q^* = \\sigma_w^2 E[\\phi(\\sqrt{q^*} z)^2] + \\sigma_b^2$;
    - `c_star`: the stable fixed point of the correlation map, 1 in the ordered phase;
    - `chi_1`: $\\sigma_w^2 E[\\phi'(\\sqrt{q^*} z)^2]$ (ordered if $< 1$, chaotic if
        $> 1$);
    - `chi_c`: $\\sigma_w^2 E[\\phi'(u_1)\\phi'(u_2)]$ at $c = c^*$;
    - `slope`: $V'(q^*) = \\chi_1 + \\sigma_w^2 E[\\phi''\\phi]$;
    - `xi_q`, `xi_c`: $-1/\\log V'(q^*)$ and $-1/\\log\\chi_c$, the depths over which
        lengths and correlations relax ($\\xi_c = \\infty$ on the critical line);
    - `result`: a `dmft.RESULTS`. If it is not `successful`, the numbers are
        undefined (NaN; `q_star` is $+\\infty$ when there is no finite fixed point):
        `no_finite_fixed_point` (ReLU with $\\sigma_w^2 \\ge 2$, linear with
        $\\sigma_w \\ge 1$, except at equality without bias), `degenerate` (there:
        every $q$ is a fixed point), `length_out_of_range` ($q$ beyond
        `DeepSolver.q_max`), `max_steps_reached`, `nonfinite`.
    - `num_steps`: Newton steps taken by the length and correlation solves.

    Fields are scalars, or arrays of the grid's shape from `dmft.deep.phase_diagram`.

    ??? cite "References"

        ```bibtex
        @inproceedings{schoenholz2017deep,
          title={Deep Information Propagation},
          author={Schoenholz, Samuel S. and Gilmer, Justin and Ganguli, Surya and
                  Sohl-Dickstein, Jascha},
          booktitle={International Conference on Learning Representations},
          year={2017}
        }
        ```
    """

    q_star: Float[Array, "*batch"]
    c_star: Float[Array, "*batch"]
    chi_1: Float[Array, "*batch"]
    chi_c: Float[Array, "*batch"]
    slope: Float[Array, "*batch"]
    xi_q: Float[Array, "*batch"]
    xi_c: Float[Array, "*batch"]
    result: RESULTS
    num_steps: Int[Array, "*batch"]


def _length_iteration(ensemble, solver, rule, init, steps_taken=0):
    """$q^*$ by safeguarded Newton on $F(q) = V(q) - q$ (no gradient: see below).

    Where $F' = V' - 1 < 0$ a Newton step heads for the stable root (for concave $V$,
    as for tanh, monotonically after the first step). Where $F' \\ge 0$ a Newton step
    would head for an unstable root or away: then a length map above the diagonal
    ($F > 0$) is followed upwards at least geometrically, $q \\to \\max(V(q), 2q)$, so
    that unbounded growth reaches `q_max` in a few dozen steps, and one below the
    diagonal is iterated, $q \\to V(q)$, which moves towards the stable root.
    """
    sb2 = jnp.square(ensemble.sigma_b)

    def body(q, last_step):
        v, dv = length_map_and_slope(ensemble, q, rule)
        f, df = v - q, dv - 1
        newton = q - f / jnp.where(df < 0, df, -1.0)
        # Every q^l >= sigma_b^2: a Newton step below it is halved back.
        newton = jnp.where(newton < sb2, 0.5 * (q + sb2), newton)
        q_new = jnp.where(df < 0, newton, jnp.where(f > 0, jnp.maximum(v, 2 * q), v))
        return q_new, flag(
            q_new, q, f, solver, length_cap(ensemble.phi, solver), last_step
        )

    return scalar_loop(body, init, solver, steps_taken)


def length_cap(phi, solver: DeepSolver) -> float:
    """The length above which the $q^*$ solve stops (`RESULTS.length_out_of_range`):
    `solver.q_max` where quadrature is used (accuracy) or the growth is unknown
    (`Custom`); none for closed forms of known growth (`growth_outcome` decides
    unbounded growth there)."""
    if phi.growth is not None and not uses_quadrature(phi):
        return jnp.inf
    return solver.q_max


def uses_quadrature(phi) -> bool:
    """Whether the length map of `phi` needs the quadrature rule (no closed form)."""
    closed_mean = phi.gaussian_product_mean((0, 0), jnp.zeros(()), jnp.ones(()))
    return not (has_pair_kernel(phi) or closed_mean is not None)


def _frozen_ensemble(ensemble):
    arrays, static = eqx.partition(ensemble, eqx.is_array)
    return eqx.combine(lax.stop_gradient(arrays), static)


def coarse_length(ensemble: NetworkEnsemble, solver: DeepSolver) -> tuple:
    """The first stage of the $q^*$ solve, from $q^0 = 1$: `(q, flag, steps)`.

    With quadrature the Newton steps run on the solver's rule frozen at scale 1:
    cheap steps, with no nodes to recompute. `fixed_point_at` polishes the result on
    the rule frozen at the solution's scale, which is the solver's own rule there
    (where the rule's nodes do not depend on the scale this takes one step).
    """
    unbounded, degenerate = growth_outcome(ensemble)
    ensemble = _frozen_ensemble(ensemble)
    one = jnp.array(1.0)
    quadrature = uses_quadrature(ensemble.phi)
    rule = freeze(solver.rule, one) if quadrature else solver.rule
    # Growth decided by `growth_outcome` takes no step.
    init_flag = jnp.where(unbounded | degenerate, CONVERGED, RUNNING)
    return _length_iteration(ensemble, solver, rule, (one, init_flag))


def _correlation_iteration(residual, chi_1, curvature, chaotic, solver):
    """$c^*$ by Newton on the deflated function $h(c) = g(c) / (1 - c)$, started to
    the right of $c^*$, with $g(c) = f(c) - c$ and `residual(c)` $= (g, g')$.

    $g$ always vanishes at $c = 1$; near the critical line its root $c^*$ merges with
    that one, and plain Newton on $g$ slows to halving steps. Dividing the known root
    out keeps $c^*$ a simple root: by Mehler's expansion $f$ is a power series in $c$
    with non-negative coefficients, so $h(c) = 1 - (1 - f(c))/(1 - c)$ is concave and
    decreasing on $[0, 1)$, from $h(0) = f(0) \\ge 0$ to $h(1^-) = 1 - \\chi_1 < 0$.
    Newton on a concave decreasing function converges monotonically from the right.
    A point to the right follows from concavity too: the tangent at $c = 1$ bounds
    $h$ from above, so $h \\le 0$ wherever $1 - c \\le 2(\\chi_1 - 1)/f''(1)$
    (`curvature`); we start at the tangent's root, $1 - c = 2(\\chi_1 - 1)/f''(1)$
    (one Newton step fewer than at half that distance, for most of a phase diagram).
    Should rounding put an iterate left of $c^*$ ($h > 0$), the step is Newton on the
    convex $g$ instead, also monotone.
    Ordered points (not `chaotic`) have $c^* = 1$ and take no step.
    """
    start = jnp.where(curvature > 0, 1 - 2 * (chi_1 - 1) / curvature, 0.0)
    start = jnp.clip(start, 0.0, 1 - jnp.finfo(chi_1.dtype).eps)

    def body(c, last_step):
        g, dg = residual(c)
        # h / h' = g (1 - c) / (g' (1 - c) + g).
        one_minus_c = 1 - c
        dh = dg * one_minus_c + g
        right = (g <= 0) & (dh < 0)
        c_right = c - g * one_minus_c / jnp.where(right, dh, -1.0)
        c_left = c - g / jnp.where(dg < 0, dg, -1.0)
        c_new = jnp.clip(jnp.where(right, c_right, c_left), 0.0, 1.0)
        return c_new, flag(c_new, c, g, solver, last_step=last_step)

    return scalar_loop(body, (start, jnp.where(chaotic, RUNNING, CONVERGED)), solver)


def has_pair_kernel(phi) -> bool:
    """Whether `phi` has a closed-form pair kernel $E[\\phi(u_1)\\phi(u_2)]$."""
    one = jnp.ones(())
    return phi.gaussian_kernel((0, 0), one, one, one) is not None


class _PairRoute(eqx.Module):
    """The correlation map's $g(c) = f(c) - c$ through `correlated_expectation`
    (closed kernel, or two-variable quadrature), with $g'$ by forward mode: the
    nodes of the pair quadrature move with $c$, and near the critical line, where
    $g' \\to 0$, only the exact derivative of what is solved keeps Newton
    quadratic."""

    ensemble: NetworkEnsemble
    q: Array
    v: Array
    rule: AbstractGaussianRule

    def value(self, c):
        sw2, sb2 = jnp.square(self.ensemble.sigma_w), jnp.square(self.ensemble.sigma_b)
        q = self.q
        pair = correlated_expectation(self.ensemble.phi, q, q, c * q, rule=self.rule)
        return (sw2 * pair + sb2) / self.v - c

    def value_and_slope(self, c):
        return jax.jvp(self.value, (c,), (jnp.ones_like(c),))


class _SeriesRoute(eqx.Module):
    """$g(c) = (\\sigma_w^2 f(c) + \\sigma_b^2)/V(q) - c$ with $f$ Mehler's series."""

    ensemble: NetworkEnsemble
    series: MehlerSeries
    v: Array

    def value(self, c):
        sw2, sb2 = jnp.square(self.ensemble.sigma_w), jnp.square(self.ensemble.sigma_b)
        return (sw2 * self.series(c) + sb2) / self.v - c

    def value_and_slope(self, c):
        sw2 = jnp.square(self.ensemble.sigma_w)
        return self.value(c), sw2 * self.series.derivative(c) / self.v - 1


def solve_fixed_point(ensemble: NetworkEnsemble, solver: DeepSolver) -> DeepFixedPoint:
    """`dmft.deep.deep_fixed_point` without validation, jit or `throw`; vmappable over
    the ensemble's arrays. One-variable expectations use the solver's rule frozen at
    this point's own first-stage $\\sqrt{q^*}$."""
    first = coarse_length(ensemble, solver)
    rule = solver.rule
    if uses_quadrature(ensemble.phi):
        # Twice: at large q the first stage (rule frozen at scale 1) may be far off,
        # and the rule frozen there would be centred on the wrong scale.
        for _ in range(2):
            q, out, steps = first
            rule = freeze(solver.rule, jnp.sqrt(jnp.where(out == CONVERGED, q, 1.0)))
            init = (q, jnp.where(out == CONVERGED, RUNNING, out))
            first = _length_iteration(
                _frozen_ensemble(ensemble), solver, rule, init, steps
            )
    return fixed_point_at(ensemble, solver, first, rule)[0]


def growth_outcome(ensemble: NetworkEnsemble) -> tuple[Array, Array]:
    """`(unbounded, degenerate)` of the length map, decided from the nonlinearity's
    `growth` $\\kappa = \\lim_{q\\to\\infty} E[\\phi(\\sqrt{q} z)^2]/q$: a positively
    homogeneous $\\phi$ (ReLU, linear) has exactly $V(q) = \\sigma_w^2 \\kappa q +
    \\sigma_b^2$, so $q^l$ grows without bound from $q^0 = 1$ when
    $\\sigma_w^2 \\kappa > 1$, or $= 1$ with $\\sigma_b > 0$, and every $q$ is a fixed
    point when $\\sigma_w^2 \\kappa = 1$, $\\sigma_b = 0$. A bounded $\\phi$
    ($\\kappa = 0$) always has a finite $q^* \\le \\sigma_w^2 \\sup\\phi^2 +
    \\sigma_b^2$; an unknown growth (`Custom`) decides nothing here."""
    growth = ensemble.phi.growth
    false = jnp.zeros(jnp.shape(ensemble.sigma_w), bool)
    if growth is None or growth == 0:
        return false, false
    rate = jnp.square(ensemble.sigma_w) * growth
    sb2 = jnp.square(ensemble.sigma_b)
    return (rate > 1) | ((rate == 1) & (sb2 > 0)), (rate == 1) & (sb2 == 0)


def _series_bounds(series, c, k_max):
    """Bounds on the series' errors in $f(c)$ and $f'(c)$: the neglected weight $T$ has
    orders $k > K$, so its contribution is at most $T c^{K+1}$ and its slope at most
    $T \\max_{k > K} k c^{k-1}$ (the tail model, exact at $c = 1$, errs by less)."""
    tail = series.tail
    start = series.squares.shape[0]  # K + 1
    safe_c = jnp.clip(c, 1e-300, 1.0)
    log_c = jnp.log(safe_c)
    k = jnp.maximum(
        start, jnp.where(log_c < 0, -1 / jnp.where(log_c < 0, log_c, -1.0), k_max)
    )
    k = jnp.minimum(k, k_max)
    value = tail * jnp.exp(start * log_c)
    slope = tail * k * jnp.exp((k - 1) * log_c)
    return value, slope


def _correlation_part(ensemble, frozen, q_obs, v_star, chi_1, solver, rule, pair):
    """$c^*$ and $\\chi_c$ at the length $q$ = `q_obs`: `(c_star, chi_c, flag, steps,
    series_ok)`. `pair` selects the two-variable route; else Mehler's series, whose
    error bound decides `series_ok` (always True for the pair route)."""
    phi = ensemble.phi
    chaotic = chi_1 > 1
    q_frozen, v_frozen = lax.stop_gradient((q_obs, v_star))
    one = jnp.ones_like(q_frozen)
    sw2 = jnp.square(frozen.sigma_w)
    if pair:
        route = _PairRoute(frozen, q_frozen, v_frozen, solver.rule)
        exact = _PairRoute(ensemble, q_obs, v_star, solver.rule)
        if has_pair_kernel(phi):
            # g''(1) by forward mode through the closed kernel (infinite for ReLU's
            # arc-cosine kernel: the start is then 1 - eps, and ReLU never needs it).
            curvature = jax.jvp(lambda c: route.value_and_slope(c)[1], (one,), (one,))[
                1
            ]
        else:
            # g''(1) = sigma_w^2 q^2 E[phi''(u)^2] / V(q).
            moment = second_moment(phi, q_frozen, (2, 2), rule)
            curvature = sw2 * q_frozen**2 * moment / v_frozen

        def chi_c_at(c):
            return chi_c_fn(ensemble, c, q_obs, solver.rule)

    else:
        series = mehler_series(phi, q_obs, rule, solver.series_order)
        route = _SeriesRoute(frozen, lax.stop_gradient(series), v_frozen)
        exact = _SeriesRoute(ensemble, series, v_star)
        curvature = sw2 * series_curvature(route.series) / v_frozen

        def chi_c_at(c):
            # Price's theorem: E[phi'(u1) phi'(u2)] = f'(c) / q.
            return jnp.square(ensemble.sigma_w) * series.derivative(c) / q_obs

    c, c_flag, c_steps = _correlation_iteration(
        route.value_and_slope, lax.stop_gradient(chi_1), curvature, chaotic, solver
    )
    c_flag = jnp.where(chaotic, c_flag, CONVERGED)
    # Ordered points get c* = 1 exactly; evaluate them at a harmless c = 1/2 so that
    # the unused branch carries no infinite derivative (arccos'(1) for ReLU).
    c = jnp.where(chaotic & (c_flag == CONVERGED), c, 0.5)
    _, dg = route.value_and_slope(c)
    c_implicit = c - exact.value(c) / jnp.where(dg < 0, dg, -1.0)
    c_star = jnp.where(chaotic, c_implicit, 1.0)
    chi_c = jnp.where(chaotic, chi_c_at(c), chi_1)
    if pair:
        series_ok = jnp.ones_like(chaotic)
    else:
        # g(c) errs by at most sw2 bound / V, so c* by that over |g'| = 1 - chi_c;
        # chi_c by sw2 slope_bound / q. Ordered points have c* = 1 exactly.
        value_bound, slope_bound = _series_bounds(
            lax.stop_gradient(series), lax.stop_gradient(c), 1e4
        )
        tol = solver.series_tol
        c_error = sw2 * value_bound / (v_frozen * jnp.abs(1 - lax.stop_gradient(chi_c)))
        chi_c_error = sw2 * slope_bound / q_frozen
        series_ok = ~chaotic | (
            (c_error <= tol) & (chi_c_error <= tol * lax.stop_gradient(chi_c))
        )
    return c_star, chi_c, c_flag, jnp.where(chaotic, c_steps, 0), series_ok


def fixed_point_at(
    ensemble: NetworkEnsemble,
    solver: DeepSolver,
    first: tuple,
    rule: AbstractGaussianRule,
    route: str = "auto",
) -> tuple[DeepFixedPoint, Array]:
    """The fixed point from the first-stage length solve `first` (`coarse_length`),
    with `rule` for every one-variable expectation (a `FrozenRule` near the
    solution's scale, or the solver's rule), and whether Mehler's series was accurate
    enough there. Vmappable over the ensemble and `first` with `rule` shared:
    `dmft.deep.phase_diagram` shares one frozen rule over the grid, so that the
    Hermite coefficients of all points are one matrix product.

    `route` (static), for nonlinearities without a closed pair kernel: `"series"`
    (Mehler's series only), `"pair"` (two-variable quadrature only) or `"auto"`
    (the series, re-solved with the pair route where its error bound exceeds
    `solver.series_tol`; under `vmap` both are computed, so a grid sweep calls
    `"series"` and then `"pair"` only if a point needs it).
    """
    # The iterations run on constants; gradients come from one Newton step at the
    # solution with the Jacobian held fixed, q* = q - F(q; theta) / stop_gradient(F'(q)),
    # which leaves the value unchanged and gives dq*/dtheta = -F_theta / F_q: the
    # implicit function theorem (as optimistix.ImplicitAdjoint, at the cost of one
    # evaluation).
    phi = ensemble.phi
    frozen = _frozen_ensemble(ensemble)
    q, q_flag, q_steps = first
    if uses_quadrature(phi):
        init = (q, jnp.where(q_flag == CONVERGED, RUNNING, q_flag))
        q, q_flag, q_steps = _length_iteration(frozen, solver, rule, init, q_steps)
    unbounded, degenerate = growth_outcome(ensemble)
    q_ok = (q_flag == CONVERGED) & ~unbounded & ~degenerate
    q = jnp.where(q_ok, q, 1.0)
    _, dv = length_map_and_slope(frozen, q, rule)
    q_star = q - (length_map(ensemble, q, rule) - q) / jnp.where(
        q_ok & (dv < 1), dv - 1, -1.0
    )
    # The correction step may land a hair below a root at q* = 0.
    q_star = jnp.maximum(q_star, 0.0)
    q_obs = jnp.maximum(q_star, Q_FLOOR)
    v_star, slope = length_map_and_slope(ensemble, q_obs, rule)
    chi_1 = chi_1_fn(ensemble, q_obs, rule)

    args = (ensemble, frozen, q_obs, v_star, chi_1, solver, rule)
    if has_pair_kernel(phi) or solver.series_order is None or route == "pair":
        c_star, chi_c, c_flag, c_steps, series_ok = _correlation_part(*args, True)
    else:
        out = _correlation_part(*args, False)
        if route == "auto":
            out = lax.cond(out[-1], lambda: out, lambda: _correlation_part(*args, True))
        c_star, chi_c, c_flag, c_steps, series_ok = out

    result = RESULTS.where(
        unbounded,
        RESULTS.no_finite_fixed_point,
        RESULTS.where(
            degenerate,
            RESULTS.degenerate,
            RESULTS.where(
                q_flag == ABOVE_MAX,
                RESULTS.length_out_of_range,
                RESULTS.where(
                    (q_flag == NONFINITE) | (c_flag == NONFINITE),
                    RESULTS.nonfinite,
                    RESULTS.where(
                        q_ok & (c_flag == CONVERGED),
                        RESULTS.successful,
                        RESULTS.max_steps_reached,
                    ),
                ),
            ),
        ),
    )
    ok = result == RESULTS.successful

    def checked(x):
        return jnp.where(ok, x, jnp.nan)

    point = DeepFixedPoint(
        q_star=jnp.where(unbounded, jnp.inf, checked(q_star)),
        c_star=checked(c_star),
        chi_1=checked(chi_1),
        chi_c=checked(chi_c),
        slope=checked(slope),
        # 1/|log x|: +inf (not -inf) at x = 1, 0 at x = 0.
        xi_q=checked(1 / jnp.abs(jnp.log(slope))),
        xi_c=checked(1 / jnp.abs(jnp.log(chi_c))),
        result=result,
        num_steps=q_steps + c_steps,
    )
    return point, series_ok


@eqx.filter_jit
def _deep_fixed_point(ensemble, solver, throw):
    result = solve_fixed_point(ensemble, solver)
    if throw:
        result = result.result.error_if(result, result.result != RESULTS.successful)
    return result


def deep_fixed_point(
    ensemble: NetworkEnsemble,
    solver: DeepSolver = DeepSolver(),
    *,
    throw: bool = True,
) -> DeepFixedPoint:
    """The fixed point of the length and correlation maps of a deep network with
    untied weights $W^l_{ij} \\sim N(0, \\sigma_w^2/N)$, biases $b^l_i \\sim
    N(0, \\sigma_b^2)$, $h^l = W^l \\phi(h^{l-1}) + b^l$, at infinite width:

    $$q^* = \\sigma_w^2 E[\\phi(\\sqrt{q^*} z)^2] + \\sigma_b^2, \\qquad
    c^* q^* = \\sigma_w^2 E[\\phi(u_1)\\phi(u_2)] + \\sigma_b^2,$$

    with $\\chi_1$, $\\chi_c$, $V'(q^*)$ and the depth scales $\\xi_q$, $\\xi_c$ there.
    $q^*$ is the stable fixed point reached from $q^0 = 1$; the result is differentiable
    (implicit differentiation) with respect to the ensemble's parameters. For a
    nonlinearity without a closed-form pair kernel (tanh), $c^*$ and $\\chi_c$ come
    from Mehler's series to order `solver.series_order` (see `dmft.deep.DeepSolver`)
    where its error bound is below `solver.series_tol`, and from
    `dmft.deep.correlation_map`'s two-variable quadrature elsewhere. With the
    default `DeepSolver`, $q^*$, $c^*$, $\\chi_1$, $\\chi_c$ agree with an
    independent adaptive quadrature (SciPy) to 1e-9 wherever $q^* \\le$
    `solver.q_max` = 1e13 (tests/test_deep_accuracy.py); beyond, the result is
    `RESULTS.length_out_of_range`.

    **Arguments:**

    - `ensemble`: a `dmft.NetworkEnsemble` with scalar `sigma_w`, `sigma_b` and
        `mean_w = mean_b = noise = 0` (vmap this function, or use
        `dmft.deep.phase_diagram`, for grids).
    - `solver`: tolerances, step budget and quadrature rule (`dmft.deep.DeepSolver`).
    - `throw`: raise unless the result is `RESULTS.successful`; with
        `throw=False` inspect `result.result` instead.

    **Returns:** a `dmft.deep.DeepFixedPoint`.

    **Raises:** `ValueError` for an ensemble with a mean coupling, mean bias or noise,
    or non-scalar parameters; a runtime error (the result's message) if `throw` and
    the result is not `RESULTS.successful`.
    """
    ensemble = check_deep_ensemble(ensemble)
    if jnp.shape(ensemble.sigma_w) != () or jnp.shape(ensemble.sigma_b) != ():
        raise ValueError(
            "deep_fixed_point takes scalar sigma_w and sigma_b; use "
            "dmft.deep.phase_diagram (or jax.vmap) for grids."
        )
    return _deep_fixed_point(ensemble, solver, throw)
