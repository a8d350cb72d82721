"""The order-to-chaos phase diagram over $(\\sigma_w^2, \\sigma_b^2)$, coloured by
$\\chi_1$, with the deep networks' critical line $\\chi_1 = 1$ (untied weights,
Poole et al. 2016) and, on top, the onset $g_c(\\sigma_b)$ of the chaotic solution of
the recurrent network's DMFT (Sompolinsky, Crisanti & Sommers 1988): with static
input the two transitions coincide."""

import jax.numpy as jnp
import numpy as np

import dmft
from dmft.meanfield import chaos_transition
from dmft.plotting import COLORS, new_figure, save_figure


NAME = "deep_phase_diagram"


def compute(quick: bool, cache=None) -> dict:
    sw2 = np.linspace(0.5, 4.0, 60 if quick else 200)
    sb2 = np.linspace(0.0, 0.5, 40 if quick else 200)
    diagram = dmft.deep.phase_diagram(
        dmft.Tanh(), jnp.sqrt(jnp.asarray(sw2)), jnp.sqrt(jnp.asarray(sb2))
    )
    line_b2 = np.linspace(0.0, 0.5, 51)
    line = dmft.deep.critical_sigma_w(dmft.Tanh(), jnp.sqrt(jnp.asarray(line_b2)))
    dmft_b2 = np.linspace(0.0, 0.5, 6 if quick else 11)
    g_c = [
        float(
            chaos_transition(
                dmft.NetworkEnsemble(dmft.Tanh(), 1.0, float(np.sqrt(b2)))
            ).g_c
        )
        for b2 in dmft_b2
    ]
    return {
        "checks": [],  # theory against theory (deep line vs DMFT onset): no simulation
        "sigma_w2": sw2.tolist(),
        "sigma_b2": sb2.tolist(),
        "chi_1": np.asarray(diagram.fixed_point.chi_1).tolist(),
        "critical_sigma_b2": line_b2.tolist(),
        "critical_sigma_w2": (np.asarray(line.sigma_w) ** 2).tolist(),
        "dmft_sigma_b2": dmft_b2.tolist(),
        "dmft_g_c2": (np.asarray(g_c) ** 2).tolist(),
        "deep_at_dmft_sigma_w2": (
            np.asarray(
                dmft.deep.critical_sigma_w(
                    dmft.Tanh(), jnp.sqrt(jnp.asarray(dmft_b2))
                ).sigma_w
            )
            ** 2
        ).tolist(),
    }


def plot(data: dict, stem) -> None:
    fig, axes = new_figure(width=5.2, height=3.8)
    ax = axes[0, 0]
    chi = np.asarray(data["chi_1"], float).T
    mesh = ax.pcolormesh(
        data["sigma_w2"],
        data["sigma_b2"],
        np.log(chi),
        shading="auto",
        cmap="RdBu_r",
        vmin=-1.5,
        vmax=1.5,
    )
    fig.colorbar(mesh, ax=ax, label=r"$\log\chi_1$ (deep maps)")
    ax.plot(
        data["critical_sigma_w2"],
        data["critical_sigma_b2"],
        color="k",
        lw=2,
        label=r"deep network: $\chi_1 = 1$",
    )
    ax.plot(
        data["dmft_g_c2"],
        data["dmft_sigma_b2"],
        "o",
        color=COLORS[4],
        ms=6,
        mec="k",
        label=r"recurrent DMFT: onset $g_c^2$",
    )
    ax.text(0.08, 0.85, "ordered", transform=ax.transAxes)
    ax.text(0.75, 0.1, "chaotic", transform=ax.transAxes)
    ax.set_xlabel(r"$\sigma_w^2$ ($g^2$)")
    ax.set_ylabel(r"$\sigma_b^2$")
    ax.set_title("tanh: deep and recurrent transitions coincide")
    # Above "chaotic": upper right hid the top marker, centre right the line.
    ax.legend(fontsize=7, loc="lower right", bbox_to_anchor=(0.99, 0.16))
    save_figure(fig, stem)
