"""Train one network by the normalised gradient flow, solved with diffrax."""

import diffrax
import equinox as eqx
import jax.numpy as jnp
from jaxtyping import Array, Float, PRNGKeyArray

from ._data import TrainingData
from ._exponents import _CITE
from ._flow import normalised_loss, normalised_vector_field
from ._initialisation import Initialisation
from ._model import TwoLayerReLU
from ._options import TrainingOptions


class TrainingStatus(eqx.Enumeration):
    """How training ended."""

    converged = ""
    time_limit = (
        "Training reached `max_time` before the loss fell below `loss_tol`. Try "
        "increasing `TrainingOptions.max_time`."
    )
    max_steps_reached = (
        "The ODE solver took `max_steps` steps before the loss fell below "
        "`loss_tol`. Try increasing `TrainingOptions.max_steps`."
    )
    nonfinite = "Training produced non-finite parameters or loss."


class TrainingResult(eqx.Module):
    """The outcome of `train`: the network before and after, the final loss and time.

    **Fields:**

    - `initial`, `final`: the `TwoLayerReLU` at $s = 0$ and at the stop.
    - `loss`: the final loss $R$.
    - `time`: the stopping time $s = t / \\alpha$.
    - `status`: a `TrainingStatus` (`converged` when $R <$ `loss_tol`).
    - `relative_distance`: $\\mathrm{RD}(\\theta_w) = \\|\\theta_w(s) -
      \\theta_w(0)\\|_2 / \\|\\theta_w(0)\\|_2$ at the stop, over all input
      weights (biases included).
    """

    initial: TwoLayerReLU
    final: TwoLayerReLU
    loss: Float[Array, ""]
    time: Float[Array, ""]
    status: TrainingStatus
    relative_distance: Float[Array, ""]


def train(
    key: PRNGKeyArray,
    init: Initialisation,
    data: TrainingData,
    options: TrainingOptions = TrainingOptions(),
    *,
    padded_width: int | None = None,
    throw: bool = True,
) -> TrainingResult:
    """Draw a network from `init` and train it on `data` by gradient flow of
    $R = \\frac{1}{2n}\\sum_i (f(x_i) - y_i)^2$ until $R <$ `options.loss_tol` or
    $s =$ `options.max_time`.

    The flow is integrated in the normalised variables $\\bar a = a / \\beta_1$,
    $\\bar w = w / \\beta_2$ (`normalised_vector_field`) with adaptive steps; the
    stop on the loss is a diffrax `Event`. Jit- and vmap-friendly: vmap over `key`
    for seeds (one compilation per width).

    **Arguments:**

    - `key`: a `jax.random` key for the initial weights.
    - `init`: the `Initialisation` (width and scales).
    - `data`: the `TrainingData`.
    - `options`: `TrainingOptions` (tolerance, time limit, solver).
    - `padded_width`: train a network zero-padded to this many neurons (see
      `Initialisation.sample`; the padding changes nothing but the shape).
    - `throw`: raise (via `eqx.error_if`, also under jit) if the solver ran out of
      steps or produced non-finite numbers. Reaching `max_time` is a normal outcome
      reported in `status`, never an error.

    **Returns:** a `TrainingResult`.
    """
    inputs, y = data.inputs, data.y
    initial = init.sample(key, inputs.shape[1], padded_width)
    dtype = initial.w.dtype
    args = (
        init.kappa.astype(dtype),
        init.kappa_prime.astype(dtype),
        inputs.astype(dtype),
        y.astype(dtype),
    )
    state0 = (initial.a / init.beta1, initial.w / init.beta2)

    def below_tolerance(t, state, args, **kwargs):
        return normalised_loss(state, args) < options.loss_tol

    sol = diffrax.diffeqsolve(
        diffrax.ODETerm(normalised_vector_field),
        options.solver,
        t0=0.0,
        t1=options.max_time,
        dt0=None,
        y0=state0,
        args=args,
        stepsize_controller=options.stepsize_controller,
        event=diffrax.Event(below_tolerance),
        max_steps=options.max_steps,
        throw=False,
    )
    a_bar, w_bar = (leaf[-1] for leaf in sol.ys)
    final = TwoLayerReLU(a=init.beta1 * a_bar, w=init.beta2 * w_bar, alpha=init.alpha)
    loss = normalised_loss((a_bar, w_bar), args)
    time = sol.ts[-1]

    finite = jnp.isfinite(loss) & jnp.all(jnp.isfinite(w_bar))
    status = TrainingStatus.where(
        sol.result == diffrax.RESULTS.max_steps_reached,
        TrainingStatus.max_steps_reached,
        TrainingStatus.where(
            sol.event_mask, TrainingStatus.converged, TrainingStatus.time_limit
        ),
    )
    status = TrainingStatus.where(finite, status, TrainingStatus.nonfinite)
    if throw:
        failed = (status == TrainingStatus.max_steps_reached) | (
            status == TrainingStatus.nonfinite
        )
        loss = eqx.error_if(
            loss,
            failed,
            "train: the solver ran out of steps or produced non-finite "
            "numbers; see `TrainingResult.status` (pass throw=False).",
        )
    # RD is invariant under the rescaling w = beta2 w_bar: computed on O(1) numbers.
    rd = jnp.linalg.norm(w_bar - state0[1]) / jnp.linalg.norm(state0[1])
    return TrainingResult(
        initial=initial,
        final=final,
        loss=loss,
        time=time,
        status=status,
        relative_distance=rd,
    )


train.__doc__ += _CITE
