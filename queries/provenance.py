"""Where a result came from: the one description that every output of the project carries.

`python -m queries run` (CSV, JSON, Parquet), `python -m etl export` (Parquet, CSV, Stata, SPSS) and the
dashboards' downloads (CSV, XLSX) all take it from here:

- data_kind: demo (synthetic) or real, from the warehouse's build_info;
- built_at and build_id: when the warehouse was built, and a checksum of its build_info and of the SHA-256 of every
  input file (the dashboards' cache keys its entries on the same id);
- inputs: each input file with the first 12 hex digits of its SHA-256 (the build_inputs table has them whole);
- code_version: the git commit of the code that computed the output when it runs from a git checkout (`+dirty`
  when tracked files differ from it), else the package version; frivilligdata_version: the package version
  (pyproject.toml, the project's one version number);
- duckdb_version: the DuckDB that computed the output.

In a CSV it is one first line starting with `# ` (`provenance: key=value; key=value ...`), like the dashboards'
downloads: `pd.read_csv(f, comment="#")` or `skiprows=1`, R `read.csv(f, skip = 1)` or `comment.char = "#"`.
"""
from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import pathlib
import subprocess

REPO = pathlib.Path(__file__).resolve().parent.parent
PACKAGE = "frivilligdata"
CHECKSUM_CHARS = 12  # of an input file's SHA-256 in the provenance (build_inputs holds all 64)
KEYS = ("data_kind", "built_at", "build_id", "inputs", "code_version", "frivilligdata_version", "duckdb_version")


@functools.lru_cache(maxsize=1)
def package_version() -> str:
    """The project's version: pyproject.toml's when running from the repository, else the installed package's."""
    pyproject = REPO / "pyproject.toml"
    if pyproject.is_file():
        import tomllib

        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
        if project.get("name") == PACKAGE:
            return str(project["version"])
    try:
        return importlib.metadata.version(PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


@functools.lru_cache(maxsize=1)
def git_commit() -> str | None:
    """The checkout's commit (12 hex digits, `+dirty` when tracked files were changed), None outside a git
    checkout or without git. Local only: runs `git` in the repository, never reaches a network."""
    if not (REPO / ".git").exists():
        return None
    try:
        commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short=12", "HEAD"], capture_output=True,
                                text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return (commit + ("+dirty" if dirty else "")) or None


def code_version() -> str:
    """The git commit when available, else the package version."""
    return git_commit() or package_version()


def build_id(info: dict[str, str], inputs: list[tuple[str, str]]) -> str:
    """Checksum (20 hex digits) of a warehouse's build_info and of its input files' (name, SHA-256)."""
    h = hashlib.sha256()
    for k in sorted(info):
        h.update(f"{k}={info[k]}\n".encode())
    for file, sha in sorted(inputs):
        h.update(f"{file}:{sha}\n".encode())
    return h.hexdigest()[:20]


def describe(info: dict[str, str], inputs: list[tuple[str, str]]) -> dict[str, str]:
    """The provenance (KEYS, in that order) of an output computed now from a warehouse with this build_info and
    these (file, sha256) inputs."""
    import duckdb

    return {
        "data_kind": info.get("data_kind", "unknown"),
        "built_at": info.get("built_at", "unknown"),
        "build_id": build_id(info, inputs),
        "inputs": ",".join(f"{file}:{sha[:CHECKSUM_CHARS]}" for file, sha in sorted(inputs)),
        "code_version": code_version(),
        "frivilligdata_version": package_version(),
        "duckdb_version": duckdb.__version__,
    }


def from_connection(con) -> dict[str, str]:
    """The provenance of an output computed on this warehouse connection."""
    info = {str(k): str(v) for k, v in con.execute("select key, value from build_info").fetchall()}
    inputs = [(str(f), str(s)) for f, s in con.execute("select file, sha256 from build_inputs").fetchall()]
    return describe(info, inputs)


def of_warehouse(db=None) -> dict[str, str]:
    """The provenance of an output computed now on the warehouse `db` (default: the query layer's)."""
    from .engine import _warehouse

    wh = _warehouse(db)
    with wh.lock:
        return from_connection(wh.con)


def line(prov: dict[str, str], **extra) -> str:
    """One line of text: `provenance: key=value; ...` (extra keys, e.g. the metric and its parameters, after)."""
    items = {**prov, **{k: v for k, v in extra.items() if v is not None}}
    return "provenance: " + "; ".join(f"{k}={_flat(v)}" for k, v in items.items())


def csv_comment(prov: dict[str, str], **extra) -> str:
    """The first line of a CSV: `# provenance: ...` and a newline."""
    return "# " + line(prov, **extra) + "\n"


def _flat(value) -> str:
    return " ".join(str(value).replace(";", ",").split())
