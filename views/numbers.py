"""Numbers as text, Danish (1.234,5 and 40,3 %) or English (1,234.5 and 40.3%), for the dashboards and the report
alike: one reading of a value (`parse`) and one formatter (babel's CLDR patterns), every function taking
(value, lang, decimals) in that order. A missing value is '' here; the report writes its en dash around it."""
from __future__ import annotations

import math

from babel.numbers import format_decimal, format_percent

from queries.lazy import lazy

pd = lazy("pandas")

LOCALES = {"da": "da_DK", "en": "en_GB"}
MISSING = "–"  # no value (a suppressed cell says why elsewhere)
SMALL_COUNT = "<5"  # how a count of persons suppressed by the query layer's small-count rule is written
NBSP = "\u00a0"  # between a number and its unit ("40,0 %", "+1,2 procentpoint"): the unit never wraps alone


def parse(x) -> float | None:
    """A value as a float, or None when it is missing or no number (None, NA, NaN, text): the one reading of a
    number every formatter, hover text and caption uses."""
    if x is None or x is pd.NA:
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def missing(x) -> bool:
    """True when `x` is no number (parse gives None): the formatters write '' for it."""
    return parse(x) is None


def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def number(x, lang: str = "da", decimals: int = 0) -> str:
    """1234567.8 -> '1.234.568' (da) or '1,234,568' (en); None/NaN -> '' (callers choose their own dash)."""
    if missing(x):
        return ""
    text = format_decimal(float(x), format=_pattern(decimals), locale=LOCALES["en" if lang == "en" else "da"])
    return text[1:] if text.startswith("-") and not text.strip("-0,.") else text  # no "-0,0"


def percent(x, lang: str = "da", decimals: int = 1) -> str:
    """A fraction 0-1 as a percentage: 0.4031 -> '40,3 %' (da) or '40.3%' (en)."""
    if missing(x):
        return ""
    pattern = _pattern(decimals) + (" %" if lang != "en" else "%")
    return format_percent(float(x), format=pattern, locale=LOCALES["en" if lang == "en" else "da"])


def signed(x, lang: str = "da", decimals: int = 1) -> str:
    """A change with an explicit sign: '+1,2', '-0,4', '0,0' (no '+0,0' or '-0,0'); '' when missing."""
    if missing(x):
        return ""
    text = number(x, lang, decimals)
    return text if text.startswith("-") or set(text) <= set("0,.") else "+" + text


def points(x, lang: str = "da", decimals: int = 1) -> str:
    """A difference of fractions in percentage points without sign or unit (a table cell): 0.012 -> '1,2'."""
    return "" if missing(x) else number(100 * float(x), lang, decimals)


def interval(low, high, lang: str = "da", *, fmt: str = "number", decimals: int = 0) -> str:
    """A 95 % interval: '38,8-41,1 %' for fractions, '1.700-1.900' for numbers; '' when a bound is missing."""
    if missing(low) or missing(high):
        return ""
    if fmt == "percent":
        return number(100 * float(low), lang, decimals) + "-" + percent(high, lang, decimals)
    return number(low, lang, decimals) + "-" + number(high, lang, decimals)


# The whole percentages a chart axis can carry as ticks (plotly picks steps of 1, 2, 5, 10 ... %).
_TICK_PERCENTS = (*range(0, 151), *range(155, 505, 5))


def percent_tick_labels(lang: str = "da") -> dict[str, str]:
    """plotly's percent tick labels ('40%', d3 format '.0%') as the page language writes a percentage: Danish
    '40 %' (a space before %), English unchanged (empty). Used as an axis's or colour bar's labelalias."""
    if lang == "en":
        return {}
    return {f"{p}%": percent(p / 100, lang, 0) for p in _TICK_PERCENTS}


def count(x, lang: str = "da", *, small: bool = False) -> str:
    """A count; a count of persons the query layer nulled by its small-count rule (small=True) is '<5'."""
    if missing(x):
        return SMALL_COUNT if small else ""
    return number(x, lang, 0)


# A survey total is written to the power of ten at or below its standard error: finer digits are noise (166.000
# full-time equivalents, not 165.972). One rule for the dashboards' headlines and the report (reports/fmt.py).

def step_for(se) -> float:
    """The rounding step for an estimate with this standard error: the largest power of ten not above it (min 1)."""
    if missing(se) or float(se) <= 0:
        return 1.0
    return max(1.0, 10.0 ** math.floor(math.log10(float(se))))


def rounded(x, step: float, lang: str = "da") -> str:
    """x rounded to a multiple of step (a power of ten), e.g. 181913 with step 1000 -> '182.000'; NaN -> ''."""
    if missing(x):
        return ""
    return number(round(float(x) / step) * step, lang, max(0, -math.floor(math.log10(step))))


def compact(v, lang: str, fraction: bool) -> str:
    """A value in a hover text or a bar label: a fraction as a percentage with one decimal, other values with one
    decimal below 100 and none from 100 ('' when missing)."""
    x = parse(v)
    if x is None:
        return ""
    return percent(x, lang, 1) if fraction else number(x, lang, 0 if abs(x) >= 100 else 1)


_percent = percent  # fmt_number's argument `percent` hides the function


def fmt_number(x, lang: str = "da", decimals: int = 0, percent: bool = False) -> str:
    """A table cell: a number as text (percent: a fraction as a percentage), '' when missing, and a value that is no
    number (a code, a word) as it is."""
    value = parse(x)
    if value is None:
        return "" if x is None or x is pd.NA or isinstance(x, float) else str(x)
    return _percent(value, lang, decimals) if percent else number(value, lang, decimals)
