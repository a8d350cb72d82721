"""Lyapunov exponents of a network: tangent dynamics, renormalised by QR."""

import diffrax
import equinox as eqx
import jax
import jax.numpy as jnp
import jax.random as jr
from jaxtyping import Array, ArrayLike, Float, PRNGKeyArray

from .._results import RESULTS
from ._continuous import ContinuousTime, initial_state
from ._dynamics import AbstractDynamics, is_noisy, run_with_noise_if_any, whole_steps
from ._network import RateNetwork
from ._statistics import check_window


class LyapunovSpectrum(eqx.Module):
    """The `k` leading Lyapunov exponents of a network, per unit time.

    **Fields:**

    - `exponents`: $\\lambda_1 \\ge \\ldots \\ge \\lambda_k$ (in the order the QR method
        produces them, which is descending once converged).
    - `stderr`: standard error of each exponent from the scatter of block means of
        the local exponents (blocks long against the correlation time make them nearly
        independent).
    - `local`: the local exponents $\\log|R_{jj}|/T_r$ of every renormalisation
        interval after burn-in, shape `(intervals, k)`.
    - `result`: a `dmft.RESULTS` (successful unless a solve failed).
    """

    exponents: Float[Array, " k"]
    stderr: Float[Array, " k"]
    local: Float[Array, "intervals k"]
    result: RESULTS

    @property
    def largest(self) -> Float[Array, ""]:
        """The largest exponent $\\lambda_1$."""
        return self.exponents[..., 0]


def lyapunov_window(
    t_burn: float,
    t1: float,
    *,
    dynamics: AbstractDynamics = ContinuousTime(),
    interval: float = 1.0,
    blocks: int = 10,
    noisy: bool = False,
) -> float:
    """The renormalisation interval of a [`dmft.lyapunov_spectrum`][] run on
    $[t_\\mathrm{burn}, t_1]$: `interval` (for [`dmft.DiscreteTime`][], the nearest
    whole number of map steps, at least one), after checking what
    `lyapunov_spectrum` would refuse: a window `0 <= t_burn < t1` whose `t_burn` and
    `t1 - t_burn` are whole numbers of intervals, at least `2 blocks` of them.

    **Returns:**

    The interval (time units).

    **Raises:**

    `ValueError`, saying what to change.
    """
    check_window(t_burn, t1)
    interval = dynamics.snap(interval)
    if t_burn > 0:
        whole_steps(t_burn, interval, "t_burn")
    n_meas = whole_steps(t1 - t_burn, interval, "t1 - t_burn")
    if n_meas < 2 * blocks:
        raise ValueError(
            f"Need at least 2 intervals per block: {n_meas} intervals of {interval} "
            f"for {blocks} blocks; lengthen the run or use fewer blocks."
        )
    dynamics.check(noisy, interval=interval)
    return interval


def lyapunov_spectrum(
    network: RateNetwork,
    key: PRNGKeyArray,
    t_burn: float,
    t1: float,
    *,
    k: int = 1,
    interval: float = 1.0,
    blocks: int = 10,
    dynamics: AbstractDynamics = ContinuousTime(),
    h0: Float[ArrayLike, " n"] | None = None,
    throw: bool = True,
) -> LyapunovSpectrum:
    """The `k` leading Lyapunov exponents, by integrating the tangent dynamics

    $$\\dot Q = -Q + W \\operatorname{diag}(\\phi'(h))\\, Q$$

    (or the map's Jacobian $(1-\\delta) + \\delta W\\operatorname{diag}\\phi'(h)$ in
    discrete time) alongside $h$ and re-orthonormalising $Q = \\tilde Q R$ every
    `interval`; $\\lambda_j = \\langle \\log |R_{jj}| \\rangle / T_r$. With `k = 1` this is
    Benettin's method for the largest exponent; `k > 1` is the repeated-QR method for
    the spectrum. The burn-in lets $h$ reach the attractor and $Q$ align with the
    leading Lyapunov vectors. With noise, $h$ and $Q$ see one frozen noise
    realisation: the exponents of the random dynamical system.

    **Arguments:**

    - `network`: the [`dmft.RateNetwork`][].
    - `key`: `jax.random` key for the initial state, the initial tangent vectors and
        the noise.
    - `t_burn`, `t1`: burn-in and end time; exponents are averaged over
        $[t_\\mathrm{burn}, t_1]$.
    - `k`: number of exponents (1 <= k <= n).
    - `interval`: renormalisation interval $T_r$ (time units); short enough that
        $e^{(\\lambda_1 - \\lambda_k) T_r}$ stays far from overflow.
    - `blocks`: number of blocks for the standard error.
    - `dynamics`: [`dmft.ContinuousTime`][] or [`dmft.DiscreteTime`][].
    - `h0`: initial state (default $N(0, 1)$ from `key`).
    - `throw`: raise if a solve fails; otherwise see the `result` field.

    **Returns:**

    A [`dmft.LyapunovSpectrum`][].

    **Raises:**

    `ValueError` if `k` is not in `1..n`, the window is not `0 <= t_burn < t1`,
    `t_burn` and `t1 - t_burn` are not multiples of `interval`, or there are fewer
    intervals than `2 blocks`.

    ??? cite "References"

        ```bibtex
        @article{benettin1980lyapunov,
          title={Lyapunov characteristic exponents for smooth dynamical systems and
                 for Hamiltonian systems; a method for computing all of them},
          author={Benettin, Giancarlo and Galgani, Luigi and Giorgilli, Antonio and
                  Strelcyn, Jean-Marie},
          journal={Meccanica},
          volume={15},
          pages={9--20},
          year={1980}
        }

        @article{engelken2023lyapunov,
          title={Lyapunov spectra of chaotic recurrent neural networks},
          author={Engelken, Rainer and Wolf, Fred and Abbott, L. F.},
          journal={Physical Review Research},
          volume={5},
          number={4},
          pages={043044},
          year={2023}
        }
        ```
    """
    n = network.n
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= n:
        raise ValueError(f"`k` must be an integer in 1..n={n}; got {k!r}.")
    check_window(t_burn, t1)
    n_burn = whole_steps(t_burn, interval, "t_burn") if t_burn > 0 else 0
    n_meas = whole_steps(t1 - t_burn, interval, "t1 - t_burn")
    if n_meas < 2 * blocks:
        raise ValueError(
            f"Need at least 2 intervals per block: {n_meas} intervals of {interval} "
            f"for {blocks} blocks; lengthen the run or use fewer blocks."
        )
    dynamics.check(is_noisy(network), interval=interval)
    dtype = network.W.dtype
    key_h0, key_q, key_run = jr.split(key, 3)
    h = initial_state(h0, key_h0, network)
    Q = jr.normal(key_q, (n, k), dtype)

    def run(keys):
        (key_run,) = keys
        return _spectrum(
            network, h, Q, key_run, dynamics, interval, n_burn, n_meas, blocks, throw
        )

    return run_with_noise_if_any(network, run, (key_run,))


# One compilation per (shapes, options, window): repeated calls and sweeps reuse it.
@eqx.filter_jit
def _spectrum(
    network, h, Q, key_run, dynamics, interval, n_burn, n_meas, blocks, throw
):
    dtype = h.dtype
    k = Q.shape[1]
    Q, _ = jnp.linalg.qr(Q)

    def body(carry, j):
        h, Q, result = carry
        t0 = j.astype(dtype) * jnp.asarray(interval, dtype)
        key_j = None if key_run is None else jr.fold_in(key_run, j)
        h, Q, res = dynamics.advance_tangent(network, h, Q, t0, interval, key_j, throw)
        Q, R = jnp.linalg.qr(Q)
        local = jnp.log(jnp.abs(jnp.diagonal(R))) / interval
        result = diffrax.RESULTS.where(
            result == diffrax.RESULTS.successful, res, result
        )
        return (h, Q, result), local

    init = (h, Q, diffrax.RESULTS.successful)
    (_, _, result), local = jax.lax.scan(body, init, jnp.arange(n_burn + n_meas))
    local = local[n_burn:]
    size = n_meas // blocks
    means = jnp.mean(local[n_meas - size * blocks :].reshape(blocks, size, k), axis=1)
    stderr = jnp.std(means, axis=0, ddof=1) / jnp.sqrt(blocks)
    return LyapunovSpectrum(
        jnp.mean(local, axis=0), stderr, local, RESULTS.promote(result)
    )


def kaplan_yorke_dimension(exponents: Float[ArrayLike, " k"]) -> Float[Array, ""]:
    """The Kaplan-Yorke (Lyapunov) dimension
    $D_{KY} = j + \\sum_{i \\le j}\\lambda_i / |\\lambda_{j+1}|$, with $j$ the largest
    index whose partial sum $\\sum_{i\\le j}\\lambda_i$ is $\\ge 0$ (0 if
    $\\lambda_1 < 0$).

    **Raises:**

    An error (also under jit) if the partial sums of the given exponents never turn
    negative: the dimension then exceeds `k` and more exponents are needed.

    ??? cite "References"

        ```bibtex
        @incollection{kaplan1979chaotic,
          title={Chaotic behavior of multidimensional difference equations},
          author={Kaplan, James L. and Yorke, James A.},
          booktitle={Functional Differential Equations and Approximation of Fixed
                     Points},
          pages={204--227},
          publisher={Springer},
          year={1979}
        }
        ```
    """
    lam = jnp.sort(jnp.asarray(exponents))[::-1]
    partial = jnp.cumsum(lam)
    lam = eqx.error_if(
        lam,
        partial[-1] >= 0,
        "The partial sums of the exponents never turn negative: the Kaplan-Yorke "
        "dimension exceeds k; compute more exponents.",
    )
    j = jnp.sum(partial >= 0)  # partial sums decrease once the exponents are < 0
    below = jnp.where(j > 0, partial[jnp.maximum(j - 1, 0)], 0.0)
    return j.astype(lam.dtype) + below / jnp.abs(lam[j])


def entropy_rate(exponents: Float[ArrayLike, " k"]) -> Float[Array, ""]:
    """The Kolmogorov-Sinai entropy rate bounded by Pesin's formula, the sum of the
    positive exponents $\\sum_{\\lambda_i > 0}\\lambda_i$ (nats per unit time; a lower
    bound if the `k` exponents given do not include every positive one)."""
    lam = jnp.asarray(exponents)
    return jnp.sum(jnp.where(lam > 0, lam, 0.0))
