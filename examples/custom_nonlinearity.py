"""Any nonlinearity: the DMFT of a network with a user-supplied phi.

Subclass `dmft.AbstractNonlinearity` and define `__call__`: derivatives come from
autodiff and Gaussian expectations from quadrature. (`dmft.Custom(fn)` wraps a plain
function the same way, but the stationary solver cannot yet take it: its
`jax.lax.stop_gradient(ensemble)` refuses the function field.) Here phi(x) = tanh(x) + 0.1 x (a tanh with a
linear leak). The script solves the stationary DMFT, finds the transition to chaos,
compares Delta0 with simulated networks, and plots Delta(tau) to `--out` (default
`dmft-output/examples/custom_nonlinearity`).

    python examples/custom_nonlinearity.py [--quick] [--out DIR]
"""

import jax
import jax.numpy as jnp
import jax.random as jr
import numpy as np


jax.config.update("jax_enable_x64", True)  # theory in float64

from _arguments import arguments  # noqa: E402  (examples/_arguments.py)

import dmft  # noqa: E402
import dmft.plotting  # noqa: E402


class LeakyTanh(dmft.AbstractNonlinearity):
    """phi(x) = tanh(x) + 0.1 x."""

    def __call__(self, x):
        x = jnp.asarray(x, float)
        return jnp.tanh(x) + 0.1 * x


ARGS = arguments("custom_nonlinearity", __doc__)
N, NETWORKS, T_BURN, T1 = (
    (300, 4, 50.0, 200.0) if ARGS.quick else (2000, 4, 100.0, 600.0)
)

phi = LeakyTanh()
ensemble = dmft.NetworkEnsemble(phi, sigma_w=2.0)
solution = dmft.solve_stationary(ensemble, grid=None)
g_c = float(dmft.chaos_transition(dmft.NetworkEnsemble(phi, sigma_w=1.0)).g_c)
print(
    f"phi = tanh(x) + 0.1 x: g_c = {g_c:.6f}, Delta0(g = 2) = {float(solution.delta0):.4f}"
)
taus = jnp.linspace(0.0, 10.0, 101)
delta = dmft.stationary_autocorrelation(ensemble, solution, taus)


@jax.jit
@jax.vmap
def measure(key):
    key_net, key_run = jr.split(key)
    network = dmft.RateNetwork.sample(ensemble, key_net, N, dtype=jnp.float32)
    stats = dmft.stationary_statistics(
        network, key_run, T_BURN, T1, sampling=dmft.Sampling(dt=0.1, max_lag=10.0)
    )
    return stats.lags, stats.delta


lags, deltas = measure(jr.split(jr.key(0), NETWORKS))
deltas = np.asarray(deltas, float)
mean, err = deltas.mean(0), deltas.std(0, ddof=1) / np.sqrt(NETWORKS)
print(f"{NETWORKS} networks of N = {N}: Delta0 = {mean[0]:.4f} +- {err[0]:.4f}")

fig, axes = dmft.plotting.new_figure()
ax = axes[0, 0]
ax.plot(taus, delta, color=dmft.plotting.COLORS[0], label="DMFT")
ax.errorbar(
    np.asarray(lags[0])[::10],
    mean[::10],
    yerr=err[::10],
    fmt="o",
    ms=3,
    color=dmft.plotting.COLORS[1],
    label=f"mean of {NETWORKS} networks, N = {N}",
)
ax.set_xlabel(r"lag $\tau$")
ax.set_ylabel(r"$\Delta(\tau)$")
ax.set_title(r"$\phi(x) = \tanh(x) + 0.1x$, $g = 2$")
ax.legend(fontsize=7, frameon=False)
print("wrote", *dmft.plotting.save_figure(fig, ARGS.out / "custom_nonlinearity"))
