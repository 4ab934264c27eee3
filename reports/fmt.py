"""Figures as the report writes them: views.numbers' text (the one formatter, shared with the dashboards, arguments
(value, lang, decimals) in the same order), an en dash for a missing value, and the report's own units (millions,
kroner) and rounding notes. The tests format query results with these functions and look for the text in the HTML
and the PDF.
"""
from __future__ import annotations

import math

from views import numbers
from views.numbers import NBSP, MISSING, step_for  # noqa: F401 - the report reads the one rounding rule as fmt.step_for
from views.present import pp as _pp


def number(x, lang: str = "da", decimals: int = 0) -> str:
    """1234567.8 -> '1.234.568' (da) or '1,234,568' (en); missing -> an en dash."""
    return numbers.number(x, lang, decimals) or MISSING


def signed(x, lang: str = "da", decimals: int = 1) -> str:
    """A change with an explicit sign: '+1,2', '-0,4', '0,0'; missing -> an en dash."""
    return numbers.signed(x, lang, decimals) or MISSING


def pct(rate, lang: str = "da", decimals: int = 1) -> str:
    """A fraction 0-1 as a percentage, the % sign held to its number: 0.4031 -> '40,3 %' (da) or '40.3%' (en)."""
    return numbers.percent(rate, lang, decimals).replace(" %", NBSP + "%") or MISSING


def pct_interval(low, high, lang: str = "da", decimals: int = 1) -> str:
    """A 95% interval of fractions: '39,2-41,4 %' (da) or '39.2-41.4%' (en)."""
    if numbers.missing(low) or numbers.missing(high):
        return MISSING
    return number(100 * float(low), lang, decimals) + "–" + pct(high, lang, decimals)


def interval(low, high, lang: str = "da", decimals: int = 0) -> str:
    """A 95% interval of plain numbers: '1.700.000-1.900.000'."""
    if numbers.missing(low) or numbers.missing(high):
        return MISSING
    return number(low, lang, decimals) + "–" + number(high, lang, decimals)


def pp(delta, lang: str = "da", decimals: int = 1) -> str:
    """A change of a fraction in percentage points: 0.012 -> '+1,2 procentpoint'; missing -> an en dash."""
    return _pp(delta, lang, decimals) or MISSING


def count(x, lang: str = "da", small: bool = True) -> str:
    """A count of units in a register or municipal table; 1-4 are shown as '<5' (disclosure rule)."""
    value = numbers.parse(x)
    if value is None:
        return MISSING
    if small and 1 <= value <= 4:
        return numbers.SMALL_COUNT
    return number(x, lang, 0)


def millions(x, lang: str = "da", decimals: int = 1) -> str:
    """1812345 -> '1,8 mio.' (da) or '1.8 million' (en)."""
    value = numbers.parse(x)
    if value is None:
        return MISSING
    return number(value / 1e6, lang, decimals) + NBSP + ("mio." if lang == "da" else "million")


def dkk(x, lang: str = "da") -> str:
    """An amount in whole kroner: '12.345 kr.' (da) or 'DKK 12,345' (en)."""
    if numbers.missing(x):
        return MISSING
    return number(x, lang, 0) + " kr." if lang == "da" else "DKK " + number(x, lang, 0)


def dkk_millions(x, lang: str = "da", decimals: int = 1) -> str:
    """156200000 -> '156,2 mio. kr.' (da) or 'DKK 156.2 million' (en)."""
    value = numbers.parse(x)
    if value is None:
        return MISSING
    text = number(value / 1e6, lang, decimals)
    return text + f"{NBSP}mio.{NBSP}kr." if lang == "da" else f"DKK{NBSP}" + text + f"{NBSP}million"


# ------------------------------------------------------------------------------------------- rounding to the SE
# A survey estimate is printed to the power of ten at or below its standard error: digits finer than that are
# noise (182.000 full-time equivalents, not 181.913); step_for and the rounding itself live in views.numbers,
# so the dashboards' headlines round as the report does. The rounding is stated beside the figure (rounding_note).


def rounded(x, step: float, lang: str = "da") -> str:
    """x rounded to a multiple of step (a power of ten), e.g. 181913 with step 1000 -> '182.000'."""
    return numbers.rounded(x, step, lang) or MISSING


def rounded_interval(low, high, step: float, lang: str = "da") -> str:
    if numbers.missing(low) or numbers.missing(high):
        return MISSING
    return rounded(low, step, lang) + "–" + rounded(high, step, lang)


def millions_decimals(step: float) -> int:
    """Decimals of a figure in millions rounded to step: 10.000 -> 2, 100.000 -> 1, 1.000.000 or more -> 0."""
    return min(2, max(0, 6 - math.floor(math.log10(step))))


def rounding_note(step: float, lang: str = "da") -> str:
    """'afrundet til nærmeste 1.000' / 'rounded to the nearest 1,000'."""
    n = number(step, lang, 0)
    return f"afrundet til nærmeste {n}" if lang == "da" else f"rounded to the nearest {n}"
