"""`python -m paper_figs [--quick] [--out DIR] [--only NAME ...]`: make the figures."""

import argparse
import pathlib

import jax

from ._runner import make_figures


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m paper_figs", description=__doc__)
    parser.add_argument(
        "--out", type=pathlib.Path, default=pathlib.Path("dmft-output/figures")
    )
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    jax.config.update("jax_enable_x64", True)
    for name, files in make_figures(args.out, args.only, args.quick).items():
        print(name, *files)


if __name__ == "__main__":
    main()
