"""Two-time dynamic mean-field theory: $C(t, t')$, $m(t)$ and responses from any
initial condition, by iterating the sampled effective single-neuron process."""

from .._results import RESULTS as RESULTS
from ._options import (
    GaussianInitial as GaussianInitial,
    TwoTimeOptions as TwoTimeOptions,
    TwoTimeQuadratureOptions as TwoTimeQuadratureOptions,
)
from ._quadrature_solve import solve_two_time_quadrature as solve_two_time_quadrature
from ._solution import TwoTimeSolution as TwoTimeSolution
from ._solve import solve_two_time as solve_two_time
