"""`dmft demo`: the DMFT autocorrelation against an ensemble of networks, every compared
lag within three standard errors, in under a minute."""

import json
import subprocess
import sys

import pytest


@pytest.mark.slow  # six N = 2000 networks: ~30 s on an idle 2-core machine, cold
def test_demo_agrees_within_error_bars(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "dmft.cli", "demo", "--out", str(tmp_path), "--json"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert (tmp_path / "demo_autocorrelation.png").stat().st_size > 0
    assert out["n"] >= 2000 and out["networks"] >= 4
    checks = out["checks"]
    assert len(checks) == 13
    assert {"quantity", "x", "theory", "simulation", "stderr", "z"} <= set(checks[0])
    # z = (ensemble mean - DMFT) / standard error over networks; measured |z| <= 1.33
    # (seed 0). The 1/N bias of Delta0 (-0.014 at N = 2000) is below one standard error.
    assert all(c["z"] is not None and abs(c["z"]) <= 3 for c in checks), checks
    # The theory value at lag 0 is the DMFT variance (mpmath-checked elsewhere).
    assert checks[0]["theory"] == pytest.approx(1.9248054137, rel=1e-8)
