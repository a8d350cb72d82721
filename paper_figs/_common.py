"""What several paper figures share: theory sweeps over g and finite-N measurements."""

import jax
import jax.numpy as jnp
import jax.random as jr
import numpy as np

import dmft
from dmft.meanfield import LyapunovGrid, solve_stationary


def theory_sweep(gs, sigma_b: float, noise: float = 0.0, grid_cells: int = 512) -> dict:
    """DMFT $\\Delta_0$, $\\Delta_\\infty$ and $\\lambda$ over couplings `gs` (one
    compilation; `lax.map` bounds the memory of the Lyapunov eigenproblems)."""

    def one(g):
        ens = dmft.NetworkEnsemble(dmft.Tanh(), g, sigma_b, noise=noise)
        return solve_stationary(ens, grid=LyapunovGrid(n=grid_cells), throw=False)

    sol = jax.lax.map(one, jnp.asarray(gs, float), batch_size=8)
    ok = np.asarray(sol.result == dmft.RESULTS.successful)
    if not ok.all():
        raise RuntimeError(f"DMFT solve failed at g = {np.asarray(gs)[~ok].tolist()}")
    return {
        "g": np.asarray(gs, float).tolist(),
        "delta0": np.asarray(sol.delta0).tolist(),
        "delta_inf": np.asarray(sol.delta_inf).tolist(),
        "lyapunov": np.asarray(sol.lyapunov).tolist(),
    }


def measure(
    g: float,
    sigma_b: float,
    noise: float,
    n: int,
    seeds: int,
    t_burn: float,
    t1: float,
    max_lag: float = 20.0,
    lyapunov: bool = True,
) -> dict:
    """Finite-N $\\Delta(\\tau)$, $\\Delta_0$ and largest Lyapunov exponent, mean and
    standard error over `seeds` independent networks (one vmapped float32 batch)."""
    ens = dmft.NetworkEnsemble(dmft.Tanh(), g, sigma_b, noise=noise)
    sampling = dmft.Sampling(dt=0.1, max_lag=max_lag, chunk=500)

    def one(key):
        k_net, k_run, k_lyap = jr.split(key, 3)
        net = dmft.RateNetwork.sample(ens, k_net, n, dtype=jnp.float32)
        stats = dmft.stationary_statistics(net, k_run, t_burn, t1, sampling=sampling)
        if not lyapunov:
            return stats.lags, stats.delta, jnp.zeros(())
        spec = dmft.lyapunov_spectrum(net, k_lyap, t_burn, t1, interval=1.0)
        return stats.lags, stats.delta, spec.largest

    keys = jr.split(jr.fold_in(jr.key(0), int(1000 * g) + 7 * n), seeds)
    lags, deltas, lyaps = jax.jit(jax.vmap(one))(keys)
    deltas, lyaps = np.asarray(deltas, float), np.asarray(lyaps, float)
    out = {
        "g": g,
        "n": n,
        "seeds": seeds,
        "lags": np.asarray(lags[0], float).tolist(),
        "delta_mean": deltas.mean(0).tolist(),
        "delta_err": (deltas.std(0, ddof=1) / np.sqrt(seeds)).tolist(),
    }
    if lyapunov:
        out["lyapunov_mean"] = float(lyaps.mean())
        out["lyapunov_err"] = float(lyaps.std(ddof=1) / np.sqrt(seeds))
    return out


def extrapolate_1_over_n(ns, means, errs) -> tuple[float, float]:
    """Weighted least-squares fit of $y = y_\\infty + a/N$ to the means over network
    sizes `ns` (standard errors `errs`): returns $y_\\infty$ and its standard error."""
    x = 1.0 / np.asarray(ns, float)
    y, e = np.asarray(means, float), np.asarray(errs, float)
    design = np.stack([np.ones_like(x), x], axis=1) / e[:, None]
    cov = np.linalg.inv(design.T @ design)
    coef = cov @ design.T @ (y / e)
    return float(coef[0]), float(np.sqrt(cov[0, 0]))
