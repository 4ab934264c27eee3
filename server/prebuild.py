"""Build the dashboards' views into the shared cache right after the warehouse is built, so that the first visitors
after a rebuild get pages drawn from the cache like everyone after them (`make warehouse` runs it).

    python -m server.prebuild [--db data/warehouse.duckdb] [--views default|near] [--jobs N]

Walks the page declarations (pages/): every view of each page's plain address, in Danish and English, with the
map geometry's address as `server.serve` gives it (part of a view's key, views.geo). With `--views near` (the
default) it then builds each page once more for every address one dropdown change away from it (another wave,
breakdown, indicator, municipality ...), in --jobs processes: the views a visitor reaches with their first change
(computing one takes the kernel 50-100 ms a panel; reading it back 2 ms). No notebook runs and nothing is patched:
a view is built by the same `Page.view` a served page calls, into the cache folder beside the warehouse
(views.cache). A panel that fails is reported and the others still built; exit status 1 if any failed.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from pages import PAGES
from pages.model import address, converted, near
from views import geo

LANG_QUERIES = ("", "?lang=en")  # the default page in Danish and English


def _setup(db: str | None, base_url: str) -> None:
    """Point this process at the warehouse and the served map address."""
    if db:
        os.environ["FRIVILLIGDATA_DB"] = str(Path(db).resolve())
    os.environ[geo.URL_ENV] = geo.served_url(base_url)


def run_page(name: str, query: str) -> tuple[list[str], list[str]]:
    """Build every view of a declared page for one address into the cache, as a kernel serving that address would
    (pages.model.Page.view); returns (its failures, the addresses one change away)."""
    page = PAGES[name]
    try:
        lang, controls, state = page.open(query)
        values = state.values
        shown = converted(controls, values)
    except Exception as exc:  # noqa: BLE001 - reported, the other pages still built
        return [f"{name}{query}: {type(exc).__name__}: {exc}"], []
    failures = []
    for panel in page.blocks:
        try:
            page.view(panel, shown, lang)
        except Exception as exc:  # noqa: BLE001 - a panel that fails is reported, the others still built
            failures.append(f"{name}{query}: {panel.name}: {type(exc).__name__}: {exc}")
    return failures, [address(controls, v) for v in near(controls, values)]


def _run_pages(jobs: list[tuple[str, str]]) -> list[str]:
    failures: list[str] = []
    for name, query in jobs:
        failures += run_page(name, query)[0]
    return failures


def prebuild(db: str | None = None, base_url: str = "/", *, near: bool = True, jobs: int | None = None) -> list[str]:
    """Run every dashboard's notebook for the default view in both languages (and, with near, for every address one
    widget change away, in `jobs` processes); returns the failures."""
    _setup(db, base_url)
    failures: list[str] = []
    todo: list[tuple[str, str]] = []
    for name in PAGES:
        for query in LANG_QUERIES:
            started = time.perf_counter()
            failed, nearby = run_page(name, query)
            failures += failed
            todo += [(name, q) for q in nearby]
            print(f"{name}{query}: {time.perf_counter() - started:.1f} s" + (f", {len(failed)} failed" if failed else ""),
                  flush=True)
    if not near or not todo:
        return failures
    started = time.perf_counter()
    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    # every worker gets pages of every dashboard (round robin), so they finish together
    shares = [todo[i::workers] for i in range(workers)]
    if workers == 1:
        failures += _run_pages(todo)
    else:
        # spawned, not forked: a fork would copy this process's open DuckDB connection
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_setup,
                                 initargs=(db, base_url)) as pool:
            try:
                for failed in pool.map(_run_pages, shares):
                    failures += failed
            except Exception as exc:  # noqa: BLE001 - a worker that died (memory, a signal): reported like a panel
                failures.append(f"pages one change away: {type(exc).__name__}: {exc}")
    print(f"{len(todo)} pages one change away: {time.perf_counter() - started:.1f} s in {workers} processes",
          flush=True)
    return failures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="the warehouse (default: $FRIVILLIGDATA_DB or data/warehouse.duckdb)")
    ap.add_argument("--views", choices=("default", "near"), default="near",
                    help="default: each dashboard's default page; near (default): also every page one change away")
    ap.add_argument("--jobs", type=int, default=None, help="processes for the pages one change away (default: cores)")
    args = ap.parse_args(argv)
    if args.jobs is not None and args.jobs < 1:
        ap.error(f"--jobs must be at least 1, got {args.jobs}")
    failures = prebuild(args.db, near=args.views == "near", jobs=args.jobs)
    for f in failures:
        print(f"error: {f}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
