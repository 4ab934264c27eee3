"""`python -m etl export --format parquet DIR`: every warehouse table as Parquet with its comments as metadata."""
from __future__ import annotations

import subprocess
import sys

import duckdb

from conftest import REPO


def export(db, out, *extra) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl", "export", "--format", "parquet", str(out), "--db", str(db),
                           *extra], cwd=REPO, capture_output=True, text=True, encoding="utf-8")


def kv(con, path) -> dict[str, str]:
    return dict(con.execute("select decode(key), decode(value) from parquet_kv_metadata(?)", [str(path)]).fetchall())


def test_every_table_round_trips_with_its_comments(fixture_db, tmp_path):
    out = tmp_path / "parquet"
    proc = export(fixture_db, out)
    assert proc.returncode == 0, proc.stderr
    con = duckdb.connect(str(fixture_db), read_only=True)
    try:
        tables = [t for (t,) in con.execute("select table_name from duckdb_tables() where schema_name = 'main' "
                                            "order by 1").fetchall()]
        assert sorted(p.stem for p in out.glob("*.parquet")) == tables
        assert not [p for p in out.iterdir() if p.suffix != ".parquet"]  # no temporary files left
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
        meta = kv(con, out / "survey_respondents.parquet")
        assert meta["comment:weight"] == "design weight, > 0"
        assert meta["table_comment"].startswith("survey_respondents.csv: one row per respondent")
    finally:
        con.close()


def test_missing_warehouse_and_bad_folder_exit_2(tmp_path, fixture_db):
    proc = export(tmp_path / "absent.duckdb", tmp_path / "out")
    assert proc.returncode == 2 and "absent.duckdb: warehouse not found" in proc.stderr
    (tmp_path / "file").write_text("x", encoding="utf-8")
    proc = export(fixture_db, tmp_path / "file")
    assert proc.returncode == 2 and "exists and is not a folder" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "etl", "export", "--format", "feather", str(tmp_path / "o")],
                          cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 2 and "invalid choice: 'feather'" in proc.stderr
