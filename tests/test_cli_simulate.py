"""`dmft simulate`: the DESIGN.md contract, the library behind it, bad input."""

import json
import subprocess
import sys

import jax.random as jr
import numpy as np
import pytest
from typer.testing import CliRunner

import dmft
from dmft.cli import app


SMALL = ["--n", "40", "--g", "2.0", "--t1", "70", "--t-burn", "20", "--seed", "3"]


def _json(args):
    result = CliRunner().invoke(app, ["simulate", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_contract_keys_and_library_agreement():
    out = _json([*SMALL, "--tau", "1", "--tau", "5", "--lyapunov"])
    assert set(out) >= {"delta0", "delta_inf", "delta_tau", "mean", "var", "lyapunov"}
    assert set(out["delta_tau"]) == {"1.0", "5.0"}
    # The population variance averaged over time is Delta(0) by definition.
    assert out["var"] == pytest.approx(out["delta0"], rel=1e-9)
    # The command is the library on the documented keys: same numbers.
    key_net, key_stats, key_lyap = jr.split(jr.key(3), 3)
    net = dmft.RateNetwork.sample(dmft.NetworkEnsemble(sigma_w=2.0), key_net, 40)
    stats = dmft.stationary_statistics(net, key_stats, 20.0, 70.0)
    assert out["delta0"] == pytest.approx(float(stats.delta0), rel=1e-9)
    assert out["delta_tau"]["5.0"] == pytest.approx(float(stats.delta[50]), rel=1e-9)
    lyap = dmft.lyapunov_spectrum(net, key_lyap, 20.0, 70.0)
    assert out["lyapunov"] == pytest.approx(float(lyap.largest), rel=1e-9)


def test_discrete_step_and_noise():
    out = _json([*SMALL, "--discrete-step", "0.5", "--noise", "0.5", "--tau", "1"])
    assert np.isfinite(out["delta0"]) and "lyapunov" not in out
    assert set(out["delta_tau"]) == {"1.0"}


@pytest.mark.parametrize(
    "args, match",
    [
        (["--n", "0"], "--n must be >= 2"),
        (["--g", "-1"], "sigma_w"),
        (["--sigma-b", "nan"], "sigma_b"),
        (["--noise", "-0.5"], "noise"),
        (["--t1", "100", "--t-burn", "100"], "t1"),
        (["--t1", "40", "--t-burn", "0"], "need at least 402 samples"),
        (["--phi", "nope"], "nope"),
        (["--tau", "-1"], "--tau"),
        (["--discrete-step", "0.3", "--t-burn", "100"], "multiple"),
    ],
)
def test_bad_input_fails_before_work(args, match):
    result = CliRunner().invoke(app, ["simulate", *args])
    assert result.exit_code != 0
    assert isinstance(result.exception, ValueError)
    assert match in str(result.exception)


def test_bad_input_is_one_stderr_line():
    out = subprocess.run(
        [sys.executable, "-m", "dmft.cli", "simulate", "--n", "0", "--json"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 1
    assert (
        out.stderr.strip()
        == "dmft: error: --n must be >= 2 (population statistics); got 0."
    )
    assert out.stdout == ""


@pytest.mark.slow  # ~10 s: the solver runs to its step limit first
def test_too_strong_coupling_names_the_options():
    # Issue 18: `simulate --g 1e6` printed only "Above is the stack outside of JIT".
    # tanh at g = 1e6 is a sign network whose switching the adaptive solver cannot
    # follow; the refusal must be one line naming --g and what to change.
    args = ["--n", "20", "--g", "1e6", "--t1", "42", "--t-burn", "1", "--json"]
    result = subprocess.run(
        [sys.executable, "-m", "dmft.cli", "simulate", *args],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--g 1e+06" in lines[0] and "smaller --g" in lines[0]
