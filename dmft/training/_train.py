"""Train one network by the normalised gradient flow, solved with diffrax."""

import diffrax
import equinox as eqx
import jax.numpy as jnp
from jaxtyping import Array, Float, PRNGKeyArray

from .._results import RESULTS
from ._data import TrainingData
from ._flow import normalised_loss, normalised_vector_field
from ._initialisation import Initialisation
from ._model import TwoLayerReLU
from ._options import TrainingOptions


class TrainingResult(eqx.Module):
    """The outcome of `train`: the network before and after, the final loss and time.

    **Fields:**

    - `initial`, `final`: the `TwoLayerReLU` at $s = 0$ and at the stop.
    - `loss`: the final loss $R$.
    - `time`: the stopping time $s = t / \\alpha$.
    - `result`: a `dmft.RESULTS`: `successful` when $R <$ `loss_tol`, `time_limit`
      when $s$ reached `max_time` first, `max_steps_reached` when the ODE solver
      ran out of steps, `nonfinite` for non-finite parameters or loss.
    - `relative_distance`: $\\mathrm{RD}(\\theta_w) = \\|\\theta_w(s) -
      \\theta_w(0)\\|_2 / \\|\\theta_w(0)\\|_2$ at the stop, over all input
      weights (biases included).
    """

    initial: TwoLayerReLU
    final: TwoLayerReLU
    loss: Float[Array, ""]
    time: Float[Array, ""]
    result: RESULTS
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
      reported in `result`, never an error.

    **Returns:** a `TrainingResult`.

    ??? cite "References"

        ```bibtex
        @article{luo2021phase,
          title={Phase Diagram for Two-layer ReLU Neural Networks at Infinite-width
                 Limit},
          author={Luo, Tao and Xu, Zhi-Qin John and Ma, Zheng and Zhang, Yaoyu},
          journal={Journal of Machine Learning Research},
          volume={22},
          number={71},
          pages={1--47},
          year={2021}
        }
        ```
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
    result = RESULTS.where(
        sol.result == diffrax.RESULTS.max_steps_reached,
        RESULTS.max_steps_reached,
        RESULTS.where(sol.event_mask, RESULTS.successful, RESULTS.time_limit),
    )
    result = RESULTS.where(finite, result, RESULTS.nonfinite)
    if throw:
        failed = (result == RESULTS.max_steps_reached) | (result == RESULTS.nonfinite)
        loss = eqx.error_if(
            loss,
            failed,
            "train: the solver ran out of steps or produced non-finite "
            "numbers; see `TrainingResult.result` (pass throw=False).",
        )
    # RD is invariant under the rescaling w = beta2 w_bar: computed on O(1) numbers.
    rd = jnp.linalg.norm(w_bar - state0[1]) / jnp.linalg.norm(state0[1])
    return TrainingResult(
        initial=initial,
        final=final,
        loss=loss,
        time=time,
        result=result,
        relative_distance=rd,
    )
