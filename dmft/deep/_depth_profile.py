"""The deep maps iterated through depth: $q^l$ and $c^l$ layer by layer."""

import equinox as eqx
import jax
import jax.lax as lax
import jax.numpy as jnp
from jaxtyping import Array, ArrayLike, Float

from .._ensemble import NetworkEnsemble
from .._gaussian import DEFAULT_RULE
from .._quadrature import AbstractGaussianRule
from .._validation import check_finite, check_finite_nonnegative
from ._correlation_map import covariance_map
from ._ensemble_check import check_deep_ensemble


class DepthProfile(eqx.Module):
    """The infinite-width covariance of two inputs' pre-activations at layers
    $l = 0, \\ldots, L$ (layer 0 is the input).

    **Fields:** `q11`, `q22`, `q12`, each of shape `(depth + 1,)`.
    """

    q11: Float[Array, " depth_plus_1"]
    q22: Float[Array, " depth_plus_1"]
    q12: Float[Array, " depth_plus_1"]

    @property
    def c(self) -> Float[Array, " depth_plus_1"]:
        """The correlation $c^l = q_{12}^l / \\sqrt{q_{11}^l q_{22}^l}$."""
        return self.q12 / jnp.sqrt(self.q11 * self.q22)


@eqx.filter_jit
def _profile(ensemble, q11, q22, q12, depth, rule):
    def layer(carry, _):
        new = covariance_map(ensemble, *carry, rule)
        return new, new

    _, history = lax.scan(layer, (q11, q22, q12), length=depth)
    return DepthProfile(
        *(jnp.concatenate([x0[None], xs]) for x0, xs in zip((q11, q22, q12), history))
    )


def depth_profile(
    ensemble: NetworkEnsemble,
    depth: int,
    q11: Float[ArrayLike, ""],
    q22: Float[ArrayLike, ""] | None = None,
    q12: Float[ArrayLike, ""] | None = None,
    rule: AbstractGaussianRule = DEFAULT_RULE,
) -> DepthProfile:
    """Iterate the covariance map $depth$ times from the pre-activation covariance
    $((q_{11}, q_{12}), (q_{12}, q_{22}))$ of layer 0:

    $$q_{aa}^l = V(q_{aa}^{l-1}), \\qquad q_{12}^l = \\sigma_w^2
    E[\\phi(u_1)\\phi(u_2)] + \\sigma_b^2,$$

    the layer-by-layer statistics of $h^l = W^l \\phi(h^{l-1}) + b^l$ at infinite
    width, whose limits are $q^*$ and $c^*$ (`dmft.deep.deep_fixed_point`).

    **Arguments:**

    - `ensemble`: the network ensemble (`mean_w = mean_b = noise = 0`).
    - `depth`: number of layers $L \\ge 0$.
    - `q11`: the first input's variance $q_{11}^0 > 0$.
    - `q22`: the second input's variance (default `q11`).
    - `q12`: their covariance (default `q11`: the same input twice), with
        $q_{12}^2 \\le q_{11} q_{22}$.
    - `rule`: quadrature rule for nonlinearities without closed forms.

    **Returns:** a `dmft.deep.DepthProfile`.

    **Raises:** `ValueError` for a negative depth, negative or non-finite variances,
    or a covariance that is not positive semi-definite.
    """
    ensemble = check_deep_ensemble(ensemble)
    if not (isinstance(depth, int) and depth >= 0):
        raise ValueError(f"`depth` must be an integer >= 0; got {depth!r}.")
    q22 = q11 if q22 is None else q22
    q12 = q11 if q12 is None else q12
    check_finite_nonnegative(q11=q11, q22=q22)
    check_finite(q12=q12)
    q11, q22, q12 = (jnp.asarray(x, float) for x in (q11, q22, q12))
    if any(jnp.ndim(x) != 0 for x in (q11, q22, q12)):
        raise ValueError("depth_profile takes scalar q11, q22, q12; vmap it for more.")
    concrete = not any(isinstance(x, jax.core.Tracer) for x in (q11, q22, q12))
    if concrete and q12**2 > q11 * q22 * (1 + 1e-12):
        raise ValueError(
            f"`q12` must satisfy q12^2 <= q11 q22; got {q12}, {q11}, {q22}."
        )
    return _profile(ensemble, q11, q22, q12, depth, rule)
