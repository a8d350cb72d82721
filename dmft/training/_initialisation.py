"""Initialisation scales $(\\alpha, \\beta_1, \\beta_2)$, the named schemes, sampling."""

import math
from collections.abc import Callable

import equinox as eqx
import jax.numpy as jnp
import jax.random as jr
from jaxtyping import Array, Float, Int, PRNGKeyArray

from .._validation import check_integer, check_interval, check_positive
from ._exponents import ScalingExponents
from ._model import TwoLayerReLU


class Initialisation(eqx.Module):
    """The initialisation of a width-$m$ two-layer ReLU network
    $f(x) = \\alpha^{-1} \\sum_{k=1}^m a_k \\sigma(w_k \\cdot x)$:
    $a_k \\sim N(0, \\beta_1^2)$ and $w_k \\sim N(0, \\beta_2^2 I_d)$, independent.

    The dynamics depends on the three scales only through
    $\\kappa = \\beta_1 \\beta_2 / \\alpha$ and $\\kappa' = \\beta_1 / \\beta_2$
    (ReLU is positively homogeneous; see `normalised_vector_field`).

    **Arguments:**

    - `width`: the number of hidden neurons $m \\ge 1$.
    - `alpha`, `beta1`, `beta2`: the output scale $\\alpha$ and the standard
      deviations $\\beta_1$, $\\beta_2$, all finite and $> 0$.

    **Raises:** `ValueError` for `width < 1` or a scale that is not finite and positive.

    ??? cite "References"

        ```bibtex
        @article{luo2021phase,
          title={Phase Diagram for Two-layer ReLU Neural Networks at Infinite-width
                 Limit},
          author={Luo, Tao and Xu, Zhi-Qin John and Ma, Zheng and Zhang, Yaoyu},
          journal={Journal of Machine Learning Research},
          volume={22},
          number={71},
          pages={1--47},
          year={2021}
        }
        ```
    """

    width: int | Int[Array, ""]
    alpha: Float[Array, ""] = eqx.field(converter=jnp.asarray)
    beta1: Float[Array, ""] = eqx.field(converter=jnp.asarray)
    beta2: Float[Array, ""] = eqx.field(converter=jnp.asarray)

    def __check_init__(self):
        if isinstance(self.width, bool) or not isinstance(self.width, int):
            raise ValueError(f"`width` must be an integer; got {self.width!r}.")
        if self.width < 1:
            raise ValueError(f"`width` must be >= 1; got {self.width}.")
        for name in ("alpha", "beta1", "beta2"):
            value = getattr(self, name)
            if not isinstance(value, jnp.ndarray) or value.ndim != 0:
                raise ValueError(f"`{name}` must be a scalar; got shape {value.shape}.")
        check_positive(alpha=self.alpha, beta1=self.beta1, beta2=self.beta2)

    @classmethod
    def from_exponents(
        cls, exponents: ScalingExponents, width: int
    ) -> "Initialisation":
        """The point $(\\gamma, \\gamma')$ at width $m$: $\\alpha = 1$,
        $\\beta_1 = m^{-(\\gamma + \\gamma')/2}$, $\\beta_2 = m^{-(\\gamma - \\gamma')/2}$,
        so that $\\kappa = m^{-\\gamma}$ and $\\kappa' = m^{-\\gamma'}$ exactly. (Any
        other $\\alpha$ with the same $\\kappa, \\kappa'$ gives the same normalised
        dynamics and the same relative distance.)

        **Raises:** `ValueError` for a width that is not an integer $\\ge 1$, or
        $|\\gamma|$ or $|\\gamma'|$ above $\\frac{1}{2}\\log(1/\\text{tiny}) / \\log m$
        (tiny: the smallest normal number of the default float), where the scales
        would underflow or overflow."""
        check_integer("width", width, 1)
        g, gp = exponents.gamma, exponents.gamma_prime
        if width > 1:
            # The scales m^(-(g +- g')/2) and kappa = m^-g, kappa' = m^-g' must
            # stay normal numbers of the working precision with room for their
            # products: |g|, |g'| <= half the exponent range over log m (float32 at
            # m = 1000: 6.3; an underflow to 0 was refused later as "beta1 > 0").
            tiny = float(jnp.finfo(jnp.asarray(1.0).dtype).tiny)
            bound = 0.5 * -math.log(tiny) / math.log(width)
            for name, value in (("gamma", g), ("gamma_prime", gp)):
                check_interval(name, value, -bound, bound, closed_low=True)
        return cls(
            width=width,
            alpha=1.0,
            beta1=float(width) ** (-(g + gp) / 2),
            beta2=float(width) ** (-(g - gp) / 2),
        )

    @property
    def kappa(self) -> Float[Array, ""]:
        """The energy scale $\\kappa = \\beta_1 \\beta_2 / \\alpha$."""
        return self.beta1 * self.beta2 / self.alpha

    @property
    def kappa_prime(self) -> Float[Array, ""]:
        """The dynamical scale $\\kappa' = \\beta_1 / \\beta_2$."""
        return self.beta1 / self.beta2

    def sample(
        self, key: PRNGKeyArray, dim: int, padded_width: int | None = None
    ) -> TwoLayerReLU:
        """Draw $a_k \\sim N(0, \\beta_1^2)$, $w_k \\sim N(0, \\beta_2^2 I_{dim})$
        (`dim` counts the folded bias). Returns a `TwoLayerReLU`.

        With `padded_width` $\\ge m$ the network has `padded_width` neurons of which
        all but the first $m$ are zero ($a_k = 0$, $w_k = 0$): such a neuron adds
        nothing to $f$, and the gradient flow leaves it at zero (both of its
        derivatives carry a factor $\\sigma(0) = 0$ or $a_k = 0$). Networks of
        different widths then share one shape, so a width sweep is one program.
        """
        akey, wkey = jr.split(key)
        dtype = jnp.result_type(self.beta1)
        size = self.width if padded_width is None else padded_width
        mask = (jnp.arange(size) < self.width).astype(dtype)
        a = self.beta1 * mask * jr.normal(akey, (size,), dtype)
        w = self.beta2 * mask[:, None] * jr.normal(wkey, (size, dim), dtype)
        return TwoLayerReLU(a=a, w=w, alpha=self.alpha)


def _xavier(m: int, d: int) -> tuple[float, float, float]:
    return 1.0, math.sqrt(2 / (m + 1)), math.sqrt(2 / (m + d))


# name: ((alpha, beta1, beta2) as functions of width m and input dimension d,
#        the limiting exponents (gamma, gamma')). The scales are those of Table 1 of
# Luo et al. (2021) for the usual schemes; the exponents follow from the definitions
# of gamma, gamma' (tests check the limit numerically).
_NAMED: dict[str, tuple[Callable[[int, int], tuple[float, float, float]], tuple]] = {
    # LeCun et al. (1998): both layers with variance 1/fan-in.
    "lecun": (lambda m, d: (1.0, math.sqrt(1 / m), math.sqrt(1 / d)), (0.5, 0.5)),
    # He et al. (2015): variance 2/fan-in.
    "he": (lambda m, d: (1.0, math.sqrt(2 / m), math.sqrt(2 / d)), (0.5, 0.5)),
    # Glorot & Bengio (2010): variance 2/(fan-in + fan-out).
    "xavier": (_xavier, (1.0, 0.0)),
    # Jacot et al. (2018): standard Gaussians, output divided by sqrt(m).
    "ntk": (lambda m, d: (math.sqrt(m), 1.0, 1.0), (0.5, 0.0)),
    # Mei et al. (2018), Rotskoff & Vanden-Eijnden, Chizat & Bach: output divided by m.
    "mean-field": (lambda m, d: (float(m), 1.0, 1.0), (1.0, 0.0)),
    # E, Ma & Wu (2020): no output scaling, unit input weights, small output weights
    # a_k ~ N(0, beta^2); we take beta = 1/m, which puts the scheme at (1, 1) on the
    # diagonal gamma = gamma' that alpha = beta2 = 1 forces. Uncertain: the paper's
    # exact beta could not be checked here.
    "e-et-al": (lambda m, d: (1.0, 1.0 / m, 1.0), (1.0, 1.0)),
}

NAMED_INITIALISATIONS: tuple[str, ...] = tuple(_NAMED)


def named_initialisation(name: str, width: int, dim: int) -> Initialisation:
    """A named initialisation scheme at width $m$ for inputs of dimension `dim`
    (the folded bias included): one of `NAMED_INITIALISATIONS` (`"lecun"`, `"he"`,
    `"xavier"`, `"ntk"`, `"mean-field"`, `"e-et-al"`).

    **Raises:** `ValueError` for an unknown name, `width < 1` or `dim < 1`.
    """
    if name not in _NAMED:
        raise ValueError(
            f"unknown initialisation {name!r}; choose from "
            f"{', '.join(NAMED_INITIALISATIONS)}."
        )
    if isinstance(width, bool) or not isinstance(width, int) or width < 1:
        raise ValueError(f"`width` must be an integer >= 1; got {width!r}.")
    if isinstance(dim, bool) or not isinstance(dim, int) or dim < 1:
        raise ValueError(f"`dim` must be an integer >= 1; got {dim!r}.")
    alpha, beta1, beta2 = _NAMED[name][0](width, dim)
    return Initialisation(width=width, alpha=alpha, beta1=beta1, beta2=beta2)


def named_exponents(name: str) -> ScalingExponents:
    """The limiting $(\\gamma, \\gamma')$ of a named initialisation (Luo et al. 2021,
    Table 1): NTK $(1/2, 0)$, LeCun and He $(1/2, 1/2)$, Xavier and mean-field
    $(1, 0)$, E et al. $(1, 1)$ (our reading, see `named_initialisation`).

    **Raises:** `ValueError` for an unknown name.
    """
    if name not in _NAMED:
        raise ValueError(
            f"unknown initialisation {name!r}; choose from "
            f"{', '.join(NAMED_INITIALISATIONS)}."
        )
    gamma, gamma_prime = _NAMED[name][1]
    return ScalingExponents(gamma=gamma, gamma_prime=gamma_prime)
