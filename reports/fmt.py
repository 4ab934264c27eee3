"""Number formatting for the report, Danish (decimal comma, thousands point) or English.

Built on the presentation layer's formatter (views.present, babel) so report and dashboards print the same text:
signed changes and percentage points are present.signed and present.pp, here with the report's argument order and
an en dash for a missing value.
The tests format query results with these functions and look for the text in the HTML and the PDF.
"""
from __future__ import annotations

import math

from views import present
from views.present import NBSP, fmt_number  # noqa: F401 - NBSP: the report's own units use it too
from views.present import step_for  # noqa: F401 - the one rounding rule, read as fmt.step_for here

MISSING = "–"  # en dash: no value (suppressed cells say why in the flag column)


def _isnan(x) -> bool:
    try:
        return x is None or math.isnan(float(x))
    except (TypeError, ValueError):
        return True


def number(x, decimals: int = 0, lang: str = "da") -> str:
    """1234567.8 -> '1.234.568' (da) or '1,234,568' (en); None/NaN -> an en dash."""
    if _isnan(x):
        return MISSING
    text = fmt_number(float(x), lang, decimals)
    return text[1:] if text.startswith("-") and not text.strip("-0,.") else text  # no "-0,0"


def signed(x, decimals: int = 1, lang: str = "da") -> str:
    """A change with an explicit sign: '+1,2', '-0,4', '0,0' (views.present.signed); None/NaN -> an en dash."""
    return present.signed(x, lang, decimals) or MISSING


def pct(rate, decimals: int = 1, lang: str = "da") -> str:
    """A fraction 0-1 as a percentage: 0.4031 -> '40,3 %' (da) or '40.3%' (en)."""
    if _isnan(rate):
        return MISSING
    return fmt_number(float(rate), lang, decimals, percent=True).replace(" %", NBSP + "%")


def pct_interval(low, high, decimals: int = 1, lang: str = "da") -> str:
    """A 95% interval of fractions: '39,2-41,4 %' (da) or '39.2-41.4%' (en)."""
    if _isnan(low) or _isnan(high):
        return MISSING
    return number(100 * float(low), decimals, lang) + "–" + pct(high, decimals, lang)


def interval(low, high, decimals: int = 0, lang: str = "da") -> str:
    """A 95% interval of plain numbers: '1.700.000-1.900.000'."""
    if _isnan(low) or _isnan(high):
        return MISSING
    return number(low, decimals, lang) + "–" + number(high, decimals, lang)


def pp(delta, decimals: int = 1, lang: str = "da") -> str:
    """A change of a fraction in percentage points: 0.012 -> '+1,2 procentpoint' (views.present.pp); None/NaN
    -> an en dash."""
    return present.pp(delta, lang, decimals) or MISSING


def count(x, lang: str = "da", small: bool = True) -> str:
    """A count of units in a register or municipal table; 1-4 are shown as '<5' (disclosure rule)."""
    if _isnan(x):
        return MISSING
    if small and 1 <= float(x) <= 4:
        return "<5"
    return number(x, 0, lang)


def millions(x, decimals: int = 1, lang: str = "da") -> str:
    """1812345 -> '1,8 mio.' (da) or '1.8 million' (en)."""
    if _isnan(x):
        return MISSING
    return number(float(x) / 1e6, decimals, lang) + NBSP + ("mio." if lang == "da" else "million")


def dkk(x, lang: str = "da") -> str:
    """An amount in whole kroner: '12.345 kr.' (da) or 'DKK 12,345' (en)."""
    if _isnan(x):
        return MISSING
    return number(x, 0, lang) + " kr." if lang == "da" else "DKK " + number(x, 0, lang)


def dkk_millions(x, decimals: int = 1, lang: str = "da") -> str:
    """156200000 -> '156,2 mio. kr.' (da) or 'DKK 156.2 million' (en)."""
    if _isnan(x):
        return MISSING
    value = number(float(x) / 1e6, decimals, lang)
    return value + f"{NBSP}mio.{NBSP}kr." if lang == "da" else f"DKK{NBSP}" + value + f"{NBSP}million"


# ------------------------------------------------------------------------------------------- rounding to the SE
# A survey estimate is printed to the power of ten at or below its standard error: digits finer than that are
# noise (182.000 full-time equivalents, not 181.913); step_for and the rounding itself live in views.present,
# so the dashboards' headlines round as the report does. The rounding is stated beside the figure (rounding_note).


def rounded(x, step: float, lang: str = "da") -> str:
    """x rounded to a multiple of step (a power of ten), e.g. 181913 with step 1000 -> '182.000' (the presentation
    layer's rule, shared with the dashboards' headlines)."""
    if _isnan(x):
        return MISSING
    return present.rounded(x, step, lang)


def rounded_interval(low, high, step: float, lang: str = "da") -> str:
    if _isnan(low) or _isnan(high):
        return MISSING
    return rounded(low, step, lang) + "–" + rounded(high, step, lang)


def millions_decimals(step: float) -> int:
    """Decimals of a figure in millions rounded to step: 10.000 -> 2, 100.000 -> 1, 1.000.000 or more -> 0."""
    return min(2, max(0, 6 - math.floor(math.log10(step))))


def rounding_note(step: float, lang: str = "da") -> str:
    """'afrundet til nærmeste 1.000' / 'rounded to the nearest 1,000'."""
    n = number(step, 0, lang)
    return f"afrundet til nærmeste {n}" if lang == "da" else f"rounded to the nearest {n}"
