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
from .._results import RESULTS
from .._validation import concrete
from ._causal_factor import causal_factor_rows, inverse_rows
from ._options import GaussianInitial, TwoTimeOptions
from ._process import effective_paths
from ._response import path_response
from ._solution import TwoTimeSolution


def _check_grid(ts: ArrayLike) -> Array:
    if concrete(ts) is None:  # under jit: only the shape can be checked
        if ts.ndim != 1 or ts.shape[0] < 2:
            raise ValueError(
                f"`ts` must be a 1-D grid of >= 2 times; got shape {ts.shape}."
            )
        return ts
    try:
        grid = np.asarray(concrete(ts), dtype=float)
    except ValueError as error:
        raise ValueError(f"`ts` {error}") from None
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
    known = concrete(values)
    if known is not None and not np.all(np.isfinite(known)):
        raise ValueError("`drive` must be finite on the grid.")
    return values


def checked_arguments(ensemble, ts, initial, drive, options, options_type):
    """The arguments of a two-time solver, checked before any computation and with
    their defaults: `(ts, initial, drive, options)`, the grid floating point and the
    drive on it."""
    initial = GaussianInitial() if initial is None else initial
    options = options_type() if options is None else options
    if not isinstance(ensemble, NetworkEnsemble):
        raise ValueError(f"`ensemble` must be a NetworkEnsemble; got {type(ensemble)}.")
    if not isinstance(initial, GaussianInitial):
        raise ValueError(f"`initial` must be a GaussianInitial; got {type(initial)}.")
    if not isinstance(options, options_type):
        name = options_type.__name__
        raise ValueError(f"`options` must be a {name}; got {type(options)}.")
    ts = _check_grid(ts)
    options.check_memory(ts.shape[0])
    if not jnp.issubdtype(ts.dtype, jnp.floating):
        ts = ts.astype(jnp.result_type(float))
    return ts, initial, _drive_on_grid(drive, ts), options


def _mean_and_covariance(x: Float[Array, "n M"], centre: bool, dtype):
    """Sample mean and (centred or raw) second moment over the $M$ paths (columns),
    with their standard errors, computed in `x`'s dtype and returned in `dtype`. Both
    are unbiased: the centred covariance divides by $M - 1$ (dividing by $M$ would
    bias it by $-C/M$), the raw second moment by $M$."""
    M = x.shape[1]
    mean = jnp.mean(x, axis=1)
    d = x - mean[:, None] if centre else x
    cov = d @ d.T / (M - 1 if centre else M)
    fourth = d**2 @ (d**2).T / M
    cov_err = jnp.sqrt(jnp.maximum(fourth - cov**2, 0.0) / M)
    mean_err = jnp.sqrt(
        jnp.maximum(jnp.mean((x - mean[:, None]) ** 2, axis=1), 0.0) / M
    )
    return tuple(a.astype(dtype) for a in (mean, mean_err, cov, cov_err))


# Columns per chunk of the products of an iteration.
_CHUNK = 128

# Default jitter by the dtype of the paths (see TwoTimeOptions).
_JITTER = {"float64": 1e-10, "float32": 1e-5}

# Status codes of a march (over windows or time steps).
RUNNING, _MAX_ITERATIONS, _NONFINITE = 0, 1, 2


def keep_iterating(status, i, max_iterations, error, tol):
    """Whether an inner iteration of a march goes on: nothing failed before, the
    budget is not spent, and (after the first iteration) the error is finite and not
    yet below `tol`."""
    going = (error >= tol) & jnp.isfinite(error)
    return (status == RUNNING) & (i < max_iterations) & ((i == 0) | going)


def next_status(status, error, tol):
    """The march's status after one window or step: a failure sticks; otherwise
    non-finite, converged or out of iterations by its final `error`."""
    return jnp.where(
        status != RUNNING,
        status,
        jnp.where(
            ~jnp.isfinite(error),
            _NONFINITE,
            jnp.where(error < tol, RUNNING, _MAX_ITERATIONS),
        ),
    )


def march_result(status, C) -> RESULTS:
    """The `RESULTS` item of a finished march whose covariance is `C`."""
    return RESULTS.where(
        (status == _NONFINITE) | ~jnp.all(jnp.isfinite(C)),
        RESULTS.nonfinite,
        RESULTS.where(
            status == RUNNING, RESULTS.successful, RESULTS.max_iterations_reached
        ),
    )


def _window_starts(n: int, window: int) -> Array:
    """First grid index of each marching window: blocks of `window` indices after the
    initial time, the last one moved back so that it ends at the grid's end."""
    count = -(-(n - 1) // window)
    return jnp.minimum(1 + jnp.arange(count) * window, n - window)


def _frozen_continuation(c_phi, m_phi, first_new):
    """The guess for the rows and columns from `first_new` on: every neuron frozen at
    its value at `first_new - 1`."""
    ref = first_new - 1
    new = jnp.arange(m_phi.shape[0]) >= first_new
    row = c_phi[ref]
    guess = jnp.where(
        new[:, None] & new[None, :],
        c_phi[ref, ref],
        jnp.where(
            new[:, None], row[None, :], jnp.where(new[None, :], row[:, None], c_phi)
        ),
    )
    return guess, jnp.where(new, m_phi[ref], m_phi)


@eqx.filter_jit
def _solve(ensemble, ts, drive, initial, options, key, with_noise, throw):
    M, n = options.n_samples, ts.shape[0]
    # Sample paths and their products in `options.dtype`; C_phi, m_phi, the factor
    # and the iteration's bookkeeping in the grid's dtype.
    dtype = jnp.dtype(options.dtype)
    jitter = _JITTER[options.dtype] if options.jitter is None else options.jitter
    w = min(options.window, n - 1)
    starts = _window_starts(n, w)
    key_z, key_b, key_h0, key_bm = jr.split(key, 4)
    # Common random numbers: drawn once, reused by every iteration (see TwoTimeOptions),
    # in the grid's dtype so that both `options.dtype` use the same numbers.
    # Paths are stored time-major, (time, path), so that a block of times is
    # contiguous. Times are processed in chunks, skipping those past the window (zero
    # in the factor's rows, unknown in C_phi): on average half the O(M n w) work of an
    # iteration. Zero padding to whole chunks adds nothing to the sums.
    chunk = min(_CHUNK, n)
    n_pad = -(-n // chunk) * chunk
    z = jr.normal(key_z, (M, n), ts.dtype).T.astype(dtype)
    z_pad = jnp.pad(z, ((0, n_pad - n), (0, 0)))
    b = ensemble.mean_b + ensemble.sigma_b * jr.normal(key_b, (M,), ts.dtype)
    b = b.astype(dtype)
    h0 = initial.mean + jnp.sqrt(initial.variance) * jr.normal(key_h0, (M,), ts.dtype)
    h0 = h0.astype(dtype)
    K = options.response_samples
    bm_keys = jr.split(key_bm, M)
    noise = ensemble.noise.astype(dtype) if with_noise else None
    phi = ensemble.phi
    sw2 = ensemble.sigma_w**2
    index = jnp.arange(n)

    def chunks_before(end):
        return (end + chunk - 1) // chunk

    def prefix_product(rows, x, end):
        """`rows @ x` for `rows` that vanish from column `end` on."""
        rows = jnp.pad(rows, ((0, 0), (0, n_pad - n)))

        def add(k, total):
            rows_k = lax.dynamic_slice_in_dim(rows, k * chunk, chunk, axis=1)
            x_k = lax.dynamic_slice_in_dim(x, k * chunk, chunk, axis=0)
            return total + rows_k @ x_k

        zeros = jnp.zeros((rows.shape[0], x.shape[1]), dtype)
        return lax.fori_loop(0, chunks_before(end), add, zeros)

    def prefix_gram(p_rows, p, end):
        """`p_rows @ p.T` in the columns before `end` (at least), zero after."""

        def put(k, out):
            p_k = lax.dynamic_slice_in_dim(p, k * chunk, chunk, axis=0)
            return lax.dynamic_update_slice_in_dim(out, p_rows @ p_k.T, k * chunk, 1)

        zeros = jnp.zeros((p_rows.shape[0], n_pad), dtype)
        return lax.fori_loop(0, chunks_before(end), put, zeros)[:, :n]

    def iterate(a, state):
        """One Picard step on the window of rows [a, a + w): factor rows, sample
        eta, integrate the paths over the window, re-estimate C_phi and m_phi."""
        c_phi, m_phi, factor, inverse, forcing, h, p = state
        known = a + w  # C_phi is meaningful on [0, known)^2
        factor_rows = causal_factor_rows(sw2 * c_phi, inverse, a, w, jitter)
        factor = lax.dynamic_update_slice(factor, factor_rows, (a, 0))
        # The window's paths start at the last grid point before it.
        s = a - 1
        eta = prefix_product(
            lax.dynamic_slice(factor, (s, 0), (w + 1, n)).astype(dtype), z_pad, known
        )
        mean_part = lax.dynamic_slice(ensemble.mean_w * m_phi + drive, (s,), (w + 1,))
        f = eta + b[None, :] + mean_part.astype(dtype)[:, None]
        forcing = lax.dynamic_update_slice(forcing, f[:, :K], (s, 0))
        y0 = lax.dynamic_index_in_dim(h, s, keepdims=False)
        path = effective_paths(
            lax.dynamic_slice(ts, (s,), (w + 1,)).astype(dtype), f, y0, noise, bm_keys
        )
        h = lax.dynamic_update_slice(h, path[1:], (s + 1, 0))
        p = lax.dynamic_update_slice(p, phi(path[1:]), (s + 1, 0))
        p_rows = lax.dynamic_slice(p, (a, 0), (w, M))
        rows = (prefix_gram(p_rows, p, known) / M).astype(ts.dtype)
        old_rows = lax.dynamic_slice(c_phi, (a, 0), (w, n))
        valid = index < known
        rows = jnp.where(valid[None, :], rows, old_rows)
        m_rows = jnp.mean(p_rows, axis=1).astype(ts.dtype)
        old_m = lax.dynamic_slice(m_phi, (a,), (w,))
        change = jnp.maximum(
            jnp.max(jnp.abs(rows - old_rows)), jnp.max(jnp.abs(m_rows - old_m))
        )
        rows = old_rows + options.damping * (rows - old_rows)
        c_phi = lax.dynamic_update_slice(c_phi, rows, (a, 0))
        c_phi = lax.dynamic_update_slice(c_phi, rows.T, (0, a))
        m_phi = lax.dynamic_update_slice(
            m_phi, old_m + options.damping * (m_rows - old_m), (a,)
        )
        return (c_phi, m_phi, factor, inverse, forcing, h, p), change

    def march(carry, j):
        state, status, iterations = carry
        a = starts[j]
        first_new = 1 + j * w
        c_phi, m_phi = _frozen_continuation(state[0], state[1], first_new)
        state = (c_phi, m_phi, *state[2:])
        history = jnp.zeros(options.max_iterations, ts.dtype)

        def cond(loop):
            i, _, change, _ = loop
            return keep_iterating(
                status, i, options.max_iterations, change, options.tol
            )

        def body(loop):
            i, state, _, history = loop
            state, change = iterate(a, state)
            return i + 1, state, change, history.at[i].set(change)

        inf = jnp.asarray(jnp.inf, ts.dtype)
        i, state, change, history = lax.while_loop(
            cond, body, (jnp.asarray(0), state, inf, history)
        )
        # Refactor the window's rows from its final C_phi: the next windows' Schur
        # complements are positive only if the rows above match that C_phi exactly
        # (it is a Gram matrix of the final paths), not the previous iterate.
        c_phi, m_phi, factor, inverse, *rest = state
        rows = causal_factor_rows(sw2 * c_phi, inverse, a, w, jitter)
        factor = lax.dynamic_update_slice(factor, rows, (a, 0))
        inverse = lax.dynamic_update_slice(
            inverse, inverse_rows(rows, inverse, a), (a, 0)
        )
        state = (c_phi, m_phi, factor, inverse, *rest)
        status = next_status(status, change, options.tol)
        return (state, status, iterations + i), history

    p0 = phi(h0)
    c0 = jnp.zeros((n, n), ts.dtype).at[0, 0].set(jnp.mean(p0**2).astype(ts.dtype))
    m0 = jnp.zeros((n,), ts.dtype).at[0].set(jnp.mean(p0).astype(ts.dtype))
    h = jnp.zeros((n, M), dtype).at[0].set(h0)
    p = jnp.zeros((n_pad, M), dtype).at[0].set(p0)
    zeros = jnp.zeros((n, n), ts.dtype)
    start = jnp.asarray(0)
    row0 = causal_factor_rows(sw2 * c0, zeros, start, 1, jitter)
    factor = zeros.at[:1].set(row0)
    inverse = zeros.at[:1].set(inverse_rows(row0, zeros, start))
    state = (c0, m0, factor, inverse, jnp.zeros((n, K), dtype), h, p)
    # A window that fails leaves the later ones unrun.
    (state, status, iterations), history = lax.scan(
        march,
        (state, jnp.asarray(RUNNING), jnp.asarray(0)),
        jnp.arange(starts.shape[0]),
    )
    *_, forcing, h, p = state
    responding = (forcing, h0[:K], bm_keys[:K])
    if options.passes == 0:
        m, m_err, C, C_err = _mean_and_covariance(h, centre=True, dtype=ts.dtype)
        m_phi, _, c_phi, c_phi_err = _mean_and_covariance(
            p[:n], centre=False, dtype=ts.dtype
        )
    else:
        (m, C, m_phi, c_phi), (m_err, C_err, _, c_phi_err), responding = _passes(
            ensemble, ts, drive, initial, options, key, state[0], state[1], noise
        )

    if K > 0:
        forcing, h0_k, keys_k = responding
        responses = path_response(ts.astype(dtype), forcing.T, h0_k, noise, keys_k, phi)
        response, response_phi, response_phi_err = (
            r.astype(ts.dtype) for r in responses
        )
    else:
        response = response_phi = response_phi_err = jnp.zeros((n, n), ts.dtype)

    result = march_result(status, C)
    if throw:
        history = result.error_if(history, result != RESULTS.successful)
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


def _passes(ensemble, ts, drive, initial, options, key, c_phi, m_phi, noise):
    """Stage 2 of `TwoTimeOptions`: independent passes over the whole grid, each with
    fresh random numbers, from the marching solution `c_phi`, `m_phi`.

    **Returns:** `(means, stderrs, responding)`: the averages of $m$, $C$, $m_\\phi$,
    $C_\\phi$ over the kept passes, their standard errors from the spread of the
    passes, and the forcing, initial values and Brownian keys of the first
    `response_samples` paths of the last pass.
    """
    M, n, K = options.n_samples, ts.shape[0], options.response_samples
    dtype = jnp.dtype(options.dtype)
    jitter = _JITTER[options.dtype] if options.jitter is None else options.jitter
    sw2 = ensemble.sigma_w**2
    zeros = jnp.zeros((n, n), ts.dtype)
    grid = ts.astype(dtype)

    def sample(driver_c, driver_m, key):
        """One pass: $M$ fresh paths driven by $\\sigma_w^2$ `driver_c` and
        `driver_m`; unbiased estimates of $m$, $C$, $m_\\phi$, $C_\\phi$."""
        key_z, key_b, key_h0, key_bm = jr.split(key, 4)
        z = jr.normal(key_z, (n, M), ts.dtype).astype(dtype)
        b = ensemble.mean_b + ensemble.sigma_b * jr.normal(key_b, (M,), ts.dtype)
        h0 = initial.mean + jnp.sqrt(initial.variance) * jr.normal(
            key_h0, (M,), ts.dtype
        )
        bm_keys = jr.split(key_bm, M)
        factor = causal_factor_rows(sw2 * driver_c, zeros, jnp.asarray(0), n, jitter)
        mean_part = (ensemble.mean_w * driver_m + drive).astype(dtype)
        f = factor.astype(dtype) @ z + b.astype(dtype)[None, :] + mean_part[:, None]
        h = effective_paths(grid, f, h0.astype(dtype), noise, bm_keys)
        m, _, C, _ = _mean_and_covariance(h, centre=True, dtype=ts.dtype)
        m_phi, _, c, _ = _mean_and_covariance(
            ensemble.phi(h), centre=False, dtype=ts.dtype
        )
        responding = (f[:, :K], h0[:K].astype(dtype), bm_keys[:K])
        return (m, C, m_phi, c), responding

    def one(carry, k_key):
        k, key = k_key
        driver_c, driver_m, count, mean, m2, _ = carry
        estimate, responding = sample(driver_c, driver_m, key)
        kept = k >= options.burn_in
        # Welford's running mean and sum of squared deviations over the kept passes.
        new_count = count + 1
        delta = jax.tree.map(lambda x, mu: x - mu, estimate, mean)
        new_mean = jax.tree.map(lambda mu, d: mu + d / new_count, mean, delta)
        new_m2 = jax.tree.map(
            lambda s, d, x, mu: s + d * (x - mu), m2, delta, estimate, new_mean
        )

        def pick(a, b):
            return jax.tree.map(lambda x, y: jnp.where(kept, x, y), a, b)

        count, mean, m2 = pick((new_count, new_mean, new_m2), (count, mean, m2))
        # Burn-in: D <- F_M(D). Then D is the running average of the kept estimates.
        driver = pick((mean[3], mean[2]), (estimate[3], estimate[2]))
        return (*driver, count, mean, m2, responding), None

    like = (m_phi, c_phi, m_phi, c_phi)
    zero = jax.tree.map(jnp.zeros_like, like)
    responding = (
        jnp.zeros((n, K), dtype),
        jnp.zeros((K,), dtype),
        jr.split(key, K) if K > 0 else jr.split(key, 1)[:0],
    )
    count = jnp.asarray(0, ts.dtype)
    keys = jr.split(jr.fold_in(key, 1), options.passes)
    (*_, count, mean, m2, responding), _ = lax.scan(
        one,
        (c_phi, m_phi, count, zero, zero, responding),
        (jnp.arange(options.passes), keys),
    )
    stderr = jax.tree.map(
        lambda s: jnp.sqrt(jnp.maximum(s, 0.0) / ((count - 1) * count)), m2
    )
    return mean, stderr, responding


def solve_two_time(
    ensemble: NetworkEnsemble,
    ts: Float[ArrayLike, " n"],
    initial: GaussianInitial | None = None,
    *,
    key: PRNGKeyArray,
    drive: Callable[[Array], Array] | Float[ArrayLike, " n"] | None = None,
    options: TwoTimeOptions | None = None,
    throw: bool = True,
) -> TwoTimeSolution:
    """Solve the dynamic mean-field theory of a random rate network from an arbitrary
    initial condition, by sampling its effective single-neuron process.

    For $N \\to \\infty$ every neuron of the network of `ensemble` follows

    $$dh = \\big(-h + \\bar w\\, m_\\phi(t) + \\eta(t) + b + I(t)\\big)\\,dt
        + \\sigma\\,dB, \\qquad h(t_0) \\sim N(m_0, q_0),$$

    with $b \\sim N(\\bar b, \\sigma_b^2)$ fixed per neuron, $\\eta$ a centred Gaussian
    process of covariance $\\sigma_w^2 C_\\phi(t, t')$, and self-consistency
    $C_\\phi(t, t') = E[\\phi(h(t)) \\phi(h(t'))]$, $m_\\phi(t) = E[\\phi(h(t))]$.
    No time-translation invariance is assumed: transients, non-stationary drives and
    the relaxation to the stationary state of Sompolinsky, Crisanti & Sommers (1988)
    all come out of the same solve.

    The process is Gaussian, so `dmft.solve_two_time_quadrature` solves the same
    equations on the same grid without sampling; prefer it for numbers. This Monte
    Carlo solver is its independent check (it converges to it as $M \\to \\infty$),
    and its reported standard errors understate its error where the
    self-consistency amplifies noise (long lags in the chaotic state, growing
    networks: see `TwoTimeSolution`).

    The algorithm (details in `TwoTimeOptions`), one jitted program:

    1. *Marching.* From the frozen guess $h(t) = h(t_0)$, the grid is covered in
       windows of `window` points. In each window, with everything earlier fixed,
       the rows of $\\sigma_w^2 C_\\phi$ are given a causal (lower-triangular,
       jittered Cholesky) factor $L$, the paths $\\eta = L z$ of $M$ neurons are
       drawn from the same standard normals $z$ in every iteration, the $M$ paths are
       integrated by exponential trapezoidal steps on the grid (`effective_paths`), and $C_\\phi$, $m_\\phi$ are
       re-estimated, until their change is below `tol` (a `lax.while_loop` per
       window inside a `lax.scan` over windows).
    2. *Independent passes.* The marching fixed point is biased by $O(1/M)$ (it is a
       nonlinear function of the frozen $z$). From it, `passes` passes over the
       whole grid each draw fresh $z$, biases, initial values and Brownian paths;
       after `burn_in` passes the driving $C_\\phi$, $m_\\phi$ is the running
       average of the estimates, and the solution is the average over the kept
       passes, with standard errors from their spread. The response functions are
       forward-mode derivatives of `response_samples` paths of the last pass.

    **Arguments:**

    - `ensemble`: the network ensemble ($\\phi$, $\\sigma_w$, $\\sigma_b$, $\\bar w$,
      $\\bar b$, $\\sigma$).
    - `ts`: strictly increasing grid of times; `ts[0]` is the initial time. The
      integrator steps on this grid (second order: choose $\\Delta t \\lesssim 0.1$).
    - `initial`: the distribution of $h(t_0)$; `None` for `GaussianInitial()`,
      $N(0, 1)$, built in the current precision.
    - `key`: a `jax.random` key.
    - `drive`: the input $I(t)$ common to all neurons: a scalar function of $t$ or its
      values on `ts` (e.g. a sinusoid, Rajan, Abbott & Sompolinsky 2010); `None` for 0.
    - `options`: a `TwoTimeOptions`; `None` for the defaults.
    - `throw`: raise if the marching did not converge or a value is not finite;
      otherwise inspect `solution.result`.

    **Returns:** a `TwoTimeSolution`.

    **Raises:** `ValueError` for a grid that is not 1-D, finite and strictly
    increasing, a drive of the wrong shape or not finite, arguments of the wrong type,
    or a problem larger than `options.max_memory` (before any computation); an
    `EquinoxRuntimeError` (a `RuntimeError`) when `throw=True` and the result is not
    `successful`.

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
    ts, initial, drive, options = checked_arguments(
        ensemble, ts, initial, drive, options, TwoTimeOptions
    )
    noise = ensemble.noise
    known = concrete(noise)
    with_noise = known is None or bool(known != 0)
    return _solve(ensemble, ts, drive, initial, options, key, with_noise, throw)
