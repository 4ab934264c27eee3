"""Every rule a metric must meet, in one place: `python -m queries check NAME` runs them and says in plain words what
is missing, and the tests (tests/test_queries.py, tests/test_presentation.py, tests/test_small_counts.py,
tests/test_docs.py) run the same functions over every metric.

A rule is a function returning a list of problems (sentences; empty = met). Rules in FILE_RULES read only the files
(queries/NAME.sql, queries/NAME.yml, docs/metrics.md); rules in WAREHOUSE_RULES also run the metric on a warehouse.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from . import catalog
from .catalog import Metric, MetricFileError, QueryError, check_variables, load_metric

# Common Danish and English words: a Danish text has some of the first and none of the second.
DANISH_WORDS = re.compile(r"\b(og|af|med|der|til|antal|andel|som|pr\.|i)\b")
ENGLISH_WORDS = re.compile(r"\b(the|of|and|with|who|which|per)\b")
# What policy staff read (the .yml's definitions) holds no code, column names or R formulas.
JARGON = ("svy", "~", "_", "= 1", "SQL", "domain")


def identifiers(text: str) -> set[str]:
    """Column, parameter and metric names and R survey functions named in a text."""
    return set(re.findall(r"\b[a-z]+_[a-z_]+\b|\bsvy[a-z]+\b|\bvolunteered\b", text))


def _body(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql)


# --- rules on the files -------------------------------------------------------------------------------------------

def metadata_complete(m: Metric) -> list[str]:
    out = []
    for field in ("title_da", "title_en", "method", "method_da", "unit", "unit_da"):
        if not getattr(m, field).strip():
            out.append(f"the header's {field} is empty")
    if not m.source:
        out.append("the header names no source table (`-- source: table, ...`)")
    if not m.columns:
        out.append("the header declares no result column (`-- column NAME: type; description`)")
    if not m.years_sql:
        out.append("the header has no `-- years: select distinct year from ...` line (the valid years)")
    out += [f"column {c.name} lacks a type or a description" for c in m.columns if not (c.doc and c.type)]
    out += [f"parameter {p.name} lacks a description" for p in m.params if not p.doc]
    if m.title_da == m.title_en:
        out.append("title_da is the same as title_en: write the Danish title")
    if m.method_da == m.method or m.unit_da == m.unit:
        out.append("a Danish text (method_da or unit_da) is the English one: translate it")
    return out


def danish_texts_match(m: Metric) -> list[str]:
    """method_da and unit_da are Danish and say what the English texts say: same identifiers and numbers."""
    out = []
    if not DANISH_WORDS.search(m.method_da) or ENGLISH_WORDS.search(m.method_da):
        out.append("method_da does not read as Danish (it needs words like 'og', 'af', 'der' and no "
                   "'the', 'of', 'and')")
    for field in ("method", "unit"):
        en, da = getattr(m, field), getattr(m, field + "_da")
        lacking = identifiers(en) - identifiers(da)
        if lacking:
            out.append(f"{field}_da must name the same columns and functions as {field}: it lacks "
                       f"{', '.join(sorted(lacking))}")
        digits_en = sorted(re.findall(r"\d+", en.replace("1924", "1.924").replace(".", ",")))
        digits_da = sorted(re.findall(r"\d+", da.replace(".", ",")))
        if digits_en != digits_da:
            out.append(f"{field}_da must hold the same numbers as {field} (English {' '.join(digits_en)}; "
                       f"Danish {' '.join(digits_da)})")
    return out


def house_style(m: Metric) -> list[str]:
    out = []
    text = _body(m.sql)
    if not re.search(r"select \* from final\s*$", text):
        out.append("the query must end with `select * from final`")
    if not text.lstrip().startswith("with"):
        out.append("the query must be a chain of CTEs starting with `with`")
    out += [f"write SQL keywords in lower case: {keyword} found" for keyword in
            ("SELECT", "FROM", "WHERE", "GROUP BY", "JOIN", "WITH") if re.search(rf"\b{keyword}\b", text)]
    return out


def parameters_declared_and_read(m: Metric) -> list[str]:
    """Every declared parameter is read as a variable, by the file or by a metric it builds on, and nothing else."""
    read = check_variables(m, m.sql)
    for other in catalog.called_metrics(m.sql, m.name, catalog.metric_names()):
        read |= set(load_metric(other).param_names)
    unread = set(m.param_names) - read
    return [f"parameter {p} is declared but the query never reads it (getvariable('{p}'))" for p in sorted(unread)]


def presentation_valid(m: Metric) -> list[str]:
    """queries/NAME.yml exists, parses, and describes only the metric's columns in plain language."""
    try:
        p = catalog.presentation(m.name)
    except (ValueError, OSError) as exc:
        return [str(exc)]
    out = []
    columns = {c.name for c in m.columns}
    if p.value not in columns:
        out.append(f"{m.name}.yml: the value column {p.value!r} is not a result column of the SQL")
    if set(p.columns) - columns:
        out.append(f"{m.name}.yml describes columns the metric lacks: {', '.join(sorted(set(p.columns) - columns))}")
    for key in ("definition_da", "definition_en"):
        for jargon in JARGON:
            if jargon in getattr(p, key):
                out.append(f"{m.name}.yml: {key} is for people without statistics training; it contains {jargon!r}")
    if p.format == "percent" and p.range and p.range[0] < 0:
        out.append(f"{m.name}.yml: a percent's range starts below 0")
    for lang in ("da", "en"):
        if p.text("headline", lang) and "{value}" not in p.text("headline", lang):
            out.append(f"{m.name}.yml: headline_{lang} must contain {{value}}")
    ruled = {c.name for c in m.columns if "small-count rule" in c.doc}
    if set(p.person_counts) - columns:
        out.append(f"{m.name}.yml: person_counts names columns the metric lacks: "
                   f"{', '.join(sorted(set(p.person_counts) - columns))}")
    if ruled - set(p.person_counts):
        out.append(f"{m.name}.yml: person_counts lacks {', '.join(sorted(ruled - set(p.person_counts)))} (their "
                   "header description says the small-count rule applies)")
    return out


def documented(m: Metric) -> list[str]:
    """docs/metrics.md is what `make docs` writes from the catalogue (so it describes this metric as it is)."""
    from etl import docs

    path = docs.DOCS / "metrics.md"
    if not path.is_file() or path.read_text(encoding="utf-8") != docs.metrics():
        return ["docs/metrics.md does not describe the metrics as their files do: run `make docs`"]
    return []


# --- rules that run the metric ------------------------------------------------------------------------------------

def source_tables_exist(m: Metric, db=None) -> list[str]:
    from .engine import connect

    con = connect(db)
    tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    return [f"source table {t} is not in the warehouse" for t in m.source if t not in tables]


def result_columns_declared(m: Metric, db=None) -> list[str]:
    from .engine import run

    got = list(run(m.name, db=db).data.columns)
    want = [c.name for c in m.columns]
    if got == want:
        return []
    return [f"the query returns the columns {', '.join(got)}, the header declares {', '.join(want)}: the "
            "`-- column` lines must list what the query returns, in its order"]


def dimensions_run(m: Metric, db=None) -> list[str]:
    """Each declared breakdown names a column of the source tables, runs and gives rows for it, and the SQL refuses
    every breakdown another metric offers that this one does not declare."""
    from .engine import connect, run

    out = []
    con = connect(db)
    columns = {r[0] for r in con.execute("select column_name from duckdb_columns() where table_name in "
                                         "(select unnest(?))", [list(m.source)]).fetchall()}
    for dim, expr in m.dimensions.items():
        ident = expr.split(".")[-1]
        if ident != "'all'" and ident not in columns:
            out.append(f"breakdown {dim}: `{expr}` is not a column of the source tables ({', '.join(m.source)})")
        try:
            data = run(m.name, by=dim, db=db).data
        except Exception as exc:  # noqa: BLE001 - the rule reports any failure in words
            out.append(f"breakdown {dim} fails: {catalog.first_line(exc)}")
            continue
        if len(data) == 0 or ("dimension" in data.columns and not (data["dimension"] == dim).all()):
            out.append(f"breakdown {dim} gives no rows, or rows whose dimension is not {dim}")
    if m.dimensions:
        others = {d for name in catalog.metric_names() if name != m.name
                  for d in _dimensions_of(name)} - set(m.dimensions)
        for by in sorted(others):
            try:
                con.execute('set variable "by" = ?', [by])
                con.execute(m.sql).fetchall()
            except Exception:  # noqa: BLE001 - refused, as it must be
                continue
            finally:
                con.execute('reset variable "by"')
            out.append(f"the SQL accepts by = {by!r}, which the header does not declare: declare it with a "
                       f"`-- dimension {by}: ...` line, or make the query refuse it")
        connect(db)  # the variables were set here by hand: the next run() sets every parameter again
    return out


def _dimensions_of(name: str) -> list[str]:
    try:
        return list(load_metric(name).dimensions)
    except QueryError:
        return []


def runs_as_it_is(m: Metric, db=None) -> list[str]:
    """The file as it is, with no variable set (then its Python step, if it names one), gives what the query layer
    gives with the defaults."""
    import pandas as pd

    from .engine import connect, finish, run

    res = run(m.name, db=db)
    con = connect(db)
    for p in m.params:
        con.execute(f'reset variable "{p.name}"')
    got = finish(m, con.execute(m.sql).df(), res.params)
    try:  # equal up to float summation order: DuckDB's threads may add the same numbers in another order
        pd.testing.assert_frame_equal(got, res.data, check_exact=False, rtol=1e-9, atol=1e-12)
    except AssertionError:
        return ["the file run as it is (no variables set) does not give what `python -m queries run` gives with "
                "the defaults: the coalesce() defaults must be the header's"]
    return []


@dataclass(frozen=True)
class Rule:
    title: str
    check: Callable
    warehouse: bool = False


FILE_RULES = (
    Rule("the header is complete", metadata_complete),
    Rule("the Danish texts say what the English ones say", danish_texts_match),
    Rule("the SQL follows the house style", house_style),
    Rule("every parameter is declared and read", parameters_declared_and_read),
    Rule("queries/{name}.yml describes it for people", presentation_valid),
    Rule("docs/metrics.md is up to date", documented),
)
WAREHOUSE_RULES = (
    Rule("its source tables exist", source_tables_exist, True),
    Rule("it returns the declared columns", result_columns_declared, True),
    Rule("every declared breakdown runs, no other is accepted", dimensions_run, True),
    Rule("the file runs as it is with the header's defaults", runs_as_it_is, True),
)
RULES = FILE_RULES + WAREHOUSE_RULES


def check(name: str, db=None) -> list[tuple[Rule, list[str]]]:
    """Every rule's problems for metric `name` (MetricFileError when its file cannot be read at all; a rule that
    needs the warehouse reports a missing one as its problem)."""
    from .engine import WarehouseMissing

    m = load_metric(name)
    out = []
    for rule in RULES:
        try:
            problems = rule.check(m, db) if rule.warehouse else rule.check(m)
        except MetricFileError as exc:
            problems = [str(exc)]
        except WarehouseMissing as exc:
            problems = [f"not checked: {exc}"]
        except Exception as exc:  # noqa: BLE001 - a rule that cannot run is reported, not a traceback
            problems = [f"could not run: {catalog.first_line(exc)}"]
        out.append((rule, problems))
    return out
