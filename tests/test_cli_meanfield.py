"""`dmft solve`, `dmft transition`, `dmft amari`: the DESIGN.md contract and the
one-line errors on bad input (before any computation)."""

import json
import math
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from dmft.cli import app


runner = CliRunner()


def _main(*args):
    return subprocess.run(
        [sys.executable, "-c", "from dmft.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.parametrize(
    "args, match",
    [
        (["solve", "--g", "0"], "--g"),
        (["solve", "--g", "-1"], "--g"),
        (["solve", "--g", "nan"], "--g"),
        (["solve", "--g", "2", "--sigma-b", "-0.3"], "sigma_b"),
        (["solve", "--g", "2", "--noise", "-0.5"], "noise"),
        (["solve", "--g", "2", "--tau", "-1"], "tau"),
        (["solve", "--g", "2", "--discrete-step", "0"], "discrete-step"),
        (["solve", "--g", "2", "--discrete-step", "0.3", "--tau", "1"], "whole number"),
        (["solve", "--g", "2", "--phi", "sine"], "unknown nonlinearity"),
        (["transition", "--sigma-b", "nan"], "sigma_b"),
        (["amari", "--g", "0"], "--g"),
    ],
)
def test_bad_input_one_line(args, match):
    out = _main(*args, "--json")
    assert out.returncode != 0
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("dmft: error:"), out.stderr
    assert match in lines[0]


@pytest.mark.slow
def test_failed_solve_one_line():
    # ReLU at g^2 / 2 > 1: the length map has no finite fixed point. The command solves
    # with throw=False and raises the status's message itself.
    out = _main("solve", "--g", "2", "--phi", "relu", "--json")
    assert out.returncode != 0
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("dmft: error:"), out.stderr
    assert "no finite fixed point" in lines[0]


def test_solve_programs_fit_the_compilation_cache():
    # JAX's persistent cache skips programs with host callbacks (eqx.error_if with
    # throw=True, diffrax's checks of SaveAt(ts=...)): `dmft solve` would recompile
    # its ~13 s program on every call.
    import jax
    import jax.numpy as jnp

    import dmft
    from dmft.meanfield._autocorrelation import _autocorrelation
    from dmft.meanfield._stationary import _solve_stationary

    ens = dmft.NetworkEnsemble(sigma_w=2.0, sigma_b=0.3, noise=0.5)
    options = dmft.meanfield.StationaryOptions()
    solve = _solve_stationary.lower(ens, options, dmft.LyapunovGrid(), False)
    # Lowering needs only the solution's shapes: zeros of them.
    shapes = jax.eval_shape(lambda e: _solve_stationary(e, options, None, False), ens)
    solution = jax.tree.map(lambda s: jnp.zeros(s.shape, s.dtype), shapes)
    autocorrelation = _autocorrelation.lower(
        ens,
        solution,
        jnp.linspace(0.0, 5.0, 3),
        dmft.meanfield.AutocorrelationOptions(),
        False,
    )
    for lowered in (solve, autocorrelation):
        assert "callback" not in lowered.as_text()


def test_transition_and_amari_programs_fit_the_compilation_cache():
    # As above, for `dmft transition` and `dmft amari`: the chi_1 = 1 line
    # differentiated through the root find compiled lineax's error check (a callback)
    # into `_static_onset`, optimistix's bisection one into Amari's root refinement.
    import jax.numpy as jnp

    import dmft
    from dmft.deep._critical import _critical
    from dmft.meanfield._amari import _fixed_point, _residual_on_grid
    from dmft.meanfield._transition import _noisy_onset, _static_onset

    ens = dmft.NetworkEnsemble(sigma_b=0.3, noise=0.5)
    lowered = (
        _static_onset.lower(ens, dmft.meanfield.TransitionOptions()),
        _noisy_onset.lower(
            ens,
            jnp.array(1.4),
            dmft.meanfield.StationaryOptions(),
            dmft.LyapunovGrid(),
            None,
            dmft.meanfield.TransitionOptions(),
        ),
        _critical.lower(ens.phi, jnp.array(0.3), dmft.deep.DeepSolver(), False),
        _fixed_point.lower(
            ens,
            dmft.meanfield.AmariOptions(),
            jnp.array(-1.0),
            jnp.array(1.0),
            jnp.array(1.0),
        ),
        _residual_on_grid.lower(
            ens, jnp.linspace(-1.0, 1.0, 5), dmft.meanfield.AmariOptions()
        ),
    )
    for program in lowered:
        assert "callback" not in program.as_text()


@pytest.mark.slow
def test_solve_contract():
    out = runner.invoke(
        app,
        [
            "solve",
            "--g",
            "2.0",
            "--sigma-b",
            "0.3",
            "--noise",
            "0.5",
            "--tau",
            "1",
            "--tau",
            "5",
            "--json",
        ],
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert set(data) == {"regime", "delta0", "delta_inf", "lyapunov", "delta_tau"}
    assert data["regime"] in ("static", "chaotic", "noise-driven")
    assert set(data["delta_tau"]) == {"1.0", "5.0"}
    assert data["delta_inf"] < data["delta_tau"]["5.0"] < data["delta_tau"]["1.0"]
    assert data["delta_tau"]["1.0"] < data["delta0"]


@pytest.mark.slow
def test_transition_and_amari_contract():
    out = runner.invoke(app, ["transition", "--sigma-b", "0.3", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert set(data) == {"sigma_w_c_deep", "g_c_dmft"}
    assert math.isclose(data["sigma_w_c_deep"], data["g_c_dmft"], abs_tol=1e-8)
    out = runner.invoke(
        app,
        [
            "amari",
            "--g",
            "0.8",
            "--sigma-b",
            "0.3",
            "--mean-w",
            "0.5",
            "--mean-b",
            "0.2",
            "--json",
        ],
    )
    assert out.exit_code == 0, out.output
    points = json.loads(out.stdout)["fixed_points"]
    assert len(points) == 1 and points[0]["stable"] is True
    assert {"m", "q", "stable"} <= set(points[0])
