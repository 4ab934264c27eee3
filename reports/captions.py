"""The words under and inside the report's figures: each metric's definition and each chart's text summary.

`definition` is the one place the report reads a metric's caption: the shared presentation layer's plain
definition (queries/<metric>.yml through views.present), the same words the dashboards show under a chart.

`chart_summary` words what a chart shows from the plotly figure itself (the values it draws), for the figure's
alternative text in the HTML and the tagged PDF.
"""
from __future__ import annotations

import re

from views import present
from reports import fmt
from views.numbers import parse

def definition(metric: str, lang: str) -> str:
    """The metric's definition in plain words, in the report's language (no R code, no code names)."""
    return present.caption(metric, lang).replace(" %", fmt.NBSP + "%")


# ---------------------------------------------------------------------------------------------------- charts

_MAX_LISTED = 12  # more values than this in a trace are summarised (first, last, highest, lowest)


def _plain(text) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<br\s*/?>", " ", str(text))).strip()


def _formatter(values: list[float], percent: bool, lang: str):
    if percent:
        return lambda v: fmt.pct(v, lang, 1)
    whole = all(float(v).is_integer() for v in values) or max((abs(v) for v in values), default=0) >= 100
    return lambda v: fmt.number(v, lang, 0 if whole else 1)


def _series(trace) -> tuple[list[str], list[float | None]]:
    horizontal = getattr(trace, "orientation", None) == "h"
    cats = trace.y if horizontal else trace.x
    vals = trace.x if horizontal else trace.y
    return [_plain(c) for c in (cats if cats is not None else [])], [parse(v) for v in (vals if vals is not None else [])]


def _words(lang: str) -> dict[str, str]:
    return {
        "da": {"bar": "Søjlediagram", "line": "Kurve", "map": "Kort over kommunerne", "no_value": "uden værdi",
               "highest": "højest", "lowest": "lavest", "from": "fra", "to": "til", "in": "i",
               "municipalities": "kommuner", "coloured": "farvet efter værdien"},
        "en": {"bar": "Bar chart", "line": "Line chart", "map": "Map of the municipalities", "no_value": "no value",
               "highest": "highest", "lowest": "lowest", "from": "from", "to": "to", "in": "in",
               "municipalities": "municipalities", "coloured": "coloured by value"},
    }[lang]


def _choropleth_summary(trace, percent: bool, lang: str, w: dict[str, str]) -> str:
    """The boundary map (dashboards/map.py): how many municipalities have a value, the three highest and lowest.
    Municipalities without a figure sit at the bottom of the colour scale (z = zmin) and are counted apart."""
    from views.labels import municipalities

    names = municipalities()
    zmin = parse(trace.zmin)
    named = sorted((v, names[int(code)]["name"]) for code, v in zip(trace.locations, trace.z)
                   if parse(v) is not None and (zmin is None or v > zmin))
    missing = len(trace.locations) - len(named)
    f = _formatter([v for v, _ in named], percent, lang)
    parts = [f"{w['map']}, {w['coloured']}: {len(named)} {w['municipalities']}"]
    if missing:
        parts[0] += f", {missing} {w['no_value']}"
    if named:
        parts.append(f"{w['highest']}: " + ", ".join(f"{n} {f(v)}" for v, n in reversed(named[-3:])))
        parts.append(f"{w['lowest']}: " + ", ".join(f"{n} {f(v)}" for v, n in named[:3]))
    return "; ".join(parts) + "."


def chart_summary(fig, lang: str) -> str:
    """What the chart shows, as text: chart type, axis, and the values of each series (or a summary of them)."""
    w = _words(lang)
    traces = [t for t in fig.data if t.name not in ("legend",)]
    choropleths = [t for t in traces if t.type == "choropleth"]
    if choropleths:
        colorbar = choropleths[0].colorbar
        return _choropleth_summary(choropleths[0], "%" in str(colorbar.tickformat or ""), lang, w)
    layout = fig.layout
    value_axis = layout.xaxis if traces and getattr(traces[0], "orientation", None) == "h" else layout.yaxis
    percent = "%" in str(value_axis.tickformat or "")
    axis_title = _plain(value_axis.title.text or "")
    kind = w["line"] if all(t.type == "scatter" for t in traces) else w["bar"]
    out = [f"{kind}{': ' + axis_title if axis_title else ''}."]
    for trace in traces:
        cats, vals = _series(trace)
        pairs = [(c, v) for c, v in zip(cats, vals)]
        known = [v for _, v in pairs if v is not None]
        if not pairs:
            continue
        f = _formatter(known, percent, lang)
        name = _plain(trace.name or "")
        show_name = len(traces) > 1 or (name and name not in ("Vores beregning", "Our estimate", "I alt", "Total")
                                        and not re.fullmatch(r"[a-z_]+", name))
        head = f"{name}: " if show_name else ""
        if len(pairs) <= _MAX_LISTED:
            body = "; ".join(f"{c} {f(v) if v is not None else w['no_value']}" for c, v in pairs)
        else:
            first = next(((c, v) for c, v in pairs if v is not None), None)
            last = next(((c, v) for c, v in reversed(pairs) if v is not None), None)
            hi = max(((v, c) for c, v in pairs if v is not None), default=None)
            body = (f"{w['from']} {f(first[1])} {w['in']} {first[0]} {w['to']} {f(last[1])} {w['in']} {last[0]}"
                    + (f", {w['highest']} {f(hi[0])} {w['in']} {hi[1]}" if hi else "")) if first else w["no_value"]
        out.append(f"{head}{body}.")
    return " ".join(out)
