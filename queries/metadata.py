"""What the warehouse says about itself: build facts, input files, the codebook, the published figures and the survey
waves (which series each wave is of, and which waves can be compared).

These are not metrics (no parameters, no breakdowns) but the dashboards and the report show them, so they live
here beside the metrics, and nothing outside the query layer writes SQL.
"""
from __future__ import annotations


from .changes import COMPARABLE_SQL
from .engine import _warehouse
from .lazy import lazy

pd = lazy("pandas")

BUILD_INFO_SQL = "select key, value from build_info order by key"
BUILD_INPUTS_SQL = "select * from build_inputs order by file"
PUBLISHED_FIGURES_SQL = "select * from published_figures order by figure_id"
# The waves with respondents in the warehouse, each with its series (labels) and definition; `line` is what a trend
# chart draws as one line: the waves of one series with one definition (only those may be compared).
SURVEY_WAVES_SQL = """
select w.year, w.series, ls.label_da as series_da, ls.label_en as series_en, w.definition,
       ld.label_da as definition_label_da, ld.label_en as definition_label_en, w.definition_da, w.definition_en,
       w.fieldwork, w.sample_size, w.source, w.series || ':' || w.definition as line
from survey_waves as w
left join labels as ls on ls.dimension = 'series' and ls.code = w.series
left join labels as ld on ld.dimension = 'definition' and ld.code = w.definition
where (w.series, w.year) in (select (series, year) from survey_respondents)
order by w.year
"""
# Comments are set by the ETL from etl/schema.sql; user tables only (no DuckDB catalogue views).
CODEBOOK_SQL = """
select
    c.table_name as "table",
    coalesce(t.comment, '') as table_comment,
    c.column_name as "column",
    c.data_type as type,
    coalesce(c.comment, '') as comment
from duckdb_columns() as c
join duckdb_tables() as t
    on t.database_name = c.database_name and t.schema_name = c.schema_name and t.table_name = c.table_name
where c.database_name = current_database() and c.schema_name = 'main'
order by c.table_name, c.column_index
"""


def _frame(sql: str, db) -> pd.DataFrame:
    wh = _warehouse(db)
    with wh.lock:
        return wh.con.execute(sql).df()


def build_info(db=None) -> dict[str, str]:
    """The build_info table as a dict (built_at, data_kind demo|real, raw_dir, duckdb_version, ...)."""
    wh = _warehouse(db)
    with wh.lock:
        rows = wh.con.execute(BUILD_INFO_SQL).fetchall()
    return {str(k): str(v) for k, v in rows}


def build_inputs(db=None) -> pd.DataFrame:
    """One row per input file of the build: file, sha256, bytes, rows, encoding, delimiter, decimal_comma, synthetic."""
    return _frame(BUILD_INPUTS_SQL, db)


def codebook(db=None) -> pd.DataFrame:
    """Every warehouse column with its table, type and the schema comments: table, table_comment, column, type, comment."""
    return _frame(CODEBOOK_SQL, db)


def published_figures(db=None) -> pd.DataFrame:
    """The published figures (reference data from the source documents), one row per figure_id."""
    return _frame(PUBLISHED_FIGURES_SQL, db)


def survey_waves(db=None) -> pd.DataFrame:
    """The survey waves in the warehouse, one row per year: year, series, series_da, series_en, definition (code),
    definition_label_da/en (the definition's short label), definition_da/en (the wave's question in words),
    fieldwork, sample_size, source, line (series:definition, one trend line)."""
    return _frame(SURVEY_WAVES_SQL, db)


def comparable_waves(db=None) -> dict[int, list[int]]:
    """Per wave in the warehouse, the other waves it may be compared with (same series and definition), sorted."""
    wh = _warehouse(db)
    with wh.lock:
        rows = wh.con.execute(COMPARABLE_SQL).fetchall()
    out: dict[int, list[int]] = {}
    for year, other in rows:
        out.setdefault(int(year), []).append(int(other))
    return out
