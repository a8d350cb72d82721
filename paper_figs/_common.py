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
    ok = np.asarray(sol.result == dmft.meanfield.RESULTS.successful)
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
    standard error over `seeds` networks (float32 simulation)."""
    ens = dmft.NetworkEnsemble(dmft.Tanh(), g, sigma_b, noise=noise)
    sampling = dmft.Sampling(dt=0.1, max_lag=max_lag, chunk=500)
    deltas, lyaps = [], []
    for seed in range(seeds):
        k_net, k_run, k_lyap = jr.split(jr.fold_in(jr.key(seed), int(1000 * g)), 3)
        net = dmft.RateNetwork.sample(ens, k_net, n, dtype=jnp.float32)
        stats = dmft.stationary_statistics(net, k_run, t_burn, t1, sampling=sampling)
        deltas.append(np.asarray(stats.delta, float))
        if lyapunov:
            spec = dmft.lyapunov_spectrum(net, k_lyap, t_burn, t1, interval=1.0)
            lyaps.append(float(spec.largest))
    deltas = np.stack(deltas)
    err = (
        deltas.std(0, ddof=1) / np.sqrt(seeds)
        if seeds > 1
        else np.zeros_like(deltas[0])
    )
    out = {
        "g": g,
        "n": n,
        "seeds": seeds,
        "lags": np.asarray(stats.lags, float).tolist(),
        "delta_mean": deltas.mean(0).tolist(),
        "delta_err": err.tolist(),
    }
    if lyapunov:
        out["lyapunov_mean"] = float(np.mean(lyaps))
        out["lyapunov_err"] = (
            float(np.std(lyaps, ddof=1) / np.sqrt(seeds)) if seeds > 1 else 0.0
        )
    return out
