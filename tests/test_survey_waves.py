"""Survey waves (issue 25): a wave is (series, year), declared in data/reference/survey_waves.csv or in the raw
folder's own survey_waves.csv; the wave table is checked row by row, every respondent belongs to a declared wave,
and a file whose waves are not declared is refused with a message that says how (file, line, column, value, exit 2).
"""
from __future__ import annotations

import csv
import pathlib

import duckdb
import pytest

from conftest import REPO, read_rows, set_cell, write_rows
from test_etl_validation import SURVEY, build_fails, error_line

WAVES = REPO / "data" / "reference" / "survey_waves.csv"


def _waves() -> list[dict]:
    with open(WAVES, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _write_waves(path: pathlib.Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def test_the_reference_table_holds_both_series_and_passes_its_checks():
    from etl.reference import check_waves

    labels = list(csv.DictReader(open(REPO / "data" / "reference" / "labels.csv", encoding="utf-8")))
    series = [r["code"] for r in labels if r["dimension"] == "series"]
    definitions = [r["code"] for r in labels if r["dimension"] == "definition"]
    rows = check_waves(WAVES, series, definitions)
    waves = {(r["series"], int(r["year"])) for r in rows}
    assert {("national", y) for y in (2004, 2012, 2020, 2024)} <= waves
    assert {("cfsa", y) for y in (2012, 2014, 2017, 2021)} <= waves
    by_wave = {(r["series"], int(r["year"])): r for r in rows}
    # the demo's 2004 (SFI) and 2012 (the seed's CFSA 40 %) are not comparable: other series; SFI compared 2004
    # with its own 2012 (35 % both, "great stability"); 2020 and 2024 are comparable on the 2024 report's definition
    assert by_wave[("national", 2004)]["_others"] == [2012]
    assert 2004 not in by_wave[("cfsa", 2012)]["_others"]
    assert by_wave[("national", 2024)]["_others"] == [2020]
    for r in rows:
        assert r["definition_da"] and r["definition_en"] and r["source"] and r["source_ref"]


@pytest.mark.parametrize("change, line, column, value, message", [
    (lambda rows: rows[0].update(series="sfi"), 2, "series", "sfi", "unknown series; valid values: national, cfsa"),
    (lambda rows: rows[1].update(year="2004"), 3, "year", "2004", "the wave national 2004 is already declared on line 2"),
    (lambda rows: rows[0].update(comparable_with="2012;2020"), 2, "comparable_with", "2020",
     "the wave national 2020 (line 4) does not list 2004 as comparable: comparability goes both ways"),
    (lambda rows: rows[4].update(comparable_with="2014;2017;2021;2004"), 6, "comparable_with", "2004",
     "no wave cfsa 2004 in the table (a wave is comparable only with waves of its own series)"),
    (lambda rows: rows[2].update(definition="sfi_14_areas_last_year"), 4, "comparable_with", "2024",
     "has another definition (vive_2024_report, not sfi_14_areas_last_year)"),
    (lambda rows: rows[3].update(sample_size="6.000"), 5, "sample_size", "6.000", "not a whole number of respondents"),
    (lambda rows: rows[3].update(definition_en=""), 5, "definition_en", None, "required: every wave says its definition en"),
])
def test_a_broken_wave_table_is_refused_with_file_line_column_value(raw_copy, existing_db, change, line, column,
                                                                    value, message):
    rows = _waves()
    change(rows)
    _write_waves(raw_copy / "survey_waves.csv", rows)
    stderr = build_fails(raw_copy, existing_db)
    msg = error_line(stderr, "survey_waves.csv", line, column)
    assert message in msg, msg
    if value is not None:
        assert f"(value '{value}')" in msg, msg


def test_a_year_of_both_series_without_a_series_column_is_refused_saying_how(raw_copy, existing_db):
    comments, rows = read_rows(raw_copy / SURVEY)
    i = rows[0].index("series")
    write_rows(raw_copy / SURVEY, comments, [r[:i] + r[i + 1:] for r in rows])
    stderr = build_fails(raw_copy, existing_db)
    msg = error_line(stderr, SURVEY, 3, "year")
    assert ("2012 is a wave of more than one series (cfsa, national): say which in a series column "
            "(docs/input-contract.md) (value '2012'); 199 more rows") in msg, msg
    assert f"error: {SURVEY}, line 203" not in stderr  # 2014 is a wave of CFSA's series only: no series needed


def test_a_year_that_is_no_declared_wave_is_refused(raw_copy, existing_db):
    set_cell(raw_copy / SURVEY, 5, "year", "2015")
    set_cell(raw_copy / SURVEY, 5, "series", "")
    stderr = build_fails(raw_copy, existing_db)
    msg = error_line(stderr, SURVEY, 5, "year")
    assert "not a declared survey wave (declared waves: national 2004, cfsa 2012, national 2012" in msg, msg
    assert "add a series column and declare the wave (series, year) in data/reference/survey_waves.csv" in msg


def test_a_series_without_a_wave_that_year_is_refused(raw_copy, existing_db):
    set_cell(raw_copy / SURVEY, 205, "series", "national")  # a 2014 row: the national survey has no 2014 wave
    stderr = build_fails(raw_copy, existing_db)
    msg = error_line(stderr, SURVEY, 205, "series")
    assert "this series has no wave in the row's year in data/reference/survey_waves.csv" in msg, msg
    assert "(value 'national')" in msg


def test_two_series_in_one_year_are_refused(raw_copy, existing_db):
    set_cell(raw_copy / SURVEY, 7, "series", "national")  # 2012 is a wave of both: declared, but mixed
    stderr = build_fails(raw_copy, existing_db)
    msg = error_line(stderr, SURVEY, 7, "series")
    assert "the year 2012 holds waves of two series (cfsa, national)" in msg, msg


def test_the_raw_folders_own_wave_table_declares_other_waves(raw_copy, tmp_path):
    """A data owner's survey with waves that are not published ones: declared in raw/survey_waves.csv."""
    from conftest import run_etl_build

    rows = [r for r in _waves() if r["series"] == "cfsa" and r["year"] in ("2012", "2014")]
    for r in rows:
        r["comparable_with"] = "2014" if r["year"] == "2012" else "2012"
    _write_waves(raw_copy / "survey_waves.csv", rows)
    proc = run_etl_build(raw_copy, tmp_path / "w.duckdb")
    assert proc.returncode == 0, proc.stderr
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    try:
        assert con.execute("select series, year from survey_waves order by year").fetchall() == [
            ("cfsa", 2012), ("cfsa", 2014)]
        assert con.execute("select series, year, other from survey_wave_comparable order by year").fetchall() == [
            ("cfsa", 2012, 2014), ("cfsa", 2014, 2012)]
    finally:
        con.close()


def test_every_demo_respondent_belongs_to_a_declared_wave(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        orphans = con.execute("""select count(*) from survey_respondents r
            where not exists (select 1 from survey_waves w where w.series = r.series and w.year = r.year)""").fetchone()
        waves = con.execute("select distinct series, year from survey_respondents order by year").fetchall()
    finally:
        con.close()
    assert orphans == (0,)
    assert waves == [("national", 2004), ("cfsa", 2012), ("cfsa", 2014), ("cfsa", 2017), ("national", 2020),
                     ("cfsa", 2021), ("national", 2024)]
