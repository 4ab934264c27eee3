"""Benchmark of the municipal model: all 98 municipalities of one wave, against a floor measured in the same run.

    .venv/bin/python bench/small_area.py [--db data/warehouse.duckdb] [--year 2021] [--repeats 20]

Times, median of --repeats runs after one warm-up, on one warehouse (default the demo):
  (a) run("municipal_participation", year=Y): the SQL file (direct estimates, smoothed variances, covariates) and
      the Python step (REML, EBLUP, MSE; queries/small_area.py);
  (b) the Python step alone on the SQL file's rows;
  (f) the floor: run("participation_rate", year=Y), one survey estimate through the same query layer.
Prints the times and a/f; the model's share of (a) is b/a.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import queries  # noqa: E402
from queries import small_area  # noqa: E402


def median_time(fn, repeats: int) -> float:
    fn()  # warm-up: connection, macros, parse tree
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", default=None)
    ap.add_argument("--year", type=int, default=2021)
    ap.add_argument("--repeats", type=int, default=20)
    args = ap.parse_args(argv)
    con = queries.connect(args.db)
    con.execute("set variable year = ?", [args.year])
    rows = con.sql(queries.load_metric("municipal_participation").sql).df()
    con.execute("reset variable year")
    a = median_time(lambda: queries.run("municipal_participation", year=args.year, db=args.db), args.repeats)
    b = median_time(lambda: small_area.finish(rows, {}), args.repeats)
    f = median_time(lambda: queries.run("participation_rate", year=args.year, db=args.db), args.repeats)
    print(f"wave {args.year}, {len(rows)} municipalities, median of {args.repeats}")
    print(f"(a) municipal_participation  {a * 1000:8.1f} ms")
    print(f"(b) its Python step          {b * 1000:8.1f} ms   b/a = {b / a:.2f}")
    print(f"(f) floor participation_rate {f * 1000:8.1f} ms   a/f = {a / f:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
