"""Population moments and the stationary autocorrelation, accumulated chunk by chunk.

A long run never holds its trajectory: each chunk of samples updates lag sums computed
by FFT against the last `max_lag` samples of the previous chunk, so the memory is
`O((chunk + max_lag) n)` whatever the length of the run.
"""

import diffrax
import equinox as eqx
import jax.numpy as jnp
from jaxtyping import Array, ArrayLike, Bool, Float

from .._results import RESULTS


class StationaryStatistics(eqx.Module):
    """What a stationary run measures.

    With $\\delta h_i(t) = h_i(t) - m(t)$ the deviation from the population mean
    $m(t) = \\frac1n\\sum_i h_i(t)$,

    $$q(t) = \\frac{1}{n-1}\\sum_i \\delta h_i(t)^2,\\qquad
    \\Delta(\\tau) = \\frac{1}{n-1}\\sum_i \\overline{\\delta h_i(t)\\,\\delta h_i(t+\\tau)},$$

    with the time average $\\overline{\\cdot}$ over all pairs of samples $\\tau$ apart
    (the unbiased, pair-count normalised estimator; $1/(n-1)$ corrects for the mean
    estimated from the same $n$ neurons). Each neuron's own time mean is NOT
    subtracted: doing so would drop the static part $\\Delta_\\infty$ and bias
    $\\Delta_0$ low by the slow fluctuations a short window cannot resolve.

    The static part $\\Delta_\\infty = \\lim_{\\tau\\to\\infty}\\Delta(\\tau)$ is the variance of
    the neurons' time means $\\bar h_i$, corrected for the finite window $T$: for a
    stationary process $E[\\bar h_i^2] = \\Delta_\\infty + \\frac1T\\int_{-T}^{T}
    (1 - \\frac{|\\tau|}{T})(\\Delta(\\tau) - \\Delta_\\infty)d\\tau$, solved for
    $\\Delta_\\infty$ with the integral truncated at `max_lag` (which should cover the
    decay of $\\Delta$).

    **Fields:**

    - `ts`: sample times; `m`, `q`: $m(t)$ and $q(t)$ at those times.
    - `lags`: lags $\\tau = 0, dt, \\ldots$ up to `max_lag`; `delta`: $\\Delta(\\tau)$.
    - `delta_inf`: $\\Delta_\\infty$.
    - `result`: a `dmft.RESULTS` (successful unless a solve failed).
    """

    ts: Float[Array, " samples"]
    m: Float[Array, " samples"]
    q: Float[Array, " samples"]
    lags: Float[Array, " lags"]
    delta: Float[Array, " lags"]
    delta_inf: Float[Array, ""]
    result: RESULTS

    @property
    def delta0(self) -> Float[Array, ""]:
        """$\\Delta_0 = \\Delta(0)$, the variance of $h$ across neurons."""
        return self.delta[..., 0]

    @property
    def rho(self) -> Float[Array, " lags"]:
        """$\\rho(\\tau) = \\Delta(\\tau)/\\Delta_0$."""
        return self.delta / self.delta[..., :1]

    @property
    def mean(self) -> Float[Array, ""]:
        """Time average of the population mean $m(t)$."""
        return jnp.mean(self.m, axis=-1)

    @property
    def var(self) -> Float[Array, ""]:
        """Time average of the population variance $q(t)$ (equals $\\Delta_0$)."""
        return jnp.mean(self.q, axis=-1)


class AutocorrelationState(eqx.Module):
    """Running sums of the chunked estimator (see `accumulate`)."""

    tail: Float[Array, "lags n"]  # last `lags` deviations, zero-padded at the start
    tail_mask: Float[Array, " lags"]  # 1 where `tail` holds a real sample
    lag_sum: Float[Array, " lags"]  # sum over pairs and neurons of dh(t) dh(t - k)
    lag_count: Float[Array, " lags"]  # number of pairs at each lag
    h_sum: Float[Array, " n"]  # per-neuron sum of dh, for Delta_inf
    count: Float[Array, ""]


def init_autocorrelation(n: int, lags: int, dtype) -> AutocorrelationState:
    zeros = jnp.zeros((lags,), dtype)
    return AutocorrelationState(
        jnp.zeros((lags, n), dtype), zeros, zeros, zeros, jnp.zeros(n, dtype), zeros[0]
    )


def _lag_products(x: Array, y: Array, lags: int) -> Array:
    # sum_t y[t] x[t - k] (summed over the trailing axis), k < lags: one FFT per
    # channel, padded against wrap-around, cross-spectra summed before the inverse.
    size = x.shape[0] + lags
    fx = jnp.fft.rfft(x, size, axis=0)
    fy = jnp.fft.rfft(y, size, axis=0)
    return jnp.fft.irfft(jnp.sum(fy * jnp.conj(fx), axis=1), size)[:lags]


def accumulate(
    state: AutocorrelationState,
    ys: Float[Array, "chunk n"],
    mask: Bool[Array, " chunk"],
) -> tuple[AutocorrelationState, Float[Array, " chunk"], Float[Array, " chunk"]]:
    """Fold one chunk of samples into the running sums; returns the new state and the
    chunk's $m(t)$, $q(t)$. Masked-out samples (padding) count for nothing."""
    lags = state.tail.shape[0]
    m, q = population_moments(ys)
    dh = ys - m[:, None]
    w = mask.astype(ys.dtype)
    dh = dh * w[:, None]
    x = jnp.concatenate([state.tail, dh])
    y = jnp.concatenate([jnp.zeros_like(state.tail), dh])
    xm = jnp.concatenate([state.tail_mask, w])[:, None]
    ym = jnp.concatenate([jnp.zeros_like(state.tail_mask), w])[:, None]
    state = AutocorrelationState(
        tail=x[-lags:],
        tail_mask=xm[-lags:, 0],
        lag_sum=state.lag_sum + _lag_products(x, y, lags),
        lag_count=state.lag_count + _lag_products(xm, ym, lags),
        h_sum=state.h_sum + jnp.sum(dh, axis=0),
        count=state.count + jnp.sum(w),
    )
    return state, m, q


def finalize(
    state: AutocorrelationState,
    dt: float,
    ts: Float[Array, " samples"],
    m: Float[Array, " samples"],
    q: Float[Array, " samples"],
    result: diffrax.RESULTS = diffrax.RESULTS.successful,
) -> StationaryStatistics:
    """Turn the running sums into [`dmft.StationaryStatistics`][]."""
    n = state.h_sum.shape[0]
    lags = state.lag_sum.shape[0]
    # Pair counts are integers computed by FFT: round away the float error.
    count = jnp.round(state.lag_count)
    delta = state.lag_sum / (count * (n - 1))
    # Delta_inf from E[hbar^2] = D_inf + sum_|k|<L w_k (Delta_k - D_inf), w_k the
    # Fejer weights (1 - |k|/T)/T of the variance of a mean of T correlated samples.
    T = state.count
    k = jnp.arange(lags, dtype=delta.dtype)
    w = (1 - k / T) / T
    w = w.at[1:].multiply(2)  # lags +k and -k
    hbar = state.h_sum / T
    a = jnp.sum(hbar**2) / (n - 1)
    delta_inf = (a - jnp.sum(w * delta)) / (1 - jnp.sum(w))
    return StationaryStatistics(
        ts=ts,
        m=m,
        q=q,
        lags=dt * k,
        delta=delta,
        delta_inf=delta_inf,
        result=RESULTS.promote(result),
    )


def trajectory_statistics(
    ys: Float[ArrayLike, "samples n"], dt: float, max_lag: float
) -> StationaryStatistics:
    """The statistics of a stored trajectory `ys` sampled every `dt` (after burn-in),
    with lags up to `max_lag`: the same estimator as
    [`dmft.stationary_statistics`][], in one chunk.

    **Arguments:**

    - `ys`: samples, shape `(samples, n)` with `n >= 2`.
    - `dt`: sampling interval (time units).
    - `max_lag`: largest lag (time units); needs `max_lag < samples dt / 2`.

    **Returns:**

    A [`dmft.StationaryStatistics`][] (its `ts` start at 0).

    **Raises:**

    `ValueError` on a wrong shape, `n < 2`, or a window shorter than `2 max_lag`.
    """
    ys = jnp.asarray(ys)
    if ys.ndim != 2 or ys.shape[1] < 2:
        raise ValueError(f"`ys` must have shape (samples, n >= 2); got {ys.shape}.")
    lags = check_lags(ys.shape[0], dt, max_lag)
    state = init_autocorrelation(ys.shape[1], lags, ys.dtype)
    state, m, q = accumulate(state, ys, jnp.ones(ys.shape[0], bool))
    ts = dt * jnp.arange(ys.shape[0], dtype=ys.dtype)
    return finalize(state, dt, ts, m, q)


def check_lags(samples: int, dt: float, max_lag: float) -> int:
    """The number of lags $\\tau = 0, dt, \\ldots, \\mathrm{max\\_lag}$, after checking
    that the window of `samples` samples holds at least twice as many (the estimator
    needs pairs at every lag; see [`dmft.network.window_sampling`][])."""
    if not (dt > 0 and max_lag >= 0):
        raise ValueError(
            f"Need dt > 0 and max_lag >= 0; got dt={dt}, max_lag={max_lag}."
        )
    lags = int(round(max_lag / dt)) + 1
    if samples < 2 * lags:
        raise ValueError(
            f"The window holds {samples} samples of dt={dt:g}; lags up to `max_lag` = "
            f"{max_lag:g} ({lags} lags) need at least {2 * lags} samples, a window "
            f"t1 - t_burn >= {2 * lags * dt:g}: lengthen the run or shorten `max_lag`."
        )
    return lags


def participation_ratio(ys: Float[ArrayLike, "samples n"]) -> Float[Array, ""]:
    """Participation-ratio dimension of the activity,
    $D_\\mathrm{PR} = (\\sum_k \\mu_k)^2 / \\sum_k \\mu_k^2 = (\\operatorname{tr} C)^2 /
    \\operatorname{tr} C^2$, with $\\mu_k$ the eigenvalues of the covariance $C$ of
    `ys` over time (PCA).

    ??? cite "References"

        ```bibtex
        @article{gao2017theory,
          title={A theory of multineuronal dimensionality, dynamics and measurement},
          author={Gao, Peiran and Trautmann, Eric and Yu, Byron and Santhanam, Gopal
                  and Ryu, Stephen and Shenoy, Krishna and Ganguli, Surya},
          journal={bioRxiv},
          pages={214262},
          year={2017}
        }
        ```
    """
    ys = jnp.asarray(ys)
    x = ys - jnp.mean(ys, axis=0)
    # The smaller Gram matrix has the same non-zero spectrum as the covariance.
    gram = x @ x.T if x.shape[0] < x.shape[1] else x.T @ x
    return jnp.trace(gram) ** 2 / jnp.sum(gram**2)


def population_moments(
    ys: Float[ArrayLike, "*samples n"],
) -> tuple[Float[Array, " *samples"], Float[Array, " *samples"]]:
    """Population mean $m = \\frac1n\\sum_i h_i$ and variance
    $q = \\frac1{n-1}\\sum_i (h_i - m)^2$ of each state in `ys`."""
    ys = jnp.asarray(ys)
    return jnp.mean(ys, axis=-1), jnp.var(ys, axis=-1, ddof=1)
