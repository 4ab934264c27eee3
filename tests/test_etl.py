"""The warehouse built from the hand-made fixtures: row counts, derived columns, comments, metadata, CLI."""
from __future__ import annotations

import csv
import hashlib
import os
import subprocess
import sys

import duckdb
import pytest

from conftest import FIXTURE_RAW, REPO, run_etl_build
from queries import macros, provenance

EXPECTED_ROWS = {
    "municipalities": 98,
    "survey_respondents": 200 + 120,
    "municipal_survey": 2 * 98,
    "grants_s18": 12,
    "grant_budgets": 12,
    "cooperations": 10,
    "population": 3 * 98 * 2 * 7,
    "build_info": 9,
    "build_inputs": 6,
    "build_warnings": 0,
}


@pytest.fixture(scope="module")
def con(fixture_db):
    c = duckdb.connect(str(fixture_db), read_only=True)
    yield c
    c.close()


def count_csv_rows(path) -> int:
    with open(path, encoding="utf-8") as f:
        return sum(1 for line in f if not line.startswith("#")) - 1


@pytest.mark.parametrize("table,n", EXPECTED_ROWS.items())
def test_row_counts(con, table, n):
    assert con.execute(f"select count(*) from {table}").fetchone()[0] == n


def test_reference_tables_match_files(con):
    for name in ("labels", "published_figures"):
        assert con.execute(f"select count(*) from {name}").fetchone()[0] == count_csv_rows(
            REPO / "data" / "reference" / f"{name}.csv")
    assert con.execute("select count(*) from municipalities where east_west not in ('east', 'west')").fetchone()[0] == 0
    assert con.execute("select east_west, region_code from municipalities where municipality_code = 101").fetchone() == ("east", 1084)
    assert con.execute("select east_west, landsdel_code from municipalities where municipality_code = 851").fetchone() == ("west", 11)


def test_tables_match_schema_sql(con):
    """Every table and column of etl/schema.sql exists with that name and order."""
    from etl.schema import SCHEMA_SQL, parse_comments

    _, columns = parse_comments(SCHEMA_SQL.read_text(encoding="utf-8"))
    built = con.execute("select table_name, column_name from duckdb_columns() where schema_name = 'main' and not internal "
                        "order by table_name, column_index").fetchall()
    assert sorted(built) == sorted(columns)


def test_every_table_and_column_has_a_comment(con):
    assert con.execute("select table_name from duckdb_tables() where schema_name = 'main' "
                       "and coalesce(comment, '') = ''").fetchall() == []
    assert con.execute("select table_name, column_name from duckdb_columns() where schema_name = 'main' and not internal "
                       "and coalesce(comment, '') = ''").fetchall() == []
    comment = con.execute("select comment from duckdb_columns() where table_name = 'survey_respondents' "
                          "and column_name = 'weight'").fetchone()[0]
    assert comment == "design weight, > 0; in the demo data scaled to sum to the wave's n (mean 1)"


def test_age_group_derived_from_age(con):
    wrong = con.execute("""
        select count(*) from survey_respondents where age_group <> case
            when age between 16 and 29 then '16-29' when age between 30 and 39 then '30-39'
            when age between 40 and 49 then '40-49' when age between 50 and 59 then '50-59'
            when age between 60 and 69 then '60-69' else '70+' end""").fetchone()[0]
    assert wrong == 0
    groups = con.execute("select age_group, count(*) from survey_respondents where year = 2014 group by 1 order by 1").fetchall()
    assert groups == [(g, 20) for g in ("16-29", "30-39", "40-49", "50-59", "60-69", "70+")]


def test_geography_derived_from_municipality(con):
    wrong = con.execute("""
        select count(*) from survey_respondents s join municipalities m using (municipality_code)
        where (s.region_code, s.landsdel_code, s.east_west) <> (m.region_code, m.landsdel_code, m.east_west)""").fetchone()[0]
    assert wrong == 0
    assert con.execute("select region_code, landsdel_code, east_west from survey_respondents "
                       "where respondent_id = '2012-0026'").fetchone() == (1082, 9, "west")  # Aarhus
    by_region = dict(con.execute("select region_code, count(*) from survey_respondents where year = 2012 "
                                 "group by 1").fetchall())
    assert by_region == {1084: 100, 1082: 60, 1083: 20, 1081: 12, 1085: 8}


def test_hand_computed_weighted_rates(con):
    """The fixture's cyclic design gives exact weighted participation rates (see tests/fixtures/make_raw.py)."""
    rates = dict(con.execute("select year || gender, sum(weight * volunteered) / sum(weight) "
                             "from survey_respondents group by 1").fetchall())
    assert rates == {"2012male": 0.6875, "2012female": 0.25, "2014male": 0.6875, "2014female": 0.3125}


def test_answers_null_for_non_volunteers(con):
    assert con.execute("""select count(*) from survey_respondents where volunteered = 0 and (hours_per_month is not null
        or area_education is not null or organisation_form is not null or recruited is not null)""").fetchone()[0] == 0
    assert con.execute("select count(*) from survey_respondents where volunteered = 1 and hours_per_month is null").fetchone()[0] == 0


def test_municipal_survey_item_nonresponse_kept_as_null(con):
    assert con.execute("select staff_fte, has_volunteer_policy from municipal_survey "
                       "where year = 2010 and municipality_code = 101").fetchone() == (None, 0)
    assert con.execute("select count(*) from municipal_survey where responded = 0 and has_volunteer_policy is not null").fetchone()[0] == 0
    assert con.execute("select count(*) from municipal_survey where year = 2012 and responded = 1 "
                       "and has_volunteer_council is null").fetchone()[0] == 1


def test_grants_keep_file_order_and_text(con):
    rows = con.execute("select application_id, organisation, granted_dkk from grants_s18 order by 1").fetchall()
    assert [r[0] for r in rows] == list(range(1, 13))
    assert rows[0] == (1, "Ældresagen Frederiksberg", 80000.0)


def test_cooperations_end_year_null_when_ongoing(con):
    assert con.execute("select end_year from cooperations where cooperation_id = 'C001'").fetchone() == (None,)
    assert con.execute("select end_year from cooperations where cooperation_id = 'C002'").fetchone() == (2012,)


def test_build_info(con):
    info = dict(con.execute("select key, value from build_info").fetchall())
    assert info["data_kind"] == "demo"  # the fixture files declare themselves synthetic
    assert info["raw_dir"] == str(FIXTURE_RAW)
    assert info["duckdb_version"] == duckdb.__version__
    assert info["population_format"] == "contract"
    assert {"built_at", "python_version"} <= set(info)
    assert info["frivilligdata_version"] == provenance.package_version()  # pyproject.toml's, no second number
    assert "etl_version" not in info
    assert info["git_commit"] == (provenance.git_commit() or "")
    assert info["macros"] == macros.fingerprint()  # of the stored macros (a connection then creates none)


def test_build_inputs_checksums_and_rows(con):
    rows = con.execute("select file, sha256, bytes, rows, encoding, delimiter, decimal_comma, synthetic "
                       "from build_inputs order by file").fetchall()
    assert [r[0] for r in rows] == sorted(p.name for p in FIXTURE_RAW.glob("*.csv"))
    for file, sha, size, n, encoding, delimiter, decimal_comma, synthetic in rows:
        data = (FIXTURE_RAW / file).read_bytes()
        assert sha == hashlib.sha256(data).hexdigest()
        assert size == len(data)
        assert n == count_csv_rows(FIXTURE_RAW / file)
        assert (encoding, delimiter, decimal_comma, synthetic) == ("utf-8", ",", False, True)


def test_no_temporary_files_left(fixture_db):
    assert [p.name for p in fixture_db.parent.iterdir() if ".tmp-" in p.name] == []
    assert fixture_db.exists()


def test_relative_paths_are_taken_from_the_working_directory(tmp_path):
    proc = run_etl_build(os.path.relpath(FIXTURE_RAW, tmp_path), "out/w.duckdb", cli=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "w.duckdb").exists()
    assert "built" in proc.stdout and "survey_respondents" in proc.stdout


def test_default_db_honours_environment(monkeypatch, tmp_path):
    from etl.build import DEFAULT_DB, default_db

    monkeypatch.delenv("FRIVILLIGDATA_DB", raising=False)
    assert default_db() == DEFAULT_DB == REPO / "data" / "warehouse.duckdb"
    monkeypatch.setenv("FRIVILLIGDATA_DB", str(tmp_path / "x.duckdb"))
    assert default_db() == tmp_path / "x.duckdb"


def test_rebuild_replaces_the_warehouse(tmp_path):
    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create table old as select 1 as x")
    con.close()
    proc = run_etl_build(FIXTURE_RAW, db)
    assert proc.returncode == 0, proc.stderr
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from cooperations").fetchone()[0] == 10
    assert con.execute("select count(*) from duckdb_tables() where table_name = 'old'").fetchone()[0] == 0
    con.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb"]


def test_cli_help_lists_both_commands():
    out = subprocess.run([sys.executable, "-m", "etl", "--help"], capture_output=True, text=True, cwd=REPO)
    assert out.returncode == 0
    assert "build" in out.stdout and "demo" in out.stdout


def test_fixture_files_are_what_make_raw_writes(tmp_path, monkeypatch):
    """The committed fixture CSVs are reproducible from tests/fixtures/make_raw.py."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_raw", REPO / "tests" / "fixtures" / "make_raw.py")
    make_raw = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_raw)
    monkeypatch.setattr(make_raw, "OUT", tmp_path / "raw")
    make_raw.main()
    for p in sorted((tmp_path / "raw").glob("*.csv")) + [tmp_path / "statbank" / "population.csv"]:
        committed = REPO / "tests" / "fixtures" / p.relative_to(tmp_path)
        assert p.read_bytes() == committed.read_bytes(), committed
    with open(FIXTURE_RAW / "survey_respondents.csv", encoding="utf-8") as f:
        next(f)
        assert next(csv.reader(f))[0] == "respondent_id"


def test_readme_codebook_documents_every_table_and_column():
    from etl.schema import SCHEMA_SQL, parse_comments

    codebook = (REPO / "docs" / "codebook.md").read_text(encoding="utf-8")  # generated by `make docs`
    tables, columns = parse_comments(SCHEMA_SQL.read_text(encoding="utf-8"))
    blocks = {t: codebook.split(f"\n## {t}\n", 1)[1].split("\n## ", 1)[0] for t in tables}
    missing = [(t, c) for t, c in columns if f"| `{c}` |" not in blocks[t]]
    assert missing == [], "docs/codebook.md lacks these columns (run `make docs`)"


def test_readme_documents_every_contract_column():
    from etl.build import CONTRACT_FILES
    from etl import cooperations, grants, municipal_survey, population, survey

    section = (REPO / "docs" / "input-contract.md").read_text(encoding="utf-8").split("## Input formats", 1)[1].split("\n## ")[0]
    specs = [survey.SPEC, municipal_survey.SPEC, grants.GRANTS, grants.BUDGETS, cooperations.SPEC, population.CONTRACT]
    assert sorted(s.file for s in specs) == sorted(CONTRACT_FILES)
    for spec in specs:
        assert f"`{spec.file}`" in section
        for col in spec.columns:
            assert f"`{col.name}`" in section, (spec.file, col.name)


def test_cli_demo_then_build(tmp_path):
    """`python -m etl demo --out DIR --seed N` writes the six contract files and they build (in this process)."""
    from etl.build import CONTRACT_FILES

    out = tmp_path / "demo"
    proc = subprocess.run([sys.executable, "-m", "etl", "demo", "--out", str(out), "--seed", "7"],
                          capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.glob("*.csv")) == sorted(CONTRACT_FILES)
    assert run_etl_build(out, tmp_path / "w.duckdb").returncode == 0
