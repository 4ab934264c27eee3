"""`python -m etl import-survey FILE.sav|FILE.dta --mapping MAPPING.yml --out DIR`: an archive file -> contract CSV.

The volunteer survey's microdata comes from the Danish National Archives (Rigsarkivet, formerly Dansk Data Arkiv)
as SPSS or Stata files with Danish value labels. A YAML mapping (documented in etl/mappings/example.yml and
docs/input-contract.md) names the source variable of every column of survey_respondents.csv and maps value
labels or codes to contract codes. The file is read with pyreadstat; values the file declares missing (SPSS
user-missing codes, Stata's . and .a-.z) become empty cells.

The converted rows are then checked by the same rules as the CSV loader (etl/survey.py through etl/staging.py),
so every problem is found here and named by the source file, respondent row and variable. The CSV is written
(atomically, replacing an older one) only when nothing is wrong.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
import os
import pathlib
import shutil
import tempfile

from etl.errors import InvalidInput, Problem
from etl.survey import SPEC

READERS = {".sav": "read_sav", ".zsav": "read_sav", ".dta": "read_dta"}
COLUMN_KEYS = {"variable", "value", "labels", "codes", "age_from"}
AGE_KEYS = {"birth_year", "interview_date", "interview_year"}
TOP_KEYS = {"description", "encoding", "columns"}
MAX_VALUES_SHOWN = 5


@dataclasses.dataclass
class SourceProblem(Problem):
    """A problem in the source file, named by respondent row (1 = first respondent) and source variable."""

    row: int | None = None
    respondent: str | None = None
    variable: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}" + (f" (respondent {self.respondent})" if self.respondent else ""))
        if self.variable:
            where.append(f"variable {self.variable}" + (f" ({self.column})" if self.column else ""))
        elif self.column:
            where.append(f"column {self.column}")
        text = ", ".join(where) + ": " + self.message
        if self.value is not None and self.value != "":
            text += f" (value {self.value})"
        if self.more:
            text += f"; {self.more} more row{'s' if self.more != 1 else ''} with the same problem"
        return text


@dataclasses.dataclass
class ColumnMap:
    """How one contract column is made: from a variable (optionally through labels or codes), a constant, or an age."""

    column: str
    variable: str | None = None
    value: object = None
    labels: dict[str, object] | None = None
    codes: dict[object, object] | None = None
    age_from: dict[str, object] | None = None

    def variables(self) -> list[str]:
        """The source variables this column reads."""
        if self.variable:
            return [self.variable]
        if self.age_from:
            return [v for k, v in self.age_from.items() if isinstance(v, str)]
        return []

    def described(self) -> str:
        return "/".join(self.variables()) or "(constant in the mapping)"


def _mapping_problem(path: pathlib.Path, message: str, column: str | None = None, line: int | None = None) -> Problem:
    return Problem(path.name, line, column, None, message)


def _key(value) -> object:
    """Compare codes as numbers when they are numbers (SPSS stores 1 as 1.0), else as trimmed text."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    return str(value).strip()


def _text(value) -> str:
    """A value as it goes into the CSV: whole numbers without '.0', dates as ISO, missing as empty."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else _float_text(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalar
        return _text(value.item())
    return str(value).strip()


def _float_text(value: float) -> str:
    """A number stored in binary, written so that it reads back to the same double and shows its decimal sign: the
    shortest exact form (repr), with a 0 added after exactly three decimals (1.682 -> 1.6820), which could otherwise
    be read as a thousands grouping (docs/input-contract.md, Decimal sign)."""
    text = repr(value)
    mantissa = text.split("e")[0]
    if "." in mantissa and len(mantissa.split(".")[1]) == 3:
        text = mantissa + "0" + text[len(mantissa):]
    return text


def _shown(value, label: str | None = None) -> str:
    text = _text(value)
    shown = repr(text) if not isinstance(value, (int, float)) or isinstance(value, bool) else text
    return f"{shown} {label!r}" if label is not None else shown


def load_mapping(path: pathlib.Path) -> tuple[dict, list[ColumnMap]]:
    """Read and check the YAML mapping: every contract column mapped exactly once, no unknown keys."""
    import yaml

    if not path.is_file():
        raise InvalidInput([_mapping_problem(path, "mapping file not found")])
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise InvalidInput([_mapping_problem(path, f"not valid YAML: {getattr(e, 'problem', None) or e}",
                                             line=mark.line + 1 if mark else None)]) from None
    except UnicodeDecodeError:
        raise InvalidInput([_mapping_problem(path, "not UTF-8 text")]) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("columns"), dict):
        raise InvalidInput([_mapping_problem(path, "expected a mapping with a 'columns:' section")])
    problems = [_mapping_problem(path, f"unknown key {k!r}; valid keys: {', '.join(sorted(TOP_KEYS))}")
                for k in doc if k not in TOP_KEYS]
    contract = [c.name for c in SPEC.columns]
    maps: list[ColumnMap] = []
    for name, spec in doc["columns"].items():
        if name not in contract:
            problems.append(_mapping_problem(path, f"not a column of {SPEC.file}; columns: {', '.join(contract)}", str(name)))
            continue
        if isinstance(spec, str):
            spec = {"variable": spec}
        if not isinstance(spec, dict):
            problems.append(_mapping_problem(path, "expected a variable name or keys variable/value/labels/codes/age_from", name))
            continue
        unknown = sorted(set(spec) - COLUMN_KEYS)
        sources = [k for k in ("variable", "value", "age_from") if k in spec]
        if unknown:
            problems.append(_mapping_problem(path, f"unknown key(s) {', '.join(unknown)}; valid: {', '.join(sorted(COLUMN_KEYS))}", name))
        elif len(sources) != 1:
            problems.append(_mapping_problem(path, "give exactly one of variable, value, age_from", name))
        elif "labels" in spec and "codes" in spec:
            problems.append(_mapping_problem(path, "give labels or codes, not both", name))
        elif ("labels" in spec or "codes" in spec) and "variable" not in spec:
            problems.append(_mapping_problem(path, "labels and codes translate a variable: add variable", name))
        elif any(k in spec and not isinstance(spec[k], dict) for k in ("labels", "codes", "age_from")):
            problems.append(_mapping_problem(path, "labels, codes and age_from take a mapping (key: value lines)", name))
        elif any(isinstance(k, bool) or k is None for k in (spec.get("labels") or {})):
            bad = next(k for k in spec["labels"] if isinstance(k, bool) or k is None)
            problems.append(_mapping_problem(path, f"a label YAML reads as {bad!r}: put the label in quotes "
                                             "(e.g. 'Yes': ..., 'No': ...)", name))
        elif "variable" in spec and not isinstance(spec["variable"], str):
            problems.append(_mapping_problem(path, "variable must be a variable name", name))
        elif "age_from" in spec and (name != "age" or set(spec["age_from"]) - AGE_KEYS
                                     or "birth_year" not in spec["age_from"]
                                     or len(set(spec["age_from"]) & {"interview_date", "interview_year"}) != 1):
            problems.append(_mapping_problem(path, "age_from (for age only) takes birth_year and one of "
                                             "interview_date or interview_year", name))
        else:
            labels = {str(k).strip(): v for k, v in spec["labels"].items()} if "labels" in spec else None
            codes = {_key(k): v for k, v in spec["codes"].items()} if "codes" in spec else None
            maps.append(ColumnMap(name, spec.get("variable"), spec.get("value"), labels, codes, spec.get("age_from")))
    mapped = {m.column for m in maps} | {str(k) for k in doc["columns"]}
    problems += [_mapping_problem(path, "contract column not mapped (give variable, value or age_from)", c.name)
                 for c in SPEC.columns if c.name not in mapped and not c.may_be_absent]
    if problems:
        raise InvalidInput(problems)
    return doc, maps


def read_source(path: pathlib.Path, encoding: str | None = None):
    """(data frame, metadata) of an SPSS or Stata file; values are raw codes, declared missing values are NaN."""
    import pyreadstat

    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise InvalidInput([Problem(path.name, None, None, None,
                                    f"unsupported file type {path.suffix!r}; expected {', '.join(READERS)}")])
    if not path.is_file():
        raise InvalidInput([Problem(str(path), None, None, None, "file not found")])
    kwargs = {"apply_value_formats": False, "user_missing": False}
    if encoding:
        kwargs["encoding"] = encoding
    try:
        return getattr(pyreadstat, reader)(str(path), **kwargs)
    except Exception as e:  # pyreadstat raises its own ReadstatError / PyreadstatError for damaged files
        raise InvalidInput([Problem(path.name, None, None, None, f"cannot be read as {path.suffix} file: {e}")]) from None


class _Converter:
    """Turn the source frame into contract text columns, collecting every value the mapping does not cover."""

    def __init__(self, path: pathlib.Path, df, meta, maps: list[ColumnMap]):
        self.path, self.df, self.meta, self.maps = path, df, meta, maps
        self.problems: list[Problem] = []
        self.rows = len(df)
        id_map = next(m for m in maps if m.column == "respondent_id")
        self.ids = [_text(v) for v in df[id_map.variable]] if id_map.variable in df.columns else [""] * self.rows

    def problem(self, m: ColumnMap, rows: list[int], value, message: str) -> None:
        self.problems.append(SourceProblem(self.path.name, None, m.column, value, message, len(rows) - 1,
                                           row=rows[0] + 1, respondent=self.ids[rows[0]] or None,
                                           variable=m.described()))

    def column(self, m: ColumnMap) -> list[str]:
        if m.variable is None and m.age_from is None:
            return [_text(m.value)] * self.rows
        if m.age_from is not None:
            return self._age(m)
        values = list(self.df[m.variable])
        if m.labels is None and m.codes is None:
            return [_text(v) for v in values]
        value_labels = {_key(k): str(v).strip()
                        for k, v in (self.meta.variable_value_labels.get(m.variable) or {}).items()}
        unknown: dict[object, list[int]] = {}
        out = []
        for i, v in enumerate(values):
            if _text(v) == "":
                out.append("")
                continue
            k = _key(v)
            if m.labels is not None:
                label = value_labels.get(k)
                found = label is not None and label in m.labels
                target = m.labels.get(label) if found else None
            else:
                found = k in m.codes
                target = m.codes.get(k)
            if not found:
                unknown.setdefault(k, []).append(i)
                out.append("")
            else:
                out.append(_text(target))
        for k, rows in list(unknown.items())[:MAX_VALUES_SHOWN]:
            label = value_labels.get(k)
            if m.labels is not None:
                known = ", ".join(repr(x) for x in m.labels)
                why = ("value has no value label in the file" if label is None else
                       "value label not in the mapping") + f"; mapped labels: {known}"
            else:
                why = "code not in the mapping; mapped codes: " + ", ".join(_text(x) for x in m.codes)
            self.problem(m, rows, _shown(self.df[m.variable].iloc[rows[0]], label), why)
        if len(unknown) > MAX_VALUES_SHOWN:
            rest = list(unknown.values())[MAX_VALUES_SHOWN:]
            self.problem(m, rest[0], None, f"{len(rest)} more values not in the mapping")
        return out

    def _age(self, m: ColumnMap) -> list[str]:
        """Age in whole years as interview year minus birth year (the file gives the birth year, not the date)."""
        spec = m.age_from
        birth = self._values(spec["birth_year"])
        if "interview_date" in spec:
            when = self._values(spec["interview_date"])
            years = [w.year if isinstance(w, (dt.date, dt.datetime)) else None for w in when]
            bad = [i for i, w in enumerate(when) if _text(w) != "" and years[i] is None]
            if bad:
                self.problem(m, bad, _shown(when[bad[0]]), "interview_date is not a date (give the variable a date format)")
        else:
            years = [_num(v) for v in self._values(spec["interview_year"])]
        out = []
        for b, y in zip(birth, years):
            b = _num(b)
            out.append("" if b is None or y is None else str(int(y) - int(b)))
        return out

    def _values(self, source) -> list:
        return list(self.df[source]) if isinstance(source, str) else [source] * self.rows


def _num(value) -> float | None:
    text = _text(value)
    try:
        return float(text) if text else None
    except ValueError:
        return None


def _missing_variables(path: pathlib.Path, df, maps: list[ColumnMap]) -> list[Problem]:
    have = set(df.columns)
    out = []
    for m in maps:
        for v in m.variables():
            if v not in have:
                out.append(SourceProblem(path.name, None, m.column, None,
                                         f"variable not in the file (the mapping names it for {m.column})", variable=v))
    return out


def _check_contract(csv_path: pathlib.Path, source: pathlib.Path, maps: list[ColumnMap], ids: list[str],
                    out_dir: pathlib.Path) -> list[Problem]:
    """Run the CSV loader's rules (etl/survey.py) on the converted file, with the waves of the raw folder out_dir
    (its survey_waves.csv, else the reference table); name problems by source row and variable."""
    import duckdb

    from etl import reference, schema
    from etl.build import Build
    from etl.staging import stage
    from etl.survey import spec_for

    by_column = {m.column: m for m in maps}
    con = duckdb.connect()
    try:
        con.execute("set enable_progress_bar = false")
        schema.create(con)
        b = Build(con, csv_path.parent, csv_path.parent)
        b.waves_dir = out_dir
        reference.load(b)
        con.execute("attach ':memory:' as stg")
        try:
            stage(b, spec_for(b))
        except InvalidInput as e:
            out = []
            for p in e.problems:
                row = p.line - 1 if p.line is not None and p.line > 1 else None  # line 1 is the header
                columns = [c.strip() for c in (p.column or "").split(",")]
                variable = ", ".join(by_column[c].described() for c in columns if c in by_column) or None
                out.append(SourceProblem(source.name, None, p.column, repr(p.value) if p.value else p.value,
                                         p.message, p.more, row=row,
                                         respondent=ids[row - 1] if row and row <= len(ids) and ids[row - 1] else None,
                                         variable=variable))
            return out
    finally:
        con.close()
    return []


def convert(source: pathlib.Path, mapping: pathlib.Path, out_dir: pathlib.Path) -> tuple[pathlib.Path, int]:
    """Write out_dir/survey_respondents.csv from `source` through `mapping`; returns (path, rows).

    Raises InvalidInput naming file, variable, respondent row and value for anything the mapping or the contract
    does not accept; then no file is written and an existing one is left as it was.
    """
    import csv

    doc, maps = load_mapping(mapping)
    df, meta = read_source(source, doc.get("encoding"))
    problems = _missing_variables(source, df, maps)
    if problems:
        raise InvalidInput(problems)
    conv = _Converter(source, df, meta, maps)
    columns = {m.column: conv.column(m) for m in maps}
    order = [c.name for c in SPEC.columns if c.name in columns or not c.may_be_absent]
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / SPEC.file
    work = pathlib.Path(tempfile.mkdtemp(prefix=".import-", dir=out_dir))
    try:
        tmp = work / SPEC.file
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(order)
            w.writerows(zip(*(columns[c] for c in order)))
        # values the mapping did not cover were written empty: their contract problems would only repeat them
        unmapped = {p.column for p in conv.problems}
        problems = conv.problems + [p for p in _check_contract(tmp, source, maps, conv.ids, out_dir)
                                    if not unmapped & {c.strip() for c in (p.column or "").split(",")}]
        if problems:
            raise InvalidInput(problems)
        os.replace(tmp, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target, conv.rows


def main(source: pathlib.Path, mapping: pathlib.Path, out_dir: pathlib.Path) -> int:
    """CLI entry: 0 on success, 2 when the file, the mapping or a value is not accepted."""
    import sys

    try:
        target, rows = convert(source, mapping, out_dir)
    except InvalidInput as e:
        for p in e.problems:
            print(f"error: {p}", file=sys.stderr)
        n, target = len(e.problems), out_dir / SPEC.file
        print(f"error: import stopped, {n} problem{'s' if n != 1 else ''}; {target} was "
              f"{'not changed' if target.exists() else 'not written'}", file=sys.stderr)
        return 2
    print(f"wrote {target} ({rows:,} respondents from {source.name})")
    return 0
