"""A battery of bad inputs across every command and the public API (issue 18).

Each CLI case must exit with the stated status, print exactly one line on stderr
(`dmft: error: ...`, naming the option or file), nothing on stdout, and compile no
XLA program first: bad input is refused before any work. Each API case must raise the
stated exception type, also before compiling anything. The CLI cases run in-process
through `dmft.cli.run` (the same code path as the `dmft` script, minus the process
exit); a few go through a real process for the exit status.
"""

import contextlib
import logging
import os
import subprocess
import sys

import jax
import jax.numpy as jnp
import jax.random as jr
import numpy as np
import pytest

import dmft
from dmft.cli import run


class _Compiles(logging.Handler):
    """Collects JAX's "Compiling <program>" log lines (`jax.log_compiles`), except
    `jit(stage)`, the transfer program `jnp.asarray` of a NumPy array compiles."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.programs = []

    def emit(self, record):
        message = record.getMessage()
        if message.startswith("Compiling ") and "jit(stage)" not in message:
            self.programs.append(message.split(" with ")[0])


@contextlib.contextmanager
def _no_compilation():
    """Fail if a (non-trivial) XLA program is compiled inside the block."""
    handler = _Compiles()
    logger = logging.getLogger("jax")
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False  # not on stderr: the CLI cases count its lines
    try:
        with jax.log_compiles(True):
            yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
    assert not handler.programs, f"compiled before refusing: {handler.programs}"


BIG = str(2**70)

# (command line, exit status, a fragment the one stderr line must contain)
CLI_CASES = [
    # global
    (["--bogus"], 2, "--bogus"),
    (["nope"], 2, "nope"),
    # deep
    (["deep", "--sigma-w", "-1"], 1, "sigma_w"),
    (["deep", "--sigma-w", "nan"], 1, "sigma_w"),
    (["deep", "--sigma-w", "inf"], 1, "sigma_w"),
    (["deep", "--sigma-w", "1", "--sigma-b", "-1"], 1, "sigma_b"),
    (["deep", "--sigma-w", "1", "--sigma-b", "nan"], 1, "sigma_b"),
    (["deep", "--sigma-w", "1", "--phi", "nope"], 1, "nope"),
    (["deep", "--sigma-w", "abc"], 2, "--sigma-w"),
    (["deep"], 2, "--sigma-w"),
    # transition
    (["transition", "--sigma-b", "-1"], 1, "sigma_b"),
    (["transition", "--noise", "-1"], 1, "noise"),
    (["transition", "--noise", "nan"], 1, "noise"),
    (["transition", "--discrete-step", "0"], 1, "--discrete-step"),
    (["transition", "--discrete-step", "-0.5"], 1, "--discrete-step"),
    (["transition", "--discrete-step", "1.5"], 1, "--discrete-step"),
    (["transition", "--discrete-step", "3"], 1, "--discrete-step"),
    (["transition", "--discrete-step", "nan"], 1, "--discrete-step"),
    (["transition", "--discrete-step", "inf"], 1, "--discrete-step"),
    (["transition", "--phi", "sigmoid"], 1, "sigmoid"),
    # solve
    (["solve", "--g", "0"], 1, "--g"),
    (["solve", "--g", "-1"], 1, "--g"),
    (["solve", "--g", "nan"], 1, "--g"),
    (["solve", "--g", "inf"], 1, "--g"),
    (["solve", "--g", "2", "--sigma-b", "-1"], 1, "sigma_b"),
    (["solve", "--g", "2", "--noise", "-1"], 1, "noise"),
    (["solve", "--g", "2", "--tau", "-1"], 1, "--tau"),
    (["solve", "--g", "2", "--tau", "nan"], 1, "--tau"),
    (["solve", "--g", "2", "--tau", "inf"], 1, "--tau"),
    (["solve", "--g", "2", "--discrete-step", "0"], 1, "--discrete-step"),
    (["solve", "--g", "2", "--discrete-step", "2"], 1, "--discrete-step"),
    (["solve", "--g", "2", "--discrete-step", "0.5", "--tau", "0.3"], 1, "--tau"),
    (["solve", "--g", "2", "--phi", "x"], 1, "x"),
    (["solve"], 2, "--g"),
    (["solve", "--g", "two"], 2, "--g"),
    # amari
    (["amari", "--g", "0"], 1, "--g"),
    (["amari", "--g", "-2"], 1, "--g"),
    (["amari", "--g", "nan"], 1, "--g"),
    (["amari", "--g", "1", "--sigma-b", "-1"], 1, "sigma_b"),
    (["amari", "--g", "1", "--mean-w", "nan"], 1, "mean_w"),
    (["amari", "--g", "1", "--mean-b", "inf"], 1, "mean_b"),
    (["amari", "--g", "1", "--phi", "x"], 1, "x"),
    # simulate
    (["simulate", "--n", "0"], 1, "--n"),
    (["simulate", "--n", "1"], 1, "--n"),
    (["simulate", "--n", "-5"], 1, "--n"),
    (["simulate", "--n", "1000000000", "--t1", "60", "--t-burn", "10"], 1, "GiB"),
    (["simulate", "--n", "100", "--t1", "1e12"], 1, "GiB"),
    (["simulate", "--g", "-1"], 1, "sigma_w"),
    (["simulate", "--g", "nan"], 1, "sigma_w"),
    (["simulate", "--sigma-b", "nan"], 1, "sigma_b"),
    (["simulate", "--noise", "-0.5"], 1, "noise"),
    (["simulate", "--mean-w", "nan"], 1, "mean_w"),
    (["simulate", "--mean-b", "inf"], 1, "mean_b"),
    (["simulate", "--t1", "100", "--t-burn", "100"], 1, "t1"),
    (["simulate", "--t-burn", "-1"], 1, "t_burn"),
    (["simulate", "--t1", "nan"], 1, "t1"),
    (["simulate", "--t1", "inf"], 1, "t1"),
    (["simulate", "--t1", "40", "--t-burn", "0"], 1, "402 samples"),
    (["simulate", "--tau", "-1"], 1, "--tau"),
    (["simulate", "--tau", "nan"], 1, "--tau"),
    (["simulate", "--discrete-step", "3"], 1, "--discrete-step"),
    (["simulate", "--discrete-step", "1.5"], 1, "--discrete-step"),
    (["simulate", "--discrete-step", "0"], 1, "--discrete-step"),
    (["simulate", "--discrete-step", "0.5", "--tau", "0.3"], 1, "--tau"),
    (["simulate", "--discrete-step", "0.3", "--t-burn", "100"], 1, "multiple"),
    (["simulate", "--lyapunov", "--t1", "100.5", "--t-burn", "50"], 1, "multiple"),
    (["simulate", "--seed", BIG], 1, "--seed"),
    (["simulate", "--seed", "-1"], 1, "--seed"),
    (["simulate", "--phi", "bad"], 1, "bad"),
    (["simulate", "--n", "2.5"], 2, "--n"),
    # transient
    (["transient", "--g", "-1"], 1, "sigma_w"),
    (["transient", "--q0", "-1"], 1, "variance"),
    (["transient", "--t1", "0"], 1, "--t1"),
    (["transient", "--dt", "0"], 1, "--dt"),
    (["transient", "--dt", "nan"], 1, "--dt"),
    (["transient", "--method", "sampled", "--samples", "0"], 1, "--samples must"),
    (["transient", "--samples", "2000"], 1, "--method sampled only"),
    (["transient", "--seed", BIG], 1, "--seed"),
    (["transient", "--tau", "-1"], 1, "--tau"),
    # training
    (["training", "--gamma", "nan", "--gamma-prime", "0"], 1, "--gamma"),
    (["training", "--gamma", "0", "--gamma-prime", "inf"], 1, "--gamma-prime"),
    (["training", "--gamma", "0", "--gamma-prime", "0", "--seeds", "0"], 1, "--seeds"),
    (["training", "--gamma", "0", "--gamma-prime", "0", "--width", "0"], 1, "--width"),
    (["training", "--gamma", "0", "--gamma-prime", "0", "--width", "5"], 1, "two"),
    (
        ["training", "--gamma", "0", "--gamma-prime", "0"]
        + ["--width", "1000000000", "--width", "10"],
        1,
        "GiB",
    ),
    (["training", "--gamma", "0", "--gamma-prime", "0", "--seed", BIG], 1, "--seed"),
    (["training", "--gamma", "0", "--gamma-prime", "0", "--seed", "-3"], 1, "--seed"),
    (["training", "--gamma", "0"], 2, "--gamma-prime"),
    # figures and demo
    (["figures", "--only", "nope", "--out", "/nonexistent/never"], 1, "nope"),
    (["figures", "--out", "/proc/x"], 1, "--out"),
    (["figures", "--bogus"], 2, "--bogus"),
    (["demo", "--seed", BIG], 1, "--seed"),
    (["demo", "--out", "/proc/x"], 1, "--out"),
]


@pytest.mark.parametrize(
    "args, status, fragment", CLI_CASES, ids=[" ".join(c[0])[:60] for c in CLI_CASES]
)
def test_cli_refuses_before_work(args, status, fragment, capsys):
    with _no_compilation():
        code = run(args)
    out, err = capsys.readouterr()
    assert code == status, err
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("dmft: error: "), err
    assert fragment in err, err


# Inputs are built here, once: building them may compile (a first `jnp.zeros`),
# which is not what the cases measure.
QUIET = dmft.RateNetwork(0.5 * np.eye(4))
NOISY = dmft.RateNetwork(0.5 * np.eye(4), noise=0.3)
SINGLE = dmft.RateNetwork(np.zeros((1, 1)))
KEY = jr.key(0)
Z3, Z4 = jnp.asarray(np.zeros(3)), jnp.asarray(np.zeros(4))


def _quiet():
    return QUIET


def _noisy():
    return NOISY


# (name, call, exception type)
API_CASES = [
    ("DiscreteTime(0)", lambda: dmft.DiscreteTime(0.0), ValueError),
    ("DiscreteTime(1.5)", lambda: dmft.DiscreteTime(1.5), ValueError),
    ("DiscreteTime(3)", lambda: dmft.DiscreteTime(3), ValueError),
    ("DiscreteTime(nan)", lambda: dmft.DiscreteTime(float("nan")), ValueError),
    ("DiscreteTime(True)", lambda: dmft.DiscreteTime(True), ValueError),
    ("iterate n_steps 0", lambda: dmft.iterate(_quiet(), Z4, 0), ValueError),
    (
        "iterate n_steps 2.5",
        lambda: dmft.iterate(_quiet(), Z4, 2.5),
        ValueError,
    ),
    (
        "iterate step 2",
        lambda: dmft.iterate(_quiet(), Z4, 3, step=2.0),
        ValueError,
    ),
    (
        "iterate noisy, no key",
        lambda: dmft.iterate(_noisy(), Z4, 3),
        ValueError,
    ),
    ("iterate h0 shape", lambda: dmft.iterate(_quiet(), Z3, 3), ValueError),
    (
        "sample n 0",
        lambda: dmft.RateNetwork.sample(dmft.NetworkEnsemble(), KEY, 0),
        ValueError,
    ),
    (
        "sample n 2.5",
        lambda: dmft.RateNetwork.sample(dmft.NetworkEnsemble(), KEY, 2.5),
        ValueError,
    ),
    (
        "sample n 10**7 (memory)",
        lambda: dmft.RateNetwork.sample(dmft.NetworkEnsemble(), KEY, 10**7),
        ValueError,
    ),
    ("RateNetwork non-square", lambda: dmft.RateNetwork(np.zeros((2, 3))), ValueError),
    (
        "RateNetwork noise -1",
        lambda: dmft.RateNetwork(np.zeros((2, 2)), noise=-1.0),
        ValueError,
    ),
    (
        "RateNetwork noise complex",
        lambda: dmft.RateNetwork(np.zeros((2, 2)), noise=1 + 1j),
        ValueError,
    ),
    (
        "RateNetwork W nan",
        lambda: dmft.RateNetwork(np.full((2, 2), np.nan)),
        ValueError,
    ),
    ("Sampling dt 0", lambda: dmft.Sampling(dt=0.0), ValueError),
    ("Sampling dt nan", lambda: dmft.Sampling(dt=float("nan")), ValueError),
    ("Sampling max_lag -1", lambda: dmft.Sampling(max_lag=-1.0), ValueError),
    ("Sampling chunk 0", lambda: dmft.Sampling(chunk=0), ValueError),
    (
        "window_sampling short",
        lambda: dmft.network.window_sampling(0.0, 40.0),
        ValueError,
    ),
    (
        "window_sampling t1 < t_burn",
        lambda: dmft.network.window_sampling(10, 5),
        ValueError,
    ),
    (
        "window_sampling nan",
        lambda: dmft.network.window_sampling(float("nan"), 5.0),
        ValueError,
    ),
    (
        "window_sampling off the step grid",
        lambda: dmft.network.window_sampling(
            0.5, 100.0, dynamics=dmft.DiscreteTime(1.0)
        ),
        ValueError,
    ),
    (
        "lyapunov_window few intervals",
        lambda: dmft.network.lyapunov_window(0, 10),
        ValueError,
    ),
    (
        "lyapunov_window off grid",
        lambda: dmft.network.lyapunov_window(0.5, 100),
        ValueError,
    ),
    (
        "stationary_statistics short window",
        lambda: dmft.stationary_statistics(_quiet(), KEY, 0.0, 40.0),
        ValueError,
    ),
    (
        "stationary_statistics n = 1",
        lambda: dmft.stationary_statistics(SINGLE, KEY, 0, 50),
        ValueError,
    ),
    (
        "stationary_statistics memory",
        lambda: dmft.stationary_statistics(_quiet(), KEY, 0.0, 1e12),
        ValueError,
    ),
    (
        "lyapunov_spectrum k 0",
        lambda: dmft.lyapunov_spectrum(_quiet(), KEY, 0.0, 100.0, k=0),
        ValueError,
    ),
    (
        "lyapunov_spectrum k > n",
        lambda: dmft.lyapunov_spectrum(_quiet(), KEY, 0.0, 100.0, k=5),
        ValueError,
    ),
    (
        "trajectory_statistics 1-D",
        lambda: dmft.trajectory_statistics(np.zeros(100), 0.1, 1.0),
        ValueError,
    ),
    (
        "trajectory_statistics n = 1",
        lambda: dmft.trajectory_statistics(np.zeros((100, 1)), 0.1, 1.0),
        ValueError,
    ),
    (
        "trajectory_statistics short",
        lambda: dmft.trajectory_statistics(np.zeros((10, 3)), 0.1, 1.0),
        ValueError,
    ),
    (
        "NetworkEnsemble sigma_w -1",
        lambda: dmft.NetworkEnsemble(sigma_w=-1.0),
        ValueError,
    ),
    (
        "NetworkEnsemble sigma_b nan",
        lambda: dmft.NetworkEnsemble(sigma_b=float("nan")),
        ValueError,
    ),
    (
        "NetworkEnsemble noise -0.1",
        lambda: dmft.NetworkEnsemble(noise=-0.1),
        ValueError,
    ),
    (
        "NetworkEnsemble sigma_w complex",
        lambda: dmft.NetworkEnsemble(sigma_w=1 + 1j),
        ValueError,
    ),
    (
        "simulate h0 shape",
        lambda: dmft.simulate(_quiet(), Z3, 0.0, 1.0),
        ValueError,
    ),
    (
        "simulate t1 <= t0",
        lambda: dmft.simulate(_quiet(), Z4, 1.0, 1.0),
        ValueError,
    ),
    (
        "simulate noisy, no key",
        lambda: dmft.simulate(_noisy(), Z4, 0.0, 1.0),
        ValueError,
    ),
    ("nonlinearity unknown", lambda: dmft.nonlinearity("sigmoid"), ValueError),
]


@pytest.mark.parametrize("name, call, error", API_CASES, ids=[c[0] for c in API_CASES])
def test_api_refuses_before_work(name, call, error):
    with _no_compilation(), pytest.raises(error):
        call()


def test_counts():
    # The battery's size, as issue 18 asks (>= 80 bad inputs).
    assert len(CLI_CASES) + len(API_CASES) >= 80


@pytest.mark.parametrize(
    "args, status",
    [
        (["simulate", "--discrete-step", "3"], 1),
        (["simulate", "--bogus"], 2),
        (["--version"], 0),
    ],
)
def test_exit_status_of_the_real_process(args, status):
    env = dict(os.environ, DMFT_COMPILATION_CACHE="")
    out = subprocess.run(
        [sys.executable, "-m", "dmft.cli", *args],
        capture_output=True,
        text=True,
        env=env,
    )
    assert out.returncode == status, out.stderr
    if status:
        assert out.stderr.count("\n") == 1 and out.stderr.startswith("dmft: error:")
        assert out.stdout == ""
    else:
        assert out.stdout.startswith("dmft ") and out.stderr == ""
