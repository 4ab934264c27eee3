"""The words under and inside the report's figures: each metric's definition and each chart's text summary.

`definition` is the one place the report reads a metric's caption: the shared presentation layer's plain
definition (queries/<metric>.yml through dashboards.present), the same words the dashboards show under a chart.

`chart_summary` words what a chart shows from the plotly figure itself (the values it draws), for the figure's
alternative text in the HTML and the tagged PDF.
"""
from __future__ import annotations

import math
import re

from dashboards import present
from reports import fmt

def definition(metric: str, lang: str) -> str:
    """The metric's definition in plain words, in the report's language (no R code, no code names)."""
    return present.caption(metric, lang).replace(" %", fmt.NBSP + "%")


# ---------------------------------------------------------------------------------------------------- charts

_MAX_LISTED = 12  # more values than this in a trace are summarised (first, last, highest, lowest)


def _plain(text) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<br\s*/?>", " ", str(text))).strip()


def _num(v) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _formatter(values: list[float], percent: bool, lang: str):
    if percent:
        return lambda v: fmt.pct(v, 1, lang)
    whole = all(float(v).is_integer() for v in values) or max((abs(v) for v in values), default=0) >= 100
    return lambda v: fmt.number(v, 0 if whole else 1, lang)


def _series(trace) -> tuple[list[str], list[float | None]]:
    horizontal = getattr(trace, "orientation", None) == "h"
    cats = trace.y if horizontal else trace.x
    vals = trace.x if horizontal else trace.y
    return [_plain(c) for c in (cats if cats is not None else [])], [_num(v) for v in (vals if vals is not None else [])]


def _words(lang: str) -> dict[str, str]:
    return {
        "da": {"bar": "Søjlediagram", "line": "Kurve", "map": "Kort over kommunerne", "no_value": "uden værdi",
               "highest": "højest", "lowest": "lavest", "from": "fra", "to": "til", "in": "i",
               "municipalities": "kommuner", "coloured": "farvet efter værdien"},
        "en": {"bar": "Bar chart", "line": "Line chart", "map": "Map of the municipalities", "no_value": "no value",
               "highest": "highest", "lowest": "lowest", "from": "from", "to": "to", "in": "in",
               "municipalities": "municipalities", "coloured": "coloured by value"},
    }[lang]


def _map_summary(trace, lang: str, w: dict[str, str]) -> str:
    """A tile map: how many municipalities have a value, and the three highest and lowest (from the hover text)."""
    named: list[tuple[float, str, str]] = []
    missing = 0
    for hover in trace.hovertext or []:
        text = str(hover).split("<br>")
        name = text[0].split(" (")[0]
        value_text = text[-1].rsplit(": ", 1)[-1].strip()
        value = _parse(value_text, lang)
        if value is None:
            missing += 1
        else:
            named.append((value, name, value_text))
    named.sort()
    parts = [f"{w['map']}, {w['coloured']}: {len(named)} {w['municipalities']}"]
    if missing:
        parts[0] += f", {missing} {w['no_value']}"
    if named:
        parts.append(f"{w['highest']}: " + ", ".join(f"{n} {t}" for _, n, t in reversed(named[-3:])))
        parts.append(f"{w['lowest']}: " + ", ".join(f"{n} {t}" for _, n, t in named[:3]))
    return "; ".join(parts) + "."


def _parse(text: str, lang: str) -> float | None:
    """'7,0' / '12,5 %' (da) or '7.0' / '12.5%' (en) back to a number; anything else is no value."""
    t = text.replace("\u00a0", "").replace(" ", "").rstrip("%")
    t = t.replace(".", "").replace(",", ".") if lang == "da" else t.replace(",", "")
    try:
        return float(t)
    except ValueError:
        return None


def chart_summary(fig, lang: str) -> str:
    """What the chart shows, as text: chart type, axis, and the values of each series (or a summary of them)."""
    w = _words(lang)
    traces = [t for t in fig.data if t.name not in ("legend",)]
    tiles = [t for t in traces if t.name == "tiles"]
    if tiles:
        return _map_summary(tiles[0], lang, w)
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
