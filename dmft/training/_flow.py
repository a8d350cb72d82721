"""The normalised gradient flow of the squared loss (Luo et al. 2021, eq. (8))."""

import jax
import jax.numpy as jnp
from jaxtyping import Array, Float


NormalisedState = tuple[Float[Array, " m"], Float[Array, "m d"]]
FlowArgs = tuple[
    Float[Array, ""], Float[Array, ""], Float[Array, "n d"], Float[Array, " n"]
]


def normalised_residual(state: NormalisedState, args: FlowArgs) -> Float[Array, " n"]:
    """$e_i = \\kappa \\sum_k \\bar a_k \\sigma(\\bar w_k \\cdot x_i) - y_i$, the
    residual $f(x_i) - y_i$ in the normalised variables."""
    a_bar, w_bar = state
    kappa, _, inputs, y = args
    return kappa * (jax.nn.relu(inputs @ w_bar.T) @ a_bar) - y


def normalised_vector_field(
    s: Float[Array, ""], state: NormalisedState, args: FlowArgs
) -> NormalisedState:
    """The gradient flow $\\dot\\theta = -\\nabla_\\theta R$ of
    $R = \\frac{1}{2n}\\sum_i (f(x_i) - y_i)^2$ in the normalised variables
    $\\bar a_k = a_k / \\beta_1$, $\\bar w_k = w_k / \\beta_2$ (both $O(1)$ at
    initialisation) and the time $s = t / \\alpha$:

    $$\\frac{d\\bar a_k}{ds} = -\\frac{1}{\\kappa'}\\,\\frac{1}{n}\\sum_{i=1}^n
        \\sigma(\\bar w_k \\cdot x_i)\\, e_i, \\qquad
      \\frac{d\\bar w_k}{ds} = -\\kappa'\\,\\frac{1}{n}\\sum_{i=1}^n
        \\bar a_k\\, 1[\\bar w_k \\cdot x_i > 0]\\, x_i\\, e_i,$$

    with $e_i$ from `normalised_residual`. Derivation: $f = \\kappa \\sum_k \\bar a_k
    \\sigma(\\bar w_k \\cdot x)$ because $\\sigma(\\beta_2 z) = \\beta_2 \\sigma(z)$;
    $\\partial R / \\partial a_k = \\frac{1}{n\\alpha}\\sum_i \\sigma(w_k \\cdot x_i)
    e_i$ and $\\partial R / \\partial w_k = \\frac{1}{n\\alpha}\\sum_i a_k
    \\sigma'(w_k \\cdot x_i) x_i e_i$; dividing by $\\beta_1$ (resp. $\\beta_2$) and
    multiplying by $dt/ds = \\alpha$ gives the factors $\\beta_2/\\beta_1 = 1/\\kappa'$
    and $\\beta_1/\\beta_2 = \\kappa'$. Luo et al. write the same flow in
    $\\bar t = t / (\\beta_1 \\beta_2) = s / \\kappa$, where both right-hand sides
    carry one more factor $\\kappa$; we integrate in $s$ because there the initial
    speed does not vanish like $m^{-\\gamma}$, so one time limit serves the whole
    diagram. $\\sigma'(0)$ is taken as 0 (the subgradient JAX uses).

    **Arguments:**

    - `s`: the time (unused: the flow is autonomous).
    - `state`: $(\\bar a, \\bar w)$, shapes `(m,)` and `(m, d)`.
    - `args`: $(\\kappa, \\kappa', x, y)$ with inputs `(n, d)` (bias column
      included) and targets `(n,)`.

    **Returns:** $(d\\bar a/ds, d\\bar w/ds)$.
    """
    del s
    a_bar, w_bar = state
    _, kappa_prime, inputs, _ = args
    e = normalised_residual(state, args)
    n = inputs.shape[0]
    pre = inputs @ w_bar.T  # (n, m): w_k . x_i
    da = -(jax.nn.relu(pre).T @ e) / (n * kappa_prime)
    active = (pre > 0).astype(pre.dtype)  # sigma'(w_k . x_i)
    dw = -kappa_prime * a_bar[:, None] * ((active * e[:, None]).T @ inputs) / n
    return da, dw


def normalised_loss(state: NormalisedState, args: FlowArgs) -> Float[Array, ""]:
    """$R = \\frac{1}{2n}\\sum_i e_i^2$ in the normalised variables."""
    return 0.5 * jnp.mean(normalised_residual(state, args) ** 2)
