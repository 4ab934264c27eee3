"""`python -m etl import-survey`: SPSS and Stata files -> survey_respondents.csv through a YAML mapping."""
from __future__ import annotations

import pathlib
import shutil
import subprocess
import sys

import duckdb
import pytest
import yaml

from conftest import FIXTURE_RAW, REPO, run_etl_build
from fixtures import make_survey_files as msf

EXAMPLE = REPO / "etl" / "mappings" / "example.yml"
WRITERS = {"sav": msf.write_sav, "dta": msf.write_dta}


def import_survey(source: pathlib.Path, mapping: pathlib.Path, out: pathlib.Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl", "import-survey", str(source), "--mapping", str(mapping),
                           "--out", str(out)], cwd=REPO, capture_output=True, text=True, encoding="utf-8")


@pytest.fixture
def cli(capsys):
    """`python -m etl import-survey ...` in this process (the CLI's own code path; no interpreter start-up)."""
    from etl.__main__ import main

    def run(source: pathlib.Path, mapping: pathlib.Path, out: pathlib.Path) -> subprocess.CompletedProcess:
        rc = main(["import-survey", str(source), "--mapping", str(mapping), "--out", str(out)])
        captured = capsys.readouterr()
        return subprocess.CompletedProcess([], rc, captured.out, captured.err)
    return run


def data_lines(path: pathlib.Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]


@pytest.fixture(params=["sav", "dta"])
def source(request, tmp_path) -> pathlib.Path:
    return WRITERS[request.param](tmp_path / f"fu_fixture.{request.param}")


def write_mapping(tmp_path: pathlib.Path, edit) -> pathlib.Path:
    doc = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    edit(doc)
    path = tmp_path / "mapping.yml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_import_gives_back_the_fixture_csv_and_builds(cli, source, tmp_path, fixture_db):
    """Labels, missing codes and the age from birth year and interview date map back to the contract exactly (the
    .sav through `python -m etl import-survey` as a subprocess, the .dta in this process; both build in it)."""
    proc = (import_survey if source.suffix == ".sav" else cli)(source, EXAMPLE, tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    assert f"320 respondents from {source.name}" in proc.stdout
    written = tmp_path / "out" / "survey_respondents.csv"
    assert data_lines(written) == data_lines(FIXTURE_RAW / "survey_respondents.csv")

    raw = tmp_path / "raw"
    shutil.copytree(FIXTURE_RAW, raw)
    shutil.copyfile(written, raw / "survey_respondents.csv")
    build = run_etl_build(raw, tmp_path / "warehouse.duckdb")
    assert build.returncode == 0, build.stderr
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    try:
        con.execute(f"attach '{fixture_db}' as ref (read_only)")
        assert con.execute("select count(*) from survey_respondents").fetchone() == (320,)
        assert con.execute("select count(*) from (from survey_respondents except all from ref.survey_respondents)"
                           ).fetchone() == (0,)
        assert con.execute("select synthetic from build_inputs where file = 'survey_respondents.csv'"
                           ).fetchone() == (False,)
    finally:
        con.close()


def test_missing_codes_are_declared_in_the_file_not_in_the_mapping(tmp_path):
    """The .sav really stores 999 / 9 for questions not asked; only the file's missing declaration empties them."""
    import pyreadstat

    path = msf.write_sav(tmp_path / "fu.sav")
    df, meta = pyreadstat.read_sav(str(path), apply_value_formats=False, user_missing=True)
    assert (df["timer_md"] == msf.NOT_ASKED_HOURS).sum() == (df["frivillig"] == 2).sum() > 0
    assert meta.missing_ranges["omr_kultur"] == [{"lo": 9.0, "hi": 9.0}]
    dta = msf.write_dta(tmp_path / "fu.dta")
    df, _ = pyreadstat.read_dta(str(dta), apply_value_formats=False, user_missing=True)
    assert (df["timer_md"] == "a").sum() == (df["frivillig"] == 2).sum()


def test_unknown_label_stops_naming_file_variable_row_and_value(cli, source, tmp_path):
    df, labels = msf.frame()
    df.loc[6, "koen"] = 3
    labels["koen"][3] = "Uoplyst"
    df.loc[[10, 11], "uddannelse"] = 42  # a code without a label
    df.loc[2, "foedaar"] = 2005          # and a contract problem elsewhere: all are reported at once
    path = WRITERS[source.suffix[1:]](tmp_path / f"bad{source.suffix}", df, labels)
    out = tmp_path / "out"
    out.mkdir()
    (out / "survey_respondents.csv").write_text("keep me\n", encoding="utf-8")
    proc = cli(path, EXAMPLE, out)
    assert proc.returncode == 2
    err = proc.stderr
    assert (f"error: {path.name}, row 7 (respondent 2012-0007), variable koen (gender): value label not in the "
            f"mapping; mapped labels: 'Mand', 'Kvinde' (value 3 'Uoplyst')") in err
    assert (f"error: {path.name}, row 11 (respondent 2012-0011), variable uddannelse (education): value has no "
            f"value label in the file") in err
    assert "(value 42); 1 more row with the same problem" in err
    assert f"error: {path.name}, row 3 (respondent 2012-0003), variable foedaar/interviewdato (age): out of range" in err
    assert "import stopped, 3 problems" in err
    assert "survey_respondents.csv was not changed" in err
    assert (out / "survey_respondents.csv").read_text(encoding="utf-8") == "keep me\n"
    assert [p.name for p in out.iterdir()] == ["survey_respondents.csv"]  # no temporary file left


def test_contract_rules_are_reported_by_source_row_and_variable(cli, tmp_path):
    """Values the mapping lets through are judged by the CSV loader's rules, named in the source's terms."""
    df, labels = msf.frame()
    df.loc[2, "foedaar"] = 2005            # aged 7 at the interview
    df.loc[4, "kommune"] = 999             # not a municipality
    df.loc[0, "timer_md"] = float("nan")   # a volunteer without hours
    path = msf.write_sav(tmp_path / "bad.sav", df, labels)
    proc = cli(path, EXAMPLE, tmp_path / "out")
    assert proc.returncode == 2
    err = proc.stderr
    assert ("error: bad.sav, row 3 (respondent 2012-0003), variable foedaar/interviewdato (age): out of range: "
            "must be between 16 and 110 (value '7')") in err
    assert ("error: bad.sav, row 5 (respondent 2012-0005), variable kommune (municipality_code): unknown "
            "municipality code") in err
    assert ("error: bad.sav, row 1 (respondent 2012-0001), variable timer_md (hours_per_month): missing value "
            "(required when volunteered = 1)") in err
    assert not (tmp_path / "out" / "survey_respondents.csv").exists()


def test_codes_constants_null_targets_and_interview_year(cli, tmp_path):
    def edit(doc):
        cols = doc["columns"]
        cols["gender"] = {"variable": "koen", "codes": {1: "male", 2: "female"}}
        cols["year"] = {"value": 2012}
        cols["age"] = {"age_from": {"birth_year": "foedaar", "interview_year": 2012}}
        cols["education"]["labels"]["Grundskole"] = None  # -> empty, which the contract refuses

    df, labels = msf.frame()
    df = df[df["aar"] == 2012]
    path = msf.write_sav(tmp_path / "one_wave.sav", df, labels)
    proc = cli(path, write_mapping(tmp_path, edit), tmp_path / "out")
    assert proc.returncode == 2
    assert "row 1 (respondent 2012-0001), variable uddannelse (education): missing value;" in proc.stderr

    def edit_ok(doc):
        edit(doc)
        doc["columns"]["education"]["labels"]["Grundskole"] = "basic"

    proc = cli(path, write_mapping(tmp_path, edit_ok), tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    expected = [line for line in data_lines(FIXTURE_RAW / "survey_respondents.csv") if ",2014," not in line]
    assert data_lines(tmp_path / "out" / "survey_respondents.csv") == expected


@pytest.mark.parametrize("edit, message", [
    (lambda d: d["columns"].pop("weight"), "mapping.yml, column weight: contract column not mapped"),
    (lambda d: d["columns"].update(weight="vægt"), "variable vægt (weight): variable not in the file"),
    (lambda d: d["columns"].update(colour="x"), "mapping.yml, column colour: not a column of survey_respondents.csv"),
    (lambda d: d["columns"].update(gender={"variable": "koen", "label": {}}), "column gender: unknown key(s) label"),
    (lambda d: d["columns"].update(year={"variable": "aar", "value": 2012}),
     "column year: give exactly one of variable, value, age_from"),
    (lambda d: d["columns"].update(age={"age_from": {"birth_year": "foedaar"}}),
     "column age: age_from (for age only) takes birth_year and one of interview_date or interview_year"),
    (lambda d: d.update(colums={}), "mapping.yml: unknown key 'colums'"),
    (lambda d: d["columns"].update(volunteered={"variable": "frivillig", "labels": {True: 1, False: 0}}),
     "column volunteered: a label YAML reads as True: put the label in quotes"),
])
def test_bad_mapping_stops_with_exit_2(cli, tmp_path, edit, message):
    path = msf.write_sav(tmp_path / "fu.sav")
    proc = cli(path, write_mapping(tmp_path, edit), tmp_path / "out")
    assert proc.returncode == 2
    assert message in proc.stderr
    assert not (tmp_path / "out" / "survey_respondents.csv").exists()


def test_unreadable_inputs_stop_with_exit_2(cli, tmp_path):
    sav = msf.write_sav(tmp_path / "fu.sav")
    broken = tmp_path / "mapping.yml"
    broken.write_text("columns:\n  gender: [\n", encoding="utf-8")
    proc = cli(sav, broken, tmp_path / "out")
    assert proc.returncode == 2 and "mapping.yml" in proc.stderr and "not valid YAML" in proc.stderr

    for name, text, message in [("fu.csv", "a,b\n", "unsupported file type '.csv'"),
                                ("damaged.sav", "not spss", "damaged.sav: cannot be read as .sav file")]:
        (tmp_path / name).write_text(text, encoding="utf-8")
        proc = cli(tmp_path / name, EXAMPLE, tmp_path / "out")
        assert proc.returncode == 2 and message in proc.stderr, proc.stderr
    proc = cli(tmp_path / "absent.dta", EXAMPLE, tmp_path / "out")
    assert proc.returncode == 2 and "absent.dta: file not found" in proc.stderr
    proc = cli(sav, tmp_path / "absent.yml", tmp_path / "out")
    assert proc.returncode == 2 and "absent.yml: mapping file not found" in proc.stderr
