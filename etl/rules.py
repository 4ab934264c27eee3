"""Declarative data rules (like dbt's not_null / accepted_values / relationships / unique), checked in SQL.

A source module declares a `SourceSpec`: its columns with type, required-ness, accepted codes, range and
references, the unique keys, and extra row rules. `etl.staging` turns the declaration into one scan of the
staged file (every row rule is a `count(*) filter (where ...)` in a single query), so a rule is stated once and
never re-implemented in the loaders.
"""
from __future__ import annotations

import dataclasses

TEXT, INT, FLOAT, FLAG, CODE = "text", "int", "float", "flag", "code"

# Sane bounds: a value beyond them is a typo, a misplaced separator or an overflow (1e309 reads as infinity), never
# a figure to load. Every float column declares a max (SourceSpec checks), so no infinite value gets through.
MAX_WEIGHT = 1e6                 # a design weight: persons one respondent stands for
MAX_HOURS_PER_MONTH = 744        # 31 days x 24 hours
MAX_DKK = 1e11                   # kr.: 100 billion, more than any municipality's whole budget
MAX_STAFF_FTE = 10_000           # full-time staff for volunteering in one municipality
MAX_PERSONS = 10_000_000         # more than Denmark's population: catches misplaced separators, fits an integer


def _num(x: float | None) -> str:
    return str(int(x)) if x is not None and float(x).is_integer() else f"{x}"


@dataclasses.dataclass(frozen=True)
class Column:
    name: str
    type: str = TEXT
    required: bool = True             # not_null (with `when`: required when that flag is 1)
    codes: str | tuple[str, ...] | None = None  # accepted values: a labels.csv dimension or an explicit list
    min: float | None = None
    max: float | None = None
    min_exclusive: bool = False       # min is a strict lower bound (weight > 0)
    municipality: bool = False        # relationship: one of the 98 in data/reference/municipalities.csv
    when: str | None = None           # a 0/1 column: this column is empty when it is 0
    aliases: tuple[str, ...] = ()     # other header names of the column (lower case), e.g. an English export's
    may_be_absent: bool = False       # the header may leave the column out (every value then empty)

    def range_text(self) -> str:
        lo, hi = _num(self.min), _num(self.max)
        if self.min is not None and self.max is not None:
            return f"> {lo} and <= {hi}" if self.min_exclusive else f"between {lo} and {hi}"
        if self.min is not None:
            return f"{'>' if self.min_exclusive else '>='} {lo}"
        return f"<= {hi}"


@dataclasses.dataclass(frozen=True)
class RowRule:
    """A row is wrong (or suspicious, for a warning) when `bad` holds.

    `bad` is SQL over the staged row: raw text columns by name, typed values as `v_<name>` (NULL when the text
    is not a valid value of the column's type), so a rule never fires on a value already reported as badly typed.
    `guard`: a cheaper condition that holds wherever `bad` does (one case of staging.exclusive); the rules of a guard
    that holds on no row are not evaluated.
    """
    column: str
    bad: str
    message: str
    guard: str | None = None


@dataclasses.dataclass(frozen=True)
class SourceSpec:
    file: str                          # file name in the raw folder
    table: str                         # warehouse table
    columns: tuple[Column, ...]
    unique: tuple[tuple[str, ...], ...] = ()
    rules: tuple[RowRule, ...] = ()
    warnings: tuple[RowRule, ...] = ()
    every_municipality_per: str | None = None  # e.g. 'year': each year present lists all 98 municipalities

    def __post_init__(self):
        unbounded = [c.name for c in self.columns if c.type == FLOAT and c.max is None]
        if unbounded:
            raise ValueError(f"{self.file}: float columns need a max bound: {', '.join(unbounded)}")

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def year(name: str = "year", required: bool = True) -> Column:
    """A calendar year; the range only catches typos such as 212 or 20122."""
    return Column(name, INT, required=required, min=1900, max=2100)


def municipality_code() -> Column:
    return Column("municipality_code", INT, municipality=True)


def amount_dkk(name: str) -> Column:
    """An amount in kroner: 0 to MAX_DKK."""
    return Column(name, FLOAT, min=0, max=MAX_DKK)
