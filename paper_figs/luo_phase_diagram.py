"""Luo, Xu, Ma & Zhang (JMLR 2021): the phase diagram of two-layer ReLU training.

Panels: the theoretical linear / critical / condensed regions over $(\\gamma', \\gamma)$
with the fitted slope of $\\log \\mathrm{RD}(\\theta_w)$ vs $\\log m$ at a grid of
points (simulation) and the named initialisations; $\\mathrm{RD}$ against $m$ at
NTK, mean-field and a condensed point; the learned functions from large to small
initialisation; the final input-weight directions (condensation).
"""

import pathlib

import jax.numpy as jnp
import jax.random as jr
import numpy as np

import dmft
from dmft.plotting import plot_luo_phase_diagram


NAME = "luo_phase_diagram"

MARKED = ((0.5, 0.0), (1.0, 0.0), (1.75, 0.0))  # NTK, mean-field, condensed


def _settings(quick: bool) -> dict:
    if quick:
        return dict(
            grid_gamma=[0.5, 1.25, 2.0],
            grid_gamma_prime=[-0.5, 0.25, 1.0],
            grid_widths=[64, 128, 256],
            grid_seeds=2,
            marked_widths=[64, 128, 256, 512],
            marked_seeds=3,
            function_width=200,
        )
    return dict(
        grid_gamma=[0.25, 0.75, 1.25, 1.75, 2.25],
        grid_gamma_prime=[-1.0, -0.5, 0.0, 0.5, 1.0],
        grid_widths=[500, 1000, 2000, 4000],
        grid_seeds=2,
        marked_widths=[1000, 2000, 5000, 10000, 20000, 40000],
        marked_seeds=3,
        function_width=1000,
    )


def _grid(s: dict) -> dict:
    points = [
        dmft.ScalingExponents(g, gp)
        for g in s["grid_gamma"]
        for gp in s["grid_gamma_prime"]
    ]
    sweep = dmft.width_sweep(
        jr.key(0),
        points,
        s["grid_widths"],
        s["grid_seeds"],
        dmft.luo_data(),
        one_program=max(s["grid_widths"]) <= 1000,
    )
    return {
        "gamma": [p.gamma for p in points],
        "gamma_prime": [p.gamma_prime for p in points],
        "slope": sweep.slope.tolist(),
        "slope_stderr": sweep.slope_stderr.tolist(),
        "regime": [p.regime for p in points],
        "widths": sweep.widths.tolist(),
        "seeds": s["grid_seeds"],
        "converged_fraction": sweep.converged_fraction.tolist(),
    }


def _marked(s: dict) -> dict:
    points = [dmft.ScalingExponents(g, gp) for g, gp in MARKED]
    sweep = dmft.width_sweep(
        jr.key(1),
        points,
        s["marked_widths"],
        s["marked_seeds"],
        dmft.luo_data(),
        one_program=max(s["marked_widths"]) <= 1000,
    )
    return {
        "gamma": [p.gamma for p in points],
        "gamma_prime": [p.gamma_prime for p in points],
        "widths": sweep.widths.tolist(),
        "rd": sweep.rd.tolist(),
        "slope": sweep.slope.tolist(),
        "slope_stderr": sweep.slope_stderr.tolist(),
        "seed_slopes": sweep.seed_slopes.tolist(),
    }


def _functions(s: dict) -> dict:
    data = dmft.luo_data()
    x = np.linspace(-1.0, 1.0, 401)
    inputs = jnp.stack([jnp.asarray(x), jnp.ones_like(jnp.asarray(x))], axis=1)
    out = {"x": x.tolist(), "data_x": data.x.tolist(), "data_y": data.y.tolist()}
    runs = []
    for g, gp in MARKED:
        init = dmft.Initialisation.from_exponents(
            dmft.ScalingExponents(g, gp), s["function_width"]
        )
        result = dmft.train(jr.key(2), init, data)
        runs.append(
            {
                "gamma": g,
                "gamma_prime": gp,
                "f": result.final(inputs).tolist(),
                "w0": result.initial.w.tolist(),
                "w1": result.final.w.tolist(),
                "a0": result.initial.a.tolist(),
                "a1": result.final.a.tolist(),
                "status": dmft.result_name(result.result),
                "rd": float(result.relative_distance),
            }
        )
    out["runs"] = runs
    out["width"] = s["function_width"]
    return out


def compute(quick: bool, cache=None) -> dict:
    """Every plotted number; each panel is cached separately when `cache` is given."""
    s = _settings(quick)

    def panel(key, fn):
        return cache(key, fn) if cache is not None else fn()

    named = {
        n: [dmft.named_exponents(n).gamma, dmft.named_exponents(n).gamma_prime]
        for n in dmft.NAMED_INITIALISATIONS
    }
    return {
        "grid": panel("grid", lambda: _grid(s)),
        "marked": panel("marked", lambda: _marked(s)),
        "functions": panel("functions", lambda: _functions(s)),
        "named": named,
        # The markers are trained networks classified by regime, not estimates of a
        # theory value with a standard error: nothing to put a z-score on.
        "checks": [],
    }


def plot(data: dict, stem: pathlib.Path) -> None:
    plot_luo_phase_diagram(data, stem)
