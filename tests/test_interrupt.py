"""Ctrl-C: a real SIGINT sent to the `dmft` command at several moments (while Python
imports JAX, while XLA compiles, while a network runs, while a figure is computed and
written) ends it with exit status 130, exactly one line `dmft: interrupted` on stderr,
and no half-written file. Before this, 17 of 25 interrupted runs exited 0, 6 crashed
with SIGSEGV and 2 printed a traceback (issue 18)."""

import json
import os
import pathlib
import signal
import subprocess
import sys
import time

import pytest


REPO = pathlib.Path(__file__).resolve().parents[1]
# Long enough that none finishes within the delays below.
SIMULATE = ["simulate", "--n", "300", "--t1", "200000", "--t-burn", "100"]
FIGURE = ["figures", "--quick", "--only", "depth_scales"]


def _interrupt(args, delay, tmp_path, wait_for=None):
    """Start `python -m _dmft_cli ARGS` (the installed `dmft` script's entry point),
    send SIGINT after `delay` seconds (or once `wait_for(tmp_path)` holds), return
    (exit status, stderr)."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    env["DMFT_COMPILATION_CACHE"] = str(tmp_path / "cache")  # empty: it compiles
    proc = subprocess.Popen(
        [sys.executable, "-m", "_dmft_cli", *args],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    start = time.monotonic()
    while time.monotonic() - start < delay or (wait_for and not wait_for(tmp_path)):
        if proc.poll() is not None or time.monotonic() - start > 240:
            break
        time.sleep(0.05)
    assert proc.poll() is None, f"finished before the interrupt: {proc.stderr.read()}"
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError("not stopped 60 s after SIGINT") from None
    return proc.returncode, err


def _no_partial_files(folder: pathlib.Path):
    assert not list(folder.rglob("*.tmp")), list(folder.rglob("*.tmp"))
    for path in folder.rglob("*.json"):
        if "cache" not in path.parts:
            json.loads(path.read_text())  # every JSON written is whole


@pytest.mark.parametrize(
    "delay",
    [0.3, 8.0],  # while importing dmft and JAX; while compiling or running
)
def test_interrupted_simulation(delay, tmp_path):
    code, err = _interrupt(SIMULATE, delay, tmp_path)
    assert code == 130, err
    assert err == "dmft: interrupted\n"


@pytest.mark.slow
@pytest.mark.parametrize("delay", [1.5, 4.0, 15.0, 30.0])
def test_interrupted_simulation_more_moments(delay, tmp_path):
    code, err = _interrupt(SIMULATE, delay, tmp_path)
    assert code == 130, err
    assert err == "dmft: interrupted\n"


@pytest.mark.parametrize(
    "delay",
    [
        3.0,
        pytest.param(8.0, marks=pytest.mark.slow),
        pytest.param(5.0, marks=pytest.mark.slow),
    ],
)
def test_interrupted_figure_leaves_no_partial_file(delay, tmp_path):
    # The probe's crash: `figures --quick --only depth_scales` interrupted ~3 s in
    # segfaulted 5 times out of 5.
    code, err = _interrupt([*FIGURE, "--out", str(tmp_path / "out")], delay, tmp_path)
    assert code == 130, err
    # The figures' progress bar (tqdm, on stderr by design) aside, one line.
    lines = [x for x in err.splitlines() if x.strip() and not x.startswith("figures:")]
    assert lines == ["dmft: interrupted"], err
    _no_partial_files(tmp_path)


SWALLOWED = """
import gc, os, signal, sys, time
from dmft.cli import Interrupts

def callback(phase, info):
    if phase == "start" and not callback.done:
        callback.done = True
        os.kill(os.getpid(), signal.SIGINT)
        sum(range(100))  # the handler runs here, inside the callback

callback.done = False
start = time.monotonic()
with Interrupts():
    gc.callbacks.append(callback)
    try:
        gc.collect()
        time.sleep(1.5)  # < the 2 s grace: the watcher does not end the process
        print("not interrupted")
    except KeyboardInterrupt:
        print(f"interrupted {time.monotonic() - start:.3f}")
"""


def test_interrupt_inside_an_ignored_callback_is_delivered_again():
    # Seen in this file's 8 s case: the SIGINT arrived while JAX's garbage-
    # collection callback ran, where Python ignores exceptions ("Exception ignored
    # in: <function _xla_gc_callback>" on stderr) and the run went on (the watcher
    # then ended it). The handler now re-delivers it, so that the main thread's
    # own code raises KeyboardInterrupt and unwinds (temporary files removed).
    out = subprocess.run(
        [sys.executable, "-c", SWALLOWED],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
    )
    assert out.stderr == "", out.stderr
    # Re-delivered within the 2 s grace (without it: "not interrupted", and the
    # watcher ends the process later). Not timed more finely: a re-delivered signal
    # may land in JAX's gc callback again and be re-delivered once more.
    word, seconds = out.stdout.split()
    assert word == "interrupted" and float(seconds) < 2.0, out.stdout
