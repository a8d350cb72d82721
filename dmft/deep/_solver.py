"""Options of the deep-limit solvers."""

import equinox as eqx

from .._gaussian import DEFAULT_RULE
from .._quadrature import AbstractGaussianRule


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
    - `q_max`: a length $q^l$ above this counts as unbounded growth (no finite fixed
        point).
    - `rule`: the Gaussian quadrature rule for nonlinearities without closed forms
        (tanh). The default `SinhTrapezoid(n=61)` is accurate to ~1e-14.
    - `series_order`: for nonlinearities without a closed-form pair kernel (tanh),
        the correlation solve sums Mehler's series
        $E[\\phi(u_1)\\phi(u_2)] = \\sum_k b_k^2 c^k$,
        $b_k = E[\\phi(\\sqrt{q^*} z) h_k(z)]$, to this order (one-variable integrals
        with `rule`, once per point; the rest of the series is modelled from the
        exact moments at $c = 1$), instead of a two-variable quadrature (`n**2`
        nodes) at every Newton step. `None` selects the two-variable quadrature.
        With the default rule, 48 agrees with it to 4e-10 in $c^*$, $\\chi_c$ and
        $1/\\xi_c$ over the benchmark grid of tanh ($\\sigma_w^2 \\le 4$,
        $\\sigma_b^2 \\le 0.5$, $q^* \\lesssim 4$), worst near the critical line;
        larger $q^*$ with $c^*$ near 1 converge more slowly in the order, and
        orders above ~50 need a rule with more nodes than 61.
    """

    rtol: float = 1e-12
    atol: float = 1e-14
    max_steps: int = eqx.field(default=100, static=True)
    q_max: float = 1e12
    rule: AbstractGaussianRule = DEFAULT_RULE
    series_order: int | None = eqx.field(default=48, static=True)

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
        if self.series_order is not None and not (
            isinstance(self.series_order, int) and self.series_order >= 1
        ):
            raise ValueError(
                "DeepSolver needs series_order >= 1 or None; got "
                f"{self.series_order!r}."
            )
        if not isinstance(self.rule, AbstractGaussianRule):
            raise ValueError("DeepSolver `rule` must be a dmft quadrature rule.")
