"""The figure runner: resumable panels, atomic files, reuse of finished figures."""

import json
import pathlib
import types

import pytest

from paper_figs import _runner


def _fake_figure(calls: list[str], fail_at: str | None = None):
    def compute(quick, cache):
        panels = {}
        for key in ("a", "b", "c"):

            def panel(key=key):
                calls.append(key)
                if key == fail_at:
                    raise KeyboardInterrupt  # an interrupt in the middle of a figure
                return {"x": [1.0, 2.0], "y": [float(ord(key)), 0.0]}

            panels[key] = cache(key, panel)
        return {"panels": panels, "quick": quick, "checks": []}

    def plot(data, stem):
        for ext in ("png", "pdf"):
            pathlib.Path(f"{stem}.{ext}").write_bytes(b"image")

    return types.SimpleNamespace(NAME="fake", compute=compute, plot=plot)


def test_interrupted_figure_resumes_without_recomputing(tmp_path):
    calls = []
    with pytest.raises(KeyboardInterrupt):
        _runner.make_figure(_fake_figure(calls, fail_at="b"), tmp_path, quick=True)
    assert calls == ["a", "b"]
    # Nothing half-written: no figure JSON, no temporary files left behind.
    assert not (tmp_path / "fake.json").exists()
    assert not list(tmp_path.rglob("*.tmp"))

    calls.clear()
    files = _runner.make_figure(_fake_figure(calls), tmp_path, quick=True)
    assert calls == ["b", "c"]  # panel "a" came from the cache
    data = json.loads((tmp_path / "fake.json").read_text())
    assert data["quick"] is True and data["data"]["panels"]["a"]["x"] == [1.0, 2.0]
    assert all(pathlib.Path(f).stat().st_size > 0 for f in files)

    # A finished figure is not recomputed; a different `quick` setting is.
    calls.clear()
    _runner.make_figure(_fake_figure(calls), tmp_path, quick=True)
    assert calls == []
    _runner.make_figure(_fake_figure(calls), tmp_path, quick=False)
    assert calls == ["a", "b", "c"]


def test_unknown_figure_name_is_an_error_before_work(tmp_path):
    with pytest.raises(ValueError, match="unknown figure nope"):
        _runner.make_figures(tmp_path, only=["nope"])
    assert not list(tmp_path.iterdir())
