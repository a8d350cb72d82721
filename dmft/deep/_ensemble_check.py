"""The deep maps need the zero-mean ensemble; refuse the others before any work."""

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

from .._ensemble import NetworkEnsemble


def check_deep_ensemble(ensemble: NetworkEnsemble) -> NetworkEnsemble:
    """Return `ensemble` if it is a zero-mean, noiseless `NetworkEnsemble`.

    The layerwise maps of Poole et al. (2016) assume $W^l_{ij} \\sim N(0, \\sigma_w^2/N)$
    and $b^l_i \\sim N(0, \\sigma_b^2)$: a mean coupling or bias adds a mean field that
    these maps do not track, and `noise` belongs to the recurrent dynamics.

    **Raises:** `ValueError` for a concrete non-zero `mean_w`, `mean_b` or `noise`;
    under `jit` the same check runs through `eqx.error_if`.
    """
    if not isinstance(ensemble, NetworkEnsemble):
        raise ValueError(
            f"expected a dmft.NetworkEnsemble; got {type(ensemble).__name__}."
        )
    extra = {"mean_w": ensemble.mean_w, "mean_b": ensemble.mean_b}
    extra["noise"] = ensemble.noise
    message = (
        "the deep maps need mean_w = mean_b = noise = 0 (zero-mean untied weights "
        "and biases, no noise)"
    )
    traced = []
    for name, value in extra.items():
        if isinstance(value, jax.core.Tracer):
            traced.append(value)
        elif np.any(np.asarray(value) != 0):
            raise ValueError(f"{message}; got {name} = {value}.")
    if traced:
        nonzero = jnp.any(jnp.stack([jnp.any(v != 0) for v in traced]))
        sigma_w = eqx.error_if(ensemble.sigma_w, nonzero, message + ".")
        ensemble = eqx.tree_at(lambda e: e.sigma_w, ensemble, sigma_w)
    return ensemble
