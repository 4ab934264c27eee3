"""Chart builders: pure functions `(DataFrame, meta, lang) -> plotly Figure`, no widgets, no I/O.

The dashboards and the annual report call the same functions. `df` is a query-layer result (`queries.run(...).data`)
and `meta` its `Metric` (title_da/title_en, unit, ...). Survey results carry year, dimension, category, estimate,
se, ci_low, ci_high, n, flag; suppressed cells have a null estimate and are drawn as gaps with the reason.
"""
from __future__ import annotations

import math
import textwrap

import plotly.graph_objects as go
import plotly.io as pio

from queries import load_metric

from . import numbers, present
from .labels import UNIT_TITLES, column_title, dimension_title, label, pick, sort_key, t
from .numbers import fmt_number, parse
from queries.lazy import lazy

pd = lazy("pandas")

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
# More series than Okabe-Ito has colours (nine target groups): Tol's muted colours after it, so no two share one.
SERIES = OKABE_ITO + ["#882255", "#44AA99", "#999933", "#AA4499", "#661100"]
OURS = OKABE_ITO[0]
PUBLISHED = OKABE_ITO[1]
SUPPRESSED_GREY = "#999999"
# Sequential colour scale for maps (light to dark blue, readable in greyscale too).
SEQUENTIAL = [[0.0, "#f7fbff"], [0.25, "#c6dbef"], [0.5, "#6baed6"], [0.75, "#2171b5"], [1.0, "#08306b"]]

# The look of every chart: plotly's "plotly_white", trimmed to the trace types the dashboards and the report draw,
# registered as plotly's default template by the first figure (new_figure). Naming a template per figure
# (update_layout(template=...)) validated the whole template again for every chart (11 ms of a chart's 20-50 ms); a
# figure made under the default gets it at no cost, and a page receives 3 kB of template per chart instead of 7 kB.
TEMPLATE = "frivillig"
TEMPLATE_TRACES = ("bar", "scatter", "choropleth", "scattergeo")


def new_figure(data=None) -> go.Figure:
    """A new figure in the project's look: every chart starts here. The template is registered with the first figure,
    not on import (building it took 80 ms of CPU in every kernel, and a page drawn from the cache builds no figure)."""
    if pio.templates.default != TEMPLATE:
        white = pio.templates["plotly_white"]
        traces = {k: v for k, v in white.data.to_plotly_json().items() if k in TEMPLATE_TRACES}
        pio.templates[TEMPLATE] = go.layout.Template(layout=white.layout, data=traces)
        pio.templates.default = TEMPLATE
    return go.Figure(data)


# The toolbar keeps one button, "download PNG" (nothing that uploads, edits or opens a page elsewhere), with its
# tooltip in the page language (plotly's locale dictionary travels in the config, no locale script is loaded).
PLOTLY_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "showSendToCloud": False,  # (showLink and showEditInChartStudio are off by default and unknown to plotly.py 6+,
                               # which warned about them into the kernel's output on every chart)
    "modeBarButtons": [["toImage"]],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


def plotly_config(lang: str = "da", filename: str = "figur") -> dict:
    """The chart config: PNG download only, named after the view, tooltip in the page language."""
    cfg = dict(PLOTLY_CONFIG, toImageButtonOptions=dict(PLOTLY_CONFIG["toImageButtonOptions"], filename=filename))
    if lang != "en":
        cfg["locale"] = "da"
        # the key as plotly.js 3 writes it ('PNG') and as plotly.js 2 did ('png')
        cfg["locales"] = {"da": {"dictionary": {"Download plot as a PNG": t("png_title", "da"),
                                                "Download plot as a png": t("png_title", "da"),
                                                "Download plot": t("png_title", "da")}}}
    return cfg


def title(meta, lang: str) -> str:
    """The metric's title in the chosen language."""
    return meta.title_for(lang)


def is_fraction(meta, column: str = "estimate") -> bool:
    """True when the column is a fraction 0-1 (shown as a percentage): its documentation in the metric's
    header says so, or, for an undocumented column, the metric's unit does."""
    for col in getattr(meta, "columns", ()) or ():
        if col.name == column:
            doc = col.doc.lower()
            return "(0-1)" in doc or "fraction" in doc
    unit = (getattr(meta, "unit", "") or "").lower()
    return "fraction" in unit or "0-1" in unit


def value_format(meta, column: str = "estimate") -> str:
    """d3 format for values of this column (plotly applies the Danish separators from the layout)."""
    if is_fraction(meta, column):
        return ".1%"
    return ",.2~f"


def separators(lang: str) -> str:
    """plotly layout.separators: decimal comma and thousands point in Danish."""
    return ".," if lang == "en" else ",."


def value_axis(meta, lang: str, column: str = "estimate") -> dict:
    """Tick format of a value axis: whole percentages for a fraction, written as the page language does ('40 %'
    in Danish, '40%' in English), else numbers with thousands separators."""
    if not is_fraction(meta, column):
        return {"tickformat": ","}
    return percent_axis(lang)


def percent_axis(lang: str) -> dict:
    """Tick format of an axis (or colour bar) of fractions shown as whole percentages in the page language."""
    aliases = numbers.percent_tick_labels(lang)
    return {"tickformat": ".0%", **({"labelalias": aliases} if aliases else {})}


TITLE_CHARS = 36  # a chart title wraps onto lines of this many characters (fits a 390 px phone)


def base_layout(fig: go.Figure, lang: str, title_text: str, *, height: int = 420) -> go.Figure:
    wrapped = wrap_label(title_text, TITLE_CHARS)
    lines = wrapped.count("<br>") + 1
    fig.update_layout(
        # the title (and with_source's subtitle under it) hangs from the top of the figure, inside the top margin
        # sized for its lines: centred in the margin (plotly's default) it ran into tall charts' plot area
        title={"text": wrapped, "x": 0, "xanchor": "left", "y": 1, "yref": "container", "yanchor": "top",
               "font": {"size": 16}, "pad": {"l": 10, "t": 12}},
        separators=separators(lang),
        colorway=OKABE_ITO,
        height=height,
        margin={"l": 60, "r": 20, "t": 40 + 22 * lines, "b": 60},
        legend={"orientation": "h", "yanchor": "top", "y": -0.18, "xanchor": "left", "x": 0},
        font={"family": "DejaVu Sans, Arial, sans-serif", "size": 12},
        hoverlabel={"namelength": -1},
    )
    return fig


def category_labels(df: pd.DataFrame, lang: str) -> list[str]:
    """Labels of the categories: the result's label_da/label_en column when present, else the label file."""
    col = "label_en" if lang == "en" else "label_da"
    if col in df.columns:
        out = []
        for _, row in df.iterrows():
            text = row[col]
            if text is None or (isinstance(text, float) and math.isnan(text)):
                text = label(str(row.get("dimension", "")), row["category"], lang)
            out.append(str(text))
        return out
    dims = df["dimension"] if "dimension" in df.columns else [""] * len(df)
    return [label(str(d), c, lang) for d, c in zip(dims, df["category"])]


# Long category labels on a horizontal bar chart wrap onto lines of at most this many characters; the y axis then
# takes the margin the wrapped labels need (automargin), so no label is cut at the left edge.
WRAP_CHARS = 26


def wrap_label(text: str, width: int = WRAP_CHARS) -> str:
    """The label broken at spaces into lines of at most `width` characters (plotly line breaks: <br>)."""
    return "<br>".join(textwrap.wrap(str(text), width=width, break_long_words=False)) or str(text)


def _gap_note(fig: go.Figure, names: list[str], lang: str) -> None:
    if names:
        fig.add_annotation(
            text=t("suppressed_note", lang, cats=", ".join(n.replace("<br>", " ") for n in names),  # unwrapped
                   reason=t("suppressed_reason", lang)),
            xref="paper", yref="paper", x=0, y=-0.22, showarrow=False, xanchor="left",
            font={"size": 11, "color": "#555555"},
        )


def estimate_bars(df: pd.DataFrame, meta, lang: str = "da", published: pd.DataFrame | None = None,
                  *, horizontal: bool = False, title_text: str | None = None) -> go.Figure:
    """Bars of one wave's estimates by category with 95 % interval whiskers; published figures beside ours.

    `published` (optional) has columns category and value (same unit as estimate). Suppressed cells are gaps
    labelled with the reason, uncertain cells are hatched.
    """
    df = df.reset_index(drop=True)
    cats = category_labels(df, lang)
    if horizontal:
        cats = [wrap_label(c) for c in cats]
    est = [parse(v) for v in df["estimate"]]
    low = [parse(v) for v in df.get("ci_low", [None] * len(df))]
    high = [parse(v) for v in df.get("ci_high", [None] * len(df))]
    flags = list(df["flag"]) if "flag" in df.columns else ["ok"] * len(df)
    ns = list(df["n"]) if "n" in df.columns else [None] * len(df)
    plus = [(h - e) if (h is not None and e is not None) else None for e, h in zip(est, high)]
    minus = [(e - lo) if (lo is not None and e is not None) else None for e, lo in zip(est, low)]
    reason = {"ok": "", "uncertain": t("uncertain_reason", lang), "suppressed": t("suppressed_reason", lang)}
    ses = list(df["se"]) if "se" in df.columns else [None] * len(df)
    hover_text = [_hover(e, lo, hi, n, meta, lang, se) for e, lo, hi, n, se in zip(est, low, high, ns, ses)]
    custom = [[reason.get(str(f), ""), h] for f, h in zip(flags, hover_text)]
    labels = [_value_label(e, meta, lang, se) for e, se in zip(est, ses)]
    hover = (f"%{{{'y' if horizontal else 'x'}}}<br>{t('ours', lang)}: %{{customdata[1]}}"
             f"<br>%{{customdata[0]}}<extra></extra>")
    uncertain = any(v is not None for v in plus + minus)
    error = {"type": "data", "array": plus, "arrayminus": minus, "visible": uncertain, "color": "#333333",
             "thickness": 1.5, "width": 6 if uncertain else 0}
    bar = go.Bar(
        name=t("ours", lang), marker={"color": OURS, "pattern": {
            "shape": ["/" if f == "uncertain" else "" for f in flags], "fgcolor": "#ffffff"}},
        customdata=custom, hovertemplate=hover, text=labels if len(cats) <= VALUE_LABELS_MAX else None,
        # inside the bar, away from the interval whisker at its end (middle of a column, start of a horizontal bar)
        textposition="inside", insidetextanchor="start" if horizontal else "middle",
        textfont={"size": 12, "color": "#ffffff"},
        **({"y": cats, "x": est, "orientation": "h", "error_x": error} if horizontal
           else {"x": cats, "y": est, "error_y": error}),
    )
    fig = new_figure(bar)
    if published is not None and len(published):
        pub = dict(zip(published["category"].astype(str), published["value"]))
        pvals = [parse(pub.get(str(c))) for c in df["category"]]
        if any(v is not None for v in pvals):
            fig.add_trace(go.Bar(
                name=t("published", lang), marker={"color": PUBLISHED},
                text=[_value_label(v, meta, lang) for v in pvals] if len(cats) <= VALUE_LABELS_MAX else None,
                textposition="inside", insidetextanchor="start" if horizontal else "middle",
                textfont={"size": 12, "color": "#1b1b1b"},
                customdata=[_value_label(v, meta, lang) for v in pvals],
                hovertemplate=f"%{{{'y' if horizontal else 'x'}}}<br>{t('published', lang)}: "
                              f"%{{customdata}}<extra></extra>",
                **({"y": cats, "x": pvals, "orientation": "h"} if horizontal else {"x": cats, "y": pvals}),
            ))
    gaps = [c for c, e, f in zip(cats, est, flags) if e is None or f == "suppressed"]
    for c in gaps:  # a visible marker in the gap itself, so the reason sits where the bar would be
        fig.add_annotation(**({"y": c, "x": 0, "xanchor": "left"} if horizontal else {"x": c, "y": 0, "yanchor": "bottom"}),
                           text="–", showarrow=False, font={"color": SUPPRESSED_GREY, "size": 14},
                           hovertext=t("suppressed_reason", lang))
    base_layout(fig, lang, title_text or title(meta, lang), height=max(360, 40 * len(cats) + 140) if horizontal else 420)
    _gap_note(fig, gaps, lang)
    axis = {**value_axis(meta, lang), "rangemode": "tozero", "title": unit_title(meta, lang)}
    if horizontal:
        fig.update_xaxes(**axis)
        fig.update_yaxes(autorange="reversed", title=None, automargin=True)
    else:
        fig.update_yaxes(**axis)
        fig.update_xaxes(title=None)
    fig.update_layout(barmode="group", showlegend=len(fig.data) > 1, bargap=0.7 if len(cats) <= 2 else 0.2,
                      uniformtext={"minsize": 9, "mode": "hide"})
    _legend_below(fig, len(fig.data))
    return fig


VALUE_LABELS_MAX = 20  # bars carry their value as a label up to this many categories (the ranking of 98 does not)


def _value_label(v, meta, lang: str, se=None) -> str:
    """A value as displayed (the metric's format and decimals; a survey total rounded to its standard error)."""
    if v is None:
        return ""
    try:
        return present.estimate_texts(v, None, None, se, meta, lang)[0]
    except (KeyError, ValueError, AttributeError):  # a hand-made meta without presentation metadata
        return fmt_number(v, lang, 1, percent=is_fraction(meta)) if is_fraction(meta) else fmt_number(v, lang, 2)


def _column_label(v, meta, column: str, lang: str) -> str:
    """A value of a result column as displayed (the column's format in the metric's YAML)."""
    if parse(v) is None:
        return ""
    try:
        return present.value_text(v, meta, lang, column=column)
    except (KeyError, ValueError, AttributeError):
        return fmt_number(v, lang, 0)


def _hover(est, low, high, n, meta, lang: str, se=None) -> str:
    """'40,0 % (38,8-41,1 %) · 8.878 svar' for one estimate (survey metrics), else the value as displayed."""
    if est is None:
        return ""
    try:
        return present.hover_estimate(est, low, high, n, meta, lang, se)
    except (KeyError, ValueError, AttributeError):
        return _value_label(est, meta, lang, se)


def unit_title(meta, lang: str) -> str:
    """Axis title from the metric's unit (short form)."""
    unit = getattr(meta, "unit", "") or ""
    if is_fraction(meta):
        return "Andel" if lang != "en" else "Share"
    short = unit.split("(")[0].split(";")[0].strip()
    return pick(UNIT_TITLES[short], lang) if short in UNIT_TITLES else short


def trend_lines(df: pd.DataFrame, meta, lang: str = "da", *, title_text: str | None = None,
                lines: dict[int, tuple[str, str]] | None = None) -> go.Figure:
    """Estimates over the waves, one line per category, with 95 % interval whiskers where there is uncertainty;
    suppressed waves are gaps. The year axis is spaced by real years (2004 -> 2012 is four times 2012 -> 2014).

    `lines` (year -> (line key, line label)) splits the waves into lines that must not be joined: the waves of one
    survey series with one definition (panels.wave_lines). With more than one, each category gets one line per
    survey, dashed differently, named by the survey; with one category each survey has its own colour."""
    df = df.sort_values(["year"]).reset_index(drop=True)
    df = df.assign(_label=category_labels(df, lang))
    fig = new_figure()
    order = list(dict.fromkeys(df["category"]))
    years = sorted({int(y) for y in df["year"].dropna()})
    keyed = {y: (lines or {}).get(y, ("", "")) for y in years}
    line_keys = list(dict.fromkeys(keyed[y][0] for y in years))
    for i, cat in enumerate(order):
        for j, key in enumerate(line_keys):
            part = df[(df["category"] == cat) & df["year"].map(lambda y: keyed[int(y)][0] == key)]
            if part.empty:
                continue
            est = [parse(v) for v in part["estimate"]]
            hi = [parse(v) for v in part["ci_high"]] if "ci_high" in part.columns else [None] * len(part)
            lo = [parse(v) for v in part["ci_low"]] if "ci_low" in part.columns else [None] * len(part)
            ns = list(part["n"]) if "n" in part.columns else [None] * len(part)
            ses = list(part["se"]) if "se" in part.columns else [None] * len(part)
            plus = [(h - e) if h is not None and e is not None else None for e, h in zip(est, hi)]
            minus = [(e - lw) if lw is not None and e is not None else None for e, lw in zip(est, lo)]
            uncertain = any(v is not None for v in plus + minus)
            name = str(part["_label"].iloc[0])
            if len(line_keys) > 1:
                line_label = keyed[int(part["year"].iloc[0])][1]
                name = line_label if len(order) == 1 else f"{name} – {line_label}"
            colour = SERIES[(j if len(order) == 1 else i) % len(SERIES)]
            fig.add_trace(go.Scatter(
                x=[int(y) for y in part["year"]], y=est, mode="lines+markers", name=name,
                line={"color": colour, "dash": ("solid", "dash", "dot")[j % 3] if len(order) > 1 else "solid"},
                connectgaps=False,
                error_y={"type": "data", "array": plus, "arrayminus": minus, "visible": uncertain,
                         "thickness": 1.2, "width": 4 if uncertain else 0},
                customdata=[_hover(e, lw, h, n, meta, lang, se) for e, lw, h, n, se in zip(est, lo, hi, ns, ses)],
                text=[_value_label(e, meta, lang, se) for e, se in zip(est, ses)],
                hovertemplate="%{fullData.name} %{x}: %{customdata}<extra></extra>",
            ))
    base_layout(fig, lang, title_text or f"{title(meta, lang)} – {t('trend', lang).lower()}")
    fig.update_xaxes(type="linear", tickmode="array", tickvals=years, ticktext=[str(y) for y in years],
                     title=t("year_label", lang), range=[years[0] - 0.7, years[-1] + 0.7] if years else None)
    fig.update_yaxes(**value_axis(meta, lang), rangemode="tozero", title=unit_title(meta, lang))
    fig.update_layout(showlegend=len(fig.data) > 1)
    _legend_below(fig, len(fig.data))
    gaps = sorted({f"{lab} {y}" for lab, y, e in zip(df["_label"], df["year"], df["estimate"]) if parse(e) is None})
    _gap_note(fig, gaps, lang)
    return fig


def _legend_below(fig: go.Figure, series: int) -> None:
    """A legend of several series goes under the x axis title, and the chart grows to hold it (no collision with
    the title at the top)."""
    if series <= 1:
        return
    rows = math.ceil(series / 3)
    fig.update_layout(legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom",
                              "x": 0, "xanchor": "left"},
                      height=(fig.layout.height or 420) + 22 * rows,
                      margin={"b": 70 + 22 * rows})


def grouped_bars(df: pd.DataFrame, meta, lang: str = "da", *, x: str, color: str | None, y: str,
                 color_dimension: str | None = None, stacked: bool = True, title_text: str | None = None,
                 y_title: str | None = None) -> go.Figure:
    """Counts or values by x (e.g. year), one bar series per `color` category (e.g. form of cooperation)."""
    fig = new_figure()
    dim = color_dimension or color
    if color is None:
        labels = [_column_label(v, meta, y, lang) for v in df[y]]
        fig.add_trace(go.Bar(x=[str(v) for v in df[x]], y=df[y], marker={"color": OURS}, name=y,
                             text=labels, textposition="inside", insidetextanchor="middle",
                             textfont={"size": 12, "color": "#ffffff"}, customdata=labels,
                             hovertemplate="%{x}: %{customdata}<extra></extra>"))
    else:
        keys = list(dict.fromkeys(df[color]))
        keys.sort(key=lambda c: sort_key(dim, c))
        for i, key in enumerate(keys):
            part = df[df[color] == key]
            fig.add_trace(go.Bar(
                x=[str(v) for v in part[x]], y=part[y], name=label(dim, key, lang),
                marker={"color": SERIES[i % len(SERIES)]},
                hovertemplate="%{fullData.name}<br>%{x}: %{y:,}<extra></extra>",
            ))
    base_layout(fig, lang, title_text or title(meta, lang))
    fig.update_layout(barmode="stack" if stacked else "group")
    _legend_below(fig, len(fig.data))
    fig.update_xaxes(type="category", title=t("year_label", lang) if x in ("year", "start_year") else dimension_title(x, lang))
    fig.update_yaxes(title=y_title or unit_title(meta, lang), **value_axis(meta, lang))
    return fig


def profile_bars(df: pd.DataFrame, meta, lang: str = "da", *, level_col: str = "level",
                 level_labels: dict[str, str] | None = None, title_text: str | None = None) -> go.Figure:
    """One indicator for a municipality beside its region and the country (one bar per level)."""
    labels = level_labels or {}
    names = [wrap_label(labels.get(str(v), str(v))) for v in df[level_col]]
    est = [parse(v) for v in df["estimate"]]
    lo = [parse(v) for v in df["ci_low"]] if "ci_low" in df.columns else [None] * len(df)
    hi = [parse(v) for v in df["ci_high"]] if "ci_high" in df.columns else [None] * len(df)
    fmt = value_format(meta)
    fig = new_figure(go.Bar(
        x=est, y=names, orientation="h", marker={"color": [OKABE_ITO[i % 3] for i in range(len(names))]},
        error_x={"type": "data", "array": [(h - e) if h is not None and e is not None else None for e, h in zip(est, hi)],
                 "arrayminus": [(e - lw) if lw is not None and e is not None else None for e, lw in zip(est, lo)],
                 "visible": True, "color": "#333333"},
        hovertemplate=f"%{{y}}: %{{x:{fmt}}}<extra></extra>",
    ))
    base_layout(fig, lang, title_text or title(meta, lang), height=260)
    fig.update_xaxes(**value_axis(meta, lang), rangemode="tozero", title=unit_title(meta, lang))
    fig.update_yaxes(autorange="reversed", title=None, automargin=True)
    gaps = [n for n, e in zip(names, est) if e is None]
    _gap_note(fig, gaps, lang)
    fig.update_layout(showlegend=False, margin={"b": 70})
    return fig


def _published_category(metric, breakdown, code, category: str, lang: str) -> str:
    """Our label of a published figure: the metric's title for a national total, else the category's label in
    its breakdown, or the framework element a municipal figure is about (published under breakdown 'total');
    the published wording where we have none of these."""
    if not isinstance(code, str):
        return category
    if code == "all" and isinstance(metric, str):
        return load_metric(metric).title_for(lang)
    for dimension in (str(breakdown), "framework_element"):
        text = label(dimension, code, lang)
        if text != code:
            return text
    return category


def comparison_chart(df: pd.DataFrame, meta, lang: str = "da") -> go.Figure:
    """Published percentages (diamonds) against ours with 95 % intervals, one row per published figure."""
    pct = df[(df["unit"] == "pct")].reset_index(drop=True)
    names = [f"{fid} {year}: {_published_category(m, b, c, cat, lang)}"
             for fid, year, m, b, c, cat in zip(pct["figure_id"], pct["year"], pct["metric"], pct["breakdown"],
                                                pct["code"], pct["category"])]
    ours = [parse(v) for v in pct["our_value"]]
    hi = [parse(v) for v in pct["our_ci_high"]]
    lo = [parse(v) for v in pct["our_ci_low"]]
    fig = new_figure()
    fig.add_trace(go.Scatter(
        x=ours, y=names, mode="markers", name=t("ours", lang), marker={"color": OURS, "size": 9},
        error_x={"type": "data", "array": [(h - o) if h is not None and o is not None else None for o, h in zip(ours, hi)],
                 "arrayminus": [(o - lw) if lw is not None and o is not None else None for o, lw in zip(ours, lo)],
                 "visible": True, "color": OURS},
        hovertemplate="%{y}<br>" + t("ours", lang) + ": %{x:.1f}<extra></extra>"))
    fig.add_trace(go.Scatter(
        x=pct["published_value"], y=names, mode="markers", name=t("published", lang),
        marker={"color": PUBLISHED, "symbol": "diamond", "size": 10},
        hovertemplate="%{y}<br>" + t("published", lang) + ": %{x:.1f}<extra></extra>"))
    base_layout(fig, lang, title(meta, lang), height=max(360, 26 * len(names) + 140))
    fig.update_xaxes(title="%", ticksuffix=" %" if lang != "en" else "%", rangemode="tozero")
    fig.update_yaxes(autorange="reversed", title=None, automargin=True)
    fig.update_layout(showlegend=True)
    return fig


def ranked_table(df: pd.DataFrame, meta, lang: str = "da", *, value: str) -> pd.DataFrame:
    """Municipalities ranked by `value` (largest first; no value last) with names and formatted values."""
    out = df.copy()
    out["_v"] = pd.to_numeric(out[value], errors="coerce")
    out = out.sort_values("_v", ascending=False, na_position="last").reset_index(drop=True)
    out.insert(0, t("rank", lang), range(1, len(out) + 1))
    out.insert(1, t("kommune", lang), [label("municipality", c, lang) for c in out["municipality_code"]])
    return out.drop(columns=["_v"])


def display_table(df: pd.DataFrame, meta, lang: str = "da") -> pd.DataFrame:
    """The table behind a chart as the user reads it: labels, formatted numbers, reasons for gaps."""
    out = pd.DataFrame(index=df.index)
    percent = is_fraction(meta)
    for col in df.columns:
        if col in ("label_da", "label_en", "dimension"):
            continue
        series = df[col]
        if col == "category" and "dimension" in df.columns:
            out[t("category", lang)] = category_labels(df, lang)
        elif col == "flag":
            reason = {"ok": "", "uncertain": t("uncertain_reason", lang), "suppressed": t("suppressed_reason", lang)}
            out[col] = [reason.get(str(v), str(v)) for v in series]
        elif col in ("estimate", "ci_low", "ci_high", "se") and percent:
            out[col] = [fmt_number(v, lang, 1, percent=True) for v in series]
        elif col in ("year", "municipality_code", "start_year", "end_year") or not pd.api.types.is_numeric_dtype(series):
            out[col] = series.astype("string").fillna("")
        elif pd.api.types.is_integer_dtype(series):
            out[col] = [fmt_number(v, lang, 0) for v in series]
        else:
            out[col] = [fmt_number(v, lang, 2) for v in series]
    return out.rename(columns=lambda c: column_title(c, lang)).reset_index(drop=True)


def csv_text(df: pd.DataFrame, lang: str = "da") -> str:
    """CSV of the rows behind a chart: ';' and decimal comma in Danish (opens in Danish Excel), ',' in English."""
    if lang == "en":
        return df.to_csv(index=False)
    return df.to_csv(index=False, sep=";", decimal=",")


SOURCE_CHARS = 52  # the source line under a chart title wraps like the title (11 px text on a 390 px phone)


# Advance widths of the charts' font (DejaVu Sans, 12 px) by character class, for fit_left_margin; other
# characters: 8.8 px for capitals, 7.6 px for the rest (digits, most lower case). Within a few % of the font's own.
_CHAR_PX = {**dict.fromkeys("ijlIJ.,:; /", 4.0), **dict.fromkeys("ftr-()", 4.9), **dict.fromkeys("szc", 6.6),
            **dict.fromkeys("mwMW%æÆ+", 11.9)}
_YTITLE_PX = 38  # the y axis title (rotated) and the gaps around the tick labels, as plotly draws them
_TICK_GAP_PX = 14  # the gaps around category labels on an axis without a title


def _text_px(text: str) -> float:
    return sum(_CHAR_PX.get(c, 8.8 if c.isupper() else 7.6) for c in text)


def fit_left_margin(fig: go.Figure) -> go.Figure:
    """Start the left margin where plotly's automargin will put it (the y axis's widest tick label and its title),
    so the browser draws the chart once: when automargin has to widen a margin, plotly draws the whole chart a
    second time, about half of a chart's drawing time on every page load and redraw. Automargin stays on for what
    this estimate misses (a phone's narrower plot). Changes `fig` in place."""
    ya = fig.layout.yaxis
    traces = [tr for tr in fig.data if tr.type in ("bar", "scatter") and tr.y is not None and tr.visible is not False]
    ys = [v for tr in traces for v in tr.y if v is not None]
    if ya.visible is False or not ys:
        return fig
    if any(isinstance(v, str) for v in ys):  # categories (horizontal bars): their longest line
        need = max(_text_px(line) for v in ys for line in str(v).split("<br>")) + _TICK_GAP_PX
    else:
        values = [abs(parse(v) or 0.0) for v in ys]
        for tr in traces:  # the interval whiskers reach beyond the bars, and so does the axis
            err = tr.error_y.array if tr.error_y is not None and tr.error_y.array is not None else []
            values += [abs(parse(y) or 0.0) + abs(parse(e) or 0.0) for y, e in zip(tr.y, err)]
        top = max(values) * 1.1
        if (ya.tickformat or "").endswith("%"):
            label = f"{int(top * 100)} %"
        else:
            label = f"{int(top):,}".replace(",", ".")
        if any((parse(v) or 0.0) < 0 for v in ys):
            label = "-" + label
        need = _text_px(label) + (_YTITLE_PX if ya.title.text else _TICK_GAP_PX)
    if need + 4 > (fig.layout.margin.l if fig.layout.margin.l is not None else 80):
        fig.update_layout(margin={"l": math.ceil(need + 4)})
    return fig


def with_source(fig: go.Figure, source_text: str) -> go.Figure:
    """The figure with its source (and the demo warning) as a subtitle under the title, so a downloaded PNG says
    where the numbers come from. Changes `fig` in place (a copy would validate the whole figure again)."""
    out = fig
    lines = wrap_label(source_text, SOURCE_CHARS).count("<br>") + 1
    added = 16 * lines + 4  # the figure grows by the source lines: its plot area keeps its height
    out.update_layout(title={"subtitle": {"text": wrap_label(source_text, SOURCE_CHARS),
                                          "font": {"size": 11, "color": "#444444"}}},
                      margin={"t": (fig.layout.margin.t or 60) + added},
                      height=(fig.layout.height or 450) + added)
    return out


def summary(fig: go.Figure, lang: str = "da", limit: int = 12) -> str:
    """A text summary of what a chart shows (its text alternative): each series' values by category, at most
    `limit` per series, as the value labels and hover texts write them."""
    parts = []
    for tr in fig.data:
        if tr.type not in ("bar", "scatter") or tr.showlegend is False and tr.name == "legend":
            continue
        xs = list(tr.x) if tr.x is not None else []
        ys = list(tr.y) if tr.y is not None else []
        horizontal = getattr(tr, "orientation", None) == "h" or any(isinstance(v, str) for v in ys)
        cats, vals = (ys, xs) if horizontal else (xs, ys)
        vals = [parse(v) for v in vals]
        texts = list(tr.text) if isinstance(tr.text, (list, tuple)) else None
        items = []
        if all(v is None for v in vals) or any(c is None for c in cats):
            continue  # a legend or helper trace, not data
        for i, (c, v) in enumerate(zip(cats, vals)):
            if i >= limit:
                items.append("…")
                break
            shown = texts[i] if texts and i < len(texts) and texts[i] else (
                "–" if v is None else fmt_number(v, lang, 0 if float(v).is_integer() or abs(v) >= 10 else 2))
            items.append(f"{str(c).replace('<br>', ' ')}: {shown}")
        if items:
            name = tr.name if tr.name and len(fig.data) > 1 else ""
            parts.append((f"{name}: " if name else "") + ", ".join(items))
    if not parts:
        return ""
    return f"{t('chart_summary', lang)} " + "; ".join(parts) + "."
