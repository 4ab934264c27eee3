"""Build the dashboards' default views into the shared cache right after the warehouse is built, so that the first
visitors after a rebuild get pages drawn from the cache like everyone after them (`make warehouse` runs it).

    python -m dashboards.prebuild [--db data/warehouse.duckdb]

Runs each dashboard notebook's own code, as a page without URL parameters would, in Danish and English, with the
map geometry's address as `dashboards.serve` gives it (part of a view's key, dashboards.geo). Nothing is displayed;
the views land in the cache folder beside the warehouse (dashboards.cache). A panel that fails is reported and the
others still built; exit status 1 if any failed.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

from . import geo, state
from .labels import DASHBOARDS

NOTEBOOKS = Path(__file__).resolve().parent


def notebook_code(name: str) -> str:
    """The code cells of a dashboard notebook, as one script."""
    nb = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
    return "\n\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")


class _Failures(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.seen.append(record.getMessage())


def prebuild(db: str | None = None, base_url: str = "/") -> list[str]:
    """Run every dashboard's notebook for the default view in both languages; returns the failures."""
    from . import ui

    if db:
        os.environ["FRIVILLIGDATA_DB"] = str(Path(db).resolve())
    os.environ[geo.URL_ENV] = geo.served_url(base_url)
    os.environ.pop("VOILA_PREHEAT", None)
    ui.display = lambda *args, **kwargs: None  # build the views, show nothing
    failures: list[str] = []
    failed = _Failures()
    ui.log.addHandler(failed)  # a panel that fails logs its traceback and shows a message: collect them
    try:
        for name, *_ in DASHBOARDS:
            for query in ("", "lang=en"):
                os.environ["QUERY_STRING"] = query
                state.current_query_string.cache_clear()  # a kernel reads its page's address once; here: each run
                started = time.perf_counter()
                failed.seen = []
                try:
                    exec(compile(notebook_code(name), name, "exec"), {"__name__": "__main__"})
                except Exception as exc:  # noqa: BLE001 - reported, the other dashboards still built
                    failed.seen.append(f"{type(exc).__name__}: {exc}")
                failures += [f"{name}?{query}: {s}" for s in failed.seen]
                print(f"{name}{'?' + query if query else ''}: {time.perf_counter() - started:.1f} s"
                      + (f", {len(failed.seen)} failed" if failed.seen else ""), flush=True)
    finally:
        ui.log.removeHandler(failed)
    return failures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="the warehouse (default: $FRIVILLIGDATA_DB or data/warehouse.duckdb)")
    args = ap.parse_args(argv)
    failures = prebuild(args.db)
    for f in failures:
        print(f"error: {f}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
