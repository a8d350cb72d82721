"""The linear rate network's two-time DMFT in closed form (an independent route for
both two-time solvers)."""

import numpy as np
from scipy import integrate
from scipy.special import i0e


def riemann(t, s, a):
    """$e^{-(t + s)} I_0(2 a \\sqrt{t s})$, overflow-free."""
    x = 2 * a * np.sqrt(np.maximum(t * s, 0.0))
    return i0e(x) * np.exp(x - t - s)


class LinearTheory:
    """The linear network $\\phi(h) = h$ for $N \\to \\infty$, independently of the
    solver. With $D(t, t') = e^{t + t'} C(t, t')$ the DMFT covariance obeys the
    Goursat problem $\\partial_t \\partial_{t'} D = \\sigma_w^2 D + S$, $D(t, 0) =
    D(0, t') = q_0$, with source $S = e^{s + s'} (\\sigma_w^2 m(s) m(s') +
    \\sigma_b^2) + \\sigma^2 e^{2 s} \\delta(s - s')$ (from $\\eta$'s non-centred
    covariance, the biases and the white noise). Its Riemann function is
    $I_0(2 \\sigma_w \\sqrt{t t'})$ (it solves $\\partial_t \\partial_{t'} K =
    \\sigma_w^2 K$ with $K = 1$ on the axes), hence

    $$C(t, t') = q_0 e^{-(t+t')} I_0(2\\sigma_w\\sqrt{t t'})
      + \\sigma^2 \\int_0^{t \\wedge t'} e^{2s - t - t'} I_0(\\ldots)\\,ds
      + \\int_0^t\\!\\int_0^{t'} e^{s + s' - t - t'} I_0(\\ldots)
        (\\sigma_w^2 m(s) m(s') + \\sigma_b^2)\\,ds\\,ds'.$$

    The mean obeys $\\dot m = -(1 - \\bar w) m + \\bar b + A \\sin t$: closed form.
    """

    def __init__(self, sw, sb, noise, w0, b0, m0, q0, amp):
        self.sw, self.sb, self.noise = sw, sb, noise
        self.w0, self.b0, self.m0, self.q0, self.amp = w0, b0, m0, q0, amp

    def m(self, t):
        a = 1 - self.w0
        particular = self.b0 / a + self.amp * (a * np.sin(t) - np.cos(t)) / (a**2 + 1)
        at0 = self.b0 / a - self.amp / (a**2 + 1)
        return particular + (self.m0 - at0) * np.exp(-a * t)

    def C(self, t, s):
        a = self.sw
        out = self.q0 * riemann(t, s, a)
        if self.noise:
            noise, _ = integrate.quad(
                lambda u: (
                    np.exp(2 * u - t - s)
                    * riemann(t - u, s - u, a)
                    * np.exp(t - u + s - u)
                ),
                0,
                min(t, s),
                epsabs=1e-11,
            )
            out += self.noise**2 * noise
        source, _ = integrate.dblquad(
            lambda v, u: (
                riemann(t - u, s - v, a)
                * (self.sw**2 * self.m(u) * self.m(v) + self.sb**2)
            ),
            0,
            t,
            0,
            s,
            epsabs=1e-10,
        )
        return out + source
