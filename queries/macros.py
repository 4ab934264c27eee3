"""The query layer's DuckDB macros: the shared pieces in queries/_macros.sql and one table macro per metric file.

`install(con)` creates them in a warehouse (the ETL calls it once at build time, so that a researcher who opens
data/warehouse.duckdb in DuckDB can run any queries/<metric>.sql as it is, and stores their `fingerprint()`);
`install(con, temp=True)` creates them as temporary macros on a connection (the query layer does this on a
connection whose warehouse stored other macros than the files now give, e.g. one built before an edit, so that it
always runs the files as they are on disk; temporary macros shadow stored ones).

Every metric is also a table macro of the same name without arguments, reading the same variables as its file:
after `SET VARIABLE "by" = 'gender';`, `from participation_rate()` gives the metric, and a metric can build on
another (`fte` reads `total_hours_per_year()`).
"""
from __future__ import annotations

import hashlib
import re

from . import catalog
from .catalog import called_metrics, metric_names, sql_body
from .lazy import lazy

duckdb = lazy("duckdb")

_CREATE = re.compile(r"^create or replace macro\s+(?P<name>[a-z_][a-z0-9_]*)\s*\(", re.I)


def shared_statements() -> list[str]:
    """The `create or replace macro ...` statements of queries/_macros.sql, in file order."""
    path = catalog.QUERY_DIR / catalog.MACRO_FILE.name
    text = path.read_text(encoding="utf-8")
    out = []
    for statement in duckdb.extract_statements(text):
        sql = _strip_comments(statement.query).strip().rstrip(";").strip()
        if not sql:
            continue
        if not _CREATE.match(sql):
            raise ValueError(f"{path.name}: every statement must be `create or replace macro NAME(...) as ...`, "
                             f"found: {sql[:80]!r}")
        out.append(sql)
    return out


def metric_statement(name: str) -> str:
    """`create or replace macro NAME() as table <the metric's query>`: the metric as a table macro."""
    body = sql_body((catalog.QUERY_DIR / f"{name}.sql").read_text(encoding="utf-8")).rstrip().rstrip(";")
    return f"create or replace macro {name}() as table\n{body}"


def metric_order(skipped: list | None = None) -> list[str]:
    """The metric names, each after the metrics it reads (DuckDB binds a macro's tables when it is created). A file
    that is not UTF-8 text is left out (its MetricFileError appended to `skipped`); a cycle is left to the catalogue,
    which refuses the files in it."""
    texts = {}
    for n in metric_names():
        path = catalog.QUERY_DIR / f"{n}.sql"
        try:
            texts[n] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            if skipped is not None:
                skipped.append(catalog.MetricFileError(path, None, f"not UTF-8 text ({exc.reason})"))
    names = list(texts)
    order: list[str] = []

    def visit(name: str, stack: tuple[str, ...]) -> None:
        if name in order:
            return
        if name in stack:
            return  # a cycle: the catalogue refuses these files
        for other in called_metrics(texts[name], name, names):
            visit(other, (*stack, name))
        order.append(name)

    for name in names:
        visit(name, ())
    return order


def statements() -> list[str]:
    """Every macro statement: the shared macros first, then one per metric, each after those it reads."""
    return shared_statements() + [metric_statement(n) for n in metric_order()]


def fingerprint() -> str:
    """A checksum of every macro statement, in order, and of the DuckDB version that binds them. The build stores it
    in build_info ('macros'); a connection whose warehouse stored the same needs no temporary macros."""
    text = "\n;\n".join(statements()) + f"\n-- duckdb {duckdb.__version__}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def macro_names() -> list[str]:
    """The names of every macro `install` creates."""
    return [_CREATE.match(s)["name"] for s in statements()]


def install(con: duckdb.DuckDBPyConnection, temp: bool = False, skipped: list | None = None) -> int:
    """Create every macro on `con` (stored in the database, or temporary for this connection); returns how many.

    The shared macros must all be created. A metric whose file the catalogue refuses, or whose query DuckDB cannot
    create as a macro, is left out (so is a metric that reads it) and its MetricFileError appended to `skipped`:
    one broken metric file does not take the others down. Run it outside an explicit transaction (a failed
    statement would abort it)."""
    def create(sql: str) -> None:
        if temp:
            sql = re.sub(r"^create or replace macro", "create or replace temp macro", sql, count=1, flags=re.I)
        con.execute(sql)

    shared = shared_statements()
    for sql in shared:
        create(sql)
    count = len(shared)
    for name in metric_order(skipped):
        try:
            catalog.load_metric(name)
            create(metric_statement(name))
            count += 1
        except catalog.MetricFileError as exc:
            if skipped is not None:
                skipped.append(exc)
        except duckdb.Error as exc:
            if skipped is not None:
                skipped.append(catalog.MetricFileError(catalog.QUERY_DIR / f"{name}.sql", None,
                                                       f"DuckDB cannot create its macro: {catalog.first_line(exc)}"))
    return count


def _strip_comments(sql: str) -> str:
    """The SQL without whole-line `--` comments (the documentation between the statements)."""
    return "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
