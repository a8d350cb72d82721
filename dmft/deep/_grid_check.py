"""Validation of the parameter grids of sweeps."""

import jax
import numpy as np


def check_grid(name: str, grid: object) -> None:
    """Raise `ValueError` unless a concrete `grid` is a non-empty 1-D array of finite,
    non-negative, strictly ascending values (traced grids are not checked)."""
    if isinstance(grid, jax.core.Tracer):
        return
    values = np.asarray(grid, dtype=float)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(
            f"`{name}` must be a non-empty 1-D grid; got shape {values.shape}."
        )
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise ValueError(f"`{name}` must be finite and >= 0; got {values}.")
    if np.any(np.diff(values) <= 0):
        raise ValueError(f"`{name}` must be strictly ascending; got {values}.")
