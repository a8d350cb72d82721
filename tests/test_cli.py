"""The CLI's error contract: one line on stderr, non-zero exit, no traceback."""

import subprocess
import sys


def _run(*args):
    return subprocess.run(
        [sys.executable, "-m", "dmft.cli", *args], capture_output=True, text=True
    )


def test_unknown_figure_is_one_line_error():
    result = _run("figures", "--only", "nope", "--out", "/nonexistent/never-written")
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith("dmft: error: unknown figure nope")
    assert "Traceback" not in result.stderr


def test_unknown_option_is_usage_error():
    result = _run("figures", "--bogus")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "bogus" in result.stderr


# --- strict JSON ------------------------------------------------------------------


def test_json_is_strict_with_a_status():
    import json
    import math

    import numpy as np

    from dmft.cli import to_json

    out = to_json(
        {"a": float("nan"), "b": {"c": np.inf}, "d": [1.0, -math.inf], "e": 2}
    )
    text = json.dumps(out, allow_nan=False)  # raises on NaN/Infinity
    assert json.loads(text) == {
        "a": None,
        "b": {"c": None},
        "d": [1.0, None],
        "e": 2,
        "status": "nonfinite",
        "nonfinite": ["a", "b.c", "d[1]"],
    }
    # A command's own status is kept.
    assert to_json({"q": math.nan, "status": "degenerate"})["status"] == "degenerate"


def test_version_and_short_help(capsys):
    from dmft.cli import run

    assert run(["--version"]) == 0
    assert capsys.readouterr().out.startswith("dmft ")
    assert run(["simulate", "-h"]) == 0
    text = capsys.readouterr().out
    assert "--discrete-step" in text and "<bool>" not in text


# --- stored figure results (paper_figs' loading) ----------------------------------


def _figure(calls):
    import pathlib
    import types

    def compute(quick, cache):
        panel = cache("a", lambda: calls.append("a") or {"x": [1.0]})
        return {"panel": panel, "checks": []}

    def plot(data, stem):
        for ext in ("png", "pdf"):
            pathlib.Path(f"{stem}.{ext}").write_bytes(b"image")

    return types.SimpleNamespace(NAME="fake", compute=compute, plot=plot)


import pytest  # noqa: E402


@pytest.mark.parametrize(
    "content", ['{"name": "fake", "quick": tr', "", "[1, 2]", '{"name": "fake"}', "{}"]
)
def test_damaged_figure_json_names_the_file_and_fresh_recovers(content, tmp_path):
    # Before: a JSONDecodeError/AttributeError/KeyError without the file's name, and
    # --fresh did not help (the file was parsed before --fresh was looked at).
    from paper_figs import make_figure

    calls = []
    path = tmp_path / "fake.json"
    path.write_text(content)
    with pytest.raises(ValueError, match="fake.json.*--fresh"):
        make_figure(_figure(calls), tmp_path, quick=True)
    make_figure(_figure(calls), tmp_path, quick=True, fresh=True)
    assert calls == ["a"]
    make_figure(_figure(calls), tmp_path, quick=True)  # stored now: not recomputed
    assert calls == ["a"]


@pytest.mark.parametrize("content", ["{}", '{"x": [1.0', "null"])
def test_damaged_panel_is_refused_not_plotted(content, tmp_path):
    # Before: an `{}` panel was read back and stored into the figure's JSON.
    from paper_figs import make_figure

    calls = []
    panel = tmp_path / ".panels" / "fake-quick" / "a.json"
    panel.parent.mkdir(parents=True)
    panel.write_text(content)
    with pytest.raises(ValueError, match="a.json"):
        make_figure(_figure(calls), tmp_path, quick=True)
    assert not (tmp_path / "fake.json").exists()
    make_figure(_figure(calls), tmp_path, quick=True, fresh=True)
    assert calls == ["a"]


def test_empty_panel_is_not_stored(tmp_path):
    import types

    from paper_figs import make_figure

    module = types.SimpleNamespace(
        NAME="fake",
        compute=lambda quick, cache: {"panel": cache("a", lambda: {})},
        plot=lambda data, stem: None,
    )
    with pytest.raises(ValueError, match="panel 'a' computed no data"):
        make_figure(module, tmp_path, quick=True)
    assert not list(tmp_path.rglob("*.json"))


@pytest.mark.parametrize("jit", ["jax", "equinox"])
def test_a_failure_inside_a_compiled_program_is_its_message(jit):
    # `simulate --g 1e6` printed only "Above is the stack outside of JIT...".
    import equinox as eqx
    import jax

    from dmft.cli import one_line

    message = "The maximum number of solver steps was reached."

    @(jax.jit if jit == "jax" else eqx.filter_jit)
    def f(x):
        return eqx.error_if(x, x > 0, message)

    with pytest.raises(Exception) as info:
        jax.block_until_ready(f(1.0))
    assert one_line(info.value) == message


def test_figures_help_lists_every_figure():
    # The help's list is written out (importing paper_figs at start-up would slow
    # every command): it must name exactly the figures that exist.
    import paper_figs

    result = _run("figures", "--help")
    import re

    assert result.returncode == 0
    listed = set(re.findall(r"^\s+([a-z_]+)\s{2,}\S", result.stdout, re.M))
    assert listed == set(paper_figs.figure_modules())
