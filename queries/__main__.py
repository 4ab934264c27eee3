"""CLI: `python -m queries list`, `python -m queries run METRIC [--year Y] [--by DIM] [--db PATH] [--format ...]
[--out FILE] [--param NAME=VALUE] [the metric's own options]`, `python -m queries sql METRIC ...` (the metric as
DuckDB SQL that runs as it is), `python -m queries describe METRIC`, `python -m queries new NAME --from METRIC` (a
metric of your own from a copy) and `python -m queries check NAME` (every rule a metric must meet)."""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
from pathlib import Path

from .catalog import MetricFileError, QueryError, load_metric, metric_names, shown_path
from .engine import WarehouseMissing, run, script
from .export import write_parquet
from .provenance import csv_comment, of_warehouse

FORMATS = ("table", "csv", "json", "parquet")


def _metric_options(parser: argparse.ArgumentParser, metric) -> None:
    """One --option per metric parameter beyond year/by (e.g. --hours-per-fte 1924); --kommune = --municipality-code."""
    for p in metric.params:
        if p.name in ("year", "by"):
            continue
        flags = ["--" + p.name.replace("_", "-")]
        if p.name == "municipality_code":
            flags.append("--kommune")
        choices = f" ({'|'.join(p.choices)})" if p.choices else ""
        parser.add_argument(*flags, dest=p.name, default=None, metavar=p.type.upper(),
                            help=f"{p.doc}{choices}; default {p.default}")


COMMANDS_WITH_METRIC = ("run", "sql", "describe", "check")


def _parser(metric=None, *, add_help: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m queries", add_help=add_help,
                                     description="Frivilligdata metrics (queries/*.sql). `python -m queries run "
                                                 "METRIC -h` lists the metric's own options.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="every metric with its title and unit", add_help=add_help)
    commands = (("run", "compute a metric"), ("describe", "a metric's metadata"),
                ("sql", "print the metric as DuckDB SQL: the parameters as variables, then its file"),
                ("check", "check a metric against every rule a metric must meet (queries/rules.py)"))
    for name, help_ in commands:
        p = sub.add_parser(name, help=help_, add_help=add_help,
                           epilog="Name the metric before -h to see its own options." if metric is None else None)
        p.add_argument("metric")
        if name in ("run", "sql"):
            p.add_argument("--year", default=None, help="survey or data year (default: every year)")
            p.add_argument("--by", default=None, help="breakdown dimension"
                           + (f" ({'|'.join(metric.dimensions)}; default {metric.default_by})"
                              if metric is not None and metric.dimensions else ""))
            p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                           help="any metric parameter (the same as its own option below)")
        if name in ("run", "check"):
            p.add_argument("--db", default=None, help="warehouse path (default $FRIVILLIGDATA_DB or data/warehouse.duckdb)")
        if name == "run":
            p.add_argument("--format", choices=FORMATS, default="table",
                           help="table (default), csv or json on standard output; parquet into --out FILE; csv, "
                                "json and parquet carry the provenance (docs/research.md)")
            p.add_argument("--out", default=None, metavar="FILE", help="write the result here (needed for parquet)")
        if metric is not None and name in ("run", "sql"):
            _metric_options(p.add_argument_group(f"options of {metric.name}"), metric)
    n = sub.add_parser("new", help="start a metric of your own from a copy of another (its SQL and .yml)",
                       add_help=add_help)
    n.add_argument("metric", metavar="NAME", help="the new metric's name: lower case letters, digits and _")
    n.add_argument("--from", dest="source", default="participation_rate", metavar="METRIC",
                   help="the metric to copy (default participation_rate)")
    return parser


def _metric_named(argv: list[str]):
    """The metric a run/sql/describe/check command names, wherever it stands among the options (None: none)."""
    if not argv or argv[0] not in COMMANDS_WITH_METRIC:
        return None
    try:
        with contextlib.redirect_stderr(io.StringIO()):  # the second pass reports what is wrong, with the usage
            args, _ = _parser(add_help=False).parse_known_args(argv)
    except SystemExit:
        return None
    return getattr(args, "metric", None)


def _collect_params(args, metric) -> dict:
    params = {}
    for item in getattr(args, "param", []) or []:
        if "=" not in item:
            raise QueryError(f"--param expects NAME=VALUE, got {item!r}")
        key, value = item.split("=", 1)
        params[key.strip()] = value
    for p in metric.params:
        if p.name not in ("year", "by") and getattr(args, p.name, None) is not None:
            params[p.name] = getattr(args, p.name)
    return params


def _list() -> int:
    """Every metric; a file the catalogue cannot read is named on standard error (file, line, reason), the others
    are still listed, and the exit status is 2."""
    rows, broken = [], []
    for name in metric_names():
        try:
            m = load_metric(name)
        except MetricFileError as exc:
            broken.append(exc)
            continue
        rows.append((m.name, m.title_da, m.title_en, m.unit))
    width = max((len(r[0]) for r in rows), default=0)
    for name, title_da, title_en, unit in rows:
        print(f"{name:<{width}}  {title_da} / {title_en}  [{unit}]")
    for exc in broken:
        print(f"error: {exc}", file=sys.stderr)
    return 2 if broken else 0


def _check(name: str, db) -> int:
    """Every rule of queries/rules.py on one metric, in words: 0 all met, 1 some not met."""
    from . import rules

    results = rules.check(name, db)
    m = load_metric(name)
    print(f"{name}: {shown_path(m.path)}")
    for rule, problems in results:
        print(f"  {'ok  ' if not problems else 'FAIL'}  {rule.title.format(name=name)}")
        for problem in problems:
            print(f"          - {problem}")
    failed = sum(1 for _, problems in results if problems)
    print(f"{len(results)} rules: {len(results) - failed} met, {failed} not met")
    return 1 if failed else 0


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    metric = None
    # two passes: the metric name decides which --options exist
    name = _metric_named(argv)
    if name is not None:
        try:
            metric = load_metric(name)
        except QueryError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    args = _parser(metric).parse_args(argv)
    try:
        if args.command == "list":
            return _list()
        if args.command == "new":
            from .fork import new_metric

            for path in new_metric(args.metric, args.source):
                print(f"wrote {shown_path(path)}")
            print(f"next: edit queries/{args.metric}.sql and .yml, then `python -m queries check {args.metric}` "
                  "(and `make docs` after editing its header)")
            return 0
        if args.command == "check":
            return _check(metric.name, args.db)
        if args.command == "describe":
            print(json.dumps(metric.to_dict(), ensure_ascii=False, indent=2))
            return 0
        params = _collect_params(args, metric)
        if args.command == "sql":
            print(script(metric, year=args.year, by=args.by, **params), end="")
            return 0
        out = _out_path(args)
        res = run(metric.name, year=args.year, by=args.by, db=args.db, **params)
        prov = of_warehouse(args.db)
    except (QueryError, WarehouseMissing) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.format == "parquet":
        write_parquet(res, out, prov)
        print(f"wrote {len(res.data)} rows of {res.meta.name} to {out}", file=sys.stderr)
        return 0
    if out is not None:
        with open(out, "w", encoding="utf-8", newline="") as f:
            _write_text(res, args.format, f, prov)
        return 0
    _write_text(res, args.format, sys.stdout, prov)
    return 0


def _out_path(args) -> Path | None:
    """--out checked before any work: needed for parquet, its folder must exist, and it is not a folder."""
    if args.out is None:
        if args.format == "parquet":
            raise QueryError("--format parquet writes a file: give it with --out FILE")
        return None
    out = Path(args.out).expanduser()
    if out.is_dir():
        raise QueryError(f"--out {args.out!r} is a folder; give a file name")
    if not out.parent.resolve().is_dir():
        raise QueryError(f"--out {args.out!r}: the folder {str(out.parent)!r} does not exist")
    return out


def _write_text(res, fmt: str, stream, prov: dict[str, str]) -> None:
    """The result as CSV (a first `# provenance: ...` line, then the rows), JSON (a "provenance" field) or a table
    for the terminal."""
    df = res.data
    if fmt == "csv":
        stream.write(csv_comment(prov, metric=res.meta.name,
                                 params=",".join(f"{k}={v}" for k, v in res.params.items() if v is not None)))
        df.to_csv(stream, index=False)
    elif fmt == "json":
        payload = {"metric": res.meta.name, "title_da": res.meta.title_da, "title_en": res.meta.title_en,
                   "unit": res.meta.unit, "unit_da": res.meta.unit_da, "params": res.params, "provenance": prov,
                   "rows": json.loads(df.to_json(orient="records", force_ascii=False, double_precision=15))}
        print(json.dumps(payload, ensure_ascii=False, indent=1), file=stream)
    else:
        import pandas as pd

        with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 200):
            print(df.to_string(index=False), file=stream)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # e.g. piped into head
        sys.stderr.close()
        sys.exit(0)
