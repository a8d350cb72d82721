"""Sample paths of the effective single-neuron process, by diffrax."""

import diffrax
import jax
from jaxtyping import Array, Float, PRNGKeyArray


def effective_paths(
    ts: Float[Array, " n"],
    forcing: Float[Array, "M n"],
    h0: Float[Array, " M"],
    noise: Float[Array, ""] | None,
    keys: PRNGKeyArray,
) -> Float[Array, "M n"]:
    """Integrate $M$ independent copies of

    $$dh = (-h + f_i(t))\\,dt + \\sigma\\,dB_i, \\qquad h(t_0) = h_{0,i},$$

    where the forcing $f_i(t) = \\bar w m_\\phi(t) + \\eta_i(t) + b_i + I(t)$ is given on
    the grid `ts` and interpolated linearly between grid points.

    The integrator is Heun's method stepping exactly on the grid (`diffrax.StepTo`).
    Its drift is then evaluated only at grid points, where the forcing is known, and
    per step it applies the trapezoidal rule, which integrates the piecewise-linear
    forcing exactly; the only error is the $O(\\Delta t^3)$ local error of the
    relaxation term $-h$ (relative $\\Delta t^2 / 12 \\approx 10^{-3}$ at
    $\\Delta t = 0.1$). An adaptive solver would gain nothing, because $\\eta$ is only
    known on the grid. The noise is additive, for which Heun's (Stratonovich) scheme
    coincides with the Itô solution and has strong order 1.

    **Arguments:**

    - `ts`: increasing grid of times, $t_0$ = `ts[0]`.
    - `forcing`: $f_i$ on the grid, one row per path.
    - `h0`: initial values.
    - `noise`: white-noise amplitude $\\sigma$, or `None` for none (skips the
      Brownian paths altogether).
    - `keys`: one key per path, for its Brownian motion. The increments over a given
      step depend only on the key and the step, so calls with the same keys reuse
      the same Brownian paths.

    **Returns:** $h_i(t)$ on the grid, shape `(M, n)`.
    """

    def one(f, y0, key):
        interp = diffrax.LinearInterpolation(ts, f)
        terms = diffrax.ODETerm(lambda t, h, args: -h + interp.evaluate(t))
        if noise is not None:
            brownian = diffrax.UnsafeBrownianPath(
                shape=jax.ShapeDtypeStruct((), ts.dtype), key=key
            )
            diffusion = diffrax.ControlTerm(lambda t, h, args: noise, brownian)
            terms = diffrax.MultiTerm(terms, diffusion)
        sol = diffrax.diffeqsolve(
            terms,
            diffrax.Heun(),
            ts[0],
            ts[-1],
            None,
            y0,
            saveat=diffrax.SaveAt(ts=ts),
            stepsize_controller=diffrax.StepTo(ts),
            # Forward mode: the response is a `jax.jacfwd` of these paths, and
            # `UnsafeBrownianPath` supports no reverse mode.
            adjoint=diffrax.ForwardMode(),
            max_steps=ts.shape[0],
        )
        return sol.ys

    return jax.vmap(one)(forcing, h0, keys)
