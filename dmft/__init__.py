"""dmft: dynamic mean-field theory of random neural networks.

Theory results are meant to be computed in float64: call
`jax.config.update("jax_enable_x64", True)` before using dmft (the `dmft` CLI does this
for its theory commands). dmft never changes the precision on import.
"""

import importlib.metadata

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

# two-time DMFT
from .twotime import (
    GaussianInitial as GaussianInitial,
    TwoTimeOptions as TwoTimeOptions,
    TwoTimeResult as TwoTimeResult,
    TwoTimeSolution as TwoTimeSolution,
    solve_two_time as solve_two_time,
)


__version__ = importlib.metadata.version("dmft")
