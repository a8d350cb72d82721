"""`dmft transient`: the JSON contract, a linear run against its closed form, and bad
input as one line on stderr before any computation."""

import json
import sys

import numpy as np
import pytest
from scipy.special import i0e

from dmft.cli import main


def _run(monkeypatch, capsys, *args):
    monkeypatch.setattr(sys, "argv", ["dmft", "transient", *args])
    try:
        main()
        code = 0
    except SystemExit as e:
        code = e.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_linear_run_matches_closed_form(monkeypatch, capsys):
    # Linear phi, no means/bias/noise: C(t, t') = q0 e^{-(t+t')} I0(2 g sqrt(t t'))
    # (derived in tests/test_twotime.py).
    g, q0, t1 = 0.6, 1.0, 4.0
    code, out, err = _run(
        monkeypatch,
        capsys,
        *("--phi", "linear", "--g", str(g), "--q0", str(q0), "--t1", str(t1)),
        *("--dt", "0.1", "--samples", "2000", "--tau", "1", "--json"),
    )
    assert code == 0, err
    result = json.loads(out)
    assert result["converged"] is True and result["iterations"] >= 1

    def exact(t, s):
        x = 2 * g * np.sqrt(t * s)
        return q0 * i0e(x) * np.exp(x - t - s)

    # 5 standard errors (as reported) plus the O(dt^2) ~ 3e-3 of Heun's method.
    tol = 5 * result["q_final_stderr"] + 3e-3
    assert abs(result["q_final"] - exact(t1, t1)) <= tol
    assert abs(result["m_final"]) <= 5 * result["m_final_stderr"]
    # The late window is the last 10% of [0, t1]: t in [3.6, 4.0].
    ts = np.linspace(3.6, 4.0, 5)
    late = np.mean(exact(ts, ts - 1.0))
    tol = 5 * result["delta_tau_late_stderr"]["1.0"] + 3e-3
    assert abs(result["delta_tau_late"]["1.0"] - late) <= tol


@pytest.mark.parametrize(
    "args, match",
    [
        (("--samples", "0"), "n_samples"),
        (("--q0", "-1"), "variance"),
        (("--g", "nan"), "sigma_w"),
        (("--t1", "0"), "t1"),
        (("--dt", "0"), "dt"),
        (("--tau", "-1"), "tau"),
        (("--tau", "95"), "tau"),
        (("--phi", "nope"), "nope"),
        (("--max-iterations", "0"), "max_iterations"),
    ],
)
def test_bad_input_is_one_line(monkeypatch, capsys, args, match):
    code, out, err = _run(monkeypatch, capsys, *args, "--json")
    assert code == 1
    assert out == ""
    assert err.startswith("dmft: error:") and err.strip().count("\n") == 0
    assert match in err


def test_not_converged_prints_result_and_fails(monkeypatch, capsys):
    # One iteration cannot converge from the frozen initial guess: the numbers are
    # printed (converged: false) and the exit status says failure, with one line.
    code, out, err = _run(
        monkeypatch,
        capsys,
        *("--phi", "linear", "--g", "0.6", "--q0", "1", "--t1", "4", "--dt", "0.1"),
        *("--samples", "2000", "--max-iterations", "1", "--json"),
    )
    assert code == 1
    result = json.loads(out)
    assert result["converged"] is False and result["iterations"] == 1
    assert err.startswith("dmft: error:") and "did not converge" in err
    assert err.strip().count("\n") == 0


@pytest.mark.parametrize("noise", [0.0, 0.5])
def test_transient_program_fits_the_compilation_cache(noise):
    # JAX's persistent cache skips programs with host callbacks; diffrax's checks of
    # StepTo(ts) and SaveAt(ts) were 16 of them, so `dmft transient` recompiled on
    # every call. The paths are now Heun steps in a lax.scan.
    import jax.numpy as jnp
    import jax.random as jr

    import dmft
    from dmft.twotime._solve import _drive_on_grid, _solve

    ens = dmft.NetworkEnsemble(sigma_w=2.0, noise=noise)
    ts = jnp.linspace(0.0, 10.0, 51)
    lowered = _solve.lower(
        ens,
        ts,
        _drive_on_grid(None, ts),
        dmft.GaussianInitial(0.0, 1.0),
        dmft.TwoTimeOptions(n_samples=100, response_samples=4),
        jr.key(0),
        noise > 0,
        False,
    )
    assert "callback" not in lowered.as_text()
