"""The query layer itself: metadata of every metric, the dimension whitelist, validation, injection, connections, CLI."""
from __future__ import annotations

import csv
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
import pytest

import queries
from conftest import FIXTURE_RAW, REPO
from queries import QueryError, list_metrics, load_metric, run
from queries import catalog
from queries.catalog import BY_PLACEHOLDER, QUERY_DIR, expand_sql, parse_header

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
    m = load_metric(name)
    for field in ("title_da", "title_en", "definition", "definition_da", "unit", "unit_da"):
        assert getattr(m, field).strip(), f"{name}: {field} empty"
    assert m.source and m.columns and m.years_sql
    assert all(c.doc and c.type for c in m.columns), f"{name}: a column lacks a type or description"
    assert all(p.doc for p in m.params), f"{name}: a parameter lacks a description"
    assert m.title_da != m.title_en
    assert m.definition_da != m.definition and m.unit_da != m.unit, f"{name}: a Danish text is the English one"


# Common Danish and English words: a Danish text has some of the first and none of the second.
DANISH_WORDS = re.compile(r"\b(og|af|med|der|til|antal|andel|som|pr\.|i)\b")
ENGLISH_WORDS = re.compile(r"\b(the|of|and|with|who|which|per)\b")


@pytest.mark.parametrize("name", ALL_METRICS)
def test_danish_definition_is_danish_and_complete(name):
    """definition_da says what the English definition says: the same data columns, functions and numbers."""
    m = load_metric(name)
    assert DANISH_WORDS.search(m.definition_da) and not ENGLISH_WORDS.search(m.definition_da), m.definition_da

    def identifiers(text: str) -> set[str]:  # column, parameter and metric names, R survey functions
        return set(re.findall(r"\b[a-z]+_[a-z_]+\b|\bsvy[a-z]+\b|\bvolunteered\b", text))

    for field in ("definition", "unit"):
        en, da = getattr(m, field), getattr(m, field + "_da")
        lacking = identifiers(en) - identifiers(da)
        assert not lacking, f"{name}: {field}_da lacks {lacking}"
        digits = sorted(re.findall(r"\d+", en.replace("1924", "1.924").replace(".", ",")))
        assert digits == sorted(re.findall(r"\d+", da.replace(".", ","))), f"{name}: {field}_da has other numbers"


def test_texts_in_either_language():
    m = load_metric("participation_rate")
    assert m.definition_for("da") == m.definition_da and m.definition_for("en") == m.definition == m.definition_en
    assert m.unit_for("da") == m.unit_da and m.unit_for("en") == m.unit == m.unit_en
    assert m.title_for("da") == m.title_da == m.title and m.title_for("en") == m.title_en
    assert m.definition_da.startswith("Vægtet andel af respondenter på 16 år og derover")
    with pytest.raises(ValueError, match="da, en"):
        m.definition_for("de")
    described = m.to_dict()
    assert described["definition_da"] == m.definition_da and described["unit_da"] == m.unit_da


@pytest.mark.parametrize("name", ALL_METRICS)
def test_sql_follows_the_house_style(name):
    m = load_metric(name)
    text = body(m.sql)
    assert re.search(r"select \* from final\s*$", text), f"{name}: must end with 'select * from final'"
    assert text.lstrip().startswith("with"), f"{name}: a CTE chain starting with 'with'"
    for keyword in ("SELECT", "FROM", "WHERE", "GROUP BY", "JOIN", "WITH"):
        assert not re.search(rf"\b{keyword}\b", text), f"{name}: uppercase {keyword}"


@pytest.mark.parametrize("name", ALL_METRICS)
def test_parameters_declared_and_used(name):
    m = load_metric(name)
    used = set(re.findall(r"\$([a-z_]+)", body(m.sql)))
    declared = set(m.param_names)
    assert used <= declared, f"{name}: undeclared parameters {used - declared}"
    for p in m.params:
        if p.name == "by":
            assert BY_PLACEHOLDER in m.sql, f"{name}: declares by but has no {BY_PLACEHOLDER}"
        else:
            assert p.name in used, f"{name}: parameter {p.name} declared but not used"
    assert (BY_PLACEHOLDER in m.sql) == bool(m.dimensions)


@pytest.mark.parametrize("name", ALL_METRICS)
def test_result_columns_are_the_declared_columns(fixture_db, name):
    res = run(name, db=fixture_db)
    assert list(res.data.columns) == [c.name for c in res.meta.columns]
    assert res.meta is load_metric(name)


@pytest.mark.parametrize("name", [m for m in ALL_METRICS if load_metric(m).dimensions])
def test_every_whitelisted_dimension_runs_and_names_a_column(fixture_db, name):
    m = load_metric(name)
    con = duckdb.connect(str(fixture_db), read_only=True)
    columns = {r[0] for r in con.execute(
        "select column_name from duckdb_columns() where table_name in (select unnest(?))", [list(m.source)]).fetchall()}
    con.close()
    for dim, expr in m.dimensions.items():
        ident = expr.split(".")[-1]
        assert ident == "'all'" or ident in columns, f"{name}: dimension {dim} -> {expr} is not a column of {m.source}"
        res = run(name, by=dim, db=fixture_db)
        assert (res.data.dimension == dim).all() and len(res.data) > 0


@pytest.mark.parametrize("name", ALL_METRICS)
def test_source_tables_exist(fixture_db, name):
    con = duckdb.connect(str(fixture_db), read_only=True)
    tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    con.close()
    assert set(load_metric(name).source) <= tables


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
    for key in ("definition_da", "unit_da"):
        without = re.sub(rf"^-- {key}:.*\n(--     .*\n)*", "", complete, flags=re.M)
        assert without != complete
        with pytest.raises(ValueError, match=f"lacks {key}"):
            parse_header(without, "fte")
    with pytest.raises(ValueError, match="first header line"):
        parse_header("-- y: a metric\nselect 1", "x")


# --- fragments and metrics built on metrics (the loader's directives) ---------------------------------------------

def test_directives_are_expanded_before_anything_runs():
    for m in list_metrics():
        for by in m.dimensions or [None]:
            sql = queries.render_sql(m, by)
            assert "{{" not in sql and "}}" not in sql, f"{m.name} by {by}: a placeholder is left"
    proc = cli("sql", "fte", "--by", "gender")  # the full SQL: fte's, total_hours_per_year's and the fragments'
    assert proc.returncode == 0
    assert "total_hours as (" in proc.stdout and "sum(w * w * y2) as sw2y2" in proc.stdout
    assert "gender as category" in proc.stdout and "{{" not in proc.stdout


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


def test_every_fragment_says_what_it_reads_and_defines_and_is_in_the_readme():
    readme = (REPO / "docs" / "queries.md").read_text(encoding="utf-8")
    assert catalog.fragment_names()
    for name in catalog.fragment_names():
        text = (QUERY_DIR / f"{name}.sql").read_text(encoding="utf-8")
        assert text.startswith(f"-- {name}: "), name
        header = text.split("\n\n")[0]
        assert "Defines" in header and "rgument" in header, f"{name}: document what it defines and its arguments"
        assert f"`{name}`" in readme, f"{name} is not listed in the README"


def test_unknown_references_bad_arguments_and_cycles_are_refused():
    with pytest.raises(ValueError, match=r"unknown fragment '_nope'; valid fragments: .*_survey_final"):
        expand_sql("with {{include _nope}}", "x")
    with pytest.raises(ValueError, match=r"unknown metric 'nope'; valid metrics: .*participation_rate"):
        expand_sql("with t as ({{metric nope}})", "x")
    with pytest.raises(ValueError, match="_survey_final takes ci_max"):
        expand_sql("{{include _survey_final}}", "x")
    with pytest.raises(ValueError, match="_survey_final takes ci_max"):
        expand_sql("{{include _survey_final ci_max=1 colour=red}}", "x")
    with pytest.raises(ValueError, match="bad argument"):
        expand_sql("{{include _survey_final ci_max=1);drop}}", "x")
    with pytest.raises(ValueError, match="cycle total_hours_per_year -> fte -> total_hours_per_year"):
        expand_sql("with t as ({{metric fte}})", "total_hours_per_year")
    with pytest.raises(ValueError, match=r"unknown placeholder\(s\) \{\{year\}\}"):
        expand_sql("select {{year}}", "x")
    with pytest.raises(ValueError, match="unknown placeholder"):  # one directive a line
        expand_sql("{{include _category_labels}} {{include _category_labels}}", "x")
    prose = "-- builds on {{metric nope}}\nselect 1"
    assert expand_sql(prose, "x") == (prose, [])  # a comment is not a directive


def test_fragment_cycles_and_misfit_metrics_are_refused(tmp_path, monkeypatch):
    for f in QUERY_DIR.glob("*.sql"):
        shutil.copy(f, tmp_path / f.name)
    monkeypatch.setattr(catalog, "QUERY_DIR", tmp_path)
    (tmp_path / "_a.sql").write_text("-- _a\n{{include _b}}\n")
    (tmp_path / "_b.sql").write_text("-- _b\n{{include _a}}\n")
    with pytest.raises(ValueError, match="cycle m -> _a -> _b -> _a"):
        expand_sql("{{include _a}}", "m")
    model = (QUERY_DIR / "volunteers_count.sql").read_text(encoding="utf-8").replace("-- volunteers_count:", "-- x:", 1)
    (tmp_path / "x.sql").write_text(model.replace("-- dimension gender: gender", "-- dimension gender: age_group"))
    with pytest.raises(ValueError, match="dimension gender must be participation_rate's"):
        catalog._read_metric("x")
    (tmp_path / "x.sql").write_text(re.sub(r"^-- param suppress:.*\n", "", model, flags=re.M))
    with pytest.raises(ValueError, match="must declare participation_rate's param suppress"):
        catalog._read_metric("x")


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
    assert "2012" not in sql and "'gender'" not in sql  # the values are not in the SQL text
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

def cli(*args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "queries", *map(str, args)], cwd=REPO, capture_output=True,
                          text=True, encoding="utf-8", env=env)


def test_cli_list():
    proc = cli("list")
    assert proc.returncode == 0
    for name in CONTRACT_METRICS:
        assert re.search(rf"^{name}\s", proc.stdout, re.M), name
    assert "[rate (fraction 0-1 of residents 16+)]" in proc.stdout


def test_cli_run_csv(fixture_db):
    proc = cli("run", "participation_rate", "--year", 2012, "--by", "gender", "--format", "csv", "--db", fixture_db)
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert [r["category"] for r in rows] == ["male", "female"]
    assert float(rows[0]["estimate"]) == pytest.approx(0.6875) and rows[0]["n"] == "100"
    assert set(SURVEY_COLUMNS) <= set(rows[0])


def test_cli_run_json_table_and_metric_options(fixture_db):
    proc = cli("run", "fte", "--year", 2012, "--hours-per-fte", 1000, "--format", "json", "--db", fixture_db)
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    assert payload["metric"] == "fte" and payload["params"]["hours_per_fte"] == 1000
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
    proc = cli("run", "participation_rate", "--db", tmp_path / "none.duckdb")
    assert proc.returncode == 2 and "warehouse not found" in proc.stderr


def test_cli_sql_shows_the_whitelisted_expression_and_bound_values():
    proc = cli("sql", "participation_rate", "--by", "region", "--year", 2012)
    assert proc.returncode == 0
    assert "region_code as category" in proc.stdout and '"year": 2012' in proc.stdout
    assert BY_PLACEHOLDER not in proc.stdout


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
