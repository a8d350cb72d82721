"""`jax.lax.stop_gradient` for pytrees that hold non-array leaves."""

import equinox as eqx
import jax


def stop_gradient(tree):
    """`jax.lax.stop_gradient` on the array leaves of `tree`; other leaves (the
    Python function inside `dmft.Custom`, say) pass through unchanged, where
    `jax.lax.stop_gradient` itself raises `TypeError`."""
    arrays, static = eqx.partition(tree, eqx.is_array)
    return eqx.combine(jax.lax.stop_gradient(arrays), static)
