"""Paper figures: files written, JSON holding the plotted arrays, and theory against
simulation where the two must agree (tolerances from the measured finite-N spread)."""

import json
import pathlib

import matplotlib.figure
import numpy as np
import pytest

from dmft.plotting import text_overlaps
from paper_figs import _runner


CHECK_KEYS = {"quantity", "x", "theory", "simulation", "stderr", "z"}


def _assert_checks_agree(name, checks):
    """Every plotted simulation point within three standard errors of its theory
    (z after the figure's stated 1/N extrapolation, if any). A point with zero spread
    (e.g. Delta0 = 0 in the ordered phase) must equal the theory."""
    bad = []
    for c in checks:
        assert set(c) == CHECK_KEYS, (name, c)
        if c["z"] is None:
            if abs(c["simulation"] - c["theory"]) > 1e-6:
                bad.append(c)
        elif abs(c["z"]) > 3:
            bad.append(c)
    assert not bad, f"{name}: {len(bad)} of {len(checks)} points off by > 3 s.e.: {bad}"


@pytest.fixture
def overlaps(monkeypatch):
    """Collects the overlapping text of every figure saved during the test."""
    found = []
    original = matplotlib.figure.Figure.savefig

    def savefig(self, *args, **kwargs):
        found.extend(text_overlaps(self))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", savefig)
    return found


def _check_files(files):
    for f in files:
        assert pathlib.Path(f).stat().st_size > 0, f


def _make(tmp_path, name):
    module = _runner.figure_modules()[name]
    files = _runner.make_figure(module, tmp_path, quick=True)
    _check_files(files)
    return json.loads((tmp_path / f"{name}.json").read_text())["data"]


def test_depth_scales_quick(tmp_path, overlaps):
    data = _make(tmp_path, "depth_scales")
    assert overlaps == []
    # Schoenholz et al. (2017), Fig. 1: the critical point at sigma_b^2 = 0.05.
    assert data["critical_sigma_w2"] == pytest.approx(1.76, abs=0.005)
    xi_c = np.asarray(data["xi_c"], float)
    sw2 = np.asarray(data["sigma_w2"])
    # xi_c peaks at the grid point nearest the critical line.
    assert abs(sw2[np.nanargmax(xi_c)] - data["critical_sigma_w2"]) < 2 * (
        sw2[1] - sw2[0]
    )


@pytest.mark.slow  # 8 runs x 4 networks
def test_amari_quick_theory_vs_simulation(tmp_path, overlaps):
    data = _make(tmp_path, "amari_mq")
    assert overlaps == []
    _assert_checks_agree("amari_mq", data["checks"])
    for case in data["cases"]:
        assert any(fp["stable"] for fp in case["fixed_points"])
        for run in case["runs"]:
            # Amari's equations are exact at a stable fixed point for large N: at
            # t = 10 the N = 300 network's population mean and variance agree with
            # them to within a few 1/sqrt(N) fluctuations (measured ~0.03 and ~0.01).
            assert run["m_sim"][-1] == pytest.approx(run["m_amari"][-1], abs=0.15)
            assert run["q_sim"][-1] == pytest.approx(run["q_amari"][-1], abs=0.05)


@pytest.mark.slow
def test_all_figures_quick(tmp_path, overlaps):
    files = _runner.make_figures(tmp_path, quick=True)
    assert set(files) == set(_runner.figure_modules())
    for paths in files.values():
        _check_files(paths)
    # No two text artists (titles, labels, tick labels, legends, notes) overlap.
    assert overlaps == []
    stored = {n: json.loads((tmp_path / f"{n}.json").read_text()) for n in files}
    # Every figure states its comparisons; every simulated point within 3 s.e.
    for name, figure in stored.items():
        assert figure["checks"] == figure["data"]["checks"]
        _assert_checks_agree(name, figure["checks"])
    data = {n: figure["data"] for n, figure in stored.items()}
    # The deep chi_1 = 1 line and the recurrent DMFT onset coincide (to 1e-8).
    dp = data["deep_phase_diagram"]
    np.testing.assert_allclose(dp["dmft_g_c2"], dp["deep_at_dmft_sigma_w2"], rtol=1e-8)
    # Figures with simulated points compare at least one of them.
    for name in (
        "scs_autocorrelation",
        "chaos_onset",
        "noise_transition",
        "deep_propagation",
        "amari_mq",
        "recurrent_vs_deep",
        "dmft_transient",
    ):
        assert len(data[name]["checks"]) > 0, name
