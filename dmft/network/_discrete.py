"""Discrete time: the network as a map, $h_{t+1} = (1-\\delta) h_t + \\delta (W\\phi(h_t) + b)$."""

import diffrax
import equinox as eqx
import jax
import jax.numpy as jnp
import jax.random as jr
import numpy as np
from jaxtyping import Array, ArrayLike, Float, PRNGKeyArray

from .._validation import check_finite, check_integer, check_interval, concrete
from ._dynamics import AbstractDynamics, whole_steps
from ._network import RateNetwork


class DiscreteTime(AbstractDynamics):
    """The discrete-time network

    $$h_{s+1} = (1 - \\delta) h_s + \\delta\\,(W\\phi(h_s) + b) + \\sigma\\sqrt{\\delta}\\,\\xi_s,
    \\qquad \\xi_s \\sim N(0, 1),$$

    i.e. Euler(-Maruyama) with step $\\delta$ of the continuous network; $\\delta = 1$ is
    the deep network with tied weights, $h^{l+1} = W\\phi(h^l) + b$. One map step lasts
    $\\delta$ units of time: times, lags and Lyapunov exponents are all in units of
    time, so that $\\delta \\to 0$ recovers continuous time.

    **Arguments:**

    - `step`: the step $0 < \\delta \\le 1$ (static: it fixes the number of steps).
        Beyond 1 the map overshoots ($1 - \\delta < 0$) and is no longer a
        discretisation of the network: refused here and in the mean-field theory
        ([`dmft.solve_discrete_stationary`][]) alike.

    ??? cite "References"

        ```bibtex
        @article{molgedey1992suppressing,
          title={Suppressing chaos in neural networks by noise},
          author={Molgedey, L. and Schuchhardt, J. and Schuster, H. G.},
          journal={Physical Review Letters},
          volume={69},
          number={26},
          pages={3717--3719},
          year={1992}
        }
        ```
    """

    step: float = eqx.field(default=1.0, static=True)

    def __check_init__(self):
        if isinstance(self.step, bool) or not isinstance(self.step, int | float):
            raise ValueError(f"`step` must be a number in (0, 1]; got {self.step!r}.")
        check_interval("step", self.step, 0.0, 1.0)

    def check(self, noisy: bool, **durations: float) -> None:
        for name, value in durations.items():
            whole_steps(value, self.step, name)

    def snap(self, duration: float) -> float:
        """The whole number of steps nearest to `duration` (at least one), in time."""
        return self.step * max(1, round(duration / self.step))

    def advance(
        self, network: RateNetwork, h: Float[Array, " n"], xi: Float[Array, " n"]
    ) -> Float[Array, " n"]:
        """One map step with standard-normal noise `xi`."""
        d = jnp.asarray(self.step, h.dtype)
        # (1 - d) h + d (W phi(h) + b) is an Euler step of the drift.
        return h + d * network.drift(None, h) + network.noise * jnp.sqrt(d) * xi

    def _run(self, network, h, Q, n_steps, key):
        def body(carry, i):
            h, Q = carry
            if key is not None:
                xi = jr.normal(jr.fold_in(key, i), h.shape, h.dtype)
            else:
                xi = jnp.zeros_like(h)
            if Q is not None:
                d = jnp.asarray(self.step, h.dtype)
                Q = Q + d * network.tangent(h, Q)  # the Jacobian (1 - d) + d W phi'(h)
            return (self.advance(network, h, xi), Q), None

        (h, Q), _ = jax.lax.scan(body, (h, Q), jnp.arange(n_steps))
        return h, Q

    def sample(self, network, h, t0, dt, n_samples, key, throw):
        per_sample = whole_steps(dt, self.step, "dt")

        def body(h, j):
            key_j = None if key is None else jr.fold_in(key, j)
            h, _ = self._run(network, h, None, per_sample, key_j)
            return h, h

        _, ys = jax.lax.scan(body, h, jnp.arange(n_samples))
        return ys, diffrax.RESULTS.successful

    def advance_tangent(self, network, h, Q, t0, duration, key, throw):
        steps = whole_steps(duration, self.step, "interval")
        h, Q = self._run(network, h, Q, steps, key)
        return h, Q, diffrax.RESULTS.successful


def iterate(
    network: RateNetwork,
    h0: Float[ArrayLike, " n"],
    n_steps: int,
    *,
    step: float = 1.0,
    key: PRNGKeyArray | None = None,
) -> Float[Array, "n_steps+1 n"]:
    """Iterate the discrete-time network (see [`dmft.DiscreteTime`][]) from `h0`.

    **Arguments:**

    - `network`: the [`dmft.RateNetwork`][].
    - `h0`: initial state, shape `(n,)`.
    - `n_steps`: number of map steps (time `n_steps * step`).
    - `step`: the step $0 < \\delta \\le 1$ (1 is the tied-weight deep network).
    - `key`: `jax.random` key of the noise; required iff `network.noise > 0`.

    **Returns:**

    The states $h_0, h_1, \\ldots, h_{n_\\mathrm{steps}}$, shape `(n_steps + 1, n)`.

    **Raises:**

    `ValueError` on a wrong `h0` shape, `n_steps < 1`, a step outside (0, 1], or
    noise without a key.
    """
    h0 = jnp.asarray(h0, network.W.dtype)
    if h0.shape != (network.n,):
        raise ValueError(f"`h0` must have shape ({network.n},); got {h0.shape}.")
    check_integer("n_steps", n_steps, 1)
    check_finite(h0=h0)
    dynamics = DiscreteTime(step)
    if key is None:
        noise = concrete(network.noise)
        if noise is not None and np.any(noise > 0):
            raise ValueError("A noisy network (`noise > 0`) needs a `key`.")
        h0 = eqx.error_if(h0, network.noise > 0, "A noisy network needs a `key`.")
    ys, _ = dynamics.sample(network, h0, 0.0, step, n_steps, key, True)
    return jnp.concatenate([h0[None], ys])
