"""data/reference/*.csv -> municipalities, labels, published_figures, survey_waves (committed facts, loaded first).

The survey waves come from data/reference/survey_waves.csv, or from the raw folder's own survey_waves.csv when a data
owner declares the waves of a survey that is not one of the published ones there (the same columns; it replaces the
reference table for that build). Either way the table is checked row by row: see `check_waves`.
"""
from __future__ import annotations

import csv
import pathlib
import re

from etl.errors import InvalidInput, Problem
from etl.staging import lit

REFERENCE_DIR = pathlib.Path(__file__).resolve().parents[1] / "data" / "reference"
WAVES_FILE = "survey_waves.csv"
WAVE_COLUMNS = ("series", "year", "fieldwork", "population", "sample_size", "definition", "definition_da",
                "definition_en", "source", "source_ref", "comparable_with")
WAVE_REQUIRED = tuple(c for c in WAVE_COLUMNS if c not in ("sample_size", "comparable_with"))


def _csv(name: str) -> str:
    return f"read_csv({lit(str(REFERENCE_DIR / name))}, header = true, delim = ',', quote = '\"', all_varchar = true)"


def load(build) -> None:
    """Load the three reference tables; the municipality list is what every municipality_code is checked against."""
    con = build.con
    con.execute(f"""
        insert into municipalities
        select kommunekode::integer, kommune, regionskode::integer, region, landsdelskode::integer, landsdel,
               case landsdel_side when 'øst' then 'east' when 'vest' then 'west' end
        from {_csv('municipalities.csv')} order by kommunekode::integer""")
    con.execute(f"""
        insert into labels select dimension, code, label_da, label_en, sort_order::integer
        from {_csv('labels.csv')}""")
    con.execute(f"""
        insert into published_figures
        select figure_id, survey, year::integer, population, breakdown, category, measure, value::double, unit,
               comparator, source, source_ref, source_quote, nullif(series, ''), nullif(definition, '')
        from {_csv('published_figures.csv')}""")
    n = con.execute("select count(*) from municipalities").fetchone()[0]
    if n != 98:
        raise InvalidInput([Problem("data/reference/municipalities.csv", None, None, str(n),
                                    "expected the 98 Danish municipalities")])
    build.municipality_codes = [r[0] for r in con.execute(
        "select municipality_code from municipalities order by 1").fetchall()]
    load_waves(build)


def waves_path(raw_dir: pathlib.Path | None) -> pathlib.Path:
    """The wave table of a build: the raw folder's survey_waves.csv if it has one, else the reference table."""
    own = pathlib.Path(raw_dir) / WAVES_FILE if raw_dir is not None else None
    return own if own is not None and own.is_file() else REFERENCE_DIR / WAVES_FILE


def shown_name(path: pathlib.Path) -> str:
    """The wave table as messages name it."""
    return f"data/reference/{WAVES_FILE}" if path == REFERENCE_DIR / WAVES_FILE else WAVES_FILE


def check_waves(path: pathlib.Path, series_codes: list[str], definition_codes: list[str]) -> list[dict]:
    """The rows of a wave table, checked: every column there, required values given, a known series and
    definition, a year, a sample size that is a whole number > 0 (or empty), each (series, year) once, and
    comparable_with naming other waves of the same series with the same definition (years separated by ';'), both
    ways. Raises InvalidInput naming file, line, column and value of every problem."""
    name = shown_name(path)
    problems: list[Problem] = []
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in WAVE_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InvalidInput([Problem(name, 1, c, None, f"column missing (a wave table has the columns "
                                        f"{', '.join(WAVE_COLUMNS)})") for c in missing])
        raw = list(enumerate(reader, start=2))
    seen: dict[tuple[str, int], int] = {}
    rows = []
    for line, r in raw:
        r = {k: (v or "").strip() for k, v in r.items() if k is not None}
        for c in WAVE_REQUIRED:
            if not r[c]:
                problems.append(Problem(name, line, c, "", "required: every wave says its " + c.replace("_", " ")))
        if r["series"] and r["series"] not in series_codes:
            problems.append(Problem(name, line, "series", r["series"],
                                    f"unknown series; valid values: {', '.join(series_codes)}"))
        if r["definition"] and r["definition"] not in definition_codes:
            problems.append(Problem(name, line, "definition", r["definition"],
                                    f"unknown definition; valid values: {', '.join(definition_codes)} (labels.csv)"))
        if r["year"] and not re.fullmatch(r"(19|20)[0-9]{2}", r["year"]):
            problems.append(Problem(name, line, "year", r["year"], "not a year (four digits)"))
        if r["sample_size"] and not re.fullmatch(r"[1-9][0-9]*", r["sample_size"]):
            problems.append(Problem(name, line, "sample_size", r["sample_size"],
                                    "not a whole number of respondents > 0 (empty when the source does not say)"))
        others = [o.strip() for o in r["comparable_with"].split(";") if o.strip()]
        bad = [o for o in others if not re.fullmatch(r"(19|20)[0-9]{2}", o) or o == r["year"]]
        if bad:
            problems.append(Problem(name, line, "comparable_with", r["comparable_with"],
                                    "expected the years of other waves of the same series, separated by ';', "
                                    "or empty"))
        r["_others"], r["_line"] = [int(o) for o in others if o not in bad], line
        if r["series"] and r["year"].isdigit():
            key = (r["series"], int(r["year"]))
            if key in seen:
                problems.append(Problem(name, line, "year", r["year"],
                                        f"the wave {key[0]} {key[1]} is already declared on line {seen[key]}"))
            seen[key] = line
        rows.append(r)
    waves = {(r["series"], int(r["year"])): r for r in rows if r["series"] and r["year"].isdigit()}
    for (series, year), r in waves.items():
        for other in r["_others"]:
            back = waves.get((series, other))
            if back is None:
                problems.append(Problem(name, r["_line"], "comparable_with", str(other),
                                        f"no wave {series} {other} in the table (a wave is comparable only with "
                                        "waves of its own series)"))
            elif year not in back["_others"]:
                problems.append(Problem(name, r["_line"], "comparable_with", str(other),
                                        f"the wave {series} {other} (line {back['_line']}) does not list {year} "
                                        "as comparable: comparability goes both ways"))
            elif back["definition"] != r["definition"]:
                problems.append(Problem(name, r["_line"], "comparable_with", str(other),
                                        f"the wave {series} {other} (line {back['_line']}) has another definition "
                                        f"({back['definition']}, not {r['definition']}): only waves with the same "
                                        "definition are comparable"))
    if problems:
        raise InvalidInput(problems)
    return rows


def load_waves(build) -> None:
    """Check the build's wave table and load survey_waves and survey_wave_comparable."""
    con = build.con
    path = waves_path(build.waves_dir)
    rows = check_waves(path, build.codes("series"), build.codes("definition"))
    con.executemany("insert into survey_waves values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [[r["series"], int(r["year"]), r["fieldwork"], r["population"],
                      int(r["sample_size"]) if r["sample_size"] else None, r["definition"], r["definition_da"],
                      r["definition_en"],
                      r["source"], r["source_ref"]] for r in rows])
    con.executemany("insert into survey_wave_comparable values (?, ?, ?)",
                    [[r["series"], int(r["year"]), o] for r in rows for o in r["_others"]])
