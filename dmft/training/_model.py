"""The two-layer ReLU network and its squared loss."""

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, Float

from ._data import TrainingData


class TwoLayerReLU(eqx.Module):
    """The two-layer ReLU network

    $$f(x) = \\frac{1}{\\alpha} \\sum_{k=1}^m a_k \\,\\sigma(w_k \\cdot x), \\qquad
      \\sigma(z) = \\max(z, 0),$$

    with the bias folded into $x$ (see `TrainingData.inputs`).

    **Arguments:**

    - `a`: output weights $a_k$, shape `(m,)`.
    - `w`: input weights $w_k$ (rows), shape `(m, d)`.
    - `alpha`: the output scale $\\alpha > 0$.
    """

    a: Float[Array, " m"]
    w: Float[Array, "m d"]
    alpha: Float[Array, ""] = eqx.field(converter=jnp.asarray)

    def __call__(self, inputs: Float[Array, "n d"]) -> Float[Array, " n"]:
        """The outputs $f(x_i)$ at the rows of `inputs` (bias column included)."""
        return jax.nn.relu(inputs @ self.w.T) @ self.a / self.alpha

    @property
    def width(self) -> int:
        """The number of hidden neurons $m$."""
        return self.a.shape[0]


def squared_loss(model: TwoLayerReLU, data: TrainingData) -> Float[Array, ""]:
    """The empirical risk $R = \\frac{1}{2n} \\sum_{i=1}^n (f(x_i) - y_i)^2$."""
    residual = model(data.inputs) - data.y
    return 0.5 * jnp.mean(residual**2)
