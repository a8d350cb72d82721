"""`dmft deep` and `dmft demo`: the CLI contract (DESIGN.md) and its error lines."""

import json
import math
import subprocess
import sys

import pytest

import dmft


def _run(*args):
    return subprocess.run(
        [sys.executable, "-m", "dmft.cli", *args], capture_output=True, text=True
    )


def test_deep_json_keys_and_values():
    result = _run(
        "deep", "--phi", "erf", "--sigma-w", "2.5", "--sigma-b", "0.3", "--json"
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    keys = ["q_star", "c_star", "chi_1", "chi_c", "xi_q", "xi_c", "status"]
    assert list(out) == keys
    assert out["status"] == "successful"
    point = dmft.deep_fixed_point(dmft.NetworkEnsemble(dmft.Erf(), 2.5, 0.3))
    for key in keys[:-1]:
        assert out[key] == pytest.approx(float(getattr(point, key)), rel=1e-12)


def test_deep_no_finite_fixed_point():
    result = _run(
        "deep", "--phi", "relu", "--sigma-w", "1.5", "--sigma-b", "0.3", "--json"
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["status"] == "no_finite_fixed_point"
    assert all(out[k] is None for k in ("q_star", "c_star", "chi_1", "xi_c"))
    human = _run("deep", "--phi", "relu", "--sigma-w", "1.5", "--sigma-b", "0.3")
    assert "No finite fixed point" in human.stdout and "nan" not in human.stdout.lower()


@pytest.mark.parametrize(
    "args, message",
    [
        (("--sigma-w", "-1"), "sigma_w"),
        (("--sigma-w", "nan"), "sigma_w"),
        (("--sigma-w", "1", "--sigma-b", "-0.3"), "sigma_b"),
        (("--sigma-w", "1", "--phi", "softsign"), "unknown nonlinearity"),
    ],
)
def test_deep_bad_input_is_one_line(args, message):
    result = _run("deep", *args)
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith("dmft: error:") and message in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


@pytest.mark.slow  # the demo: ~30 s on an idle 2-core machine, cold
def test_demo_theory_against_simulation(tmp_path):
    # The demo's 6 networks of N = 2000, window 200 each: their mean Delta0 is within
    # a few standard errors (~0.5%) of the DMFT value 1.9248; 8% is a loose bound here
    # (tests/test_demo.py checks every lag's z-score).
    result = _run("demo", "--out", str(tmp_path), "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert (tmp_path / "demo_autocorrelation.png").stat().st_size > 0
    assert out["delta0_dmft"] == pytest.approx(1.9248054137, rel=1e-8)
    assert out["delta0_simulation"] == pytest.approx(out["delta0_dmft"], rel=0.08)
    assert math.isfinite(out["seconds"])
