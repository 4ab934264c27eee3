"""The tile map of the 98 municipalities: one square each, placed to resemble Denmark, a plain plotly scatter trace.

The dashboards draw the real boundaries (dashboards/map.py); the tile map stays for the annual report, which
calls it through panels.municipal_map.
"""
from __future__ import annotations

import csv
import math
from functools import lru_cache

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from .charts import SEQUENTIAL, base_layout, is_fraction, percent_axis, title, value_format
from .labels import REPO, fmt_number, label, municipalities, t

TILES_CSV = REPO / "data" / "reference" / "municipality_tiles.csv"
NO_VALUE = "#d9d9d9"


@lru_cache(maxsize=1)
def tiles() -> dict[int, tuple[int, int]]:
    """municipality_code -> (col, row) from the committed tile placement; row 0 is the north."""
    with open(TILES_CSV, encoding="utf-8", newline="") as f:
        rows = [r for r in csv.reader(line for line in f if not line.startswith("#"))]
    header, body = rows[0], rows[1:]
    idx = {name: i for i, name in enumerate(header)}
    return {int(r[idx["municipality_code"]]): (int(r[idx["col"]]), int(r[idx["row"]])) for r in body}


def _values(df: pd.DataFrame, value: str) -> dict[int, float | None]:
    out = {}
    for code, v in zip(df["municipality_code"], df[value]):
        try:
            f = float(v)
            out[int(code)] = None if math.isnan(f) else f
        except (TypeError, ValueError):
            out[int(code)] = None
    return out


def _text_colour(hex_colour: str) -> str:
    h = hex_colour.lstrip("#")
    if h.startswith("rgb"):
        return "#000000"
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return "#ffffff" if (0.299 * r + 0.587 * g + 0.114 * b) < 140 else "#000000"


def _colour(v: float | None, lo: float, hi: float) -> str:
    if v is None:
        return NO_VALUE
    x = 0.5 if hi <= lo else (v - lo) / (hi - lo)
    rgb = sample_colorscale(SEQUENTIAL, [min(max(x, 0.0), 1.0)], colortype="rgb")[0]
    r, g, b = (int(float(p)) for p in rgb[rgb.index("(") + 1:-1].split(","))
    return f"#{r:02x}{g:02x}{b:02x}"


def _hover_value(v, meta, lang) -> str:
    if v is None:
        return t("no_value", lang)
    return fmt_number(v, lang, 1, percent=True) if is_fraction(meta) else fmt_number(v, lang, 1)


def tile_map(df: pd.DataFrame, meta, lang: str = "da", *, value: str = "estimate",
             title_text: str | None = None, highlight: int | None = None) -> go.Figure:
    """Tile map: one square per municipality coloured by `value` (df has municipality_code and value)."""
    vals = _values(df, value)
    known = [v for v in vals.values() if v is not None]
    lo, hi = (min(known), max(known)) if known else (0.0, 1.0)
    place = tiles()
    munis = municipalities()
    codes = sorted(place)
    xs = [place[c][0] for c in codes]
    ys = [place[c][1] for c in codes]
    colours = [_colour(vals.get(c), lo, hi) for c in codes]
    hover = [f"{munis[c]['name']} ({c})<br>{munis[c]['region']}<br>{title(meta, lang)}: {_hover_value(vals.get(c), meta, lang)}"
             for c in codes]
    abbrev = [munis[c]["name"][:3] for c in codes]
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=xs, y=ys, mode="markers+text", text=abbrev, textfont={"size": 8, "color": [_text_colour(c) for c in colours]},
        marker={"symbol": "square", "size": 30, "color": colours,
                "line": {"width": [3 if c == highlight else 0.5 for c in codes],
                         "color": ["#D55E00" if c == highlight else "#ffffff" for c in codes]}},
        hovertext=hover, hoverinfo="text", customdata=codes, showlegend=False, name="tiles",
    ))
    _add_colourbar(fig, lo, hi, meta, lang, x=[xs[0]], y=[ys[0]])
    if any(v is None for v in (vals.get(c) for c in codes)):
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=t("no_value", lang),
                                 marker={"symbol": "square", "size": 12, "color": NO_VALUE}))
    base_layout(fig, lang, title_text or title(meta, lang), height=560)
    fig.update_xaxes(visible=False, range=[-0.8, max(xs) + 0.8], fixedrange=True)
    fig.update_yaxes(visible=False, autorange=False, range=[max(ys) + 0.8, -0.8], scaleanchor="x", scaleratio=1,
                     fixedrange=True)
    fig.update_layout(legend={"orientation": "h", "y": -0.02, "x": 0, "xanchor": "left", "yanchor": "top"},
                      margin={"l": 10, "r": 10, "t": 50, "b": 30}, dragmode=False)
    return fig


def _add_colourbar(fig, lo, hi, meta, lang, *, x, y) -> None:
    """An invisible trace that carries the colour scale legend."""
    fig.add_trace(go.Scatter(
        x=x, y=y, mode="markers", hoverinfo="skip", showlegend=False, name="legend",
        marker={"size": 0.1, "opacity": 0, "color": [lo], "cmin": lo, "cmax": hi if hi > lo else lo + 1,
                "colorscale": SEQUENTIAL, "showscale": True,
                "colorbar": {"title": {"text": ""}, **(percent_axis(lang) if is_fraction(meta) else {"tickformat": ","}),
                             "thickness": 12, "len": 0.6}},
    ))


def municipality_map(df: pd.DataFrame, meta, lang: str = "da", *, value: str = "estimate",
                     title_text: str | None = None, highlight: int | None = None) -> go.Figure:
    """The tile map (the report's map; the dashboards draw the boundaries with dashboards/map.py)."""
    return tile_map(df, meta, lang, value=value, title_text=title_text, highlight=highlight)
