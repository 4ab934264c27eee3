"""`python -m etl export --format parquet DIR`: every warehouse table as Parquet with its comments as metadata."""
from __future__ import annotations

import json
import subprocess

import duckdb
import pandas as pd
import pyreadstat
import pytest

from queries import provenance

from conftest import run_main


def export(db, out, *extra, fmt="parquet", cli=False) -> subprocess.CompletedProcess:
    """`python -m etl export`: in this process, or with cli=True as a subprocess (a missing warehouse's exit 2)."""
    return run_main("etl", "export", "--format", fmt, out, "--db", db, *extra, cli=cli)


def kv(con, path) -> dict[str, str]:
    return dict(con.execute("select decode(key), decode(value) from parquet_kv_metadata(?)", [str(path)]).fetchall())


def test_every_table_round_trips_with_its_comments(fixture_db, tmp_path):
    out = tmp_path / "parquet"
    proc = export(fixture_db, out)
    assert proc.returncode == 0, proc.stderr
    con = duckdb.connect(str(fixture_db), read_only=True)
    try:
        prov = provenance.from_connection(con)
        assert json.loads((out / "provenance.json").read_text(encoding="utf-8")) == prov
        pd.testing.assert_frame_equal(pd.read_parquet(out / "survey_respondents.parquet"),  # pyarrow is installed
                                      con.execute("from survey_respondents").df(), check_dtype=False)
        tables = [t for (t,) in con.execute("select table_name from duckdb_tables() where schema_name = 'main' "
                                            "order by 1").fetchall()]
        assert sorted(p.stem for p in out.glob("*.parquet")) == tables
        assert not [p for p in out.iterdir() if p.suffix != ".parquet" and p.name != "provenance.json"]  # no temporary files
        assert f"exported {len(tables)} tables" in proc.stdout
        for table in tables:
            path = out / f"{table}.parquet"
            # same rows, same column names and types
            assert con.execute(f"select count(*) from (from {table} except all from read_parquet(?))",
                               [str(path)]).fetchone() == (0,), table
            assert con.execute(f"select count(*) from (from read_parquet(?) except all from {table})",
                               [str(path)]).fetchone() == (0,), table
            assert ([r[:2] for r in con.execute(f"describe select * from read_parquet('{path}')").fetchall()]
                    == [r[:2] for r in con.execute(f"describe {table}").fetchall()])
            meta = kv(con, path)
            comments = dict(con.execute("select column_name, coalesce(comment, '') from duckdb_columns() "
                                        "where table_name = ?", [table]).fetchall())
            assert {k.removeprefix("comment:"): v for k, v in meta.items() if k.startswith("comment:")} == comments
            assert meta["table"] == table
            assert meta["table_comment"] == con.execute(
                "select comment from duckdb_tables() where table_name = ?", [table]).fetchone()[0]
            assert meta["data_kind"] == "demo"  # the fixture files declare themselves synthetic
            assert {k: meta[k] for k in provenance.KEYS} == prov
        meta = kv(con, out / "survey_respondents.parquet")
        assert meta["comment:weight"] == "design weight, > 0; in the demo data scaled to sum to the wave's n (mean 1)"
        assert meta["table_comment"].startswith("survey_respondents.csv: one row per respondent")
    finally:
        con.close()


def test_missing_warehouse_and_bad_folder_exit_2(tmp_path, fixture_db):
    proc = export(tmp_path / "absent.duckdb", tmp_path / "out", cli=True)
    assert proc.returncode == 2 and "absent.duckdb: warehouse not found" in proc.stderr
    (tmp_path / "file").write_text("x", encoding="utf-8")
    proc = export(fixture_db, tmp_path / "file")
    assert proc.returncode == 2 and "exists and is not a folder" in proc.stderr
    proc = run_main("etl", "export", "--format", "feather", tmp_path / "o")
    assert proc.returncode == 2 and "invalid choice: 'feather'" in proc.stderr


def test_csv_starts_with_the_provenance_and_reads_with_skiprows(fixture_db, tmp_path):
    proc = export(fixture_db, tmp_path, fmt="csv")
    assert proc.returncode == 0, proc.stderr
    path = tmp_path / "survey_respondents.csv"
    first = path.read_text(encoding="utf-8").splitlines()[0]
    con = duckdb.connect(str(fixture_db), read_only=True)
    try:
        prov = provenance.from_connection(con)
        want = con.execute("from survey_respondents").df()
    finally:
        con.close()
    assert first == provenance.csv_comment(prov, table="survey_respondents").rstrip("\n")
    assert "data_kind=demo" in first and f"build_id={prov['build_id']}" in first
    for got in (pd.read_csv(path, skiprows=1), pd.read_csv(path, comment="#")):
        assert list(got.columns) == list(want.columns) and len(got) == len(want)
        assert got["weight"].sum() == pytest.approx(want["weight"].sum())


@pytest.mark.parametrize("fmt,ext,read", [("stata", ".dta", pyreadstat.read_dta), ("spss", ".sav", pyreadstat.read_sav)])
def test_stata_and_spss_carry_variable_and_value_labels(fixture_db, tmp_path, fmt, ext, read):
    proc = export(fixture_db, tmp_path, fmt=fmt)
    assert proc.returncode == 0, proc.stderr
    df, meta = read(str(tmp_path / f"survey_respondents{ext}"))
    con = duckdb.connect(str(fixture_db), read_only=True)
    try:
        want = con.execute("from survey_respondents order by year, respondent_id").df()
        labels = dict(con.execute("select code, label_en from labels where dimension = 'gender'").fetchall())
        regions = dict(con.execute("select distinct region_code, region_name from municipalities").fetchall())
        prov = provenance.from_connection(con)
    finally:
        con.close()
    assert dict(zip(meta.column_names, meta.column_labels))["weight"].startswith("design weight, > 0")
    assert set(meta.variable_value_labels["gender"].values()) == set(labels.values())
    assert meta.variable_value_labels["region_code"] == {float(k): v for k, v in regions.items()} or \
        meta.variable_value_labels["region_code"] == regions
    # the labelled codes read back as the warehouse's categories, row for row
    df, _ = read(str(tmp_path / f"survey_respondents{ext}"), apply_value_formats=True)
    df = df.sort_values(["year", "respondent_id"]).reset_index(drop=True)
    assert list(df["gender"].astype(str)) == [labels[g] for g in want["gender"]]
    assert df["weight"].tolist() == pytest.approx(want["weight"].tolist())
    if fmt == "stata":
        assert meta.file_label.startswith("demo data; build " + prov["build_id"])
    else:
        assert "".join(meta.notes).replace(" ", "") == provenance.line(prov, table="survey_respondents").replace(" ", "")
