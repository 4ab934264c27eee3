"""Changes and differences with their uncertainty (issue 13), for "Hvem er de frivillige?".

`change_view`: each category's change since the previous wave and since the first wave, as a dot-and-whisker chart and
in words ("+1,2 procentpoint siden 2017 (95 %-interval −0,9 til 3,3) · ikke en sikker ændring").
`contrast_view`: each category against the whole population and against a reference category of the breakdown (the
page's "Sammenlign med" control; default the first category, men for gender).
The numbers come from the query layer (`<metric>_change`, `<metric>_contrast`); this module only words and draws them.
"""
from __future__ import annotations

import math

import plotly.graph_objects as go

from . import charts, data, numbers
from .labels import codes, dimension_title, label, t
from .present import View
from queries.lazy import lazy

pd = lazy("pandas")

MINUS = "\u2212"  # a typographic minus in running text, as the Danish style guide prints negative numbers


# The level metric of the page -> the stem of its change and contrast metrics (<stem>_change, <stem>_contrast).
STEMS = {"participation_rate": "participation", "hours_per_month": "hours_per_month"}


def _is_rate(metric: str) -> bool:
    return data.meta(metric).unit.startswith("rate")


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or pd.isna(x)


def _value(x, metric: str, lang: str, signed: bool) -> str:
    """A difference (a fraction for rates, shown in percentage points; hours as they are), one decimal."""
    v = float(x) * (100 if _is_rate(metric) else 1)
    text = numbers.signed(v, lang, 1) if signed else numbers.number(v, lang, 1)
    return text.replace("-", MINUS)


def sentence(row, metric: str, lang: str, compared: str, kind: str) -> str:
    """One difference in words: "+1,2 procentpoint siden 2017 (95 %-interval −0,9 til 3,3) · ikke en sikker ændring"."""
    if row["flag"] == "suppressed" or _missing(row["estimate"]):
        return f"{compared}: {t('diff_suppressed', lang)}"
    unit = t("pp" if _is_rate(metric) else "hours", lang)
    interval = t("diff_interval", lang, low=_value(row["ci_low"], metric, lang, False),
                 high=_value(row["ci_high"], metric, lang, False))
    verdict = t(f"{row['verdict']}_{kind}", lang)  # the verdict's words, shared with the report
    text = f"{_value(row['estimate'], metric, lang, True)} {unit} {compared} ({interval}) · {verdict}"
    return text + (f" · {t('diff_uncertain', lang)}" if row["flag"] == "uncertain" else "")


def _label(row, lang: str, prefix: str = "label") -> str:
    value = row.get(f"{prefix}_{'en' if lang == 'en' else 'da'}")
    return str(row["category"] if _missing(value) else value)


def _table(rows: list[dict], n_other: str) -> pd.DataFrame:
    """The rows behind the chart in the query layer's units and column names (group, compared_with, estimate, ci_low,
    ci_high, n, n_other = n_since or n_reference, flag, verdict, sentence): the panel shows it through
    present.people_table like every table (the metric's format, headings from the catalogue, '<5' for a small n,
    the flag as its reason), and the CSV holds it."""
    return pd.DataFrame([{"group": r["group"], "compared_with": r["compared_with"], "estimate": r["difference"],
                          "ci_low": r["ci_low"], "ci_high": r["ci_high"], "n": r["n"], n_other: r["n_other"],
                          "flag": r["flag"], "verdict": r["verdict_text"], "sentence": r["text"]} for r in rows],
                        columns=["group", "compared_with", "estimate", "ci_low", "ci_high", "n", n_other, "flag",
                                 "verdict", "sentence"])


def _figure(rows: list[dict], metric: str, lang: str, title_text: str) -> go.Figure:
    """Dots at each difference with 95 % whiskers, one colour per comparison; filled when reliable, hollow when not."""
    fig = charts.new_figure()
    scale = 100 if _is_rate(metric) else 1
    comparisons = list(dict.fromkeys(r["compared_with"] for r in rows))
    groups = list(dict.fromkeys(r["group"] for r in rows))
    # added last-first: plotly stacks a category's dots bottom-up, so the first comparison is drawn on top
    for i, comparison in reversed(list(enumerate(comparisons))):
        shown = [r for r in rows if r["compared_with"] == comparison and not _missing(r["difference"])]
        if not shown:
            continue
        fig.add_trace(go.Scatter(
            name=comparison,
            y=[charts.wrap_label(r["group"]) for r in shown],
            x=[r["difference"] * scale for r in shown],
            error_x={"type": "data", "symmetric": False,
                     "array": [(r["ci_high"] - r["difference"]) * scale for r in shown],
                     "arrayminus": [(r["difference"] - r["ci_low"]) * scale for r in shown]},
            mode="markers",
            orientation="h",
            marker={"size": 11, "color": charts.OKABE_ITO[i % len(charts.OKABE_ITO)],
                    "symbol": ["circle" if r["verdict"] == "reliable" else "circle-open" for r in shown],
                    "line": {"width": 2, "color": charts.OKABE_ITO[i % len(charts.OKABE_ITO)]}},
            text=[r["text"] for r in shown],
            hovertemplate="%{y}: %{text}<extra></extra>",
            legendgroup=comparison,
            showlegend=False,
        ))
        # the legend's entry: a filled dot in the comparison's colour (a data trace would show its first point's
        # symbol, an open circle when that difference is not reliable)
        fig.add_trace(go.Scatter(
            name=comparison, x=[None], y=[None], mode="markers", legendgroup=comparison, hoverinfo="skip",
            marker={"size": 11, "color": charts.OKABE_ITO[i % len(charts.OKABE_ITO)]},
        ))
    fig.add_vline(x=0, line_width=1, line_color="#555555")
    # the margins below (130 + 80) and a plot area of 34 px per dot, at least 100 px (one category: two dots)
    charts.base_layout(fig, lang, title_text, height=210 + max(100, 34 * len(groups) * len(comparisons)))
    # the legend under the title, from the left: two long entries wrap at phone width instead of covering the title
    fig.update_layout(title={"yref": "container", "y": 1, "yanchor": "top", "pad": {"t": 12}},
                      scattermode="group", scattergap=0.35, margin={"l": 60, "r": 20, "t": 130, "b": 80},
                      legend={"title": {"text": ""}, "traceorder": "reversed", "x": 0, "xanchor": "left",
                              "y": 1.0, "yanchor": "bottom"})
    fig.update_yaxes(categoryorder="array", categoryarray=[charts.wrap_label(g) for g in groups][::-1],
                     automargin=True)
    axis = t("axis_rate" if _is_rate(metric) else "axis_hours", lang)
    fig.update_xaxes(title_text=f"{axis}<br><span style='font-size:11px'>{t('legend_reliable', lang)}</span>",
                     zeroline=False)
    return fig


def change_rows(metric: str, year: int, by: str, lang: str) -> list[dict]:
    """Per category, the change since the previous wave and since the first wave (when that is another wave), both
    of the same survey series with the same definition as `year` (no change across a series break)."""
    name = f"{STEMS[metric]}_change"
    waves = [w for w in data.comparable_earlier(year) if w in data.waves(metric)]
    if not waves:
        return []
    rows = []
    for since in dict.fromkeys([waves[-1], waves[0]]):
        res = data.run(name, year=year, since=since, by=by)
        for _, r in res.data.iterrows():
            compared = t("change_since", lang, year=since)
            rows.append({"group": _label(r, lang), "compared_with": compared, "difference": r["estimate"],
                         "ci_low": r["ci_low"], "ci_high": r["ci_high"], "n": r["n"], "n_other": r["n_since"],
                         "flag": r["flag"], "verdict": r["verdict"], "verdict_text": _verdict(r["verdict"], lang),
                         "text": sentence(r, metric, lang, compared, "change")})
    return rows


def change_view(metric: str, year: int, by: str, lang: str) -> View:
    """The change of each category since the previous and the first wave, drawn and in words."""
    rows = change_rows(metric, year, by, lang)
    meta = data.meta(f"{STEMS[metric]}_change")
    title_text = f"{t('change_title', lang)}: {charts.title(data.meta(metric), lang)}, {year}"
    fig = _figure(rows, metric, lang, title_text) if rows else None
    return View(fig, _table(rows, "n_since"), meta, _note(rows) or t("no_comparable_wave", lang, year=year))


def _verdict(verdict, lang: str) -> str:
    """The verdict in a table cell: 'sikker' / 'ikke sikker' (empty when the difference is not shown)."""
    return "" if _missing(verdict) else t(f"verdict_{verdict}", lang)


def _note(rows: list[dict]) -> str:
    """Every difference in words, one category after the other."""
    by_group: dict[str, list[str]] = {}
    for r in rows:
        by_group.setdefault(r["group"], []).append(r["text"])
    return " ▪ ".join(f"{group}: " + "; ".join(texts) for group, texts in by_group.items())


def contrast_breakdown(metric: str, by: str) -> str:
    """The breakdown the contrast panel shows for the page's breakdown: itself, or for 'total' (nothing to contrast)
    the contrast metric's default (gender)."""
    meta = data.meta(f"{STEMS[metric]}_contrast")
    return by if by in meta.dimensions else meta.default_by


def reference_codes(metric: str, by: str) -> list[str]:
    """The categories a contrast can take as its reference: the codes of the breakdown (the query layer's whitelist,
    in label order) that the survey has in some wave (not the 0-15 year-olds of the label file)."""
    def compute() -> list[str]:
        present = set(data.run(metric, by=by).data["category"].astype(str))
        return [code for code in codes(by) if code in present]

    return data.derived(f"reference_codes\n{metric}\n{by}", compute)


def reference_options(metric: str, dimensions: list[str], lang: str) -> dict[str, list[tuple[str, str]]]:
    """For each breakdown of the page, the reference categories the contrast panel offers, (label, code): those of the
    breakdown it shows (gender for 'total')."""
    out = {}
    for by in dimensions:
        shown = contrast_breakdown(metric, by)
        out[by] = [(label(shown, code, lang), code) for code in reference_codes(metric, shown)]
    return out


def contrast_rows(metric: str, year: int, by: str, lang: str, reference: str | None = None) -> list[dict]:
    """Per category, the difference from the whole population and from the reference category (None or a code not of
    this breakdown: its first category)."""
    name = f"{STEMS[metric]}_contrast"
    rows = []
    everyone = data.run(name, year=year, by=by, reference="all").data
    against_all = t("against_all" if _is_rate(metric) else "against_all_volunteers", lang)
    categories = reference_codes(metric, by)
    chosen = reference if reference in categories else (categories[0] if categories else None)
    for reference in ("all", chosen):
        if reference is None:
            continue
        res = everyone if reference == "all" else data.run(name, year=year, by=by, reference=reference).data
        for _, r in res.iterrows():
            compared = (against_all if reference == "all"
                        else t("against", lang, label=_label(r, lang, "reference_label")))
            rows.append({"group": _label(r, lang), "compared_with": compared, "difference": r["estimate"],
                         "ci_low": r["ci_low"], "ci_high": r["ci_high"], "n": r["n"], "n_other": r["n_reference"],
                         "flag": r["flag"], "verdict": r["verdict"], "verdict_text": _verdict(r["verdict"], lang),
                         "text": sentence(r, metric, lang, compared, "difference")})
    return rows


def contrast_view(metric: str, year: int, by: str, lang: str, reference: str | None = None) -> View:
    """Each category against the whole population and against the reference category (default the breakdown's
    first; total: by gender)."""
    meta = data.meta(f"{STEMS[metric]}_contrast")
    note = ""
    if by != contrast_breakdown(metric, by):  # 'total' has nothing to contrast: show the metric's default breakdown
        by = contrast_breakdown(metric, by)
        note = t("total_note", lang, dimension=dimension_title(by, lang).lower())
    rows = contrast_rows(metric, year, by, lang, reference)
    title_text = (f"{t('contrast_title', lang)}: {charts.title(data.meta(metric), lang)}, "
                  f"{dimension_title(by, lang).lower()}, {year}")
    fig = _figure(rows, metric, lang, title_text) if rows else None
    return View(fig, _table(rows, "n_reference"), meta, " ".join(x for x in (note, _note(rows)) if x))
