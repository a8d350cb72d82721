"""The command line every example shares: `--quick` (small sizes, for tests) and
`--out DIR` (default `dmft-output/examples/<script name>`)."""

import argparse
import pathlib


def arguments(name: str, doc: str) -> argparse.Namespace:
    """Parse `--out` and `--quick` for the example `name` (described by the first line
    of its docstring `doc`) and create the output folder."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument(
        "--out",
        type=pathlib.Path,
        default=pathlib.Path("dmft-output/examples") / name,
        help="folder for the figures (default: dmft-output/examples/<script name>)",
    )
    parser.add_argument("--quick", action="store_true", help="small sizes (for tests)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    return args
