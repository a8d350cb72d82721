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
