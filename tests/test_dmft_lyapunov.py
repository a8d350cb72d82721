"""The DMFT Lyapunov exponent: grid refinement, the zero mode Delta'(tau), and the
near-onset scaling derived analytically (Poschl-Teller)."""

import equinox as eqx
import jax.numpy as jnp
import numpy as np
import pytest

import dmft
from dmft.meanfield import (
    AutocorrelationOptions,
    LyapunovGrid,
    StationaryOptions,
    schrodinger_eigenvalues,
)


@pytest.fixture(scope="module")
def scs():
    ens = dmft.NetworkEnsemble(sigma_w=2.0)
    return ens, dmft.solve_stationary(ens, grid=None)


@pytest.mark.slow
def test_grid_refinement_and_zero_mode(scs):
    # Second-order finite differences: halving h divides the error by ~4. The odd ground
    # state is Delta'(tau) with E = 0 exactly (differentiate the particle equation): its
    # discrete eigenvalue is O(h^2) and must shrink the same way.
    ens, sol = scs
    even, odd = [], []
    for n in (256, 512, 1024):
        grid = LyapunovGrid(n=n)
        even.append(
            float(schrodinger_eigenvalues(ens, sol.delta0, sol.delta_inf, grid)[0])
        )
        odd.append(
            float(
                schrodinger_eigenvalues(ens, sol.delta0, sol.delta_inf, grid, odd=True)[
                    0
                ]
            )
        )
    ratio = (even[0] - even[1]) / (even[1] - even[2])
    assert 3.5 < ratio < 4.5, even
    assert abs(odd[2]) < 1e-4 and 3.5 < odd[0] / odd[1] < 4.5, odd
    # Richardson-extrapolated ground state vs the default grid (n = 2048, L = 30/kappa):
    # its O(h^2) error is (E_1024 - E_512)/12 ~ 3e-6 in lambda here (measured 2.6e-6).
    e0 = even[2] + (even[2] - even[1]) / 3
    lam = -1 + np.sqrt(1 - e0)
    full = dmft.solve_stationary(ens)
    assert float(full.lyapunov) == pytest.approx(lam, abs=5e-6)
    # A longer box changes nothing (the bound state decays within 30 / kappa).
    longer = schrodinger_eigenvalues(
        ens, sol.delta0, sol.delta_inf, LyapunovGrid(n=1536, length=45.0)
    )[0]
    assert float(longer) == pytest.approx(even[2], abs=1e-6)


@pytest.mark.slow
def test_near_onset_exponents():
    # Analytic (tanh, no bias/noise): for small Delta the potential is
    # V = -(k^2/2) Delta^2 + Delta^4/6 with Delta0 = (g^2 - 1)/2 + O(.), the orbit is
    # Delta0 sech(k tau), k = Delta0/sqrt(3), and W = k^2 - 6 k^2 sech^2(k tau): a
    # Poschl-Teller well with l = 2, E0 = -3 k^2 = -Delta0^2 (E1 = 0 is Delta'). Hence
    # Delta0 ~ (g - 1)^1 and lambda = -1 + sqrt(1 + Delta0^2) ~ (g - 1)^2 / 2.
    eps = jnp.logspace(-3, -1, 5)
    sols = [dmft.solve_stationary(dmft.NetworkEnsemble(sigma_w=1 + e)) for e in eps]
    d0 = np.array([float(s.delta0) for s in sols])
    lam = np.array([float(s.lyapunov) for s in sols])
    slope_d0 = np.polyfit(np.log(eps), np.log(d0), 1)[0]
    slope_lam = np.polyfit(np.log(eps), np.log(lam), 1)[0]
    # Over g - 1 in [1e-3, 1e-1] the O(g - 1) corrections bend the log-log line by ~1%.
    assert slope_d0 == pytest.approx(1.0, abs=0.03)
    assert slope_lam == pytest.approx(2.0, abs=0.06)
    # Prefactors at g - 1 = 1e-3: Delta0/(g-1) -> 1, lambda/(g-1)^2 -> 1/2 (O(g - 1)).
    assert d0[0] / float(eps[0]) == pytest.approx(1.0, abs=5e-3)
    assert lam[0] / float(eps[0]) ** 2 == pytest.approx(0.5, abs=5e-3)


# g = 3, no bias or noise: Delta0 (mpmath-checked solver, see test_stationary) and
# Delta_inf = 0; inputs here, not results under test.
_G3 = (3.0, 5.446326083042371, 0.0)


def test_failed_autocorrelation_is_never_a_silent_number():
    # Four steps cannot integrate Delta(tau): an error by default, NaN without throw.
    g, d0, dinf = _G3
    ens = dmft.NetworkEnsemble(sigma_w=g)
    args = (ens, jnp.array(d0), jnp.array(dinf))
    starved = AutocorrelationOptions(max_steps=4)
    with pytest.raises(eqx.EquinoxRuntimeError, match="failed to integrate"):
        schrodinger_eigenvalues(*args, LyapunovGrid(n=64), options=starved)
    eigenvalues = schrodinger_eigenvalues(
        *args, LyapunovGrid(n=64), options=starved, throw=False
    )
    assert bool(jnp.all(jnp.isnan(eigenvalues)))


@pytest.mark.slow
def test_failed_autocorrelation_is_a_solver_status():
    # solve_stationary folds the exponent's integration into its result: a status
    # without throw (and lambda NaN), an error with it; Delta0 is unaffected.
    starved = StationaryOptions(autocorrelation=AutocorrelationOptions(max_steps=4))
    ens = dmft.NetworkEnsemble(sigma_w=_G3[0])
    grid = LyapunovGrid(n=72)
    sol = dmft.solve_stationary(ens, starved, grid=grid, throw=False)
    assert sol.result == dmft.RESULTS.autocorrelation_failed
    assert bool(jnp.isnan(sol.lyapunov))
    assert float(sol.delta0) == pytest.approx(_G3[1], rel=1e-10)
    with pytest.raises(eqx.EquinoxRuntimeError, match="failed to integrate"):
        dmft.solve_stationary(ens, starved, grid=grid)
    # With enough steps the same grid gives a finite, positive exponent.
    ok = dmft.solve_stationary(ens, grid=grid, throw=False)
    assert ok.result == dmft.RESULTS.successful and 0 < float(ok.lyapunov) < 1
