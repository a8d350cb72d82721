"""The layerwise deep limit: length and correlation maps of deep random networks,
their fixed points, depth scales, the order-to-chaos transition and finite-width
checks (Poole et al. 2016; Schoenholz et al. 2017)."""

from .._results import RESULTS as RESULTS
from ._correlation_map import (
    chi_c as chi_c,
    correlation_map as correlation_map,
    covariance_map as covariance_map,
)
from ._critical import (
    CriticalPoint as CriticalPoint,
    critical_sigma_w as critical_sigma_w,
)
from ._depth_profile import DepthProfile as DepthProfile, depth_profile as depth_profile
from ._finite_width import propagate as propagate
from ._fixed_point import (
    DeepFixedPoint as DeepFixedPoint,
    deep_fixed_point as deep_fixed_point,
)
from ._length_map import (
    chi_1 as chi_1,
    length_map as length_map,
    length_map_slope as length_map_slope,
)
from ._manifold import (
    circle_inputs as circle_inputs,
    circle_length as circle_length,
    curve_length as curve_length,
)
from ._mehler import (
    MehlerSeries as MehlerSeries,
    hermite_functions as hermite_functions,
    mehler_series as mehler_series,
)
from ._phase_diagram import PhaseDiagram as PhaseDiagram, phase_diagram as phase_diagram
from ._solver import DeepSolver as DeepSolver
