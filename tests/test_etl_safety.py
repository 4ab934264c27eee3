"""Data safety (issue 9): every fault and every doubtful value ends with exit status 2, a message naming file, line,
column and value (or path and cause), the existing warehouse byte-identical and nothing left beside it.

One test per case: a full disk (a real small tmpfs where the test may mount one, and an injected write failure that
runs everywhere), ambiguous numbers, non-finite and out-of-bounds values, control characters, header-only files,
unreadable inputs, folders that cannot be written, a --db that is not a warehouse (etl and queries), exact
messages, and the query parameters."""
from __future__ import annotations

import errno
import os
import pathlib
import resource
import shutil
import signal
import subprocess
import sys

import duckdb
import pytest

from conftest import FIXTURE_RAW, REPO, read_rows, run_etl_build, run_main, set_cell, write_rows
from test_etl_validation import VOLUNTEER_LINES, assert_problem, build_fails, error_line, shared_builds

SURVEY = "survey_respondents.csv"
CONTRACT_FILES = ("survey_respondents.csv", "municipal_survey.csv", "grants_s18.csv", "grant_budgets.csv",
                  "cooperations.csv", "population.csv")


def unchanged(db: pathlib.Path, before: bytes, beside: list[str]) -> None:
    assert db.read_bytes() == before, "the existing warehouse changed"
    assert sorted(p.name for p in db.parent.iterdir()) == sorted(beside), "something was left beside the warehouse"


# ---- full disk -------------------------------------------------------------------------------------------------

@pytest.fixture
def small_disk(tmp_path, fixture_db):
    """A tmpfs just larger than the existing warehouse (root only; skipped with the reason elsewhere)."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    size = fixture_db.stat().st_size + (1 << 20)  # room for the old warehouse and 1 MB, not for a new one
    if os.geteuid() != 0:
        pytest.skip("a tmpfs mount needs root (CI runs as root); the injected write failure covers this case")
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)], capture_output=True,
                          text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], check=True)


@pytest.mark.parametrize("spare_mb", [0.5, 3])  # 0.5: refused by the free-space check; 3: ENOSPC while writing
def test_full_disk_keeps_the_warehouse(small_disk, fixture_db, spare_mb):
    db = small_disk / "warehouse.duckdb"
    shutil.copyfile(fixture_db, db)
    filler = small_disk / "filler"
    free = shutil.disk_usage(small_disk).free
    filler.write_bytes(b"\0" * max(0, free - int(spare_mb * (1 << 20))))
    before = db.read_bytes()
    proc = run_etl_build(FIXTURE_RAW, db, cli=True)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.startswith("error: disk full"), proc.stderr
    assert f"{db} was not changed" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    unchanged(db, before, ["filler", "warehouse.duckdb"])


def run_with_file_size_limit(raw, db, limit):
    """`python -m etl build` with RLIMIT_FSIZE: every write past `limit` bytes fails (EFBIG), wherever it is."""
    def limit_writes():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return subprocess.run([sys.executable, "-m", "etl", "build", "--raw", str(raw), "--db", str(db)], cwd=REPO,
                          capture_output=True, text=True, preexec_fn=limit_writes)


@pytest.mark.parametrize("limit", [64 << 10, 1 << 20, 3 << 20, 5 << 20])  # fails in staging ... at the checkpoint
def test_injected_write_failure_keeps_the_warehouse(existing_db, limit):
    before = existing_db.read_bytes()
    proc = run_with_file_size_limit(FIXTURE_RAW, existing_db, limit)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.startswith("error: file size limit reached while writing "), proc.stderr
    assert f"{existing_db} was not changed" in proc.stderr and "Traceback" not in proc.stderr
    unchanged(existing_db, before, [existing_db.name])


@pytest.mark.parametrize("step", ["fsync", "replace", "verify"])
def test_failure_while_publishing_keeps_the_warehouse(existing_db, monkeypatch, capsys, step):
    """In-process: the steps after the checkpoint (verification, fsync, rename) fail with EIO or a mismatch."""
    from etl import build as b

    def eio(*args, **kwargs):
        raise OSError(errno.EIO, os.strerror(errno.EIO), str(existing_db) + ".tmp")
    if step == "fsync":
        monkeypatch.setattr(b.os, "fsync", eio)
    elif step == "replace":
        monkeypatch.setattr(b.os, "replace", eio)
    else:
        real_verify = b.verify
        monkeypatch.setattr(b, "verify", lambda tmp, counts: real_verify(tmp, {**counts, "cooperations": 11}))
    before = existing_db.read_bytes()
    assert b.main(FIXTURE_RAW, existing_db) == 2
    err = capsys.readouterr().err.strip()
    expected = "input/output error while writing" if step != "verify" else "verification of"
    assert err.startswith("error: " + expected) and len(err.splitlines()) == 1, err
    unchanged(existing_db, before, [existing_db.name])


def test_free_space_check_happens_before_any_work(existing_db, monkeypatch, capsys):
    from etl import build as b

    class Full:
        f_bavail, f_frsize = 10, 4096
    monkeypatch.setattr(b.os, "statvfs", lambda path: Full())
    before = existing_db.read_bytes()
    assert b.main(FIXTURE_RAW, existing_db) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: disk full: 0.0 MB free in {existing_db.parent}, the new warehouse needs at least")
    unchanged(existing_db, before, [existing_db.name])


# ---- numbers are read or refused -----------------------------------------------------------------------------------

AMBIGUOUS = "ambiguous number: a thousands grouping without decimals; write whole numbers without a separator"
UNDECIDED = "the file's decimal sign cannot be told: every number with a separator has exactly three digits after it"


def test_danish_thousands_point_in_a_semicolon_file(raw_copy, existing_db):
    """A Danish file (';', decimal commas) with 100.000 meaning a hundred thousand: refused, not read as 100."""
    comments, rows = read_rows(raw_copy / SURVEY)
    for r in rows[1:]:
        r[2], r[10] = r[2].replace(".", ","), r[10].replace(".", ",")
    write_rows(raw_copy / SURVEY, comments, rows, delimiter=";")
    set_cell_delim(raw_copy / SURVEY, 5, "weight", "100.000", ";")
    assert_problem(build_fails(raw_copy, existing_db), SURVEY, 5, "weight", "100.000",
                   "not a number in this file, which writes decimals with a comma (")


def set_cell_delim(path, line, column, value, delimiter):
    import csv
    import io

    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    comments = [x for x in lines if x.startswith("#")]
    rows = list(csv.reader(io.StringIO("".join(lines[len(comments):])), delimiter=delimiter))
    rows[line - len(comments) - 1][rows[0].index(column)] = value
    write_rows(path, comments, rows, delimiter=delimiter)


THOUSANDS = [
    ("grants_s18.csv", "applied_dkk", "100,000", UNDECIDED),  # no other decimal in the file shows its sign
    ("grant_budgets.csv", "budget_dkk", "1.234", UNDECIDED),
    (SURVEY, "hours_per_month", "1.234.567", AMBIGUOUS),      # a point file: a grouping without decimals
]


@pytest.fixture(scope="module")
def thousands_errors(tmp_path_factory, fixture_db) -> list[str]:
    return shared_builds(tmp_path_factory, fixture_db,
                         [(file, 3, column, value) for file, column, value, _ in THOUSANDS])


@pytest.mark.parametrize("file,column,value,fragment", THOUSANDS)
def test_thousands_groupings_are_refused(thousands_errors, file, column, value, fragment):
    stderr = thousands_errors[THOUSANDS.index((file, column, value, fragment))]
    assert_problem(stderr, file, 3, column, value, fragment)
    if fragment == UNDECIDED:
        assert f"python -m etl build --decimal {file}=." in stderr


# weights read in one build, each in a row of its own: (value, what is stored)
WEIGHTS_READ = [("1,234.5", 1234.5), ("987,654.25", 987654.25), ("1.508", 1.508), ("130.560", 130.56),
                ("0.875", 0.875)]


@pytest.fixture(scope="module")
def weights_read(tmp_path_factory) -> dict[str, float]:
    """The weight stored for each value of WEIGHTS_READ (the respondents of lines 3, 4, ...), from one build."""
    raw = tmp_path_factory.mktemp("weights") / "raw"
    shutil.copytree(FIXTURE_RAW, raw)
    comments, rows = read_rows(raw / SURVEY)
    for n, (value, _) in enumerate(WEIGHTS_READ):
        rows[1 + n][rows[0].index("weight")] = value
    write_rows(raw / SURVEY, comments, rows)
    db = raw.parent / "w.duckdb"
    assert run_etl_build(raw, db).returncode == 0
    con = duckdb.connect(str(db), read_only=True)
    try:
        stored = dict(con.execute("select respondent_id, weight from survey_respondents").fetchall())
    finally:
        con.close()
    return {value: stored[rows[1 + n][rows[0].index("respondent_id")]] for n, (value, _) in enumerate(WEIGHTS_READ)}


@pytest.mark.parametrize("value,expected", WEIGHTS_READ[:4])
def test_numbers_in_a_decimal_point_file_are_read_with_its_sign(weights_read, value, expected):
    """The fixture's survey writes 0.5, 1.5: a thousands comma in front of decimals is read (the one grouping
    accepted), and three decimals are decimals."""
    assert weights_read[value] == expected


def test_thousands_comma_in_a_file_with_decimal_points(raw_copy, existing_db):
    set_cell(raw_copy / SURVEY, 3, "weight", "1,234")  # the fixture writes 0.5, 1.5: a comma is no decimal sign
    assert_problem(build_fails(raw_copy, existing_db), SURVEY, 3, "weight", "1,234",
                   "not a number in this file, which writes decimals with a point (183 values show it, the first "
                   "'1.5' on line 5): a comma is neither")


def test_leading_zero_decimal_is_not_ambiguous(weights_read):
    assert weights_read["0.875"] == 0.875


def test_stray_decimal_comma_is_named_not_the_good_rows(raw_copy, existing_db):
    """The decimal sign is decided from all float columns: one '2,5' among points is the row named."""
    comments, rows = read_rows(raw_copy / SURVEY)
    line = [i for i, r in enumerate(rows) if r[9] == "1"][20] + len(comments) + 1  # the 21st volunteer
    set_cell(raw_copy / SURVEY, line, "hours_per_month", "2,5")
    stderr = build_fails(raw_copy, existing_db)
    assert_problem(stderr, SURVEY, line, "hours_per_month", "2,5", "which writes decimals with a point")
    assert stderr.count("error: survey_respondents.csv") == 1


NON_FINITE = [
    (SURVEY, "weight", "1e309", "out of range: must be > 0 and <= 1000000"),
    (SURVEY, "weight", "1e200", "out of range: must be > 0 and <= 1000000"),
    (SURVEY, "weight", "-1e309", "out of range"),
    (SURVEY, "hours_per_month", "1e309", "out of range: must be between 0 and 744"),
    (SURVEY, "hours_per_month", "745", "out of range: must be between 0 and 744"),
    (SURVEY, "weight", "inf", "not a number"),
    (SURVEY, "weight", "NaN", "not a number"),
    ("grants_s18.csv", "granted_dkk", "1e309", "out of range: must be between 0 and 100000000000"),
    ("grant_budgets.csv", "budget_dkk", "2e11", "out of range: must be between 0 and 100000000000"),
    ("municipal_survey.csv", "staff_fte", "1e309", "out of range: must be between 0 and 10000"),
    (SURVEY, "year", "２０１２", "not a whole number"),
    (SURVEY, "age", "99999999999999999999", "not a whole number"),
]
# the survey's cases each in a volunteer's row of its own (hours_per_month is given there), the others as before
NON_FINITE_LINES = [VOLUNTEER_LINES[n] if file == SURVEY else 4 if file == "municipal_survey.csv" else 3
                    for n, (file, *_) in enumerate(NON_FINITE)]


@pytest.fixture(scope="module")
def non_finite_errors(tmp_path_factory, fixture_db) -> list[str]:
    return shared_builds(tmp_path_factory, fixture_db,
                         [(file, line, column, value)
                          for (file, column, value, _), line in zip(NON_FINITE, NON_FINITE_LINES)])


@pytest.mark.parametrize("file,column,value,fragment", NON_FINITE)
def test_non_finite_and_out_of_bounds_values_are_refused(non_finite_errors, file, column, value, fragment):
    i = NON_FINITE.index((file, column, value, fragment))
    assert_problem(non_finite_errors[i], file, NON_FINITE_LINES[i], column, value, fragment)


def test_every_float_column_declares_bounds():
    from etl import cooperations, grants, municipal_survey, population, survey
    from etl.rules import FLOAT

    for spec in (survey.SPEC, municipal_survey.SPEC, grants.GRANTS, grants.BUDGETS, cooperations.SPEC,
                 population.CONTRACT):
        for col in spec.columns:
            if col.type == FLOAT:
                assert col.min is not None and col.max is not None, (spec.file, col.name)


CONTROL_CHARACTERS = [
    (SURVEY, 3, "respondent_id", "2012-0001\x00x"),
    ("grants_s18.csv", 5, "organisation", "Røde\tKors"),
    ("cooperations.csv", 4, "organisation", "Frem\x1b[31m"),
    ("cooperations.csv", 6, "cooperation_id", "C\x7f"),
]


@pytest.fixture(scope="module")
def control_errors(tmp_path_factory, fixture_db) -> list[str]:
    return shared_builds(tmp_path_factory, fixture_db, CONTROL_CHARACTERS)


@pytest.mark.parametrize("file,line,column,value", CONTROL_CHARACTERS)
def test_control_characters_in_text_are_refused(control_errors, file, line, column, value):
    stderr = control_errors[CONTROL_CHARACTERS.index((file, line, column, value))]
    assert_problem(stderr, file, line, column, value, "contains a control character")


# ---- files ---------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def header_only_errors(tmp_path_factory, fixture_db) -> str:
    """The failing build of a copy of the fixture whose every file has only its header (each file is refused on its
    own, and the build reports the problems of every file: one build for the six cases)."""
    root = tmp_path_factory.mktemp("header_only")
    raw, db = root / "raw", root / "warehouse.duckdb"
    shutil.copytree(FIXTURE_RAW, raw)
    shutil.copyfile(fixture_db, db)
    for file in CONTRACT_FILES:
        comments, rows = read_rows(raw / file)
        write_rows(raw / file, comments, rows[:1])
    return build_fails(raw, db)


@pytest.mark.parametrize("file", CONTRACT_FILES)
def test_header_only_file_is_refused(header_only_errors, file):
    assert f"error: {file}: no data rows: the file has a header but no rows" in header_only_errors


def test_folder_where_a_file_should_be(raw_copy, existing_db):
    (raw_copy / "cooperations.csv").unlink()
    (raw_copy / "cooperations.csv").mkdir()
    stderr = build_fails(raw_copy, existing_db)
    assert f"error: cooperations.csv: is a folder, not a file, in {raw_copy}" in stderr
    assert "missing" not in stderr


def build_without_root_powers(raw, db):
    """`python -m etl build` that file permissions apply to: as root (CI), without the capabilities that let root
    read and write past them (setpriv drops them from the bounding set before exec)."""
    prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"] if os.geteuid() == 0 else []
    if prefix and not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv (util-linux): file permissions cannot be made to apply")
    return subprocess.run([*prefix, sys.executable, "-m", "etl", "build", "--raw", str(raw), "--db", str(db)],
                          cwd=REPO, capture_output=True, text=True)


def test_unreadable_input_file(raw_copy, existing_db):
    (raw_copy / "grant_budgets.csv").chmod(0o000)
    before = existing_db.read_bytes()
    proc = build_without_root_powers(raw_copy, existing_db)
    assert proc.returncode == 2, proc.stderr
    assert (f"error: grant_budgets.csv: cannot be read: permission denied ({raw_copy / 'grant_budgets.csv'})"
            in proc.stderr), proc.stderr
    assert "Traceback" not in proc.stderr
    unchanged(existing_db, before, ["raw", existing_db.name])


def test_read_only_target_folder(tmp_path, fixture_db):
    target = tmp_path / "target"
    target.mkdir()
    db = target / "warehouse.duckdb"
    shutil.copyfile(fixture_db, db)
    target.chmod(0o555)
    before = db.read_bytes()
    try:
        proc = build_without_root_powers(FIXTURE_RAW, db)
    finally:
        target.chmod(0o755)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("error: ") and len(proc.stderr.splitlines()) == 1, proc.stderr
    assert "permission denied" in proc.stderr and str(target) in proc.stderr, proc.stderr
    assert proc.stderr.endswith(f"{db} was not changed\n"), proc.stderr
    unchanged(db, before, ["warehouse.duckdb"])


def test_db_is_a_folder(raw_copy, tmp_path):
    (tmp_path / "wh").mkdir()
    proc = run_etl_build(raw_copy, tmp_path / "wh")
    assert proc.returncode == 2
    assert proc.stderr == f"error: cannot build {tmp_path / 'wh'}: it is a folder, not a warehouse file\n"
    assert list((tmp_path / "wh").iterdir()) == []


def test_db_is_not_a_duckdb_file(raw_copy, tmp_path):
    db = tmp_path / "passwd"
    db.write_text("root:x:0:0:root:/root:/bin/bash\n")
    before = db.read_bytes()
    proc = run_etl_build(raw_copy, db)
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"error: {db} is not a DuckDB warehouse; not replacing it"), proc.stderr
    unchanged(db, before, ["passwd", "raw"])


def test_raw_is_a_file(tmp_path):
    (tmp_path / "raw").write_text("x")
    proc = run_etl_build(tmp_path / "raw", tmp_path / "w.duckdb")
    assert proc.returncode == 2 and f"error: {tmp_path / 'raw'}: is not a folder" in proc.stderr


def test_demo_into_an_unwritable_place(tmp_path):
    (tmp_path / "f").write_text("x")
    proc = run_main("etl", "demo", "--out", tmp_path / "f" / "demo")
    assert proc.returncode == 2 and proc.stderr.startswith("error: cannot write the demo data to "), proc.stderr
    assert "Traceback" not in proc.stderr


# ---- messages are exact --------------------------------------------------------------------------------------------

def test_truncated_last_line_is_one_row(raw_copy, existing_db):
    path = raw_copy / SURVEY
    text = path.read_text(encoding="utf-8")
    last_start = text.rstrip("\n").rfind("\n") + 1
    path.write_text(text[:last_start + 30], encoding="utf-8")
    n_lines = text.count("\n")
    stderr = build_fails(raw_copy, existing_db)
    msg = error_line(stderr, SURVEY, n_lines, None)
    assert "too few fields (expected 19)" in msg and "more row" not in msg, msg


def test_row_with_the_other_delimiter_is_one_row(raw_copy, existing_db):
    path = raw_copy / SURVEY
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[10] = lines[10].replace(",", ";")  # line 11
    path.write_text("".join(lines), encoding="utf-8")
    stderr = build_fails(raw_copy, existing_db)
    msg = error_line(stderr, SURVEY, 11, None)
    assert "too few fields (expected 19)" in msg and "more row" not in msg, msg


@pytest.mark.parametrize("size", [100_000, 5_000_000])  # a long value; a line over DuckDB's 2 MB line limit
def test_long_value_is_cut_in_the_message(raw_copy, existing_db, size):
    set_cell(raw_copy / "cooperations.csv", 4, "sector", "x" * size)
    stderr = build_fails(raw_copy, existing_db)
    msg = error_line(stderr, "cooperations.csv", 4, "sector" if size < 2_000_000 else None)
    if size < 2_000_000:
        assert "(value '" + "x" * 80 + "'... (100,000 characters))" in msg and len(msg) < 400, msg[:500]
    else:
        assert "line too long (over 2,000,000 bytes" in msg and "(value" not in msg, msg[:500]
    assert len(stderr) < 1000


def test_mixed_line_endings_name_the_line(raw_copy, existing_db):
    path = raw_copy / "grant_budgets.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines = [x.replace("\n", "\r\n") for x in lines[:6]] + lines[6:]  # line 7 is the first with \n only
    path.write_bytes("".join(lines).encode())
    stderr = build_fails(raw_copy, existing_db)
    msg = error_line(stderr, "grant_budgets.csv", 7, None)
    assert "mixed line endings: this line ends with \\n, the lines before with \\r\\n" in msg, msg


def test_bare_carriage_return_names_the_line(raw_copy, existing_db):
    path = raw_copy / "grant_budgets.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[4] = lines[4].replace(",", ",\r", 1)  # line 5
    path.write_text("".join(lines), encoding="utf-8")
    stderr = build_fails(raw_copy, existing_db)
    assert "a carriage return" in error_line(stderr, "grant_budgets.csv", 5, None)


# ---- queries: --db and parameters ----------------------------------------------------------------------------------

def run_queries(*args, cli=False):
    """`python -m queries ARGS`: in this process (queries.__main__.main, output captured), or as a subprocess."""
    return run_main("queries", *args, cli=cli)


@pytest.mark.parametrize("args,fragment", [
    (("run", "fte", "--param", "hours_per_fte=0"), "fte: parameter hours_per_fte must be between 100 and 8784, got '0'"),
    (("run", "fte", "--param", "hours_per_fte=-1"), "must be between 100 and 8784, got '-1'"),
    (("run", "fte", "--hours-per-fte", "1e309"), "parameter hours_per_fte must be of type double, got '1e309'"),
    (("run", "fte", "--hours-per-fte", "1_924"), "must be of type double, got '1_924'"),
    (("run", "participation_rate", "--year", "２０１２"), "parameter year must be of type int, got '２０１２'"),
    (("run", "participation_rate", "--year", "2_012"), "parameter year must be of type int"),
])
def test_query_parameters_are_validated(fixture_db, args, fragment):
    proc = run_queries(*args, "--db", str(fixture_db))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert fragment in proc.stderr and "Traceback" not in proc.stderr


def test_query_parameters_in_range_run(fixture_db):
    proc = run_queries("run", "fte", "--hours-per-fte", "1924", "--db", str(fixture_db), "--format", "csv")
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("kind", ["text_file", "folder"])
def test_queries_db_that_is_not_a_warehouse(tmp_path, kind):
    db = tmp_path / "x"
    if kind == "folder":
        db.mkdir()
        expected = f"error: not a warehouse file: {db} is a folder"
    else:
        db.write_text("root:x:0:0:root:/root:/bin/bash\n")
        expected = f"error: cannot open {db} as a DuckDB warehouse"
    proc = run_queries("run", "participation_rate", "--db", str(db), cli=kind == "text_file")
    assert proc.returncode == 2 and proc.stderr.startswith(expected), proc.stderr
    assert "Traceback" not in proc.stderr


def test_read_error_of_an_input_file(existing_db, monkeypatch, capsys):
    """An I/O error while the dialect is sniffed (a failing disk under the raw folder): exit 2, named as a read."""
    import builtins

    import etl.dialect

    def failing_open(path, mode="r", *args, **kwargs):
        if str(path).endswith("population.csv") and mode == "rb":
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(path))
        return builtins.open(path, mode, *args, **kwargs)
    monkeypatch.setattr(etl.dialect, "open", failing_open, raising=False)
    from etl import build as b

    before = existing_db.read_bytes()
    assert b.main(FIXTURE_RAW, existing_db) == 2
    err = capsys.readouterr().err
    assert err == (f"error: input/output error while reading {FIXTURE_RAW / 'population.csv'}; {existing_db} was not "
                   "changed\n"), err
    unchanged(existing_db, before, [existing_db.name])
