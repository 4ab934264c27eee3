"""`python -m reports build [--year YEAR] [--lang da|en] [--db PATH] [--out DIR] [--no-pdf]`."""
from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reports", description="Render the annual Frivilligrapport.")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="render reports/<year>/frivilligrapport-<year>.<lang>.html and .pdf")
    b.add_argument("--year", type=int, default=None,
                   help="survey wave (default: the latest wave in the warehouse)")
    b.add_argument("--lang", choices=["da", "en"], default="da", help="report language (default da)")
    b.add_argument("--db", default=None, help="warehouse path (default data/warehouse.duckdb or $FRIVILLIGDATA_DB)")
    b.add_argument("--out", default=None, help="output folder (default reports/<year>/)")
    b.add_argument("--no-pdf", action="store_true", help="write the HTML only")
    args = parser.parse_args(argv)

    from reports.build import NoWaveError, build
    from reports.pdf import PdfError

    try:
        result = build(args.year, lang=args.lang, db=args.db, out=args.out, pdf=not args.no_pdf)
    except NoWaveError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except FileNotFoundError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except PdfError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"wrote {result.html}")
    if result.pdf:
        print(f"wrote {result.pdf}")
    print(f"{result.figures} figures, {result.tables} tables in {result.seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
