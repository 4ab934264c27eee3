"""Every accepted dialect (BOM, ';', decimal comma, Windows-1252, CRLF, no comment line) gives the same tables,
and the population also loads from Statistics Denmark's StatBank FOLK1A export."""
from __future__ import annotations

import pathlib
import shutil

import duckdb
import pytest

from conftest import FIXTURE_RAW, FIXTURES, read_rows, run_etl_build, write_rows

DATA_TABLES = ("survey_respondents", "municipal_survey", "grants_s18", "grant_budgets", "cooperations", "population")
FLOAT_COLUMNS = {"weight", "hours_per_month", "staff_fte", "applied_dkk", "granted_dkk", "budget_dkk"}


def table_rows(db: pathlib.Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"select * from {t} order by all").fetchall() for t in DATA_TABLES}
    finally:
        con.close()


def rewrite(raw: pathlib.Path, *, delimiter=",", encoding="utf-8", newline="\n", decimal_comma=False,
            drop_comments=False, trailing_delimiter=False) -> None:
    for path in sorted(raw.glob("*.csv")):
        comments, rows = read_rows(path)
        if trailing_delimiter:  # Excel sometimes ends every line with the delimiter: an unnamed empty column
            rows = [r + [""] for r in rows]
        if decimal_comma:
            floats = [i for i, name in enumerate(rows[0]) if name in FLOAT_COLUMNS]
            for row in rows[1:]:
                for i in floats:
                    row[i] = row[i].replace(".", ",")
        write_rows(path, [] if drop_comments else comments, rows, delimiter=delimiter, encoding=encoding,
                   newline=newline)


def inputs(db: pathlib.Path) -> dict[str, tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {r[0]: r[1:] for r in con.execute(
            "select file, encoding, delimiter, decimal_comma, synthetic from build_inputs").fetchall()}
    finally:
        con.close()


@pytest.fixture(scope="module")
def reference_tables(fixture_db):
    return table_rows(fixture_db)


DIALECTS = {
    "utf8_bom": dict(encoding="utf-8-sig"),
    "semicolon": dict(delimiter=";"),
    "decimal_comma_semicolon": dict(delimiter=";", decimal_comma=True),
    "decimal_comma_quoted_comma_delimiter": dict(decimal_comma=True),  # csv quotes "2,5" when ',' delimits
    "cp1252": dict(encoding="cp1252"),
    "crlf": dict(newline="\r\n"),
    "danish_excel": dict(encoding="cp1252", delimiter=";", decimal_comma=True, newline="\r\n"),
    "no_comment_line": dict(drop_comments=True),
    "trailing_delimiter": dict(delimiter=";", trailing_delimiter=True),
}

EXPECTED_INPUT = {  # (encoding, delimiter, decimal_comma, synthetic) of survey_respondents.csv
    "utf8_bom": ("utf-8-sig", ",", False, True),
    "semicolon": ("utf-8", ";", False, True),
    "decimal_comma_semicolon": ("utf-8", ";", True, True),
    "decimal_comma_quoted_comma_delimiter": ("utf-8", ",", True, True),
    "cp1252": ("utf-8", ",", False, True),  # the survey file is pure ASCII, so it is valid UTF-8 too
    "crlf": ("utf-8", ",", False, True),
    "danish_excel": ("utf-8", ";", True, True),
    "no_comment_line": ("utf-8", ",", False, False),
    "trailing_delimiter": ("utf-8", ";", False, True),
}


@pytest.fixture(scope="module")
def dialect_build(tmp_path_factory):
    """build(name) -> (process, raw folder, warehouse) of the fixture rewritten in DIALECTS[name], built once in this
    module (two tests read the cp1252 and the no-comment-line builds again)."""
    built = {}

    def build(name: str):
        if name not in built:
            raw = tmp_path_factory.mktemp(name) / "raw"
            shutil.copytree(FIXTURE_RAW, raw)
            rewrite(raw, **DIALECTS[name])
            db = raw.parent / "w.duckdb"
            built[name] = run_etl_build(raw, db, cli=name == "danish_excel"), raw, db  # one through the command line
        return built[name]
    return build


@pytest.mark.parametrize("name", DIALECTS)
def test_dialect_gives_the_same_tables(dialect_build, reference_tables, name):
    proc, _, db = dialect_build(name)
    assert proc.returncode == 0, proc.stderr
    assert table_rows(db) == reference_tables
    assert inputs(db)["survey_respondents.csv"] == EXPECTED_INPUT[name]


def test_windows_1252_with_danish_letters(dialect_build, reference_tables):
    proc, raw, db = dialect_build("cp1252")
    assert "Ældresagen".encode("cp1252") in (raw / "grants_s18.csv").read_bytes()
    assert proc.returncode == 0
    assert table_rows(db) == reference_tables
    found = inputs(db)
    assert found["grants_s18.csv"][0] == "cp1252" and found["cooperations.csv"][0] == "cp1252"
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select organisation from cooperations where cooperation_id = 'C009'").fetchone() == ("Grønt Værksted",)


def test_no_synthetic_marker_means_real_data(dialect_build):
    proc, _, db = dialect_build("no_comment_line")
    assert proc.returncode == 0
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select value from build_info where key = 'data_kind'").fetchone() == ("real",)


def test_one_synthetic_file_makes_the_warehouse_demo(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURE_RAW, raw)
    rewrite(raw, drop_comments=True)
    comments, rows = read_rows(FIXTURE_RAW / "cooperations.csv")
    write_rows(raw / "cooperations.csv", comments, rows)
    db = tmp_path / "w.duckdb"
    assert run_etl_build(raw, db).returncode == 0
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select value from build_info where key = 'data_kind'").fetchone() == ("demo",)
    assert con.execute("select file from build_inputs where synthetic").fetchall() == [("cooperations.csv",)]


def test_decimal_point_in_a_decimal_comma_file_is_an_error(tmp_path, fixture_db):
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURE_RAW, raw)
    rewrite(raw, delimiter=";", decimal_comma=True)
    path = raw / "survey_respondents.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[2].split(";")[2] == "0,5"
    lines[2] = lines[2].replace(";0,5;", ";0.5;", 1)
    path.write_text("".join(lines), encoding="utf-8")
    proc = run_etl_build(raw, tmp_path / "w.duckdb")
    assert proc.returncode == 2
    assert ("error: survey_respondents.csv, line 3, column weight: not a number in this file, which writes "
            "decimals with a comma (") in proc.stderr
    assert "(value '0.5')\n" in proc.stderr


# ---- StatBank FOLK1A ----------------------------------------------------------------------------------------------

STATBANK = FIXTURES / "statbank" / "population.csv"


def build_with_population(tmp_path: pathlib.Path, text: str | None = None, data: bytes | None = None, cli=False):
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURE_RAW, raw)
    if data is None:
        data = STATBANK.read_bytes() if text is None else text.encode("utf-8-sig")
    (raw / "population.csv").write_bytes(data)
    db = tmp_path / "w.duckdb"
    return run_etl_build(raw, db, cli=cli), db


def test_statbank_population(tmp_path):
    proc, db = build_with_population(tmp_path, cli=True)
    assert proc.returncode == 0, proc.stderr
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from population").fetchone()[0] == 2 * 3 * 2 * 7
    got = dict(con.execute("select age_group, persons from population "
                           "where year = 2012 and municipality_code = 101 and gender = 'male'").fetchall())
    # 10 persons at every single age 0-100 in the fixture
    assert got == {"0-15": 160, "16-29": 140, "30-39": 100, "40-49": 100, "50-59": 100, "60-69": 100, "70+": 310}
    assert con.execute("select sum(persons) from population where year = 2014 and municipality_code = 825 "
                       "and gender = 'female'").fetchone()[0] == 3 * 101
    assert con.execute("select value from build_info where key = 'population_format'").fetchone() == ("statbank",)
    assert con.execute("select encoding, delimiter, rows from build_inputs where file = 'population.csv'").fetchone() == (
        "utf-8-sig", ";", 2 * 3 * 2 * 102)


def statbank_text() -> str:
    return STATBANK.read_bytes().decode("utf-8-sig")  # keeps the CRLF line ends


def test_statbank_labels_without_codes_and_plain_years(tmp_path):
    text = statbank_text().replace("101 København", "København").replace("2012K1", "2012").replace("2014K1", "2014")
    proc, db = build_with_population(tmp_path, text)
    assert proc.returncode == 0, proc.stderr
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select sum(persons) from population where municipality_code = 101 and year = 2012").fetchone()[0] == 21 * 101


def test_statbank_first_period_of_a_year_is_used(tmp_path):
    lines = statbank_text().splitlines()
    later = [line.replace("2012K1", "2012K2").rsplit(";", 1)[0] + ";999" for line in lines[1:] if "2012K1" in line]
    proc, db = build_with_population(tmp_path, "\r\n".join(lines + later) + "\r\n")
    assert proc.returncode == 0, proc.stderr
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select max(persons) from population where year = 2012").fetchone()[0] < 999 * 16


def test_statbank_totals_are_skipped(tmp_path):
    extra = ["000 Hele landet;Mænd;16 år;2012K1;5000", "084 Region Hovedstaden;Mænd;16 år;2012K1;2000",
             "101 København;I alt;16 år;2012K1;21"]
    proc, db = build_with_population(tmp_path, statbank_text() + "\r\n".join(extra) + "\r\n")
    assert proc.returncode == 0, proc.stderr
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select persons from population where year = 2012 and municipality_code = 101 "
                       "and gender = 'male' and age_group = '16-29'").fetchone() == (140,)


@pytest.mark.parametrize("find,replace,column,message", [
    ("101 København;Mænd;16 år;2012K1;10", "999 Atlantis;Mænd;16 år;2012K1;10", "område", "unknown area"),
    ("101 København;Mænd;16 år;2012K1;10", "101 København;Mænd;16 år;2012K1;-10", "indhold", "out of range"),
    ("101 København;Mænd;16 år;2012K1;10", "101 København;Mænd;16 år;2012K1;..", "indhold", "not a whole number"),
    ("101 København;Mænd;16 år;2012K1;10", "101 København;Mænd;seksten;2012K1;10", "alder", "unknown age"),
    ("101 København;Mænd;16 år;2012K1;10", "101 København;Mand;16 år;2012K1;10", "køn", "unknown sex"),
    ("101 København;Mænd;16 år;2012K1;10", "101 København;Mænd;16 år;2012Q9;10", "tid", "unknown time"),
    ("101 København;Mænd;16 år;2012K1;10", "101 København;Mænd;15 år;2012K1;10", "område, køn, alder, tid",
     "duplicate key"),
])
def test_statbank_errors(tmp_path, find, replace, column, message):
    text = statbank_text()
    assert text.count(find) == 1
    line = text.splitlines().index(find) + 1
    proc, db = build_with_population(tmp_path, text.replace(find, replace))
    assert proc.returncode == 2, proc.stderr
    assert f"error: population.csv, line {line}, column {column}: {message}" in proc.stderr
