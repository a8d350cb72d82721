"""Files dmft writes: atomically, with the permissions of an ordinary file (umask), and
`--out DIR` of `solve`, `simulate`, `transient` and `training` saves the printed
numbers and the curves."""

import json
import os
import stat

import numpy as np
import pytest
from typer.testing import CliRunner

import dmft
from dmft.cli import app
from dmft.plotting import new_figure, save_figure


@pytest.fixture
def umask():
    """Set the process umask for one test, then restore it."""
    saved = os.umask(0o022)
    os.umask(saved)

    def set_mask(mask):
        os.umask(mask)

    yield set_mask
    os.umask(saved)


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_saved_files_follow_the_umask(tmp_path, umask, mask, mode):
    # Regression: atomic_path used mkstemp's private 0600 for every file it wrote.
    umask(mask)
    fig, _ = new_figure()
    for path in save_figure(fig, tmp_path / "figure", formats=("png",)):
        assert _mode(path) == mode
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


def _invoke(args):
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_solve_out_saves_numbers_and_delta_curve(tmp_path, umask):
    # Discrete time (delta = 1) keeps the solve cheap; the curve is the solver's own
    # Delta_k, so the saved values equal the printed ones exactly.
    umask(0o022)
    out = _invoke(
        ["solve", "--g", "2", "--discrete-step", "1", "--tau", "3", "--out", tmp_path]
    )
    saved = json.loads((tmp_path / "solve.json").read_text())
    assert saved["result"]["delta0"] == out["delta0"]
    assert saved["parameters"]["g"] == 2.0
    arrays = np.load(tmp_path / "solve.npz")
    assert arrays["tau"][0] == 0.0 and arrays["delta"][0] == out["delta0"]
    assert arrays["delta"][3] == out["delta_tau"]["3.0"]
    assert _mode(tmp_path / "solve.npz") == _mode(tmp_path / "solve.json") == 0o644


def test_simulate_out_saves_delta_and_traces(tmp_path):
    args = ["--n", "20", "--g", "2", "--t1", "60", "--t-burn", "10", "--tau", "2"]
    out = _invoke(["simulate", *args, "--out", tmp_path])
    arrays = np.load(tmp_path / "simulate.npz")
    assert arrays["delta"][0] == pytest.approx(out["delta0"], rel=1e-12)
    assert np.interp(2.0, arrays["tau"], arrays["delta"]) == pytest.approx(
        out["delta_tau"]["2.0"], rel=1e-12
    )
    # Five neuron traces from t = 0 to 50 at dt = 0.1, starting at h(0) ~ N(0, 1).
    assert arrays["trace_h"].shape == (501, 5)
    assert arrays["trace_t"][-1] == pytest.approx(50.0)
    assert np.all(np.isfinite(arrays["trace_h"]))
    saved = json.loads((tmp_path / "simulate.json").read_text())
    assert saved["result"]["var"] == out["var"]
    assert dmft.__version__  # the package is importable as installed


@pytest.mark.parametrize(
    "method",
    [
        ["--method", "quadrature"],
        ["--method", "sampled", "--samples", "100", "--passes", "3"],
    ],
)
def test_transient_out_saves_m_q_and_covariance(tmp_path, method):
    # A short, small run: the saved curves are the solver's own arrays, so q(t1) and
    # the late-window average recomputed from them equal the printed numbers.
    args = ["--t1", "4", "--dt", "0.2", *method]
    out = _invoke(["transient", *args, "--out", tmp_path])
    arrays = np.load(tmp_path / "transient.npz")
    assert arrays["t"].shape == (21,) and arrays["C"].shape == (21, 21)
    assert arrays["q"][-1] == pytest.approx(out["q_t1"], rel=1e-12)
    assert np.allclose(np.diag(arrays["C"]), arrays["q"], rtol=1e-12)
    saved = json.loads((tmp_path / "transient.json").read_text())
    assert saved["result"]["q_final"] == out["q_final"]
    assert saved["parameters"]["method"] == method[1]
    if method[1] == "sampled":
        assert saved["parameters"]["samples"] == 100


def test_training_out_saves_rd_per_width(tmp_path):
    args = ["--gamma", "1", "--gamma-prime", "0", "--width", "20", "--width", "40"]
    out = _invoke(["training", *args, "--seeds", "2", "--out", tmp_path])
    arrays = np.load(tmp_path / "training.npz")
    assert list(arrays["width"]) == [20, 40] and arrays["rd"].shape == (2, 2)
    assert arrays["rd"].mean(axis=1)[1] == pytest.approx(out["rd"]["40"], rel=1e-6)
