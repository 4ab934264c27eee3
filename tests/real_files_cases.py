"""Issue 22's cases: a data owner's real files (SAS, SPSS, Excel and StatBank exports), each made from the test
fixtures and run through the user's commands (`etl build`, `etl import-survey`, `queries run`).

tests/test_etl_real_files.py runs every case in this process and checks the outcome. Run as a script, it prints the
outcome of every case as a table row (exit status, the first messages, the values read back) for any checkout, so
the table of the issue's closing note can be made for the code before and after the change:

    .venv/bin/python tests/real_files_cases.py                 # this checkout
    .venv/bin/python tests/real_files_cases.py --repo OTHER    # another checkout (its etl/ and queries/)
"""
from __future__ import annotations

import contextlib
import csv
import dataclasses
import io
import pathlib
import random
import shutil
import subprocess
import sys
from typing import Callable

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent
FIXTURE_RAW = HERE / "fixtures" / "raw"
STATBANK = HERE / "fixtures" / "statbank" / "population.csv"
SURVEY = "survey_respondents.csv"
NBSP = "\u00a0"


def rows_of(path: pathlib.Path, delimiter: str = ",") -> tuple[list[str], list[list[str]]]:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    comments = [x for x in lines if x.startswith("#")]
    return comments, list(csv.reader(io.StringIO("".join(lines[len(comments):])), delimiter=delimiter))


def write(path: pathlib.Path, comments: list[str], rows: list[list[str]], delimiter: str = ",",
          encoding: str = "utf-8", tail: str = "") -> None:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerows(rows)
    path.write_bytes(("".join(comments) + buf.getvalue() + tail).encode(encoding))


def three_decimal_weights(rows: list[list[str]], scale: float = 1.0) -> list[str]:
    """Weights with exactly three decimals and no leading zero, as SAS's 10.3 format writes them (1.508)."""
    rng = random.Random(22)
    w = rows[0].index("weight")
    out = []
    for r in rows[1:]:
        r[w] = f"{rng.randint(1001, 2999) / 1000 * scale:.3f}"
        if r[w].endswith("0"):  # keep every weight at three significant decimals (1.510 -> 1.511)
            r[w] = r[w][:-1] + "1"
        out.append(r[w])
    return out


def hours_as(rows: list[list[str]], fmt: Callable[[float], str]) -> None:
    h = rows[0].index("hours_per_month")
    for r in rows[1:]:
        if r[h]:
            r[h] = fmt(float(r[h]))


# ---- the cases -----------------------------------------------------------------------------------------------------
# make(raw, work) edits the copied fixture folder and returns the commands to run ({raw}, {db}, {work} filled in)

def sas_csv(raw, work):
    """1. SAS-style wave: ',' delimiter, weights 10.3 (1.508), hours with one decimal (11.8)."""
    comments, rows = rows_of(raw / SURVEY)
    three_decimal_weights(rows)
    hours_as(rows, lambda x: f"{x + 0.3:.1f}")
    write(raw / SURVEY, comments, rows)
    return [["etl", "build", "--raw", "{raw}", "--db", "{db}"]]


def danish_three_decimals(raw, work):
    """1. The same in Danish: ';' delimiter, weights 1,508, hours 11,8."""
    comments, rows = rows_of(raw / SURVEY)
    three_decimal_weights(rows)
    hours_as(rows, lambda x: f"{x + 0.3:.1f}".replace(".", ","))
    w = rows[0].index("weight")
    for r in rows[1:]:
        r[w] = r[w].replace(".", ",")
    write(raw / SURVEY, comments, rows, delimiter=";")
    return [["etl", "build", "--raw", "{raw}", "--db", "{db}"]]


def expansion_weights(raw, work):
    """1. Expansion weights (130.560-style, every one with three decimals), hours whole numbers except one 0.870."""
    comments, rows = rows_of(raw / SURVEY)
    three_decimal_weights(rows, scale=100)
    h = rows[0].index("hours_per_month")
    next(r for r in rows[1:] if r[h])[h] = "0.870"
    write(raw / SURVEY, comments, rows)
    return [["etl", "build", "--raw", "{raw}", "--db", "{db}"]]


def undecided(raw, work):
    """3. Every decimal has three digits (weights 1.508, hours whole): the sign cannot be told from the file."""
    comments, rows = rows_of(raw / SURVEY)
    three_decimal_weights(rows)
    hours_as(rows, lambda x: str(round(x)))
    write(raw / SURVEY, comments, rows)
    return [["etl", "build", "--raw", "{raw}", "--db", "{db}"]]


def undecided_named(raw, work):
    """3. The same file, its sign named: --decimal survey_respondents.csv=."""
    undecided(raw, work)
    return [["etl", "build", "--raw", "{raw}", "--db", "{db}", "--decimal", f"{SURVEY}=."]]


def spss_sav(raw, work):
    """2. SPSS-style wave: a .sav whose weight vaegt has three decimals (1.682), imported and built."""
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    from fixtures import make_survey_files as msf

    df, labels = msf.frame()
    rng = random.Random(23)
    df["vaegt"] = [rng.randint(1001, 2999) / 1000 for _ in range(len(df))]
    msf.write_sav(work / "w3dec.sav", df, labels)
    return [["etl", "import-survey", "{work}/w3dec.sav", "--mapping", "etl/mappings/example.yml", "--out", "{raw}"],
            ["etl", "build", "--raw", "{raw}", "--db", "{db}"]]


def statbank_christianso(raw, work):
    """4. An all-areas FOLK1A export with 411 Christiansø."""
    text = STATBANK.read_bytes().decode("utf-8-sig")
    lines = text.split("\r\n")
    extra = [x.replace("101 København", "411 Christiansø").rsplit(";", 1)[0] + ";1"
             for x in lines[1:] if x.startswith("101 København;")]
    (raw / "population.csv").write_bytes((text + "\r\n".join(extra) + "\r\n").encode("utf-8-sig"))
    return [["etl", "build", "--raw", "{raw}", "--db", "{db}"]]


def statbank_names_only(raw, work):
    """4. A names-only export with Statistics Denmark's label Vesthimmerlands (820) instead of 825 Læsø."""
    text = STATBANK.read_bytes().decode("utf-8-sig")
    text = text.replace("825 Læsø", "Vesthimmerlands").replace("101 København", "København") \
        .replace("147 Frederiksberg", "Frederiksberg")
    (raw / "population.csv").write_bytes(text.encode("utf-8-sig"))
    return [["etl", "build", "--raw", "{raw}", "--db", "{db}"]]


def statbank_english(raw, work):
    """4. The English-language export: REGION;SEX;AGE;TIME;INDHOLD, Men/Women, '16 years', 'Age, total'."""
    text = STATBANK.read_bytes().decode("utf-8-sig")
    text = (text.replace("OMRÅDE;KØN;ALDER;TID;INDHOLD", "REGION;SEX;AGE;TIME;INDHOLD").replace(";Mænd;", ";Men;")
            .replace(";Kvinder;", ";Women;").replace("Alder i alt", "Age, total").replace(" år;", " years;")
            .replace("101 København", "101 Copenhagen").replace(";1 years;", ";1 year;"))
    (raw / "population.csv").write_bytes(text.encode("utf-8-sig"))
    return [["etl", "build", "--raw", "{raw}", "--db", "{db}"]]


def trailing_delimiter_rows(raw, work):
    """5. Excel's trailing rows of only delimiters (;;;;;) below a ';' grant budget file."""
    comments, rows = rows_of(raw / "grant_budgets.csv")
    write(raw / "grant_budgets.csv", comments, rows, delimiter=";", tail=";;\n" * 6)
    return [["etl", "build", "--raw", "{raw}", "--db", "{db}"]]


def mixed_encoding(raw, work):
    """6. A UTF-8 grants_s18.csv with one line typed in Windows-1252 (Ældre Sagen København)."""
    path = raw / "grants_s18.csv"
    data = path.read_bytes().rstrip(b"\n") + b"\n"
    path.write_bytes(data + "2012,101,Ældre Sagen København,elderly,1000,1000\n".encode("cp1252"))
    return [["etl", "build", "--raw", "{raw}", "--db", "{db}"]]


def _one_wave_without_population(raw):
    comments, rows = rows_of(raw / "population.csv")
    write(raw / "population.csv", comments, [r for r in rows if r[0] != "2014"])
    comments, rows = rows_of(raw / SURVEY)
    write(raw / SURVEY, comments, [r for r in rows if r[1] != "2012"])


def no_population_count(raw, work):
    """7. A 2014 wave without 2014 population: volunteers_count --year 2014."""
    _one_wave_without_population(raw)
    return [["etl", "build", "--raw", "{raw}", "--db", "{db}"],
            ["queries", "run", "volunteers_count", "--year", "2014", "--db", "{db}", "--format", "csv"]]


def no_population_fte(raw, work):
    """7. The same warehouse: fte --year 2014."""
    _one_wave_without_population(raw)
    return [["etl", "build", "--raw", "{raw}", "--db", "{db}"],
            ["queries", "run", "fte", "--year", "2014", "--db", "{db}", "--format", "csv"]]


def one_wave_change(raw, work):
    """7. participation_change --year 2014 on a one-wave file."""
    _one_wave_without_population(raw)
    return [["etl", "build", "--raw", "{raw}", "--db", "{db}"],
            ["queries", "run", "participation_change", "--year", "2014", "--db", "{db}"]]


def _grant_value(raw, value):
    comments, rows = rows_of(raw / "grants_s18.csv")
    rows[1][rows[0].index("applied_dkk")] = value
    write(raw / "grants_s18.csv", comments, rows, delimiter=";")


def grouped_decimal_comma(raw, work):
    """Weak message: 11.940.000,50 (a Danish amount with thousands points and a decimal comma)."""
    _grant_value(raw, "11.940.000,50")
    return [["etl", "build", "--raw", "{raw}", "--db", "{db}"]]


def space_thousands(raw, work):
    """Weak message: 1 250 000 (a space as thousands separator)."""
    _grant_value(raw, "1 250 000")
    return [["etl", "build", "--raw", "{raw}", "--db", "{db}"]]


def nbsp_thousands(raw, work):
    """Weak message: 1\u00a0250\u00a0000 (a no-break space, as Excel writes it, as thousands separator)."""
    _grant_value(raw, f"1{NBSP}250{NBSP}000")
    return [["etl", "build", "--raw", "{raw}", "--db", "{db}"]]


def kroner(raw, work):
    """Weak message: 1250000 kr."""
    _grant_value(raw, "1250000 kr.")
    return [["etl", "build", "--raw", "{raw}", "--db", "{db}"]]


def utf16(raw, work):
    """Weak message: an Excel "Unicode text" (UTF-16) file."""
    path = raw / "cooperations.csv"
    path.write_bytes(path.read_text(encoding="utf-8").replace(",", "\t").replace("\n", "\r\n").encode("utf-16"))
    return [["etl", "build", "--raw", "{raw}", "--db", "{db}"]]


@dataclasses.dataclass(frozen=True)
class Case:
    id: str
    make: Callable
    read: str | Callable | None = None  # SQL, or f(con, work), whose result is shown after a successful build

    @property
    def title(self) -> str:
        return self.make.__doc__.strip()


def exact_weights(con, work: pathlib.Path) -> dict:
    """Every weight in the warehouse against the file's own: the text as written (read with the decimal sign of
    the file, a comma made a point) or, for the .sav, the double stored in it. Returns the count equal, the count
    and the first three."""
    got = dict(con.execute("select respondent_id, weight from survey_respondents").fetchall())
    sav = work / "w3dec.sav"
    if sav.exists():
        import pyreadstat

        df, _ = pyreadstat.read_sav(str(sav))
        from etl.import_survey import _text

        want = {_text(i): float(w) for i, w in zip(df["lbnr"], df["vaegt"])}
    else:
        header = next(x for x in (work / "raw" / SURVEY).read_text(encoding="utf-8").splitlines() if x[:1] != "#")
        _, rows = rows_of(work / "raw" / SURVEY, ";" if header.count(";") > header.count(",") else ",")
        w = rows[0].index("weight")
        want = {r[0]: float(r[w].replace(",", ".")) for r in rows[1:]}
    equal = sum(got.get(k) == v for k, v in want.items())
    return {"equal": equal, "of": len(want), "first": [want[k] for k in sorted(want)[:3]]}


WEIGHTS = exact_weights
CASES = [
    Case("sas_csv", sas_csv, WEIGHTS),
    Case("danish_three_decimals", danish_three_decimals, WEIGHTS),
    Case("expansion_weights", expansion_weights, WEIGHTS),
    Case("spss_sav", spss_sav, WEIGHTS),
    Case("undecided", undecided),
    Case("undecided_named", undecided_named, WEIGHTS),
    Case("statbank_christianso", statbank_christianso,
         "select count(distinct municipality_code), sum(persons) from population"),
    Case("statbank_names_only", statbank_names_only,
         "select list(distinct municipality_code order by municipality_code) from population"),
    Case("statbank_english", statbank_english,
         "select sum(persons) from population where year = 2012 and municipality_code = 101"),
    Case("trailing_delimiter_rows", trailing_delimiter_rows, "select count(*) from grant_budgets"),
    Case("mixed_encoding", mixed_encoding,  # organisation names garbled (UTF-8 read as Windows-1252), of all
         "select count(*) filter (where organisation like '%Ã%'), count(*) from grants_s18"),
    Case("no_population_count", no_population_count),
    Case("no_population_fte", no_population_fte),
    Case("one_wave_change", one_wave_change),
    Case("grouped_decimal_comma", grouped_decimal_comma,
         "select applied_dkk from grants_s18 order by application_id limit 1"),
    Case("space_thousands", space_thousands),
    Case("nbsp_thousands", nbsp_thousands),
    Case("kroner", kroner),
    Case("utf16", utf16),
]


@dataclasses.dataclass
class Outcome:
    status: int                 # exit status of the last command run (the first that failed, or the last)
    command: str                # that command
    stdout: str
    stderr: str
    values: object = None       # the case's read-back query on the warehouse built, when it was built

    def messages(self) -> list[str]:
        return [x for x in self.stderr.splitlines() if x.startswith(("error:", "warning:")) or " error: " in x]


def _in_process(argv: list[str]) -> tuple[int, str, str]:
    from etl.__main__ import main as etl_main
    from queries.__main__ import main as queries_main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = (etl_main if argv[0] == "etl" else queries_main)(argv[1:])
        except SystemExit as e:
            status = e.code
    return status, out.getvalue(), err.getvalue()


def run_case(case: Case, work: pathlib.Path, repo: pathlib.Path | None = None) -> Outcome:
    """Make the case's files under `work` and run its commands: in this process (repo None) or, for another
    checkout, as `python -m ...` subprocesses in it."""
    import duckdb

    raw, db = work / "raw", work / "warehouse.duckdb"
    shutil.copytree(FIXTURE_RAW, raw)
    commands = case.make(raw, work)
    for argv in commands:
        argv = [a.format(raw=raw, db=db, work=work) for a in argv]
        if repo is None:
            status, out, err = _in_process(argv)
        else:
            proc = subprocess.run([sys.executable, "-m", *argv], cwd=repo, capture_output=True, text=True)
            status, out, err = proc.returncode, proc.stdout, proc.stderr
        if status != 0:
            break
    values = None
    if case.read and db.exists() and status == 0:
        con = duckdb.connect(str(db), read_only=True)
        values = con.execute(case.read).fetchone() if isinstance(case.read, str) else case.read(con, work)
        con.close()
    return Outcome(status, " ".join(a for a in argv[:3] if not a.startswith(("-", "/"))), out, err, values)


def main() -> None:
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=pathlib.Path, default=REPO, help="checkout whose etl/ and queries/ run")
    args = parser.parse_args()
    print("| case | command | exit | messages (first two) | values read back |")
    print("|---|---|---|---|---|")
    for case in CASES:
        with tempfile.TemporaryDirectory() as tmp:
            o = run_case(case, pathlib.Path(tmp), args.repo.resolve())
        shown = " / ".join(m.replace(tmp, "…").replace("|", "\\|") for m in o.messages()[:2])
        if o.status == 0 and case.id in ("no_population_count", "no_population_fte"):
            shown = o.stdout.strip().replace("\n", " ⏎ ")[:300]
        values = "" if o.values is None else o.values
        print(f"| {case.title} | {o.command} | {o.status} | {shown[:600]} | {values} |")


if __name__ == "__main__":
    main()
