"""Command line: `python -m etl build [--raw DIR] [--db PATH]` and `python -m etl demo [--out DIR] [--seed N]`."""
from __future__ import annotations

import argparse
import pathlib
import sys


def main(argv: list[str] | None = None) -> int:
    from etl.build import DEFAULT_RAW, default_db

    parser = argparse.ArgumentParser(prog="python -m etl", description="Frivilligdata ETL")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="validate the contract files and build the DuckDB warehouse")
    b.add_argument("--raw", type=pathlib.Path, default=DEFAULT_RAW,
                   help="folder with the contract files (default: data/raw/demo in the repository)")
    b.add_argument("--db", type=pathlib.Path, default=None,
                   help="warehouse to write (default: $FRIVILLIGDATA_DB or data/warehouse.duckdb in the repository)")
    d = sub.add_parser("demo", help="generate the synthetic demo data (deterministic)")
    d.add_argument("--out", type=pathlib.Path, default=DEFAULT_RAW, help="output folder (default: data/raw/demo)")
    d.add_argument("--seed", type=int, default=None, help="random seed (default: the generator's fixed seed)")
    args = parser.parse_args(argv)

    if args.command == "build":
        from etl.build import main as build_main
        return build_main(args.raw, args.db or default_db())
    from etl import demo  # imported lazily: `build` must work without the generator

    kwargs = {} if args.seed is None else {"seed": args.seed}
    try:
        files = demo.generate(args.out, **kwargs)
    except OSError as e:
        from etl.errors import cause_of

        print(f"error: cannot write the demo data to {e.filename or args.out}: {cause_of(e)}", file=sys.stderr)
        return 2
    for f in files:
        print(f)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # e.g. piped into head: the build itself is complete
        sys.stderr.close()
        sys.exit(0)
