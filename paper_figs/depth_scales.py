"""Depth scales of signal propagation vs $\\sigma_w^2$ at $\\sigma_b^2 = 0.05$ (tanh):
$\\xi_c$ diverges at the order-to-chaos transition $\\sigma_w^2 \\approx 1.76$, and
networks train up to a depth of about $6\\xi_c$ (Schoenholz et al. 2017, Fig. 1).
Theory only: the finite-width check of the maps is `deep_propagation`."""

import math

import jax.numpy as jnp
import numpy as np

import dmft
from dmft.plotting import COLORS, new_figure, save_figure


NAME = "depth_scales"
SIGMA_B2 = 0.05


def compute(quick: bool, cache=None) -> dict:
    sigma_w2 = np.linspace(1.0, 3.0, 101 if quick else 401)
    sigma_b = math.sqrt(SIGMA_B2)
    diagram = dmft.deep.phase_diagram(
        dmft.Tanh(), jnp.sqrt(jnp.asarray(sigma_w2)), jnp.array([sigma_b])
    )
    critical = dmft.deep.critical_sigma_w(dmft.Tanh(), sigma_b)
    fp = diagram.fixed_point
    return {
        "sigma_b2": SIGMA_B2,
        "sigma_w2": sigma_w2.tolist(),
        "xi_c": np.asarray(fp.xi_c[:, 0]).tolist(),
        "xi_q": np.asarray(fp.xi_q[:, 0]).tolist(),
        "chi_1": np.asarray(fp.chi_1[:, 0]).tolist(),
        "critical_sigma_w2": float(critical.sigma_w) ** 2,
        "checks": [],  # infinite-width theory only: no simulated points
    }


def plot(data: dict, stem) -> None:
    fig, axes = new_figure()
    ax = axes[0, 0]
    sw2 = np.asarray(data["sigma_w2"])
    xi_c, xi_q = np.asarray(data["xi_c"], float), np.asarray(data["xi_q"], float)
    ax.semilogy(sw2, xi_c, color=COLORS[0], label=r"theory: $\xi_c$")
    ax.semilogy(sw2, xi_q, color=COLORS[2], label=r"theory: $\xi_q$")
    ax.semilogy(
        sw2, 6 * xi_c, color=COLORS[0], ls="--", label=r"trainable depth $6\xi_c$"
    )
    ax.axvline(
        data["critical_sigma_w2"],
        color=COLORS[1],
        ls=":",
        label=rf"$\chi_1 = 1$: $\sigma_w^2 = {data['critical_sigma_w2']:.3f}$",
    )
    # xi_c ~ 1/|sigma_w^2 - critical| diverges on the critical line; the few grid points
    # within ~0.02 of it reach 10^3-10^4 where c* -> 1 is barely resolved, and drew a
    # jagged cluster: the frame stops at 2000 layers and the divergence is stated.
    ax.set_ylim(0.8, 2e3)
    ax.annotate(
        r"$\xi_c \to \infty$",
        (data["critical_sigma_w2"], 1.5e3),
        xytext=(8, -4),
        textcoords="offset points",
        fontsize=8,
        va="top",
    )
    ax.set_xlabel(r"$\sigma_w^2$")
    ax.set_ylabel("depth scale (layers)")
    ax.set_title(rf"tanh, $\sigma_b^2 = {data['sigma_b2']}$, infinite width")
    ax.legend(fontsize=7, loc="upper left", frameon=False)
    save_figure(fig, stem)
