"""Mean-field theory of the recurrent rate network: Amari's (m, q) equations, the
stationary DMFT of Sompolinsky, Crisanti & Sommers with biases and noise, its Lyapunov
exponent, the transition to chaos and the discrete-time network."""

from ._discrete import (
    DiscreteStationarySolution as DiscreteStationarySolution,
    solve_discrete_stationary as solve_discrete_stationary,
)
from ._results import RESULTS as RESULTS
from ._solution import REGIMES as REGIMES, StationarySolution as StationarySolution
from .amari import (
    AmariFixedPoint as AmariFixedPoint,
    amari_fixed_points as amari_fixed_points,
    amari_vector_field as amari_vector_field,
    solve_amari as solve_amari,
)
from .autocorrelation import (
    AutocorrelationOptions as AutocorrelationOptions,
    stationary_autocorrelation as stationary_autocorrelation,
)
from .lyapunov import (
    LyapunovGrid as LyapunovGrid,
    schrodinger_eigenvalues as schrodinger_eigenvalues,
)
from .potential import (
    correlation_function as correlation_function,
    potential as potential,
    schrodinger_potential as schrodinger_potential,
)
from .stationary import (
    StationaryOptions as StationaryOptions,
    solve_stationary as solve_stationary,
)
from .transition import (
    ChaosTransition as ChaosTransition,
    chaos_transition as chaos_transition,
)
