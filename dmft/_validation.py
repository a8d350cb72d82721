"""Input validation: one tracer-aware helper behind every check of the library.

Values known on the host are checked at once and raise `ValueError` naming the
argument. Traced values (inside `jit`, `vmap`, `lax.map`) cannot be inspected on the
host; the functions that use them check them where it matters (with `eqx.error_if`
or a `RESULTS` status), so that nothing is silent under a transformation either.
"""

import os
from collections.abc import Callable

import jax
import numpy as np


def concrete(value: object) -> np.ndarray | None:
    """The value as a NumPy array, or `None` if it is traced (inside a transformation).

    **Raises:** `ValueError` if a concrete value is complex (dmft's parameters are real;
    NumPy would otherwise drop the imaginary part with only a warning).
    """
    if isinstance(value, jax.core.Tracer):
        return None
    array = np.asarray(value)
    if np.iscomplexobj(array):
        raise ValueError(f"must be real; got {value}.")
    return array


def require(
    name: str,
    value: object,
    condition: Callable[[np.ndarray], np.ndarray | bool],
    requirement: str,
) -> None:
    """Raise `ValueError("`name` must be <requirement>; got <value>.")` unless
    `condition` holds for every element of the concrete `value`. Traced values pass.
    """
    try:
        array = concrete(value)
    except ValueError as error:
        raise ValueError(f"`{name}` {error}") from None
    if array is None:
        return
    try:
        numeric = array.astype(float)
    except (TypeError, ValueError):
        raise ValueError(f"`{name}` must be a number; got {value!r}.") from None
    with np.errstate(invalid="ignore"):
        ok = np.all(condition(numeric))
    if not ok:
        raise ValueError(f"`{name}` must be {requirement}; got {value}.")


def check_finite(**values: object) -> None:
    """Raise `ValueError` if any concrete value is NaN or infinite."""
    for name, value in values.items():
        require(name, value, np.isfinite, "finite")


def check_finite_nonnegative(**values: object) -> None:
    """Raise `ValueError` if any concrete value is NaN, infinite or negative."""
    for name, value in values.items():
        require(name, value, lambda v: np.isfinite(v) & (v >= 0), "finite and >= 0")


def check_positive(**values: object) -> None:
    """Raise `ValueError` if any concrete value is NaN, infinite or <= 0."""
    for name, value in values.items():
        require(name, value, lambda v: np.isfinite(v) & (v > 0), "finite and > 0")


def check_interval(
    name: str,
    value: object,
    low: float,
    high: float,
    *,
    closed_low: bool = False,
    closed_high: bool = True,
) -> None:
    """Raise `ValueError` unless the concrete value lies in the interval from `low` to
    `high` (open or closed at each end as asked; the default is `(low, high]`)."""
    left = "[" if closed_low else "("
    right = "]" if closed_high else ")"

    def inside(v):
        above = v >= low if closed_low else v > low
        below = v <= high if closed_high else v < high
        return above & below

    require(name, value, inside, f"in {left}{low}, {high}{right}")


def check_integer(
    name: str, value: object, minimum: int, maximum: int | None = None
) -> None:
    """Raise `ValueError` unless `value` is a Python or NumPy integer (not a bool) in
    `[minimum, maximum]`. Sizes and counts are static: they are never traced."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ValueError(f"`{name}` must be an integer; got {value!r}.")
    if value < minimum or (maximum is not None and value > maximum):
        bound = f">= {minimum}" if maximum is None else f"in [{minimum}, {maximum}]"
        raise ValueError(f"`{name}` must be an integer {bound}; got {value}.")


def device_memory() -> int | None:
    """Bytes of memory of JAX's default device: a GPU's allocation limit, or the
    host's available memory for the CPU; `None` if unknown."""
    try:
        stats = jax.devices()[0].memory_stats()
        if stats and "bytes_limit" in stats:
            return int(stats["bytes_limit"])
    except Exception:  # a backend without memory statistics
        pass
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, OSError, ValueError):
        return None


def check_memory(nbytes: float, what: str, remedy: str) -> None:
    """Raise `ValueError` if `what` would need more than the device's memory (see
    `device_memory`): sizes are checked before anything is allocated or compiled."""
    limit = device_memory()
    if limit is not None and nbytes > limit:
        raise ValueError(
            f"{what} needs about {nbytes / 2**30:.3g} GiB of memory, more than the "
            f"{limit / 2**30:.3g} GiB available ({jax.devices()[0].platform}); "
            f"{remedy}."
        )
