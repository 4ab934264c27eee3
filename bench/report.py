"""Benchmark: the annual report build, whole process (`python -m reports build`), median of several runs.

The floor, measured in the same run and interleaved with the builds so machine load hits both alike, is the
least any build must do: start Python with the project imported, start headless Chromium, print an empty page
to PDF. Prints the median wall times, the ratio to the floor, the page count and the file sizes.

    .venv/bin/python bench/report.py [--year 2021] [--lang da] [--runs 5]
"""
from __future__ import annotations

import argparse
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parents[1]

FLOOR = """
import pathlib, sys, tempfile
import reports.build  # the project's imports, as the build has them
from reports.pdf import Chromium
with tempfile.TemporaryDirectory() as d:
    html = pathlib.Path(d) / "empty.html"
    html.write_text("<!DOCTYPE html><html lang='da'><title>x</title><h1>x</h1></html>", encoding="utf-8")
    with Chromium() as c:
        c.print_pdf(html, pathlib.Path(d) / "empty.pdf", "x")
"""


def timed(args: list[str]) -> float:
    started = time.perf_counter()
    proc = subprocess.run(args, cwd=REPO, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(args)}\n{proc.stderr}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--year", type=int, default=2021)
    parser.add_argument("--lang", default="da")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from reports.pdf import pdf_structure

    builds, floors = [], []
    with tempfile.TemporaryDirectory() as out:
        for _ in range(args.runs):
            floors.append(timed([sys.executable, "-c", FLOOR]))
            builds.append(timed([sys.executable, "-m", "reports", "build", "--year", str(args.year),
                                 "--lang", args.lang, "--out", out]))
            print(f"  run {len(builds)}: floor {floors[-1]:.1f} s, build {builds[-1]:.1f} s", flush=True)
        stem = f"frivilligrapport-{args.year}.{args.lang}"
        html, pdf = pathlib.Path(out) / f"{stem}.html", pathlib.Path(out) / f"{stem}.pdf"
        pages = pdf_structure(pdf).pages
        html_kb, pdf_kb = html.stat().st_size / 1024, pdf.stat().st_size / 1024
    b, f = statistics.median(builds), statistics.median(floors)
    print(f"report {args.year} {args.lang}: build median {b:.1f} s over {args.runs} runs "
          f"(min {min(builds):.1f}, max {max(builds):.1f})")
    print(f"floor (python + imports + Chromium + empty PDF): median {f:.1f} s")
    print(f"ratio build / floor: {b / f:.1f}")
    print(f"pages {pages}, HTML {html_kb:.0f} kB, PDF {pdf_kb:.0f} kB")


if __name__ == "__main__":
    main()
