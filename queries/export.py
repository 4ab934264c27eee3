"""Query results as Parquet: `python -m queries run METRIC ... --format parquet --out FILE`."""
from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb

from .engine import Result, sql_literal


def write_parquet(res: Result, path: str | os.PathLike, provenance: dict[str, str]) -> Path:
    """Write the result to a Parquet file (written beside it, then renamed over it). The file's key-value metadata
    carries `frivilligdata` (JSON: metric, titles, unit, the parameter values, each column's description) and each
    key of the provenance (queries/provenance.py: data_kind, built_at, build_id, ...), which DuckDB shows with
    `select decode(key), decode(value) from parquet_kv_metadata('FILE')` and pyarrow with
    `pyarrow.parquet.read_schema(FILE).metadata`."""
    path = Path(path)
    meta = {
        "metric": res.meta.name,
        "title_da": res.meta.title_da,
        "title_en": res.meta.title_en,
        "unit": res.meta.unit,
        "unit_da": res.meta.unit_da,
        "params": res.params,
        "columns": {c.name: f"{c.type}; {c.doc}" for c in res.meta.columns},
        "provenance": provenance,
    }
    kv = {"frivilligdata": json.dumps(meta, ensure_ascii=False), **provenance}
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    con = duckdb.connect()
    try:
        con.register("result", res.data)
        # the literals are a file name this process chose beside the target, JSON of validated values and the
        # provenance (the warehouse's own build_info values, quoted)
        pairs = ", ".join(f"{sql_literal(k)}: {sql_literal(v)}" for k, v in kv.items())
        con.execute(f"copy (select * from result) to {sql_literal(str(tmp))} (format parquet, kv_metadata {{{pairs}}})")
        os.replace(tmp, path)
    finally:
        con.close()
        if tmp.exists():
            tmp.unlink()
    return path
