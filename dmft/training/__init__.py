"""Training dynamics of two-layer ReLU networks: the phase diagram of Luo, Xu, Ma &
Zhang (JMLR 2021)."""

from .._results import RESULTS as RESULTS
from ._data import TrainingData as TrainingData, luo_data as luo_data
from ._exponents import Regime as Regime, ScalingExponents as ScalingExponents
from ._flow import (
    normalised_loss as normalised_loss,
    normalised_vector_field as normalised_vector_field,
)
from ._initialisation import (
    NAMED_INITIALISATIONS as NAMED_INITIALISATIONS,
    Initialisation as Initialisation,
    named_exponents as named_exponents,
    named_initialisation as named_initialisation,
)
from ._model import TwoLayerReLU as TwoLayerReLU, squared_loss as squared_loss
from ._options import TrainingOptions as TrainingOptions
from ._sweep import (
    WidthSweep as WidthSweep,
    fit_log_slope as fit_log_slope,
    width_sweep as width_sweep,
)
from ._train import (
    TrainingResult as TrainingResult,
    train as train,
)
