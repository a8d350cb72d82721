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
    tol = 5 * result["q_t1_stderr"] + 3e-3
    assert abs(result["q_t1"] - exact(t1, t1)) <= tol
    assert abs(result["m_final"]) <= 5 * result["m_final_stderr"]
    # The late window is the second half of [0, t1]: t in [2.0, 4.0] on the grid.
    assert result["late_window"] == [2.0, 4.0]
    ts = np.linspace(2.0, 4.0, 21)
    q_late = np.mean(exact(ts, ts))
    assert abs(result["q_final"] - q_late) <= 5 * result["q_final_stderr"] + 3e-3
    late = np.mean(exact(ts, ts - 1.0))
    tol = 5 * result["delta_tau_late_stderr"]["1.0"] + 3e-3
    assert abs(result["delta_tau_late"]["1.0"] - late) <= tol


@pytest.mark.parametrize(
    "args, match",
    [
        (("--samples", "0"), "--samples"),
        (("--samples", "1"), "--samples"),
        (("--samples", "99"), "--samples"),
        (("--samples", "1000000000"), "GiB"),
        (("--t1", "1e9"), "GiB"),
        (("--t1", "10", "--dt", "1e-9"), "GiB"),
        (("--passes", "2"), "--passes"),
        (("--q0", "-1"), "variance"),
        (("--g", "nan"), "sigma_w"),
        (("--t1", "0"), "t1"),
        (("--dt", "0"), "dt"),
        (("--tau", "-1"), "tau"),
        (("--tau", "95"), "tau"),
        (("--tau", "51"), "tau"),
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
    # every call. The paths are now Heun steps in a lax.scan. With throw=False (as
    # the command solves) no callback is left in the program.
    import equinox as eqx
    import jax.numpy as jnp
    import jax.random as jr

    import dmft

    ts = jnp.linspace(0.0, 10.0, 51)
    options = dmft.TwoTimeOptions(
        n_samples=100, response_samples=4, passes=4, burn_in=1
    )

    @eqx.filter_jit
    def solve(ensemble, key):
        return dmft.solve_two_time(ensemble, ts, key=key, options=options, throw=False)

    ens = dmft.NetworkEnsemble(sigma_w=2.0, noise=noise)
    lowered = solve.lower(ens, jr.key(0))
    assert "callback" not in lowered.as_text()


@pytest.mark.slow
def test_defaults_reach_the_stationary_solution(monkeypatch, capsys):
    # Issue 15, defect 2: at the defaults (g = 2, q0 = 0.5, t1 = 100, dt = 0.2) the
    # late-window q_final and Delta(1) are within 1.5% of SCS's stationary solution
    # (Delta0 = 1.92481, Delta(1) = 1.86300; the marching fixed point alone gave
    # q(t1) = 2.112, 2.022, 2.099 for seeds 0, 1, 2). Over four seeds the mean must be
    # within 1.5% and each run within 1.5% plus 2 of its reported standard errors
    # (which miss part of the feedback error, measured ~1.5x). Delta(5) = 1.0346 is
    # ill-conditioned (it hangs on the separatrix of SCS's particle: a 1% error of
    # Delta0 moves it ~5%): its mean is checked at 5%. Measured (seeds 0-3): q_final
    # -0.8%, -1.0%, +0.5%, -0.8%; Delta(1) -0.9%, -1.2%, +0.6%, -0.8%; Delta(5) -3.5%,
    # -5.8%, +1.8%, -1.1%; reported stderrs 0.6%. Each call: ~15 s of CPU.
    reference = {"q": 1.92480541, "1.0": 1.86300263, "5.0": 1.03457808}
    runs = []
    for seed in range(4):
        code, out, err = _run(monkeypatch, capsys, "--seed", str(seed), "--json")
        assert code == 0, err
        runs.append(json.loads(out))
    q = np.array([r["q_final"] for r in runs])
    q_err = np.array([r["q_final_stderr"] for r in runs])
    d1 = np.array([r["delta_tau_late"]["1.0"] for r in runs])
    d1_err = np.array([r["delta_tau_late_stderr"]["1.0"] for r in runs])
    d5 = np.array([r["delta_tau_late"]["5.0"] for r in runs])
    assert abs(np.mean(q) / reference["q"] - 1) <= 0.015, q
    assert abs(np.mean(d1) / reference["1.0"] - 1) <= 0.015, d1
    assert np.all(np.abs(q - reference["q"]) <= 0.015 * reference["q"] + 2 * q_err), q
    assert np.all(
        np.abs(d1 - reference["1.0"]) <= 0.015 * reference["1.0"] + 2 * d1_err
    ), d1
    assert abs(np.mean(d5) / reference["5.0"] - 1) <= 0.05, d5
