"""The `dmft` command's entry point.

It lives outside the `dmft` package so that Ctrl-C is handled from the first instant:
importing `dmft` (and JAX) takes seconds, and an interrupt then must not print a
traceback. The handler is installed before that import; `dmft.cli.main` does the rest.
"""

import os
import signal


INTERRUPTED = b"dmft: interrupted\n"


def _exit_interrupted() -> None:
    os.write(2, INTERRUPTED)
    os._exit(130)


def _on_sigint_while_importing(signum, frame) -> None:
    # Nothing has been computed or written yet: leave at once.
    _exit_interrupted()


def main() -> None:
    """Run `dmft` (see `dmft.cli.main`)."""
    signal.signal(signal.SIGINT, _on_sigint_while_importing)
    from dmft.cli import main as run

    run()  # installs its own handler first thing


if __name__ == "__main__":
    main()
