"""Type aliases shared across dmft (in the spirit of diffrax/_custom_types.py)."""

from typing import Literal, TypeAlias

from jaxtyping import Array, ArrayLike, Float


Scalar: TypeAlias = Float[Array, ""]
ScalarLike: TypeAlias = Float[ArrayLike, ""]

# Which function of the nonlinearity an expectation is taken of:
# -1 the antiderivative Phi, 0 phi itself, 1 phi', 2 phi''.
Order: TypeAlias = Literal[-1, 0, 1, 2]
