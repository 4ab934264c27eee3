"""`python -m etl build`: validate the contract files and write the warehouse atomically.

The warehouse is built in `<db>.tmp-<pid>` beside the target; staging tables live in a scratch DuckDB file in
`<db>.tmp-<pid>.staging/` so memory stays modest for large survey files (small inputs are staged in memory).
Publishing is verified: CHECKPOINT, close, reopen read-only and check every table's row count and build_info,
fsync the file and its folder, and only then rename it over the old warehouse (os.replace). On any failure
(invalid input, disk full, I/O or permission error) the temporary file, its WAL and the staging folder are
removed and the previous warehouse is untouched; docs/data-safety.md describes the guarantees.
"""
from __future__ import annotations

import datetime as dt
import os
import pathlib
import platform
import shutil
import sys
import time

import duckdb

from etl import cooperations, grants, municipal_survey, population, reference, schema, survey
from etl.errors import BuildFailed, InvalidInput, Problem, cause_of, every_problem, known_cause
from etl.staging import Staged, lit
from queries import macros as query_macros
from queries import provenance

REPO = pathlib.Path(__file__).resolve().parents[1]
DEFAULT_RAW = REPO / "data" / "raw" / "demo"
DEFAULT_DB = REPO / "data" / "warehouse.duckdb"
CONTRACT_FILES = ("survey_respondents.csv", "municipal_survey.csv", "grants_s18.csv", "grant_budgets.csv",
                  "cooperations.csv", "population.csv")
ALL_FILES = "*"  # key of a --decimal that names no file
DECIMAL_SIGNS = {".": "point", ",": "comma"}
# Inputs smaller than this are staged in memory; larger ones (millions of respondents) in a scratch file.
IN_MEMORY_STAGING_BYTES = 256 << 20
# One loader per source module; each validates its file(s) and fills its table(s).
LOADERS = (survey.load, municipal_survey.load, grants.load, cooperations.load, population.load)
TABLES = ("municipalities", "labels", "published_figures", "survey_waves", "survey_wave_comparable",
          "survey_respondents", "municipal_survey", "grants_s18",
          "grant_budgets", "cooperations", "population", "build_info", "build_inputs", "build_warnings")


def default_db() -> pathlib.Path:
    """FRIVILLIGDATA_DB if set, else data/warehouse.duckdb in the repository."""
    return pathlib.Path(os.environ["FRIVILLIGDATA_DB"]) if os.environ.get("FRIVILLIGDATA_DB") else DEFAULT_DB


class Build:
    """State of one build: the connection to the new warehouse, the staging area, inputs and warnings."""

    def __init__(self, con: duckdb.DuckDBPyConnection, raw_dir: pathlib.Path, staging_dir: pathlib.Path,
                 decimal: dict[str, str] | None = None):
        self.con = con
        self.decimal = decimal or {}  # file name (or ALL_FILES) -> 'point' / 'comma', from --decimal
        self.raw_dir = raw_dir
        self.waves_dir = raw_dir  # where a survey_waves.csv of the data owner's own waves would be (etl.reference)
        self.staging_dir = staging_dir
        self.municipality_codes: list[int] = []
        self.inputs: list[Staged] = []
        self.warnings: list[Problem] = []
        self.population_format = "contract"
        self._codes: dict[str, list[str]] = {}

    def codes(self, codes: str | tuple[str, ...]) -> list[str]:
        """Accepted codes: an explicit tuple, or every code of a labels.csv dimension."""
        if isinstance(codes, tuple):
            return list(codes)
        if codes not in self._codes:
            rows = self.con.execute("select code from labels where dimension = ? order by sort_order, code",
                                    [codes]).fetchall()
            if not rows:
                raise RuntimeError(f"no codes for dimension {codes!r} in data/reference/labels.csv")
            self._codes[codes] = [r[0] for r in rows]
        return self._codes[codes]

    def decimal_for(self, file: str) -> str | None:
        """The decimal sign named for this file (or for every file) with --decimal; None: decided from the data."""
        return self.decimal.get(file) or self.decimal.get(ALL_FILES)

    def warn(self, problems: list[Problem], record: bool = True) -> None:
        for p in problems:
            print(f"warning: {p}", file=sys.stderr)
            if record:
                self.con.execute("insert into build_warnings values (?, ?, ?, ?, ?)",
                                 [p.file, p.line, p.column, p.value, p.message])
        self.warnings += problems

    def record_input(self, staged: Staged) -> None:
        self.inputs.append(staged)


def _remove(*paths: pathlib.Path) -> None:
    for p in paths:
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        elif p.exists():
            p.unlink()


DUCKDB_MAGIC = (8, b"DUCK")  # a DuckDB database file carries "DUCK" at byte 8
# Free space below (raw input / 4 + 1 MiB) cannot hold the new warehouse: a lower bound, so it never refuses a
# build that would fit; the real failure (ENOSPC) is caught anyway, this only says it before any work is done.
MIN_FREE_BYTES = 1 << 20
# The oldest DuckDB that opens the warehouse: written in the 1.5 storage format, so that the duckdb shell from PyPI
# (`pip install duckdb-cli`, 1.5) opens data/warehouse.duckdb as it is (docs/sql.md), not only the Python package.
STORAGE_VERSION = "v1.5.0"


def check_inputs(raw_dir: pathlib.Path) -> None:
    """The raw folder and every contract file exist, are what they should be and can be opened."""
    if not raw_dir.is_dir():
        hint = " (generate the demo with `python -m etl demo`)" if raw_dir == DEFAULT_RAW else ""
        what = "is not a folder" if raw_dir.exists() else "raw data folder not found"
        raise InvalidInput([Problem(str(raw_dir), None, None, None, what + hint)])
    problems = []
    for f in CONTRACT_FILES:
        path = raw_dir / f
        if path.is_dir():
            problems.append(Problem(f, None, None, None, f"is a folder, not a file, in {raw_dir}"))
        elif not path.exists():
            problems.append(Problem(f, None, None, None, f"contract file missing from {raw_dir} (every one of "
                                    f"{', '.join(CONTRACT_FILES)} is needed)"))
        elif not path.is_file():
            problems.append(Problem(f, None, None, None, f"is not a regular file (in {raw_dir})"))
        else:
            try:
                with open(path, "rb") as fh:
                    fh.read(1)
            except OSError as e:
                problems.append(Problem(f, None, None, None, f"cannot be read: {cause_of(e)} ({path})"))
    if problems:
        raise InvalidInput(problems)


def check_target(db_path: pathlib.Path) -> None:
    """The target is a DuckDB file or absent, in a folder that can be written; raises BuildFailed."""
    if db_path.is_dir():
        raise BuildFailed(f"cannot build {db_path}: it is a folder, not a warehouse file")
    if db_path.exists():
        try:
            with open(db_path, "rb") as f:
                head = f.read(16)
        except OSError as e:
            raise BuildFailed(f"cannot read the existing warehouse {db_path}: {cause_of(e)}") from None
        offset, magic = DUCKDB_MAGIC
        if head and head[offset:offset + len(magic)] != magic:
            raise BuildFailed(f"{db_path} is not a DuckDB warehouse; not replacing it (choose another --db or "
                              "remove the file)")
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise BuildFailed(f"cannot create the folder {db_path.parent}: {cause_of(e)}") from None
    if not os.access(db_path.parent, os.W_OK | os.X_OK):
        raise BuildFailed(f"cannot write to the folder {db_path.parent}: permission denied; {db_path} was not changed")


def check_free_space(raw_dir: pathlib.Path, db_path: pathlib.Path) -> None:
    raw_bytes = sum((raw_dir / f).stat().st_size for f in CONTRACT_FILES)
    need = raw_bytes // 4 + MIN_FREE_BYTES
    st = os.statvfs(db_path.parent)
    free = st.f_bavail * st.f_frsize
    if free < need:
        raise BuildFailed(f"disk full: {free / 2**20:.1f} MB free in {db_path.parent}, the new warehouse needs at "
                          f"least {need / 2**20:.1f} MB; {db_path} was not changed")


def _fsync(path: pathlib.Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def verify(tmp: pathlib.Path, counts: dict[str, int]) -> None:
    """Reopen the finished file read-only: every table there with the rows loaded, build_info readable."""
    wal = tmp.with_name(tmp.name + ".wal")
    if wal.exists():
        raise BuildFailed(f"could not write {tmp}: the last changes are still in {wal.name} (checkpoint failed)")
    con = duckdb.connect(str(tmp), read_only=True)
    try:
        present = {r[0] for r in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'main'").fetchall()}
        missing = [t for t in TABLES if t not in present]
        if missing:
            raise BuildFailed(f"verification of {tmp} failed: tables missing: {', '.join(missing)}")
        for t in TABLES:
            n = con.execute(f"select count(*) from {t}").fetchone()[0]
            if n != counts[t]:
                raise BuildFailed(f"verification of {tmp} failed: {t} has {n} rows, {counts[t]} were loaded")
        info = dict(con.execute("select key, value from build_info").fetchall())
        if info.get("data_kind") not in ("demo", "real"):
            raise BuildFailed(f"verification of {tmp} failed: build_info unreadable")
    finally:
        con.close()


def publish(tmp: pathlib.Path, db_path: pathlib.Path) -> None:
    """fsync the new file and its folder, rename it over the old warehouse, fsync the folder again."""
    _fsync(tmp)
    _fsync(db_path.parent)
    os.replace(tmp, db_path)
    _fsync(db_path.parent)


def _check_population_years(b: Build) -> None:
    missing = b.con.execute("""
        select distinct year from survey_respondents
        where year not in (select year from population) order by 1""").fetchall()
    b.warn([Problem("population.csv", None, "year", str(y), f"no population for survey year {y}; "
                    "metrics that scale a wave by its residents (volunteers_count, fte, total_hours_per_year) refuse "
                    "it until population.csv has that year") for (y,) in missing])


def _write_metadata(b: Build, raw_dir: pathlib.Path) -> None:
    con = b.con
    synthetic = any(s.dialect.synthetic for s in b.inputs)
    info = {
        "built_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "data_kind": "demo" if synthetic else "real",
        "raw_dir": str(raw_dir),
        "duckdb_version": duckdb.__version__,
        "frivilligdata_version": provenance.package_version(),  # pyproject.toml's, the project's one version
        "git_commit": provenance.git_commit() or "",  # the code's commit when built from a git checkout
        "python_version": platform.python_version(),
        "population_format": b.population_format,
    }
    con.executemany("insert into build_info values (?, ?)", list(info.items()))
    con.executemany("insert into build_inputs values (?, ?, ?, ?, ?, ?, ?, ?)", [
        [s.dialect.path.name, s.dialect.sha256, s.dialect.bytes, s.rows, s.dialect.encoding, s.dialect.delimiter,
         s.decimal_comma, s.dialect.synthetic] for s in b.inputs])


# Errors of the machine rather than of the input: turned into BuildFailed (exit status 2, one line). Any other
# DuckDB error is a bug and keeps its traceback.
DISK_ERRORS = (OSError, duckdb.IOException, duckdb.OutOfMemoryException, duckdb.FatalException)


def parse_decimal(options: list[str]) -> dict[str, str]:
    """`--decimal .`, `--decimal ,` (every file) and `--decimal FILE=.` (one file; the later wins) as a mapping
    file -> 'point' / 'comma'; ValueError saying what is accepted."""
    out = {}
    for option in options:
        file, _, sign = option.rpartition("=")
        if sign not in DECIMAL_SIGNS or file and file not in CONTRACT_FILES:
            raise ValueError(f"--decimal {option!r}: expected . or , optionally after FILE= where FILE is one of "
                             f"{', '.join(CONTRACT_FILES)} (e.g. --decimal survey_respondents.csv=,)")
        out[file or ALL_FILES] = DECIMAL_SIGNS[sign]
    return out


def build(raw_dir: pathlib.Path, db_path: pathlib.Path, decimal: dict[str, str] | None = None) -> dict[str, int]:
    """Build the warehouse at db_path from the contract files in raw_dir; returns the row count of every table
    (and under `_synthetic_inputs` the number of input files that declare themselves synthetic).

    Raises InvalidInput (every problem found in every file) when the input breaks the contract, BuildFailed when
    the warehouse cannot be written, verified and published. `decimal` (parse_decimal) names decimal signs that a
    file's numbers do not show. Either way the old warehouse is left as it was and
    no temporary file, WAL or staging folder stays behind.
    """
    raw_dir, db_path = raw_dir.resolve(), db_path.resolve()
    check_inputs(raw_dir)
    check_target(db_path)
    check_free_space(raw_dir, db_path)
    tmp = db_path.with_name(f"{db_path.name}.tmp-{os.getpid()}")
    tmp_wal = tmp.with_name(tmp.name + ".wal")
    staging_dir = tmp.with_name(tmp.name + ".staging")
    con = None
    try:
        _remove(tmp, tmp_wal, staging_dir)
        staging_dir.mkdir()
        con = duckdb.connect(str(tmp), config={"storage_compatibility_version": STORAGE_VERSION})
        con.execute(f"set temp_directory = {lit(str(staging_dir / 'spill'))}")
        con.execute("set enable_progress_bar = false")
        b = Build(con, raw_dir, staging_dir, decimal)
        con.execute("begin")  # one commit for the fixed part instead of one per statement
        schema.create(con)
        reference.load(b)
        con.execute("commit")
        raw_bytes = sum((raw_dir / f).stat().st_size for f in CONTRACT_FILES)
        staging_db = ":memory:" if raw_bytes < IN_MEMORY_STAGING_BYTES else str(staging_dir / "staging.duckdb")
        con.execute(f"attach {lit(staging_db)} as stg")
        every_problem(lambda load=load: load(b) for load in LOADERS)
        _check_population_years(b)
        _write_metadata(b, raw_dir)
        con.execute("detach stg")
        con.execute("begin")
        schema.apply_comments(con)
        con.execute("commit")
        # the metrics' DuckDB macros, so queries/*.sql run as they are (docs/sql.md); a broken metric file is left
        # out with a warning (the query layer and `python -m queries check NAME` say what is wrong with it)
        skipped: list = []
        fingerprint = query_macros.fingerprint()
        query_macros.install(con, skipped=skipped)
        con.execute("insert into build_info values ('macros', ?)", [fingerprint])
        for problem in skipped:
            print(f"warning: metric left out of the warehouse's macros: {problem}", file=sys.stderr)
        counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}
        counts["_synthetic_inputs"] = sum(s.dialect.synthetic for s in b.inputs)
        con.execute("checkpoint")
        con.close()
        con = None
        verify(tmp, counts)
        publish(tmp, db_path)
        return counts
    except (OSError, duckdb.Error) as e:
        # a DuckDB error of another kind (a failed commit) counts when its text names an OS cause (disk full, ...)
        if not isinstance(e, DISK_ERRORS) and not known_cause(e):
            raise
        where = getattr(e, "filename", None)
        if where and pathlib.Path(where).parent == raw_dir:  # an input file failed while being read
            raise BuildFailed(f"{cause_of(e)} while reading {where}; {db_path} was not changed") from e
        raise BuildFailed(f"{cause_of(e)} while writing {where or tmp} (the new warehouse); {db_path} was not "
                          "changed") from e
    finally:
        if con is not None:
            try:
                con.close()
            except duckdb.Error:
                pass
        _remove(tmp, tmp_wal, staging_dir)


def main(raw_dir: pathlib.Path, db_path: pathlib.Path, decimal: dict[str, str] | None = None) -> int:
    """CLI entry: 0 on success, 2 when the input is invalid (the message names file, line, column, value) or the
    warehouse cannot be written (the message names the path and the cause)."""
    start = time.perf_counter()
    try:
        counts = build(raw_dir, db_path, decimal)
    except InvalidInput as e:
        for p in e.problems:
            print(f"error: {p}", file=sys.stderr)
        print(f"error: build stopped, {len(e.problems)} problem{'s' if len(e.problems) != 1 else ''} in the input; "
              f"{db_path} was not changed", file=sys.stderr)
        return 2
    except BuildFailed as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    kind = "demo" if counts.pop("_synthetic_inputs") else "real"
    print(f"built {db_path} ({kind} data) in {time.perf_counter() - start:.1f} s")
    for table, n in counts.items():
        print(f"  {table:<20} {n:>10,} rows")
    return 0
