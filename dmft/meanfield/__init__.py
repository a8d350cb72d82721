"""Mean-field theory of the recurrent rate network: Amari's (m, q) equations, the
stationary DMFT of Sompolinsky, Crisanti & Sommers with biases and noise, its Lyapunov
exponent, the transition to chaos and the discrete-time network."""

from .._results import REGIMES as REGIMES, RESULTS as RESULTS
from ._amari import (
    AmariFixedPoint as AmariFixedPoint,
    AmariOptions as AmariOptions,
    amari_fixed_points as amari_fixed_points,
    amari_vector_field as amari_vector_field,
    solve_amari as solve_amari,
)
from ._autocorrelation import (
    AutocorrelationOptions as AutocorrelationOptions,
    stationary_autocorrelation as stationary_autocorrelation,
)
from ._discrete import (
    DiscreteStationarySolution as DiscreteStationarySolution,
    solve_discrete_stationary as solve_discrete_stationary,
)
from ._lyapunov import (
    LyapunovGrid as LyapunovGrid,
    schrodinger_eigenvalues as schrodinger_eigenvalues,
)
from ._potential import (
    correlation_function as correlation_function,
    potential as potential,
    schrodinger_potential as schrodinger_potential,
)
from ._solution import StationarySolution as StationarySolution
from ._stationary import (
    StationaryOptions as StationaryOptions,
    solve_stationary as solve_stationary,
)
from ._transition import (
    ChaosTransition as ChaosTransition,
    TransitionOptions as TransitionOptions,
    chaos_transition as chaos_transition,
)
