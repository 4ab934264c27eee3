"""Issue 22: a data owner's real files, one test per case (tests/real_files_cases.py makes the files and runs the
user's commands in this process). Refusals: exit status 2 and the message; loads: the values read back."""
from __future__ import annotations

import shutil

import duckdb

from conftest import FIXTURE_RAW, run_etl_build
from real_files_cases import CASES, run_case, sas_csv

BY_ID = {c.id: c for c in CASES}


def outcome(tmp_path, case_id):
    return run_case(BY_ID[case_id], tmp_path)


def test_every_case_has_a_test():
    tested = {name.removeprefix("test_") for name in globals() if name.startswith("test_")}
    assert {c.id for c in CASES} <= tested


def assert_exact(o, n=320):
    assert o.status == 0, o.stderr
    assert o.values["equal"] == o.values["of"] == n, o.values


def test_sas_csv(tmp_path):
    o = outcome(tmp_path, "sas_csv")
    assert_exact(o)
    assert o.messages() == []
    assert any(str(w)[::-1].find(".") == 3 for w in o.values["first"])  # three decimals, read as decimals


def test_danish_three_decimals(tmp_path):
    assert_exact(outcome(tmp_path, "danish_three_decimals"))


def test_expansion_weights(tmp_path):
    o = outcome(tmp_path, "expansion_weights")
    assert_exact(o)
    assert all(100 < w < 300 for w in o.values["first"])


def test_spss_sav(tmp_path):
    o = outcome(tmp_path, "spss_sav")
    assert_exact(o)
    text = (tmp_path / "raw" / "survey_respondents.csv").read_text(encoding="utf-8")
    # binary weights are written exactly and never with exactly three decimals (1.682 -> 1.6820)
    weights = [line.split(",")[2] for line in text.splitlines()[1:]]
    assert not any(len(w.split(".")[-1]) == 3 for w in weights if "." in w), weights[:5]


def test_undecided(tmp_path):
    o = outcome(tmp_path, "undecided")
    assert o.status == 2
    assert o.messages()[0].startswith(
        "error: survey_respondents.csv, line 3, column weight: the file's decimal sign cannot be told: every number "
        "with a separator has exactly three digits after it")
    assert "python -m etl build --decimal survey_respondents.csv=." in o.messages()[0]
    assert "; 319 more rows with the same problem" in o.messages()[0]


def test_undecided_named(tmp_path):
    assert_exact(outcome(tmp_path, "undecided_named"))


def test_statbank_christianso(tmp_path):
    o = outcome(tmp_path, "statbank_christianso")
    assert o.status == 0, o.stderr
    # the three municipalities of the export with the same persons as without Christiansø (2 x (2121 + 1111 + 505))
    assert o.values == (3, 7474)
    (msg,) = o.messages()
    assert msg.startswith("warning: population.csv, line 1227, column område: skipped: not a municipality")
    assert "(2012: 202, 2014: 202) are in no municipality's population" in msg and "'411 Christiansø'" in msg


def test_statbank_names_only(tmp_path):
    o = outcome(tmp_path, "statbank_names_only")
    assert o.status == 0, o.stderr
    assert o.values == ([101, 147, 820],)


def test_statbank_english(tmp_path):
    o = outcome(tmp_path, "statbank_english")
    assert o.status == 0, o.stderr
    assert o.values == (21 * 101,)  # 10 men and 11 women at every age 0-100, as in the Danish export
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    assert con.execute("select value from build_info where key = 'population_format'").fetchone() == ("statbank",)


def test_trailing_delimiter_rows(tmp_path):
    o = outcome(tmp_path, "trailing_delimiter_rows")
    assert o.status == 0, o.stderr
    assert o.values == (12,)
    assert o.messages() == ["warning: grant_budgets.csv, line 15: 6 rows of only delimiters at the end of the file "
                            "ignored (as a spreadsheet writes them)"]


def test_mixed_encoding(tmp_path):
    o = outcome(tmp_path, "mixed_encoding")
    assert o.status == 2
    assert o.messages()[0] == ("error: grants_s18.csv: two encodings in one file: line 3 is UTF-8 text, line 15 is "
                               "not (Windows-1252?); save the whole file as UTF-8")


def _no_population(tmp_path, case_id, metric):
    o = outcome(tmp_path, case_id)
    assert (o.status, o.command) == (2, f"queries run {metric}")  # the build before it: 0
    assert o.messages() == [f"error: {metric}: no population for year 2014 in the warehouse (it has 2010, 2012); "
                            "this metric scales each wave by its residents, so add that year to population.csv and "
                            "rebuild, or ask for another year"]


def test_no_population_count(tmp_path):
    _no_population(tmp_path, "no_population_count", "volunteers_count")


def test_no_population_fte(tmp_path):
    _no_population(tmp_path, "no_population_fte", "fte")


def test_one_wave_change(tmp_path):
    o = outcome(tmp_path, "one_wave_change")
    assert (o.status, o.command) == (2, "queries run participation_change")
    assert o.messages() == ["error: participation_change: year 2014 is the first wave; no earlier wave to compare "
                            "with (the warehouse has only the wave 2014; a change needs two)"]
    assert "()" not in o.stderr and ": )" not in o.stderr


def test_grouped_decimal_comma(tmp_path):
    o = outcome(tmp_path, "grouped_decimal_comma")
    assert o.status == 0, o.stderr
    assert o.values == (11940000.5,)


def _space(tmp_path, case_id, value):
    o = outcome(tmp_path, case_id)
    assert o.status == 2
    assert o.messages()[0] == ("error: grants_s18.csv, line 3, column applied_dkk: not a number: a space is not a "
                               "thousands separator; write the number without one (1250000, or 1250000,50 / "
                               f"1250000.50) (value {value})")


def test_space_thousands(tmp_path):
    _space(tmp_path, "space_thousands", "'1 250 000'")


def test_nbsp_thousands(tmp_path):
    _space(tmp_path, "nbsp_thousands", "'1\\xa0250\\xa0000'")


def test_kroner(tmp_path):
    o = outcome(tmp_path, "kroner")
    assert o.status == 2
    assert o.messages()[0] == ("error: grants_s18.csv, line 3, column applied_dkk: not a number: remove the unit "
                               "(amounts are plain numbers in kroner, e.g. 1250000) (value '1250000 kr.')")


def test_utf16(tmp_path):
    o = outcome(tmp_path, "utf16")
    assert o.status == 2
    assert o.messages()[0].startswith('error: cooperations.csv: UTF-16 text (what Excel saves as "Unicode text")')
    assert 'save it again from Excel as "CSV UTF-8 (comma delimited)"' in o.messages()[0]


def test_decimal_option_is_checked(tmp_path):
    proc = run_etl_build(tmp_path / "raw", tmp_path / "w.duckdb", "--decimal", "weights.csv=,")
    assert proc.returncode == 2
    assert ("error: --decimal 'weights.csv=,': expected . or , optionally after FILE= where FILE is one of "
            "survey_respondents.csv, ") in proc.stderr
    assert run_etl_build(tmp_path / "raw", tmp_path / "w.duckdb", "--decimal", ";").returncode == 2


def test_a_named_sign_is_used_as_it_is(tmp_path):
    """--decimal , for every file on the SAS-style wave: its points are then the other sign, refused at their line."""
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURE_RAW, raw)
    sas_csv(raw, tmp_path)
    proc = run_etl_build(raw, tmp_path / "w.duckdb", "--decimal", ",")
    assert proc.returncode == 2
    assert ("error: survey_respondents.csv, line 3, column weight: not a number in this file, which writes decimals "
            "with a comma (as --decimal says): a point is neither a decimal sign nor") in proc.stderr
