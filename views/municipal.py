"""Views of the municipalities for Kommunerne (2) and Kommuneprofil (4): the map, the year that goes with an
indicator, and a municipality beside its region, the country and the five municipalities closest in population.

Query results -> (figure, table, metric) like dashboards/py; importable without ipywidgets (the report can
call `map_view` and `comparison`). Widget wiring is in `year_control_for` and `keep_year_with_indicator`, which
take the page's objects and import nothing from ipywidgets themselves.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import plotly.graph_objects as go

from . import charts, data, numbers, present
from .labels import label, municipalities, t
from .numbers import MISSING, compact, fmt_number, parse
from .map import municipality_map
from .present import View, column_meta, pick_year
from queries.lazy import lazy

pd = lazy("pandas")

# -- the indicators shown per municipality ----------------------------------------------------------------------

# (metric, value column, extra run parameters) of the indicators shown per municipality.
MUNICIPAL_INDICATORS: dict[str, tuple[str, str, dict]] = {
    "framework_score": ("framework_score", "framework_score", {"by": "municipality"}),
    "granted_per_inhabitant": ("granted_per_inhabitant", "granted_dkk_per_inhabitant", {"by": "municipality"}),
    "payout_ratio": ("payout_ratio", "payout_ratio", {"by": "municipality"}),
    "application_coverage": ("application_coverage", "coverage", {"by": "municipality"}),
    "partnership_share": ("partnership_share", "partnership_share", {"by": "municipality"}),
    "municipal_participation": ("municipal_participation", "estimate", {}),
}
# An indicator whose metric has no national row of its own: the metric whose by=total row is the country's figure
# (the model-based municipal shares stand beside the survey's direct national estimate).
NATIONAL_FIGURE: dict[str, str] = {"municipal_participation": "participation_rate"}


def indicator_options(lang: str) -> list[tuple[str, str]]:
    return [(charts.title(data.meta(m), lang), key) for key, (m, _, _) in MUNICIPAL_INDICATORS.items()
            if data.has_metric(m)]


def municipal_values(indicator: str, year: int | None) -> tuple[pd.DataFrame, object, str]:
    """Per-municipality rows (with municipality_code) of an indicator for a year, its metric and value column."""
    metric, value, params = MUNICIPAL_INDICATORS[indicator]
    res = data.run(metric, year=year, **params)
    df = res.data
    if "municipality_code" not in df.columns:
        df = df.assign(municipality_code=pd.to_numeric(df["category"], errors="coerce").astype("Int64"))
    return df, res.meta, value


def indicator_years(indicator: str) -> list[int]:
    metric, _, params = MUNICIPAL_INDICATORS[indicator]
    return data.waves(metric, **params)


def municipal_ranking(indicator: str, year: int, lang: str) -> View:
    """The indicator's municipalities ranked, as a horizontal bar chart of all 98 (table: ranked rows)."""
    year, note = pick_year(indicator_years(indicator), year, lang)
    df, meta, value = municipal_values(indicator, year)
    ranked = charts.ranked_table(df, meta, lang, value=value)
    bars = pd.DataFrame({"dimension": "municipality", "category": ranked["municipality_code"].astype(str),
                         "label_da": ranked[t("kommune", "da") if lang != "en" else t("kommune", "en")],
                         "estimate": pd.to_numeric(ranked[value], errors="coerce"), "flag": "ok"})
    bars["label_en"] = bars["label_da"]
    bars.loc[bars["estimate"].isna(), "flag"] = "suppressed"
    cmeta = column_meta(meta, value)
    fig = charts.estimate_bars(bars, cmeta, lang, horizontal=True,
                               title_text=f"{t('ranked', lang)}: {charts.title(meta, lang)}, {year}")
    fig.update_layout(height=max(600, 16 * len(bars) + 120), yaxis={"tickfont": {"size": 9}})
    fig.layout.annotations = [a for a in fig.layout.annotations if a.text != "–"]
    return View(fig, ranked, meta, note)


def municipal_years() -> list[int]:
    """Every year any municipal indicator has."""
    years: set[int] = set()
    for key, (metric, _, _) in MUNICIPAL_INDICATORS.items():
        if data.has_metric(metric):
            years |= set(indicator_years(key))
    return sorted(years)


# -- Kommunerne: the map and its year ----------------------------------------------------------------------------


def indicator_value_range(indicator: str, df: pd.DataFrame, value: str) -> tuple[float, float] | None:
    """A fixed colour/axis range where the metric defines one (framework score: 0 to max_score, i.e. 0-7)."""
    if "max_score" in df.columns and df["max_score"].notna().any():
        return 0.0, float(df["max_score"].dropna().iloc[0])
    return None


def map_view(indicator: str, year: int | None, lang: str, highlight: int | None = None) -> View:
    """The indicator on the map of the 98 municipalities (table: the same rows); year None = the latest."""
    year, note = pick_year(indicator_years(indicator), year, lang)
    df, meta, value = municipal_values(indicator, year)
    fig = municipality_map(df, column_meta(meta, value), lang, value=value, highlight=highlight,
                           value_range=indicator_value_range(indicator, df, value),
                           title_text=f"{charts.title(meta, lang)}, {year}")
    if indicator in NATIONAL_FIGURE:  # a model-based indicator: say what that means under the map
        note = " ".join(x for x in (note, t("model_note", lang)) if x)
    return View(fig, df, meta, note)


def headlines(indicator: str, year: int | None, lang: str) -> list[present.Headline]:
    """Kommunerne's headline figures for an indicator and the year the map draws: the country's figure as the
    query layer aggregates it (the metric's YAML sentence) and how many of the 98 municipalities have a figure."""
    year, _ = pick_year(indicator_years(indicator), year, lang)
    metric, value, _ = MUNICIPAL_INDICATORS[indicator]
    items = []
    national = NATIONAL_FIGURE.get(indicator, metric)
    nat = data.run(national, year=year, by="total").data
    if len(nat) and parse(nat[value].iloc[0]) is not None:
        items.append(present.headline_item(national, nat.iloc[0].to_dict(), lang))
    df, _, _ = municipal_values(indicator, year)
    shown = numbers.count(int(pd.to_numeric(df[value], errors="coerce").notna().sum()), lang)
    total = len(municipalities())
    items.append(present.Headline("municipalities", f"{shown} / {total}", "",
                                  t("headline_municipalities", lang, value="{value}", total=total, year=year), shown))
    return items


# -- Kommuneprofil: one municipality, its region, the country and its peers ------------------------------------

# One colour per role, the same on every chart of the page (Okabe-Ito, as charts.OKABE_ITO).
ROLE_COLOURS = {"municipality": "#D55E00", "model": "#D55E00", "direct": "#CC79A7", "region": "#0072B2",
                "country": "#000000", "similar": "#E69F00"}


def role_text(key: str, lang: str) -> str:
    """The legend name of a role (UI catalogue, keys role_*)."""
    return t(f"role_{key}", lang)


# The indicators of the Kommuneprofil's headline figures (keys of MUNICIPAL_INDICATORS).
PROFILE_HEADLINES = ("framework_score", "granted_per_inhabitant", "partnership_share")


def profile_headlines(kommune: int, lang: str) -> list[present.Headline]:
    """The municipality's key figures beside the whole country's, each in its indicator's latest year."""
    name = municipalities()[kommune]["name"]
    items = []
    own = model_row(kommune)
    if own is not None and parse(own.get("estimate")) is not None:
        items.append(present.headline_item(MODEL_METRIC, own, lang))
    for indicator in PROFILE_HEADLINES:
        metric, value, _ = MUNICIPAL_INDICATORS[indicator]
        year = indicator_years(indicator)[-1]
        df, meta, value = municipal_values(indicator, year)
        own = next(iter(df[df["municipality_code"] == kommune].to_dict("records")), None)
        v = None if own is None else parse(own.get(value))
        nat = data.run(metric, year=year, by="total").data
        country = present.headline_value(parse(nat[value].iloc[0]) if len(nat) else None, metric, lang) or MISSING
        sentence = t("headline_profile", lang, title=charts.title(meta, lang), name=name, year=year, country=country)
        if v is None:
            sentence += ": " + t("profile_not_answered" if own is not None and parse(own.get("responded")) == 0
                                 else "profile_no_value", lang)
        value_shown = present.headline_value(v, metric, lang)
        items.append(present.Headline(metric, value_shown or MISSING,
                                      present.headline_unit(metric, lang) if value_shown else "", sentence, value_shown))
    return items


@dataclass
class Peers:
    """The municipality's population year and its five closest municipalities (code, name, inhabitants)."""
    year: int
    inhabitants: int
    codes: list[int]
    table: pd.DataFrame


def peers(kommune: int, year: int | None = None) -> Peers:
    """The five municipalities closest in population (metric similar_municipalities)."""
    res = data.run("similar_municipalities", municipality_code=kommune, year=year)
    df = res.data
    own = df[df["rank"] == 0]
    others = df[df["rank"] > 0].sort_values("rank")
    return Peers(int(df["year"].iloc[0]), int(own["inhabitants"].iloc[0]),
                 [int(c) for c in others["similar_code"]], df)


def _fixed_range(indicator: str, df: pd.DataFrame, value: str, meta) -> list[float]:
    """The value axis of an indicator, the same for every municipality: the metric's own range where it has one
    (framework score 0-7), 0-100 % for shares of at most 1, else 0 to the largest municipality's value that year."""
    fixed = indicator_value_range(indicator, df, value)
    if fixed:
        return [fixed[0], fixed[1]]
    top = pd.to_numeric(df[value], errors="coerce").max()
    top = 0.0 if top is None or math.isnan(top) else float(top)
    if charts.is_fraction(meta, value) and top <= 1:
        return [0.0, 1.0]
    return [0.0, _nice_ceiling(top * 1.05)]


def _nice_ceiling(x: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^k at or above x (an axis end a reader can take in)."""
    if x <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(x))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= x)


def comparison(indicator: str, kommune: int, lang: str, year: int | None = None, *,
               explain: bool = False) -> View:
    """One indicator for the municipality, its region, the country and its five peers, on a fixed axis
    (explain: a note saying which municipalities are the peers and why)."""
    metric, _, _ = MUNICIPAL_INDICATORS[indicator]
    years = indicator_years(indicator)
    year = year if year in years else years[-1]
    df, meta, value = municipal_values(indicator, year)
    munis = municipalities()
    region = munis[kommune]["region_code"]
    national = NATIONAL_FIGURE.get(indicator, metric)  # the region's and the country's figure
    reg = data.run(national, year=year, by="region").data
    nat = data.run(national, year=year, by="total").data
    by_code = {int(c): r for c, r in zip(df["municipality_code"], df.to_dict("records")) if pd.notna(c)}
    near = peers(kommune)

    def row(role, code, name, record):
        v = None if record is None else parse(record.get(value))
        why = ""
        if v is None:
            why = t("profile_not_answered" if record is not None and parse(record.get("responded")) == 0
                    else "profile_no_value", lang)
        return {"role": role, "municipality_code": code, "name": name, "year": year, value: v, "reason": why}

    rows = [row("municipality", kommune, munis[kommune]["name"], by_code.get(kommune)),
            row("region", None, label("region", region, lang),
                next(iter(reg[reg["category"] == str(region)].to_dict("records")), None)),
            row("country", None, t("whole_country", lang), next(iter(nat.to_dict("records")), None))]
    rows += [row("similar", c, munis[c]["name"], by_code.get(c)) for c in near.codes]
    table = pd.DataFrame(rows)
    cmeta = column_meta(meta, value)
    fig = role_bars(table, cmeta, lang, value=value, value_range=_fixed_range(indicator, df, value, cmeta),
                    title_text=f"{charts.title(meta, lang)}, {year}")
    note = ""
    if explain:
        note = t("profile_peers_note", lang, year=near.year, name=munis[kommune]["name"],
                 n=fmt_number(near.inhabitants, lang),
                 peers=", ".join(f"{munis[c]['name']} ({fmt_number(i, lang)})"
                                 for c, i in zip(near.codes, near.table[near.table["rank"] > 0]["inhabitants"])))
    return View(fig, table, meta, note)


def survey_comparison(metric: str, kommune: int, lang: str) -> View:
    """A survey indicator for the municipality's region and the country, with 95 % intervals, on a fixed axis
    (0-100 % for shares, else 0 to the largest upper interval limit of any region that wave)."""
    region = municipalities()[kommune]["region_code"]
    year = data.waves(metric)[-1]
    reg = data.run(metric, year=year, by="region").data
    nat = data.run(metric, year=year, by="total").data
    meta = data.meta(metric)
    mine = reg[reg["category"] == str(region)]
    table = pd.DataFrame([
        {"role": "region", "name": label("region", region, lang), "year": year,
         **{k: parse(mine[k].iloc[0]) if len(mine) else None for k in ("estimate", "ci_low", "ci_high")},
         "n": int(mine["n"].iloc[0]) if len(mine) else None},
        {"role": "country", "name": t("whole_country", lang), "year": year,
         **{k: parse(nat[k].iloc[0]) for k in ("estimate", "ci_low", "ci_high")}, "n": int(nat["n"].iloc[0])},
    ])
    if charts.is_fraction(meta):
        axis = [0.0, 1.0]
    else:
        top = pd.to_numeric(pd.concat([reg["ci_high"], nat["ci_high"]]), errors="coerce").max()
        axis = [0.0, _nice_ceiling(float(top) * 1.05 if pd.notna(top) else 1.0)]
    fig = role_bars(table, meta, lang, value="estimate", value_range=axis,
                    title_text=f"{charts.title(meta, lang)}, {year}")
    return View(fig, table, meta, t("profile_survey_note", lang))


# The model-based municipal share (docs/small-area.md) and the survey metric whose direct figures stand beside it.
MODEL_METRIC = "municipal_participation"


def model_row(kommune: int, year: int | None = None) -> dict | None:
    """The municipality's row of the model-based share in a wave (the latest when None)."""
    year = year or data.waves(MODEL_METRIC)[-1]
    df = data.run(MODEL_METRIC, year=year).data
    return next(iter(df[df["municipality_code"] == kommune].to_dict("records")), None)


def direct_label(n, lang: str) -> str:
    """'direkte skøn, 47 svar'; n is null when the query layer's small-count rule hid 1-4 respondents ('<5')."""
    return t("direct_estimate", lang, n=numbers.count(n, lang, small=n is None))


def participation_comparison(kommune: int, lang: str) -> View:
    """The share who volunteered in the latest wave: the municipality's model-based estimate with its 95 %
    interval, its direct survey estimate with n beside it (a gap with the reason under the survey threshold), its
    region and the whole country (direct survey estimates), on a 0-100 % axis; the note says what
    "modelberegnet skøn" means."""
    metric = NATIONAL_FIGURE[MODEL_METRIC]  # the survey's direct figures of the region and the country
    year = data.waves(MODEL_METRIC)[-1]
    own = model_row(kommune, year)
    name = municipalities()[kommune]["name"]
    region = municipalities()[kommune]["region_code"]
    reg = data.run(metric, year=year, by="region").data
    nat = data.run(metric, year=year, by="total").data
    mine = reg[reg["category"] == str(region)]
    n = None if own is None else parse(own.get("n"))
    if n == 0:
        direct_reason = t("no_responses", lang)
    else:
        direct_reason = t("suppressed_reason", lang)
    rows = [
        {"role": "model", "name": _capital(t("model_estimate", lang)), "year": year,
         **{k: parse(own.get(k)) if own else None for k in ("estimate", "ci_low", "ci_high")}, "n": n,
         "reason": t("profile_no_value", lang)},
        {"role": "direct", "name": _capital(direct_label(n, lang)), "year": year,
         "estimate": parse(own.get("direct_estimate")) if own else None,
         "ci_low": parse(own.get("direct_ci_low")) if own else None,
         "ci_high": parse(own.get("direct_ci_high")) if own else None, "n": n, "reason": direct_reason},
        {"role": "region", "name": label("region", region, lang), "year": year,
         **{k: parse(mine[k].iloc[0]) if len(mine) else None for k in ("estimate", "ci_low", "ci_high")},
         "n": parse(mine["n"].iloc[0]) if len(mine) else None, "reason": t("profile_no_value", lang)},
        {"role": "country", "name": t("whole_country", lang), "year": year,
         **{k: parse(nat[k].iloc[0]) for k in ("estimate", "ci_low", "ci_high")}, "n": parse(nat["n"].iloc[0]),
         "reason": t("profile_no_value", lang)},
    ]
    table = pd.DataFrame(rows).astype({"n": "Int64"})  # respondents (null: 1-4, the small-count rule)
    meta = data.meta(MODEL_METRIC)
    # the municipality's name in the title: the rows' labels stay short enough for a phone
    fig = role_bars(table, meta, lang, value="estimate", value_range=[0.0, 1.0],
                    title_text=f"{charts.title(meta, lang)}, {name} {year}")
    return View(fig, table, meta, t("model_note", lang))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def role_bars(table: pd.DataFrame, meta, lang: str, *, value: str, value_range: list[float],
              title_text: str) -> go.Figure:
    """Horizontal bars, one per row of `table` (columns role, name, value; optional ci_low/ci_high), coloured by
    role with one legend entry per role; rows without a value show their reason at the axis."""
    fraction = charts.is_fraction(meta)
    unit = charts.unit_title(meta, lang)
    fig = charts.new_figure()
    names = [charts.wrap_label(n) for n in table["name"]]
    for role in ROLE_COLOURS:
        part = table[table["role"] == role]
        if part.empty:
            continue
        idx = part.index
        est = [parse(v) for v in part[value]]
        error = None
        if "ci_low" in part.columns:
            hi = [parse(v) for v in part["ci_high"]]
            lo = [parse(v) for v in part["ci_low"]]
            error = {"type": "data", "visible": True, "color": "#333333", "thickness": 1.5, "width": 6,
                     "array": [h - e if h is not None and e is not None else None for e, h in zip(est, hi)],
                     "arrayminus": [e - low if low is not None and e is not None else None for e, low in zip(est, lo)]}
        labels = [compact(v, lang, fraction) if v is not None else r
                  for v, r in zip(est, part.get("reason", [""] * len(part)))]
        hover = [f"<b>{n}</b><br>{lab}" + (f" ({compact(lw, lang, fraction)}-{compact(h, lang, fraction)})"
                                           if error and lw is not None and h is not None else "")
                 for n, lab, lw, h in zip(part["name"], labels,
                                          part["ci_low"] if error else [None] * len(part),
                                          part["ci_high"] if error else [None] * len(part))]
        fig.add_trace(go.Bar(
            y=[names[i] for i in idx], x=[e if e is not None else 0 for e in est], orientation="h",
            name=role_text(role, lang), marker={"color": ROLE_COLOURS[role]}, error_x=error,
            # a label beside the bar, or inside its end when a whisker would run through it
            # a row without a value: its reason beside the axis (inside a bar of width 0 it would not show)
            text=labels, textposition=["inside" if error and e is not None else "outside" for e in est],
            insidetextanchor="end",
            cliponaxis=False, hovertext=hover, hoverinfo="text",
        ))
    # the title wraps once, by base_layout's rule (charts.TITLE_CHARS)
    charts.base_layout(fig, lang, title_text, height=200 + 34 * max(len(table), 3))
    ticks = charts.percent_axis(lang) if fraction else {"tickformat": ","}
    fig.update_xaxes(range=value_range, fixedrange=True, title=unit, **ticks)
    if not fraction and value_range[1] - value_range[0] <= 10 and float(value_range[1]).is_integer():
        fig.update_xaxes(dtick=1)  # a count scale such as the framework score: every whole number, 0-7
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=names, title=None,
                     automargin=True, fixedrange=True)
    fig.update_layout(showlegend=True, barmode="overlay", bargap=0.25,
                      # the legend at the foot of the figure: under the plot it ran into the axis title, above it
                      # into the title once it wrapped onto four lines on a phone
                      legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 0, "yanchor": "bottom",
                              "yref": "container", "traceorder": "normal"},
                      # the top margin stays base_layout's (it grows with the title's lines)
                      margin={"l": 10, "r": 60, "b": 130})
    return fig
