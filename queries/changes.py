"""Checks of the requests of the change and contrast metrics (*_change, *_contrast) that need the warehouse."""
from __future__ import annotations

from .catalog import Metric, QueryError, listed
from .lazy import lazy

duckdb = lazy("duckdb")


# Pairs (year, other) of waves in the warehouse that the wave table declares comparable (same series and definition).
COMPARABLE_SQL = """
select c.year, c.other
from survey_wave_comparable as c
where (c.series, c.year) in (select (series, year) from survey_respondents)
  and (c.series, c.other) in (select (series, year) from survey_respondents)
order by c.year, c.other
"""
# The warehouse's waves: (year, series, English series label) of every wave with respondents, for messages.
WAVES_SQL = """
select distinct r.year, r.series, l.label_en
from survey_respondents as r
left join labels as l on l.dimension = 'series' and l.code = r.series
order by r.year
"""


def comparable_pairs(con: duckdb.DuckDBPyConnection) -> set[tuple[int, int]]:
    """Every (year, other) of two waves in the warehouse that may be compared (same series, same definition)."""
    return {(int(a), int(b)) for a, b in con.execute(COMPARABLE_SQL).fetchall()}


def _not_comparable(name: str, con, since: int, year: int, pairs: set[tuple[int, int]]) -> QueryError:
    series = {y: (s, (label or s).replace("The ", "the ", 1)) for y, s, label in con.execute(WAVES_SQL).fetchall()}
    why = (f"{since} is a wave of {series[since][1]} and {year} of {series[year][1]}"
           if series[since][0] != series[year][0] else
           f"both are waves of {series[year][1]}, but they measure volunteering with different definitions")
    others = sorted(o for y, o in pairs if y == year)
    valid = (f"waves comparable with {year}: {listed(others)}" if others else
             f"the warehouse has no wave comparable with {year}")
    return QueryError(f"{name}: {since} and {year} are not comparable ({why}); a change is computed only between "
                      f"waves of the same series with the same definition (docs/surveys.md); {valid}")


def validate(con: duckdb.DuckDBPyConnection, metric: Metric, values: dict, years: list[int]) -> None:
    """`since` must be a wave before `year` and comparable with it (survey_wave_comparable); `year` alone must have an
    earlier comparable wave; `reference` must be 'all' or a category of the breakdown `by`."""
    since, year = values.get("since"), values.get("year")
    if since is not None:
        if since not in years:
            raise QueryError(f"{metric.name}: no data for since {since}; valid years: {listed(years)}")
        if year is not None and since >= year:
            raise QueryError(f"{metric.name}: since ({since}) must be a wave before year ({year})")
        if year is None and since == max(years):
            raise QueryError(f"{metric.name}: since {since} is the latest wave; no later wave to compare it with")
        pairs = comparable_pairs(con)
        if year is not None and (year, since) not in pairs:
            raise _not_comparable(metric.name, con, since, year, pairs)
        if year is None and not any(y > since for s, y in pairs if s == since):
            raise QueryError(f"{metric.name}: no later wave in the warehouse is comparable with {since} (same "
                             "series and definition, docs/surveys.md)")
    elif "since" in values and year is not None and year == min(years):
        later = (f"valid years: {listed(years[1:])}" if len(years) > 1 else
                 f"the warehouse has only the wave {year}; a change needs two")
        raise QueryError(f"{metric.name}: year {year} is the first wave; no earlier wave to compare with ({later})")
    elif "since" in values and year is not None and year in years:
        pairs = comparable_pairs(con)
        if not any(o < year for y, o in pairs if y == year):
            later = sorted({y for y, o in pairs if o < y})
            raise QueryError(f"{metric.name}: year {year} has no earlier wave comparable with it in the warehouse "
                             "(a change is computed only between waves of the same series with the same "
                             f"definition, docs/surveys.md); years with one: {listed(later) or 'none'}")
    reference = values.get("reference")
    if reference is not None and reference != "all":
        rows = con.execute("select code from labels where dimension = ? order by sort_order", [values["by"]]).fetchall()
        codes = [r[0] for r in rows]
        if reference not in codes:
            raise QueryError(f"{metric.name}: invalid reference {reference!r} for by={values['by']}; "
                             f"valid values: all, {', '.join(codes)}")
