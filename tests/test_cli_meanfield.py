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
