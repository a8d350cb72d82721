"""The result of a two-time DMFT solve."""

import equinox as eqx
import numpy as np
from jaxtyping import Array, Bool, Float, Int


class TwoTimeResult(eqx.Enumeration):
    """Outcome of the two-time DMFT iteration."""

    successful = ""
    max_iterations_reached = (
        "The two-time DMFT iteration did not converge within `max_iterations`. Try "
        "increasing `max_iterations`, stronger damping (smaller `damping`), more "
        "`n_samples`, or a larger `tol`."
    )
    nonfinite = (
        "The two-time DMFT iteration produced a non-finite value (the sampled process "
        "diverged). Try stronger damping (smaller `damping`) or a finer time grid."
    )


class TwoTimeSolution(eqx.Module):
    """The two-time dynamic mean-field solution on a time grid.

    $m(t) = E[h(t)]$, $C(t, t') = E[h(t) h(t')] - m(t) m(t')$ (the population
    covariance; SCS's $\\Delta(t - t')$ in the stationary state), $q(t) = C(t, t)$,
    $C_\\phi(t, t') = E[\\phi(h(t)) \\phi(h(t'))]$ (not centred: it is the covariance of
    the recurrent input $\\eta / \\sigma_w$), $m_\\phi(t) = E[\\phi(h(t))]$.

    Each `*_stderr` is the standard error of the sample average over the $M$ paths of
    the last iteration, $\\sqrt{\\mathrm{Var}/M}$: the sampling error given the
    self-consistent $C_\\phi$. The error of $C_\\phi$ itself feeds back through
    $\\eta$: the $M$ paths, coupled through the estimated $C_\\phi$, behave like a
    network of $M$ neurons. In the chaotic state (tanh, $g = 2$, $M = 2000$-$4000$) the
    spread of $C(t, t')$ over keys is about twice `C_stderr` at equal times and up
    to four times at lags of several correlation times, and it is correlated over
    $t$, so averaging over late times does not reduce it. Estimate the total error
    from a few solves with different keys, as the tests do.

    The responses are $R(t, t') = E[\\partial h(t) / \\partial u(t')]$ and
    $R_\\phi(t, t') = E[\\partial \\phi(h(t)) / \\partial u(t')]$ to an input $u$ on a
    single neuron, from forward-mode derivatives of `response_samples` sample paths
    (with $\\eta$, $m_\\phi$ held fixed: one neuron's input does not move the
    population). With independent couplings $W_{ij}$, $W_{ji}$ the effective process
    has no reaction term, so $R(t, t') = e^{-(t - t')}$ for $t > t'$ on every path
    (zero sampling error) and $R_\\phi(t, t') = E[\\phi'(h(t))] e^{-(t - t')}$, whose
    standard error is `response_phi_stderr`. On the grid the input is a hat function
    of unit integral, so $R$ is $e^{-(t - t')}$ averaged over it: $R(t, t) = 1/2$ (the
    midpoint of the jump; 0 and 1 at the grid's ends), $O(\\Delta t^2)$ off elsewhere but $O(\\Delta t)$ in the
    column $t' = t_0$, where the hat is cut in half.

    **Fields:** `ts`, `m`, `q`, `C`, `m_phi`, `C_phi`, their `*_stderr`, `response`,
    `response_phi`, `response_phi_stderr` (zeros when `response_samples=0`),
    `iterations` (in all windows), `history` (the change per iteration of each
    marching window, `history[k, :]` for window `k`; zero after its last iteration),
    `result` (a `TwoTimeResult`).
    """

    ts: Float[Array, " n"]
    m: Float[Array, " n"]
    q: Float[Array, " n"]
    C: Float[Array, "n n"]
    m_phi: Float[Array, " n"]
    C_phi: Float[Array, "n n"]
    m_stderr: Float[Array, " n"]
    q_stderr: Float[Array, " n"]
    C_stderr: Float[Array, "n n"]
    C_phi_stderr: Float[Array, "n n"]
    response: Float[Array, "n n"]
    response_phi: Float[Array, "n n"]
    response_phi_stderr: Float[Array, "n n"]
    iterations: Int[Array, ""]
    history: Float[Array, "windows max_iterations"]
    result: TwoTimeResult

    @property
    def converged(self) -> Bool[Array, ""]:
        """Whether the iteration met its tolerance."""
        return self.result == TwoTimeResult.successful

    def autocorrelation(
        self, tau: float
    ) -> tuple[
        Float[np.ndarray, " k"], Float[np.ndarray, " k"], Float[np.ndarray, " k"]
    ]:
        """$C(t, t - \\tau)$ for every grid time $t \\ge t_0 + \\tau$, linearly
        interpolated in $t - \\tau$; on a concrete solution (not under jit).

        **Returns:** `(times, values, stderr)`.

        **Raises:** `ValueError` when $\\tau$ is negative or longer than the grid.
        """
        ts = np.asarray(self.ts)
        if not 0 <= tau <= ts[-1] - ts[0]:
            raise ValueError(
                f"`tau` must lie in [0, {ts[-1] - ts[0]}] (the grid's span); got {tau}."
            )
        rows = np.flatnonzero(ts >= ts[0] + tau - 1e-12 * (ts[-1] - ts[0]))
        C, err = np.asarray(self.C), np.asarray(self.C_stderr)
        lagged = np.clip(ts[rows] - tau, ts[0], ts[-1])
        values = np.array([np.interp(s, ts, C[r]) for r, s in zip(rows, lagged)])
        stderr = np.array([np.interp(s, ts, err[r]) for r, s in zip(rows, lagged)])
        return ts[rows], values, stderr
