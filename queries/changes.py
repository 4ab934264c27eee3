"""Checks of the requests of the change and contrast metrics (*_change, *_contrast) that need the warehouse."""
from __future__ import annotations


from .catalog import Metric, QueryError, listed
from .lazy import lazy

duckdb = lazy("duckdb")


def validate(con: duckdb.DuckDBPyConnection, metric: Metric, values: dict, years: list[int]) -> None:
    """`since` must be a wave before `year`; `reference` must be 'all' or a category of the breakdown `by`."""
    since, year = values.get("since"), values.get("year")
    if since is not None:
        if since not in years:
            raise QueryError(f"{metric.name}: no data for since {since}; valid years: {listed(years)}")
        if year is not None and since >= year:
            raise QueryError(f"{metric.name}: since ({since}) must be a wave before year ({year})")
        if year is None and since == max(years):
            raise QueryError(f"{metric.name}: since {since} is the latest wave; no later wave to compare it with")
    elif "since" in values and year is not None and year == min(years):
        later = (f"valid years: {listed(years[1:])}" if len(years) > 1 else
                 f"the warehouse has only the wave {year}; a change needs two")
        raise QueryError(f"{metric.name}: year {year} is the first wave; no earlier wave to compare with ({later})")
    reference = values.get("reference")
    if reference is not None and reference != "all":
        rows = con.execute("select code from labels where dimension = ? order by sort_order", [values["by"]]).fetchall()
        codes = [r[0] for r in rows]
        if reference not in codes:
            raise QueryError(f"{metric.name}: invalid reference {reference!r} for by={values['by']}; "
                             f"valid values: all, {', '.join(codes)}")
