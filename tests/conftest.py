"""Shared pytest fixtures: the fixture warehouse (built by the real ETL) and the demo warehouse (built by CI)."""
from __future__ import annotations

import pathlib
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
FIXTURE_RAW = FIXTURES / "raw"
DEMO_DB = REPO / "data" / "warehouse.duckdb"


def run_etl_build(raw: pathlib.Path, db: pathlib.Path, cwd: pathlib.Path = REPO) -> subprocess.CompletedProcess:
    """Run `python -m etl build` as a user would and return the completed process (stdout/stderr as text)."""
    return subprocess.run(
        [sys.executable, "-m", "etl", "build", "--raw", str(raw), "--db", str(db)],
        cwd=cwd, capture_output=True, text=True, encoding="utf-8",
    )


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory) -> pathlib.Path:
    """The warehouse built from tests/fixtures/raw through the real ETL entry point."""
    db = tmp_path_factory.mktemp("fixture_warehouse") / "warehouse.duckdb"
    proc = run_etl_build(FIXTURE_RAW, db)
    assert proc.returncode == 0, f"ETL build of the fixtures failed:\n{proc.stdout}\n{proc.stderr}"
    return db


@pytest.fixture(scope="session")
def demo_db() -> pathlib.Path:
    """The demo warehouse data/warehouse.duckdb (`make warehouse` or CI builds it before pytest)."""
    if not DEMO_DB.exists():
        pytest.fail(f"{DEMO_DB} is missing: run `make warehouse` (CI builds it before pytest)")
    return DEMO_DB
