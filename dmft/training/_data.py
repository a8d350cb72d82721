"""The training set of the phase-diagram experiments."""

import equinox as eqx
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, Float

from .._validation import check_finite


class TrainingData(eqx.Module):
    """A regression training set $\\{(x_i, y_i)\\}_{i=1}^n$, $x_i \\in \\mathbb{R}^d$.

    The network $f(x) = \\alpha^{-1} \\sum_k a_k \\sigma(w_k \\cdot x)$ has no separate
    bias: it is folded into the weights by appending a constant 1 to every input, so
    `inputs` has $d + 1$ columns.

    **Arguments:**

    - `x`: inputs, shape `(n, d)` (a 1-D array is read as `n` scalar inputs).
    - `y`: targets, shape `(n,)`.

    **Raises:** `ValueError` for empty data, mismatched lengths or non-finite values.
    """

    x: Float[Array, "n d"] = eqx.field(converter=lambda v: jnp.atleast_1d(v))
    y: Float[Array, " n"] = eqx.field(converter=lambda v: jnp.atleast_1d(v))

    def __check_init__(self):
        if self.x.ndim not in (1, 2) or self.y.ndim != 1:
            raise ValueError(
                f"`x` must have shape (n,) or (n, d) and `y` shape (n,); got "
                f"{self.x.shape} and {self.y.shape}."
            )
        if self.x.shape[0] == 0 or self.y.shape[0] == 0:
            raise ValueError("The training data are empty: give at least one point.")
        if self.x.shape[0] != self.y.shape[0]:
            raise ValueError(
                f"`x` has {self.x.shape[0]} points but `y` has {self.y.shape[0]}."
            )
        check_finite(x=self.x, y=self.y)

    @property
    def inputs(self) -> Float[Array, "n d+1"]:
        """The inputs with a constant 1 appended (the bias folded into the weights)."""
        x = self.x[:, None] if self.x.ndim == 1 else self.x
        return jnp.concatenate([x, jnp.ones_like(x[:, :1])], axis=1)

    @property
    def n(self) -> int:
        """The number of training points."""
        return self.x.shape[0]


def luo_data() -> TrainingData:
    """The 1-D experiment of Luo et al. (2021): four points spread evenly over
    $[-1/2, 1/2]$, $x = (-1/2, -1/6, 1/6, 1/2)$, with targets $y = x^2$.

    (The paper shows four points in $[-1/2, 1/2]$; we could not recover its exact
    values, so the spacing is even and the target is $x^2$.)
    """
    x = np.array([-0.5, -1.0 / 6.0, 1.0 / 6.0, 0.5])
    return TrainingData(x=x, y=x**2)
