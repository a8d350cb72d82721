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
    - `series_order`: for nonlinearities without a closed-form pair kernel, the
        correlation solve sums Mehler's series (`dmft.deep.MehlerSeries`) to this
        order, from one-variable integrals with `rule`, instead of a two-variable
        quadrature (`n**2` nodes) at every Newton step. `None` selects the
        two-variable quadrature. The default 48 agrees with it to ~1e-10 over the
        phase-diagram range of tanh ($q^* \\lesssim 5$; see the benchmark); larger
        lengths with $c^*$ near 1 need a higher order.
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
