"""`dmft training`: the JSON contract, the slope fit against scipy, bad input."""

import json
import subprocess
import sys

import numpy as np
import pytest
from scipy import stats
from typer.testing import CliRunner

from dmft.cli import app  # importing dmft.cli registers every command


def test_training_json_and_fit():
    args = ["training", "--gamma", "1.75", "--gamma-prime", "0", "--json"]
    args += ["--width", "32", "--width", "64", "--width", "128", "--seeds", "2"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["regime"] == "condensed"
    assert set(out["rd"]) == {"32", "64", "128"}
    # The slope and its standard error against scipy's ordinary least squares on
    # the pooled (log m, log RD) points (independent code; agreement to round-off).
    xs = np.log([float(w) for w, r in out["rd_seeds"].items() for _ in r])
    ys = np.log([v for r in out["rd_seeds"].values() for v in r])
    fit = stats.linregress(xs, ys)
    assert out["slope"] == pytest.approx(fit.slope, rel=1e-9)
    assert out["slope_stderr"] == pytest.approx(fit.stderr, rel=1e-9)
    # rd is the seed mean; condensation makes it grow with m at these widths.
    rd = [out["rd"][w] for w in ("32", "64", "128")]
    assert rd == pytest.approx(
        [np.mean(out["rd_seeds"][w]) for w in ("32", "64", "128")]
    )
    assert out["slope"] > 0
    assert out["converged_fraction"] == 1.0


@pytest.mark.parametrize(
    "args, message",
    [
        (("--gamma", "nan", "--gamma-prime", "0"), "--gamma must be a finite"),
        (("--gamma", "1", "--gamma-prime", "inf"), "--gamma-prime must be a finite"),
        (
            ("--gamma", "1", "--gamma-prime", "0", "--width", "0", "--width", "8"),
            ">= 1",
        ),
        (("--gamma", "1", "--gamma-prime", "0", "--width", "8"), "two distinct"),
        (("--gamma", "1", "--gamma-prime", "0", "--seeds", "0"), "--seeds"),
        # Issue 18: m^-gamma underflowed and was refused as "`beta1` must be > 0".
        (("--gamma", "1e6", "--gamma-prime", "0"), "`gamma` must be in [-"),
        (("--gamma", "1", "--gamma-prime", "-1e3", "--quick"), "`gamma_prime` must"),
    ],
)
def test_bad_input_raises_before_work(args, message):
    result = CliRunner().invoke(app, ["training", *args])
    assert isinstance(result.exception, ValueError)
    assert message in str(result.exception)


def test_bad_input_is_one_line_on_stderr():
    # Through the real entry point: one line, exit 1, no traceback.
    result = subprocess.run(
        [sys.executable, "-m", "dmft.cli", "training", "--gamma", "nan"]
        + ["--gamma-prime", "0"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "--gamma must be a finite" in result.stderr
    assert "Traceback" not in result.stderr
