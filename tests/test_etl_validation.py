"""One broken input per validation rule: exit status 2, a message naming file, line, column, value and the count
of further rows with the same problem, and the user's existing warehouse left byte-identical.

The rules run in this process through the CLI's own entry (`etl.__main__.main`, so option parsing, the build and
its messages are the user's code path, without starting an interpreter each time); a few tests (marked `cli=True`)
run `python -m etl build` as a subprocess to prove the wiring: exit status, stderr, the old warehouse intact."""
from __future__ import annotations

import pathlib
import shutil

import duckdb
import pytest

from conftest import FIXTURE_RAW, FIXTURES, read_rows, run_etl_build, set_cell, write_rows

# Fixture line numbers: line 1 is the `# synthetic` comment, line 2 the header, line 3 the first data row.
SURVEY = "survey_respondents.csv"
VOLUNTEER_LINE = 3        # 2012-0001, volunteered = 1
NON_VOLUNTEER_LINE = 4    # 2012-0002, volunteered = 0


def build_fails(raw: pathlib.Path, db: pathlib.Path, *options: str, cli: bool = False) -> str:
    """Build from a broken folder over an existing warehouse; assert status 2 and an unchanged warehouse."""
    before = db.read_bytes()
    proc = run_etl_build(raw, db, *options, cli=cli)
    assert proc.returncode == 2, f"expected exit status 2, got {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    assert db.read_bytes() == before, "the existing warehouse changed"
    assert sorted(p.name for p in db.parent.iterdir()) == sorted(["raw", db.name]), "temporary files left behind"
    assert "was not changed" in proc.stderr
    return proc.stderr


def error_line(stderr: str, file: str, line: int | None, column: str | None) -> str:
    prefix = f"error: {file}"
    if line is not None:
        prefix += f", line {line}"
    if column is not None:
        prefix += f", column {column}"
    hits = [s for s in stderr.splitlines() if s.startswith(prefix + ":")]
    assert hits, f"no message starting with {prefix!r} in:\n{stderr}"
    return hits[0]


def assert_problem(stderr, file, line, column, value, fragment, more=0):
    msg = error_line(stderr, file, line, column)
    assert fragment in msg, msg
    if value is not None:
        assert f"(value {value!r})" in msg, msg
    if more:
        assert f"; {more} more row{'s' if more > 1 else ''} with the same problem" in msg, msg
    else:
        assert "more row" not in msg, msg


def shared_builds(tmp_path_factory, fixture_db, cases: list[tuple[str, int, str, str]]) -> list[str]:
    """The stderr of a failing build (build_fails: status 2, the warehouse unchanged) for each case (file, line,
    column, value), with fewer builds than cases: the ETL reports every problem of every file in one run, so cases
    whose cells are in other rows and other columns share a copy of the fixture and one build. Cases of one column
    never share one (the count of further rows with the same problem would merge them)."""
    groups: list[list[int]] = []
    for i, (file, line, column, _) in enumerate(cases):
        for group in groups:
            if all(f != file or (l != line and c != column) for f, l, c, _ in (cases[j] for j in group)):
                group.append(i)
                break
        else:
            groups.append([i])
    out = [""] * len(cases)
    for group in groups:
        root = tmp_path_factory.mktemp("shared_build")
        raw, db = root / "raw", root / "warehouse.duckdb"
        shutil.copytree(FIXTURE_RAW, raw)
        shutil.copyfile(fixture_db, db)
        for i in group:
            file, line, column, value = cases[i]
            set_cell(raw / file, line, column, value)
        stderr = build_fails(raw, db)
        for i in group:
            out[i] = stderr
    return out


# ---- survey_respondents.csv -------------------------------------------------------------------------------------

SURVEY_VALUE_RULES = [
    ("year", "2O12", "not a whole number"),
    ("year", "212", "out of range: must be between 1900 and 2100"),
    ("weight", "0", "out of range: must be > 0 and <= 1000000"),
    ("weight", "-1.5", "out of range: must be > 0"),
    ("weight", "heavy", "not a number"),
    ("age", "15", "out of range: must be between 16 and 110"),
    ("age", "111", "out of range: must be between 16 and 110"),
    ("age", "40.5", "not a whole number"),
    ("gender", "m", "unknown code; accepted: male, female"),
    ("urbanisation", "city", "unknown code; accepted: capital_area"),
    ("education", "phd", "unknown code; accepted: basic"),
    ("employment", "pensioner", "unknown code; accepted: employed"),
    ("organisation_form", "club", "unknown code; accepted: association"),
    ("recruited", "asked_by_friend", "unknown code; accepted: asked"),
    ("municipality_code", "999", "unknown municipality code"),
    ("volunteered", "2", "must be 0 or 1"),
    ("volunteered", "yes", "must be 0 or 1"),
    ("hours_per_month", "-1", "out of range: must be between 0 and 744"),
    ("area_education", "2", "must be 0 or 1"),
    ("respondent_id", "", "missing value"),
    ("gender", "", "missing value"),
]
REQUIRED_WHEN_VOLUNTEERED = ["hours_per_month", "area_social_health", "recruited"]
# each case in a row of its own, a volunteer's (the answers must be given there); the first case on VOLUNTEER_LINE
_comments, _rows = read_rows(FIXTURE_RAW / SURVEY)
VOLUNTEER_LINES = [len(_comments) + 1 + n for n, r in enumerate(_rows) if r[_rows[0].index("volunteered")] == "1"]
SURVEY_CASES = [(SURVEY, line, column, bad) for line, (column, bad) in zip(
    VOLUNTEER_LINES, [(c, b) for c, b, _ in SURVEY_VALUE_RULES] + [(c, "") for c in REQUIRED_WHEN_VOLUNTEERED])]


@pytest.fixture(scope="module")
def survey_errors(tmp_path_factory, fixture_db) -> list[str]:
    return shared_builds(tmp_path_factory, fixture_db, SURVEY_CASES)


@pytest.mark.parametrize("column,bad,fragment", SURVEY_VALUE_RULES)
def test_survey_value_rules(survey_errors, column, bad, fragment):
    i = SURVEY_VALUE_RULES.index((column, bad, fragment))
    assert_problem(survey_errors[i], SURVEY, SURVEY_CASES[i][1], column, bad or None, fragment)


def test_count_of_more_rows_with_the_same_problem(raw_copy, existing_db):
    for line in (7, 12, 40):
        set_cell(raw_copy / SURVEY, line, "age", "12")
    stderr = build_fails(raw_copy, existing_db)
    assert_problem(stderr, SURVEY, 7, "age", "12", "out of range", more=2)


def test_answers_must_be_empty_when_not_volunteered(raw_copy, existing_db):
    set_cell(raw_copy / SURVEY, NON_VOLUNTEER_LINE, "hours_per_month", "3")
    set_cell(raw_copy / SURVEY, NON_VOLUNTEER_LINE, "organisation_form", "association")
    stderr = build_fails(raw_copy, existing_db)
    assert_problem(stderr, SURVEY, NON_VOLUNTEER_LINE, "hours_per_month", "3", "must be empty when volunteered = 0")
    assert_problem(stderr, SURVEY, NON_VOLUNTEER_LINE, "organisation_form", "association",
                   "must be empty when volunteered = 0")


@pytest.mark.parametrize("column", REQUIRED_WHEN_VOLUNTEERED)
def test_answers_required_when_volunteered(survey_errors, column):
    i = len(SURVEY_VALUE_RULES) + REQUIRED_WHEN_VOLUNTEERED.index(column)
    assert_problem(survey_errors[i], SURVEY, SURVEY_CASES[i][1], column, None,
                   "missing value (required when volunteered = 1)")


def test_respondent_id_unique_within_year(raw_copy, existing_db):
    set_cell(raw_copy / SURVEY, 10, "respondent_id", "2012-0001")
    stderr = build_fails(raw_copy, existing_db)
    assert_problem(stderr, SURVEY, 10, "year, respondent_id", "2012, 2012-0001",
                   "duplicate key (year, respondent_id), first on line 3")


def test_same_respondent_id_in_two_years_is_allowed(raw_copy, tmp_path):
    set_cell(raw_copy / SURVEY, 203, "respondent_id", "2012-0001")  # line 203 is the first 2014 respondent
    proc = run_etl_build(raw_copy, tmp_path / "w.duckdb")
    assert proc.returncode == 0, proc.stderr


def test_required_column_missing(raw_copy, existing_db):
    comments, rows = read_rows(raw_copy / SURVEY)
    i = rows[0].index("education")
    write_rows(raw_copy / SURVEY, comments, [r[:i] + r[i + 1:] for r in rows])
    stderr = build_fails(raw_copy, existing_db)
    assert_problem(stderr, SURVEY, 2, "education", None, "required column missing from the header")


def test_row_with_too_many_fields(raw_copy, existing_db):
    path = raw_copy / SURVEY
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[5] = lines[5].rstrip("\n") + ",extra\n"   # line 6
    lines[8] = lines[8].rstrip("\n") + ",extra\n"   # line 9
    path.write_text("".join(lines), encoding="utf-8")
    stderr = build_fails(raw_copy, existing_db)
    msg = error_line(stderr, SURVEY, 6, None)
    assert "too many fields (expected 19)" in msg and "; 1 more row with the same problem" in msg, msg


def test_row_with_too_few_fields(raw_copy, existing_db):
    path = raw_copy / SURVEY
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[20] = ",".join(lines[20].split(",")[:5]) + "\n"  # line 21
    path.write_text("".join(lines), encoding="utf-8")
    stderr = build_fails(raw_copy, existing_db)
    assert "too few fields" in error_line(stderr, SURVEY, 21, None)


def test_empty_line_inside_a_file(raw_copy, existing_db):
    path = raw_copy / SURVEY
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(10, "\n")  # becomes line 11
    path.write_text("".join(lines), encoding="utf-8")
    stderr = build_fails(raw_copy, existing_db)
    assert "empty line inside the file" in error_line(stderr, SURVEY, 11, None)


def test_trailing_empty_lines_are_fine(raw_copy, tmp_path):
    with open(raw_copy / SURVEY, "a", encoding="utf-8") as f:
        f.write("\n\n")
    proc = run_etl_build(raw_copy, tmp_path / "w.duckdb")
    assert proc.returncode == 0, proc.stderr


def test_missing_file(raw_copy, existing_db):
    (raw_copy / "cooperations.csv").unlink()
    stderr = build_fails(raw_copy, existing_db)
    assert "error: cooperations.csv: contract file missing" in stderr


def test_text_in_no_known_encoding(raw_copy, existing_db):
    path = raw_copy / "cooperations.csv"
    path.write_bytes(path.read_bytes().replace("Grønt".encode(), b"Gr\x81nt"))  # 0x81: invalid UTF-8 and cp1252
    stderr = build_fails(raw_copy, existing_db)
    assert "error: cooperations.csv, line 11: neither UTF-8 nor Windows-1252 text (byte 0x81)" in stderr


def test_all_problems_in_all_files_are_reported_together(raw_copy, existing_db):
    set_cell(raw_copy / SURVEY, 5, "gender", "x")
    set_cell(raw_copy / "cooperations.csv", 3, "form", "handshake")
    set_cell(raw_copy / "population.csv", 4, "persons", "-5")
    set_cell(raw_copy / "grants_s18.csv", 3, "applied_dkk", "-1")
    set_cell(raw_copy / "grant_budgets.csv", 3, "budget_dkk", "-1")  # the second file of one loader
    stderr = build_fails(raw_copy, existing_db, cli=True)
    assert_problem(stderr, SURVEY, 5, "gender", "x", "unknown code")
    assert_problem(stderr, "cooperations.csv", 3, "form", "handshake", "unknown code")
    assert_problem(stderr, "population.csv", 4, "persons", "-5", "out of range: must be between 0 and 10000000")
    assert_problem(stderr, "grants_s18.csv", 3, "applied_dkk", "-1", "out of range")
    assert_problem(stderr, "grant_budgets.csv", 3, "budget_dkk", "-1", "out of range")
    assert "5 problems in the input" in stderr


def test_line_numbers_count_every_comment_line(raw_copy, existing_db):
    comments, rows = read_rows(raw_copy / SURVEY)
    write_rows(raw_copy / SURVEY, comments + ["# exported 2024-01-01\n", "# by the survey team\n"], rows)
    set_cell(raw_copy / SURVEY, 5, "age", "9")  # line 5 = third... the first data row is now line 5
    stderr = build_fails(raw_copy, existing_db)
    assert_problem(stderr, SURVEY, 5, "age", "9", "out of range")
    assert (raw_copy / SURVEY).read_text(encoding="utf-8").splitlines()[4].startswith("2012-0001,")


# ---- municipal_survey.csv ---------------------------------------------------------------------------------------

MUNI = "municipal_survey.csv"
# line 3: 2010/101 responded (staff_fte empty: item non-response); line 7: 2010/155 responded = 0


def test_municipal_survey_all_98_each_year(raw_copy, existing_db):
    comments, rows = read_rows(raw_copy / MUNI)
    rows = [r for r in rows if not (r[0] == "2012" and r[1] in ("147", "851"))]
    write_rows(raw_copy / MUNI, comments, rows)
    stderr = build_fails(raw_copy, existing_db)
    msg = error_line(stderr, MUNI, None, "municipality_code")
    assert "year 2012 lacks municipality 147: every year must list all 98 municipalities" in msg
    assert "(value '147')" in msg and "; 1 more row with the same problem" in msg


def test_municipal_survey_no_answers_from_non_respondents(raw_copy, existing_db):
    set_cell(raw_copy / MUNI, 7, "has_volunteer_policy", "1")
    stderr = build_fails(raw_copy, existing_db)
    assert_problem(stderr, MUNI, 7, "has_volunteer_policy", "1", "must be empty when responded = 0")


def test_municipal_survey_staff_fte_not_negative(raw_copy, existing_db):
    set_cell(raw_copy / MUNI, 4, "staff_fte", "-0.5")
    stderr = build_fails(raw_copy, existing_db)
    assert_problem(stderr, MUNI, 4, "staff_fte", "-0.5", "out of range: must be between 0 and 10000")


def test_municipal_survey_flags(raw_copy, existing_db):
    set_cell(raw_copy / MUNI, 4, "has_volunteer_centre", "ja")
    stderr = build_fails(raw_copy, existing_db)
    assert_problem(stderr, MUNI, 4, "has_volunteer_centre", "ja", "must be 0 or 1")


def test_municipal_survey_unique_year_municipality(raw_copy, existing_db):
    set_cell(raw_copy / MUNI, 4, "municipality_code", "101")
    stderr = build_fails(raw_copy, existing_db)
    assert_problem(stderr, MUNI, 4, "year, municipality_code", "2010, 101",
                   "duplicate key (year, municipality_code), first on line 3")


def test_municipal_survey_item_nonresponse_is_allowed(raw_copy, tmp_path):
    set_cell(raw_copy / MUNI, 4, "has_volunteer_policy", "")
    proc = run_etl_build(raw_copy, tmp_path / "w.duckdb")
    assert proc.returncode == 0, proc.stderr


# ---- grants, budgets, cooperations, population -------------------------------------------------------------------

OTHER_VALUE_RULES = [
    ("grants_s18.csv", 3, "applied_dkk", "-100", "out of range: must be between 0 and 100000000000"),
    ("grants_s18.csv", 4, "granted_dkk", "12abc", "not a number"),  # 1.000,50 is read: test_etl_real_files.py
    ("grants_s18.csv", 5, "target_group", "pensioners", "unknown code; accepted: elderly"),
    ("grants_s18.csv", 6, "organisation", "", "missing value"),
    ("grants_s18.csv", 7, "municipality_code", "0101x", "not a whole number"),
    ("grant_budgets.csv", 3, "budget_dkk", "-1", "out of range: must be between 0 and 100000000000"),
    ("grant_budgets.csv", 4, "municipality_code", "100", "unknown municipality code"),
    ("cooperations.csv", 3, "sector", "public", "unknown code; accepted: civil_society"),
    ("cooperations.csv", 4, "form", "contract", "unknown code; accepted: grant_only"),
    ("cooperations.csv", 5, "area", "sport", "unknown code; accepted: culture_sport_leisure"),
    ("cooperations.csv", 6, "start_year", "", "missing value"),
    ("population.csv", 3, "gender", "men", "unknown code; accepted: male, female"),
    ("population.csv", 3, "age_group", "15-29", "unknown code; accepted: 0-15, 16-29"),
    ("population.csv", 5, "persons", "12.5", "not a whole number"),
    ("population.csv", 5, "persons", "12000000", "out of range: must be between 0 and 10000000"),
    ("population.csv", 6, "municipality_code", "411", "unknown municipality code"),
]


@pytest.fixture(scope="module")
def other_files_errors(tmp_path_factory, fixture_db) -> list[str]:
    return shared_builds(tmp_path_factory, fixture_db, [case[:4] for case in OTHER_VALUE_RULES])


@pytest.mark.parametrize("file,line,column,bad,fragment", OTHER_VALUE_RULES)
def test_value_rules_other_files(other_files_errors, file, line, column, bad, fragment):
    stderr = other_files_errors[OTHER_VALUE_RULES.index((file, line, column, bad, fragment))]
    assert_problem(stderr, file, line, column, bad or None, fragment)


def test_cooperation_end_year_not_before_start(raw_copy, existing_db):
    set_cell(raw_copy / "cooperations.csv", 4, "end_year", "2007")  # C002 started 2008
    stderr = build_fails(raw_copy, existing_db)
    assert_problem(stderr, "cooperations.csv", 4, "end_year", "2007", "end_year before start_year")


@pytest.mark.parametrize("file,line,column,value,key", [
    ("cooperations.csv", 5, "cooperation_id", "C001", "cooperation_id"),
    ("grant_budgets.csv", 4, "municipality_code", "101", "year, municipality_code"),
    ("population.csv", 4, "age_group", "0-15", "year, municipality_code, gender, age_group"),
])
def test_unique_keys_other_files(raw_copy, existing_db, file, line, column, value, key):
    set_cell(raw_copy / file, line, column, value)
    stderr = build_fails(raw_copy, existing_db)
    assert f"duplicate key ({key}), first on line 3" in error_line(stderr, file, line, key)


# ---- warnings ---------------------------------------------------------------------------------------------------

def test_grant_larger_than_application_is_a_warning(raw_copy, tmp_path):
    set_cell(raw_copy / "grants_s18.csv", 4, "granted_dkk", "300000")  # applied 250000
    set_cell(raw_copy / "grants_s18.csv", 6, "granted_dkk", "500000")  # applied 400000
    db = tmp_path / "w.duckdb"
    proc = run_etl_build(raw_copy, db)
    assert proc.returncode == 0, proc.stderr
    assert ("warning: grants_s18.csv, line 4, column granted_dkk: granted more than applied for (value '300000'); "
            "1 more row with the same problem") in proc.stderr
    rows = duckdb.connect(str(db), read_only=True).execute(
        "select * from build_warnings order by line").fetchall()
    assert rows == [("grants_s18.csv", 4, "granted_dkk", "300000", "granted more than applied for"),
                    ("grants_s18.csv", 6, "granted_dkk", "500000", "granted more than applied for")]


def test_unknown_column_is_a_warning(raw_copy, tmp_path):
    comments, rows = read_rows(raw_copy / "grant_budgets.csv")
    write_rows(raw_copy / "grant_budgets.csv", comments, [r + ["x"] for r in rows])
    db = tmp_path / "w.duckdb"
    proc = run_etl_build(raw_copy, db)
    assert proc.returncode == 0, proc.stderr
    assert "warning: grant_budgets.csv, line 2, column x: unknown column ignored" in proc.stderr
    assert duckdb.connect(str(db), read_only=True).execute(
        "select count(*) from build_warnings where file = 'grant_budgets.csv'").fetchone()[0] == 1


def test_population_missing_for_a_survey_year_is_a_warning(raw_copy, tmp_path):
    comments, rows = read_rows(raw_copy / "population.csv")
    write_rows(raw_copy / "population.csv", comments, [r for r in rows if r[0] != "2014"])
    proc = run_etl_build(raw_copy, tmp_path / "w.duckdb")
    assert proc.returncode == 0, proc.stderr
    assert "warning: population.csv, column year: no population for survey year 2014" in proc.stderr


def test_statbank_fixture_exists():
    assert (FIXTURES / "statbank" / "population.csv").read_bytes().startswith("\ufeffOMRÅDE;KØN;ALDER;TID;INDHOLD".encode())


def test_unparseable_csv_is_an_input_error(raw_copy, existing_db):
    path = raw_copy / "grant_budgets.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n2011,", "\r\n2011,"), encoding="utf-8", newline="")  # mixed line endings
    stderr = build_fails(raw_copy, existing_db)
    line = text[:text.index("\n2011,")].count("\n") + 1  # the line now ending with \r\n
    assert f"error: grant_budgets.csv, line {line}: mixed line endings" in stderr, stderr


def test_line_break_inside_a_value_is_an_error(raw_copy, existing_db):
    set_cell(raw_copy / "cooperations.csv", 5, "organisation", "Ældresagen\nFrederiksberg")
    stderr = build_fails(raw_copy, existing_db)
    assert "error: cooperations.csv, line 5: a quoted value spans several lines" in stderr


def test_missing_raw_folder(tmp_path):
    proc = run_etl_build(tmp_path / "nowhere", tmp_path / "w.duckdb", cli=True)
    assert proc.returncode == 2
    assert "nowhere: raw data folder not found" in proc.stderr
    assert not (tmp_path / "w.duckdb").exists()
