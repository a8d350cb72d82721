"""dmft: dynamic mean-field theory of random neural networks.

Theory results are meant to be computed in float64: call
`jax.config.update("jax_enable_x64", True)` before using dmft (the `dmft` CLI does this
for its theory commands). dmft never changes the precision on import.
"""

from importlib.metadata import version as _version

from . import (
    deep as deep,
    meanfield as meanfield,
    network as network,
    training as training,
    twotime as twotime,
)
from ._custom_types import Order as Order
from ._ensemble import NetworkEnsemble as NetworkEnsemble
from ._gaussian import (
    correlated_expectation as correlated_expectation,
    expectation as expectation,
    product_expectation as product_expectation,
)
from ._nonlinearity import (
    AbstractNonlinearity as AbstractNonlinearity,
    Custom as Custom,
    Erf as Erf,
    Linear as Linear,
    ReLU as ReLU,
    Tanh as Tanh,
    nonlinearity as nonlinearity,
)
from ._quadrature import (
    AbstractGaussianRule as AbstractGaussianRule,
    GaussHermite as GaussHermite,
    SinhTrapezoid as SinhTrapezoid,
)
from ._results import REGIMES as REGIMES, RESULTS as RESULTS, result_name as result_name

# deep limit (`dmft.deep` holds the rest: chi_1, chi_c, propagate, RESULTS, ...)
from .deep import (
    CriticalPoint as CriticalPoint,
    DeepFixedPoint as DeepFixedPoint,
    DeepSolver as DeepSolver,
    DepthProfile as DepthProfile,
    PhaseDiagram as PhaseDiagram,
    correlation_map as correlation_map,
    covariance_map as covariance_map,
    critical_sigma_w as critical_sigma_w,
    deep_fixed_point as deep_fixed_point,
    depth_profile as depth_profile,
    length_map as length_map,
    phase_diagram as phase_diagram,
)

# mean-field theory (`dmft.meanfield` holds the rest: potential, ...)
from .meanfield import (
    AmariFixedPoint as AmariFixedPoint,
    AmariOptions as AmariOptions,
    AutocorrelationOptions as AutocorrelationOptions,
    ChaosTransition as ChaosTransition,
    DiscreteStationarySolution as DiscreteStationarySolution,
    LyapunovGrid as LyapunovGrid,
    StationaryOptions as StationaryOptions,
    StationarySolution as StationarySolution,
    TransitionOptions as TransitionOptions,
    amari_fixed_points as amari_fixed_points,
    chaos_transition as chaos_transition,
    solve_amari as solve_amari,
    solve_discrete_stationary as solve_discrete_stationary,
    solve_stationary as solve_stationary,
    stationary_autocorrelation as stationary_autocorrelation,
)

# finite networks
from .network import (
    AbstractDynamics as AbstractDynamics,
    ContinuousTime as ContinuousTime,
    DiscreteTime as DiscreteTime,
    LyapunovSpectrum as LyapunovSpectrum,
    RateNetwork as RateNetwork,
    Sampling as Sampling,
    StationaryStatistics as StationaryStatistics,
    entropy_rate as entropy_rate,
    iterate as iterate,
    kaplan_yorke_dimension as kaplan_yorke_dimension,
    lyapunov_spectrum as lyapunov_spectrum,
    participation_ratio as participation_ratio,
    population_moments as population_moments,
    random_state as random_state,
    shard_batch as shard_batch,
    simulate as simulate,
    stationary_statistics as stationary_statistics,
    trajectory_statistics as trajectory_statistics,
)

# training dynamics
from .training import (
    NAMED_INITIALISATIONS as NAMED_INITIALISATIONS,
    Initialisation as Initialisation,
    ScalingExponents as ScalingExponents,
    TrainingData as TrainingData,
    TrainingOptions as TrainingOptions,
    TrainingResult as TrainingResult,
    TwoLayerReLU as TwoLayerReLU,
    WidthSweep as WidthSweep,
    fit_log_slope as fit_log_slope,
    luo_data as luo_data,
    named_exponents as named_exponents,
    named_initialisation as named_initialisation,
    normalised_vector_field as normalised_vector_field,
    squared_loss as squared_loss,
    train as train,
    width_sweep as width_sweep,
)

# two-time DMFT
from .twotime import (
    GaussianInitial as GaussianInitial,
    TwoTimeOptions as TwoTimeOptions,
    TwoTimeQuadratureOptions as TwoTimeQuadratureOptions,
    TwoTimeSolution as TwoTimeSolution,
    solve_two_time as solve_two_time,
    solve_two_time_quadrature as solve_two_time_quadrature,
)


__version__ = _version("dmft")
