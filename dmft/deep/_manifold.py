"""Poole et al.'s manifold experiment: a circle of inputs stretched through depth."""

import math

import jax.numpy as jnp
import jax.random as jr
from jaxtyping import Array, ArrayLike, Float, PRNGKeyArray

from .._ensemble import NetworkEnsemble
from .._gaussian import DEFAULT_RULE
from .._quadrature import AbstractGaussianRule
from .._validation import check_finite_nonnegative
from ._depth_profile import depth_profile
from ._length_map import chi_1


def circle_inputs(
    key: PRNGKeyArray, q: float, width: int, n_points: int, dtype=float
) -> Float[Array, "n_points width"]:
    """`n_points` equally spaced points of the circle
    $h^0(\\theta) = \\sqrt{N q}\\,(u_0 \\cos\\theta + u_1 \\sin\\theta)$, with $u_0, u_1$
    random orthonormal vectors of $\\mathbb{R}^N$: every point has length $q$ per
    neuron (Poole et al. 2016, Fig. 3).
    """
    if n_points < 3 or width < 2:
        raise ValueError("circle_inputs needs n_points >= 3 and width >= 2.")
    check_finite_nonnegative(q=q)
    basis, _ = jnp.linalg.qr(jr.normal(key, (width, 2), dtype))
    theta = jnp.arange(n_points, dtype=dtype) * (2 * math.pi / n_points)
    circle = jnp.stack([jnp.cos(theta), jnp.sin(theta)], axis=-1)
    return jnp.sqrt(width * jnp.asarray(q, dtype)) * circle @ basis.T


def curve_length(kernels: Float[Array, "*layers p p"]) -> Float[Array, "*layers"]:
    """The length per $\\sqrt{N}$ of the closed polygon through the `p` points whose
    kernel (Gram matrix divided by $N$) is given:
    $\\sum_a \\sqrt{K_{aa} + K_{a+1,a+1} - 2 K_{a,a+1}}$ (indices mod `p`)."""
    diag = jnp.diagonal(kernels, axis1=-2, axis2=-1)
    nxt = jnp.roll(diag, -1, axis=-1)
    off = jnp.diagonal(jnp.roll(kernels, -1, axis=-1), axis1=-2, axis2=-1)
    return jnp.sum(jnp.sqrt(jnp.maximum(diag + nxt - 2 * off, 0.0)), axis=-1)


def circle_length(
    ensemble: NetworkEnsemble,
    q: Float[ArrayLike, ""],
    depth: int,
    n_points: int | None = None,
    rule: AbstractGaussianRule = DEFAULT_RULE,
) -> Float[Array, " depth_plus_1"]:
    """The length per $\\sqrt{N}$ of the image of the input circle of `circle_inputs`
    at layers $0, \\ldots, L$, at infinite width.

    The squared speed $g^l = |\\partial_\\theta h^l|^2/N$ obeys
    $g^l = \\chi_1(q^{l-1})\\, g^{l-1}$ (the tangent is independent of $h^{l-1}$
    because every point has the same length), so the length is
    $2\\pi\\sqrt{q^0}\\prod_{k<l}\\sqrt{\\chi_1(q^k)}$: it grows as $\\chi_1^{l/2}$ in
    the chaotic phase (Poole et al. 2016). With `n_points`, the length of the polygon
    through that many equally spaced points instead (what `curve_length` measures),
    $M\\sqrt{2(q^l - q_{12}^l)}$, from the covariance map started at
    $q_{12}^0 = q \\cos(2\\pi/M)$; it tends to the smooth length as $M \\to \\infty$.
    The mean over width-$N$ networks of the sampled polygon is biased low by $O(1/N)$
    (about $7/N$ relative in the deep chaotic phase, tanh at $\\sigma_w = 4$): compare
    with $2L_N - L_{N/2}$ or at large $N$.
    """
    q = jnp.asarray(q, float)
    if n_points is None:
        profile = depth_profile(ensemble, depth, q, rule=rule)
        gain = jnp.sqrt(chi_1(ensemble, profile.q11[:-1], rule))
        factors = jnp.concatenate([jnp.ones(1), jnp.cumprod(gain)])
        return 2 * math.pi * jnp.sqrt(q) * factors
    q12 = q * math.cos(2 * math.pi / n_points)
    profile = depth_profile(ensemble, depth, q, q, q12, rule=rule)
    return n_points * jnp.sqrt(2 * jnp.maximum(profile.q11 - profile.q12, 0.0))
