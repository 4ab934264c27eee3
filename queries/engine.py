"""Run a metric: validate the request, bind DuckDB named parameters, return a DataFrame with the metric's metadata."""
from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path


from . import macros
from .catalog import FINISHERS, Metric, MetricFileError, QueryError, _sql_files, first_line, listed, load_metric, sql_body
from .lazy import lazy

duckdb = lazy("duckdb")
pd = lazy("pandas")

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = REPO_ROOT / "data" / "warehouse.duckdb"
DB_ENV = "FRIVILLIGDATA_DB"

_settings: dict[str, object] = {
    "threads": os.environ.get("FRIVILLIGDATA_THREADS") or None,
    "memory_limit": os.environ.get("FRIVILLIGDATA_MEMORY_LIMIT") or None,
}


class WarehouseMissing(FileNotFoundError):
    """The warehouse file does not exist (build it with `make warehouse` or `python -m etl build`), or the path is
    not a DuckDB warehouse (a folder, another kind of file, an unreadable file)."""


_INT_TEXT = re.compile(r"[+-]?[0-9]+", re.ASCII)  # ASCII digits only: not '２０１２', '1_000' or ' 12 '.strip()'d
_DOUBLE_TEXT = re.compile(r"[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?", re.ASCII)


@dataclass
class Result:
    data: pd.DataFrame
    meta: Metric
    params: dict = field(default_factory=dict)


def warehouse_path(db: str | os.PathLike | None = None) -> Path:
    """The db argument, else $FRIVILLIGDATA_DB, else data/warehouse.duckdb in the repository."""
    if db is not None:
        return Path(db).expanduser().resolve()
    env = os.environ.get(DB_ENV)
    return Path(env).expanduser().resolve() if env else DEFAULT_DB


class _Warehouse:
    """One cached read-only connection to one warehouse file, reopened when the file is replaced."""

    def __init__(self, path: Path):
        self.path = path
        self.lock = threading.RLock()
        self.identity = self._identity()
        self.con = duckdb.connect(str(path), read_only=True)
        self.apply_settings()
        self.macro_files: tuple | None = None
        self.temp_macros = False  # whether this connection's macros are temporary ones made from the files
        self.variables: dict[str, tuple[type, object]] = {}  # what `set variable` last set on this connection
        self.sync_macros()
        self.cache: dict[tuple, object] = {}

    def sync_macros(self, files: tuple | None = None) -> None:
        """When a file changed since the last look, (re)create the macros as temporary ones from queries/*.sql: the
        layer runs the files as they are, whatever the warehouse stored at build time. A connection whose warehouse
        stored these very macros (its build_info 'macros' is their fingerprint) keeps them: creating them took
        150 ms of every new connection."""
        files = files or _sql_files()
        if files == self.macro_files:
            return
        if not self.temp_macros and self._stored_fingerprint() == macros.fingerprint():
            self.macro_files = files
            return
        macros.install(self.con, temp=True)
        self.temp_macros = True
        self.macro_files = files

    def _stored_fingerprint(self) -> str | None:
        try:
            row = self.con.execute("select value from build_info where key = 'macros'").fetchone()
        except duckdb.Error:  # a DuckDB file that is not a warehouse, or one built before build_info had it
            return None
        return row[0] if row else None

    def _identity(self) -> tuple:
        st = self.path.stat()
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def stale(self) -> bool:
        try:
            return self._identity() != self.identity
        except FileNotFoundError:
            return True

    def set_variables(self, values: dict) -> None:
        """`set variable NAME = ?` for each parameter whose value differs from what this connection holds (each
        statement costs a round trip); the values travel as bound values, never as SQL text."""
        for name, value in values.items():
            if self.variables.get(name, (None, object())) != (type(value), value):
                self.con.execute(_SET_VARIABLE.format(name), [value])
                self.variables[name] = (type(value), value)

    def apply_settings(self) -> None:
        self.con.execute("set enable_progress_bar = false")  # no console to draw on, and it costs time on every query
        if _settings["threads"]:
            self.con.execute(f"set threads = {int(_settings['threads'])}")
        if _settings["memory_limit"]:
            # memory_limit is a setting, not data: validated to a size literal before it reaches SQL
            limit = str(_settings["memory_limit"])
            if not re.fullmatch(r"\d+(\.\d+)?\s*[KMGT]i?B", limit, re.IGNORECASE):
                raise ValueError(f"memory_limit {limit!r} is not a size like '1GB'")
            self.con.execute(f"set memory_limit = '{limit}'")

    def close(self) -> None:
        try:
            self.con.close()
        except duckdb.Error:
            pass


_warehouses: dict[Path, _Warehouse] = {}
_registry_lock = threading.Lock()


def configure(*, threads: int | None = None, memory_limit: str | None = None) -> None:
    """Cap DuckDB threads and memory for every connection (open ones too), e.g. configure(threads=2, memory_limit='1GB')."""
    if threads is not None:
        _settings["threads"] = int(threads)
    if memory_limit is not None:
        _settings["memory_limit"] = memory_limit
    with _registry_lock:
        for wh in _warehouses.values():
            with wh.lock:
                wh.apply_settings()


def close_all() -> None:
    """Close every cached connection (tests that rebuild a warehouse in place call this)."""
    with _registry_lock:
        for wh in _warehouses.values():
            wh.close()
        _warehouses.clear()


def _warehouse(db) -> _Warehouse:
    path = warehouse_path(db)
    if not path.exists():
        raise WarehouseMissing(
            f"warehouse not found: {path} (build it with `make warehouse` or `python -m etl build --db {path}`)"
        )
    if not path.is_file():
        raise WarehouseMissing(f"not a warehouse file: {path} is a folder or another kind of file")
    with _registry_lock:
        wh = _warehouses.get(path)
        if wh is not None and wh.stale():
            with wh.lock:  # let a running query finish first
                wh.close()
            wh = None
        if wh is None:
            try:
                wh = _Warehouse(path)
            except (duckdb.Error, OSError) as exc:
                raise WarehouseMissing(f"cannot open {path} as a DuckDB warehouse: {first_line(exc)}") from None
            _warehouses[path] = wh
        return wh


def connect(db=None) -> duckdb.DuckDBPyConnection:
    """The cached read-only connection for ad-hoc SQL, its macros created from the files in queries/ as they are now
    (`from my_metric()` works for a metric file added since the warehouse was built); do not close it."""
    wh = _warehouse(db)
    with wh.lock:
        wh.sync_macros()  # a metric file added or edited since: its macro as the file says, no rebuild needed
    wh.variables.clear()  # ad-hoc SQL may set variables: the next run sets every parameter again
    return wh.con


def _coerce(metric: Metric, name: str, value):
    p = metric.param(name)
    if value is None:
        return None
    try:
        if p.type == "int":
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError
            if isinstance(value, str) and not _INT_TEXT.fullmatch(value.strip()):
                raise ValueError
            out = int(value.strip()) if isinstance(value, str) else int(value)
        elif p.type == "double":
            if isinstance(value, bool) or (isinstance(value, str) and not _DOUBLE_TEXT.fullmatch(value.strip())):
                raise ValueError
            out = float(value)
            if out != out or out in (float("inf"), float("-inf")):
                raise ValueError
        elif p.type == "bool":
            if isinstance(value, str):
                low = value.strip().lower()
                if low not in ("true", "false", "1", "0", "yes", "no"):
                    raise ValueError
                out = low in ("true", "1", "yes")
            else:
                out = bool(value)
        else:
            out = str(value)
    except (TypeError, ValueError):
        raise QueryError(f"{metric.name}: parameter {name} must be of type {p.type}, got {value!r}") from None
    if p.range is not None and not p.range[0] <= out <= p.range[1]:
        lo, hi = (f"{x:g}" for x in p.range)
        raise QueryError(f"{metric.name}: parameter {name} must be between {lo} and {hi}, got {value!r}")
    if p.choices and out not in p.choices:
        raise QueryError(f"{metric.name}: invalid {name} {out!r}; valid values: {', '.join(p.choices)}")
    return out


def _valid_years(wh: _Warehouse, metric: Metric) -> list[int]:
    key = ("years", metric.years_sql)
    if key not in wh.cache:
        rows = wh.con.execute(metric.years_sql).fetchall()
        wh.cache[key] = sorted(int(r[0]) for r in rows if r[0] is not None)
    return wh.cache[key]


def _population_years(wh: _Warehouse) -> list[int]:
    key = ("population_years",)
    if key not in wh.cache:
        rows = wh.con.execute("select distinct year from population order by 1").fetchall()
        wh.cache[key] = [int(r[0]) for r in rows]
    return wh.cache[key]


def _check_population(wh: _Warehouse, m: Metric, values: dict) -> None:
    """A metric that scales each survey wave by the wave's population (its years are the survey's, its source lists
    population) refuses a wave the population table does not cover, naming it, instead of returning an empty
    number flagged ok. granted_per_inhabitant (grant years; a municipality without population is a null ratio, as
    its definition says) and published_comparison (years of published figures) are not such metrics."""
    if ("population" not in m.source or "published_figures" in m.source or not m.years_sql
            or "survey_respondents" not in m.years_sql):
        return
    waves = [values["year"]] if values.get("year") is not None else _valid_years(wh, m)
    waves += [values["since"]] if values.get("since") is not None else []
    have = _population_years(wh)
    missing = sorted({w for w in waves if w not in have})
    if missing:
        covered = f"it has {listed(have)}" if have else "it is empty"
        raise QueryError(f"{m.name}: no population for {'year' if len(missing) == 1 else 'years'} "
                         f"{listed(missing)} in the warehouse ({covered}); this metric scales each wave "
                         f"by its residents, so add that year to population.csv and rebuild, or ask for another year")


def _valid_municipalities(wh: _Warehouse) -> list[int]:
    key = ("municipalities",)
    if key not in wh.cache:
        rows = wh.con.execute("select municipality_code from municipalities order by 1").fetchall()
        wh.cache[key] = [int(r[0]) for r in rows]
    return wh.cache[key]


def prepare(metric: str | Metric, *, year=None, by=None, **params) -> tuple[Metric, str, dict, dict]:
    """Validate a request without a warehouse: the metric, its SQL, the values to bind and all parameter values."""
    m = metric if isinstance(metric, Metric) else load_metric(metric)
    names = m.param_names
    unknown = sorted(set(params) - set(names) - {"year", "by"})
    if unknown:
        raise QueryError(
            f"{m.name}: unknown parameter(s) {', '.join(unknown)}; valid parameters: {', '.join(names) or '(none)'}"
        )
    if by is not None and not m.dimensions:
        raise QueryError(f"{m.name}: has no breakdown dimensions (by must be None)")
    if m.dimensions:
        if by is None:
            by = m.default_by
        if not isinstance(by, str) or by not in m.dimensions:
            raise QueryError(f"{m.name}: invalid dimension {by!r}; valid dimensions: {', '.join(m.dimensions)}")
    if year is not None and "year" not in names:
        raise QueryError(f"{m.name}: takes no year")
    values: dict[str, object] = {}
    for p in m.params:
        if p.name == "by":
            values["by"] = by
        elif p.name == "year":
            values["year"] = _coerce(m, "year", year)
        else:
            value = params.get(p.name)
            values[p.name] = _coerce(m, p.name, p.default if value is None else value)  # None means the default
    return m, sql_body(m.sql), values, values


_statements: dict[str, duckdb.Statement] = {}  # metric SQL -> its parse tree
_SET_VARIABLE = 'set variable "{}" = ?'


def _statement(con: duckdb.DuckDBPyConnection, metric: Metric, sql: str) -> duckdb.Statement:
    """The parse tree of a metric query, parsed once: parsing a metric took as long as running it on the
    demo warehouse (about 0.7 ms). DuckDB copies the tree on every execute, so one tree serves every connection."""
    statement = _statements.get(sql)
    if statement is None:
        parsed = con.extract_statements(sql)
        if len(parsed) != 1:
            raise QueryError(f"{metric.name}: a metric query must be one SQL statement, found {len(parsed)} in {metric.path}")
        statement = _statements[sql] = parsed[0]
    return statement


def run(metric: str, *, year=None, by=None, db=None, **params) -> Result:
    """Compute `metric` on the warehouse; QueryError (a ValueError) when a request is invalid, listing valid values."""
    files = _sql_files()  # one listing of queries/ for the metric and the macros (both reload an edited file)
    m, sql, bound, values = prepare(metric if isinstance(metric, Metric) else load_metric(metric, files), year=year,
                                    by=by, **params)
    wh = _warehouse(db)
    with wh.lock:
        if values.get("year") is not None and m.years_sql:
            years = _valid_years(wh, m)
            if values["year"] not in years:
                raise QueryError(
                    f"{m.name}: no data for year {values['year']}; valid years: {listed(years)}"
                )
        if "since" in values or "reference" in values:
            from .changes import validate  # the change and contrast metrics' wave and reference checks

            validate(wh.con, m, values, _valid_years(wh, m) if m.years_sql else [])
        _check_population(wh, m, values)
        if values.get("municipality_code") is not None:
            codes = _valid_municipalities(wh)
            if values["municipality_code"] not in codes:
                raise QueryError(
                    f"{m.name}: unknown municipality_code {values['municipality_code']}; "
                    f"valid codes: {', '.join(map(str, codes))}"
                )
        wh.sync_macros(files)
        try:
            statement = _statement(wh.con, m, sql)
            wh.set_variables(bound)
            data = wh.con.execute(statement).df()
        except (duckdb.ParserException, duckdb.BinderException, duckdb.CatalogException) as exc:
            raise _file_error(m, exc) from None
    return Result(data=finish(m, data, values), meta=m, params=values)


def finish(metric: Metric, data: pd.DataFrame, params: dict) -> pd.DataFrame:
    """The metric's result from its SQL file's result: the file's rows as they are, or, for a metric whose header
    names a Python step (`-- finish: NAME`, catalog.FINISHERS), that step's finish(data, params). Python only where
    SQL is the wrong tool: the Fay-Herriot model's REML fit is an iteration of matrix products (queries/small_area.py)."""
    if not metric.finish:
        return data
    import importlib

    return importlib.import_module(FINISHERS[metric.finish]).finish(data, params)


def _file_error(m: Metric, exc: Exception) -> MetricFileError:
    """A metric whose SQL DuckDB refuses (syntax, unknown table, column or function): its file, line and reason."""
    line = re.search(r"^LINE (\d+):", str(exc), re.M)
    header = 0
    for header, row in enumerate(m.sql.splitlines()):  # the header's lines come before the query DuckDB numbers
        if row.strip() and not row.startswith("--"):
            break
    return MetricFileError(m.path, header + int(line.group(1)) if line else None,
                           f"DuckDB refuses the query: {first_line(exc)}")


def sql_literal(value) -> str:
    """A validated parameter value as a DuckDB literal, for printing a script (the layer itself binds values)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def script(metric: str | Metric, *, year=None, by=None, **params) -> str:
    """The request as plain DuckDB SQL: one `set variable` per parameter, then the metric's file as it is. Run in
    DuckDB against the warehouse it gives what `run` gives (docs/sql.md)."""
    m, _, values, _ = prepare(metric, year=year, by=by, **params)
    lines = [f"-- {m.name} as plain DuckDB SQL: the parameters as variables, then queries/{m.name}.sql as it is"]
    if m.finish:
        lines.append(f"-- this gives the inputs of the metric's last step, {m.finish}, which is Python "
                     f"({FINISHERS[m.finish].replace('.', '/')}.py)")
    lines += [f'set variable "{name}" = {sql_literal(value)};' for name, value in values.items()]
    text = m.sql.rstrip()
    return "\n".join(lines) + "\n\n" + text + ("" if text.endswith(";") else ";") + "\n"
