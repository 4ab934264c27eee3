"""Benchmark of `python -m etl build` on the demo data: whole process (start-up, validation, verified publish),
median of --repeats runs, against a floor measured in the same run.

    .venv/bin/python bench/etl_build.py [--raw data/raw/demo] [--repeats 7] [--repo PATH ...]

The floor is a process that imports duckdb and copies the six contract files into a DuckDB file with
read_csv's auto-detection and no checks at all: what loading the same bytes costs without validation.
Prints the medians and the ratio build/floor; --repo times other checkouts' ETL too (before/after: pass an old
checkout and this one), all interleaved run by run so that machine load hits each alike.
"""
from __future__ import annotations

import argparse
import resource
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


CPU: dict[str, list[float]] = {}  # CPU seconds (user + system) of each timed build: less noisy on a busy machine


def timed(cmd: list[str], cwd: Path, label: str) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr}")
    CPU.setdefault(label, []).append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raw", type=Path, default=REPO / "data" / "raw" / "demo")
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--repo", type=Path, nargs="+", default=[REPO], help="checkouts whose ETL is timed")
    args = ap.parse_args()
    raw = args.raw.resolve()
    repos = [r.resolve() for r in args.repo]
    builds: dict[Path, list[float]] = {r: [] for r in repos}
    floors: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeats):  # interleaved, so machine load hits all alike
            for repo in repos:
                db = Path(tmp) / "w.duckdb"
                builds[repo].append(timed([sys.executable, "-m", "etl", "build", "--raw", str(raw), "--db", str(db)],
                                          repo, str(repo)))
            floor_db = Path(tmp) / f"floor{i}.duckdb"
            floors.append(timed([sys.executable, "-c", FLOOR, str(raw), str(floor_db)], REPO, "floor"))
    f = statistics.median(floors)
    print(f"floor (import duckdb, read_csv into a file): median {f:.2f} s of {args.repeats}; "
          f"CPU median {statistics.median(CPU['floor']):.2f} s")
    for repo, times in builds.items():
        b = statistics.median(times)
        print(f"python -m etl build ({repo}): median {b:.2f} s (min {min(times):.2f}, max {max(times):.2f}); "
              f"ratio to the floor {b / f:.2f}; CPU median {statistics.median(CPU[str(repo)]):.2f} s")

if __name__ == "__main__":
    main()
