"""Simulate a chaotic random network and measure what a physicist measures.

A network of N = 1000 tanh neurons with Gaussian couplings of scale g = 2 (Sompolinsky,
Crisanti & Sommers 1988) is chaotic: its activity fluctuates forever and the
population autocorrelation Delta(tau) decays from Delta0 ~ 1.9 (the DMFT value is
1.925). We simulate it, measure Delta(tau) in chunks (the trajectory is never stored),
its largest Lyapunov exponent, and plot a few traces next to Delta(tau).

    python examples/simulate_network.py [--quick] [--out DIR]

The figure goes to `--out` (default `dmft-output/examples/simulate_network`).
"""

import time

import diffrax
import jax
import jax.numpy as jnp
import jax.random as jr
from _arguments import arguments  # examples/_arguments.py

import dmft
import dmft.plotting


ARGS = arguments("simulate_network", __doc__)


# float32 is accurate enough for statistics whose sampling error is ~1%, and faster.
N, G, T_BURN, T1 = (200, 2.0, 20.0, 100.0) if ARGS.quick else (1000, 2.0, 100.0, 400.0)


@jax.jit
def measure(key):
    """Sample one network and measure its stationary statistics (one compilation)."""
    key_net, key_run = jr.split(key)
    net = dmft.RateNetwork.sample(
        dmft.NetworkEnsemble(sigma_w=G), key_net, N, dtype=jnp.float32
    )
    stats = dmft.stationary_statistics(
        net, key_run, T_BURN, T1, sampling=dmft.Sampling(dt=0.2, max_lag=30.0)
    )
    return net, stats


measure(jr.key(0))  # compile
t = time.perf_counter()
net, stats = jax.block_until_ready(measure(jr.key(1)))
print(f"N={N}, g={G}: measured in {time.perf_counter() - t:.1f} s")
print(f"  Delta0 = {float(stats.delta0):.3f}  (DMFT: 1.925)")
print(f"  Delta(5) / Delta0 = {float(stats.rho[25]):.3f}")
print(f"  population mean {float(stats.mean):+.3f}, variance {float(stats.var):.3f}")

# The largest Lyapunov exponent (Benettin: tangent dynamics renormalised every 1.0).
spectrum = dmft.lyapunov_spectrum(net, jr.key(2), T_BURN, T1)
print(f"  lambda_1 = {float(spectrum.largest):.3f} +- {float(spectrum.stderr[0]):.3f}")

# A few traces for the figure: one solve saved on a grid (here we do store it).
ts = jnp.linspace(T_BURN, T_BURN + 50.0, 500, dtype=jnp.float32)
h = dmft.simulate(net, dmft.random_state(jr.key(3), net), 0.0, T_BURN).ys[0]
traces = dmft.simulate(net, h, T_BURN, ts[-1], saveat=diffrax.SaveAt(ts=ts)).ys
paths = dmft.plotting.plot_network_activity(
    {
        "ts": ts.tolist(),
        "traces": traces[:, :4].T.tolist(),
        "lags": stats.lags.tolist(),
        "delta": stats.delta.tolist(),
        "delta_inf": float(stats.delta_inf),
        "n": N,
        "title": f"tanh network, g = {G}",
    },
    ARGS.out / "simulate_network",
)
print("wrote", *paths)
