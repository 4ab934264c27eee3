"""`python -m etl export --format parquet DIR`: every warehouse table as one Parquet file, comments kept.

For R (arrow), Stata (via R or Python), Arrow and Polars users. Each `<table>.parquet` carries, as Parquet
key/value metadata: `table`, `table_comment`, `comment:<column>` for every column (the comments of
etl/schema.sql), and the warehouse's `data_kind` (demo or real) and `built_at`, so a file of synthetic demo data
says so wherever it travels. Read them back with DuckDB:

    select decode(key) as key, decode(value) as value from parquet_kv_metadata('DIR/survey_respondents.parquet');

The tables are listed from the warehouse's catalogue (every table in schema main), so a new table is exported
without a change here. Each file is written beside its target and renamed over it when complete.
"""
from __future__ import annotations

import os
import pathlib
import sys

from etl.errors import InvalidInput, Problem
from etl.staging import lit, q

FORMATS = ("parquet",)


def _metadata(con, table: str, info: dict[str, str]) -> dict[str, str]:
    comment = con.execute("select coalesce(comment, '') from duckdb_tables() where schema_name = 'main' "
                          "and table_name = ?", [table]).fetchone()[0]
    meta = {"table": table, "table_comment": comment,
            "data_kind": info.get("data_kind", ""), "built_at": info.get("built_at", "")}
    for column, text in con.execute("select column_name, coalesce(comment, '') from duckdb_columns() "
                                    "where schema_name = 'main' and table_name = ? order by column_index",
                                    [table]).fetchall():
        meta[f"comment:{column}"] = text
    return meta


def export(db: pathlib.Path, out_dir: pathlib.Path, fmt: str = "parquet") -> list[tuple[pathlib.Path, int]]:
    """Write every table of the warehouse `db` to out_dir/<table>.parquet; returns (path, rows) per table."""
    import duckdb

    if fmt not in FORMATS:
        raise InvalidInput([Problem("--format", None, None, fmt, f"unknown format; valid: {', '.join(FORMATS)}")])
    db = pathlib.Path(db)
    if not db.is_file():
        raise InvalidInput([Problem(str(db), None, None, None,
                                    "warehouse not found (build it with `make warehouse` or `python -m etl build`)")])
    if out_dir.exists() and not out_dir.is_dir():
        raise InvalidInput([Problem(str(out_dir), None, None, None, "exists and is not a folder")])
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as e:
        raise InvalidInput([Problem(str(db), None, None, None, f"not a DuckDB warehouse: {e}")]) from None
    written = []
    try:
        con.execute("set enable_progress_bar = false")
        tables = [t for (t,) in con.execute("select table_name from duckdb_tables() where schema_name = 'main' "
                                            "and database_name = current_database() order by table_name").fetchall()]
        info = dict(con.execute("select key, value from build_info").fetchall()) if "build_info" in tables else {}
        for table in tables:
            target = out_dir / f"{table}.parquet"
            tmp = out_dir / f".{table}.parquet.tmp-{os.getpid()}"
            kv = ", ".join(f"{lit(k)}: {lit(v)}" for k, v in _metadata(con, table, info).items())
            try:
                con.execute(f"copy (select * from {q(table)}) to {lit(str(tmp))} "
                            f"(format parquet, compression zstd, kv_metadata {{{kv}}})")
                os.replace(tmp, target)
            finally:
                if tmp.exists():
                    tmp.unlink()
            written.append((target, con.execute(f"select count(*) from {q(table)}").fetchone()[0]))
    finally:
        con.close()
    return written


def main(db: pathlib.Path, out_dir: pathlib.Path, fmt: str = "parquet") -> int:
    """CLI entry: 0 on success, 2 when the warehouse or the output folder is not usable."""
    try:
        written = export(db, out_dir, fmt)
    except InvalidInput as e:
        for p in e.problems:
            print(f"error: {p}", file=sys.stderr)
        return 2
    for path, rows in written:
        print(f"  {path}  {rows:>10,} rows")
    print(f"exported {len(written)} tables from {db} to {out_dir}")
    return 0
