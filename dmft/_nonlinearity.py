"""Nonlinearities (transfer functions) $\\phi$ with their derivatives, antiderivative and,
where they exist, closed-form Gaussian expectations."""

import abc
import math
from collections.abc import Callable
from typing import ClassVar

import equinox as eqx
import jax
import jax.numpy as jnp
import jax.scipy.special as jsp
import numpy as np
from jaxtyping import Array, ArrayLike

from ._custom_types import Order


_SQRT_PI = math.sqrt(math.pi)
# 32-point Gauss-Legendre rule on [0, 1], for antiderivatives without a closed form.
_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(32)
_GL_NODES, _GL_WEIGHTS = (_GL_NODES + 1) / 2, _GL_WEIGHTS / 2


def _floating(x: ArrayLike) -> Array:
    # Keep a float32 input float32 (simulations); promote ints to the default float.
    x = jnp.asarray(x)
    return x if jnp.issubdtype(x.dtype, jnp.floating) else x.astype(float)


def _normal_pdf(x):
    return jnp.exp(-0.5 * x**2) / math.sqrt(2 * math.pi)


def _normal_cdf(x):
    return 0.5 * jsp.erfc(-x / math.sqrt(2))


class AbstractNonlinearity(eqx.Module):
    """A transfer function $\\phi$ applied elementwise.

    Subclasses implement `__call__`; derivatives default to autodiff and the
    antiderivative $\\Phi(x) = \\int_0^x \\phi$ to 32-point Gauss-Legendre quadrature.
    Closed forms of Gaussian expectations are optional hooks returning `None` when the
    nonlinearity has none; `dmft.expectation` and friends fall back to quadrature then,
    which is only allowed for smooth nonlinearities (`smooth = True`).
    """

    name: ClassVar[str] = "custom"
    # Whether quadrature of phi and its derivatives converges fast (analytic phi).
    smooth: ClassVar[bool] = True
    # lim_{q -> oo} E[phi(sqrt(q) z)^2] / q where known, else None: 0 for a bounded
    # phi; a positive value only for a positively homogeneous phi (ReLU, linear), whose
    # deep length map is then exactly V(q) = sigma_w^2 growth q + sigma_b^2.
    growth: ClassVar[float | None] = None

    @abc.abstractmethod
    def __call__(self, x: ArrayLike) -> Array:
        """$\\phi(x)$, elementwise."""

    def derivative(self, x: ArrayLike) -> Array:
        """$\\phi'(x)$, elementwise (autodiff unless overridden)."""
        return jnp.vectorize(jax.grad(self.__call__))(_floating(x))

    def second_derivative(self, x: ArrayLike) -> Array:
        """$\\phi''(x)$, elementwise (autodiff unless overridden)."""
        return jnp.vectorize(jax.grad(jax.grad(self.__call__)))(_floating(x))

    def antiderivative(self, x: ArrayLike) -> Array:
        """$\\Phi(x) = \\int_0^x \\phi(s) ds$ (Gauss-Legendre unless overridden)."""
        x = _floating(x)
        nodes = jnp.asarray(_GL_NODES, x.dtype)
        weights = jnp.asarray(_GL_WEIGHTS, x.dtype)
        values = self(x[..., None] * nodes)
        return x * jnp.sum(weights * values, axis=-1)

    def function(self, order: Order) -> Callable[[ArrayLike], Array]:
        """The function of the given order: -1 is $\\Phi$, 0 is $\\phi$, 1 is $\\phi'$,
        2 is $\\phi''$."""
        try:
            return {
                -1: self.antiderivative,
                0: self.__call__,
                1: self.derivative,
                2: self.second_derivative,
            }[order]
        except KeyError:
            raise ValueError(f"order must be -1, 0, 1 or 2; got {order!r}.") from None

    # Closed-form hooks. Each returns None where no closed form is known.

    def gaussian_mean(self, order: Order, mean: Array, var: Array) -> Array | None:
        """$E_x[\\phi^{(order)}(m + \\sqrt{v} x)]$ in closed form, or None."""
        return None

    def gaussian_product_mean(
        self, orders: tuple[Order, Order], mean: Array, var: Array
    ) -> Array | None:
        """$E_x[\\phi^{(i)}(u) \\phi^{(j)}(u)]$, $u = m + \\sqrt{v} x$, in closed form,
        or None."""
        return None

    def gaussian_kernel(
        self, orders: tuple[Order, Order], q11: Array, q22: Array, q12: Array
    ) -> Array | None:
        """$E[\\phi^{(i)}(u_1) \\phi^{(j)}(u_2)]$ for zero-mean Gaussians with covariance
        $((q_{11}, q_{12}), (q_{12}, q_{22}))$ in closed form, or None."""
        return None


class Tanh(AbstractNonlinearity):
    """$\\phi(x) = \\tanh x$, antiderivative $\\log\\cosh x$ (Sompolinsky, Crisanti &
    Sommers 1988)."""

    name: ClassVar[str] = "tanh"
    growth: ClassVar[float | None] = 0.0

    def __call__(self, x):
        return jnp.tanh(x)

    def derivative(self, x):
        return 1 - jnp.tanh(x) ** 2

    def second_derivative(self, x):
        t = jnp.tanh(x)
        return -2 * t * (1 - t**2)

    def antiderivative(self, x):
        # log cosh x = |x| + log1p(exp(-2|x|)) - log 2, stable for large |x|.
        a = jnp.abs(x)
        return a + jnp.log1p(jnp.exp(-2 * a)) - math.log(2)


class Erf(AbstractNonlinearity):
    """$\\phi(x) = \\operatorname{erf}(x)$, with the arcsine kernel
    $E[\\phi(u_1)\\phi(u_2)] = \\frac{2}{\\pi}\\arcsin\\frac{2 q_{12}}
    {\\sqrt{(1 + 2 q_{11})(1 + 2 q_{22})}}$ (Williams 1997).

    ??? cite "References"

        ```bibtex
        @inproceedings{williams1997computing,
          title={Computing with infinite networks},
          author={Williams, Christopher K. I.},
          booktitle={Advances in Neural Information Processing Systems 9},
          year={1997}
        }
        ```
    """

    name: ClassVar[str] = "erf"
    growth: ClassVar[float | None] = 0.0

    def __call__(self, x):
        return jsp.erf(x)

    def derivative(self, x):
        return 2 / _SQRT_PI * jnp.exp(-jnp.square(x))

    def second_derivative(self, x):
        return -4 / _SQRT_PI * x * jnp.exp(-jnp.square(x))

    def antiderivative(self, x):
        return x * jsp.erf(x) + (jnp.exp(-jnp.square(x)) - 1) / _SQRT_PI

    def gaussian_mean(self, order, mean, var):
        # Smoothing erf by a Gaussian gives a rescaled erf: s^2 = 1 + 2 var.
        s2 = 1 + 2 * var
        s = jnp.sqrt(s2)
        gauss = 2 / _SQRT_PI / s * jnp.exp(-jnp.square(mean) / s2)
        if order == -1:
            return s * self.antiderivative(mean / s) + (s - 1) / _SQRT_PI
        if order == 0:
            return jsp.erf(mean / s)
        if order == 1:
            return gauss
        if order == 2:
            return -2 * mean / s2 * gauss
        return None

    def gaussian_product_mean(self, orders, mean, var):
        if tuple(orders) == (1, 1):
            s2 = 1 + 4 * var
            return 4 / math.pi / jnp.sqrt(s2) * jnp.exp(-2 * jnp.square(mean) / s2)
        return None

    def gaussian_kernel(self, orders, q11, q22, q12):
        orders = tuple(orders)
        # det >= 1 for any covariance (q12^2 <= q11 q22); the arcsine kernel as
        # arctan(2 q12 / sqrt(det)) = arcsin(2 q12 / sqrt((1 + 2 q11)(1 + 2 q22))),
        # which needs no clip, and arctan costs half of arcsin on CPU.
        # Expanded so that the leading 1 + 2 (q11 + q22) carries no cancellation:
        # the product form loses ~eps q relative at large q (3e-11 in the deep
        # q* at sigma_w = 2e6), and q11 q22 - q12^2 is exactly 0 on the diagonal.
        det = 1 + 2 * (q11 + q22) + 4 * (q11 * q22 - jnp.square(q12))
        if orders == (0, 0):
            return 2 / math.pi * jnp.arctan(2 * q12 / jnp.sqrt(det))
        if orders == (1, 1):
            return 4 / math.pi / jnp.sqrt(det)
        return None


class ReLU(AbstractNonlinearity):
    """$\\phi(x) = \\max(x, 0)$, with the arc-cosine kernels of Cho & Saul (2009):
    $E[\\phi(u_1)^n \\phi(u_2)^n] = \\frac{(q_{11} q_{22})^{n/2}}{2\\pi} J_n(\\theta)$,
    $\\cos\\theta = q_{12}/\\sqrt{q_{11} q_{22}}$.

    The kink makes Gauss-Hermite quadrature converge only algebraically, so every
    expectation of ReLU goes through a closed form; one that has none raises.

    ??? cite "References"

        ```bibtex
        @inproceedings{cho2009kernel,
          title={Kernel Methods for Deep Learning},
          author={Cho, Youngmin and Saul, Lawrence K.},
          booktitle={Advances in Neural Information Processing Systems 22},
          year={2009}
        }
        ```
    """

    name: ClassVar[str] = "relu"
    growth: ClassVar[float | None] = 0.5
    smooth: ClassVar[bool] = False

    def __call__(self, x):
        return jnp.maximum(x, 0)

    def derivative(self, x):
        x = _floating(x)
        return (x > 0).astype(x.dtype)

    def second_derivative(self, x):
        # A Dirac delta at 0; pointwise it is zero. Expectations use gaussian_mean.
        return jnp.zeros_like(_floating(x))

    def antiderivative(self, x):
        return 0.5 * jnp.square(jnp.maximum(x, 0))

    def gaussian_mean(self, order, mean, var):
        # Truncated-Gaussian moments; var = 0 reduces to the pointwise value.
        s = jnp.sqrt(var)
        safe_s = jnp.where(s > 0, s, 1.0)
        a = mean / safe_s
        pdf, cdf = _normal_pdf(a), _normal_cdf(a)
        if order == -1:
            value = 0.5 * ((jnp.square(mean) + var) * cdf + mean * s * pdf)
            pointwise = self.antiderivative(mean)
        elif order == 0:
            value, pointwise = mean * cdf + s * pdf, self(mean)
        elif order == 1:
            value, pointwise = cdf, self.derivative(mean)
        elif order == 2:
            # E[delta(u)] is the Gaussian density at 0; at var = 0 it has no value.
            return jnp.where(s > 0, pdf / safe_s, jnp.nan)
        else:
            return None
        return jnp.where(s > 0, value, pointwise)

    def gaussian_product_mean(self, orders, mean, var):
        i, j = sorted(orders)
        if (i, j) == (0, 0):
            return 2 * self.gaussian_mean(-1, mean, var)
        if (i, j) == (1, 1):
            return self.gaussian_mean(1, mean, var)
        if (i, j) == (0, 1):
            return self.gaussian_mean(0, mean, var)
        if (i, j) in ((0, 2), (1, 2)):
            # relu(0) = 0 and H(0) = 0 against the delta at 0.
            return jnp.zeros_like(_floating(mean) + var)
        return None

    def gaussian_kernel(self, orders, q11, q22, q12):
        i, j = sorted(orders)
        if i != j and (i, j) != (0, 1):
            return None
        if (i, j) == (0, 1):
            # E[u1 1(u1>0) 1(u2>0)] = sqrt(q11) (1 + c) / (2 sqrt(2 pi)), with the
            # derivative on the second argument; orders are sorted, so swap if needed.
            q_val = q11 if tuple(orders) == (0, 1) else q22
            c = jnp.clip(q12 / jnp.sqrt(q11 * q22), -1, 1)
            return jnp.sqrt(q_val) * (1 + c) / (2 * math.sqrt(2 * math.pi))
        c = jnp.clip(q12 / jnp.sqrt(q11 * q22), -1, 1)
        theta = jnp.arccos(c)
        if i == 1:
            return (math.pi - theta) / (2 * math.pi)
        if i == 0:
            j1 = jnp.sin(theta) + (math.pi - theta) * c
            return jnp.sqrt(q11 * q22) / (2 * math.pi) * j1
        if i == -1:
            j2 = 3 * jnp.sin(theta) * c + (math.pi - theta) * (1 + 2 * c**2)
            return q11 * q22 / (8 * math.pi) * j2
        return None


class Linear(AbstractNonlinearity):
    """$\\phi(x) = x$: every Gaussian expectation is a polynomial moment."""

    name: ClassVar[str] = "linear"
    growth: ClassVar[float | None] = 1.0

    def __call__(self, x):
        return _floating(x)

    def derivative(self, x):
        return jnp.ones_like(_floating(x))

    def second_derivative(self, x):
        return jnp.zeros_like(_floating(x))

    def antiderivative(self, x):
        return 0.5 * jnp.square(x)

    def gaussian_mean(self, order, mean, var):
        mean = _floating(mean) + jnp.zeros_like(var)
        return {
            -1: 0.5 * (jnp.square(mean) + var),
            0: mean,
            1: jnp.ones_like(mean),
            2: jnp.zeros_like(mean),
        }.get(order)

    def gaussian_product_mean(self, orders, mean, var):
        i, j = sorted(orders)
        m2 = jnp.square(mean) + var
        if (i, j) == (0, 0):
            return m2
        if (i, j) == (0, 1):
            return _floating(mean) + jnp.zeros_like(var)
        if (i, j) == (1, 1):
            return jnp.ones_like(m2)
        if 2 in (i, j):
            return jnp.zeros_like(m2)
        if (i, j) == (-1, -1):
            m = _floating(mean)
            return 0.25 * (m**4 + 6 * m**2 * var + 3 * var**2)
        if (i, j) == (-1, 0):
            m = _floating(mean)
            return 0.5 * (m**3 + 3 * m * var)
        if (i, j) == (-1, 1):
            return 0.5 * m2
        return None

    def gaussian_kernel(self, orders, q11, q22, q12):
        i, j = sorted(orders)
        if (i, j) == (0, 0):
            return q12
        if (i, j) == (1, 1):
            return jnp.ones_like(q12)
        if (i, j) == (0, 1) or 2 in (i, j):
            return jnp.zeros_like(q12)
        if (i, j) == (-1, -1):
            # E[u1^2 u2^2]/4 by Isserlis.
            return 0.25 * (q11 * q22 + 2 * jnp.square(q12))
        if (i, j) == (-1, 1):
            return 0.5 * (q11 if tuple(orders) == (-1, 1) else q22)
        return None


class Custom(AbstractNonlinearity):
    """Any elementwise JAX function $\\phi$; derivatives by autodiff, antiderivative by
    Gauss-Legendre quadrature, Gaussian expectations by quadrature.

    **Arguments:**

    - `fn`: the function, `jnp` in and out, elementwise.
    - `is_smooth`: set to False for functions with kinks (hard tanh, ReLU variants):
        then quadrature is refused instead of silently converging slowly.
    """

    fn: Callable[[Array], Array]
    is_smooth: bool = eqx.field(default=True, static=True)

    def __check_init__(self):
        if not callable(self.fn):
            raise ValueError("Custom(fn) needs a callable `fn`.")

    def __call__(self, x):
        return self.fn(_floating(x))

    @property
    def smooth(self) -> bool:  # pyright: ignore[reportIncompatibleVariableOverride]
        return self.is_smooth


NONLINEARITIES: dict[str, type[AbstractNonlinearity]] = {
    cls.name: cls for cls in (Tanh, Erf, ReLU, Linear)
}


def nonlinearity(name: str) -> AbstractNonlinearity:
    """The built-in nonlinearity called `name` (`tanh`, `erf`, `relu`, `linear`).

    **Raises:** `ValueError` for an unknown name.
    """
    try:
        return NONLINEARITIES[name.lower()]()
    except KeyError:
        known = ", ".join(sorted(NONLINEARITIES))
        raise ValueError(
            f"unknown nonlinearity {name!r}; choose one of {known}."
        ) from None
