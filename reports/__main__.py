"""`python -m reports build [--year YEAR] [--lang da|en|da,en|all] [--db PATH] [--out DIR] [--no-pdf]`."""
from __future__ import annotations

import argparse
import sys

from reports.text import TEXT

LANGS = tuple(TEXT)


def languages(value: str) -> list[str]:
    """--lang: one language, a comma-separated list (each once, in the order given) or all."""
    if value == "all":
        return list(LANGS)
    langs = [v.strip() for v in value.split(",")]
    bad = [v for v in langs if v not in LANGS]
    if bad:
        raise argparse.ArgumentTypeError(
            f"unknown language {bad[0]!r}: use {', '.join(LANGS)}, a comma-separated list of them, or all")
    return list(dict.fromkeys(langs))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reports", description="Render the annual Frivilligrapport.")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="render reports/<year>/frivilligrapport-<year>.<lang>.html and .pdf")
    b.add_argument("--year", type=int, default=None,
                   help="survey wave (default: the latest wave in the warehouse)")
    b.add_argument("--lang", type=languages, default=["da"], metavar="da|en|da,en|all",
                   help="report language(s) (default da); several share one browser and the warehouse's reads")
    b.add_argument("--db", default=None, help="warehouse path (default data/warehouse.duckdb or $FRIVILLIGDATA_DB)")
    b.add_argument("--out", default=None, help="output folder (default reports/<year>/)")
    b.add_argument("--no-pdf", action="store_true", help="write the HTML only")
    args = parser.parse_args(argv)

    from reports.build import NoWaveError, build_languages
    from reports.pdf import PdfError

    try:
        results = build_languages(args.year, args.lang, db=args.db, out=args.out, pdf=not args.no_pdf)
    except NoWaveError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except FileNotFoundError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except PdfError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for result in results:
        for warning in result.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        print(f"wrote {result.html}")
        if result.pdf:
            print(f"wrote {result.pdf}")
        print(f"{result.figures} figures, {result.tables} tables in {result.seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
