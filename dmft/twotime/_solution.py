"""The result of a two-time DMFT solve."""

import equinox as eqx
import numpy as np
from jaxtyping import Array, Bool, Float, Int

from .._results import RESULTS


class TwoTimeSolution(eqx.Module):
    """The two-time dynamic mean-field solution on a time grid.

    $m(t) = E[h(t)]$, $C(t, t') = E[h(t) h(t')] - m(t) m(t')$ (the population
    covariance; SCS's $\\Delta(t - t')$ in the stationary state), $q(t) = C(t, t)$,
    $C_\\phi(t, t') = E[\\phi(h(t)) \\phi(h(t'))]$ (not centred: it is the covariance of
    the recurrent input $\\eta / \\sigma_w$), $m_\\phi(t) = E[\\phi(h(t))]$.

    The moments are averages over the independent passes of `TwoTimeOptions` (each
    of $M$ fresh paths), and each `*_stderr` is the standard error of that average
    from the spread of the passes, $\\mathrm{std}/\\sqrt{K}$ over the $K$ kept
    passes. It is the error given the driving covariance; the error of the driving
    covariance itself feeds back through $\\eta$ and adds to it: at $g = 2$,
    $M = 2000$ and 12 kept passes the spread over keys of the late-time $q$ is
    1.5-2 times its reported standard error, and $C(t + \\tau, t)$ at lags of
    several correlation times is ill-conditioned (a 1% error of $q$ moves
    $C(t + 5, t)$ by ~5%): against `dmft.solve_two_time_quadrature` on the same
    grid, the late $C(t + 5, t)$ of six keys at $M = 2000$, 28 kept passes is off by
    -8% to +9% (mean -1.3 +- 2.5%, no bias) with reported standard errors of 1%.
    More passes hardly help (128 passes: the same errors for the same keys): the
    error of the marching warm start decays slowly under the iteration at long lags.
    Four times the paths ($M = 8000$) halve it. Where the network grows, the
    feedback is stronger still: a linear network at $\\sigma_w = 1.3$ (with biases,
    noise and mean coupling) reaches $q(8) = 41.50$ (closed form; the quadrature
    solver gives 41.51 at $\\Delta t = 0.1$), where two keys at $M = 4000$ give
    $50.0 \\pm 0.5$ and $44.4 \\pm 0.2$. Use the quadrature solver for numbers; estimate the sampled solver's total error
    from a few solves with different keys where it matters, as the tests do. With
    `passes=0` (the marching fixed point only) each `*_stderr` is the standard error
    of the sample average over the $M$ paths, $\\sqrt{\\mathrm{Var}/M}$.

    The responses are $R(t, t') = E[\\partial h(t) / \\partial u(t')]$ and
    $R_\\phi(t, t') = E[\\partial \\phi(h(t)) / \\partial u(t')]$ to an input $u$ on a
    single neuron, from forward-mode derivatives of `response_samples` paths of the
    last pass (with $\\eta$, $m_\\phi$ held fixed: one neuron's input does not move
    the population). With independent couplings $W_{ij}$, $W_{ji}$ the effective process
    has no reaction term, so $R(t, t') = e^{-(t - t')}$ for $t > t'$ on every path
    (zero sampling error) and $R_\\phi(t, t') = E[\\phi'(h(t))] e^{-(t - t')}$, whose
    standard error is `response_phi_stderr`. On the grid the input is a hat function
    of unit integral, so $R$ is $e^{-(t - t')}$ averaged over it: on the diagonal
    only its rising half counts, $R(t, t) = (\\Delta t - 1 + e^{-\\Delta t}) /
    \\Delta t^2 = 1/2 - \\Delta t/6 + \\ldots$ (twice that at the grid's end, 0 at
    $t_0$), $O(\\Delta t^2)$ off elsewhere but $O(\\Delta t)$ in the column
    $t' = t_0$, where the hat is cut in half.

    `dmft.solve_two_time_quadrature` returns the same object with no sampling: its
    moments are those of the Gaussian effective process on the same grid, every
    `*_stderr` is zero, and the responses are the closed forms above.

    **Fields:** `ts`, `m`, `q`, `C`, `m_phi`, `C_phi`, their `*_stderr`, `response`,
    `response_phi`, `response_phi_stderr` (zeros when `response_samples=0`),
    `iterations` (marching iterations in all windows), `history` (the change per
    iteration of each marching window, `history[k, :]` for window `k`; zero after
    its last iteration), `result` (a `dmft.RESULTS`: `successful`,
    `max_iterations_reached` or `nonfinite`).
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
    result: RESULTS

    @property
    def converged(self) -> Bool[Array, ""]:
        """Whether the iteration met its tolerance."""
        return self.result == RESULTS.successful

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

    def late_window(self, start: float, tau: float = 0.0) -> tuple[float, float]:
        """The average of $C(t, t - \\tau)$ over the grid times $t \\ge$ `start`
        (with $t - \\tau$ interpolated linearly), and a standard error for it; on a
        concrete solution (not under jit). $\\tau = 0$ averages $q(t)$.

        The standard error is the window average of `C_stderr`, an upper bound of the
        standard error of the window average of the estimate (the standard deviation of
        a mean is at most the mean of the standard deviations, whatever the correlation
        over $t$).

        **Arguments:**

        - `start`: the first time of the window, in `[ts[0], ts[-1]]`.
        - `tau`: the lag $\\tau \\in [0$, `start - ts[0]`$]$.

        **Returns:** `(mean, stderr)` as Python floats.

        **Raises:** `ValueError` for a window or lag outside the grid.
        """
        ts = np.asarray(self.ts)
        if not ts[0] <= start <= ts[-1]:
            raise ValueError(
                f"`start` must lie in [{ts[0]}, {ts[-1]}] (the grid); got {start}."
            )
        if not 0 <= tau <= start - ts[0]:
            raise ValueError(
                f"`tau` must lie in [0, {start - ts[0]}] (start - ts[0], so that "
                f"every lagged time is on the grid); got {tau}."
            )
        times, values, errors = self.autocorrelation(tau)
        window = times >= start - 1e-12 * (ts[-1] - ts[0])
        return float(np.mean(values[window])), float(np.mean(errors[window]))

    def late_window_mean(self, start: float) -> tuple[float, float]:
        """The average of $m(t)$ over the grid times $t \\ge$ `start`, and the window
        average of `m_stderr` (an upper bound of its standard error, as in
        `late_window`); on a concrete solution.

        **Raises:** `ValueError` for a `start` outside the grid.
        """
        ts = np.asarray(self.ts)
        if not ts[0] <= start <= ts[-1]:
            raise ValueError(
                f"`start` must lie in [{ts[0]}, {ts[-1]}] (the grid); got {start}."
            )
        window = ts >= start - 1e-12 * (ts[-1] - ts[0])
        m, err = np.asarray(self.m), np.asarray(self.m_stderr)
        return float(np.mean(m[window])), float(np.mean(err[window]))
