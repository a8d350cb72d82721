"""Every script in examples/ runs (with `--quick`) and writes its figures into the
folder given by `--out`, nothing into the current directory."""

import pathlib
import subprocess
import sys

import pytest


# Scripts only: `_arguments.py` is the command line they share.
EXAMPLES = sorted((pathlib.Path(__file__).parent.parent / "examples").glob("[a-z]*.py"))


@pytest.mark.slow  # each script starts JAX and compiles: ~10-40 s apiece on 2 cores
@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.stem)
def test_example_runs(script, tmp_path):
    out = tmp_path / "out"
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    result = subprocess.run(
        [sys.executable, str(script), "--quick", "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    pngs = list(out.glob("*.png"))
    assert pngs and all(p.stat().st_size > 0 for p in pngs)
    assert not list(cwd.iterdir())  # nothing written where the script was started


def test_every_example_has_quick_and_out_options():
    assert len(EXAMPLES) >= 7
    for script in EXAMPLES:
        text = script.read_text()
        assert "--quick" in text and "--out" in text, script.name
        assert "dmft-output/examples" in text, script.name
