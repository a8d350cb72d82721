"""Entry point of the `dmft` command: errors become one line on stderr, no traceback;
Ctrl-C becomes `dmft: interrupted` and exit status 130."""

import os
import re
import signal
import sys
import threading
import time
from collections.abc import Sequence

import typer

from ._commands._app import app, to_json as to_json, use_compilation_cache


# Each command module registers itself on `app` when imported; one line per command.
from ._commands import (  # noqa: E402, F401  # isort: skip
    deep as _deep,
    demo as _demo,
    figures as _figures,
    solve as _solve,
    transition as _transition,
    amari as _amari,
    simulate as _simulate,
    training as _training,
    transient as _transient,
)


INTERRUPTED = "dmft: interrupted"
EXIT_INTERRUPTED = 130
# After Ctrl-C the main thread gets `KeyboardInterrupt` as soon as it runs Python
# again, unwinds (temporary files of the atomic writers are removed) and exits. A
# compiled XLA program does not return to Python until it finishes: if the main
# thread has not exited this long after the signal, a watcher thread ends the process.
GRACE_SECONDS = 2.0

# Lines of JAX/Equinox error messages that say where, not what.
_BOILERPLATE = (
    "Above is the stack outside of JIT",
    "Below is the stack inside of JIT",
    "-------",
    "The above exception",
    "For simplicity, JAX",
    "equinox.EquinoxRuntimeError",
    "jaxlib",
    "File ",
    "Traceback",
    "INTERNAL: CpuCallback error",
    "An error occurred during the runtime of your JAX program",
)


def one_line(error: BaseException | str) -> str:
    """The first informative line of an exception's message (JAX and Equinox put a
    preamble about stacks first; it is skipped)."""
    text = str(error)
    # An `eqx.error_if` inside a compiled program: its message follows the class name.
    found = re.findall(r"EquinoxRuntimeError: (.+)", text)
    if found:
        return found[-1].strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    useful = [line for line in lines if not line.startswith(_BOILERPLATE)]
    if useful:
        return useful[0]
    return lines[0] if lines else type(error).__name__


def run(args: Sequence[str] | None = None) -> int:
    """Run the CLI on `args` (default: `sys.argv[1:]`) and return the exit status:
    0 success, 1 bad input or failed computation (one `dmft: error:` line on stderr),
    2 usage error (unknown option, malformed value), 130 interrupted (the caller
    prints the line and exits)."""
    try:
        code = app(
            args=None if args is None else list(args),
            prog_name="dmft",
            standalone_mode=False,
        )
    except (KeyboardInterrupt, typer.Abort):
        return EXIT_INTERRUPTED
    except typer.Exit as e:
        return e.exit_code
    except typer.TyperException as e:  # usage errors: unknown option, bad value
        print(f"dmft: error: {one_line(e.format_message())}", file=sys.stderr)
        return getattr(e, "exit_code", 2)
    except MemoryError:
        print(
            "dmft: error: out of memory; use a smaller size (--n, --samples, --width) "
            "or a shorter run.",
            file=sys.stderr,
        )
        return 1
    except Exception as e:  # one clear line for the user, never a traceback
        print(f"dmft: error: {one_line(e)}", file=sys.stderr)
        return 1
    return 0 if code is None else int(code)


def _exit_interrupted() -> None:
    # `os._exit`: no interpreter shutdown while XLA's threads may still run (a
    # normal exit then could crash the process instead of returning 130).
    try:
        sys.stdout.flush()
    except Exception:
        pass
    os.write(2, (INTERRUPTED + "\n").encode())
    os._exit(EXIT_INTERRUPTED)


class Interrupts:
    """SIGINT handling for the duration of one CLI run (restored afterwards)."""

    def __init__(self):
        self.count = 0
        self.previous = None
        self.wakeup = None
        self.hook = None
        self.redeliver = threading.Event()
        self.done = threading.Event()

    def _handler(self, signum, frame):
        self.count += 1
        if self.count > 1:  # a second Ctrl-C: leave now
            _exit_interrupted()
        raise KeyboardInterrupt

    def _unraisable(self, info):
        # The interrupt landed in a callback whose exceptions Python ignores (JAX's
        # garbage-collection callback, a `__del__`): deliver it again, so that it
        # is raised in the main thread's own code, and print nothing.
        if isinstance(info.exc_value, KeyboardInterrupt):
            self.count -= 1
            self.redeliver.set()  # by the watcher, once the callback has returned
            return
        self.hook(info)

    def _watch(self, fd: int) -> None:
        try:
            while True:
                data = os.read(fd, 64)
                if not data:
                    return
                if signal.SIGINT in data:
                    break
        except OSError:
            return
        deadline = time.monotonic() + GRACE_SECONDS
        while time.monotonic() < deadline:
            if self.done.is_set():  # the run ended (and handled the interrupt)
                return
            if self.redeliver.wait(0.05):
                self.redeliver.clear()
                # A real signal: it also wakes a main thread blocked in a call.
                signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)
        _exit_interrupted()

    def __enter__(self):
        if threading.current_thread() is not threading.main_thread():
            return self
        self.previous = signal.signal(signal.SIGINT, self._handler)
        self.hook, sys.unraisablehook = sys.unraisablehook, self._unraisable
        read, write = os.pipe()
        os.set_blocking(write, False)
        self.wakeup = (read, write, signal.set_wakeup_fd(write))
        threading.Thread(target=self._watch, args=(read,), daemon=True).start()
        return self

    def __exit__(self, *exc):
        if self.previous is None:
            return False
        self.done.set()
        signal.signal(signal.SIGINT, self.previous)
        sys.unraisablehook = self.hook
        read, write, old = self.wakeup
        signal.set_wakeup_fd(old)
        os.close(write)  # the watcher reads EOF and ends
        return False


def main() -> None:
    """Run the `dmft` CLI; bad input or a failed solve exits non-zero with one line,
    Ctrl-C exits 130 with `dmft: interrupted`."""
    with Interrupts():
        try:
            use_compilation_cache()
            code = run()
        except KeyboardInterrupt:
            code = EXIT_INTERRUPTED
        if code == EXIT_INTERRUPTED:
            _exit_interrupted()
    sys.exit(code)


if __name__ == "__main__":
    main()
