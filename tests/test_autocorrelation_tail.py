"""Delta(tau) at strong coupling (g = 3, 4) over long windows, where the approach to
Delta_inf is the unstable approach to a hill top of V: energy conservation, the energy
integral computed independently in NumPy, and the exponential tail rate kappa.

The independent route: V'(x) = g^2 C(x; Delta0) + sb^2 - x with C as a nested Gaussian
average by the trapezoidal rule (step 0.08 on [-9, 9]: for tanh(a z), a <= 3.3, the
nearest pole is 0.48 off the real axis, error ~exp(-2 pi 0.48 / 0.08) ~ 1e-16), the
kinetic term 2 (E - V(Delta_inf + u)) = -2 u int_0^1 V'(Delta_inf + u t) dt by 16-node
Gauss-Legendre (no cancellation however small u), and
tau(Delta) = int_Delta^Delta0 ds / sqrt(2 (E - V(s))) by 40-node Gauss-Legendre in two
pieces: s = Delta0 - t^2 near Delta0 (removes the endpoint singularity) and
log(s - Delta_inf) near Delta_inf (where the integrand tends to 1/kappa).
"""

import jax
import numpy as np
import pytest

import dmft
from dmft.meanfield import potential


_H = 0.08
_Z = np.arange(-9.0, 9.0 + _H / 2, _H)
_WZ = _H * np.exp(-0.5 * _Z**2) / np.sqrt(2 * np.pi)
_T, _WT = np.polynomial.legendre.leggauss(16)
_T, _WT = 0.5 * (_T + 1), 0.5 * _WT
_Y, _WY = np.polynomial.legendre.leggauss(40)


def _force(x, g, sb, d0):
    """V'(x) = g^2 E_z[(E_xi tanh(sqrt(d0 - x) xi + sqrt(x) z))^2] + sb^2 - x."""
    x = np.asarray(x, float)
    out = np.empty_like(x)
    flat, res = x.reshape(-1), out.reshape(-1)
    for k in range(0, flat.size, 64):
        chunk = flat[k : k + 64, None, None]
        arg = np.sqrt(d0 - chunk) * _Z[None, None, :] + np.sqrt(chunk) * _Z[:, None]
        inner = np.tanh(arg) @ _WZ
        res[k : k + 64] = g**2 * (inner**2 @ _WZ) + sb**2 - flat[k : k + 64]
    return out


def _kinetic(u, g, sb, d0, dinf):
    """2 (V(Delta_inf) - V(Delta_inf + u)) = -2 u int_0^1 V'(Delta_inf + u t) dt."""
    u = np.asarray(u, float)
    return -2 * u * (_force(dinf + u[..., None] * _T, g, sb, d0) @ _WT)


def _gauss_legendre(a, b):
    return 0.5 * (b - a) * _Y + 0.5 * (b + a), 0.5 * (b - a) * _WY


def _tau_of_delta(delta, g, sb, s, d0, dinf):
    split = max(delta, dinf + 0.3 * (d0 - dinf))
    # Piece A: [split, Delta0] with s = Delta0 - t^2 and the kinetic term from the top,
    # 2 (E - V(Delta0 - t^2)) = sigma^4/4 + 2 t^2 int_0^1 V'(Delta0 - t^2 r) dr (the
    # energy condition E = V(Delta0) + sigma^4/8 that the solver solved): no
    # cancellation near t = 0, where without noise the integrand is 0/0.
    t, w = _gauss_legendre(0.0, np.sqrt(d0 - split))
    top = s**4 / 4 + 2 * t**2 * (_force(d0 - t[:, None] ** 2 * _T, g, sb, d0) @ _WT)
    tau = np.sum(w * 2 * t / np.sqrt(top))
    # Piece B: [Delta, split] in y = log(s - Delta_inf), the kinetic term from the
    # bottom; its integrand tends to 1/kappa as s -> Delta_inf.
    if delta < split:
        y, w = _gauss_legendre(np.log(delta - dinf), np.log(split - dinf))
        u = np.exp(y)
        tau += np.sum(w * u / np.sqrt(_kinetic(u, g, sb, d0, dinf)))
    return tau


# (g, sigma_b, sigma); with sigma_b = 0 Delta_inf = 0 exactly, so the tail can be
# followed to tiny u without the solver's tolerance on Delta_inf (1e-12) entering.
CASES = [(3.0, 0.0, 0.0), (4.0, 0.0, 0.5), (3.0, 0.3, 0.5)]


@pytest.fixture(scope="module")
def solutions():
    out = []
    for g, sb, s in CASES:
        ens = dmft.NetworkEnsemble(sigma_w=g, sigma_b=sb, noise=s)
        sol = dmft.solve_stationary(ens, grid=None)
        assert sol.regime == dmft.REGIMES.chaotic
        out.append((ens, sol))
    return out


def _kappa(g, sb, d0, dinf):
    """sqrt(-V''(Delta_inf)) by a central difference of the independent V'."""
    eps = 1e-5 * d0
    x = dinf + np.array([eps, 2 * eps])  # one-sided at Delta_inf = 0 (sqrt(x) there)
    f1, f2 = _force(x, g, sb, d0)
    f0 = _force(np.array([dinf]), g, sb, d0)[0]
    return np.sqrt(-(-3 * f0 + 4 * f1 - f2) / (2 * eps))


@pytest.mark.slow
@pytest.mark.parametrize("case", range(len(CASES)))
def test_energy_integral_and_conservation(solutions, case):
    g, sb, s = CASES[case]
    ens, sol = solutions[case]
    d0, dinf = float(sol.delta0), float(sol.delta_inf)
    kappa = _kappa(g, sb, d0, dinf)
    # Up to 20 relaxation times (u ~ 1e-8 (Delta0 - Delta_inf)) with Delta_inf = 0;
    # with a bias only to 10, since the solver's 1e-12 on Delta_inf becomes a relative
    # error 1e-12 / u in u there.
    last = 20 if sb == 0 else 10
    taus = np.array([0.5, 2.0, 5.0, 10.0, last]) / kappa
    h = 1e-3
    stencil = np.concatenate([taus + j * h for j in (-2, -1, 0, 1, 2)])
    d = np.asarray(dmft.stationary_autocorrelation(ens, sol, stencil)).reshape(5, -1)
    # Energy: Delta'^2/2 + V(Delta) = V(Delta_inf) (= V(Delta0) + sigma^4/8); Delta'
    # by a 5-point stencil, error ~h^4 Delta^(5) ~ 1e-12: conserved to 1e-8.
    velocity = (d[0] - 8 * d[1] + 8 * d[3] - d[4]) / (12 * h)
    v = jax.jit(lambda x: potential(ens, x, sol.delta0))
    energy = 0.5 * velocity**2 + np.asarray(v(d[2]))
    np.testing.assert_allclose(energy, float(v(sol.delta_inf)), atol=1e-8, rtol=0)
    np.testing.assert_allclose(
        float(v(sol.delta0)) + s**4 / 8, float(v(sol.delta_inf)), atol=1e-10
    )
    # The energy integral gives back each lag. Its error: the kinetic term's relative
    # error (~1e-9 at u = 1e-8) integrated over tau; the ODE's (rtol 1e-10): 1e-7.
    for tau, value in zip(taus, d[2]):
        assert _tau_of_delta(value, g, sb, s, d0, dinf) == pytest.approx(tau, abs=1e-7)


@pytest.mark.slow
@pytest.mark.parametrize("case", [0, 1])
def test_exponential_tail(solutions, case):
    # Far beyond the failures of the plain particle equation (tau ~ 15): at 40 and 80
    # relaxation times u = Delta - Delta_inf ~ e^{-kappa tau} (corrections O(u) ~ 1e-17)
    # and u keeps its relative accuracy; its log-slope is -kappa, kappa from the
    # independent V' by a one-sided difference (error ~eps^2 ~ 1e-9 relative).
    g, sb, _ = CASES[case]
    ens, sol = solutions[case]
    d0, dinf = float(sol.delta0), float(sol.delta_inf)
    kappa = _kappa(g, sb, d0, dinf)
    taus = np.array([40.0, 80.0, 1e6]) / kappa
    d = np.asarray(dmft.stationary_autocorrelation(ens, sol, taus)) - dinf
    slope = (np.log(d[1]) - np.log(d[0])) / (taus[1] - taus[0])
    assert slope == pytest.approx(-kappa, rel=1e-7)
    assert d[2] == 0.0  # underflowed: Delta = Delta_inf to the last bit
