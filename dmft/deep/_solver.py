"""Options of the deep-limit solvers."""

import equinox as eqx

from .._quadrature import AbstractGaussianRule, SinhTrapezoid


# Accurate to ~1e-14 for tanh's one-variable moments at every q <= 1e16 and its pair
# expectations to ~1e-12 at q <= 1e13 (tests/test_deep_accuracy.py), where the 61-node
# pure sinh map of `dmft.SinhTrapezoid()` leaves 1e-3 at q = 1e12.
DEEP_RULE = SinhTrapezoid(n=201, outer=3.0)


class DeepSolver(eqx.Module):
    """Tolerances, step budget and quadrature rule of the deep-limit fixed-point
    solves (length map $q^*$, correlation map $c^*$, critical line).

    Each solve is a safeguarded Newton iteration, stopped once a step changes the
    iterate by less than `atol + rtol * |x|`; Newton converges quadratically, so the
    result is then accurate to about the quadrature's own accuracy.

    **Arguments:**

    - `rtol`, `atol`: relative and absolute step tolerances.
    - `max_steps`: step budget of each iteration; exceeding it gives
        `RESULTS.max_steps_reached`.
    - `q_max`: the largest length $q$ at which the quadrature `rule` is trusted, for
        nonlinearities without closed forms (tanh; the default 1e13 covers
        $\\sigma_w \\lesssim 3 \\times 10^6$). A solve that needs a larger $q$
        reports `RESULTS.length_out_of_range` (a numerical limit, not physics).
        Whether $q^l$ grows without bound is decided from the nonlinearity's
        `growth` (`RESULTS.no_finite_fixed_point` for ReLU with
        $\\sigma_w^2 \\ge 2$, linear with $\\sigma_w \\ge 1$; a bounded $\\phi$
        always has a finite $q^*$); for a `Custom` $\\phi$, whose growth is unknown,
        $q > $ `q_max` is reported as `length_out_of_range`.
    - `rule`: the Gaussian quadrature rule for nonlinearities without closed forms
        (tanh). The default `SinhTrapezoid(n=201, outer=3.0)` is accurate to ~1e-14
        for one-variable moments up to $q = 10^{16}$ and ~1e-12 for pair
        expectations up to $q = 10^{13}$.
    - `series_order`: for nonlinearities without a closed-form pair kernel (tanh),
        the correlation solve sums Mehler's series
        $E[\\phi(u_1)\\phi(u_2)] = \\sum_k b_k^2 c^k$,
        $b_k = E[\\phi(\\sqrt{q^*} z) h_k(z)]$, to this order (one-variable integrals
        with `rule`, once per point; the rest of the series is modelled from the
        exact moments at $c = 1$), instead of a two-variable quadrature (`n**2`
        nodes) at every Newton step. `None` selects the two-variable quadrature.
        The series' neglected weight $T$ bounds its error in $f(c^*)$ by
        $T c^{*K+1}$; where that bound, propagated to $c^*$ and $\\chi_c$, exceeds
        `series_tol`, the point is re-solved with the two-variable quadrature
        (for tanh at order 96: $q^* \\gtrsim 5$ with $c^*$ not small). The
        default rule resolves $h_k$ well beyond $k = 96$.
    - `series_tol`: the error bound below which the series' $c^*$, $\\chi_c$ are
        kept.
    """

    rtol: float = 1e-12
    atol: float = 1e-14
    max_steps: int = eqx.field(default=100, static=True)
    q_max: float = 1e13
    rule: AbstractGaussianRule = DEEP_RULE
    series_order: int | None = eqx.field(default=96, static=True)
    series_tol: float = 1e-10

    def __check_init__(self):
        if not (self.rtol >= 0 and self.atol >= 0 and self.rtol + self.atol > 0):
            raise ValueError(
                f"DeepSolver needs rtol, atol >= 0, not both 0; got {self.rtol}, "
                f"{self.atol}."
            )
        if self.max_steps < 1:
            raise ValueError(f"DeepSolver needs max_steps >= 1; got {self.max_steps}.")
        if not self.q_max > 0:
            raise ValueError(f"DeepSolver needs q_max > 0; got {self.q_max}.")
        if not self.series_tol >= 0:
            raise ValueError(
                f"DeepSolver needs series_tol >= 0; got {self.series_tol}."
            )
        if self.series_order is not None and not (
            isinstance(self.series_order, int) and self.series_order >= 1
        ):
            raise ValueError(
                "DeepSolver needs series_order >= 1 or None; got "
                f"{self.series_order!r}."
            )
        if not isinstance(self.rule, AbstractGaussianRule):
            raise ValueError("DeepSolver `rule` must be a dmft quadrature rule.")
