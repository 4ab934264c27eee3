"""Views for the dashboards: query-layer result -> (figure, table, metric). Notebooks call these one-liners.

Everything that turns a result into what a chart needs (picking a year, renaming a column to `category`,
putting a municipality beside its region and the country) lives here, not in the notebooks.
"""
from __future__ import annotations


from . import charts, data, numbers, present
from .labels import column_title, dimension_title, label, t
from .present import View, as_fraction, pick_year
from queries.lazy import lazy

pd = lazy("pandas")

SURVEY_BREAKDOWNS = ["total", "gender", "age_group", "region", "landsdel", "east_west", "urbanisation",
                     "education", "employment"]


def dimensions(metric: str) -> list[str]:
    """The metric's breakdown whitelist, in the order the dashboards offer them."""
    dims = list(data.meta(metric).dimensions)
    return [d for d in SURVEY_BREAKDOWNS if d in dims] + [d for d in dims if d not in SURVEY_BREAKDOWNS]


def published(metric: str, year: int | None, by: str, *, measure: str | None = None) -> pd.DataFrame | None:
    """Published figures for this metric/year/breakdown as (category, value) in the metric's unit, if any.

    `measure` names the published measure when it differs from the metric (framework_share is published as
    share_municipalities, one figure per framework element)."""
    if year is None or not data.has_metric("published_comparison"):
        return None
    df = data.run("published_comparison").data
    rows = df[(df["metric"] == metric) & (df["measure"] == (measure or metric)) & (df["year"] == year)
              & (df["breakdown"] == by) & df["code"].notna()]
    if rows.empty:
        return None
    scale = [0.01 if u == "pct" else 1.0 for u in rows["unit"]]
    return pd.DataFrame({"category": rows["code"].astype(str), "value": rows["published_value"] * scale})


def supported_by(metric: str, by: str | None, lang: str) -> tuple[str | None, str]:
    """The breakdown a metric can do: `by` itself, or 'total' with a note in the page language saying why not
    (volunteers_count, total_hours_per_year and fte are scaled by population figures, which have no education,
    employment or urbanisation)."""
    if by is None:
        return None, ""
    dims = data.meta(metric).dimensions
    if by in dims:
        return by, ""
    fallback = "total" if "total" in dims else next(iter(dims))
    return fallback, t("not_for_breakdown", lang, title=charts.title(data.meta(metric), lang),
                       dimension=dimension_title(by, lang).lower())


def survey_bars(metric: str, year: int, by: str | None, lang: str, *, horizontal: bool = False,
                with_published: bool = True, **params) -> View:
    """One wave of a survey metric by category, with intervals and the published figure beside ours; a
    breakdown the metric cannot do shows the whole country with a note saying why."""
    by, note = supported_by(metric, by, lang)
    kwargs = dict(year=year, **params)
    if by is not None:
        kwargs["by"] = by
    res = data.run(metric, **kwargs)
    pub = published(metric, year, by or res.data["dimension"].iloc[0]) if with_published and len(res.data) else None
    fig = charts.estimate_bars(res.data, res.meta, lang, published=pub, horizontal=horizontal,
                               title_text=f"{charts.title(res.meta, lang)}, {year}")
    return View(fig, _with_published(res.data, pub, "category"), res.meta, note)


def headline_rows(metrics: list[str], year: int | None = None, **params) -> list[tuple[str, dict]]:
    """(metric, result row) for the headline figures: each metric's total for `year`, or its latest year when
    year is None or the metric lacks it; `params` narrow it (municipality_code=147). Metrics without a figure
    are left out."""
    out = []
    for metric in metrics:
        meta = data.meta(metric)
        kwargs = {k: v for k, v in params.items() if k in meta.param_names and v is not None}
        if "by" in meta.param_names and "total" in meta.dimensions:
            kwargs["by"] = "total"
        df = data.run(metric, **kwargs).data
        df = df[df["year"].notna()]
        if len(df) == 0:
            continue
        years = sorted({int(y) for y in df["year"]})
        y = year if year in years else years[-1]
        row = df[df["year"] == y].iloc[0].to_dict()
        value = row.get(present.pres(metric).value)
        if value is None or value != value:
            continue
        out.append((metric, row))
    return out


def _with_published(table: pd.DataFrame, pub: pd.DataFrame | None, key: str) -> pd.DataFrame:
    """The table behind a chart with the published figure drawn beside ours as a column `published`."""
    if pub is None:
        return table
    return table.merge(pub.rename(columns={"category": key, "value": "published"}), on=key, how="left")


def wave_lines(years, lang: str) -> tuple[dict[int, tuple[str, str]], str]:
    """The trend lines of survey waves: year -> (line key, label), one line per survey series and definition (the
    waves that may be compared), labelled with the series and its years; and the sentence under the chart that says
    so (empty when all waves are one line)."""
    waves = data.survey_waves()
    years = sorted(int(y) for y in years if int(y) in waves)
    by_line: dict[str, list[int]] = {}
    for y in years:
        by_line.setdefault(waves[y]["line"], []).append(y)
    labels = {}
    for key, ys in by_line.items():
        span = str(ys[0]) if len(ys) == 1 else f"{ys[0]}-{ys[-1]}"
        labels[key] = f"{waves[ys[0]]['series_en' if lang == 'en' else 'series_da']} {span}"
    lines = {y: (waves[y]["line"], labels[waves[y]["line"]]) for y in years}
    if len(by_line) < 2:
        return lines, ""
    def definition(y: int) -> str:
        text = waves[y]["definition_label_en" if lang == "en" else "definition_label_da"]
        return text[:1].lower() + text[1:]
    described = "; ".join(f"{labels[k]}: {definition(ys[0])}" for k, ys in by_line.items())
    return lines, t("series_lines", lang, lines=described)


def survey_trend(metric: str, by: str | None, lang: str, *, until_year: int | None = None, **params) -> View:
    """A survey metric over every wave (up to until_year when given), one line per category and survey (series
    and definition: waves of different surveys are not joined), the surveys named under the chart."""
    by, note = supported_by(metric, by, lang)
    kwargs = dict(params)
    if by is not None:
        kwargs["by"] = by
    res = data.run(metric, **kwargs)
    df = _until(res.data, until_year)
    lines, lines_note = wave_lines(df["year"].dropna().unique(), lang)
    return View(charts.trend_lines(df, res.meta, lang, lines=lines), df, res.meta,
                " ".join(x for x in (note, lines_note) if x))


def fte_view(year: int, by: str, lang: str) -> View:
    """Full-time equivalents of volunteer work, with the divisor stated."""
    view = survey_bars("fte", year, by, lang, with_published=False)
    hours = data.meta("fte").param("hours_per_fte").default
    view.note = " ".join(x for x in (view.note, t("fte_note", lang, hours=numbers.number(hours, lang))) if x)
    return view


def counts_over_time(metric: str, by: str, lang: str, *, value: str, municipality_code: int | None = None,
                     until_year: int | None = None) -> View:
    """Counts per year (up to until_year when given) by a category (e.g. cooperations by form), for the country or
    one municipality."""
    res = data.run(metric, by=by, municipality_code=municipality_code)
    df = _until(res.data, until_year)
    where = t("whole_country", lang) if municipality_code is None else label("municipality", municipality_code, lang)
    fig = charts.grouped_bars(df, res.meta, lang, x="year", color="category", y=value, color_dimension=by,
                              title_text=f"{charts.title(res.meta, lang)} – {where}")
    return View(fig, df, res.meta)


def share_over_time(metric: str, lang: str, *, value: str, by: str | None = None,
                    municipality_code: int | None = None, until_year: int | None = None) -> View:
    """A share per year (up to until_year when given, e.g. partnership share) as a line, for the country or one
    municipality (by: the metric's breakdown, by default 'total' for the country and 'municipality' for one)."""
    if by is None:
        by = "total" if municipality_code is None else "municipality"
    res = data.run(metric, by=by, municipality_code=municipality_code)
    table = _until(res.data, until_year)
    df = table.rename(columns={value: "estimate"})
    where = t("whole_country", lang) if municipality_code is None else label("municipality", municipality_code, lang)
    fig = charts.trend_lines(df.assign(flag="ok"), res.meta, lang, title_text=f"{charts.title(res.meta, lang)} – {where}")
    if charts.is_fraction(res.meta, value):
        fig.update_yaxes(**charts.percent_axis(lang))
    return View(fig, table, res.meta)


def element_shares(year: int, lang: str) -> View:
    """Share of responding municipalities with each framework element, the published share beside ours."""
    year, note = pick_year(data.waves("framework_share"), year, lang)
    res = data.run("framework_share", year=year)
    df = res.data
    bars = pd.DataFrame({"dimension": "framework_element", "category": df["element"],
                         "label_da": df["element_label_da"], "label_en": df["element_label_en"],
                         "estimate": df["share"], "n": df["answer_count"], "flag": "ok"})
    pub = published("framework_share", year, "total", measure="share_municipalities")
    meta = as_fraction(res.meta)
    fig = charts.estimate_bars(bars, meta, lang, published=pub, horizontal=True,
                               title_text=f"{charts.title(res.meta, lang)}, {year}")
    return View(fig, _with_published(df, pub, "element"), res.meta, note)


def national_series(metric: str, lang: str, *, value: str, until_year: int | None = None) -> View:
    """A national figure per year (up to until_year when given; e.g. municipalities that answered, staff FTE) as bars."""
    res = data.run(metric)
    df = _until(res.data, until_year)
    fig = charts.grouped_bars(df, res.meta, lang, x="year", color=None, y=value)
    if charts.is_fraction(res.meta, value):
        fig.update_yaxes(**charts.percent_axis(lang))
    return View(fig, df, res.meta)


def _until(df: pd.DataFrame, until_year: int | None) -> pd.DataFrame:
    """The rows of `year` <= until_year (all rows for None): a report for a year describes it and the years before."""
    if until_year is None:
        return df
    return df[df["year"] <= until_year].reset_index(drop=True)


# -- Om data ------------------------------------------------------------------------------------------------------

def about_sources(lang: str) -> str:
    """HTML: the input files of the warehouse and what kind of data it holds."""
    import html as _html

    info = data.build_info()
    kind = label("data_kind", info.get("data_kind", "demo"), lang)
    head = "<h2>Kilder</h2>" if lang != "en" else "<h2>Sources</h2>"
    intro = ("Lageret er bygget {built} af disse filer ({kind})." if lang != "en"
             else "The warehouse was built {built} from these files ({kind}).").format(
        built=_html.escape(info.get("built_at", "?")), kind=_html.escape(kind))
    rows = data.build_inputs()
    cols = [c for c in ("file", "rows", "encoding", "delimiter", "synthetic", "sha256") if c in rows.columns]
    published_note = ("Offentliggjorte tal: <code>data/reference/published_figures.csv</code> med dokument og citat "
                      "for hvert tal. Kommuner: <code>data/reference/municipalities.csv</code>."
                      if lang != "en" else
                      "Published figures: <code>data/reference/published_figures.csv</code> with the document and "
                      "quote for each figure. Municipalities: <code>data/reference/municipalities.csv</code>.")
    shown = rows[cols].copy()
    for c in shown.columns:
        if pd.api.types.is_bool_dtype(shown[c]):
            shown[c] = [present.yes_no(v, lang) for v in shown[c]]
    table = shown.rename(columns=lambda c: column_title(c, lang)).to_html(index=False, border=0)
    return f"{head}<p>{intro}</p>{table}<p>{published_note}</p>"


def about_methods(lang: str) -> str:
    return present.methods_html(lang)


def about_codebook(lang: str) -> str:
    """HTML: the label file (every code) and the warehouse columns with their schema comments."""
    import csv as _csv

    from .labels import LABELS_CSV

    with open(LABELS_CSV, encoding="utf-8", newline="") as f:
        labels = pd.DataFrame(list(_csv.DictReader(f)))
    cols = data.codebook()[["table", "column", "type", "comment"]]
    h_codes, h_cols = (("Kodebog: koder og etiketter", "Lagerets kolonner") if lang != "en"
                       else ("Codebook: codes and labels", "Warehouse columns"))
    cols_html = cols.rename(columns=lambda c: column_title(c, lang)).to_html(index=False, border=0)
    return (f"<h2>{h_codes}</h2><details><summary>{t('show_codes', lang).format(n=len(labels))}</summary>"
            f"{labels.rename(columns=lambda c: column_title(c, lang)).to_html(index=False, border=0)}</details>"
            f"<h2>{h_cols}</h2><details><summary>{t('show_columns', lang).format(n=len(cols))}</summary>"
            f"{cols_html}</details>")


def published_vs_computed(lang: str) -> View:
    """Our figures against the published ones (published_comparison), as a chart and a table."""
    if data.has_metric("published_comparison"):
        res = data.run("published_comparison")
        df = res.data
        fig = charts.comparison_chart(df, res.meta, lang)
        # one reason column, in the page language
        return View(fig, df.drop(columns=["reason_da" if lang == "en" else "reason"]), res.meta)
    raise LookupError("published_comparison is not in the query layer yet")
