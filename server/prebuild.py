"""Build the dashboards' views into the shared cache right after the warehouse is built, so that the first visitors
after a rebuild get pages drawn from the cache like everyone after them (`make warehouse` runs it).

    python -m server.prebuild [--db data/warehouse.duckdb] [--views default|near] [--jobs N]

Runs each dashboard notebook's own code, as a page without URL parameters would, in Danish and English, with the
map geometry's address as `server.serve` gives it (part of a view's key, dashboards.geo). With `--views near`
(the default) it then runs each page once more for every address one widget change away from it (another wave,
breakdown, indicator, municipality ...), in --jobs processes: the views a visitor reaches with their first change
(computing one takes the kernel 50-100 ms a panel; reading it back 2 ms). Nothing is displayed; the views land in
the cache folder beside the warehouse (dashboards.cache). A panel that fails is reported and the others still
built; exit status 1 if any failed.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from dashboards import geo, state
from dashboards.labels import DASHBOARDS

NOTEBOOKS = Path(__file__).resolve().parent.parent / "dashboards"
LANG_QUERIES = ("", "?lang=en")  # the default page in Danish and English


def notebook_cells(name: str) -> list[str]:
    """The code cells of a dashboard notebook."""
    nb = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def run_cells(name: str) -> dict:
    """Run a notebook's code cells one by one in a fresh namespace, compiled as a kernel compiles them: a view's
    cache key holds its panel function's bytecode, and compiled as one script the same cells give other bytecode
    (LOAD_ATTR instead of LOAD_METHOD), so the views built here would never be read by a served page."""
    namespace = {"__name__": "__main__"}
    for i, cell in enumerate(notebook_cells(name), 1):
        exec(compile(cell, f"{name}, cell {i}", "exec", dont_inherit=True), namespace)
    return namespace


class _Failures(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.seen.append(record.getMessage())


def _setup(db: str | None, base_url: str) -> None:
    """Point this process at the warehouse and the served map address; pages display nothing."""
    from dashboards import ui

    if db:
        os.environ["FRIVILLIGDATA_DB"] = str(Path(db).resolve())
    os.environ[geo.URL_ENV] = geo.served_url(base_url)
    os.environ.pop("VOILA_PREHEAT", None)
    ui.display = lambda *args, **kwargs: None  # build the views, show nothing


def near_queries(dash) -> list[str]:
    """The addresses one widget change away from a page: each other option of each control, with the controls that
    depend on it set as the page would set them after that change (back to their default when no longer offered)."""
    from dashboards import ui

    choices = [c.choice for c in dash.controls]
    out = []
    for c in dash.controls:
        for _, value in c.options_for(dash.state.values):
            if value == c.shown(dash.state.values):  # the page itself
                continue
            values = dict(dash.state.values, **{c.name: value})
            ui.reset_dependents(dash.controls, values, c.name)
            out.append(state.to_query(values, choices))
    return out


def run_page(name: str, query: str) -> tuple[list[str], list[str]]:
    """Run a dashboard's notebook for one address; returns (its failures, the addresses one change away)."""
    from dashboards import ui

    os.environ["QUERY_STRING"] = query.lstrip("?")
    state.request_query_string.cache_clear()  # a kernel reads its page's address once; here: each run
    failed = _Failures()
    ui.log.addHandler(failed)  # a panel that fails logs its traceback and shows a message: collect them
    shown: list = []
    show = ui.Dashboard.show
    ui.Dashboard.show = lambda self: (shown.append(self), show(self))[1]
    try:
        run_cells(name)
    except Exception as exc:  # noqa: BLE001 - reported, the other pages still built
        failed.seen.append(f"{type(exc).__name__}: {exc}")
    finally:
        ui.Dashboard.show = show
        ui.log.removeHandler(failed)
    return [f"{name}{query}: {s}" for s in failed.seen], [q for d in shown for q in near_queries(d)]


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
    for name, *_ in DASHBOARDS:
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
