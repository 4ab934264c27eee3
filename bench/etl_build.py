"""Benchmark of `python -m etl build` on the demo data: whole process (start-up, validation, verified publish),
median of --repeats runs, against a floor measured in the same run.

    .venv/bin/python bench/etl_build.py [--raw data/raw/demo] [--repeats 7] [--repo PATH]

The floor is a process that imports duckdb and copies the six contract files into a DuckDB file with
read_csv's auto-detection and no checks at all: what loading the same bytes costs without validation.
Prints the medians and the ratio build/floor; --repo runs another checkout's ETL (to compare before/after).
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FLOOR = """
import sys, duckdb
raw, db = sys.argv[1], sys.argv[2]
con = duckdb.connect(db)
for name in ("survey_respondents", "municipal_survey", "grants_s18", "grant_budgets", "cooperations", "population"):
    con.execute(f"create table {name} as select * from read_csv('{raw}/{name}.csv')")
con.close()
"""


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr}")
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raw", type=Path, default=REPO / "data" / "raw" / "demo")
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--repo", type=Path, default=REPO, help="checkout whose ETL is timed")
    args = ap.parse_args()
    raw = args.raw.resolve()
    builds, floors = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeats):  # interleaved, so machine load hits both alike
            db = Path(tmp) / "w.duckdb"
            builds.append(timed([sys.executable, "-m", "etl", "build", "--raw", str(raw), "--db", str(db)],
                                args.repo.resolve()))
            floor_db = Path(tmp) / f"floor{i}.duckdb"
            floors.append(timed([sys.executable, "-c", FLOOR, str(raw), str(floor_db)], REPO))
    b, f = statistics.median(builds), statistics.median(floors)
    print(f"python -m etl build ({args.repo.resolve()}): median {b:.2f} s of {args.repeats} "
          f"(min {min(builds):.2f}, max {max(builds):.2f})")
    print(f"floor (import duckdb, read_csv into a file): median {f:.2f} s")
    print(f"ratio build/floor: {b / f:.2f}")


if __name__ == "__main__":
    main()
