"""The recurrent network as a deep network with tied weights. Iterating
$h^{l+1} = W\\phi(h^l) + b$ with ONE $W$ (the discrete-time network with step 1) gives the
same layerwise length $q^l$ and two-input correlation $c^l$ as the untied deep network
and its maps: with static input the two agree. They part in time: the recurrent
network's temporal autocorrelation $\\Delta(\\tau)/\\Delta_0$ (DMFT with step
$\\delta = 1$, $0.25$, and continuous time) against the untied deep network, whose
layers share no weights, so that its correlation with its own past is the map's $c^*$
at every lag."""

import jax.numpy as jnp
import jax.random as jr
import numpy as np

import dmft
from dmft.meanfield import (
    solve_discrete_stationary,
    solve_stationary,
    stationary_autocorrelation,
)
from dmft.plotting import COLORS, comparison_checks, new_figure, save_figure


NAME = "recurrent_vs_deep"
SIGMA_W, SIGMA_B = 2.5, 0.3
Q0, C0 = 2.0, 0.5


def compute(quick: bool, cache=None) -> dict:
    width, seeds, depth = (1000, 8, 12) if quick else (1000, 8, 25)
    ens = dmft.NetworkEnsemble(dmft.Tanh(), SIGMA_W, SIGMA_B)
    theory = dmft.deep.depth_profile(ens, depth, Q0, Q0, C0 * Q0)
    tied_q, tied_c, untied_q, untied_c = [], [], [], []
    for seed in range(seeds):
        k_net, k_in, k_deep = jr.split(jr.key(seed), 3)
        u = jnp.linalg.qr(jr.normal(k_in, (width, 2)))[0].T * jnp.sqrt(width * Q0)
        inputs = jnp.stack([u[0], C0 * u[0] + float(np.sqrt(1 - C0**2)) * u[1]])
        net = dmft.RateNetwork.sample(ens, k_net, width)
        # Tied weights: the same W and b at every layer (the map with delta = 1),
        # started from pre-activations h^0 whose first layer is W phi(h^0) + b.
        hs = jnp.stack([dmft.iterate(net, x, depth, step=1.0) for x in inputs])
        k = jnp.einsum("alx,blx->lab", hs, hs) / width
        tied_q.append(np.asarray(k[:, 0, 0]))
        tied_c.append(np.asarray(k[:, 0, 1] / jnp.sqrt(k[:, 0, 0] * k[:, 1, 1])))
        k = dmft.deep.propagate(ens, k_deep, inputs, depth)
        untied_q.append(np.asarray(k[:, 0, 0]))
        untied_c.append(np.asarray(k[:, 0, 1] / jnp.sqrt(k[:, 0, 0] * k[:, 1, 1])))
    fixed = dmft.deep.deep_fixed_point(ens)
    taus = np.linspace(0.0, 8.0, 81)
    cont = solve_stationary(ens, grid=None)
    autocorr = {"tau": taus.tolist()}
    autocorr["continuous"] = (
        np.asarray(stationary_autocorrelation(ens, cont, jnp.asarray(taus)))
        / float(cont.delta0)
    ).tolist()
    for delta in (1.0, 0.25):
        sol = solve_discrete_stationary(ens, delta)
        lags = int(8.0 / delta) + 1
        autocorr[f"delta={delta}"] = {
            "tau": (delta * np.arange(lags)).tolist(),
            "rho": (np.asarray(sol.delta[:lags]) / float(sol.delta0)).tolist(),
        }
    se = lambda x: (np.std(x, 0, ddof=1) / np.sqrt(seeds)).tolist()  # noqa: E731
    checks = []
    for name, q, c in (("tied", tied_q, tied_c), ("untied", untied_q, untied_c)):
        # Layer 0 is the input itself: compare layers 1..depth.
        for key, values, theory_values in (("q", q, theory.q11), ("c", c, theory.c)):
            checks += comparison_checks(
                f"{key}^l, {name} W",
                np.arange(1, depth + 1),
                np.asarray(theory_values)[1:],
                np.mean(values, 0)[1:],
                np.asarray(se(values))[1:],
            )
    return {
        "checks": checks,
        "width": width,
        "seeds": seeds,
        "layers": list(range(depth + 1)),
        "q_map": np.asarray(theory.q11).tolist(),
        "c_map": np.asarray(theory.c).tolist(),
        "tied_q": np.mean(tied_q, 0).tolist(),
        "tied_q_std": se(tied_q),
        "tied_c": np.mean(tied_c, 0).tolist(),
        "tied_c_std": se(tied_c),
        "untied_q": np.mean(untied_q, 0).tolist(),
        "untied_c": np.mean(untied_c, 0).tolist(),
        "untied_q_std": se(untied_q),
        "untied_c_std": se(untied_c),
        "c_star": float(fixed.c_star),
        "autocorrelation": autocorr,
    }


def plot(data: dict, stem) -> None:
    fig, axes = new_figure(ncols=3)
    layers = data["layers"]
    n = data["width"]
    for ax, key, label in zip(
        axes[0], ("q", "c"), (r"length $q^l$", r"correlation $c^l$")
    ):
        ax.plot(layers, data[f"{key}_map"], color="k", label="theory: deep maps")
        ax.errorbar(
            layers,
            data[f"tied_{key}"],
            yerr=data[f"tied_{key}_std"],
            fmt="o",
            ms=4,
            color=COLORS[0],
            label=f"tied W (recurrent), N={n}",
        )
        ax.errorbar(
            layers,
            data[f"untied_{key}"],
            yerr=data.get(f"untied_{key}_std"),
            fmt="s",
            ms=3,
            color=COLORS[1],
            label=f"untied W (deep), N={n}",
        )
        ax.set_xlabel("layer / time step $l$")
        ax.set_ylabel(label)
    axes[0, 0].legend(fontsize=6)
    ax = axes[0, 2]
    ac = data["autocorrelation"]
    ax.plot(ac["tau"], ac["continuous"], color="k", label="DMFT, continuous time")
    for color, delta in zip(COLORS[2:], ("1.0", "0.25")):
        d = ac[f"delta={delta}"]
        ax.plot(
            d["tau"],
            d["rho"],
            "o-",
            ms=3,
            color=color,
            label=rf"DMFT, step $\delta = {delta}$",
        )
    ax.axhline(data["c_star"], color=COLORS[1], ls="--", label=r"untied deep: $c^*$")
    ax.set_xlabel(r"lag $\tau$ (time; $l$ steps of $\delta$)")
    ax.set_ylabel(r"$\Delta(\tau)/\Delta_0$")
    ax.legend(fontsize=6)
    fig.suptitle(
        rf"tanh, $\sigma_w = {SIGMA_W}$, $\sigma_b = {SIGMA_B}$: recurrent vs deep "
        f"(markers: mean ± standard error of {data['seeds']} networks)"
    )
    save_figure(fig, stem)
