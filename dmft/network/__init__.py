"""Finite random networks: simulation, stationary statistics, Lyapunov exponents."""

from ._autocorrelation import (
    StationaryStatistics as StationaryStatistics,
    participation_ratio as participation_ratio,
    population_moments as population_moments,
    trajectory_statistics as trajectory_statistics,
)
from ._continuous import (
    ContinuousTime as ContinuousTime,
    random_state as random_state,
    simulate as simulate,
)
from ._discrete import DiscreteTime as DiscreteTime, iterate as iterate
from ._dynamics import AbstractDynamics as AbstractDynamics
from ._lyapunov import (
    LyapunovSpectrum as LyapunovSpectrum,
    entropy_rate as entropy_rate,
    kaplan_yorke_dimension as kaplan_yorke_dimension,
    lyapunov_spectrum as lyapunov_spectrum,
    lyapunov_window as lyapunov_window,
)
from ._network import RateNetwork as RateNetwork, network_memory as network_memory
from ._sharding import shard_batch as shard_batch
from ._statistics import (
    Sampling as Sampling,
    stationary_statistics as stationary_statistics,
    statistics_memory as statistics_memory,
    window_sampling as window_sampling,
)
