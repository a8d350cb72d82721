"""A property-based fuzz of every solver (issue 18): across deep, stationary,
discrete-time, Amari, transition, finite-N simulation and two-time DMFT, every point
gives finite results or an explicit failure status, and the invariants hold:
q* >= sigma_b^2, 0 <= c* <= 1, Delta0 >= Delta_inf >= 0, the regime agrees with the
sign of the Lyapunov exponent.

Cheap by construction: hypothesis is derandomized, does not shrink, and draws whole
batches of parameter points; each solver is jitted once and vmapped over a batch, or
looped over points where it jits inside, at small sizes. The default suite fuzzes
deep (900 points), finite-N simulation (100), Amari (20) and the transition (10):
1,030 points; `-m slow` adds stationary DMFT (200), discrete time (12) and two-time
DMFT (6), whose first compilation alone takes ~30 s or more.

Field names go through the adapter below, so that renames of result fields are a
one-place fix.
"""

import equinox as eqx
import jax.numpy as jnp
import jax.random as jr
import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings, strategies as st

import dmft


# --- adapter: the public fields the fuzz reads ------------------------------------


def _result(sol):
    """The outcome item of a solution (`result`; `status` in older deep objects)."""
    return sol.result if hasattr(sol, "result") else sol.status


def _ok(sol):
    """Boolean array: the solve reports success."""
    result = _result(sol)
    return np.asarray(result == result._enumeration.successful)


def _regime(sol):
    """Regime indices: 0 static, 1 chaotic, 2 noise-driven."""
    regime = sol.regime
    return np.asarray(getattr(regime, "_value", regime))


SETTINGS = settings(
    derandomize=True,
    max_examples=2,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: bounded time
    suppress_health_check=list(HealthCheck),
)


def _batch(size, **ranges):
    """A strategy of `size` points: a dict of float arrays, each in its range."""
    return st.fixed_dictionaries(
        {
            name: st.lists(
                st.floats(lo, hi, allow_nan=False, allow_infinity=False),
                min_size=size,
                max_size=size,
            ).map(np.asarray)
            for name, (lo, hi) in ranges.items()
        }
    )


def _ensembles(phi, **params):
    size = len(next(iter(params.values())))
    full = {k: jnp.asarray(params.get(k, np.zeros(size))) for k in _FIELDS}
    return dmft.NetworkEnsemble(phi, **full)


_FIELDS = ("sigma_w", "sigma_b", "mean_w", "mean_b", "noise")


def _explicit(ok, *values):
    """Every point is finite or reports failure."""
    finite = np.all([np.isfinite(np.asarray(v)) for v in values], axis=0)
    bad = ~(finite | ~ok)
    assert not bad.any(), f"{bad.sum()} points non-finite yet successful"


# --- deep limit -------------------------------------------------------------------

_deep = eqx.filter_jit(eqx.filter_vmap(lambda e: dmft.deep_fixed_point(e, throw=False)))


@pytest.mark.parametrize("phi", [dmft.Tanh(), dmft.Erf(), dmft.ReLU()])
@settings(SETTINGS, max_examples=3)
@given(p=_batch(100, sigma_w=(0.05, 4.0), sigma_b=(0.0, 1.5)))
def test_deep(phi, p):
    point = _deep(_ensembles(phi, **p))
    ok = _ok(point)
    q, c = np.asarray(point.q_star), np.asarray(point.c_star)
    _explicit(ok, q, c)
    # q* = sigma_w^2 E[phi^2] + sigma_b^2 >= sigma_b^2 (to rounding, and to the
    # library's floor of 1e-30 on q, below which sigma_b = 1e-38 leaves q* = 0);
    # c* is a correlation.
    assert np.all(q[ok] >= p["sigma_b"][ok] ** 2 * (1 - 1e-12) - 1e-30)
    assert np.all((c[ok] >= -1e-12) & (c[ok] <= 1 + 1e-12))


# --- stationary DMFT and discrete time ---------------------------------------------
# One point at a time: the solvers are jitted inside (one compilation, ~30 s on a
# laptop CPU, then ~0.2 s a point); vmapped batches were slower (every member runs
# the longest bracket search) and the discrete solver's vmap ran out of memory.


def _check_stationary(sol, tol=1e-8):
    ok = bool(_ok(sol))
    d0, dinf, lam = (float(x) for x in (sol.delta0, sol.delta_inf, sol.lyapunov))
    if not ok:
        return
    assert np.isfinite([d0, dinf, lam]).all()
    assert d0 >= dinf - tol and dinf >= -tol
    # chaotic <=> lambda > 0 (away from the transition, where lambda ~ 0).
    if abs(lam) > 1e-6:
        assert (int(_regime(sol)) == 1) == (lam > 0)


def _points(p):
    size = len(next(iter(p.values())))
    return [{k: float(v[i]) for k, v in p.items()} for i in range(size)]


@pytest.mark.slow
@SETTINGS
@given(p=_batch(100, sigma_w=(0.1, 4.0), sigma_b=(0.0, 1.0), noise=(0.0, 1.0)))
def test_stationary(p):
    for point in _points(p):
        ensemble = dmft.NetworkEnsemble(
            dmft.Tanh(), **{k: jnp.asarray(v) for k, v in point.items()}
        )
        _check_stationary(dmft.solve_stationary(ensemble, throw=False))


@pytest.mark.slow
@pytest.mark.parametrize("step", [1.0, 0.5])
@SETTINGS
@given(p=_batch(3, sigma_w=(0.1, 3.0), sigma_b=(0.0, 1.0)))
def test_discrete(step, p):
    # About 10 s a point: the discrete solver compiles per call.
    for point in _points(p):
        ensemble = dmft.NetworkEnsemble(dmft.Tanh(), **point)
        _check_stationary(dmft.solve_discrete_stationary(ensemble, step, throw=False))


# --- Amari --------------------------------------------------------------------------


@SETTINGS
@given(
    p=_batch(
        10, sigma_w=(0.1, 3.0), sigma_b=(0.0, 1.0), mean_w=(-2.0, 2.0), mean_b=(-1, 1)
    )
)
def test_amari(p):
    for i in range(10):
        point = {k: float(v[i]) for k, v in p.items()}
        ensemble = dmft.NetworkEnsemble(dmft.Tanh(), **point)
        points = dmft.amari_fixed_points(ensemble)
        assert points, f"no fixed point reported at {point}"
        for fp in points:
            assert np.isfinite(float(fp.m)) and np.isfinite(float(fp.q))
            assert float(fp.q) >= point["sigma_b"] ** 2 * (1 - 1e-12)


# --- transition ---------------------------------------------------------------------


@SETTINGS
@given(p=_batch(5, sigma_b=(0.0, 1.0)))
def test_transition(p):
    for sb in p["sigma_b"]:
        onset = dmft.chaos_transition(
            dmft.NetworkEnsemble(dmft.Tanh(), sigma_b=float(sb)), throw=False
        )
        if bool(_ok(onset)):
            # tanh' <= 1, so E[phi'^2] <= 1 and the onset needs g >= 1.
            assert np.isfinite(float(onset.g_c)) and float(onset.g_c) >= 1 - 1e-9


# --- finite-N simulation ------------------------------------------------------------

N, T_BURN, T1 = 8, 10.0, 50.0
SAMPLING = dmft.Sampling(dt=0.5, max_lag=5.0)


@eqx.filter_jit
@eqx.filter_vmap
def _simulate(ensemble, key):
    k1, k2 = jr.split(key)
    network = dmft.RateNetwork.sample(ensemble, k1, N)
    return dmft.stationary_statistics(
        network, k2, T_BURN, T1, sampling=SAMPLING, throw=False
    )


@SETTINGS
@given(p=_batch(50, sigma_w=(0.1, 4.0), sigma_b=(0.0, 1.0), noise=(0.0, 1.0)))
def test_simulate_small_n(p):
    ensembles = _ensembles(dmft.Tanh(), **p)
    stats = _simulate(ensembles, jr.split(jr.key(0), 50))
    ok = _ok(stats)
    d0, var = np.asarray(stats.delta0), np.asarray(stats.var)
    _explicit(ok, d0, var, stats.delta_inf)
    assert np.all(d0[ok] >= 0) and np.all(var[ok] >= 0)


# --- two-time DMFT ------------------------------------------------------------------


@pytest.mark.slow
@SETTINGS
@given(p=_batch(3, sigma_w=(0.1, 3.0), sigma_b=(0.0, 1.0), noise=(0.0, 1.0)))
def test_two_time_small_m(p):
    ts = jnp.linspace(0.0, 4.0, 21)
    options = dmft.TwoTimeOptions(n_samples=64, max_iterations=30, response_samples=0)
    for i in range(3):
        point = {k: float(v[i]) for k, v in p.items()}
        sol = dmft.solve_two_time(
            dmft.NetworkEnsemble(dmft.Tanh(), **point),
            ts,
            key=jr.key(i),
            options=options,
            throw=False,
        )
        q = np.asarray(sol.q)
        converged = bool(np.asarray(getattr(sol, "converged", True)))
        assert np.all(np.isfinite(q)) or not converged
        assert np.all(q >= -1e-12) or not converged
