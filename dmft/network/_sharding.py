"""Spread the batch axis of a vmapped simulation over several devices."""

import jax
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec
from jaxtyping import PyTree


def shard_batch(tree: PyTree, devices: list[jax.Device] | None = None) -> PyTree:
    """Place every array leaf of `tree` with its leading (batch) axis split evenly over
    `devices` (default: all), the other axes replicated. A `jax.jit(jax.vmap(f))` of
    the sharded inputs then runs each device's share of the batch on that device,
    with no other change to `f`.

    **Arguments:**

    - `tree`: a pytree of arrays with a common leading batch axis (keys included).
    - `devices`: the devices to use (default `jax.devices()`).

    **Returns:**

    The same pytree, sharded.

    **Raises:**

    `ValueError` if a leading axis is not divisible by the number of devices.
    """
    devices = jax.devices() if devices is None else list(devices)
    mesh = Mesh(np.asarray(devices), ("batch",))
    sharding = NamedSharding(mesh, PartitionSpec("batch"))

    def place(x):
        if x.shape[0] % len(devices):
            raise ValueError(
                f"The batch axis ({x.shape[0]}) must be divisible by the number of "
                f"devices ({len(devices)})."
            )
        return jax.device_put(x, sharding)

    return jax.tree.map(place, tree)
