"""`python -m queries new NAME --from METRIC`: a metric of your own, started as a copy of another.

Writes queries/NAME.sql (the source's file with its first header line and titles made NAME's) and queries/NAME.yml
(the source's presentation metadata), then docs/metrics.md again (`make docs`), so the copy meets every rule of
queries/rules.py as it stands (`python -m queries check NAME`). The query layer creates the new metric's table macro
`NAME()` from its file on the next connection or run: no warehouse rebuild is needed.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from . import catalog, macros
from .catalog import QueryError, load_metric, metric_names

NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")


def _builtin_names() -> set[str]:
    """DuckDB's own function names and keywords: a macro of that name would shadow or clash with them."""
    import duckdb

    con = duckdb.connect()
    try:
        names = {r[0] for r in con.execute("select function_name from duckdb_functions()").fetchall()}
        names |= {r[0] for r in con.execute("select keyword_name from duckdb_keywords()").fetchall()}
    finally:
        con.close()
    return names


def check_name(name: str) -> None:
    """QueryError unless `name` can be a new metric's name."""
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise QueryError(f"invalid metric name {name!r}: use lower case letters, digits and _ (starting with a "
                         "letter, at most 63 characters)")
    if name in metric_names() or (catalog.QUERY_DIR / f"{name}.yml").exists():
        raise QueryError(f"a metric {name!r} exists already (queries/{name}.sql or .yml): choose another name")
    if name in macros.macro_names() or name.lower() in _builtin_names():
        raise QueryError(f"{name!r} is the name of a macro in queries/_macros.sql or of a DuckDB function or "
                         "keyword: choose another name")


def forked_sql(text: str, source: str, name: str) -> str:
    """The source's file as NAME's: the first header line names NAME, the titles say it is a copy."""
    lines = text.splitlines(keepends=True)
    lines[0] = re.sub(rf"^-- {re.escape(source)}:\s*(.*)$", rf"-- {name}: \1 (copy of {source})", lines[0].rstrip("\n"))
    lines[0] += "\n"
    out = "".join(lines)
    out = re.sub(r"^(-- title_da: .*)$", r"\1 (kopi)", out, count=1, flags=re.M)
    return re.sub(r"^(-- title_en: .*)$", r"\1 (copy)", out, count=1, flags=re.M)


def _write_new(path: Path, text: str) -> None:
    """Write a file that must not exist yet (written beside it, then linked into place)."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    try:
        os.link(tmp, path)  # fails if the file appeared meanwhile
    finally:
        tmp.unlink()


def new_metric(name: str, source: str = "participation_rate") -> list[Path]:
    """Create metric `name` as a copy of `source`; returns the files written (SQL, YAML, docs/metrics.md)."""
    from etl import docs

    check_name(name)
    src = load_metric(source)  # QueryError for an unknown or broken source
    sql_path = catalog.QUERY_DIR / f"{name}.sql"
    yml_path = catalog.QUERY_DIR / f"{name}.yml"
    yml = (catalog.QUERY_DIR / f"{source}.yml").read_text(encoding="utf-8")
    _write_new(yml_path, yml)
    try:
        _write_new(sql_path, forked_sql(src.path.read_text(encoding="utf-8"), source, name))
        load_metric(name)  # the copy reads as a metric
    except BaseException:
        yml_path.unlink(missing_ok=True)
        sql_path.unlink(missing_ok=True)
        raise
    page = docs.DOCS / "metrics.md"
    page.write_text(docs.metrics(), encoding="utf-8")
    return [sql_path, yml_path, page]
