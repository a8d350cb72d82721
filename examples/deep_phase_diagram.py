"""Order and chaos in deep random networks (Poole et al. 2016; Schoenholz et al. 2017).

A deep tanh network with untied Gaussian weights W^l_ij ~ N(0, sigma_w^2/N) and biases
b^l_i ~ N(0, sigma_b^2) propagates the length q^l and the correlation c^l of two inputs
through the maps of dmft.deep. Where chi_1 < 1 all inputs become correlated (ordered
phase); where chi_1 > 1 nearby inputs decorrelate (chaotic phase); on the critical line
chi_1 = 1 the correlation depth scale xi_c diverges, which is where very deep networks
train. This script computes one fixed point, the critical line at Schoenholz et al.'s
sigma_b^2 = 0.05 (sigma_w^2 = 1.76 in their Fig. 1), the whole phase diagram in one
jitted call, checks the maps against 32 sampled finite-width networks (mean and standard
error of c^l at each layer, printed), and saves a figure
to `--out` (default `dmft-output/examples/deep_phase_diagram`).

    python examples/deep_phase_diagram.py [--quick] [--out DIR]
"""

import math
import time

import jax
import jax.numpy as jnp
import jax.random as jr


jax.config.update("jax_enable_x64", True)  # theory in float64

from _arguments import arguments  # noqa: E402  (examples/_arguments.py)

import dmft  # noqa: E402
from dmft.plotting import plot_deep_phase_diagram  # noqa: E402


ARGS = arguments("deep_phase_diagram", __doc__)


# One network ensemble: its fixed point and depth scales.
ensemble = dmft.NetworkEnsemble(dmft.Tanh(), sigma_w=2.5, sigma_b=0.3)
point = dmft.deep_fixed_point(ensemble)
print(f"q* = {point.q_star:.6f}, c* = {point.c_star:.6f}, chi_1 = {point.chi_1:.6f}")
print(f"xi_q = {point.xi_q:.3f} layers, xi_c = {point.xi_c:.3f} layers")

# The edge of chaos at sigma_b^2 = 0.05.
line = dmft.critical_sigma_w(dmft.Tanh(), math.sqrt(0.05))
print(f"critical sigma_w^2 at sigma_b^2 = 0.05: {float(line.sigma_w) ** 2:.6f}")

# The phase diagram: one compilation, then one vmapped call for the whole grid.
sigma_w2 = jnp.linspace(0.5, 4.0, 20 if ARGS.quick else 80)
sigma_b2 = jnp.linspace(0.0, 0.5, 10 if ARGS.quick else 40)
sweep = lambda: dmft.phase_diagram(dmft.Tanh(), jnp.sqrt(sigma_w2), jnp.sqrt(sigma_b2))  # noqa: E731
diagram = jax.block_until_ready(sweep())  # compiles
start = time.perf_counter()
diagram = jax.block_until_ready(sweep())
print(
    f"{sigma_w2.size * sigma_b2.size} grid points in {time.perf_counter() - start:.3f} s"
)

# Finite width: sampled networks of width 512 against the maps, layer by layer. Each
# network (and its pair of inputs) gives one c^l, which fluctuates by ~0.1 from one
# network to the next at this width (sd at layer 8; ~0.05 at width 2048): the mean over
# 32 networks is compared, with its standard error (tests/test_deep_finite_width.py
# checks the 1/sqrt(N) scaling). Two inputs at length q*, a quarter circle apart (c = 0),
# a fresh random plane per network.
NETWORKS, WIDTH = 32, 512


@jax.vmap
def sampled_correlation(key):
    key_inputs, key_net = jr.split(key)
    inputs = dmft.deep.circle_inputs(key_inputs, point.q_star, WIDTH, 4)[:2]
    kernels = dmft.deep.propagate(ensemble, key_net, inputs, depth=8)
    return kernels[:, 0, 1] / jnp.sqrt(kernels[:, 0, 0] * kernels[:, 1, 1])


sampled_c = sampled_correlation(jr.split(jr.key(0), NETWORKS))
mean_c = sampled_c.mean(0)
se_c = sampled_c.std(0, ddof=1) / math.sqrt(NETWORKS)
profile = dmft.depth_profile(ensemble, 8, point.q_star, point.q_star, 0.0)
for layer in (0, 2, 4, 8):
    print(
        f"layer {layer}: c = {mean_c[layer]:.3f} +- {se_c[layer]:.3f} (mean of "
        f"{NETWORKS} networks of width {WIDTH}), {profile.c[layer]:.3f} (theory)"
    )

# The figure: xi_c and c* over the grid with the critical line.
b2_line = jnp.linspace(0.0, 0.5, 51)
critical = dmft.critical_sigma_w(dmft.Tanh(), jnp.sqrt(b2_line))
paths = plot_deep_phase_diagram(
    {
        "phi": "tanh",
        "sigma_w2": sigma_w2.tolist(),
        "sigma_b2": sigma_b2.tolist(),
        "xi_c": diagram.fixed_point.xi_c.tolist(),
        "c_star": diagram.fixed_point.c_star.tolist(),
        "critical_sigma_w2": (critical.sigma_w**2).tolist(),
        "critical_sigma_b2": b2_line.tolist(),
    },
    ARGS.out / "deep_phase_diagram",
)
print("saved", *paths)
