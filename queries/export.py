"""Query results as Parquet: `python -m queries run METRIC ... --format parquet --out FILE`."""
from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb

from .engine import Result, sql_literal


def write_parquet(res: Result, path: str | os.PathLike) -> Path:
    """Write the result to a Parquet file (written beside it, then renamed over it). The file's key-value metadata
    carries `frivilligdata` (JSON: metric, titles, unit, the parameter values, each column's description), which
    DuckDB shows with `select * from parquet_kv_metadata('FILE')`."""
    path = Path(path)
    meta = {
        "metric": res.meta.name,
        "title_da": res.meta.title_da,
        "title_en": res.meta.title_en,
        "unit": res.meta.unit,
        "unit_da": res.meta.unit_da,
        "params": res.params,
        "columns": {c.name: f"{c.type}; {c.doc}" for c in res.meta.columns},
    }
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    con = duckdb.connect()
    try:
        con.register("result", res.data)
        # the two literals are a file name this process chose beside the target and JSON of validated values
        con.execute(f"copy (select * from result) to {sql_literal(str(tmp))} "
                    f"(format parquet, kv_metadata {{frivilligdata: {sql_literal(json.dumps(meta, ensure_ascii=False))}}})")
        os.replace(tmp, path)
    finally:
        con.close()
        if tmp.exists():
            tmp.unlink()
    return path
