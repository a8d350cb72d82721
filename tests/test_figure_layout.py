"""Figure layout: the overlap detector finds overlapping text and passes clean
figures; the public plotting functions draw without overlapping text."""

import numpy as np

from dmft.plotting import (
    comparison_checks,
    new_figure,
    plot_autocorrelation_ensemble,
    text_overlaps,
)


def test_text_overlaps_finds_overlap_and_passes_clean_layout():
    fig, axes = new_figure()
    ax = axes[0, 0]
    ax.plot([0, 1], [0, 1])
    ax.set_xlabel("x")
    ax.set_title("title")
    assert text_overlaps(fig) == []
    # Two annotations at the same place: a defect the detector must report.
    ax.text(0.5, 0.5, "first annotation")
    ax.text(0.5, 0.5, "second annotation")
    assert len(text_overlaps(fig)) == 1


def test_save_figure_writes_no_signed_zero(tmp_path):
    fig, axes = new_figure()
    ax = axes[0, 0]
    ax.plot([-1e-17, 1.0], [0.0, 1.0])
    ax.set_xlim(-0.5, 1.0)
    fig.canvas.draw()
    from dmft.plotting import save_figure

    captured = {}
    original = fig.savefig

    def savefig(*args, **kwargs):
        fig.canvas.draw()
        captured["ticks"] = [t.get_text() for t in ax.get_xticklabels()]
        return original(*args, **kwargs)

    fig.savefig = savefig
    save_figure(fig, tmp_path / "zero", formats=("png",))
    assert captured["ticks"] and not any(
        t.replace("\N{MINUS SIGN}", "-").startswith("-0.0") and set(t[1:]) <= set("0.")
        for t in captured["ticks"]
    )


def test_demo_figure_has_no_overlapping_text(tmp_path, monkeypatch):
    import matplotlib.figure

    found = []
    original = matplotlib.figure.Figure.savefig

    def savefig(self, *args, **kwargs):
        found.extend(text_overlaps(self))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", savefig)
    lags = np.linspace(0.0, 12.0, 121)
    theory = 2 * np.exp(-lags / 5)
    mean, err = theory + 0.01, np.full_like(lags, 0.02)
    data = {
        "g": 2.0,
        "n": 2000,
        "networks": 6,
        "window": 200.0,
        "tau": lags.tolist(),
        "delta_theory": theory.tolist(),
        "lags": lags.tolist(),
        "delta_mean": mean.tolist(),
        "delta_stderr": err.tolist(),
        "checks": comparison_checks(
            "Delta", lags[::10], theory[::10], mean[::10], err[::10]
        ),
    }
    paths = plot_autocorrelation_ensemble(data, tmp_path / "demo", formats=("png",))
    assert found == [] and len(paths) == 1


def test_comparison_checks_z_scores():
    checks = comparison_checks("q", [0, 1], [1.0, 1.0], [1.3, 0.9], [0.1, 0.0])
    assert checks[0]["z"] == 3.0000000000000004 or abs(checks[0]["z"] - 3) < 1e-12
    assert checks[1]["z"] is None  # zero standard error: no z
    combined = comparison_checks("q", 0, 0.0, 0.5, 0.3, theory_stderr=0.4)
    assert abs(combined[0]["z"] - 1.0) < 1e-12
