"""Stage one contract file as text in DuckDB and check it against its declared rules (etl.rules) in SQL.

Staging reads every column as text (DuckDB read_csv, all columns VARCHAR, empty -> NULL), so a bad value is
reported with its line instead of failing a cast. The typed view `v_<table>` then gives each row its line in
the file (`line`), the trimmed text of every column, and the typed value `v_<column>` of numeric columns.
"""
from __future__ import annotations

import dataclasses
import pathlib
from typing import TYPE_CHECKING

import duckdb

from etl.dialect import Dialect, first_multiline_record, sniff
from etl.errors import InvalidInput, Problem
from etl.rules import CODE, FLAG, FLOAT, INT, TEXT, Column, RowRule, SourceSpec

if TYPE_CHECKING:
    from etl.build import Build

INT_RE = "[+-]?[0-9]+"
EXP = "([eE][+-]?[0-9]+)?"
# A float as the file's decimal sign reads it (the other sign never appears in it).
FLOAT_RE = {"point": f"[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+){EXP}", "comma": f"[+-]?([0-9]+(,[0-9]*)?|,[0-9]+){EXP}"}
# The one thousands grouping accepted: the other sign before groups of exactly three digits, in a value that also
# carries the file's decimal sign after them (11.940.000,50 in a decimal-comma file). Both signs in one value show
# which is which; a grouping without decimals (1.234.567, 100.000) is refused, since `1.508` alone cannot tell.
GROUPED_RE = {"point": "[+-]?[1-9][0-9]{0,2}(,[0-9]{3})+[.][0-9]+",
              "comma": "[+-]?[1-9][0-9]{0,2}([.][0-9]{3})+,[0-9]+"}


def _decides(sep: str, grouped: str) -> str:
    """A value that shows that `sep` is the file's decimal sign."""
    return (f"[+-]?([0-9]*{sep}([0-9]{{1,2}}|[0-9]{{4,}}){EXP}"  # one, two, four or more decimals: 2.5, 1.2340
            f"|0*{sep}[0-9]{{3}}{EXP}"                          # a leading zero (no grouping starts with 0): 0.870
            f"|[0-9]+{sep}[0-9]*[eE][+-]?[0-9]+"                # an exponent: 1.508e3
            f"|{grouped.removeprefix('[+-]?')})")               # both signs, the decimal one last: 11.940.000,50


DECIDES_RE = {"point": _decides("[.]", GROUPED_RE["point"]), "comma": _decides(",", GROUPED_RE["comma"])}
THOUSANDS_ANY_RE = "[+-]?[1-9][0-9]{0,2}([.,][0-9]{3})+"
SPACE_GROUPED_RE = "[+-]?[0-9]{1,3}([ \u00a0\u202f][0-9]{3})+([.,][0-9]+)?"  # space, no-break, narrow no-break
CURRENCY_RE = "(?i)(kr[.]?|dkk) ?[+-]?[0-9][0-9 .,\u00a0\u202f]*|[+-]?[0-9][0-9 .,\u00a0\u202f]*? ?(kr[.]?|dkk|,-)"
CONTROL_RE = "\\p{Cc}"  # control characters (U+0000-001F, U+007F-009F): NUL, tab, ...
POINT, COMMA = "point", "comma"
SIGN_CHAR = {POINT: ".", COMMA: ","}
OTHER = {POINT: COMMA, COMMA: POINT}
MAX_LINE_BYTES = 2_000_000  # DuckDB's default, stated so the message can name it
AMBIGUOUS_MESSAGE = ("ambiguous number: a thousands grouping without decimals; write whole numbers without a "
                     "separator (1234567)")
SPACE_MESSAGE = ("not a number: a space is not a thousands separator; write the number without one (1250000, "
                 "or 1250000,50 / 1250000.50)")
CURRENCY_MESSAGE = "not a number: remove the unit (amounts are plain numbers in kroner, e.g. 1250000)"
CONTROL_MESSAGE = "contains a control character (such as a NUL byte or a tab); remove it"
MUNICIPALITY_MESSAGE = "unknown municipality code (not one of the 98 in data/reference/municipalities.csv)"


def wrong_sign_message(file: str, sign: str, evidence: str) -> str:
    other = SIGN_CHAR[OTHER[sign]]
    return (f"not a number in this file, which writes decimals with a {sign} ({evidence}): a {OTHER[sign]} is "
            f"neither a decimal sign nor, without decimals after it, a thousands separator here (write 100000, not "
            f"100{other}000); if the file's decimal sign is the {OTHER[sign]}, say so: "
            f"python -m etl build --decimal {file}={other}")


def undecided_message(file: str) -> str:
    return (f"the file's decimal sign cannot be told: every number with a separator has exactly three digits after "
            f"it (1.508 may mean 1.508 or 1508); say which it is: python -m etl build --decimal {file}=. "
            f"(or {file}=,), or --decimal . for every file")


def q(name: str) -> str:
    """Quote an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def lit(text: str) -> str:
    """Quote an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


@dataclasses.dataclass
class Staged:
    spec: SourceSpec
    dialect: Dialect
    rows: int
    decimal_sign: str | None = None   # 'point', 'comma' or None (no number in the file has a separator)

    @property
    def decimal_comma(self) -> bool:
        return self.decimal_sign == COMMA

    @property
    def view(self) -> str:
        return f"v_{self.spec.table}"

    @property
    def spec_columns(self) -> set[str]:
        return {c.name for c in self.spec.columns}


def typed_expr(col: Column) -> str | None:
    """SQL for the typed value of a whole-number or 0/1 text column; NULL when the text is not a valid value.
    Floats are typed per decimal sign (float_exprs), since the sign is decided from the whole file."""
    c = q(col.name)
    if col.type == INT:
        return f"case when regexp_full_match({c}, '{INT_RE}') then try_cast({c} as bigint) end"
    if col.type == FLAG:
        return f"case {c} when '0' then 0 when '1' then 1 end"
    return None


def float_exprs(col: Column) -> dict[str, str]:
    """The typed value of a float column read with a decimal point and with a decimal comma (both computed once,
    while the file is read; the view picks the file's). A thousands grouping only in GROUPED_RE's form."""
    c = q(col.name)
    point = (f"case when regexp_full_match({c}, '{FLOAT_RE[POINT]}') then try_cast({c} as double) "
             f"when regexp_full_match({c}, '{GROUPED_RE[POINT]}') then try_cast(replace({c}, ',', '') as double) end")
    comma = (f"case when regexp_full_match({c}, '{FLOAT_RE[COMMA]}') then try_cast(replace({c}, ',', '.') as double) "
             f"when regexp_full_match({c}, '{GROUPED_RE[COMMA]}') "
             f"then try_cast(replace(replace({c}, '.', ''), ',', '.') as double) end")
    return {f"v_{col.name}": point, f"v_{col.name}__comma": comma}


def float_view_expr(col: Column, sign: str | None) -> str:
    """The column's typed value in the view: read with the file's sign; with no sign, only values without one."""
    c, v = q(col.name), q("v_" + col.name)
    if sign == COMMA:
        return f"{q('v_' + col.name + '__comma')} as {v}"
    if sign == POINT:
        return f"{v} as {v}"
    return f"case when not contains({c}, '.') and not contains({c}, ',') then {v} end as {v}"


def number_hints(col: Column) -> list[tuple[str, str]]:
    """(condition on the text, message) for a number written in a way a person would, said plainly."""
    c = q(col.name)
    return [(f"regexp_full_match({c}, '{CURRENCY_RE}')", CURRENCY_MESSAGE),
            (f"regexp_full_match({c}, '{SPACE_GROUPED_RE}')", SPACE_MESSAGE)]


def exclusive(column: str, guard: str, cases: list[tuple[str, str]]) -> list[RowRule]:
    """Rules of which at most one fires on a value: each case holds only where guard and no earlier case holds."""
    rules, before = [], []
    for cond, message in cases:
        rules.append(RowRule(column, " and ".join([guard, *(f"not ({b})" for b in before), f"({cond})"]), message,
                             guard))
        before.append(cond)
    return rules


def column_rules(col: Column, build: "Build", file: str, sign: str | None = None, evidence: str = "") -> list[RowRule]:
    """The row rules implied by a column declaration, in the order they are reported."""
    c, v = q(col.name), q("v_" + col.name)
    rules = []
    if col.when:
        w = q("v_" + col.when)
        if col.required:
            rules.append(RowRule(col.name, f"{w} = 1 and {c} is null", f"missing value (required when {col.when} = 1)"))
        rules.append(RowRule(col.name, f"{w} = 0 and {c} is not null", f"must be empty when {col.when} = 0"))
    elif col.required:
        rules.append(RowRule(col.name, f"{c} is null", "missing value"))
    bad_number = f"{c} is not null and {v} is null"
    if col.type == INT:
        rules += exclusive(col.name, bad_number, number_hints(col) + [("true", "not a whole number")])
    elif col.type == FLOAT:
        if sign:
            sign_case = (f"contains({c}, '{SIGN_CHAR[OTHER[sign]]}')", wrong_sign_message(file, sign, evidence))
        else:
            sign_case = (f"regexp_full_match({c}, '{FLOAT_RE[POINT]}|{FLOAT_RE[COMMA]}')", undecided_message(file))
        rules += exclusive(col.name, bad_number, number_hints(col) + [
            sign_case, (f"regexp_full_match({c}, '{THOUSANDS_ANY_RE}')", AMBIGUOUS_MESSAGE), ("true", "not a number")])
    elif col.type == TEXT:
        rules.append(RowRule(col.name, f"regexp_matches({c}, '{CONTROL_RE}')", CONTROL_MESSAGE))
    elif col.type == FLAG:
        rules.append(RowRule(col.name, f"{c} is not null and {v} is null", "must be 0 or 1"))
    elif col.type == CODE:
        codes = build.codes(col.codes)
        listed = ", ".join(lit(x) for x in codes)
        rules.append(RowRule(col.name, f"{c} is not null and {c} not in ({listed})",
                             "unknown code; accepted: " + ", ".join(codes)))
    if col.min is not None:
        op = "<=" if col.min_exclusive else "<"
        rules.append(RowRule(col.name, f"{v} {op} {col.min!r}", "out of range: must be " + col.range_text()))
    if col.max is not None:
        rules.append(RowRule(col.name, f"{v} > {col.max!r}", "out of range: must be " + col.range_text()))
    if col.municipality:
        listed = ", ".join(str(m) for m in build.municipality_codes)
        rules.append(RowRule(col.name, f"{v} is not null and {v} not in ({listed})", MUNICIPALITY_MESSAGE))
    return rules


def check_rules(build: "Build", staged: Staged, rules: list[RowRule]) -> list[Problem]:
    """Count every rule's rows; for a rule that fires, fetch its first line and value. The rules without a guard
    and the guards are counted first, then the rules of the guards that hold somewhere (the number hints of a
    column with no badly typed value are not evaluated: DuckDB compiles every regular expression of a query, and
    the hints made most of the cost of checking a valid file)."""
    if not rules:
        return []
    guards = list(dict.fromkeys(r.guard for r in rules if r.guard))
    first = [r.bad for r in rules if not r.guard] + guards
    found = dict(zip(first, _counts(build, staged, first)))
    second = [r.bad for r in rules if r.guard and found[r.guard]]
    found.update(zip(second, _counts(build, staged, second)))
    counts = [found.get(r.bad, 0) for r in rules]
    problems = []
    for r, n in zip(rules, counts):
        if not n:
            continue
        value = f"cast({q(r.column)} as varchar)" if r.column in staged.spec_columns else "null"
        line, shown = build.con.execute(
            f"select line, {value} from {staged.view} where {r.bad} order by line limit 1").fetchone()
        problems.append(Problem(staged.spec.file, line, r.column, shown, r.message, n - 1))
    return problems


def _counts(build: "Build", staged: Staged, conditions: list[str]) -> tuple[int, ...]:
    """How many rows of the staged file each condition holds on: first whether any row meets any of them (one
    condition, a quarter of the cost of counting each in a valid file), then, only if one does, each counted."""
    if not conditions or not build.con.execute(
            f"select count(*) from {staged.view} where " + " or ".join(f"({c})" for c in conditions)).fetchone()[0]:
        return (0,) * len(conditions)
    return build.con.execute("select " + ", ".join(f"count(*) filter (where {c})" for c in conditions)
                             + f" from {staged.view}").fetchone()


def record_warnings(build: "Build", staged: Staged, rules: list[RowRule]) -> list[Problem]:
    """Record every row a warning rule matches in build_warnings; return one summary per rule."""
    found = check_rules(build, staged, rules)
    for r in rules:
        value = f"cast({q(r.column)} as varchar)" if r.column in staged.spec_columns else "null"
        build.con.execute(
            f"insert into build_warnings select ?, line, ?, {value}, ? from {staged.view} where {r.bad} order by line",
            [staged.spec.file, r.column, r.message])
    return found


def check_unique(build: "Build", staged: Staged, key: tuple[str, ...]) -> list[Problem]:
    cols = [("v_" + c) if staged.spec.column(c).type in (INT, FLAG) else c for c in key]
    keys = ", ".join(q(c) for c in cols)
    not_null = " and ".join(f"{q(c)} is not null" for c in cols)
    con, view = build.con, staged.view
    extra = con.execute(f"select coalesce(sum(n - 1), 0) from (select count(*) as n from {view} "
                        f"where {not_null} group by {keys} having count(*) > 1)").fetchone()[0]
    if not extra:
        return []
    shown = " || ', ' || ".join(f"cast({q(c)} as varchar)" for c in cols)
    line, value, first = con.execute(
        f"select line, {shown}, first_line from (select line, {keys}, min(line) over (partition by {keys}) as first_line, "
        f"row_number() over (partition by {keys} order by line) as rn from {view} where {not_null}) "
        f"where rn > 1 order by line limit 1").fetchone()
    return [Problem(staged.spec.file, line, ", ".join(key), value,
                    f"duplicate key ({', '.join(key)}), first on line {first}", int(extra) - 1)]


def check_every_municipality(build: "Build", staged: Staged, per: str) -> list[Problem]:
    v = q("v_" + per)
    missing = build.con.execute(
        f"with p as (select distinct {v} as k from {staged.view} where {v} is not null), "
        f"have as (select distinct {v} as k, v_municipality_code as m from {staged.view}) "
        f"select p.k, mu.municipality_code from p cross join municipalities mu "
        f"anti join have on have.k = p.k and have.m = mu.municipality_code order by 1, 2").fetchall()
    if not missing:
        return []
    k, m = missing[0]
    return [Problem(staged.spec.file, None, "municipality_code", str(m),
                    f"{per} {k} lacks municipality {m}: every {per} must list all 98 municipalities",
                    len(missing) - 1)]


def read_header(dialect: Dialect, columns: tuple[Column, ...]) -> tuple[dict[str, str], list[Problem], list[Problem]]:
    """Map contract column -> header name (its name or an alias, any case; None for an absent column that may be
    absent); missing and duplicate columns are problems, unknown ones warnings."""
    file, line = dialect.path.name, dialect.header_line
    by_lower: dict[str, str] = {}
    problems, warnings = [], []
    for h in dialect.header:
        if not h:
            continue  # an unnamed column, e.g. from a trailing delimiter that Excel writes: ignored
        key = h.lower()
        if key in by_lower:
            problems.append(Problem(file, line, h, h, "column appears twice in the header"))
        by_lower[key] = h
    mapping, known = {}, set()
    for col in columns:
        names = [col.name, *col.aliases]
        known.update(names)
        found = next((by_lower[n] for n in names if n in by_lower), None)
        if found is not None:
            mapping[col.name] = found
        elif col.may_be_absent:
            mapping[col.name] = None
        else:
            problems.append(Problem(file, line, col.name, None, "required column missing from the header"))
    for key, h in by_lower.items():
        if key not in known:
            warnings.append(Problem(file, line, h, None, "unknown column ignored"))
    return mapping, problems, warnings


def utf8_source(build: "Build", dialect: Dialect) -> pathlib.Path:
    """DuckDB reads UTF-8; a Windows-1252 file is transcoded line for line into the staging folder."""
    if dialect.encoding != "cp1252":
        return dialect.path
    out = build.staging_dir / (dialect.path.stem + ".utf8.csv")
    try:
        with open(dialect.path, encoding="cp1252", newline="") as src, \
                open(out, "w", encoding="utf-8", newline="") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
    except UnicodeDecodeError as e:
        raise InvalidInput([Problem(dialect.path.name, None, None, None,
                                    f"neither UTF-8 nor Windows-1252 text ({e.reason} at byte {e.start})")])
    return out


def read_text_table(build: "Build", dialect: Dialect, table: str, columns: dict[str, str],
                    typed: dict[str, str] | None = None) -> int:
    """Load the file into stg.<table>: trimmed text (columns: output name -> header name) and typed values
    (typed: output name -> SQL over the text columns), computed once in the same pass; returns the row count.

    Rows that do not parse (wrong number of fields, bad quoting) are fatal problems with their line.
    """
    source = utf8_source(build, dialect)
    con = build.con
    names = [h or f"_unnamed_{i}" for i, h in enumerate(dialect.header)]
    all_cols = "{" + ", ".join(f"{lit(h)}: 'VARCHAR'" for h in names) + "}"
    rejects = f"rejects_{table}"
    select = ", ".join(f"nullif(trim({q(h)}), '') as {q(name)}" if h is not None else f"null::varchar as {q(name)}"
                       for name, h in columns.items())
    typed_select = "".join(f", {expr} as {q(name)}" for name, expr in (typed or {}).items())
    try:
        con.execute(
            f"create table stg.{q(table)} as select *{typed_select} from (select {select} from read_csv({lit(str(source))}, "
            f"delim = {lit(dialect.delimiter)}, quote = '\"', escape = '\"', header = true, "
            f"skip = {dialect.comment_lines}, columns = {all_cols}, auto_detect = false, "
            f"max_line_size = {MAX_LINE_BYTES}, "
            f"store_rejects = true, rejects_table = {lit(rejects)}, rejects_scan = {lit(rejects + '_scan')}))")
    except duckdb.Error as e:
        first = str(e).splitlines()[0].removeprefix("Invalid Input Error: ")
        raise InvalidInput([Problem(dialect.path.name, None, None, None, f"not readable as CSV: {first} "
                                    "(mixed line endings or a stray quote?)")]) from None
    # a row can be rejected once per missing field: the count of further rows is of distinct lines
    bad = con.execute(f"select line, csv_line, error_type, error_message, (select count(distinct line) from {rejects}) "
                      f"from {rejects} order by line, column_idx limit 1").fetchone()
    if bad:
        line, csv_line, kind, message, n = bad
        reason = {"TOO MANY COLUMNS": f"too many fields (expected {len(dialect.header)})",
                  "MISSING COLUMNS": f"too few fields (expected {len(dialect.header)})"}.get(str(kind), message.split("\n")[0])
        if str(kind) == "LINE SIZE OVER MAXIMUM":  # DuckDB keeps only 10 kB of such a line: do not show it
            reason, csv_line = f"line too long (over {MAX_LINE_BYTES:,} bytes; no contract value is that long)", None
        raise InvalidInput([Problem(dialect.path.name, int(line), None, csv_line, reason, int(n) - 1)])
    rows = con.execute(f"select count(*) from stg.{q(table)}").fetchone()[0]
    if rows != dialect.data_lines:
        # a quoted value with a line break: line numbers after it would be wrong, so it is not accepted
        line = first_multiline_record(dialect)
        raise InvalidInput([Problem(dialect.path.name, line, None, None,
                                    "a quoted value spans several lines (line breaks inside values are not supported)")])
    return rows


def decide_decimal_sign(build: "Build", table: str, float_cols: list[str], first_line: int,
                        given: str | None) -> tuple[str | None, str]:
    """The file's decimal sign and the evidence for it, as a message says it.

    Named with `--decimal`, it is that sign. Otherwise every value of every float column that shows a sign
    (DECIDES_RE) counts, and the sign most of them show is the file's; values with the other sign are then refused
    at their own line (rules), so one stray value is named, not the good rows around it. None when no value
    decides: then only numbers without a separator are read."""
    if given:
        return given, "as --decimal says"
    if not float_cols:
        return None, ""
    def decides(sign: str) -> str:
        return " + ".join(f"count(*) filter (where regexp_full_match({q(c)}, '{DECIDES_RE[sign]}'))"
                          for c in float_cols)
    con = build.con
    points, commas = con.execute(f"select {decides(POINT)}, {decides(COMMA)} from stg.{q(table)}").fetchone()
    if not points and not commas:
        return None, ""
    sign = COMMA if commas > points else POINT
    union = " union all ".join(f"(select rowid, {q(c)} from stg.{q(table)} where regexp_full_match({q(c)}, "
                               f"'{DECIDES_RE[sign]}') order by rowid limit 1)" for c in float_cols)
    row, value = con.execute(f"select * from ({union}) order by 1 limit 1").fetchone()
    n, other = (points, commas) if sign == POINT else (commas, points)
    evidence = (f"{n:,} value{'s' if n != 1 else ''} show{'s' if n == 1 else ''} it, the first {value!r} on line "
                f"{row + first_line}")
    if other:
        evidence += f"; {other:,} show{'s' if other == 1 else ''} a {OTHER[sign]}"
    return sign, evidence


def stage(build: "Build", spec: SourceSpec, dialect: Dialect | None = None) -> Staged:
    """Read, type and validate one contract file; raises InvalidInput listing every problem found."""
    dialect = dialect or sniff(build.raw_dir / spec.file)
    mapping, problems, header_warnings = read_header(dialect, spec.columns)
    if problems:
        raise InvalidInput(problems)
    build.warn(header_warnings)
    floats = [c for c in spec.columns if c.type == FLOAT]
    typed = {"v_" + c.name: e for c in spec.columns if (e := typed_expr(c))}
    for c in floats:
        typed.update(float_exprs(c))
    read = read_text_table(build, dialect, spec.table, mapping, typed)
    rows = read - dialect.trailing_empty_rows
    if dialect.trailing_empty_rows:
        n = dialect.trailing_empty_rows
        build.warn([Problem(dialect.path.name, dialect.first_data_line + rows, None, None,
                            f"{n} row{'s' if n != 1 else ''} of only delimiters at the end of the file ignored "
                            "(as a spreadsheet writes them)")])
    if rows == 0:
        raise InvalidInput([Problem(dialect.path.name, None, None, None,
                                    "no data rows: the file has a header but no rows (a file replaces all data "
                                    "of its kind, so an empty one is refused)")])
    sign, evidence = decide_decimal_sign(build, spec.table, [c.name for c in floats], dialect.first_data_line,
                                         build.decimal_for(spec.file))
    typed_floats = ", ".join(float_view_expr(c, sign) for c in floats)
    star = f"* exclude ({', '.join(q('v_' + c.name + '__comma') for c in floats)}) replace ({typed_floats})" \
        if floats else "*"
    build.con.execute(f"create temp view v_{spec.table} as select rowid + {dialect.first_data_line} as line, {star} "
                      f"from stg.{q(spec.table)} where rowid < {rows}")
    staged = Staged(spec, dialect, rows, sign)
    rules = [r for c in spec.columns for r in column_rules(c, build, spec.file, sign, evidence)] + list(spec.rules)
    problems = check_rules(build, staged, rules)
    for key in spec.unique:
        problems += check_unique(build, staged, key)
    if spec.every_municipality_per:
        problems += check_every_municipality(build, staged, spec.every_municipality_per)
    if problems:
        raise InvalidInput(problems)
    build.warn(record_warnings(build, staged, list(spec.warnings)), record=False)
    build.record_input(staged)
    return staged
