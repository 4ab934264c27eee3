"""Results and chart views shared between dashboard kernels: computed once per warehouse build, read by every page.

Every visitor gets a new kernel; without this each kernel ran the same queries and built the same plotly figures
again. Entries are files in a cache folder beside the warehouse (`data/warehouse.cache/<build id>/...`, or
$FRIVILLIGDATA_CACHE; `FRIVILLIGDATA_CACHE=off` turns the cache off), keyed on

- the warehouse's build id: a checksum of its build_info (built_at, data_kind, versions) and of the SHA-256 of
  every input file, so a rebuilt warehouse gets a new folder (the folders of older builds are removed);
- the source version: a SHA-256 of the content of every file that shapes a result or a view (SOURCE_GLOBS: the
  metrics' .sql and .yml, the query layer, views/ and pages/, the reference files), so an edited metric, text or
  chart is recomputed; no function bytecode anywhere;
- what was asked: the metric and its parameters, or the page, the panel, the values of the controls the panel uses
  and the language (pages.model.Page.view), and for a view the address of the map's geometry (views.geo).

The numbers still come only from the query layer: a cached result is what `queries.run` returned for that build.
Files are written to a temporary name and renamed, so a kernel never reads half a file; two kernels computing the
same entry at once both write the same content. The folder holds pickles: it must be writable only by the
account that runs the dashboards (as the warehouse itself).
"""
from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import pickle
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Callable

from . import geo

REPO = Path(__file__).resolve().parent.parent
CACHE_ENV = "FRIVILLIGDATA_CACHE"
# The files whose content shapes a result or a view (a digest of their content is part of every key).
SOURCE_GLOBS = ("queries/*.sql", "queries/*.yml", "queries/*.py", "views/*.py", "pages/*.py", "data/reference/*.csv")
FORMAT = 2  # bump when what is stored changes shape


def enabled() -> bool:
    return os.environ.get(CACHE_ENV, "").strip().lower() not in ("off", "0", "false", "no")


def folder(db_path: str | os.PathLike) -> Path:
    """The cache folder of a warehouse: $FRIVILLIGDATA_CACHE, else `<warehouse stem>.cache` beside it."""
    env = os.environ.get(CACHE_ENV, "").strip()
    if env and enabled():
        return Path(env).expanduser().resolve()
    p = Path(db_path)
    return p.with_name(p.stem + ".cache")


@lru_cache(maxsize=8)
def build_id(db_path: str, identity: int) -> str:
    """Checksum of the warehouse's build_info and input files (identity = its mtime, so a rebuilt file is re-read).

    Remembered per file identity (inode, mtime, size) in the cache folder, so that a kernel whose views are all
    cached does not open the warehouse at all."""
    try:
        st = os.stat(db_path)
    except OSError:
        return _compute_build_id(db_path)
    memo = folder(db_path) / ".ids" / f"{st.st_ino}-{st.st_mtime_ns}-{st.st_size}"
    try:
        return memo.read_text(encoding="ascii").strip()
    except OSError:
        pass
    bid = _compute_build_id(db_path)
    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        for old in memo.parent.iterdir():  # identities of replaced warehouse files
            old.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=memo.parent, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(bid)
        os.replace(tmp, memo)
    except OSError:
        pass
    return bid


def _compute_build_id(db_path: str) -> str:
    import queries
    from queries import provenance

    inputs = queries.build_inputs(db_path)
    return provenance.build_id(queries.build_info(db_path), list(zip(inputs["file"], inputs["sha256"])))


def _source_signature() -> tuple[tuple[str, int, int], ...]:
    """(path relative to the repository, size, modification time) of every file in SOURCE_GLOBS, in order: one
    directory listing per glob (the paths stay strings: with Path objects, their sorting and relative_to, a listing
    took 1.35 ms instead of 0.55, for every view and result a page reads)."""
    found = []
    for pattern in SOURCE_GLOBS:
        folder_, glob = pattern.rsplit("/", 1)
        with os.scandir(REPO / folder_) as entries:
            stats = [(e.name, e.stat()) for e in entries if fnmatch.fnmatchcase(e.name, glob) and e.is_file()]
        found += sorted((f"{folder_}/{name}", st.st_size, st.st_mtime_ns) for name, st in stats)
    return tuple(found)


@lru_cache(maxsize=4)
def _content_digest(signature: tuple) -> str:
    h = hashlib.sha256(f"format {FORMAT}".encode())
    for rel, *_ in signature:
        h.update(f"{rel}\n".encode())
        h.update(hashlib.sha256((REPO / rel).read_bytes()).digest())
    return h.hexdigest()[:16]


def code_version() -> str:
    """A digest of the content of every file in SOURCE_GLOBS (an edited metric, text or chart module changes every
    key). The files are listed for every view a page draws (one directory listing per glob) and read again only
    when one of them changed size or modification time."""
    return _content_digest(_source_signature())


def _entry(db_path: str, identity: int, kind: str, key: str) -> Path | None:
    if not enabled() or identity == 0:  # no warehouse: nothing to cache (the query layer reports it)
        return None
    root = folder(db_path)
    bid = build_id(db_path, identity)
    build_dir = root / bid
    if not build_dir.is_dir():
        build_dir.mkdir(parents=True, exist_ok=True)
        for old in root.iterdir():  # results of earlier builds of this warehouse are no longer valid
            if old.is_dir() and old.name != bid and not old.name.startswith("."):
                shutil.rmtree(old, ignore_errors=True)
    digest = hashlib.sha256(f"{code_version()}\n{key}".encode()).hexdigest()[:32]
    return build_dir / kind / f"{digest}.pkl"


def get_or_compute(db_path: str, identity: int, kind: str, key: str, compute: Callable[[], object]):
    """The stored value for (warehouse build, code version, kind, key), else compute() stored for the next kernel."""
    path = _entry(db_path, identity, kind, key)
    if path is None:
        return compute()
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except FileNotFoundError:
        pass
    except Exception:  # noqa: BLE001 - an unreadable entry (other Python, interrupted disk) is recomputed
        path.unlink(missing_ok=True)
    value = compute()
    try:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, AttributeError, TypeError):  # not storable (a local class): used, not kept
        return value
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
        os.replace(tmp, path)
    except OSError:  # a read-only or full disk costs speed, not correctness
        pass
    return value


class StoredTable:
    """The table behind a cached view, kept pickled until something needs it as a DataFrame (the XLSX download): a
    page drawn from the cache shows the table's HTML, built with the view, and so needs no pandas (issue 11)."""

    def __init__(self, frame):
        self.payload = pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL)
        self.rows = len(frame)

    def __len__(self) -> int:
        return self.rows

    def frame(self):
        return pickle.loads(self.payload)


def frame(table):
    """A view's table as a DataFrame, whether it came through the cache (StoredTable) or not."""
    return table.frame() if isinstance(table, StoredTable) else table


def plain_figure(fig) -> dict:
    """A plotly figure as its dict of plain lists, numbers and strings (its JSON), without numpy arrays, so that
    reading it back from the cache needs no numpy."""
    import plotly.io as pio

    return json.loads(pio.to_json(fig, validate=False))


class FigureDict(dict):
    """A plotly figure kept as its dict (what the page sends): building a plotly Figure again costs more than the
    query behind it. Offers the to_dict() the page code calls."""

    def to_dict(self) -> dict:
        return dict(self)


def view(warehouse: tuple[str, int], page: str, panel: str, inputs: dict, lang: str, compute: Callable[[], object],
         kind: str = "views"):
    """A panel's view (figure as a dict, table, metadata, texts) for the values of the controls it uses, shared
    between kernels; with kind="blocks" another part of the page (the headline figures, a block of text).
    `warehouse`: its path and modification time (views.data.key)."""
    db_path, identity = warehouse

    def build():
        v = compute()
        fig = getattr(v, "fig", None)
        if fig is not None and hasattr(fig, "to_dict") and not isinstance(fig, FigureDict):
            v.fig = FigureDict(plain_figure(fig))
        table = getattr(v, "table", None)
        if table is not None and not isinstance(table, StoredTable):
            v.table = StoredTable(table)
        return v

    # a map drawn under the dashboard server names the address of its geometry (views.geo): part of the key
    key = f"{page}\n{panel}\n{sorted(inputs.items())!r}\n{lang}\n{os.environ.get(geo.URL_ENV, '')}"
    return get_or_compute(db_path, identity, kind, key, build)


def build_info(db_path: str, identity: int, compute: Callable[[], object]):
    """The warehouse's build_info (the demo banner needs it on every page), shared between kernels."""
    return get_or_compute(db_path, identity, "build_info", "build_info", compute)


def result(metric: str, items: tuple, db_path: str, identity: int, compute: Callable[[], object]):
    """A query result (queries.Result) for this metric and parameters, shared between kernels."""
    return get_or_compute(db_path, identity, "results", f"{metric}\n{items!r}", compute)
