"""Entry point of the `dmft` command: errors become one line on stderr, no traceback."""

import sys

import typer

from ._commands._app import app, use_compilation_cache


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


def main() -> None:
    """Run the `dmft` CLI; bad input or a failed solve exits non-zero with one line."""
    use_compilation_cache()
    try:
        app(standalone_mode=False)
    except typer.Exit as e:
        sys.exit(e.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        print("dmft: interrupted", file=sys.stderr)
        sys.exit(130)
    except typer.TyperException as e:  # usage errors: unknown option, bad value
        print(f"dmft: error: {e.format_message()}", file=sys.stderr)
        sys.exit(2)
    except Exception as e:  # one clear line for the user, never a traceback
        message = str(e).strip().splitlines()
        first = message[0] if message else type(e).__name__
        print(f"dmft: error: {first}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
