"""How a network is advanced in time: continuous time (diffrax) or a discrete map.

Both dynamics offer the same two primitives, so that statistics and Lyapunov exponents
are written once: `sample` (advance and record the state on a regular grid) and
`advance_tangent` (advance the state together with `k` tangent vectors).
"""

import abc
import math

import diffrax
import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, Float, PRNGKeyArray

from .._validation import concrete
from ._network import RateNetwork


def whole_steps(duration: float, step: float, name: str) -> int:
    """`duration / step` as an integer, or a ValueError saying what to change."""
    steps = round(duration / step)
    if steps < 1 or not math.isclose(steps * step, duration, rel_tol=1e-9):
        raise ValueError(
            f"`{name}` = {duration} must be a positive multiple of the step {step}."
        )
    return steps


def is_noisy(network: RateNetwork) -> bool:
    """Whether noise may have to be drawn, read at trace time; a traced amplitude (a
    network built under `jax.jit`) may be nonzero, so it counts as noisy."""
    noise = concrete(network.noise)
    return noise is None or bool(np.any(noise > 0))


def run_with_noise_if_any(network: RateNetwork, run, keys: tuple):
    """`run(keys)` for a noisy network, `run((None, ...))` (noise-free dynamics: the
    adaptive ODE solver) for a quiet one.

    The solver must be chosen outside the jitted run, where the amplitude is still
    readable. A traced amplitude (an ensemble built inside `jax.jit`) is not: both
    runs are compiled and `lax.cond` picks one at run time, so that a zero amplitude
    is not integrated with the SDE's fixed step. (Under `jax.vmap` over amplitudes
    the cond becomes a select and both run; each member still gets its own result.)
    """
    quiet = (None,) * len(keys)
    if concrete(network.noise) is None:
        return jax.lax.cond(
            jnp.any(network.noise > 0), lambda: run(keys), lambda: run(quiet)
        )
    return run(keys) if is_noisy(network) else run(quiet)


class AdditiveNoise(diffrax.AbstractTerm):
    """$\\sigma\\, dB$ on the state $h$; tangent vectors, if carried, get no noise.

    The noise is additive (its vector field is the constant $\\sigma$), which is what
    lets ShARK/SRA reach strong order 1. Carrying the tangent vectors in the same solve
    makes them see the same frozen noise realisation as the trajectory: the Lyapunov
    exponents are those of the random dynamical system.
    """

    sigma: Float[Array, ""]
    path: diffrax.AbstractBrownianPath
    # Shape of the tangent vectors carried next to `h` in the state `(h, Q)`, if any.
    tangents: tuple[int, ...] | None = eqx.field(static=True, default=None)

    def vf(self, t, y, args):
        return self.sigma

    def contr(self, t0, t1, **kwargs):
        return self.path.evaluate(t0, t1, **kwargs)

    def prod(self, vf, control):
        dh = vf * control
        if self.tangents is None:
            return dh
        return dh, jnp.zeros(self.tangents, dh.dtype)


class AbstractDynamics(eqx.Module):
    """How a [`dmft.RateNetwork`][] is advanced in time: [`dmft.ContinuousTime`][] or
    [`dmft.DiscreteTime`][]."""

    @abc.abstractmethod
    def sample(
        self,
        network: RateNetwork,
        h: Float[Array, " n"],
        t0: Float[Array, ""],
        dt: float,
        n_samples: int,
        key: PRNGKeyArray | None,
        throw: bool,
    ) -> tuple[Float[Array, "n_samples n"], diffrax.RESULTS]:
        """The states at `t0 + dt, ..., t0 + n_samples dt`, and the solver's result.
        `key` is the noise's, or None for the noise-free dynamics."""

    @abc.abstractmethod
    def advance_tangent(
        self,
        network: RateNetwork,
        h: Float[Array, " n"],
        Q: Float[Array, "n k"],
        t0: Float[Array, ""],
        duration: float,
        key: PRNGKeyArray | None,
        throw: bool,
    ) -> tuple[Float[Array, " n"], Float[Array, "n k"], diffrax.RESULTS]:
        """State and tangent vectors after `duration`, and the solver's result."""

    def snap(self, duration: float) -> float:
        """The duration nearest to `duration` that the dynamics can sample: itself in
        continuous time, a whole number of steps (at least one) for a map."""
        return duration

    @abc.abstractmethod
    def check(self, noisy: bool, **durations: float) -> None:
        """Raise `ValueError` unless every duration is compatible with the dynamics
        (a whole number of steps where the step is fixed)."""
