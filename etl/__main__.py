"""Command line: `python -m etl build [--raw DIR] [--db PATH] [--decimal [FILE=]SIGN ...]`,
`python -m etl demo [--out DIR] [--seed N]`, `python -m etl import-survey FILE.sav|FILE.dta --mapping MAPPING.yml --out DIR` and
`python -m etl export --format parquet|csv|stata|spss DIR [--db PATH]`."""
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
    b.add_argument("--decimal", action="append", default=[], metavar="[FILE=]SIGN",
                   help="the decimal sign (. or ,) of every file, or with FILE= of one file (repeatable); needed "
                        "only for a file whose numbers do not show it (every decimal with exactly three digits)")
    d = sub.add_parser("demo", help="generate the synthetic demo data (deterministic)")
    d.add_argument("--out", type=pathlib.Path, default=DEFAULT_RAW, help="output folder (default: data/raw/demo)")
    d.add_argument("--seed", type=int, default=None, help="random seed (default: the generator's fixed seed)")
    i = sub.add_parser("import-survey", help="convert an SPSS .sav or Stata .dta survey file to survey_respondents.csv")
    i.add_argument("source", type=pathlib.Path, metavar="FILE", help="the .sav, .zsav or .dta file")
    i.add_argument("--mapping", type=pathlib.Path, required=True,
                   help="YAML mapping of variables and value labels (example: etl/mappings/example.yml)")
    i.add_argument("--out", type=pathlib.Path, required=True, help="folder to write survey_respondents.csv into")
    from etl.export import FORMATS

    e = sub.add_parser("export", help="write every warehouse table as one file (Parquet, CSV, Stata .dta or SPSS "
                                      ".sav) with its comments, labels and provenance")
    e.add_argument("out", type=pathlib.Path, metavar="DIR", help="output folder")
    e.add_argument("--format", choices=tuple(FORMATS), default="parquet",
                   help="file format: parquet (default), csv, stata (.dta) or spss (.sav)")
    e.add_argument("--db", type=pathlib.Path, default=None,
                   help="warehouse to read (default: $FRIVILLIGDATA_DB or data/warehouse.duckdb in the repository)")
    args = parser.parse_args(argv)

    if args.command == "import-survey":
        from etl.import_survey import main as import_main
        return import_main(args.source, args.mapping, args.out)
    if args.command == "export":
        from etl.export import main as export_main
        return export_main(args.db or default_db(), args.out, args.format)

    if args.command == "build":
        from etl.build import main as build_main
        from etl.build import parse_decimal
        try:
            decimal = parse_decimal(args.decimal)
        except ValueError as e:
            parser.error(str(e))  # exit status 2
        return build_main(args.raw, args.db or default_db(), decimal)
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
