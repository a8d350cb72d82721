"""Continuous time: the network's ODE/SDE integrated by diffrax."""

import diffrax
import equinox as eqx
import jax
import jax.numpy as jnp
import jax.random as jr
import numpy as np
from jaxtyping import Array, ArrayLike, Float, PRNGKeyArray

from .._validation import check_finite, concrete
from ._dynamics import AbstractDynamics, AdditiveNoise, whole_steps
from ._network import RateNetwork


class ContinuousTime(AbstractDynamics):
    """Integrate $dh = (-h + W\\phi(h) + b)\\,dt + \\sigma\\,dB$ with diffrax.

    Defaults (each `None` field): without noise, `diffrax.Tsit5()` with
    `diffrax.PIDController(rtol=1e-6, atol=1e-8)` in float64 (`rtol=1e-4, atol=1e-6`
    in float32); with noise, `diffrax.ShARK()` (strong
    order 1 for additive noise, two drift evaluations a step) with
    `diffrax.ConstantStepSize()` and `dt0 = 0.05`. Euler-Maruyama is
    `ContinuousTime(solver=diffrax.Euler(), dt0=...)`. A quiet network given an
    SDE-only solver (ShARK, SRA1, SEA) is integrated with Tsit5, and a solver without
    error estimate (Euler) takes constant steps.

    With a constant step the Brownian motion is a `diffrax.UnsafeBrownianPath` (one draw
    per step, no tree search); an adaptive SDE controller gets a
    `diffrax.VirtualBrownianTree` with tolerance `dt0 / 8`. Each solve draws its
    Brownian motion from the key it is given: in a `jax.vmap` over keys every member
    has its own noise.

    **Arguments:**

    - `solver`: any diffrax solver (for SDEs, one that accepts a `MultiTerm`).
    - `stepsize_controller`: any diffrax step-size controller.
    - `dt0`: initial (or constant) step.
    - `max_steps`: step budget of each solve; exceeding it is an error (or a result
        with `throw=False`).

    ??? cite "References"

        ```bibtex
        @article{foster2024high,
          title={High order splitting methods for SDEs satisfying a commutativity
                 condition},
          author={Foster, James and Dos Reis, Goncalo and Strange, Calum},
          journal={SIAM Journal on Numerical Analysis},
          volume={62},
          number={1},
          pages={500--532},
          year={2024}
        }
        ```
    """

    solver: diffrax.AbstractSolver | None = None
    stepsize_controller: diffrax.AbstractStepSizeController | None = None
    dt0: float | None = eqx.field(default=None, static=True)
    max_steps: int = eqx.field(default=2**20, static=True)

    def __check_init__(self):
        if self.dt0 is not None and not self.dt0 > 0:
            raise ValueError(f"`dt0` must be > 0; got {self.dt0}.")
        if self.max_steps < 1:
            raise ValueError(f"`max_steps` must be >= 1; got {self.max_steps}.")

    def check(self, noisy: bool, **durations: float) -> None:
        _, controller, dt0 = self._resolve(noisy, jnp.result_type(float))
        for name, value in durations.items():
            if not value > 0:
                raise ValueError(f"`{name}` must be > 0; got {value}.")
            # A noisy sample between two fixed steps would be interpolated, which
            # loses the Brownian bridge's variance: sample on the step grid.
            if noisy and isinstance(controller, diffrax.ConstantStepSize):
                whole_steps(value, dt0, name)

    def _resolve(self, noisy: bool, dtype):
        if noisy:
            solver = diffrax.ShARK() if self.solver is None else self.solver
            controller = self.stepsize_controller or diffrax.ConstantStepSize()
            dt0 = 0.05 if self.dt0 is None else self.dt0
        else:
            solver = self.solver
            # Stochastic Runge-Kutta methods need a noise term: the noise-free
            # dynamics of a quiet network get the ODE default instead.
            if solver is None or isinstance(solver, diffrax.AbstractSRK):
                solver = diffrax.Tsit5()
            # float32 cannot resolve rtol 1e-6: steps would shrink into roundoff.
            wide = jnp.finfo(dtype).bits > 32
            if self.stepsize_controller is not None:
                controller = self.stepsize_controller
            elif isinstance(solver, diffrax.AbstractAdaptiveSolver):
                controller = diffrax.PIDController(
                    rtol=1e-6 if wide else 1e-4, atol=1e-8 if wide else 1e-6
                )
            else:  # no error estimate (Euler): fixed steps
                controller = diffrax.ConstantStepSize()
            dt0 = self.dt0
            if dt0 is None and not isinstance(controller, diffrax.PIDController):
                dt0 = 0.05
        return solver, controller, dt0

    def solve(
        self,
        network: RateNetwork,
        y0,
        t0,
        t1,
        saveat: diffrax.SaveAt,
        key: PRNGKeyArray | None,
        throw: bool,
    ) -> diffrax.Solution:
        """One `diffrax.diffeqsolve` of the network; `y0` is `h` (any leading batch
        axes: a matrix-matrix product on one $W$) or `(h, Q)` with tangent vectors."""
        noisy = key is not None
        h0 = y0[0] if isinstance(y0, tuple) else y0
        solver, controller, dt0 = self._resolve(noisy, h0.dtype)
        # diffrax promotes the state to the dtype of the times: keep the network's.
        t0, t1 = jnp.asarray(t0, h0.dtype), jnp.asarray(t1, h0.dtype)
        if isinstance(y0, tuple):

            def drift(t, y, args):
                h, Q = y
                return network.drift(t, h), network.tangent(h, Q)

        else:
            drift = network.drift
        terms = diffrax.ODETerm(drift)
        adjoint = diffrax.RecursiveCheckpointAdjoint()
        if noisy:
            levy = (
                diffrax.SpaceTimeLevyArea
                if isinstance(solver, diffrax.AbstractSRK)
                and issubclass(
                    solver.minimal_levy_area, diffrax.AbstractSpaceTimeLevyArea
                )
                else diffrax.BrownianIncrement
            )
            shape = jax.ShapeDtypeStruct(h0.shape, h0.dtype)
            if isinstance(controller, diffrax.ConstantStepSize):
                path = diffrax.UnsafeBrownianPath(shape, key, levy_area=levy)
                # The unsafe path cannot be replayed backwards; forward mode can.
                adjoint = diffrax.ForwardMode()
            else:
                path = diffrax.VirtualBrownianTree(
                    t0, t1, tol=(dt0 or 0.01) / 8, shape=shape, key=key, levy_area=levy
                )
            tangents = y0[1].shape if isinstance(y0, tuple) else None
            noise = AdditiveNoise(jnp.asarray(network.noise, h0.dtype), path, tangents)
            terms = diffrax.MultiTerm(terms, noise)
        return diffrax.diffeqsolve(
            terms,
            solver,
            t0,
            t1,
            dt0,
            y0,
            saveat=saveat,
            stepsize_controller=controller,
            max_steps=self.max_steps,
            adjoint=adjoint,
            throw=throw,
        )

    def sample(self, network, h, t0, dt, n_samples, key, throw):
        ts = t0 + dt * jnp.arange(1, n_samples + 1, dtype=h.dtype)
        sol = self.solve(network, h, t0, ts[-1], diffrax.SaveAt(ts=ts), key, throw)
        return sol.ys, sol.result

    def advance_tangent(self, network, h, Q, t0, duration, key, throw):
        t1 = t0 + duration
        sol = self.solve(network, (h, Q), t0, t1, diffrax.SaveAt(t1=True), key, throw)
        h, Q = sol.ys
        return h[0], Q[0], sol.result


def simulate(
    network: RateNetwork,
    h0: Float[ArrayLike, "*batch n"],
    t0: float,
    t1: float,
    *,
    saveat: diffrax.SaveAt = diffrax.SaveAt(t1=True),
    key: PRNGKeyArray | None = None,
    dynamics: ContinuousTime = ContinuousTime(),
    throw: bool = True,
) -> diffrax.Solution:
    """Integrate the network from `h0` at `t0` to `t1`:

    $$dh = (-h + W\\phi(h) + b)\\,dt + \\sigma\\,dB.$$

    Many initial conditions on one $W$: give `h0` a leading batch axis, `(batch, n)`
    (the drift is then one matrix-matrix product, and with noise each row has its own
    Brownian motion). Many networks: `jax.vmap` over networks, `h0` and keys.

    **Arguments:**

    - `network`: the [`dmft.RateNetwork`][].
    - `h0`: initial state, shape `(n,)` or `(batch, n)`.
    - `t0`, `t1`: start and end times.
    - `saveat`: a `diffrax.SaveAt` saying what to record (default: the final state).
    - `key`: `jax.random` key of the Brownian motion: with a key the SDE is solved,
        without one the ODE (which requires `network.noise == 0`).
    - `dynamics`: a [`dmft.ContinuousTime`][] (solver, step-size controller, dt0).
    - `throw`: raise if the solve fails (e.g. `max_steps` reached); otherwise inspect
        the returned `sol.result`.

    **Returns:**

    The `diffrax.Solution` (`sol.ts`, `sol.ys`, `sol.result`, `sol.stats`).

    **Raises:**

    `ValueError` if `h0` does not end in `n`, if `t1 <= t0`, or if the noise and the
    key do not go together.
    """
    h0 = jnp.asarray(h0, network.W.dtype)
    if h0.ndim < 1 or h0.shape[-1] != network.n:
        raise ValueError(
            f"`h0` must have shape (..., {network.n}) to match `W`; got {h0.shape}."
        )
    check_finite(h0=h0, t0=t0, t1=t1)
    start, end = concrete(t0), concrete(t1)
    if start is not None and end is not None and not end > start:
        raise ValueError(f"`t1` must be > `t0`; got t0={t0}, t1={t1}.")
    if key is None:
        noise = concrete(network.noise)
        if noise is not None and np.any(noise > 0):
            raise ValueError("A noisy network (`noise > 0`) needs a `key`.")
        h0 = eqx.error_if(h0, network.noise > 0, "A noisy network needs a `key`.")
    return dynamics.solve(network, h0, t0, t1, saveat, key, throw)


def random_state(
    key: PRNGKeyArray, network: RateNetwork, batch: tuple[int, ...] = ()
) -> Float[Array, "*batch n"]:
    """A standard-normal initial state $h_i(0) \\sim N(0, 1)$ of the network's dtype."""
    return jr.normal(key, (*batch, network.n), network.W.dtype)


def initial_state(
    h0: Float[ArrayLike, " n"] | None, key: PRNGKeyArray, network: RateNetwork
) -> Float[Array, " n"]:
    """`h0` in the network's dtype, checked to have shape `(n,)`; `random_state(key,
    network)` if `h0` is None."""
    if h0 is None:
        return random_state(key, network)
    h = jnp.asarray(h0, network.W.dtype)
    if h.shape != (network.n,):
        raise ValueError(f"`h0` must have shape ({network.n},); got {h.shape}.")
    return h
