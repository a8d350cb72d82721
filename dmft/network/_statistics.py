"""Stationary statistics of a network, measured in chunks over a long run."""

import math

import diffrax
import equinox as eqx
import jax
import jax.numpy as jnp
import jax.random as jr
from jaxtyping import ArrayLike, Float, PRNGKeyArray

from .._validation import check_memory
from ._autocorrelation import (
    StationaryStatistics,
    accumulate,
    check_lags,
    finalize,
    init_autocorrelation,
)
from ._continuous import ContinuousTime, initial_state
from ._dynamics import AbstractDynamics, is_noisy, run_with_noise_if_any
from ._network import RateNetwork, network_memory


class Sampling(eqx.Module):
    """How a stationary run is sampled.

    **Arguments:**

    - `dt`: interval between samples (time units).
    - `max_lag`: largest lag of $\\Delta(\\tau)$ (time units); it should cover the
        decay of $\\Delta$ (the static part is estimated beyond it).
    - `chunk`: samples simulated and folded into the statistics at a time; memory is
        `O((chunk + max_lag/dt) n)` however long the run.

    All three fix array shapes, hence static.
    """

    dt: float = eqx.field(default=0.1, static=True)
    max_lag: float = eqx.field(default=20.0, static=True)
    chunk: int = eqx.field(default=1000, static=True)

    def __check_init__(self):
        if not (math.isfinite(self.dt) and self.dt > 0):
            raise ValueError(f"`dt` must be finite and > 0; got {self.dt}.")
        if not (math.isfinite(self.max_lag) and self.max_lag >= 0):
            raise ValueError(f"`max_lag` must be finite and >= 0; got {self.max_lag}.")
        if self.chunk < 1:
            raise ValueError(f"`chunk` must be >= 1; got {self.chunk}.")


def check_window(t_burn: float, t1: float) -> None:
    """Raise `ValueError` unless `0 <= t_burn < t1`, both finite."""
    if not (math.isfinite(t_burn) and math.isfinite(t1)):
        raise ValueError(f"`t_burn` and `t1` must be finite; got {t_burn}, {t1}.")
    if t_burn < 0:
        raise ValueError(f"`t_burn` must be >= 0; got {t_burn}.")
    if not t1 > t_burn:
        raise ValueError(f"`t1` must be > `t_burn`; got t_burn={t_burn}, t1={t1}.")


def window_sampling(
    t_burn: float,
    t1: float,
    *,
    dynamics: AbstractDynamics = ContinuousTime(),
    dt: float = 0.1,
    max_lag: float = 20.0,
    noisy: bool = False,
) -> Sampling:
    """The [`dmft.Sampling`][] of a stationary run on the window $[t_\\mathrm{burn},
    t_1]$: samples every `dt` (for [`dmft.DiscreteTime`][], the nearest whole number
    of map steps, at least one), lags up to `max_lag`, after checking that the
    window fits (what [`dmft.stationary_statistics`][] would refuse, refused here
    first, with what to change).

    **Arguments:**

    - `t_burn`, `t1`: the window (time units), `0 <= t_burn < t1`.
    - `dynamics`: [`dmft.ContinuousTime`][] (default) or [`dmft.DiscreteTime`][].
    - `dt`: the wished sample interval (time units).
    - `max_lag`: the largest lag of $\\Delta(\\tau)$ wanted (time units).
    - `noisy`: whether the network has noise (its fixed step must divide the times).

    **Returns:**

    A [`dmft.Sampling`][].

    **Raises:**

    `ValueError` if the window is not `0 <= t_burn < t1`, holds fewer than
    `2 (max_lag/dt + 1)` samples, or its times are not whole numbers of steps.
    """
    check_window(t_burn, t1)
    sampling = Sampling(dt=dynamics.snap(dt), max_lag=max_lag)
    samples = round((t1 - t_burn) / sampling.dt)
    check_lags(samples, sampling.dt, sampling.max_lag)
    burn = {"t_burn": t_burn} if t_burn > 0 else {}
    dynamics.check(noisy, dt=sampling.dt, **burn)
    return sampling


def statistics_memory(
    n: int, t_burn: float, t1: float, sampling: Sampling = Sampling(), dtype=None
) -> int:
    """Bytes that [`dmft.stationary_statistics`][] needs for a network of `n`
    neurons on $[t_\\mathrm{burn}, t_1]$, an upper estimate: the network
    ([`dmft.network.network_memory`][]), one chunk of samples with the solver's
    stages and the FFT work arrays (about 16 arrays of `(chunk + 2 lags, n)`), and
    $t, m(t), q(t)$ for every sample of the window (twice: stacked, then trimmed)."""
    itemsize = jnp.dtype(jnp.result_type(float) if dtype is None else dtype).itemsize
    samples = max(1, round((t1 - t_burn) / sampling.dt))
    lags = int(round(sampling.max_lag / sampling.dt)) + 1
    chunk = min(sampling.chunk, samples)
    work = 16 * (chunk + 2 * lags) * n + 6 * samples
    return network_memory(n, dtype) + work * itemsize


def stationary_statistics(
    network: RateNetwork,
    key: PRNGKeyArray,
    t_burn: float,
    t1: float,
    *,
    sampling: Sampling = Sampling(),
    dynamics: AbstractDynamics = ContinuousTime(),
    h0: Float[ArrayLike, " n"] | None = None,
    throw: bool = True,
) -> StationaryStatistics:
    """Run the network from `h0` at time 0 to `t1` and measure, on the window
    $[t_\\mathrm{burn}, t_1]$, the population moments $m(t), q(t)$ and the stationary
    autocorrelation $\\Delta(\\tau) = \\langle \\delta h_i(t)\\,\\delta h_i(t+\\tau)\\rangle$
    with its static part $\\Delta_\\infty$ (see [`dmft.StationaryStatistics`][]).

    The trajectory is never stored: the window is simulated `sampling.chunk` samples
    at a time and each chunk is folded into running FFT lag sums. Batched over
    networks, initial conditions or noise with `jax.vmap` (one key per member).

    **Arguments:**

    - `network`: the [`dmft.RateNetwork`][] (n >= 2).
    - `key`: `jax.random` key for the initial state (if `h0` is None) and the noise.
    - `t_burn`: burn-in discarded before measuring.
    - `t1`: end of the run.
    - `sampling`: a [`dmft.Sampling`][] (sample interval, largest lag, chunk size).
    - `dynamics`: [`dmft.ContinuousTime`][] (default) or [`dmft.DiscreteTime`][].
    - `h0`: initial state (default: $h_i(0) \\sim N(0, 1)$ from `key`).
    - `throw`: raise if a solve fails; otherwise see the `result` field.

    **Returns:**

    A [`dmft.StationaryStatistics`][].

    **Raises:**

    `ValueError` if `n < 2`, the window is not `0 <= t_burn < t1`, the window
    holds fewer than `2 (max_lag/dt + 1)` samples, times are not multiples of a
    discrete step, or the run would not fit in memory (see
    [`dmft.network.statistics_memory`][]); all before anything is compiled.
    """
    n = network.n
    if n < 2:
        raise ValueError(f"Population statistics need n >= 2 neurons; got n={n}.")
    check_window(t_burn, t1)
    dt = sampling.dt
    samples = round((t1 - t_burn) / dt)
    lags = check_lags(samples, dt, sampling.max_lag)
    burn = {"t_burn": t_burn} if t_burn > 0 else {}
    dynamics.check(is_noisy(network), dt=dt, **burn)
    check_memory(
        statistics_memory(n, t_burn, t1, sampling, network.W.dtype),
        f"A run of n = {n} neurons over {samples} samples",
        "use a smaller `n` (`--n`), a shorter window `t1 - t_burn` or a larger `dt`",
    )
    chunk = -(-samples // -(-samples // sampling.chunk))  # equal chunks, least padding
    key_h0, key_burn, key_run = jr.split(key, 3)
    h = initial_state(h0, key_h0, network)

    def run(keys):  # (burn-in key, window key), or Nones: noise-free
        return _measure(
            network, h, *keys, dynamics, t_burn, dt, samples, chunk, lags, throw
        )

    return run_with_noise_if_any(network, run, (key_burn, key_run))


# One compilation per (shapes, options, window): repeated calls and sweeps reuse it.
@eqx.filter_jit
def _measure(
    network, h, key_burn, key_run, dynamics, t_burn, dt, samples, chunk, lags, throw
):
    n_chunks = -(-samples // chunk)
    dtype = h.dtype
    result = diffrax.RESULTS.successful
    if t_burn > 0:
        ys, result = dynamics.sample(
            network, h, jnp.asarray(0.0, dtype), t_burn, 1, key_burn, throw
        )
        h = ys[-1]

    # Samples at t_burn + dt, ..., t_burn + samples dt; chunk c starts at
    # t_burn + c chunk dt. The last chunk may run past t1: its extra samples are masked.
    def body(carry, c):
        h, state, result = carry
        index = c * chunk + jnp.arange(chunk + 1)  # sample 0 of the chunk is h(t0)
        times = jnp.asarray(t_burn, dtype) + index.astype(dtype) * jnp.asarray(
            dt, dtype
        )
        t0 = times[0]
        key_c = None if key_run is None else jr.fold_in(key_run, c)
        ys, res = dynamics.sample(network, h, t0, dt, chunk, key_c, throw)
        mask = index[1:] <= samples
        state, m, q = accumulate(state, ys, mask)
        result = diffrax.RESULTS.where(
            result == diffrax.RESULTS.successful, res, result
        )
        return (ys[-1], state, result), (times[1:], m, q)

    state = init_autocorrelation(network.n, lags, dtype)
    (_, state, result), (ts, m, q) = jax.lax.scan(
        body, (h, state, result), jnp.arange(n_chunks)
    )
    ts, m, q = (x.reshape(-1)[:samples] for x in (ts, m, q))
    return finalize(state, dt, ts, m, q, result)
