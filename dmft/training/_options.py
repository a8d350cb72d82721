"""How long to train and how accurately: the options of `train`."""

import math

import diffrax
import equinox as eqx


class TrainingOptions(eqx.Module):
    """Options of the gradient-flow solve in `train`.

    Training stops at the first step where the loss $R$ falls below `loss_tol`
    (result `successful`) or at time `max_time` (result `time_limit`), whichever comes
    first. Time is $s = t / \\alpha$, the gradient-flow time $t$ of the physical
    parameters divided by the output scale; in it the initial learning speed is
    $O(1)$ across the phase diagram (see `normalised_vector_field`).

    **Arguments:**

    - `loss_tol`: stop when $R < $ `loss_tol` ($> 0$).
    - `max_time`: the time limit in units of $s$ ($> 0$).
    - `solver`: a diffrax ODE solver (default `Tsit5()`).
    - `stepsize_controller`: a diffrax step-size controller (default
      `PIDController(rtol=1e-4, atol=1e-6)`; the normalised variables are $O(1)$.
      Tighter tolerances cost many rejected steps at the kinks of ReLU, where a
      neuron's activation pattern changes, and move RD by < 1% on the paper's data).
    - `max_steps`: the most solver steps (then result `max_steps_reached`).

    **Raises:** `ValueError` for a non-finite or non-positive tolerance or time, or
    `max_steps < 1`.
    """

    loss_tol: float = 1e-5
    max_time: float = 1e4
    solver: diffrax.AbstractSolver = diffrax.Tsit5()
    stepsize_controller: diffrax.AbstractStepSizeController = diffrax.PIDController(
        rtol=1e-4, atol=1e-6
    )
    max_steps: int = eqx.field(default=100_000, static=True)

    def __check_init__(self):
        for name in ("loss_tol", "max_time"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not (
                math.isfinite(value) and value > 0
            ):
                raise ValueError(f"`{name}` must be finite and > 0; got {value!r}.")
        if isinstance(self.max_steps, bool) or not isinstance(self.max_steps, int):
            raise ValueError(f"`max_steps` must be an integer; got {self.max_steps!r}.")
        if self.max_steps < 1:
            raise ValueError(f"`max_steps` must be >= 1; got {self.max_steps}.")
