"""Finite width: propagate inputs through one sampled deep network."""

import equinox as eqx
import jax
import jax.lax as lax
import jax.numpy as jnp
import jax.random as jr
from jaxtyping import Array, Float, PRNGKeyArray

from .._ensemble import NetworkEnsemble
from ._ensemble_check import check_deep_ensemble


@eqx.filter_jit
def _propagate(ensemble, key, inputs, depth):
    width = inputs.shape[-1]
    sigma_w = ensemble.sigma_w.astype(inputs.dtype)
    sigma_b = ensemble.sigma_b.astype(inputs.dtype)

    def layer(h, layer_key):
        # Untied weights: a fresh W^l, b^l per layer (drawn inside the scan, so the
        # whole depth never sits in memory).
        w_key, b_key = jr.split(layer_key)
        w = jr.normal(w_key, (width, width), inputs.dtype) * sigma_w / jnp.sqrt(width)
        b = jr.normal(b_key, (width,), inputs.dtype) * sigma_b
        h = ensemble.phi(h) @ w.T + b
        return h, h @ h.T / width

    _, kernels = lax.scan(layer, inputs, jr.split(key, depth))
    first = inputs @ inputs.T / width
    return jnp.concatenate([first[None], kernels])


def propagate(
    ensemble: NetworkEnsemble,
    key: PRNGKeyArray,
    inputs: Float[Array, "p width"],
    depth: int,
) -> Float[Array, "depth_plus_1 p p"]:
    """Propagate `p` inputs through one sampled deep network of width $N$ with untied
    weights, $h^l = W^l \\phi(h^{l-1}) + b^l$, $W^l_{ij} \\sim N(0, \\sigma_w^2/N)$,
    $b^l_i \\sim N(0, \\sigma_b^2)$, and measure the empirical kernel
    $K^l_{ab} = \\frac{1}{N}\\sum_i h^l_{a,i} h^l_{b,i}$ at every layer.

    As $N \\to \\infty$, $K^l$ tends to the deep maps' covariance
    (`dmft.deep.depth_profile`): $K^l_{aa} \\to q^l$ and
    $K^l_{ab}/\\sqrt{K^l_{aa} K^l_{bb}} \\to c^l$, with fluctuations of order
    $1/\\sqrt{N}$ from one sampled network to the next.

    **Arguments:**

    - `ensemble`: the network ensemble (`mean_w = mean_b = noise = 0`).
    - `key`: a `jax.random` key; one network is drawn from it.
    - `inputs`: the layer-0 pre-activations $h^0$, shape `(p, N)` (their kernel is
        `K[0]`); the dtype sets the simulation's precision.
    - `depth`: number of layers $L \\ge 1$.

    **Returns:** the kernels $K^0, \\ldots, K^L$, shape `(depth + 1, p, p)`.

    **Raises:** `ValueError` for `depth < 1` or `inputs` that are not a finite
    2-D array.
    """
    ensemble = check_deep_ensemble(ensemble)
    if not (isinstance(depth, int) and depth >= 1):
        raise ValueError(f"`depth` must be an integer >= 1; got {depth!r}.")
    inputs = jnp.asarray(inputs)
    if inputs.ndim != 2 or not jnp.issubdtype(inputs.dtype, jnp.floating):
        raise ValueError(
            f"`inputs` must be a 2-D float array (p, width); got {inputs.shape}."
        )
    if not isinstance(inputs, jax.core.Tracer) and not jnp.all(jnp.isfinite(inputs)):
        raise ValueError("`inputs` must be finite.")
    return _propagate(ensemble, key, inputs, depth)
