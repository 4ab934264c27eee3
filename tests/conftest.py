"""Shared pytest fixtures: the fixture warehouse (built by the real ETL) and the demo warehouse (built by CI)."""
from __future__ import annotations

import pathlib
import shutil
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
FIXTURE_RAW = FIXTURES / "raw"
DEMO_DB = REPO / "data" / "warehouse.duckdb"

# The longest test files (of make check's, test_queries.py): `make test` (pytest-xdist, --dist loadfile
# --no-loadscope-reorder) hands the files to the workers in collection order, so these start at once instead of one
# of them running alone at the end.
# Wall seconds of one file run alone on the idle 2-core machine (December 2026); remeasure when they change (pytest
# --durations).
START_FIRST = [
    "tests/test_small_counts.py",    # 53 s: every dashboard view walked for small counts
    "tests/test_report.py",          # 39 s: the report in both languages, three more builds
    "tests/test_queries.py",         # 22 s: every metric file as it is, the longest of make check
    "tests/test_etl_fuzz.py",        # 29 s: single-cell mutations of every contract file
    "tests/test_queries_change.py",  # 31 s with R (the golden file rerun), 16 s without
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {path: n for n, path in enumerate(START_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))  # stable: the rest keep order



def assert_r_script_writes(script: pathlib.Path, golden: pathlib.Path, tmp_path: pathlib.Path, *args) -> None:
    """Where R exists, rerunning an R script of tests/r/ (with args, then the output file) reproduces its committed
    golden file; without R (as in CI) the tests compare with the committed file and this check is skipped, saying so."""
    if shutil.which("Rscript") is None:
        pytest.skip("R is not installed (CI uses the committed golden file)")
    out = tmp_path / "golden.csv"
    proc = subprocess.run(["Rscript", str(script), *map(str, args), str(out)], cwd=REPO, capture_output=True, text=True)
    if proc.returncode != 0 and "there is no package called" in proc.stderr:
        pytest.skip(f"an R package is missing: {proc.stderr.strip().splitlines()[-1]}")
    assert proc.returncode == 0, proc.stderr
    assert out.read_text() == golden.read_text()


def run_main(module: str, *args, cli: bool = False, cwd: pathlib.Path = REPO) -> subprocess.CompletedProcess:
    """`python -m MODULE ARGS` (etl or queries), its exit status and output as a CompletedProcess: in this process
    through the module's own entry (`MODULE.__main__.main`: option parsing, the command and its messages are the
    user's code path, without an interpreter start-up of about a second), or with cli=True as a subprocess in `cwd`,
    which proves the wiring (a few tests per module do)."""
    args = [str(a) for a in args]
    if cli:
        return subprocess.run([sys.executable, "-m", module, *args], cwd=cwd, capture_output=True, text=True,
                              encoding="utf-8")
    assert cwd == REPO, "a run in another working directory is a subprocess (cli=True)"
    import contextlib
    import importlib
    import io

    main = importlib.import_module(f"{module}.__main__").main
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(args)
        except SystemExit as e:  # argparse refusing an option
            status = e.code
    return subprocess.CompletedProcess([module, *args], status, out.getvalue(), err.getvalue())


def run_etl_build(raw: pathlib.Path, db: pathlib.Path, *options, cli: bool = False,
                  cwd: pathlib.Path = REPO) -> subprocess.CompletedProcess:
    """`python -m etl build --raw RAW --db DB [OPTIONS]` through run_main: in this process, or with cli=True as a
    subprocess (in `cwd`)."""
    return run_main("etl", "build", "--raw", raw, "--db", db, *options, cli=cli, cwd=cwd)


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory) -> pathlib.Path:
    """The warehouse built from tests/fixtures/raw through the real ETL entry point (in this process)."""
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


def read_rows(path: pathlib.Path, encoding: str = "utf-8") -> tuple[list[str], list[list[str]]]:
    """A contract file as (leading comment lines, CSV rows including the header)."""
    import csv
    import io

    text = path.read_text(encoding=encoding)
    lines = text.splitlines(keepends=True)
    comments = []
    while lines and lines[0].startswith("#"):
        comments.append(lines.pop(0))
    return comments, list(csv.reader(io.StringIO("".join(lines))))


def write_rows(path: pathlib.Path, comments: list[str], rows: list[list[str]], delimiter: str = ",",
               encoding: str = "utf-8", newline: str = "\n") -> None:
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator=newline).writerows(rows)
    path.write_text("".join(c.rstrip("\r\n") + newline for c in comments) + buf.getvalue(), encoding=encoding,
                    newline="")


def set_cell(path: pathlib.Path, line: int, column: str, value: str) -> str:
    """Set one cell, addressed by its line in the file (comment lines count) and column name; returns the old value."""
    comments, rows = read_rows(path)
    header = rows[0]
    row = rows[line - len(comments) - 1]
    old = row[header.index(column)]
    row[header.index(column)] = value
    write_rows(path, comments, rows)
    return old


@pytest.fixture
def raw_copy(tmp_path) -> pathlib.Path:
    """A fresh copy of tests/fixtures/raw to break."""
    import shutil

    dst = tmp_path / "raw"
    shutil.copytree(FIXTURE_RAW, dst)
    return dst


@pytest.fixture
def existing_db(tmp_path, fixture_db) -> pathlib.Path:
    """A copy of the fixture warehouse standing in for the warehouse a user already has."""
    import shutil

    dst = tmp_path / "warehouse.duckdb"
    shutil.copyfile(fixture_db, dst)
    return dst
