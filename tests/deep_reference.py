"""An independent route to the deep-limit quantities of tanh: SciPy's adaptive
quadrature (QUADPACK), no dmft code.

tanh is split as sign(u) + r(u), r(u) = tanh(u) - sign(u) = -sign(u) 2/(e^{2|u|} + 1),
which decays like e^{-2|u|}. Every expectation is then a closed form (the sign part)
plus integrals localised in |u| <= 40 (r(40) ~ 1e-35), which adaptive quadrature
resolves for any length q, from q ~ 1e-6 to q ~ 1e16:

- E[tanh(u)^2] = 1 - E[sech^2 u];
- E[tanh(u1) tanh(u2)] = (2/pi) arcsin c + 2 E[sign(u1) r(u2)] + E[r(u1) r(u2)],
  with E[sign(u1) | u2] = erf(c u2 / sqrt(2 q (1 - c^2)));
- E[phi'(u1) phi'(u2)] with phi' = sech^2 (localised), nested over the conditional
  density of u2 given u1.
"""

import math

import numpy as np
from scipy import integrate, optimize, special


_CUT = 40.0
_OPTS = dict(epsabs=1e-15, epsrel=1e-13, limit=400)


def _r(u):
    return -np.sign(u) * 2.0 / (np.exp(2.0 * abs(u)) + 1.0)


def _sech2(u):
    return 1.0 / np.cosh(u) ** 2 if abs(u) < 350 else 0.0


def _normal(u, mean, var):
    return math.exp(-0.5 * (u - mean) ** 2 / var) / math.sqrt(2 * math.pi * var)


def _quad(f, lo, hi, points=(), scale=1.0):
    # `scale`: the size of the result, so that the absolute tolerance stays relative
    # (localised integrals against a wide Gaussian are ~ 1/sqrt(var)).
    inner = sorted(p for p in points if lo < p < hi)
    edges = [lo, *inner, hi]
    opts = dict(_OPTS, epsabs=_OPTS["epsabs"] * scale)
    return sum(
        integrate.quad(f, a, b, **opts)[0] for a, b in zip(edges[:-1], edges[1:])
    )


def _localised(f, mean, var):
    """E[f(u)], u ~ N(mean, var), for f vanishing outside |u| <= _CUT."""
    s = math.sqrt(var)
    lo, hi = max(-_CUT, mean - 12 * s), min(_CUT, mean + 12 * s)
    if lo >= hi:
        return 0.0
    points = [0.0, mean, *np.linspace(lo, hi, 9)[1:-1]]
    scale = min(1.0, 1.0 / s)
    return _quad(lambda u: f(u) * _normal(u, mean, var), lo, hi, points, scale)


def second_moment(q, order=0):
    """E[tanh(sqrt(q) z)^2] (order 0) or E[sech^4(sqrt(q) z)] (order 1)."""
    if q == 0:
        return 0.0 if order == 0 else 1.0
    if order == 0 and q < 1:
        # Direct (no cancellation in 1 - E[sech^2]; |u| < 12 sqrt(q) < _CUT).
        return _localised(lambda u: math.tanh(u) ** 2, 0.0, q)
    if order == 0:
        return 1.0 - _localised(_sech2, 0.0, q)
    return _localised(lambda u: _sech2(u) ** 2, 0.0, q)


def length_slope(sigma_w, q):
    """V'(q) = sigma_w^2 (E[phi'^2] + E[phi'' phi]) (Stein's lemma), phi'' phi =
    -2 tanh^2 sech^2 (localised)."""
    curvature = _localised(lambda u: -2 * math.tanh(u) ** 2 * _sech2(u), 0.0, q)
    return sigma_w**2 * (second_moment(q, 1) + curvature)


def length_fixed_point(sigma_w, sigma_b):
    """q* = sigma_w^2 E[tanh^2] + sigma_b^2, by Brent's method."""
    sw2, sb2 = sigma_w**2, sigma_b**2

    def f(q):
        return sw2 * second_moment(q) + sb2 - q

    hi = sw2 + sb2  # E[tanh^2] < 1
    if sb2 == 0:
        if sw2 <= 1:  # q = 0 is the stable fixed point (chi_1 = sigma_w^2 there)
            return 0.0
        # E[tanh^2] = q - 2 q^2 + O(q^3): f > 0 below (sw2 - 1) / (4 sw2).
        lo = min(1e-3, (sw2 - 1) / (4 * sw2))
    else:
        lo = sb2
    return optimize.brentq(f, lo, hi, xtol=1e-300, rtol=1e-15, maxiter=200)


def _conditional(f, u1, q, c):
    """E[f(u2) | u1] for f localised."""
    return _localised(f, c * u1, q * (1 - c * c))


def pair(q, c):
    """E[tanh(u1) tanh(u2)] for lengths q, correlation c in [0, 1)."""
    sign_sign = 2 / math.pi * math.asin(c)
    scale = c / math.sqrt(2 * q * (1 - c * c))
    sign_r = _localised(lambda u: _r(u) * special.erf(scale * u), 0.0, q)
    r_r = _localised(lambda u: _r(u) * _conditional(_r, u, q, c), 0.0, q)
    return sign_sign + 2 * sign_r + r_r


def derivative_pair(q, c):
    """E[sech^2(u1) sech^2(u2)] for lengths q, correlation c in [0, 1)."""
    return _localised(lambda u: _sech2(u) * _conditional(_sech2, u, q, c), 0.0, q)


def correlation_fixed_point(sigma_w, sigma_b, q, c_guess, steps=2):
    """c* by Newton steps on c -> (sigma_w^2 E[tanh tanh] + sigma_b^2)/q - c from
    `c_guess`, with the exact slope sigma_w^2 E[sech^2 sech^2] (Price's theorem)."""
    sw2, sb2 = sigma_w**2, sigma_b**2
    c = c_guess
    for _ in range(steps):
        g = (sw2 * pair(q, c) + sb2) / q - c
        dg = sw2 * derivative_pair(q, c) - 1
        c = c - g / dg
    return c
