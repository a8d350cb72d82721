"""Two-time DMFT: iterate the effective single-neuron process to self-consistency."""

from collections.abc import Callable

import equinox as eqx
import jax
import jax.lax as lax
import jax.numpy as jnp
import jax.random as jr
import numpy as np
from jaxtyping import Array, ArrayLike, Float, PRNGKeyArray

from .._ensemble import NetworkEnsemble
from ._causal_factor import causal_factor
from ._options import GaussianInitial, TwoTimeOptions
from ._process import effective_paths
from ._response import path_response
from ._solution import TwoTimeResult, TwoTimeSolution


def _check_grid(ts: ArrayLike) -> Array:
    if isinstance(ts, jax.core.Tracer):  # under jit: only the shape can be checked
        if ts.ndim != 1 or ts.shape[0] < 2:
            raise ValueError(
                f"`ts` must be a 1-D grid of >= 2 times; got shape {ts.shape}."
            )
        return ts
    grid = np.asarray(ts, dtype=float)
    if grid.ndim != 1 or grid.size < 2:
        raise ValueError(
            f"`ts` must be a 1-D grid of >= 2 times; got shape {grid.shape}."
        )
    if not np.all(np.isfinite(grid)):
        raise ValueError("`ts` must be finite.")
    if not np.all(np.diff(grid) > 0):
        raise ValueError("`ts` must be strictly increasing.")
    return jnp.asarray(ts)


def _drive_on_grid(drive, ts: Array) -> Array:
    if drive is None:
        return jnp.zeros_like(ts)
    values = jax.vmap(drive)(ts) if callable(drive) else jnp.asarray(drive)
    values = jnp.asarray(values, dtype=ts.dtype)
    if values.shape != ts.shape:
        raise ValueError(
            f"`drive` must be a scalar function of t or an array of shape {ts.shape} "
            f"(one value per grid time); got shape {values.shape}."
        )
    if not isinstance(values, jax.core.Tracer) and not bool(
        jnp.all(jnp.isfinite(values))
    ):
        raise ValueError("`drive` must be finite on the grid.")
    return values


def _mean_and_covariance(x: Float[Array, "M n"], centre: bool):
    """Sample mean and (centred or raw) second moment, with their standard errors."""
    M = x.shape[0]
    mean = jnp.mean(x, axis=0)
    d = x - mean if centre else x
    cov = d.T @ d / M
    fourth = (d**2).T @ (d**2) / M
    cov_err = jnp.sqrt(jnp.maximum(fourth - cov**2, 0.0) / M)
    mean_err = jnp.sqrt(jnp.maximum(jnp.mean((x - mean) ** 2, axis=0), 0.0) / M)
    return mean, mean_err, cov, cov_err


@eqx.filter_jit
def _solve(ensemble, ts, drive, initial, options, key, with_noise, throw):
    M, n = options.n_samples, ts.shape[0]
    key_z, key_b, key_h0, key_bm = jr.split(key, 4)
    # Common random numbers: drawn once, reused by every iteration (see TwoTimeOptions).
    z = jr.normal(key_z, (M, n), ts.dtype)
    b = ensemble.mean_b + ensemble.sigma_b * jr.normal(key_b, (M,), ts.dtype)
    h0 = initial.mean + jnp.sqrt(initial.variance) * jr.normal(key_h0, (M,), ts.dtype)
    bm_keys = jr.split(key_bm, M)
    noise = ensemble.noise if with_noise else None
    phi = ensemble.phi

    def forcing(c_phi, m_phi, rows):
        # eta = z L^T with L L^T = sigma_w^2 C_phi: each row is a path of eta.
        factor = causal_factor(ensemble.sigma_w**2 * c_phi, options.jitter)
        eta = z[rows] @ factor.T
        return eta + b[rows, None] + (ensemble.mean_w * m_phi + drive)[None, :]

    def update(c_phi, m_phi):
        h = effective_paths(ts, forcing(c_phi, m_phi, slice(None)), h0, noise, bm_keys)
        p = phi(h)
        return p.T @ p / M, jnp.mean(p, axis=0), h

    def cond(state):
        i, _, _, _, _, _, change, _ = state
        going = (change >= options.tol) & jnp.isfinite(change)
        return (i < options.max_iterations) & ((i == 0) | going)

    def body(state):
        i, c_phi, m_phi, _, _, _, _, history = state
        new_c, new_m, h = update(c_phi, m_phi)
        change = jnp.maximum(
            jnp.max(jnp.abs(new_c - c_phi)), jnp.max(jnp.abs(new_m - m_phi))
        )
        history = history.at[i].set(change)
        c_next = c_phi + options.damping * (new_c - c_phi)
        m_next = m_phi + options.damping * (new_m - m_phi)
        return i + 1, c_next, m_next, c_phi, m_phi, h, change, history

    # Initial guess: every neuron frozen at its initial value, h(t) = h(t0).
    p0 = phi(h0)
    c0 = jnp.full((n, n), jnp.mean(p0**2))
    m0 = jnp.full((n,), jnp.mean(p0))
    history0 = jnp.zeros(options.max_iterations, ts.dtype)
    inf = jnp.asarray(jnp.inf, ts.dtype)
    h_frozen = jnp.broadcast_to(h0[:, None], (M, n))
    init = (jnp.asarray(0), c0, m0, c0, m0, h_frozen, inf, history0)
    # The loop carries the last paths h and the input (c_used, m_used) that drove
    # them, so that C, m, q and C_phi below describe one and the same set of paths.
    state = lax.while_loop(cond, body, init)
    iterations, _, _, c_used, m_used, h, change, history = state
    m, m_err, C, C_err = _mean_and_covariance(h, centre=True)
    m_phi, _, c_phi, c_phi_err = _mean_and_covariance(phi(h), centre=False)

    K = options.response_samples
    if K > 0:
        rows = slice(0, K)
        response, response_phi, response_phi_err = path_response(
            ts, forcing(c_used, m_used, rows), h0[rows], noise, bm_keys[rows], phi
        )
    else:
        response = response_phi = response_phi_err = jnp.zeros((n, n), ts.dtype)

    result = TwoTimeResult.where(
        jnp.isfinite(change) & jnp.all(jnp.isfinite(C)),
        TwoTimeResult.where(
            change < options.tol,
            TwoTimeResult.successful,
            TwoTimeResult.max_iterations_reached,
        ),
        TwoTimeResult.nonfinite,
    )
    if throw:
        history = result.error_if(history, result != TwoTimeResult.successful)
    return TwoTimeSolution(
        ts=ts,
        m=m,
        q=jnp.diagonal(C),
        C=C,
        m_phi=m_phi,
        C_phi=c_phi,
        m_stderr=m_err,
        q_stderr=jnp.diagonal(C_err),
        C_stderr=C_err,
        C_phi_stderr=c_phi_err,
        response=response,
        response_phi=response_phi,
        response_phi_stderr=response_phi_err,
        iterations=iterations,
        history=history,
        result=result,
    )


def solve_two_time(
    ensemble: NetworkEnsemble,
    ts: Float[ArrayLike, " n"],
    initial: GaussianInitial = GaussianInitial(),
    *,
    key: PRNGKeyArray,
    drive: Callable[[Array], Array] | Float[ArrayLike, " n"] | None = None,
    options: TwoTimeOptions = TwoTimeOptions(),
    throw: bool = True,
) -> TwoTimeSolution:
    """Solve the dynamic mean-field theory of a random rate network from an arbitrary
    initial condition, by iterating its effective single-neuron process.

    For $N \\to \\infty$ every neuron of the network of `ensemble` follows

    $$dh = \\big(-h + \\bar w\\, m_\\phi(t) + \\eta(t) + b + I(t)\\big)\\,dt
        + \\sigma\\,dB, \\qquad h(t_0) \\sim N(m_0, q_0),$$

    with $b \\sim N(\\bar b, \\sigma_b^2)$ fixed per neuron, $\\eta$ a centred Gaussian
    process of covariance $\\sigma_w^2 C_\\phi(t, t')$, and self-consistency
    $C_\\phi(t, t') = E[\\phi(h(t)) \\phi(h(t'))]$, $m_\\phi(t) = E[\\phi(h(t))]$.
    Starting from the frozen guess $h(t) = h(t_0)$, each iteration samples $M$ paths
    of $\\eta$ (symmetric root of $\\sigma_w^2 C_\\phi$), integrates the $M$ SDEs with
    diffrax, re-estimates $C_\\phi$ and $m_\\phi$ and mixes them in with the damping
    (see `TwoTimeOptions`). The whole iteration is one jitted `lax.while_loop`.
    No time-translation invariance is assumed: transients, non-stationary drives and
    the relaxation to the stationary state of Sompolinsky, Crisanti & Sommers (1988)
    all come out of the same solve.

    **Arguments:**

    - `ensemble`: the network ensemble ($\\phi$, $\\sigma_w$, $\\sigma_b$, $\\bar w$,
      $\\bar b$, $\\sigma$).
    - `ts`: strictly increasing grid of times; `ts[0]` is the initial time. The
      integrator steps on this grid (second order: choose $\\Delta t \\lesssim 0.1$).
    - `initial`: the distribution of $h(t_0)$.
    - `key`: a `jax.random` key.
    - `drive`: the input $I(t)$ common to all neurons: a scalar function of $t$ or its
      values on `ts` (e.g. a sinusoid, Rajan, Abbott & Sompolinsky 2010); `None` for 0.
    - `options`: a `TwoTimeOptions`.
    - `throw`: raise if the iteration did not converge; otherwise inspect
      `solution.result`.

    **Returns:** a `TwoTimeSolution`.

    **Raises:** `ValueError` for a grid that is not 1-D, finite and strictly
    increasing, or a drive of the wrong shape; an `EquinoxRuntimeError` (a
    `RuntimeError`) when `throw=True` and the iteration did not converge.

    ??? cite "References"

        ```bibtex
        @article{eissfeller1992new,
          title={New method for studying the dynamics of disordered spin systems without
                 finite-size effects},
          author={Eissfeller, H. and Opper, M.},
          journal={Physical Review Letters},
          volume={68},
          pages={2094--2097},
          year={1992}
        }
        @article{roy2019numerical,
          title={Numerical implementation of dynamical mean field theory for disordered
                 systems: application to the Lotka--Volterra model of ecosystems},
          author={Roy, F. and Biroli, G. and Bunin, G. and Cammarota, C.},
          journal={Journal of Physics A: Mathematical and Theoretical},
          volume={52},
          pages={484001},
          year={2019}
        }
        @article{sompolinsky1988chaos,
          title={Chaos in Random Neural Networks},
          author={Sompolinsky, H. and Crisanti, A. and Sommers, H. J.},
          journal={Physical Review Letters},
          volume={61},
          pages={259--262},
          year={1988}
        }
        @article{rajan2010stimulus,
          title={Stimulus-dependent suppression of chaos in recurrent neural networks},
          author={Rajan, K. and Abbott, L. F. and Sompolinsky, H.},
          journal={Physical Review E},
          volume={82},
          pages={011903},
          year={2010}
        }
        ```
    """
    if not isinstance(ensemble, NetworkEnsemble):
        raise ValueError(f"`ensemble` must be a NetworkEnsemble; got {type(ensemble)}.")
    if not isinstance(initial, GaussianInitial):
        raise ValueError(f"`initial` must be a GaussianInitial; got {type(initial)}.")
    if not isinstance(options, TwoTimeOptions):
        raise ValueError(f"`options` must be a TwoTimeOptions; got {type(options)}.")
    ts = _check_grid(ts)
    if not jnp.issubdtype(ts.dtype, jnp.floating):
        ts = ts.astype(jnp.result_type(float))
    drive = _drive_on_grid(drive, ts)
    noise = ensemble.noise
    with_noise = isinstance(noise, jax.core.Tracer) or bool(noise != 0)
    return _solve(ensemble, ts, drive, initial, options, key, with_noise, throw)
