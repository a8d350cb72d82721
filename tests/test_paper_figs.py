"""Paper figures: files written, JSON holding the plotted arrays, and theory against
simulation where the two must agree (tolerances from the measured finite-N spread)."""

import json
import pathlib

import numpy as np
import pytest

from paper_figs import _runner


def _check_files(files):
    for f in files:
        assert pathlib.Path(f).stat().st_size > 0, f


def _make(tmp_path, name):
    module = _runner.figure_modules()[name]
    files = _runner.make_figure(module, tmp_path, quick=True)
    _check_files(files)
    return json.loads((tmp_path / f"{name}.json").read_text())["data"]


def test_depth_scales_quick(tmp_path):
    data = _make(tmp_path, "depth_scales")
    # Schoenholz et al. (2017), Fig. 1: the critical point at sigma_b^2 = 0.05.
    assert data["critical_sigma_w2"] == pytest.approx(1.76, abs=0.005)
    xi_c = np.asarray(data["xi_c"], float)
    sw2 = np.asarray(data["sigma_w2"])
    # xi_c peaks at the grid point nearest the critical line.
    assert abs(sw2[np.nanargmax(xi_c)] - data["critical_sigma_w2"]) < 2 * (
        sw2[1] - sw2[0]
    )


def test_amari_quick_theory_vs_simulation(tmp_path):
    data = _make(tmp_path, "amari_mq")
    for case in data["cases"]:
        assert any(fp["stable"] for fp in case["fixed_points"])
        for run in case["runs"]:
            # Amari's equations are exact at a stable fixed point for large N: at
            # t = 10 the N = 300 network's population mean and variance agree with
            # them to within a few 1/sqrt(N) fluctuations (measured ~0.03 and ~0.01).
            assert run["m_sim"][-1] == pytest.approx(run["m_amari"][-1], abs=0.15)
            assert run["q_sim"][-1] == pytest.approx(run["q_amari"][-1], abs=0.05)


@pytest.mark.slow
def test_all_figures_quick(tmp_path):
    files = _runner.make_figures(tmp_path, quick=True)
    assert set(files) == set(_runner.figure_modules())
    for paths in files.values():
        _check_files(paths)
    data = {n: json.loads((tmp_path / f"{n}.json").read_text())["data"] for n in files}
    # The deep chi_1 = 1 line and the recurrent DMFT onset coincide (to 1e-8).
    dp = data["deep_phase_diagram"]
    np.testing.assert_allclose(dp["dmft_g_c2"], dp["deep_at_dmft_sigma_w2"], rtol=1e-8)
    # Deep maps vs width-300 networks: q within 15%, c within 0.15 (three networks;
    # the measured spread of q is ~5-10%, of c up to ~0.1 in the chaotic phase).
    for p in data["deep_propagation"]["panels"]:
        np.testing.assert_allclose(p["q_sim_mean"], p["q_theory"], rtol=0.15)
        np.testing.assert_allclose(p["c_sim_mean"], p["c_theory"], atol=0.15)
        np.testing.assert_allclose(p["circle_sim_mean"], p["circle_theory"], rtol=0.15)
    # Delta0 of N = 300-400 networks within 10% of the DMFT (finite-N ~ few %).
    for panel in data["chaos_onset"]["panels"]:
        theory = panel["theory"]
        for sim in panel["simulation"]:
            expected = np.interp(sim["g"], theory["g"], theory["delta0"])
            assert sim["delta0_mean"] == pytest.approx(expected, rel=0.1, abs=0.05)
