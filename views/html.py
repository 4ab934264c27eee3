"""A view as a page shows it, in HTML: the definition, source and method under a chart, its CSV downloads (the file
itself in a data: address), the table behind it, and the headline figures. No widgets: the dashboards put these in
their widgets, the prebuild stores them in the shared cache."""
from __future__ import annotations

import base64
import html

from . import charts, data, present
from .labels import dimension_title, label, t
from queries.lazy import lazy

pd = lazy("pandas")


def table_html(df: pd.DataFrame) -> str:
    return ('<div class="fd-tablewrap">'
            + df.to_html(index=False, border=0, classes="fd-table", na_rep="", escape=True) + "</div>")


def data_link(payload: bytes, mime: str, filename: str, text: str, cls: str, rows: int) -> str:
    uri = f"data:{mime};base64," + base64.b64encode(payload).decode("ascii")
    return (f'<a class="{cls}" download="{html.escape(filename)}" href="{uri}" data-rows="{rows}">'
            f'⬇ {html.escape(text)}</a>')


def csv_link(df: pd.DataFrame, filename: str, lang: str, meta=None, *, rounded: bool = True,
             years=None, shown=None) -> str:
    """A download link holding the CSV itself (data: URI), so no server round trip is needed: a first line with
    source, year, the demo warning and the provenance, headings in the page language, values as displayed (or
    unrounded)."""
    demo = data.is_demo()
    if meta is None:  # a table that is not a metric result (kept for callers outside the panels)
        text = charts.csv_text(df, lang)
    else:
        text = present.csv_text(df, meta, lang, rounded=rounded, demo=demo, years=years, shown=shown,
                                provenance=data.provenance())
    payload = ("\ufeff" + text).encode("utf-8")
    key = "download_csv" if rounded else "download_csv_exact"
    return data_link(payload, "text/csv;charset=utf-8", filename, t(key, lang),
                     "fd-csv" if rounded else "fd-csv-exact", len(df))


def table_years(df: pd.DataFrame):
    for col in ("year", "start_year"):
        if col in df.columns:
            return [int(y) for y in pd.to_numeric(df[col], errors="coerce").dropna()]
    return None


def meta_html(meta, lang: str, years=None) -> str:
    """Under a chart: the plain-language definition, the source as a document, and the method folded away."""
    demo = data.is_demo()
    src = present.source(meta, lang, years=years, demo=demo)
    method = (f'<p>{html.escape(present.method(meta, lang))}</p>'
              f'<p><b>{html.escape(t("unit", lang))}:</b> {html.escape(meta.unit_for(lang))}</p>')
    return (f'<p class="fd-def"><b>{html.escape(t("definition", lang))}:</b> '
            f'{html.escape(present.definition(meta, lang))}</p>'
            f'<p><b>{html.escape(t("source", lang))}:</b> {html.escape(src)}</p>'
            f'<details class="fd-method"><summary>{html.escape(t("how_computed", lang))}</summary>{method}</details>')


def state_words(state: dict, lang: str) -> list[str]:
    """The choices of a view as words for a file name: year, indicator, breakdown, municipality."""
    words = []
    for key in ("year", "indikator", "by", "kommune"):
        v = state.get(key)
        if v is None or v == "total":
            continue
        if key == "by":
            words.append(dimension_title(str(v), lang))
        elif key == "kommune":
            words.append(label("municipality", v, lang))
        else:
            words.append(str(v))
    return words


def decorate(view: present.View, name: str, lang: str, state: dict | None = None) -> present.View:
    """The view as the page shows it: the source and demo line drawn under the title (so a PNG carries them), the
    chart's text summary, the file name of its downloads (from the choices in `state`), and what goes under the
    chart (definition, table, downloads). Done once per view, before the shared cache turns the figure into a
    dict, so a page drawn from the cache formats no table."""
    years = view.years = table_years(view.table)
    if view.fig is not None and not isinstance(view.fig, dict):
        view.summary = view.summary or charts.summary(view.fig, lang)
        view.fig = charts.with_source(view.fig, present.source_line(view.meta, lang, years=years,
                                                                    demo=data.is_demo()))
        charts.fit_left_margin(view.fig)
    view.filename = view.filename or present.slug(view.meta.title_for(lang), *state_words(state or {}, lang))
    view.info_html = info_html(view, name, lang)
    return view


def info_html(view: present.View, name: str, lang: str) -> str:
    """What goes under the chart: its summary, definition, source, method and CSV links, then the table."""
    years = view.years
    stem = view.filename
    note = f'<div class="fd-note">{html.escape(view.note)}</div>' if view.note else ""
    shown = present.people_table(view.table, view.meta, lang)  # the table as shown: page and CSV alike
    exact = stem + ("-alle-decimaler.csv" if lang != "en" else "-all-decimals.csv")
    info = (
        f'<div class="fd-meta fd-meta-top">{note}<p class="fd-summary" id="fd-summary-{name}">'
        f'{html.escape(view.summary)}</p>'
        f'{meta_html(view.meta, lang, years)}'
        f'<div class="fd-downloads">{csv_link(view.table, stem + ".csv", lang, view.meta, years=years, shown=shown)}'
        f'{csv_link(view.table, exact, lang, view.meta, rounded=False, years=years)}'
        f'<span>{html.escape(t("png_hint", lang))}</span></div></div>'
    )
    table = (f'<div class="fd-meta fd-meta-table"><details><summary>{html.escape(t("show_table", lang))}</summary>'
             f'{table_html(shown)}</details></div>')
    return info + table


def headlines_html(items: list, lang: str) -> str:
    """The headline figures as large numbers in plain sentences ('40 % af danskerne over 16 år ...'): items are
    present.Headline or (metric, result row) pairs (the metric's YAML sentence)."""
    parts = []
    for item in items:
        h = item if isinstance(item, present.Headline) else present.headline_item(*item, lang)
        unit = f'<span class="fd-unit"> {html.escape(h.unit)}</span>' if h.unit else ""
        big = f'<span class="fd-big"><span class="fd-number">{html.escape(h.big)}</span>{unit}</span>'
        text = big + html.escape(h.sentence).replace("{value}", f"<b>{html.escape(h.value)}</b>")
        parts.append(f'<p class="fd-headline" data-metric="{html.escape(h.key)}">{text}</p>')
    if not parts:
        return ""
    return (f'<section class="fd-headlines" aria-label="{html.escape(t("headlines", lang))}">'
            + "".join(parts) + "</section>")
