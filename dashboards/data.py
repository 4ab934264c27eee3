"""Data access for the dashboards: cached calls to the query layer on a capped, read-only connection."""
from __future__ import annotations

import os
from functools import lru_cache

import queries

# A dashboard kernel is one of many on a shared server: cap DuckDB unless the environment says otherwise.
DEFAULT_THREADS = 2
DEFAULT_MEMORY = "512MB"


@lru_cache(maxsize=1)
def _configure() -> None:
    queries.configure(
        threads=int(os.environ.get("FRIVILLIGDATA_THREADS") or DEFAULT_THREADS),
        memory_limit=os.environ.get("FRIVILLIGDATA_MEMORY_LIMIT") or DEFAULT_MEMORY,
    )


@lru_cache(maxsize=256)
def _run(metric: str, items: tuple) -> queries.Result:
    return queries.run(metric, **dict(items))


def run(metric: str, **params) -> queries.Result:
    """queries.run with the kernel's connection settings, cached per parameter set (the warehouse is read-only)."""
    _configure()
    return _run(metric, tuple(sorted(params.items())))


def meta(metric: str):
    """The metric's metadata (title, definition, unit, source) without running it."""
    return queries.load_metric(metric)


def has_metric(metric: str) -> bool:
    return metric in queries.metric_names()


@lru_cache(maxsize=1)
def build_info() -> dict[str, str]:
    """build_info of the warehouse (data_kind demo|real, built_at, ...); empty when there is no warehouse."""
    _configure()
    try:
        rows = queries.connect().execute("select key, value from build_info").fetchall()
    except (queries.WarehouseMissing, Exception):  # noqa: BLE001 - a missing table is shown as "unknown"
        return {}
    return {str(k): str(v) for k, v in rows}


def is_demo() -> bool:
    """True when the warehouse holds demo data (or cannot tell: better a banner too many than one too few)."""
    return build_info().get("data_kind", "demo") != "real"


@lru_cache(maxsize=1)
def column_comments() -> list[tuple[str, str, str, str]]:
    """(table, column, type, comment) of every warehouse column, from the schema comments applied by the ETL."""
    _configure()
    rows = queries.connect().execute(
        "select table_name, column_name, data_type, coalesce(comment, '') from duckdb_columns() "
        "where database_name = current_database() and schema_name = 'main' "
        "order by table_name, column_index"
    ).fetchall()
    return [tuple(map(str, r)) for r in rows]


def waves(metric: str = "participation_rate") -> list[int]:
    """Survey waves (years) with data for a metric, from its trend result."""
    df = run(metric).data
    return sorted({int(y) for y in df["year"].dropna()})


def build_inputs() -> list[dict]:
    """The input files of the warehouse build (file, rows, encoding, synthetic ...)."""
    _configure()
    df = queries.connect().execute("select * from build_inputs order by file").df()
    return df.to_dict("records")


def published_figures():
    """The published figures table (reference data) as a DataFrame."""
    _configure()
    return queries.connect().execute("select * from published_figures order by figure_id").df()
