"""Seeded fuzz test of the contract files: 300 single-cell mutations of the fixture survey file and 100 of each other
contract file. Each mutation is either refused (InvalidInput, exit status 2) or loaded with exactly the value the
file says, read back from the warehouse table. Zero tracebacks, zero silent changes of meaning.

To stay quick (800 mutations), each mutation runs the file's real loader (`etl.<source>.load`: sniff, stage,
every rule, insert) on one in-memory warehouse whose reference tables are loaded once; a sample of mutations (the
first refused and the first loaded of every file) also runs the whole `python -m etl build` path over an existing
warehouse, which must then be byte-identical (refused) or hold the same value (loaded). The oracle below decides
what a cell means from the contract alone, independently of etl/staging.py's SQL: like the loader, it decides each
mutated file's decimal sign from all its float cells, then reads every value with it.
"""
from __future__ import annotations

import contextlib
import io
import math
import pathlib
import random
import re
import shutil
import unicodedata

import duckdb
import pytest

from conftest import FIXTURE_RAW, read_rows, write_rows
from etl import cooperations, grants, municipal_survey, population, reference, schema, survey
from etl.build import Build
from etl.build import main as build_main
from etl.errors import InvalidInput
from etl.rules import CODE, FLAG, FLOAT, INT, TEXT

SEED = 20261129
FILES = {  # file -> (mutations, loader, spec, warehouse table)
    "survey_respondents.csv": (300, survey.load, survey.SPEC, "survey_respondents"),
    "municipal_survey.csv": (100, municipal_survey.load, municipal_survey.SPEC, "municipal_survey"),
    "grants_s18.csv": (100, grants.load, grants.GRANTS, "grants_s18"),
    "grant_budgets.csv": (100, grants.load, grants.BUDGETS, "grant_budgets"),
    "cooperations.csv": (100, cooperations.load, cooperations.SPEC, "cooperations"),
    "population.csv": (100, population.load, population.CONTRACT, "population"),
}

NUMBERS = ["0", "1", "-1", "2", "2.5", "2,5", "0.875", "0,875", "1.234", "100.000", "1,234", "100,000",
           "1.234.567", "1.000,50", "1e309", "-1e309", "1e200", "1e-400", "1e5", "1E3", ".5", "5.", "+3", " 7 ",
           "nan", "inf", "-inf", "0x10", "１２", "٣", "1_000", "12abc", "99999999999999999999",
           "3.14159265358979323846", "2012", "16", "110", "101", "147", "745", "744", "1e6", "1000001", "0.0",
           "-0", "00012", "1 000", "1e11", "2e11"]
TEXTS = ["", "  padded  ", "x\x00y", "a\tb", "\x1b[31m", "del\x7f", "line\nbreak", "cr\rhere", 'quote"inside',
         "semi;colon", "comma,inside", "æøå ÆØÅ", "emoji 🎉", "x" * 3000, "\ufeffbom", "nel\u0085", "Ω",
         "male", "female", "association", "asked", "elderly", "civil_society", "grant_only", "education",
         "16-29", "0-15", "Male", "unknown", "'; drop table x; --"]

INT_TEXT = re.compile(r"[+-]?[0-9]+", re.ASCII)
EXP = r"([eE][+-]?[0-9]+)?"


def sep_of(sign: str) -> str:
    return "." if sign == "point" else ","


def reads_as(v: str, sign: str) -> float | None:
    """The number `v` says in a file whose decimal sign is `sign`: digits with at most one decimal sign (and an
    exponent), or the other sign grouping thousands in front of a decimal part (1.234,5 / 1,234.5)."""
    d, o = sep_of(sign), sep_of("comma" if sign == "point" else "point")
    if re.fullmatch(rf"[+-]?([0-9]+({re.escape(d)}[0-9]*)?|{re.escape(d)}[0-9]+){EXP}", v, re.ASCII):
        return float(v.replace(d, "."))
    if re.fullmatch(rf"[+-]?[1-9][0-9]{{0,2}}({re.escape(o)}[0-9]{{3}})+{re.escape(d)}[0-9]+", v, re.ASCII):
        return float(v.replace(o, "").replace(d, "."))
    return None


def shows_sign(v: str, sign: str) -> bool:
    """The value shows that the file's decimal sign is `sign` (the contract: one, two, four or more digits after
    the sign, a leading zero before three, an exponent, or both signs with `sign` last)."""
    d = sep_of(sign)
    if reads_as(v, sign) is None or d not in v:
        return False
    digits = v.lstrip("+-")
    whole, _, rest = digits.rpartition(d)
    frac = re.match(r"[0-9]*", rest).group()
    grouped = ("," if sign == "point" else ".") in whole
    return grouped or len(frac) in (1, 2) or len(frac) >= 4 or "e" in rest.lower() or whole.strip("0") == ""


def decimal_sign(rows: list[list[str]], float_idx: list[int]) -> str | None:
    """The contract's rule: the sign most values of the file's float columns show; None when none shows one."""
    points = commas = 0
    for r in rows[1:]:
        for i in float_idx:
            v = r[i].strip(" ")
            points += shows_sign(v, "point")
            commas += shows_sign(v, "comma")
    return "comma" if commas > points else ("point" if points else None)


def meaning(col, text: str, sign: str | None):
    """What the cell says under the contract, or the reason it must be refused (a string starting with '!')."""
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        return "!control character"
    v = text.strip(" ")
    if v == "":
        return None
    if col.type in (TEXT, CODE):
        return v
    if col.type in (INT, FLAG):
        return int(v) if INT_TEXT.fullmatch(v) else "!not a whole number"
    if sign is None and ("." in v or "," in v):
        return "!the file shows no decimal sign"
    x = reads_as(v, sign or "point")
    if x is None or not math.isfinite(x):
        return "!not a finite number"
    return x


class Harness:
    """One in-memory warehouse with the reference tables; runs one source's loader at a time."""

    def __init__(self, raw: pathlib.Path, staging: pathlib.Path):
        self.con = duckdb.connect()
        schema.create(self.con)
        self.build = Build(self.con, raw, staging)
        reference.load(self.build)
        self.con.execute("attach ':memory:' as stg")

    def reset(self, tables: list[str]) -> None:
        con = self.con
        con.execute("detach stg; attach ':memory:' as stg")  # the staged tables, all at once
        drops = con.execute("select 'view', view_name from duckdb_views() where temporary and not internal union all "
                            "select 'table', table_name from duckdb_tables() where temporary").fetchall()
        con.execute("".join(f'drop {kind} "{name}"; ' for kind, name in drops)
                    + "".join(f"delete from {t}; " for t in tables + ["build_warnings"]))
        self.build.inputs.clear()
        self.build.warnings.clear()

    def load(self, loader, tables: list[str]):
        self.reset(tables)
        try:
            with contextlib.redirect_stderr(io.StringIO()):
                loader(self.build)
        except InvalidInput as e:
            return e.problems
        return None

    def cell(self, table: str, index: int, column: str):
        return self.con.execute(f'select "{column}" from {table} order by rowid limit 1 offset ?', [index]).fetchone()[0]


def mutations(rng: random.Random, rows: list[list[str]], spec, n: int):
    header = rows[0]
    cols = [c for c in spec.columns if c.name in header]
    for _ in range(n):
        r = rng.randrange(1, len(rows))
        col = rng.choice(cols)
        numeric = col.type in (INT, FLAG, FLOAT)
        pool = rng.random()
        if pool < 0.15:
            value = rows[rng.randrange(1, len(rows))][header.index(col.name)]  # another row's value: often valid
        elif pool < 0.6:
            value = rng.choice(NUMBERS if numeric else TEXTS)
        elif pool < 0.8:
            value = rng.choice(TEXTS if numeric else NUMBERS)
        else:
            value = (f"{rng.uniform(0, 50):.{rng.randint(0, 5)}f}" if col.type == FLOAT
                     else str(rng.randint(-5, 3000)))
        yield r, col, value


def tables_of(loader) -> list[str]:
    return ["grants_s18", "grant_budgets"] if loader is grants.load else [
        {survey.load: "survey_respondents", municipal_survey.load: "municipal_survey",
         cooperations.load: "cooperations", population.load: "population"}[loader]]


@pytest.mark.slow
def test_fuzz_single_cell_mutations(tmp_path, fixture_db):
    rng = random.Random(SEED)
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURE_RAW, raw)
    (tmp_path / "staging").mkdir()
    harness = Harness(raw, tmp_path / "staging")
    counts = {}
    silent = []
    full_path = []  # (file, line, value, refused) checked through the whole build below
    for file, (n, loader, spec, table) in FILES.items():
        comments, rows = read_rows(FIXTURE_RAW / file)
        original = (FIXTURE_RAW / file).read_bytes()
        float_idx = [rows[0].index(c.name) for c in spec.columns if c.type == FLOAT]
        refused = loaded = 0
        for r, col, value in mutations(rng, rows, spec, n):
            mutated = [list(x) for x in rows]
            mutated[r][rows[0].index(col.name)] = value
            write_rows(raw / file, comments, mutated)
            problems = harness.load(loader, tables_of(loader))
            line = len(comments) + 1 + r
            if problems is not None:
                refused += 1
                assert all(p.file == file for p in problems), problems
                if not any(f for f, *_ , was_refused in full_path if f == file and was_refused):
                    full_path.append((file, line, col.name, value, True))
                continue
            loaded += 1
            expected = meaning(col, value, decimal_sign(mutated, float_idx))
            got = harness.cell(table, r - 1, col.name)
            if isinstance(expected, str) and expected.startswith("!") and col.type not in (TEXT, CODE) \
                    or expected != got:
                silent.append((file, line, col.name, value, expected, got))
            if not any(f for f, *_, was_refused in full_path if f == file and not was_refused):
                full_path.append((file, line, col.name, value, False))
        (raw / file).write_bytes(original)
        counts[file] = (refused, loaded)
    print("\nfuzz (seed %d): file: refused, loaded" % SEED)
    for file, (refused, loaded) in counts.items():
        print(f"  {file}: {refused} refused, {loaded} loaded")
    assert silent == [], f"loaded with another meaning than the file's: {silent[:10]}"
    assert sum(r + l for r, l in counts.values()) == sum(v[0] for v in FILES.values())

    # the whole build path for a sample: exit 2 and the old warehouse byte-identical, or the value read back
    db = tmp_path / "w" / "warehouse.duckdb"
    db.parent.mkdir()
    for file, line, column, value, was_refused in full_path:
        shutil.copyfile(fixture_db, db)
        before = db.read_bytes()
        comments, rows = read_rows(FIXTURE_RAW / file)
        rows[line - len(comments) - 1][rows[0].index(column)] = value
        write_rows(raw / file, comments, rows)
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            status = build_main(raw, db)
        shutil.copyfile(FIXTURE_RAW / file, raw / file)
        assert [p.name for p in db.parent.iterdir()] == ["warehouse.duckdb"]
        if was_refused:
            assert status == 2 and db.read_bytes() == before, (file, line, column, value)
        else:
            assert status == 0, (file, line, column, value)
            table = FILES[file][3]
            con = duckdb.connect(str(db), read_only=True)
            got = con.execute(f'select "{column}" from {table} order by rowid limit 1 offset ?',
                              [line - len(comments) - 2]).fetchone()[0]
            con.close()
            spec = FILES[file][2]
            float_idx = [rows[0].index(c.name) for c in spec.columns if c.type == FLOAT]
            assert got == meaning(spec.column(column), value, decimal_sign(rows, float_idx)), (file, line, value)
