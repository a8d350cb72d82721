"""Two-time DMFT without sampling: the effective process is Gaussian, so its mean and
covariance obey closed recursions, and only the pair expectations of $\\phi$ need
quadrature."""

from collections.abc import Callable

import equinox as eqx
import jax
import jax.lax as lax
import jax.numpy as jnp
from jaxtyping import Array, ArrayLike, Float

from .._ensemble import NetworkEnsemble
from .._gaussian import correlated_expectation, expectation, product_expectation
from .._results import RESULTS
from ._options import GaussianInitial, TwoTimeQuadratureOptions
from ._process import step_coefficients
from ._response import trapezoid_weights
from ._solution import TwoTimeSolution
from ._solve import (
    RUNNING,
    checked_arguments,
    keep_iterating,
    march_result,
    next_status,
)


# Entries of a row of pair expectations computed at once; the rows are filled up to
# the current time only, a chunk at a time.
_CHUNK = 128

# Default tolerance of the implicit step by the grid's dtype (see the options).
_TOL = {"float64": 1e-10, "float32": 1e-5}


def pair_expectation(phi, rule, m1, v1, m2, v2, cov):
    """$E[\\phi(u_1) \\phi(u_2)]$ for one $u_1 \\sim N(m_1, v_1)$ and a vector of
    $u_2 \\sim N(m_2, v_2)$ with covariances `cov`, as one average over $u_1$:
    $u_2 = m_2 + \\alpha z + \\beta x$ with $u_1 = m_1 + \\sqrt{v_1} z$,
    $\\alpha = \\mathrm{cov}/\\sqrt{v_1}$, $\\beta^2 = v_2 - \\alpha^2$, so the
    expectation is $E_z[\\phi(u_1)\\, g(z)]$ with $g(z) = E_x[\\phi(m_2 + \\alpha z +
    \\beta x)]$ (a closed form where `phi` has one). One inner average per node
    instead of the two of `correlated_expectation`'s symmetric split: half the work
    where the inner averages need quadrature."""
    # In the default float precision, as the rules and expectations compute.
    m1, v1, m2, v2, cov = (jnp.asarray(x, float) for x in (m1, v1, m2, v2, cov))
    s1 = jnp.sqrt(v1)
    safe = jnp.where(s1 > 0, s1, 1.0)
    alpha = jnp.where(s1 > 0, cov / safe, 0.0)
    beta2 = jnp.maximum(v2 - alpha**2, 0.0)

    def one(m2, alpha, beta2):
        # Centre the rule between the two transitions, resolve the sharper one (as
        # `correlated_expectation` does).
        scale = jnp.maximum(s1, jnp.abs(alpha) / jnp.sqrt(1 + beta2))
        z, w = rule.nodes_and_weights(0.5 * (m1 + m2), scale)
        inner = expectation(phi, m2 + alpha * z, beta2, rule=rule)
        return jnp.sum(w * phi(m1 + s1 * z) * inner)

    return jax.vmap(one)(m2, alpha, beta2)


def _linear_recurrence(decay: Array, inputs: Array) -> Array:
    """$x_0 = 0$, $x_{i} = a_{i-1} x_{i-1} + u_{i}$ for $i \\ge 1$, all at once
    (an associative scan: $O(n \\log n)$ work, no sequential loop)."""

    def compose(earlier, later):
        a1, u1 = earlier
        a2, u2 = later
        return a2 * a1, a2 * u1 + u2

    _, x = lax.associative_scan(compose, (decay, inputs))
    return jnp.concatenate([jnp.zeros(1, x.dtype), x])


@eqx.filter_jit
def _solve(ensemble, ts, drive, initial, options, throw):
    n = ts.shape[0]
    dtype = ts.dtype
    # Everything in the grid's precision (a float32 grid under x64 stays float32).
    ensemble, rule = jax.tree.map(
        lambda x: x.astype(dtype) if eqx.is_inexact_array(x) else x,
        (ensemble, options.rule),
    )
    phi = ensemble.phi
    sw2, sb2 = ensemble.sigma_w**2, ensemble.sigma_b**2
    a, b, c, v = step_coefficients(ts)
    s2 = ensemble.noise**2 * v
    mean_forcing_offset = ensemble.mean_b + drive  # plus mean_w m_phi(t)
    tol = _TOL[dtype.name] if options.tol is None else options.tol
    index = jnp.arange(n)
    tiny = jnp.finfo(dtype).tiny
    chunk = min(_CHUNK, n)
    n_pad = -(-n // chunk) * chunk

    def pair_row(m_new, v_new, m, v, cov, j):
        """$E[\\phi(h_j) \\phi(h_l)]$ for $l \\le j$ (zero after), chunk by chunk."""
        m, v, cov = (jnp.pad(x, (0, n_pad - n)) for x in (m, v, cov))

        def put(i, out):
            part = [lax.dynamic_slice_in_dim(x, i * chunk, chunk) for x in (m, v, cov)]
            value = pair_expectation(phi, rule, m_new, v_new, *part).astype(dtype)
            return lax.dynamic_update_slice_in_dim(out, value, i * chunk, 0)

        out = lax.fori_loop(0, j // chunk + 1, put, jnp.zeros(n_pad, dtype))
        return jnp.where(index <= j, out[:n], 0.0)

    def new_time(state, k, c_phi_row, m_phi_new):
        """Everything at $t_{k+1}$ given the new row of $C_\\phi$ and $m_\\phi$."""
        C, X, c_phi, m, m_phi = state
        j = k + 1
        valid = index <= j
        forcing_row = jnp.where(valid, sw2 * c_phi_row + sb2, 0.0)
        # X[i, l] = Cov(h_i, f_l). Its new column: Cov(h_i, f_j) for i <= j.
        inputs = b * forcing_row[:-1] + c * forcing_row[1:]
        column = jnp.where(valid, _linear_recurrence(a, inputs), 0.0)
        X = X.at[:, j].set(column)
        forcing_k = jnp.where(index <= k, sw2 * c_phi[k] + sb2, 0.0)
        forcing_k = forcing_k.at[j].set(forcing_row[k])
        row = jnp.where(valid, a[k] * X[k] + b[k] * forcing_k + c[k] * forcing_row, 0)
        X = X.at[j].set(row)
        # Cov(h_j, h_l) for l < j, then the variance (the noise adds to it only).
        cov = jnp.where(index < j, a[k] * C[k] + b[k] * X[:, k] + c[k] * X[:, j], 0.0)
        var = a[k] * cov[k] + b[k] * X[j, k] + c[k] * X[j, j] + s2[k]
        cov = cov.at[j].set(var)
        mean = (
            a[k] * m[k]
            + b[k] * (ensemble.mean_w * m_phi[k] + mean_forcing_offset[k])
            + c[k] * (ensemble.mean_w * m_phi_new + mean_forcing_offset[j])
        )
        return X, cov, mean

    def step(carry, k):
        state, status, iterations = carry
        C, X, c_phi, m, m_phi = state
        j = k + 1

        def update(guess):
            row, m_phi_new = guess
            _, cov, mean = new_time(state, k, row, m_phi_new)
            variances = jnp.diagonal(C).at[j].set(cov[j])
            row = pair_row(mean, cov[j], m.at[j].set(mean), variances, cov, j)
            return row, expectation(phi, mean, cov[j], rule=rule).astype(dtype)

        def cond(loop):
            i, *_, error, _ = loop
            return keep_iterating(status, i, options.max_iterations, error, tol)

        def body(loop):
            # Anderson mixing of depth one (a secant step on the residual
            # G(x) - x): the plain iteration contracts by only ~0.1 per step.
            i, x, x_old, g_old, _, history = loop
            g = jnp.append(*update((x[:-1], x[-1])))
            residual, residual_old = g - x, g_old - x_old
            step = residual - residual_old
            gamma = jnp.dot(residual, step) / jnp.maximum(jnp.dot(step, step), tiny)
            x_new = jnp.where(i > 0, g - gamma * (g - g_old), g)
            change = jnp.max(jnp.abs(residual))
            # The error of g is about rate / (1 - rate) times the change, with the
            # contraction rate measured from the last two changes (the first change
            # alone says nothing: rate 1, so one more iteration).
            rate = jnp.where(i > 0, change / jnp.maximum(history[i - 1], tiny), 1.0)
            rate = jnp.clip(rate, 0.0, 0.9)
            error = jnp.where(rate < 0.9, change * rate / (1 - rate), change)
            return i + 1, x_new, x, g, error, history.at[i].set(change)

        # Guess: the better, column by column, of two second-order continuations
        # of the previous rows: along the diagonal (exact once stationary, and right
        # at the diagonal's kink with noise) or along the column (right for early
        # columns, whose h(t') is still in its transient). "Better" is judged by how
        # well each would have guessed the previous row.
        rows = [c_phi[jnp.maximum(k - i, 0)] for i in range(3)]

        def along_diagonal(newer, older):
            shifted = jnp.concatenate([newer[:1], newer[:-1]])
            return 2 * shifted - jnp.concatenate([older[:2], older[:-2]])

        def along_column(newer, older):
            return 2 * newer - older

        diagonal = along_diagonal(rows[0], rows[1])
        column = along_column(rows[0], rows[1])
        miss_diagonal = jnp.abs(along_diagonal(rows[1], rows[2]) - rows[0])
        miss_column = jnp.abs(along_column(rows[1], rows[2]) - rows[0])
        use_column = (miss_column < miss_diagonal) & (index < k) & (k >= 2)
        guess = jnp.where(use_column, column, diagonal)
        guess = jnp.where(k > 0, guess, jnp.concatenate([rows[0][:1], rows[0][:-1]]))
        back = jnp.maximum(k - 1, 0)
        m_guess = jnp.where(k > 0, 2 * m_phi[k] - m_phi[back], m_phi[k])
        guess = jnp.append(jnp.where(index <= j, guess, 0.0), m_guess)
        history = jnp.zeros(options.max_iterations, dtype)
        inf = jnp.asarray(jnp.inf, dtype)
        i, _, _, last, error, history = lax.while_loop(
            cond, body, (jnp.asarray(0), guess, guess, guess, inf, history)
        )
        row, m_phi_new = last[:-1], last[-1]
        X, cov, mean = new_time(state, k, row, m_phi_new)
        state = (
            C.at[j].set(cov).at[:, j].set(cov),
            X,
            c_phi.at[j].set(row).at[:, j].set(row),
            m.at[j].set(mean),
            m_phi.at[j].set(m_phi_new),
        )
        status = next_status(status, error, tol)
        return (state, status, iterations + i), history

    m0, q0 = initial.mean.astype(dtype), initial.variance.astype(dtype)
    zeros = jnp.zeros((n, n), dtype)
    state = (
        zeros.at[0, 0].set(q0),
        zeros,
        zeros.at[0, 0].set(product_expectation(phi, m0, q0, rule=rule).astype(dtype)),
        jnp.zeros(n, dtype).at[0].set(m0),
        jnp.zeros(n, dtype)
        .at[0]
        .set(expectation(phi, m0, q0, rule=rule).astype(dtype)),
    )
    (state, status, iterations), history = lax.scan(
        step, (state, jnp.asarray(RUNNING), jnp.asarray(0)), jnp.arange(n - 1)
    )
    C, _, c_phi, m, m_phi = state
    response = _response(ts, a, b, c)
    gain = expectation(phi, m, jnp.diagonal(C), order=1, rule=rule).astype(dtype)
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
        m_stderr=jnp.zeros(n, dtype),
        q_stderr=jnp.zeros(n, dtype),
        C_stderr=zeros,
        C_phi_stderr=zeros,
        response=response,
        response_phi=gain[:, None] * response,
        response_phi_stderr=zeros,
        iterations=iterations,
        history=history,
        result=result,
    )


def _response(ts, a, b, c) -> Float[Array, "n n"]:
    """$R(t_i, t_k)$ of the step's recursion to a hat-function input of unit integral at
    $t_k$, as `path_response` defines it: $J_{ik} = \\partial h_i / \\partial f_k$ is
    $c_{k-1}$ at $i = k$ and $(a_k J_{kk} + b_k) \\prod_{s=k+1}^{i-1} a_s$ after."""
    n = ts.shape[0]
    diagonal = jnp.concatenate([jnp.zeros(1, ts.dtype), c])
    first = jnp.concatenate([a * diagonal[:-1] + b, jnp.zeros(1, ts.dtype)])
    log_decay = jnp.concatenate([jnp.zeros(1, ts.dtype), jnp.cumsum(jnp.log(a))])
    i, k = jnp.arange(n)[:, None], jnp.arange(n)[None, :]
    # prod_{s=k+1}^{i-1} a_s = exp(L_i - L_{k+1}) for i > k (clipped indices elsewhere).
    later = first[None, :] * jnp.exp(
        log_decay[i] - log_decay[jnp.minimum(k + 1, n - 1)]
    )
    J = jnp.where(i > k, later, jnp.where(i == k, diagonal[None, :], 0.0))
    return J / trapezoid_weights(ts)[None, :]


def solve_two_time_quadrature(
    ensemble: NetworkEnsemble,
    ts: Float[ArrayLike, " n"],
    initial: GaussianInitial | None = None,
    *,
    drive: Callable[[Array], Array] | Float[ArrayLike, " n"] | None = None,
    options: TwoTimeQuadratureOptions | None = None,
    throw: bool = True,
) -> TwoTimeSolution:
    """Solve the two-time dynamic mean-field theory of a random rate network from a
    Gaussian initial condition, deterministically: no sampled paths.

    The effective single-neuron process of `dmft.solve_two_time`,

    $$dh = \\big(-h + \\bar w\\, m_\\phi(t) + \\eta(t) + b + I(t)\\big)\\,dt
        + \\sigma\\,dB, \\qquad h(t_0) \\sim N(m_0, q_0),$$

    is *linear* in $h$, and its inputs ($\\eta$ with covariance
    $\\sigma_w^2 C_\\phi(t, t')$, $b \\sim N(\\bar b, \\sigma_b^2)$, $h(t_0)$, $B$) are
    Gaussian and independent. So $h$ is a Gaussian process, fixed by its mean $m(t)$
    and covariance $C(t, t')$, which obey
    $(\\partial_t + 1)(\\partial_{t'} + 1) C = \\sigma_w^2 C_\\phi + \\sigma_b^2 +
    \\sigma^2 \\delta(t - t')$, with
    $C_\\phi(t, t') = E[\\phi(h(t)) \\phi(h(t'))]$ a two-variable Gaussian integral of
    $m$ and $C$ (Sompolinsky, Crisanti & Sommers 1988 reduce this to the stationary
    $\\Delta(\\tau)$; here no stationarity is assumed).

    The discretisation is exactly the one the sampled solver integrates, the
    exponential trapezoidal step on the grid, $h_{k+1} = a_k h_k + b_k f_k + c_k f_{k+1} + s_k \\xi_k$
    (`effective_paths`). Its second moments follow from it exactly: with
    $X_{il} = \\mathrm{Cov}(h_i, f_l)$ and $F_{jl} = \\sigma_w^2 C_{\\phi,jl} +
    \\sigma_b^2$,
    $X_{i+1,l} = a_i X_{il} + b_i F_{il} + c_i F_{i+1,l}$ and
    $C_{k+1,l} = a_k C_{kl} + b_k X_{lk} + c_k X_{l,k+1}$ (plus $s_k^2$ on the
    diagonal). The solver marches over the grid: at each new time the row of
    $C_\\phi$ (needed through $c_k$) is iterated to `tol` with Anderson mixing,
    starting from the previous rows continued along the diagonal or along the column
    (4-5 iterations per step at $g = 2$). So the result is the $M \\to \\infty$ limit of
    `solve_two_time` on the same grid (a test checks it), with an $O(\\Delta t^2)$
    error against continuous time and quadrature errors of `options.rule` only. Cost:
    $O(n^2)$ pair expectations (each 41 x 41 nodes for tanh; 41 for nonlinearities
    with closed Gaussian means such as erf and ReLU), not $O(M n^2)$ products and an
    $O(n^3)$ factor per pass: about 8 s for the 501 times of `dmft transient`'s
    defaults on two CPU cores.

    The standard errors of the returned `TwoTimeSolution` are zero (nothing is
    sampled). The responses are exact for the recursion: $R(t, t') \\approx
    e^{-(t - t')}$ (as `solve_two_time` defines it, a hat-function input of unit
    integral) and $R_\\phi(t, t') = E[\\phi'(h(t))] R(t, t')$. `history[k]` holds
    the change per iteration of the step to `ts[k + 1]`.

    **Arguments:**

    - `ensemble`: the network ensemble ($\\phi$, $\\sigma_w$, $\\sigma_b$, $\\bar w$,
      $\\bar b$, $\\sigma$).
    - `ts`: strictly increasing grid of times; `ts[0]` is the initial time. The
      error is $O(\\Delta t^2)$: at $g = 2$, $\\Delta t = 0.2$ gives the stationary
      $\\Delta(0)$ to $3 \\times 10^{-5}$ and $\\Delta(5)$ to $4 \\times 10^{-3}$
      relative.
    - `initial`: the distribution of $h(t_0)$; `None` for $N(0, 1)$.
    - `drive`: the input $I(t)$ common to all neurons: a scalar function of $t$ or its
      values on `ts`; `None` for 0.
    - `options`: a `TwoTimeQuadratureOptions`; `None` for the defaults.
    - `throw`: raise if a step did not converge or a value is not finite; otherwise
      inspect `solution.result`.

    **Returns:** a `TwoTimeSolution`.

    **Raises:** `ValueError` for a grid that is not 1-D, finite and strictly
    increasing, a drive of the wrong shape or not finite, arguments of the wrong type,
    a problem larger than `options.max_memory`, or a non-smooth nonlinearity without
    closed Gaussian means (before any computation); an `EquinoxRuntimeError` when
    `throw=True` and the result is not `successful`.

    ??? cite "References"

        ```bibtex
        @article{sompolinsky1988chaos,
          title={Chaos in Random Neural Networks},
          author={Sompolinsky, H. and Crisanti, A. and Sommers, H. J.},
          journal={Physical Review Letters},
          volume={61},
          pages={259--262},
          year={1988}
        }
        @article{crisanti2018path,
          title={Path integral approach to random neural networks},
          author={Crisanti, A. and Sompolinsky, H.},
          journal={Physical Review E},
          volume={98},
          pages={062120},
          year={2018}
        }
        ```
    """
    ts, initial, drive, options = checked_arguments(
        ensemble, ts, initial, drive, options, TwoTimeQuadratureOptions
    )
    # Fails now, not inside the march, for a kinked phi without closed means (traced
    # only: an eager call would compile op by op, ~2 s).
    jax.eval_shape(
        lambda: correlated_expectation(ensemble.phi, 1.0, 1.0, 0.5, means=(0.0, 0.0))
    )
    return _solve(ensemble, ts, drive, initial, options, throw)
