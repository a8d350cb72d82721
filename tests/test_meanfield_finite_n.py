"""Stationary DMFT against ensembles of finite networks.

For each of the 12 cases g in {1.5, 2, 3} x sigma_b in {0, 0.3} x sigma in {0, 0.5},
`members` independent networks (own W, b, h0, noise: one `jax.random` key each, batched
with `jax.vmap`) are simulated and measured with the library's estimators:

- `dmft.stationary_statistics`: Delta(tau) at tau = 0, 1, 2, 5 and Delta_inf. It
    subtracts only the population mean m(t), never each neuron's window mean, so a
    finite window does not bias Delta(tau) low (the bias `tests/test_simulate_dmft.py`
    measures for the per-neuron shortcut); Delta_inf has its finite-window term removed
    (Fejer weights, lags up to `MAX_LAG`, which covers the decay of Delta at every g).
    What the window leaves is sampling noise, which is part of the error bar below.
- `dmft.lyapunov_spectrum` with k = 1 (Benettin). With noise the tangent vector sees
    the trajectory's frozen noise realisation: the exponent of the random dynamical
    system. That is what the DMFT exponent of `dmft.solve_stationary` is: the ground
    state of -psi'' + W(tau) psi, W = 1 - g^2 E[phi'(h(t)) phi'(h(t + tau))], comes from
    two replicas driven by the same noise, whose separation obeys the noise-free tangent
    equation while the average runs over the noisy stationary process.

The error bar of each quantity is the network-to-network standard error of the mean
(SE = sample sd / sqrt(members)): it contains the finite-N (quenched and dynamical)
fluctuations and the finite-window sampling error. Each case is measured
at N = 1000 and N = 500; see `compare` for what passes. The table (`pytest -s`) prints
theory, mean +- SE and z = (mean - theory) / SE at N, the N/2 values, and the 1/N -> 0
extrapolation.

Measured (first full run, 2 shared cores at load ~9: 36 min wall, ~20 min CPU): every
Delta(tau) and Delta_inf within 2 SE except g = 3, sigma_b = 0.3 (z = +3.6, see
`compare`) and g = 1.5, sigma_b = 0.3 (z = -2.5 at N = 1000 but +1.4 at N = 500: near
onset the finite-N correction is not monotonic in N). The Benettin exponent at N = 1000
lies 0.010-0.018 below the DMFT value in every case (z = -2.4 to -9) and about twice
that at N = 500; extrapolated to 1/N -> 0 it agrees within 0.6 SE without noise, and
within 1.5-2.5 SE with noise (g = 2, sigma = 0.5: 0.064 +- 0.007 vs 0.081, no trend
between N = 500 and 1000; marginal, unresolved). At g = 1.5, sigma_b = 0.3 the exponent
(DMFT 0.019) is not resolved from 0 at N = 1000 (0.002 +- 0.005).
"""

import math
from typing import NamedTuple

import equinox as eqx
import jax
import jax.numpy as jnp
import jax.random as jr
import numpy as np
import pytest
import scipy.stats

import dmft


CASES = [(g, sb, s) for g in (1.5, 2.0, 3.0) for sb in (0.0, 0.3) for s in (0.0, 0.5)]
LAGS = (0.0, 1.0, 2.0, 5.0)
MAX_LAG = (
    40.0  # Delta - Delta_inf < 1e-2 beyond tau ~ 30 in every case (g = 1.5 slowest)
)
SAMPLING = dmft.Sampling(dt=0.5, max_lag=MAX_LAG)
INTERVAL = 5.0  # Benettin renormalisation interval; k = 1 cannot overflow
QUANTITIES = ("Delta(0)", "Delta(1)", "Delta(2)", "Delta(5)", "Delta_inf", "lambda")


class Run(NamedTuple):
    """Size of a finite-N measurement (all static: they fix shapes and windows)."""

    n: int  # neurons
    members: int  # independent networks
    t_burn: float  # burn-in from h0 ~ N(0, 1)
    window: float  # measured window of the statistics
    lyapunov_window: float  # averaged window of the Benettin run (after t_burn)


# Measurement sizes of the slow test. Noise costs ~6x more per unit time (constant-step
# ShARK, dt0 = 0.05, 2 drift evaluations a step, against adaptive Tsit5), so the noisy
# cases use fewer networks and shorter windows. The burn-in is >= 7 correlation times
# at g = 1.5 (tau_c ~ 7), more at larger g.
NOISE_FREE = Run(n=1000, members=12, t_burn=100.0, window=400.0, lyapunov_window=300.0)
NOISY = Run(n=1000, members=10, t_burn=50.0, window=250.0, lyapunov_window=150.0)


def dmft_values(g: float, sb: float, s: float) -> np.ndarray:
    """The theory's value of each of `QUANTITIES` (float64)."""
    ensemble = dmft.NetworkEnsemble(sigma_w=g, sigma_b=sb, noise=s)
    sol = dmft.solve_stationary(ensemble)
    delta = dmft.stationary_autocorrelation(ensemble, sol, jnp.asarray(LAGS))
    return np.array([*np.asarray(delta), float(sol.delta_inf), float(sol.lyapunov)])


@eqx.filter_jit
def _simulate(sigma_w, sigma_b, noise: float, run: Run, key):
    # One compilation per (noise, run): sigma_w, sigma_b are traced, the noise amplitude
    # stays a Python float because it decides the solver (ODE or SDE).
    ensemble = dmft.NetworkEnsemble(sigma_w=sigma_w, sigma_b=sigma_b, noise=noise)
    index = jnp.asarray([round(t / SAMPLING.dt) for t in LAGS])

    def member(key):
        k_net, k_h0, k_stats, k_lyap = jr.split(key, 4)
        # float32: its ~1e-6 relative error is far below the finite-N fluctuations.
        net = dmft.RateNetwork.sample(ensemble, k_net, run.n, dtype=jnp.float32)
        h0 = dmft.random_state(k_h0, net)
        t1 = run.t_burn + run.window
        stats = dmft.stationary_statistics(
            net, k_stats, run.t_burn, t1, sampling=SAMPLING, h0=h0
        )
        t1 = run.t_burn + run.lyapunov_window
        lyap = dmft.lyapunov_spectrum(
            net, k_lyap, run.t_burn, t1, interval=INTERVAL, h0=h0
        )
        return jnp.concatenate(
            [stats.delta[index], stats.delta_inf[None], lyap.largest[None]]
        )

    return jax.vmap(member)(jr.split(key, run.members))


def finite_n_values(g: float, sb: float, s: float, run: Run, key) -> np.ndarray:
    """Each member's value of each of `QUANTITIES`, shape `(members, 6)` (float64)."""
    values = _simulate(jnp.asarray(g), jnp.asarray(sb), float(s), run, key)
    return np.asarray(values, np.float64)


def _mean_se(samples):
    return samples.mean(axis=0), samples.std(axis=0, ddof=1) / math.sqrt(len(samples))


def compare(label: str, theory, full, half) -> list[str]:
    """Print one table row per quantity from the members measured at N (`full`) and
    N/2 (`half`); return the rows that fail.

    Delta(tau) and Delta_inf pass when |z| = |mean_N - theory| / SE_N is within the
    3-sigma threshold. The Lyapunov exponent of finite networks lies below the DMFT
    value by a gap that shrinks with N (Crisanti & Sompolinsky 2018; Engelken, Wolf &
    Abbott 2023): it is compared after extrapolation linear in 1/N, lambda_inf =
    2 lambda_N - lambda_{N/2} with SE_inf = sqrt(4 SE_N^2 + SE_{N/2}^2); the gap at N is
    in the table.

    The threshold is "3 SE" at the same confidence (two-sided 0.27%) with the Student-t
    quantile for SEs estimated from `members` samples: 3.85 for 12 networks, 4.09 for
    10. The normal 3 is too strict there: the sample sd of 12 networks is itself ~20%
    uncertain. (Seen in the first full run: g = 3, sigma_b = 0.3 gave Delta(0) =
    5.715 +- 0.021, z = +3.56, with a sample sd of 0.071; 12 fresh networks gave
    5.628 +- 0.030, z = -0.44, sd 0.106.)
    """
    threshold = scipy.stats.t.isf(scipy.stats.norm.sf(3.0), len(full) - 1)
    mean, se = _mean_se(full)
    mean2, se2 = _mean_se(half)
    extrapolated, se_inf = 2 * mean - mean2, np.sqrt(4 * se**2 + se2**2)
    failures = []
    for i, name in enumerate(QUANTITIES):
        z = (mean[i] - theory[i]) / se[i]
        z_inf = (extrapolated[i] - theory[i]) / se_inf[i]
        ok = abs(z_inf if name == "lambda" else z) <= threshold
        row = (
            f"{label:>20} {name:>9} theory {theory[i]:8.4f} | N {mean[i]:8.4f}"
            f" +- {se[i]:.4f} z {z:+6.2f} | N/2 {mean2[i]:8.4f} +- {se2[i]:.4f}"
            f" | 1/N->0 {extrapolated[i]:8.4f} +- {se_inf[i]:.4f} z {z_inf:+6.2f}"
            f"  {'ok' if ok else 'FAIL'}"
        )
        print(row)
        if not ok:
            failures.append(row)
    return failures


# Calibration of the quick test, measured once on 24 other networks (key 7) with its
# sizes (N = 500, windows 200 / 150): the per-network sd of Delta(0) and lambda, and
# lambda's finite-N gap at N = 500, mean - DMFT = -0.0211 +- 0.0035 (Delta(0) was
# 1.919 +- 0.023 against 1.925: no resolvable bias).
QUICK_SD = {"Delta(0)": 0.111, "lambda": 0.0169}
QUICK_GAP = {"Delta(0)": 0.0, "lambda": -0.0211}
QUICK_GAP_SE = {"Delta(0)": 0.0, "lambda": 0.0035}


def test_theory_vs_finite_n_quick():
    # Default suite: g = 2, no bias, no noise; 8 networks of N = 500. The mean must lie
    # within 3 SE of theory + gap, with SE from the calibrated sd (8 samples estimate
    # their own sd too poorly) and the gap's own error: 0.12 on Delta(0) (below
    # |q* - Delta0| = 0.20, so the static length-map answer fails) and 0.021 on lambda
    # (a lambda 20% off fails). Theory from `solve_stationary` alone (no Delta(tau),
    # whose compilation would double the cost).
    members = 8
    run = Run(n=500, members=members, t_burn=50.0, window=200.0, lyapunov_window=150.0)
    sol = dmft.solve_stationary(dmft.NetworkEnsemble(sigma_w=2.0))
    theory = {"Delta(0)": float(sol.delta0), "lambda": float(sol.lyapunov)}
    mean = finite_n_values(2.0, 0.0, 0.0, run, jr.key(2024)).mean(axis=0)
    for name, sd in QUICK_SD.items():
        measured = mean[QUANTITIES.index(name)]
        tol = 3 * math.hypot(sd / math.sqrt(members), QUICK_GAP_SE[name])
        assert abs(measured - theory[name] - QUICK_GAP[name]) <= tol, (
            name,
            measured,
            theory[name],
        )


@pytest.mark.slow
@pytest.mark.parametrize("g, sb, s", CASES)
def test_theory_vs_finite_n(g, sb, s):
    run = NOISY if s > 0 else NOISE_FREE
    theory = dmft_values(g, sb, s)
    key = jr.fold_in(jr.key(1988), CASES.index((g, sb, s)))
    full = finite_n_values(g, sb, s, run, key)
    half = finite_n_values(g, sb, s, run._replace(n=run.n // 2), jr.fold_in(key, 1))
    failures = compare(f"g={g} sb={sb} s={s}", theory, full, half)
    assert not failures, "\n".join(failures)
