"""The map of the 98 municipalities: a plotly geo choropleth of the committed boundaries, drawn offline.

Boundaries: data/reference/municipalities.geojson (DAGI 2014, simplified by data/reference/simplify_boundaries.py;
the credit "Indeholder data fra Geodatastyrelsen, DAGI" is drawn on every map). Bornholm is moved into an inset
box in the empty Kattegat corner of the map, so the rest of Denmark gets the width.

Offline: plotly.js downloads its world base map (topojson from cdn.plot.ly) when a geo subplot shows any base
layer or when the *first* geo trace has a `locationmode`, which every choropleth with a custom geojson has
(plotly.js checks only the first trace). So the base layers are off (`visible=False`) and the first trace is a
scattergeo with plain lon/lat: the inset's frame. tests/browser/test_map_browser.py asserts that no request
leaves localhost.

Importable without ipywidgets: the dashboards and the report can both call `municipality_map`.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import plotly.graph_objects as go

from .charts import base_layout, is_fraction, new_figure, percent_axis, title, unit_title
from .geo import GEOJSON_PATH, INSET_BOX, inset, trace_geojson
from .labels import municipalities, t
from .numbers import compact, parse
from queries.lazy import lazy

pd = lazy("pandas")

# light to dark blue; the lightest is still visibly a fill on the white page (municipalities with 0 are not "sea")
COLOURSCALE = [[0.0, "#deebf7"], [0.25, "#9ecae1"], [0.5, "#4292c6"], [0.75, "#2171b5"], [1.0, "#08306b"]]
NO_VALUE = "#bdbdbd"
GREY_SHARE = 0.02  # the bottom of the choropleth's colour scale that is the grey of "no figure"  # grey fill of municipalities without a figure (3:1 against white and the lightest blue)
OUTLINE = "#000000"
SMALL_DEG = 0.2  # a chosen municipality smaller than this (degrees) also gets a ring drawn around it
CREDIT_COLOUR = "#595959"  # 7:1 on white

def text(key: str, lang: str, **fmt) -> str:
    """A text of the map from the UI catalogue (dashboards/labels.py, keys map_*)."""
    return t(f"map_{key}", lang, **fmt)


class BoundaryError(ValueError):
    """The boundary file is missing or not the 98 municipalities; the message names the file, feature and value."""


@lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int) -> dict:
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BoundaryError(f"{p}: cannot read the boundaries ({exc})") from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise BoundaryError(f"{p}: not a GeoJSON FeatureCollection")
    known = set(municipalities())
    seen: set[int] = set()
    for i, feature in enumerate(data.get("features") or []):
        props = (feature or {}).get("properties") or {}
        code = props.get("municipality_code")
        if not isinstance(code, int) or code not in known:
            raise BoundaryError(f"{p}: feature {i}: municipality_code {code!r} is not one of the 98 municipalities")
        if code in seen:
            raise BoundaryError(f"{p}: feature {i}: municipality_code {code} appears twice")
        geometry = feature.get("geometry") or {}
        if geometry.get("type") != "MultiPolygon":
            raise BoundaryError(f"{p}: feature {i} ({code}): geometry type {geometry.get('type')!r}, "
                                "expected MultiPolygon")
        seen.add(code)
    if seen != known:
        raise BoundaryError(f"{p}: no boundary for municipality code(s) {sorted(known - seen)}")
    return data


def boundaries(path: Path = GEOJSON_PATH) -> dict:
    """The validated boundary FeatureCollection (cached per file version)."""
    p = Path(path)
    try:
        mtime = p.stat().st_mtime_ns
    except OSError as exc:
        raise BoundaryError(f"{p}: boundary file not found (python data/reference/simplify_boundaries.py "
                            "makes it)") from exc
    return _load(str(p), mtime)


@lru_cache(maxsize=4)
def _inset_geojson(path: str, mtime_ns: int) -> dict:
    """The validated boundaries as drawn (views.geo.inset: Bornholm in the inset, features keyed by id)."""
    return inset(_load(path, mtime_ns))


def drawn_geojson(path: Path = GEOJSON_PATH) -> dict:
    """The FeatureCollection the map draws (Bornholm in its inset)."""
    boundaries(path)
    return _inset_geojson(str(Path(path)), Path(path).stat().st_mtime_ns)


def hover_value(v: float | None, meta, lang: str, unit: str) -> str:
    fraction = is_fraction(meta)
    text = compact(v, lang, fraction)
    return text if fraction else f"{text} {unit.lower()}".strip()


def _hover_interval(row, meta, lang: str, unit: str) -> str:
    """'<br>95 %-interval 30,1 % til 41,2 %' when the row carries an interval (ci_low, ci_high), else ''."""
    if row is None:
        return ""
    low, high = parse(row.get("ci_low")), parse(row.get("ci_high"))
    if low is None or high is None:
        return ""
    return "<br>" + t("diff_interval", lang, low=hover_value(low, meta, lang, unit),
                      high=hover_value(high, meta, lang, unit))


def municipality_map(df: pd.DataFrame, meta, lang: str = "da", *, value: str = "estimate",
                     title_text: str | None = None, highlight: int | None = None,
                     value_range: tuple[float, float] | None = None, geojson: Path = GEOJSON_PATH,
                     height: int = 600) -> go.Figure:
    """The 98 municipalities coloured by `value` (df: one row per municipality, column municipality_code).

    Municipalities without a figure are grey: "Ikke svaret" when df says it did not respond (`responded` = 0),
    else "Ingen tal". `highlight` (a municipality code) is outlined. `value_range` fixes the colour scale (e.g.
    0-7 for the framework score); by default it spans the figures shown.
    """
    gj = drawn_geojson(geojson)
    munis = municipalities()
    rows = {}
    for _, r in df.iterrows():
        code = parse(r.get("municipality_code"))
        if code is not None:
            rows[int(code)] = r
    unit = unit_title(meta, lang)
    with_value, without = [], []
    for code in sorted(munis):
        r = rows.get(code)
        v = None if r is None else parse(r.get(value))
        (with_value if v is not None else without).append((code, v, r))

    fig = new_figure()
    # first trace: a scattergeo with plain lon/lat, so plotly.js does not fetch its world map (module docstring)
    (x0, y0), (x1, y1) = INSET_BOX
    fig.add_trace(go.Scattergeo(lon=[x0, x1, x1, x0, x0], lat=[y0, y0, y1, y1, y0], mode="lines",
                                line={"color": "#767676", "width": 1}, hoverinfo="skip", showlegend=False,
                                name="Bornholm"))
    vals = [v for _, v, _ in with_value]
    lo, hi = value_range or ((min(vals), max(vals)) if vals else (0.0, 1.0))
    if hi <= lo:
        hi = lo + 1
    # the grey takes the bottom GREY_SHARE of the scale: zmin sits that far below lo, and so do the grey ones
    zmin = lo - (hi - lo) * GREY_SHARE / (1 - GREY_SHARE)
    scale = [[0.0, NO_VALUE], [GREY_SHARE * 0.999, NO_VALUE]] + [
        [GREY_SHARE + (1 - GREY_SHARE) * at, colour] for at, colour in COLOURSCALE]
    reasons = [text("not_answered", lang) if r is not None and parse(r.get("responded")) == 0
               else text("no_figure", lang) for _, _, r in without]
    fraction = is_fraction(meta)
    # the one trace of all 98 municipalities (the grey ones at the bottom of the colour scale)
    fig.add_trace(go.Choropleth(
        geojson=trace_geojson(gj), featureidkey="id", locations=[c for c, _, _ in with_value + without],
        z=vals + [zmin] * len(without), zmin=zmin, zmax=hi, colorscale=scale,
        marker={"line": {"color": "#ffffff", "width": 0.6}},
        text=[f"<b>{munis[c]['name']}</b><br>{munis[c]['region']}<br>{hover_value(v, meta, lang, unit)}"
              + _hover_interval(r, meta, lang, unit) for c, v, r in with_value]
             + [f"<b>{munis[c]['name']}</b><br>{munis[c]['region']}<br>{why}" for (c, _, _), why in zip(without, reasons)],
        hovertemplate="%{text}<extra></extra>", name=title(meta, lang), showlegend=False,
        showscale=bool(with_value),
        colorbar={"orientation": "h", "x": 0.5, "xanchor": "center", "y": 0, "yanchor": "top",
                  "len": 0.9, "thickness": 12, "title": {"text": unit, "side": "top"},
                  **(percent_axis(lang) if fraction else {"tickformat": ",~r"})},
    ))
    # the legend entry of the grey (a choropleth has no legend symbol of its own)
    for why in dict.fromkeys(reasons):
        fig.add_trace(go.Scattergeo(lon=[None], lat=[None], mode="markers", name=why, hoverinfo="skip",
                                    marker={"symbol": "square", "size": 14, "color": NO_VALUE}))
    if highlight in munis:
        lon, lat, centre, size = _outline(gj, highlight)
        name = text("chosen", lang, name=munis[highlight]["name"])
        for colour, width, legend in (("#ffffff", 5, False), (OUTLINE, 2.5, True)):
            fig.add_trace(go.Scattergeo(lon=lon, lat=lat, mode="lines", line={"color": colour, "width": width},
                                        hoverinfo="skip", showlegend=legend, name=name, legendgroup="chosen"))
        # a ring around a small one too: København's suburbs are a few pixels wide on a phone
        if size < SMALL_DEG:
            fig.add_trace(go.Scattergeo(lon=[centre[0]], lat=[centre[1]], mode="markers", hoverinfo="skip",
                                        showlegend=False, legendgroup="chosen", name=name,
                                        marker={"symbol": "circle-open", "size": 26, "color": OUTLINE,
                                                "line": {"width": 2.5}}))
    base_layout(fig, lang, title_text or title(meta, lang), height=height)
    fig.update_geos(visible=False, fitbounds="locations", projection_type="mercator", bgcolor="rgba(0,0,0,0)",
                    domain={"x": [0, 1], "y": [0.1, 1]})
    fig.update_layout(
        # the top margin stays base_layout's, which grows with the title's lines (and with_source adds the
        # source line under it); the legend sits in the empty sea at the map's lower left, clear of both. The
        # bottom holds the colour bar's title: 70 px, what plotly would widen it to (a second drawing of the map)
        margin={"l": 5, "r": 5, "b": 70}, dragmode=False,
        legend={"orientation": "v", "x": 0.0, "xanchor": "left", "y": 0.12, "yanchor": "bottom",
                "bgcolor": "rgba(255,255,255,0.8)"},
        annotations=[{"text": text("credit", lang), "xref": "paper", "yref": "paper", "x": 1, "y": 0,
                      "xanchor": "right", "yanchor": "bottom", "showarrow": False,
                      "font": {"size": 10, "color": CREDIT_COLOUR}}],
    )
    return fig


def _outline(gj: dict, code: int) -> tuple[list, list, tuple[float, float], float]:
    """lon and lat of every ring of one municipality (rings separated by None), the middle of its largest ring
    and that ring's larger side in degrees."""
    feature = next(f for f in gj["features"] if f["id"] == code)
    lon: list = []
    lat: list = []
    for poly in feature["geometry"]["coordinates"]:
        for ring in poly:
            lon += [p[0] for p in ring] + [None]
            lat += [p[1] for p in ring] + [None]
    largest = max((poly[0] for poly in feature["geometry"]["coordinates"]), key=len)
    xs, ys = [p[0] for p in largest], [p[1] for p in largest]
    return lon, lat, ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2), max(max(xs) - min(xs), max(ys) - min(ys))
