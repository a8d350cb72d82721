"""The scaling exponents $(\\gamma, \\gamma')$ and the dynamical regime they predict."""

import math
from typing import Literal

import equinox as eqx


Regime = Literal["linear", "critical", "condensed"]


class ScalingExponents(eqx.Module):
    """The coordinates of the phase diagram of two-layer ReLU training,

    $$\\gamma = -\\lim_{m\\to\\infty} \\frac{\\log \\kappa}{\\log m}, \\qquad
      \\gamma' = -\\lim_{m\\to\\infty} \\frac{\\log \\kappa'}{\\log m}, \\qquad
      \\kappa = \\frac{\\beta_1 \\beta_2}{\\alpha}, \\quad
      \\kappa' = \\frac{\\beta_1}{\\beta_2},$$

    for $f(x) = \\alpha^{-1} \\sum_{k=1}^m a_k \\sigma(w_k \\cdot x)$ with
    $a_k \\sim N(0, \\beta_1^2)$, $w_k \\sim N(0, \\beta_2^2 I)$. A point of the
    diagram is realised at width $m$ by $\\kappa = m^{-\\gamma}$,
    $\\kappa' = m^{-\\gamma'}$ (see `Initialisation.from_exponents`).

    **Arguments:**

    - `gamma`: $\\gamma$ (finite).
    - `gamma_prime`: $\\gamma'$ (finite).

    **Raises:** `ValueError` if an exponent is not a finite number.

    ??? cite "References"

        ```bibtex
        @article{luo2021phase,
          title={Phase Diagram for Two-layer ReLU Neural Networks at Infinite-width
                 Limit},
          author={Luo, Tao and Xu, Zhi-Qin John and Ma, Zheng and Zhang, Yaoyu},
          journal={Journal of Machine Learning Research},
          volume={22},
          number={71},
          pages={1--47},
          year={2021}
        }
        ```
    """

    gamma: float
    gamma_prime: float

    def __check_init__(self):
        for name in ("gamma", "gamma_prime"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not math.isfinite(value):
                raise ValueError(f"`{name}` must be a finite number; got {value!r}.")

    @property
    def regime(self) -> Regime:
        """The regime Luo et al. prove for $m \\to \\infty$: `"linear"` if
        $\\gamma < 1$ or $\\gamma' > \\gamma - 1$ ($\\mathrm{RD} \\to 0$),
        `"condensed"` if $\\gamma > 1$ and $\\gamma' < \\gamma - 1$
        ($\\mathrm{RD} \\to \\infty$), `"critical"` on the boundary between them
        ($\\mathrm{RD} = O(1)$): $\\gamma = 1, \\gamma' \\le 0$ or
        $\\gamma' = \\gamma - 1 \\ge 0$."""
        # Exact comparisons: the boundary is a set of measure zero that users reach
        # by typing its exponents (1, 0), which are exact in binary.
        if self.gamma < 1 or self.gamma_prime > self.gamma - 1:
            return "linear"
        if self.gamma > 1 and self.gamma_prime < self.gamma - 1:
            return "condensed"
        return "critical"
