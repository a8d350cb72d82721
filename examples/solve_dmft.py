"""Solve the stationary dynamic mean-field theory of a random rate network.

The network $\\dot h = -h + W\\tanh(h) + b + \\sigma\\xi$ with $W_{ij} \\sim N(0, g^2/N)$,
$b_i \\sim N(0, \\sigma_b^2)$ becomes, for $N \\to \\infty$, one Gaussian process whose
autocorrelation $\\Delta(\\tau)$ is a particle rolling in a potential (Sompolinsky,
Crisanti & Sommers 1988). This script solves it at one point, prints $\\Delta_0$,
$\\Delta_\\infty$ and the Lyapunov exponent, then sweeps $g$ in one vmapped call and plots
$\\Delta_0(g)$, $\\lambda(g)$ and $\\Delta(\\tau)$ to `solve_dmft.png` and `solve_dmft_sweep.png` in the output folder
(`--out`, default `dmft-output/examples/solve_dmft`).

    python examples/solve_dmft.py [--quick] [--out DIR]
"""

import time

import equinox as eqx
import jax
import jax.numpy as jnp


jax.config.update("jax_enable_x64", True)  # theory in float64

from _arguments import arguments  # noqa: E402  (examples/_arguments.py)

import dmft  # noqa: E402
import dmft.plotting  # noqa: E402


ARGS = arguments("solve_dmft", __doc__)


# One point: chaotic, with quenched biases and white noise.
ensemble = dmft.NetworkEnsemble(dmft.Tanh(), sigma_w=2.0, sigma_b=0.3, noise=0.5)
solution = dmft.solve_stationary(ensemble)  # raises if a root solve fails
regime = dmft.REGIMES[solution.regime]
print(f"{regime}: Delta0 = {float(solution.delta0):.10f}, ", end="")
print(
    f"Delta_inf = {float(solution.delta_inf):.10f}, lambda = {float(solution.lyapunov):.6f}"
)

# Delta(tau) from the particle equation (diffrax).
taus = jnp.linspace(0.0, 15.0, 151)
delta = dmft.stationary_autocorrelation(ensemble, solution, taus)

# The transition g_c: chi_1 = 1 without noise; with noise where lambda crosses zero.
static_gc = float(dmft.chaos_transition(dmft.NetworkEnsemble(sigma_b=0.3)).g_c)
print(f"g_c (sigma_b = 0.3, no noise) = {static_gc:.10f}")

# d Delta0 / d g by implicit differentiation through the root solves.
dd0 = jax.grad(
    lambda g: (
        dmft.solve_stationary(
            eqx.tree_at(lambda e: e.sigma_w, ensemble, g), grid=None
        ).delta0
    )
)(2.0)
print(f"d Delta0 / d g = {float(dd0):.8f}")


# A g-sweep: one compilation, vmapped over ensembles.
@eqx.filter_jit
def sweep(gs):
    zeros = jnp.zeros_like(gs)
    batch = dmft.NetworkEnsemble(
        sigma_w=gs, sigma_b=zeros + 0.3, noise=zeros + 0.5, mean_w=zeros, mean_b=zeros
    )
    return eqx.filter_vmap(lambda e: dmft.solve_stationary(e, throw=False))(batch)


gs = jnp.linspace(0.5, 3.5, 8 if ARGS.quick else 40)
jax.block_until_ready(sweep(gs))  # compile
start = time.perf_counter()
curve = jax.block_until_ready(sweep(gs))
print(f"{gs.size}-point sweep: {time.perf_counter() - start:.2f} s after compilation")

dmft.plotting.plot_lyapunov_curve(
    {
        "g": gs.tolist(),
        "delta0": curve.delta0.tolist(),
        "lyapunov": curve.lyapunov.tolist(),
    },
    ARGS.out / "solve_dmft_sweep",
)
dmft.plotting.plot_autocorrelation(
    {
        "curves": [
            {
                "label": "g = 2, sb = 0.3, sigma = 0.5",
                "tau": taus.tolist(),
                "delta": delta.tolist(),
            }
        ]
    },
    ARGS.out / "solve_dmft",
)
print("wrote", ARGS.out / "solve_dmft.png", ARGS.out / "solve_dmft_sweep.png")
