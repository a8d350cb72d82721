"""Discrete time: the network as a map, $h_{t+1} = (1-\\delta) h_t + \\delta (W\\phi(h_t) + b)$."""

import diffrax
import equinox as eqx
import jax
import jax.numpy as jnp
import jax.random as jr
import numpy as np
from jaxtyping import Array, ArrayLike, Float, PRNGKeyArray

from .._validation import check_finite
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

    - `delta`: the step $0 < \\delta$ (static: it fixes the number of steps).

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

    delta: float = eqx.field(default=1.0, static=True)

    def __check_init__(self):
        if not (isinstance(self.delta, int | float) and 0 < self.delta < float("inf")):
            raise ValueError(f"`delta` must be a finite number > 0; got {self.delta}.")

    def check(self, noisy: bool, **durations: float) -> None:
        for name, value in durations.items():
            whole_steps(value, self.delta, name)

    def step(
        self, network: RateNetwork, h: Float[Array, " n"], xi: Float[Array, " n"]
    ) -> Float[Array, " n"]:
        """One map step with standard-normal noise `xi`."""
        d = jnp.asarray(self.delta, h.dtype)
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
                d = jnp.asarray(self.delta, h.dtype)
                Q = Q + d * network.tangent(h, Q)  # the Jacobian (1 - d) + d W phi'(h)
            return (self.step(network, h, xi), Q), None

        (h, Q), _ = jax.lax.scan(body, (h, Q), jnp.arange(n_steps))
        return h, Q

    def sample(self, network, h, t0, dt, n_samples, key, throw):
        per_sample = whole_steps(dt, self.delta, "dt")

        def body(h, j):
            key_j = None if key is None else jr.fold_in(key, j)
            h, _ = self._run(network, h, None, per_sample, key_j)
            return h, h

        _, ys = jax.lax.scan(body, h, jnp.arange(n_samples))
        return ys, diffrax.RESULTS.successful

    def advance_tangent(self, network, h, Q, t0, duration, key, throw):
        steps = whole_steps(duration, self.delta, "interval")
        h, Q = self._run(network, h, Q, steps, key)
        return h, Q, diffrax.RESULTS.successful


def iterate(
    network: RateNetwork,
    h0: Float[ArrayLike, " n"],
    n_steps: int,
    *,
    delta: float = 1.0,
    key: PRNGKeyArray | None = None,
) -> Float[Array, "n_steps+1 n"]:
    """Iterate the discrete-time network (see [`dmft.DiscreteTime`][]) from `h0`.

    **Arguments:**

    - `network`: the [`dmft.RateNetwork`][].
    - `h0`: initial state, shape `(n,)`.
    - `n_steps`: number of map steps (time `n_steps * delta`).
    - `delta`: the step $\\delta$ (1 is the tied-weight deep network).
    - `key`: `jax.random` key of the noise; required iff `network.noise > 0`.

    **Returns:**

    The states $h_0, h_1, \\ldots, h_{n_\\mathrm{steps}}$, shape `(n_steps + 1, n)`.

    **Raises:**

    `ValueError` on a wrong `h0` shape, `n_steps < 1`, or noise without a key.
    """
    h0 = jnp.asarray(h0, network.W.dtype)
    if h0.shape != (network.n,):
        raise ValueError(f"`h0` must have shape ({network.n},); got {h0.shape}.")
    if isinstance(n_steps, bool) or not isinstance(n_steps, int) or n_steps < 1:
        raise ValueError(f"`n_steps` must be an integer >= 1; got {n_steps!r}.")
    check_finite(h0=h0)
    if key is None:
        if not isinstance(network.noise, jax.core.Tracer) and np.any(network.noise > 0):
            raise ValueError("A noisy network (`noise > 0`) needs a `key`.")
        h0 = eqx.error_if(h0, network.noise > 0, "A noisy network needs a `key`.")
    dynamics = DiscreteTime(delta)
    ys, _ = dynamics.sample(network, h0, 0.0, delta, n_steps, key, True)
    return jnp.concatenate([h0[None], ys])
