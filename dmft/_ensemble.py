"""The random-network ensemble: the one parameter object of simulation and theory."""

import equinox as eqx
import jax.numpy as jnp
from jaxtyping import Array, Float

from ._nonlinearity import AbstractNonlinearity, Tanh
from ._validation import check_finite, check_finite_nonnegative


class NetworkEnsemble(eqx.Module):
    """The ensemble of random rate networks

    $$\\dot h_i = -h_i + \\sum_j W_{ij} \\phi(h_j) + b_i + \\sigma \\xi_i(t),$$

    with quenched couplings $W_{ij} \\sim N(\\bar w / N, \\sigma_w^2 / N)$, biases
    $b_i \\sim N(\\bar b, \\sigma_b^2)$ and independent white noise of amplitude
    $\\sigma$. Sompolinsky, Crisanti & Sommers (1988) is `sigma_w = g`, all else zero.
    The same object parametrises the layerwise deep network (untied weights with the
    same statistics in every layer) in `dmft.deep`.

    **Arguments:**

    - `phi`: the nonlinearity (default `Tanh()`).
    - `sigma_w`: coupling scale $\\sigma_w \\ge 0$ (SCS's $g$).
    - `sigma_b`: bias standard deviation $\\sigma_b \\ge 0$.
    - `mean_w`: mean coupling $\\bar w$ (each $W_{ij}$ has mean $\\bar w / N$).
    - `mean_b`: mean bias $\\bar b$.
    - `noise`: white-noise amplitude $\\sigma \\ge 0$ in $dh = (\\ldots) dt + \\sigma dB$.

    ??? cite "References"

        ```bibtex
        @article{sompolinsky1988chaos,
          title={Chaos in Random Neural Networks},
          author={Sompolinsky, H. and Crisanti, A. and Sommers, H. J.},
          journal={Physical Review Letters},
          volume={61},
          pages={259--262},
          year={1988}
        }
        ```
    """

    phi: AbstractNonlinearity = Tanh()
    sigma_w: Float[Array, ""] = eqx.field(default=1.0, converter=jnp.asarray)
    sigma_b: Float[Array, ""] = eqx.field(default=0.0, converter=jnp.asarray)
    mean_w: Float[Array, ""] = eqx.field(default=0.0, converter=jnp.asarray)
    mean_b: Float[Array, ""] = eqx.field(default=0.0, converter=jnp.asarray)
    noise: Float[Array, ""] = eqx.field(default=0.0, converter=jnp.asarray)

    def __check_init__(self):
        if not isinstance(self.phi, AbstractNonlinearity):
            raise ValueError(
                "`phi` must be a dmft nonlinearity (Tanh(), Erf(), ReLU(), Linear(), "
                f"Custom(fn)); got {type(self.phi).__name__}."
            )
        check_finite_nonnegative(
            sigma_w=self.sigma_w, sigma_b=self.sigma_b, noise=self.noise
        )
        check_finite(mean_w=self.mean_w, mean_b=self.mean_b)
