"""`python -m etl export --format parquet|csv|stata|spss DIR`: every warehouse table as one file, described.

For R, Stata, SPSS, Arrow and Polars users. Every file says what it holds and where it came from (the provenance of
queries/provenance.py: data_kind demo or real, built_at, build_id, input checksums, code and DuckDB versions), so a
file of synthetic demo data says so wherever it travels:

- parquet: `<table>.parquet`, key/value metadata `table`, `table_comment`, `comment:<column>` for every column (the
  comments of etl/schema.sql) and each provenance key. Read them back with DuckDB
  (`select decode(key), decode(value) from parquet_kv_metadata('DIR/survey_respondents.parquet')`) or pyarrow
  (`pyarrow.parquet.read_schema(path).metadata`); `pandas.read_parquet` reads the data.
- csv: `<table>.csv`, a first line `# provenance: ...` (as `python -m queries run --format csv` and the dashboards'
  downloads), then a header and the rows as DuckDB writes them: `pd.read_csv(path, skiprows=1)`,
  R `read.csv(path, skip = 1)`.
- stata / spss: `<table>.dta` (Stata 15) / `<table>.sav`, written by pyreadstat with variable labels from the column
  comments and value labels from the labels table: a text column whose every value is a code of the labels table's
  dimension of the same name (gender, age_group, education, ...) becomes an integer (the code's sort_order) labelled
  with its English label; region_code, landsdel_code and municipality_code keep their numbers and get the names as
  value labels. The .sav's file note holds the whole provenance (in lines of 80 characters); a .dta file's label
  (80 characters at most in Stata) holds data_kind, build_id and code_version.

Every format also writes `provenance.json` (the whole provenance) into DIR. The tables are listed from the
warehouse's catalogue (every table in schema main), so a new table is exported without a change here. Each file is
written beside its target and renamed over it when complete.
"""
from __future__ import annotations

import json
import os
import pathlib
import shutil
import sys
import textwrap

from etl.errors import InvalidInput, Problem
from etl.staging import lit, q
from queries import provenance as provenance_

FORMATS = {"parquet": ".parquet", "csv": ".csv", "stata": ".dta", "spss": ".sav"}
STATA_LABEL_CHARS = 80  # Stata's limit for a variable's and a file's label
SPSS_NOTE_CHARS = 80  # a line of an SPSS file's note (document record)
# integer columns labelled with names from the warehouse: column -> SQL giving (code, name)
NAMED_CODES = {
    "municipality_code": "select municipality_code, municipality_name from municipalities",
    "region_code": "select distinct region_code, region_name from municipalities",
    "landsdel_code": "select distinct landsdel_code, landsdel_name from municipalities",
}


def _comments(con, table: str) -> tuple[str, dict[str, str]]:
    comment = con.execute("select coalesce(comment, '') from duckdb_tables() where schema_name = 'main' "
                          "and table_name = ?", [table]).fetchone()[0]
    columns = dict(con.execute("select column_name, coalesce(comment, '') from duckdb_columns() "
                               "where schema_name = 'main' and table_name = ? order by column_index",
                               [table]).fetchall())
    return comment, columns


def _write_parquet(con, table: str, tmp: pathlib.Path, prov: dict[str, str]) -> None:
    comment, columns = _comments(con, table)
    meta = {"table": table, "table_comment": comment, **prov, **{f"comment:{c}": t for c, t in columns.items()}}
    kv = ", ".join(f"{lit(k)}: {lit(v)}" for k, v in meta.items())
    con.execute(f"copy (select * from {q(table)}) to {lit(str(tmp))} "
                f"(format parquet, compression zstd, kv_metadata {{{kv}}})")


def _write_csv(con, table: str, tmp: pathlib.Path, prov: dict[str, str]) -> None:
    body = tmp.with_name(tmp.name + ".body")
    try:
        con.execute(f"copy (select * from {q(table)}) to {lit(str(body))} (format csv, header true)")
        with open(tmp, "w", encoding="utf-8", newline="") as out:
            out.write(provenance_.csv_comment(prov, table=table))
            out.flush()
            with open(body, "rb") as src:
                shutil.copyfileobj(src, out.buffer)
    finally:
        body.unlink(missing_ok=True)


def labelled_frame(con, table: str) -> tuple[object, dict[str, str], dict[str, dict[int, str]]]:
    """The table as a DataFrame for Stata and SPSS: (frame, variable labels, value labels). Text columns coded by the
    labels table become integers with value labels; booleans become 0/1; the named code columns get names."""
    import pandas as pd

    df = con.execute(f"select * from {q(table)}").df()
    _, comments = _comments(con, table)
    labels: dict[str, dict[str, tuple[int, str]]] = {}
    for dim, code, label_en, order in con.execute(
            "select dimension, code, label_en, sort_order from labels order by dimension, sort_order").fetchall():
        labels.setdefault(dim, {})[code] = (int(order), label_en)
    value_labels: dict[str, dict[int, str]] = {}
    for col in df.columns:
        series = df[col]
        if series.dtype == bool:
            df[col] = series.astype("int8")
        elif col in labels and pd.api.types.is_string_dtype(series):
            codes = labels[col]
            present = set(series.dropna().unique())
            orders = [o for o, _ in codes.values()]
            if present <= set(codes) and len(set(orders)) == len(orders):
                mapped = series.map(lambda v: codes[v][0] if isinstance(v, str) else None)
                df[col] = mapped.astype("int32") if mapped.notna().all() else mapped.astype("float64")
                value_labels[col] = {o: text for o, text in codes.values()}
        elif col in NAMED_CODES and table != "municipalities":
            value_labels[col] = {int(k): str(v) for k, v in con.execute(NAMED_CODES[col]).fetchall()}
    if table == "municipalities":  # the names are columns of their own there
        value_labels = {}
    return df, comments, value_labels


def _write_readstat(con, table: str, tmp: pathlib.Path, prov: dict[str, str], fmt: str) -> None:
    import pyreadstat

    df, comments, value_labels = labelled_frame(con, table)
    if fmt == "stata":
        label = f"{prov['data_kind']} data; build {prov['build_id']}; code {prov['code_version']}"
        pyreadstat.write_dta(df, str(tmp), file_label=label[:STATA_LABEL_CHARS],
                             column_labels={c: t[:STATA_LABEL_CHARS] for c, t in comments.items()},
                             variable_value_labels=value_labels)
    else:
        table_comment, _ = _comments(con, table)
        pyreadstat.write_sav(df, str(tmp), file_label=table_comment[:64], column_labels=comments,
                             variable_value_labels=value_labels,
                             note=textwrap.wrap(provenance_.line(prov, table=table), SPSS_NOTE_CHARS))


def export(db: pathlib.Path, out_dir: pathlib.Path, fmt: str = "parquet") -> list[tuple[pathlib.Path, int]]:
    """Write every table of the warehouse `db` to out_dir/<table>.<ext> and out_dir/provenance.json; returns
    (path, rows) per table."""
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
        prov = provenance_.from_connection(con)
        for table in tables:
            target = out_dir / f"{table}{FORMATS[fmt]}"
            tmp = out_dir / f".{target.name}.tmp-{os.getpid()}"
            try:
                if fmt == "parquet":
                    _write_parquet(con, table, tmp, prov)
                elif fmt == "csv":
                    _write_csv(con, table, tmp, prov)
                else:
                    _write_readstat(con, table, tmp, prov, fmt)
                os.replace(tmp, target)
            finally:
                if tmp.exists():
                    tmp.unlink()
            written.append((target, con.execute(f"select count(*) from {q(table)}").fetchone()[0]))
        target = out_dir / "provenance.json"
        tmp = out_dir / f".provenance.json.tmp-{os.getpid()}"
        tmp.write_text(json.dumps(prov, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, target)
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
    print(f"exported {len(written)} tables from {db} to {out_dir} (provenance: {out_dir / 'provenance.json'})")
    return 0
