"""The query layer itself: metadata of every metric, the dimension whitelist, validation, injection, connections, CLI."""
from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

import queries
from conftest import FIXTURE_RAW, REPO, run_main
from queries import QueryError, list_metrics, load_metric, run
from queries import catalog
from queries import macros
from queries import provenance
from queries import rules
from queries.catalog import QUERY_DIR, parse_header

CONTRACT_METRICS = {
    "participation_rate", "volunteers_count", "hours_per_month", "total_hours_per_year", "fte", "area_share",
    "organisation_form_share", "recruitment_share", "municipal_response", "framework_share", "framework_score",
    "staff_fte_total", "granted_per_inhabitant", "payout_ratio", "application_coverage", "grants_by_target_group",
    "cooperation_counts", "partnership_share", "published_comparison",
}
SURVEY_COLUMNS = ["year", "dimension", "category", "estimate", "se", "ci_low", "ci_high", "n", "flag"]
ALL_METRICS = [m.name for m in list_metrics()]


def sha256(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def body(sql: str) -> str:
    """The SQL without comments (the header mentions parameters in prose)."""
    return re.sub(r"--[^\n]*", "", sql)


# --- catalogue and metadata -------------------------------------------------------------------------------------

def test_catalogue_has_every_contract_metric():
    assert CONTRACT_METRICS <= set(ALL_METRICS)


@pytest.mark.parametrize("name", ALL_METRICS)
def test_metadata_complete(name):
    assert rules.metadata_complete(load_metric(name)) == []


ENGLISH_WORDS = rules.ENGLISH_WORDS


@pytest.mark.parametrize("name", ALL_METRICS)
def test_danish_definition_is_danish_and_complete(name):
    """method_da says what the English method says: the same data columns, functions and numbers."""
    assert rules.danish_texts_match(load_metric(name)) == []


def test_texts_in_either_language():
    m = load_metric("participation_rate")
    assert m.method_for("da") == m.method_da and m.method_for("en") == m.method == m.method_en
    assert m.unit_for("da") == m.unit_da and m.unit_for("en") == m.unit == m.unit_en
    assert m.title_for("da") == m.title_da == m.title and m.title_for("en") == m.title_en
    assert m.method_da.startswith("Vægtet andel af respondenter på 16 år og derover")
    with pytest.raises(ValueError, match="da, en"):
        m.method_for("de")
    described = m.to_dict()
    assert described["method_da"] == m.method_da and described["unit_da"] == m.unit_da


@pytest.mark.parametrize("name", ALL_METRICS)
def test_sql_follows_the_house_style(name):
    assert rules.house_style(load_metric(name)) == []


@pytest.mark.parametrize("name", ALL_METRICS)
def test_parameters_declared_and_read(name):
    """Every declared parameter is read as a variable, by the file or by a metric it builds on, and nothing else is."""
    assert rules.parameters_declared_and_read(load_metric(name)) == []


@functools.lru_cache(maxsize=None)
def run_once(db, name: str, **request) -> queries.Result:
    """run(name, **request) on the (unchanging) fixture warehouse, computed once in this module: the metric file
    tests below compare the same requests (as it is in DuckDB, in the duckdb shell), and a run costs 15 ms."""
    return run(name, db=db, **request)


@pytest.mark.parametrize("name", ALL_METRICS)
def test_result_columns_are_the_declared_columns(fixture_db, name):
    assert rules.result_columns_declared(load_metric(name), fixture_db) == []
    assert run_once(fixture_db, name).meta is load_metric(name)


@pytest.mark.parametrize("name", [m for m in ALL_METRICS if load_metric(m).dimensions])
def test_every_whitelisted_dimension_runs_and_names_a_column(fixture_db, name):
    assert rules.dimensions_run(load_metric(name), fixture_db) == []


@pytest.mark.parametrize("name", ALL_METRICS)
def test_source_tables_exist(fixture_db, name):
    assert rules.source_tables_exist(load_metric(name), fixture_db) == []


def test_survey_metrics_carry_the_contract_columns(fixture_db):
    for name in ("participation_rate", "hours_per_month", "area_share", "organisation_form_share",
                 "recruitment_share"):
        cols = list(run(name, db=fixture_db).data.columns)
        assert [c for c in cols if c in SURVEY_COLUMNS] == SURVEY_COLUMNS, name


def test_thresholds_live_in_one_place():
    """50 and 100 appear as thresholds only in queries/_macros.sql."""
    for path in QUERY_DIR.glob("*.sql"):
        if path.name == "_macros.sql":
            continue
        assert not re.search(r"\bn\s*<\s*(50|100)\b", body(path.read_text())), path.name
    macros = (QUERY_DIR / "_macros.sql").read_text()
    assert "min_n_shown() as 50" in macros and "min_n_reliable() as 100" in macros


def test_published_comparison_gives_the_reason_in_both_languages(fixture_db):
    """reason (English, read by the dashboards) and reason_da (Danish, the report) are set on the same rows."""
    r = run("published_comparison", db=fixture_db).data.set_index("figure_id")
    assert (r.reason.isna() == r.reason_da.isna()).all() and (r.reason.isna() == r.our_value.notna()).all()
    expected = {  # one row of every kind of reason in the fixture
        "P05": ("no data for this category and year", "ingen data for denne gruppe og dette år i datavarehuset"),
        "P07": ("which places count", 'kilden siger ikke, hvilke byer der tæller som "større byer"'),
        "P15": ("fewer than 50 respondents", "færre end 50 svar (udeladt)"),
        "M11": ("no municipal survey for 2018", "ingen kommuneundersøgelse for 2018 i datavarehuset"),
        "G04": ("no §18 grant data for 2009", "ingen data om §18-tilskud for 2009 i datavarehuset"),
        "T01": ("no volunteer survey wave for 2004", "ingen frivilligundersøgelse for 2004 i datavarehuset"),
    }
    for figure, (en, da) in expected.items():
        assert en in r.loc[figure, "reason"] and da in r.loc[figure, "reason_da"], figure
    for text in r.reason_da.dropna():
        assert not ENGLISH_WORDS.search(text), text


def test_header_parser_rejects_an_incomplete_header():
    with pytest.raises(ValueError, match="lacks"):
        parse_header("-- x: a metric\n-- title_da: X\nwith final as (select 1) select * from final", "x")
    complete = load_metric("fte").path.read_text(encoding="utf-8")
    for key in ("method_da", "unit_da"):
        without = re.sub(rf"^-- {key}:.*\n(--     .*\n)*", "", complete, flags=re.M)
        assert without != complete
        with pytest.raises(ValueError, match=f"lacks {key}"):
            parse_header(without, "fte")
    with pytest.raises(ValueError, match="first header line"):
        parse_header("-- y: a metric\nselect 1", "x")


# --- plain DuckDB SQL: macros, variables, metrics run as they are -------------------------------------------------

def raw_run(con, name: str, **variables) -> pd.DataFrame:
    """queries/<name>.sql run as it is on a plain DuckDB connection, after `set variable` for each given value,
    followed by the metric's Python step when its header names one (`-- finish:`; the file gives its inputs)."""
    con.execute("reset variable year")  # nothing left from an earlier request
    for var in ("by", "suppress", "municipality_code", "base", "hours_per_fte"):
        con.execute(f'reset variable "{var}"')
    for key, value in variables.items():
        con.execute(f'set variable "{key}" = ?', [value])
    rows = con.execute((QUERY_DIR / f"{name}.sql").read_text(encoding="utf-8")).df()
    return queries.engine.finish(load_metric(name), rows, variables)


@pytest.fixture(scope="module")
def plain(fixture_db):
    """A plain read-only DuckDB connection to the fixture warehouse: only what the ETL stored in it."""
    con = duckdb.connect(str(fixture_db), read_only=True)
    yield con
    con.close()


@pytest.mark.parametrize("name", ALL_METRICS)
def test_every_metric_file_runs_as_it_is_in_duckdb_and_gives_what_run_gives(plain, fixture_db, name):
    m = load_metric(name)
    default = run_once(fixture_db, name).data
    pd.testing.assert_frame_equal(raw_run(plain, name), default)  # no variable set: defaults
    years = default["year"].dropna().unique()[:1] if "year" in m.param_names else []
    for by in list(m.dimensions) or [None]:
        for year in [None, *[int(y) for y in years]]:
            request = {k: v for k, v in (("by", by), ("year", year)) if v is not None}
            if "suppress" in m.param_names:
                request["suppress"] = False
            pd.testing.assert_frame_equal(raw_run(plain, name, **request), run_once(fixture_db, name, **request).data,
                                          obj=f"{name} {request}")


DUCKDB_SHELL = Path(sys.executable).with_name("duckdb")  # the duckdb-cli package (test extra)


def shell_requests(db, name: str) -> list[dict]:
    """The requests the shell test makes of a metric: the default, and one breakdown of one year."""
    m = load_metric(name)
    requests = [{}]
    if m.dimensions:
        by = [d for d in m.dimensions if d != m.default_by][:1] or [m.default_by]
        years = run_once(db, name).data["year"].dropna().unique()[:1] if "year" in m.param_names else []
        requests.append({"by": by[0], **({"year": int(years[0])} if len(years) else {})})
    return requests


def _space(text: str, at: int) -> int:
    """The position of the first character at or after `at` that is not white space."""
    return re.compile(r"\s*").match(text, at).end()


@pytest.fixture(scope="module")
def shell_rows(fixture_db) -> dict[tuple, list[dict]]:
    """Every metric's shell_requests read by one duckdb shell (`duckdb -readonly WAREHOUSE`, one process instead of
    one a request): for each, `set variable` lines, as docs/sql.md shows a researcher, then queries/<name>.sql as it
    is; the rows as the shell prints them in JSON, by (name, request). A marker row comes before each request's rows,
    and the variables are reset between requests (each sets only by and year)."""
    keys, script = [], ""
    for name in ALL_METRICS:
        for request in shell_requests(fixture_db, name):
            script += f"select {len(keys)} as request_marker;\nreset variable \"by\";\nreset variable \"year\";\n"
            script += "".join(f'set variable "{k}" = {queries.engine.sql_literal(v)};\n' for k, v in request.items())
            script += f".read {QUERY_DIR / (name + '.sql')}\n"
            keys.append((name, tuple(request.items())))
    proc = subprocess.run([str(DUCKDB_SHELL), "-readonly", "-json", str(fixture_db)], input=script, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0 and not proc.stderr, proc.stderr
    decoder, text, arrays = json.JSONDecoder(), proc.stdout, []
    at = _space(text, 0)
    while at < len(text):  # the shell prints one JSON array a statement
        value, at = decoder.raw_decode(text, at)
        arrays.append(value)
        at = _space(text, at)
    rows: dict[tuple, list[dict]] = {}
    for value in arrays:
        if len(value) == 1 and set(value[0]) == {"request_marker"}:
            rows[keys[value[0]["request_marker"]]] = []
        else:
            assert rows and not rows[list(rows)[-1]], value[:1]  # one result a request, after its marker
            rows[list(rows)[-1]] = value
    assert list(rows) == keys
    return rows


@pytest.mark.parametrize("name", ALL_METRICS)
def test_every_metric_file_runs_as_it_is_in_the_duckdb_shell(fixture_db, shell_rows, name):
    """The warehouse is written in a format the duckdb shell from PyPI reads, its stored macros are what the files
    use, and the shell's rows are what run() gives (default request, and one breakdown of one year)."""
    m = load_metric(name)
    for request in shell_requests(fixture_db, name):
        expected_data = run_once(fixture_db, name, **request).data
        got = shell_rows[(name, tuple(request.items()))]
        if m.finish:  # the shell gives the inputs of the metric's Python step
            got = queries.engine.finish(m, pd.DataFrame(got).astype({"y_direct": float, "psi": float}), request)
        got = pd.DataFrame(got, columns=list(expected_data.columns))
        assert len(got) == len(expected_data), (name, request)
        for col in expected_data.columns:
            want = expected_data[col]
            if pd.api.types.is_numeric_dtype(want) and not pd.api.types.is_bool_dtype(want):
                pd.testing.assert_series_equal(pd.to_numeric(got[col]).astype(float), want.astype(float),
                                               check_names=False, rtol=1e-12, obj=f"{name} {request} {col}")
            else:
                assert [None if pd.isna(v) else v for v in got[col]] == [None if pd.isna(v) else v for v in want], \
                    (name, request, col)


@pytest.mark.parametrize("name", [m for m in ALL_METRICS if load_metric(m).dimensions])
def test_a_dimension_outside_the_whitelist_stops_the_sql_as_it_is(plain, name):
    """The file maps only its declared dimensions: any other name (another metric's, or text) is an error, also on a
    plain connection with only the macros the ETL stored (rules.dimensions_run tries every other metric's names on
    the query layer's connection)."""
    others = {d for m in list_metrics() for d in m.dimensions} - set(load_metric(name).dimensions)
    for by in sorted(others)[:1] + ["gender; drop table labels"]:
        with pytest.raises(duckdb.Error, match="by must be one of|has no breakdown by"):
            raw_run(plain, name, by=by)


def test_stored_macros_are_the_files(fixture_db, tmp_path):
    """What the ETL stored in the warehouse is what the query layer creates from queries/: the stored definitions
    equal those of a copy whose macros are created again from the files (stored in the same storage format, which
    writes some types and literals in its own way)."""
    sql = ("select function_name, macro_definition from duckdb_functions() "
           "where function_type in ('macro', 'table_macro') and database_name = current_database() and not internal")

    def stored(db):
        con = duckdb.connect(str(db), read_only=True)
        try:
            return dict(con.execute(sql).fetchall())
        finally:
            con.close()

    copy = tmp_path / "again.duckdb"
    shutil.copyfile(fixture_db, copy)
    con = duckdb.connect(str(copy))
    try:
        macros.install(con)
        con.execute("checkpoint")
    finally:
        con.close()
    assert set(stored(fixture_db)) == set(macros.macro_names())
    assert stored(fixture_db) == stored(copy)


TEMP_MACROS = ("select count(*) from duckdb_functions() "
               "where database_name = 'temp' and function_type in ('macro', 'table_macro')")


def test_a_connection_creates_temporary_macros_only_where_the_warehouse_stored_others(fixture_db, tmp_path):
    """The build stores the macros' fingerprint; a connection to that warehouse uses its stored macros, one to a
    warehouse whose macros came from other files (here: its fingerprint changed) creates them from the files."""
    assert queries.build_info(fixture_db)["macros"] == macros.fingerprint()
    assert queries.connect(fixture_db).execute(TEMP_MACROS).fetchone()[0] == 0
    other = tmp_path / "other.duckdb"
    shutil.copyfile(fixture_db, other)
    con = duckdb.connect(str(other))
    con.execute("update build_info set value = 'from other files' where key = 'macros'")
    con.close()
    assert queries.connect(other).execute(TEMP_MACROS).fetchone()[0] == len(macros.macro_names())
    pd.testing.assert_frame_equal(run("participation_rate", db=other).data,
                                  run("participation_rate", db=fixture_db).data)


def test_macros_read_no_variables_and_are_in_the_docs():
    text = (QUERY_DIR / "_macros.sql").read_text(encoding="utf-8")
    assert "getvariable" not in body(text), "macros take parameters as arguments; only metric files read variables"
    docs = (REPO / "docs" / "sql.md").read_text(encoding="utf-8")
    for name in macros.macro_names():
        if name not in ALL_METRICS:
            assert f"`{name}" in docs, f"macro {name} is not in docs/sql.md"


def test_a_metric_built_on_another_gives_the_same_numbers(fixture_db):
    hours = run("total_hours_per_year", by="gender", suppress=False, db=fixture_db).data
    fte = run("fte", by="gender", suppress=False, hours_per_fte=1000, db=fixture_db).data
    assert list(fte.category) == list(hours.category) and list(fte.year) == list(hours.year)
    for col in ("estimate", "se", "ci_low", "ci_high"):
        assert list(fte[col]) == pytest.approx(list(hours[col] / 1000), rel=1e-12)
    rates = run("participation_rate", by="age_group", db=fixture_db).data
    counts = run("volunteers_count", by="age_group", db=fixture_db).data
    assert list(counts.category) == list(rates.category)
    assert counts.rate.equals(rates.estimate) and counts.flag.equals(rates.flag) and counts.n.equals(rates.n)


def _metric_copy(tmp_path, monkeypatch):
    for f in QUERY_DIR.glob("*.sql"):
        shutil.copy(f, tmp_path / f.name)
    monkeypatch.setattr(catalog, "QUERY_DIR", tmp_path)
    return tmp_path


def test_the_loader_refuses_what_would_not_run_as_it_is(tmp_path, monkeypatch):
    d = _metric_copy(tmp_path, monkeypatch)
    model = (QUERY_DIR / "volunteers_count.sql").read_text(encoding="utf-8").replace("-- volunteers_count:", "-- x:", 1)
    cases = [
        (model.replace("-- param suppress:", "-- param suppressed:"), "must declare participation_rate's param suppress"),
        (model.replace("-- dimension east_west: east_west\n", "-- dimension east_west: east_west\n-- dimension shoe: x\n"),
         "dimension shoe is not one of participation_rate's"),
        (model.replace("coalesce(getvariable('by'), 'total')", "coalesce(getvariable('by'), 'gender')", 1),
         r"read parameter by as coalesce\(getvariable\('by'\), 'total'\)"),
        (model.replace("getvariable('year')", "getvariable('yeer')", 1), "reads variable 'yeer', which is not a declared"),
        (model.replace("getvariable('year')", "coalesce(getvariable('year'), 2012)", 1), "defaults to null"),
        (model.replace("getvariable('year')", "$year", 1), r"\$parameters and \{\{...\}\} directives are gone"),
        (model.replace("select * from participation_rate()", "{{metric participation_rate}}"), "directives are gone"),
    ]
    for text, message in cases:
        assert text != model, message
        (d / "x.sql").write_text(text, encoding="utf-8")
        with pytest.raises(ValueError, match=message):
            catalog._read_metric("x")
    (d / "x.sql").write_text(model.replace("participation_rate()", "y()"), encoding="utf-8")
    (d / "y.sql").write_text(model.replace("-- x:", "-- y:", 1).replace("participation_rate()", "x()"), encoding="utf-8")
    with pytest.raises(ValueError, match="cycle x -> y -> x"):
        catalog._read_metric("x")


def test_an_edited_shared_macro_or_inner_metric_is_run_as_edited(tmp_path, monkeypatch, fixture_db):
    """The layer re-creates the macros from the files when one changes: an edited macro shows on the next run."""
    d = _metric_copy(tmp_path, monkeypatch)
    before = run("volunteers_count", year=2012, db=fixture_db).data
    path = d / "_macros.sql"
    path.write_text(path.read_text(encoding="utf-8").replace("min_n_shown() as 50", "min_n_shown() as 100000"),
                    encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    after = run("volunteers_count", year=2012, db=fixture_db).data
    assert before.estimate.notna().all() and after.estimate.isna().all() and (after.flag == "suppressed").all()
    monkeypatch.undo()
    assert run("volunteers_count", year=2012, db=fixture_db).data.equals(before)


def test_an_edited_metric_file_is_run_as_edited(tmp_path, monkeypatch, fixture_db):
    """The loader and the parse cache key on the file's text: a researcher's edit shows on the next run."""
    for f in QUERY_DIR.glob("*.sql"):
        shutil.copy(f, tmp_path / f.name)
    monkeypatch.setattr(catalog, "QUERY_DIR", tmp_path)
    path = tmp_path / "x.sql"
    model = (QUERY_DIR / "municipal_response.sql").read_text(encoding="utf-8")
    path.write_text(model.replace("-- municipal_response:", "-- x:", 1), encoding="utf-8")
    before = run("x", year=2012, db=fixture_db).data
    edited = re.sub(r"select \* from final\s*$", "select * replace (-1 as responded) from final\n", model)
    assert edited != model
    path.write_text(edited.replace("-- municipal_response:", "-- x:", 1), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    after = run("x", year=2012, db=fixture_db).data
    assert (before.responded >= 0).all() and (after.responded == -1).all()
    path.write_text(edited.replace("-- municipal_response:", "-- x:", 1) + "; select 1\n", encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 2 * 10**9))
    with pytest.raises(QueryError, match="x: a metric query must be one SQL statement, found 2"):
        run("x", year=2012, db=fixture_db)


# --- validation -------------------------------------------------------------------------------------------------

def test_unknown_metric_lists_the_valid_ones(fixture_db):
    with pytest.raises(QueryError, match="valid metrics: .*participation_rate"):
        run("participation", db=fixture_db)


def test_unknown_dimension_lists_the_whitelist(fixture_db):
    with pytest.raises(QueryError, match="valid dimensions: total, gender, age_group, region"):
        run("participation_rate", by="municipality_code", db=fixture_db)
    with pytest.raises(QueryError, match="no breakdown"):
        run("municipal_response", by="region", db=fixture_db)


def test_year_checked_against_the_warehouse(fixture_db):
    with pytest.raises(QueryError, match="valid years: 2012, 2014"):
        run("participation_rate", year=2013, db=fixture_db)
    with pytest.raises(QueryError, match="valid years: 2010, 2012"):
        run("municipal_response", year=2014, db=fixture_db)
    assert len(run("participation_rate", year="2014", db=fixture_db).data) == 1  # a string from a URL is fine


def test_unknown_parameter_and_bad_types(fixture_db):
    with pytest.raises(QueryError, match="valid parameters: year, by, suppress"):
        run("participation_rate", kommune=101, db=fixture_db)
    with pytest.raises(QueryError, match="type double"):
        run("fte", hours_per_fte="many", db=fixture_db)
    with pytest.raises(QueryError, match="valid values: volunteers, population"):
        run("area_share", base="everyone", db=fixture_db)
    with pytest.raises(QueryError, match="valid codes: 101, 147"):
        run("framework_score", municipality_code=999, db=fixture_db)
    assert issubclass(QueryError, ValueError)


def test_none_means_the_default(fixture_db):
    a = run("fte", year=2012, hours_per_fte=None, suppress=None, db=fixture_db)
    b = run("fte", year=2012, db=fixture_db)
    assert a.params == b.params and a.params["hours_per_fte"] == 1924 and a.params["suppress"] is True
    assert a.data.equals(b.data)


def test_missing_warehouse_is_reported(tmp_path):
    with pytest.raises(queries.WarehouseMissing, match="make warehouse"):
        run("participation_rate", db=tmp_path / "nope.duckdb")


INJECTIONS = [
    dict(year="2012; drop table survey_respondents"),
    dict(year="2012 or 1=1"),
    dict(by="gender; drop table labels"),
    dict(by="'all' as category from labels; --"),
    dict(by="gender) union select * from labels --"),
    dict(municipality_code="147; drop table municipalities", metric="framework_score"),
    dict(municipality_code="147' or '1'='1", metric="granted_per_inhabitant"),
    dict(base="volunteers'; drop table labels; --", metric="area_share"),
    dict(hours_per_fte="1924); drop table population; --", metric="fte"),
    dict(suppress="false; drop table labels"),
]


@pytest.mark.parametrize("attempt", INJECTIONS, ids=[str(i) for i in range(len(INJECTIONS))])
def test_sql_in_parameters_is_refused_and_the_warehouse_unchanged(fixture_db, attempt):
    before = sha256(fixture_db)
    attempt = dict(attempt)
    metric = attempt.pop("metric", "participation_rate")
    with pytest.raises(QueryError):
        run(metric, db=fixture_db, **attempt)
    queries.close_all()
    assert sha256(fixture_db) == before
    con = duckdb.connect(str(fixture_db), read_only=True)
    assert con.execute("select count(*) from survey_respondents").fetchone()[0] == 320
    assert con.execute("select count(*) from labels").fetchone()[0] > 0
    con.close()


def test_text_values_are_bound_not_pasted(fixture_db):
    """A quote in a value that passes validation still travels as a bound value (nothing matches, nothing breaks)."""
    m, sql, bound, _ = queries.prepare("participation_rate", year=2012, by="gender")
    assert "2012" not in sql and "'gender'" not in sql  # the values are not in the SQL text but variables
    assert bound == {"year": 2012, "by": "gender", "suppress": True}
    con = queries.connect(fixture_db)
    assert con.execute("select count(*) from labels where dimension = $by", {"by": "x'; drop table labels; --"}
                       ).fetchone()[0] == 0


def test_connection_is_read_only(fixture_db):
    con = queries.connect(fixture_db)
    with pytest.raises(duckdb.Error):
        con.execute("create table x (a int)")


# --- connections ------------------------------------------------------------------------------------------------

def test_connection_cached_per_path_and_reopened_when_the_file_is_replaced(fixture_db, tmp_path):
    db = tmp_path / "copy.duckdb"
    shutil.copy(fixture_db, db)
    run("participation_rate", db=db)
    first = queries.connect(db)
    run("participation_rate", year=2012, db=db)
    assert queries.connect(db) is first
    replacement = tmp_path / "new.duckdb"
    shutil.copy(fixture_db, replacement)
    con = duckdb.connect(str(replacement))
    con.execute("delete from survey_respondents where year = 2014")
    con.close()
    os.replace(replacement, db)  # what an atomic ETL rebuild does
    assert queries.connect(db) is not first
    assert list(run("participation_rate", db=db).data.year) == [2012]  # the new file's data, not the old
    with pytest.raises(QueryError, match="valid years: 2012$"):  # and its years, not the cached ones
        run("participation_rate", year=2014, db=db)


def test_threads_and_memory_limit_configurable(fixture_db):
    saved = dict(queries.engine._settings)
    queries.configure(threads=2, memory_limit="1GB")
    try:
        con = queries.connect(fixture_db)
        assert con.execute("select current_setting('threads')").fetchone()[0] == 2
        assert con.execute("select current_setting('memory_limit')").fetchone()[0] in ("953.6 MiB", "1.0 GB", "1GB")
        with pytest.raises(ValueError):
            queries.configure(memory_limit="1GB'; drop table labels; --")
    finally:
        queries.engine._settings.update(saved)
        queries.close_all()


def test_default_path_and_environment(fixture_db, monkeypatch, tmp_path):
    monkeypatch.delenv("FRIVILLIGDATA_DB", raising=False)
    assert queries.warehouse_path() == REPO / "data" / "warehouse.duckdb"
    monkeypatch.setenv("FRIVILLIGDATA_DB", str(fixture_db))
    assert queries.warehouse_path() == fixture_db.resolve()
    assert len(run("participation_rate").data) == 2  # the fixture, found through the environment
    assert queries.warehouse_path(tmp_path / "x.duckdb") == (tmp_path / "x.duckdb").resolve()


# --- CLI --------------------------------------------------------------------------------------------------------

def cli(*args, e2e: bool = False) -> subprocess.CompletedProcess:
    """`python -m queries ARGS` in this process; e2e=True as a subprocess (list, a CSV run and a missing warehouse's
    exit 2 prove the wiring)."""
    return run_main("queries", *args, cli=e2e)


def test_cli_list():
    proc = cli("list", e2e=True)
    assert proc.returncode == 0
    for name in CONTRACT_METRICS:
        assert re.search(rf"^{name}\s", proc.stdout, re.M), name
    assert "[rate (fraction 0-1 of residents 16+)]" in proc.stdout


def test_cli_run_csv(fixture_db):
    proc = cli("run", "participation_rate", "--year", 2012, "--by", "gender", "--format", "csv", "--db", fixture_db,
               e2e=True)
    assert proc.returncode == 0, proc.stderr
    first, rest = proc.stdout.split("\n", 1)  # the provenance, as every output of the project carries it
    prov = provenance.of_warehouse(fixture_db)
    assert first == provenance.csv_comment(prov, metric="participation_rate",
                                           params="year=2012,by=gender,suppress=True").rstrip("\n")
    assert first.startswith("# provenance: data_kind=demo; built_at=") and f"build_id={prov['build_id']}" in first
    assert f"code_version={provenance.code_version()}" in first and f"duckdb_version={duckdb.__version__}" in first
    assert len(pd.read_csv(io.StringIO(proc.stdout), comment="#")) == 2
    rows = list(csv.DictReader(io.StringIO(rest)))
    assert [r["category"] for r in rows] == ["male", "female"]
    assert float(rows[0]["estimate"]) == pytest.approx(0.6875) and rows[0]["n"] == "100"
    assert set(SURVEY_COLUMNS) <= set(rows[0])


def test_cli_run_json_table_and_metric_options(fixture_db):
    proc = cli("run", "fte", "--year", 2012, "--hours-per-fte", 1000, "--format", "json", "--db", fixture_db)
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    assert payload["metric"] == "fte" and payload["params"]["hours_per_fte"] == 1000
    assert payload["provenance"] == provenance.of_warehouse(fixture_db)
    assert payload["unit_da"] == load_metric("fte").unit_da
    assert payload["rows"][0]["hours_per_fte"] == 1000
    proc = cli("run", "payout_ratio", "--year", 2010, "--by", "municipality", "--kommune", 147, "--db", fixture_db)
    assert proc.returncode == 0 and "Frederiksberg" in proc.stdout
    proc = cli("run", "area_share", "--year", 2012, "--param", "base=population", "--format", "csv", "--db", fixture_db)
    assert proc.returncode == 0 and "population" in proc.stdout


@pytest.mark.parametrize("args,listed", [
    (("run", "nope"), "valid metrics: "),
    (("run", "participation_rate", "--by", "shoe_size"), "valid dimensions: total, gender"),
    (("run", "participation_rate", "--year", 1999), "valid years: 2012, 2014"),
    (("run", "participation_rate", "--year", "2012; drop table x"), "must be of type int"),
    (("run", "area_share", "--base", "all"), "valid values: volunteers, population"),
    (("run", "participation_rate", "--param", "colour=red"), "valid parameters: year, by, suppress"),
])
def test_cli_invalid_requests_exit_2_with_valid_values(fixture_db, args, listed):
    proc = cli(*args, "--db", fixture_db)
    assert proc.returncode == 2
    assert listed in proc.stderr and "Traceback" not in proc.stderr


def test_cli_missing_warehouse_exits_2(tmp_path):
    proc = cli("run", "participation_rate", "--db", tmp_path / "none.duckdb", e2e=True)
    assert proc.returncode == 2 and "warehouse not found" in proc.stderr


def test_cli_sql_prints_the_variables_and_the_file_as_it_is(fixture_db):
    proc = cli("sql", "participation_rate", "--by", "region", "--year", 2012)
    assert proc.returncode == 0
    assert 'set variable "year" = 2012;\nset variable "by" = \'region\';\nset variable "suppress" = true;' in proc.stdout
    assert (QUERY_DIR / "participation_rate.sql").read_text(encoding="utf-8").rstrip() in proc.stdout
    con = duckdb.connect(str(fixture_db), read_only=True)  # the printed script runs as it is
    try:
        *settings, query = con.extract_statements(proc.stdout)
        for statement in settings:
            con.execute(statement)
        got = con.execute(query).df()
    finally:
        con.close()
    pd.testing.assert_frame_equal(got, run("participation_rate", by="region", year=2012, db=fixture_db).data)


def test_cli_run_parquet_and_out(fixture_db, tmp_path):
    out = tmp_path / "fte.parquet"
    proc = cli("run", "fte", "--year", 2012, "--by", "gender", "--format", "parquet", "--out", out, "--db", fixture_db)
    assert proc.returncode == 0, proc.stderr
    con = duckdb.connect()
    got = con.execute("select * from read_parquet(?)", [str(out)]).df()
    meta = json.loads(con.execute("select decode(value) from parquet_kv_metadata(?) where decode(key) = 'frivilligdata'",
                                  [str(out)]).fetchone()[0])
    con.close()
    pd.testing.assert_frame_equal(got, run("fte", year=2012, by="gender", db=fixture_db).data, check_dtype=False)
    assert meta["metric"] == "fte" and meta["params"]["by"] == "gender" and "estimate" in meta["columns"]
    prov = provenance.of_warehouse(fixture_db)
    assert meta["provenance"] == prov
    kv = {k.decode(): v.decode() for k, v in pq.read_schema(out).metadata.items()}  # pyarrow, as pandas reads it
    assert {k: kv[k] for k in provenance.KEYS} == prov
    pd.testing.assert_frame_equal(pd.read_parquet(out), got)
    assert [p.name for p in tmp_path.iterdir()] == ["fte.parquet"]  # no temporary file left
    csv_out = tmp_path / "r.csv"
    proc = cli("run", "participation_rate", "--format", "csv", "--out", csv_out, "--db", fixture_db)
    assert proc.returncode == 0 and csv_out.read_text(encoding="utf-8").split("\n")[1].startswith("year,dimension,category")
    for args, message in ((("--format", "parquet"), "give it with --out FILE"),
                          (("--format", "parquet", "--out", tmp_path / "no" / "x.parquet"), "does not exist"),
                          (("--format", "csv", "--out", tmp_path), "is a folder")):
        proc = cli("run", "fte", *args, "--db", fixture_db)
        assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr


# --- what the warehouse says about itself (queries.metadata) ------------------------------------------------------

def test_build_info_and_inputs_describe_the_fixture_build(fixture_db):
    import csv

    info = queries.build_info(fixture_db)
    assert info["data_kind"] == "demo"  # the fixture files start with '# synthetic'
    assert Path(info["raw_dir"]).resolve() == FIXTURE_RAW.resolve()
    inputs = queries.build_inputs(fixture_db)
    assert sorted(inputs["file"]) == sorted(p.name for p in FIXTURE_RAW.glob("*.csv"))
    for r in inputs.itertuples():
        with open(FIXTURE_RAW / r.file, encoding="utf-8", newline="") as f:
            lines = [row for row in csv.reader(f) if row and not row[0].startswith("#")]
        assert r.rows == len(lines) - 1 and bool(r.synthetic), r.file


def test_codebook_lists_every_warehouse_column_with_its_schema_comment(fixture_db):
    book = queries.codebook(fixture_db)
    con = duckdb.connect(str(fixture_db), read_only=True)
    try:
        tables = [r[0] for r in con.execute("show tables").fetchall()]
        expected = {(t, c[0]) for t in tables for c in con.execute(f'describe "{t}"').fetchall()}
    finally:
        con.close()
    assert set(zip(book["table"], book["column"])) == expected and len(book) == len(expected)
    assert (book["comment"] != "").all() and (book["table_comment"] != "").all()
    schema = (REPO / "etl" / "schema.sql").read_text(encoding="utf-8")
    row = book[(book["table"] == "grants_s18") & (book["column"] == "granted_dkk")].iloc[0]
    assert row["comment"] in schema


def test_published_figures_are_the_reference_file(fixture_db):
    ref = pd.read_csv(REPO / "data" / "reference" / "published_figures.csv", comment=None)
    got = queries.published_figures(fixture_db)
    assert list(got["figure_id"]) == sorted(ref["figure_id"])
    assert got.set_index("figure_id")["value"].to_dict() == pytest.approx(ref.set_index("figure_id")["value"].to_dict())
