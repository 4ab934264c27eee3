"""Data access for the dashboards: cached calls to the query layer on a capped, read-only connection.

Every function takes `db` (a warehouse path; None = the one `using()` set, else $FRIVILLIGDATA_DB, else
data/warehouse.duckdb). Caches are keyed on the resolved path and the file's modification time, so two
warehouses (or a rebuilt one) never share results.
"""
from __future__ import annotations

import contextlib
import contextvars
import os
from functools import lru_cache

import queries

from . import cache
from queries.lazy import lazy

pd = lazy("pandas")

# A dashboard kernel is one of many on a shared server: cap DuckDB unless the environment says otherwise.
DEFAULT_THREADS = 2
DEFAULT_MEMORY = "512MB"

_default_db: contextvars.ContextVar[str | None] = contextvars.ContextVar("frivilligdata_db", default=None)


@contextlib.contextmanager
def using(db):
    """Within the block, db=None means `db` (the report points the panels at its warehouse this way)."""
    token = _default_db.set(None if db is None else str(queries.warehouse_path(db)))
    try:
        yield
    finally:
        _default_db.reset(token)


def key(db) -> tuple[str, int]:
    """The resolved warehouse path and its modification time (0 when missing: the query layer then says so)."""
    path = queries.warehouse_path(db if db is not None else _default_db.get())
    try:
        return str(path), path.stat().st_mtime_ns
    except FileNotFoundError:
        return str(path), 0


@lru_cache(maxsize=1)
def _configure() -> None:
    queries.configure(
        threads=int(os.environ.get("FRIVILLIGDATA_THREADS") or DEFAULT_THREADS),
        memory_limit=os.environ.get("FRIVILLIGDATA_MEMORY_LIMIT") or DEFAULT_MEMORY,
    )


@lru_cache(maxsize=256)
def _run(metric: str, items: tuple, key: tuple[str, int]) -> queries.Result:
    # shared with the other kernels through views.cache (keyed on the warehouse build and the SQL files)
    return cache.result(metric, items, key[0], key[1], lambda: queries.run(metric, db=key[0], **dict(items)))


def run(metric: str, db=None, **params) -> queries.Result:
    """queries.run with the kernel's connection settings, cached per warehouse and parameter set."""
    _configure()
    return _run(metric, tuple(sorted(params.items())), key(db))


def meta(metric: str):
    """The metric's metadata (title, definition, unit, source) without running it."""
    return queries.load_metric(metric)


def has_metric(metric: str) -> bool:
    return metric in queries.metric_names()


@lru_cache(maxsize=8)
def _build_info(key: tuple[str, int]) -> dict[str, str]:
    try:
        return cache.build_info(key[0], key[1], lambda: queries.build_info(key[0]))
    except (queries.WarehouseMissing, Exception):  # noqa: BLE001 - a missing table is shown as "unknown"
        return {}


def build_info(db=None) -> dict[str, str]:
    """build_info of the warehouse (data_kind demo|real, built_at, ...); empty when there is no warehouse."""
    _configure()
    return dict(_build_info(key(db)))


def is_demo(db=None) -> bool:
    """True when the warehouse holds demo data (or cannot tell: better a banner too many than one too few)."""
    return build_info(db).get("data_kind", "demo") != "real"


@lru_cache(maxsize=8)
def _codebook(key: tuple[str, int]) -> pd.DataFrame:
    return queries.codebook(key[0])


def codebook(db=None) -> pd.DataFrame:
    """Every warehouse column: table, table_comment, column, type, comment (the schema comments of the ETL)."""
    _configure()
    return _codebook(key(db)).copy()


def build_inputs(db=None) -> pd.DataFrame:
    """The input files of the warehouse build (file, rows, encoding, synthetic ...)."""
    _configure()
    return queries.build_inputs(key(db)[0])


def provenance(db=None) -> dict[str, str]:
    """Where the pages' numbers come from (queries/provenance.py: data kind, build, inputs, code and DuckDB
    versions), for the downloads; shared between kernels like the results, and kept in this process per warehouse
    file (every panel's two CSV links ask for it: 4 ms a time from the shared cache). Empty when there is no
    warehouse."""
    return dict(_provenance(key(db)))


@lru_cache(maxsize=8)
def _provenance(key: tuple[str, int]) -> dict[str, str]:
    from queries import provenance as provenance_

    try:
        return derived("provenance", lambda: provenance_.of_warehouse(key[0]), key[0])
    except (queries.WarehouseMissing, Exception):  # noqa: BLE001 - a download without it rather than none
        return {}


def derived(what: str, compute, db=None):
    """A small plain value derived from query results (the waves of a metric, a page's headline figures), shared
    between kernels like the results: a page drawn from the cache then reads no result and imports no pandas.
    `what` names the value and everything it depends on besides the warehouse and the code."""
    _configure()
    path, identity = key(db)
    return cache.get_or_compute(path, identity, "derived", what, compute)


def waves(metric: str = "participation_rate", db=None, **params) -> list[int]:
    """The years a metric has figures for (survey waves, municipal survey rounds), from its result over every year."""
    return derived(f"waves\n{metric}\n{sorted(params.items())!r}",
                   lambda: sorted({int(y) for y in run(metric, db=db, **params).data["year"].dropna()}), db)



def survey_waves(db=None) -> dict[int, dict]:
    """The warehouse's survey waves by year (queries.survey_waves): series, its labels, definition, line, ..."""
    def compute():
        df = queries.survey_waves(key(db)[0])
        return {int(r["year"]): {k: (None if v != v else v) for k, v in r.items()} for r in df.to_dict("records")}
    return derived("survey_waves", compute, db)


def comparable_earlier(year: int, db=None) -> list[int]:
    """The earlier waves in the warehouse that a change to `year` may compare with (same series and definition)."""
    pairs = derived("comparable_waves", lambda: queries.comparable_waves(key(db)[0]), db)
    return sorted(o for o in pairs.get(int(year), []) if o < int(year))
