"""The presentation layer: how a figure is written for people, in Danish or English. No widgets, no plotly.

The dashboards (through `views.html`, `charts`, `survey`, `municipal`) and the annual report (`reports/`) import
this module for each metric's presentation metadata (`queries/<metric>.yml`: plain-language definition, short unit, format, decimals,
value range, source document), the survey thresholds (read from the query layer, whose SQL applies them), the
methods text, captions, headline sentences and the CSV/XLSX exports. Importing it does not import ipywidgets.
"""
from __future__ import annotations

import html
import io
import math
import re
from dataclasses import dataclass

import queries

from .labels import column_title, label, pick, t
from .numbers import (NBSP, SMALL_COUNT, count, interval, missing, number, percent, points, rounded, signed,
                      step_for)
from queries.lazy import lazy

pd = lazy("pandas")


@dataclass
class View:
    """What a panel function returns: the figure, the table behind it and the metric it shows."""
    fig: object
    table: pd.DataFrame
    meta: object
    note: str = ""
    summary: str = ""  # one or two sentences saying what the chart shows (its text alternative)
    filename: str = ""  # file name stem for downloads, e.g. frivillige-andel-2021-koen
    info_html: str = ""  # what the page shows under the chart (definition, CSV links, the table folded), built once
    years: list | None = None  # the years the table covers (for the source line of downloads), set with info_html


# -- a metric's figure under another column or year ---------------------------------------------------------------

def pick_year(years: list[int], year: int | None, lang: str) -> tuple[int, str]:
    """The requested year when the metric has it, else the closest earlier one (or the latest), with a note."""
    if year in years or not years:
        return year, ""
    if year is None:  # no year asked for: the latest, nothing to explain
        return years[-1], ""
    earlier = [y for y in years if year is not None and y <= year]
    chosen = earlier[-1] if earlier else years[-1]
    return chosen, t("year_fallback", lang, year=year, shown=chosen)


class ColumnMeta:
    """The metric's metadata with `estimate` documented as the chosen value column (for formatting)."""

    def __init__(self, meta, column: str):
        self._meta = meta
        doc = next((c for c in meta.columns if c.name == column), None)
        keep = tuple(c for c in meta.columns if c.name != "estimate")
        self.columns = keep + ((type(doc)("estimate", doc.type, doc.doc),) if doc else ())

    def __getattr__(self, name):
        return getattr(self._meta, name)


def column_meta(meta, column: str):
    return ColumnMeta(meta, column)


def as_fraction(meta):
    return ColumnMeta(meta, "share")


def pp(delta, lang: str = "da", decimals: int = 1) -> str:
    """A change of a fraction in percentage points: 0.012 -> '+1,2 procentpoint'; '' when missing."""
    if missing(delta):
        return ""
    return signed(100 * float(delta), lang, decimals) + NBSP + t("pp", lang)


def yes_no(x, lang: str = "da") -> str:
    if x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)):
        return ""
    return t("yes", lang) if bool(x) else t("no", lang)


# -- metric metadata ----------------------------------------------------------------------------------------------

def pres(metric) -> queries.Presentation:
    """The presentation metadata of a metric (a name or a Metric)."""
    return queries.presentation(metric if isinstance(metric, str) else metric.name)


def thresholds() -> dict[str, int]:
    """min_n_shown and min_n_reliable as the query layer applies them."""
    return queries.survey_thresholds()


def value_text(x, metric, lang: str = "da", *, column: str | None = None, decimals: int | None = None) -> str:
    """A value of the metric (or of one of its result columns) as displayed: its format and decimals."""
    fmt, dec = column_format(metric, column)
    dec = dec if decimals is None else decimals
    if fmt == "percent":
        return percent(x, lang, dec)
    if fmt == "points":
        return points(x, lang, dec)
    if fmt == "number":
        return number(x, lang, dec)
    return "" if missing(x) and not isinstance(x, str) else str(x)


def total_step(metric, se) -> float | None:
    """The rounding step of a survey total (a number of people, hours or full-time equivalents: format number
    without decimals, with a standard error): the power of ten its SE supports (step_for), so that a chart, its
    table, the headline and the report all say 166.000, not 165.972. None for every other figure."""
    p = pres(metric)
    if p.format == "number" and p.decimals == 0 and not missing(se):
        return step_for(se)
    return None


def estimate_texts(est, low, high, se, metric, lang: str = "da", *, decimals: int | None = None) -> tuple[str, str]:
    """(value, 95 % interval) of one estimate as displayed everywhere: the metric's format and decimals, a survey
    total rounded by total_step."""
    step = total_step(metric, se)
    if step is not None:
        iv = "" if missing(low) or missing(high) else rounded(low, step, lang) + "-" + rounded(high, step, lang)
        return rounded(est, step, lang), iv
    p = pres(metric)
    dec = p.decimals if decimals is None else decimals
    return (value_text(est, metric, lang, column=p.value, decimals=dec),
            interval(low, high, lang, fmt=p.format, decimals=dec))


def column_format(metric, column: str | None) -> tuple[str, int]:
    """(format, decimals) of a result column: the metric's value format for its figure and its interval, the
    column's own entry in the YAML otherwise; survey n and years as integers."""
    p = pres(metric)
    if column in (None, "estimate", "ci_low", "ci_high", "published", p.value):
        spec = p.columns.get(column or "", {}) if column not in (None, "estimate", "ci_low", "ci_high", "published") else {}
        return spec.get("format", p.format), spec.get("decimals", p.decimals)
    if column == "se":  # one decimal more than the figure; none for a whole-number total (5.291, not 5.291,0)
        return p.format, p.decimals + 1 if p.format == "percent" or p.decimals else 0
    if column in p.columns:
        spec = p.columns[column]
        return spec.get("format", "number"), spec.get("decimals", 0)
    return "number", 0


def column_heading(column: str, metric, lang: str = "da") -> str:
    """A result column's heading for people: the metric's YAML, else the common headings in labels.py."""
    p = pres(metric)
    spec = p.columns.get(column)
    if spec:
        return spec["en" if lang == "en" else "da"]
    if column in ("estimate", "published"):
        base = t("ours" if column == "estimate" else "published", lang)
        return f"{base} ({p.text('unit', lang)})"
    return column_title(column, lang)


def definition(metric, lang: str = "da") -> str:
    """The plain-language definition (for people without statistics training)."""
    return pres(metric).text("definition", lang)


def method(metric, lang: str = "da") -> str:
    """The technical method (estimator, design, R equivalents): the SQL header's `method`."""
    meta = queries.load_metric(metric) if isinstance(metric, str) else metric
    return meta.method_for(lang)


def unit(metric, lang: str = "da") -> str:
    return pres(metric).text("unit", lang)


def source(metric, lang: str = "da", *, years=None, demo: bool | None = None) -> str:
    """The source as a document: 'Frivilligundersøgelsen 2012, syntetiske demodata'."""
    text = pres(metric).text("source", lang)
    if years:
        ys = sorted({int(y) for y in years})
        text += " " + (str(ys[0]) if len(ys) == 1 else f"{ys[0]}-{ys[-1]}")
    if demo:
        text += ", " + t("demo_short", lang)
    return text


def caption(metric, lang: str = "da") -> str:
    """The caption of a figure of this metric in the report and under a chart: the plain definition."""
    return definition(metric, lang)


def headline(metric, row, lang: str = "da") -> tuple[str, str]:
    """(value text, sentence) of a metric's headline figure from one result row; the sentence has the value at
    '{value}' so a page can set it large. Percentages without decimals, as people quote them."""
    p = pres(metric)
    template = p.text("headline", lang)
    if not template:
        raise ValueError(f"queries/{p.name}.yml has no headline_{lang}")
    dec = 0 if p.format == "percent" else p.decimals
    value, iv = estimate_texts(row[p.value], row.get("ci_low"), row.get("ci_high"), row.get("se"), metric, lang,
                               decimals=dec)
    sentence = template.format(value="{value}", year=int(row["year"]) if "year" in row else "", interval=iv,
                               name=row.get("municipality_name") or "")
    return value, sentence


@dataclass
class Headline:
    """One headline figure as a page sets it: the large number and its unit (none for a percentage), the plain
    sentence with '{value}' where the number stands (set in bold) and a key naming it (the metric, for tests)."""
    key: str
    big: str
    unit: str
    sentence: str
    value: str


def headline_item(metric, row, lang: str = "da") -> Headline:
    """The headline figure of a metric's result row (its YAML sentence, see `headline`)."""
    value, sentence = headline(metric, row, lang)
    p = pres(metric)
    return Headline(p.name, value, "" if p.format == "percent" else p.text("unit", lang), sentence, value)


def headline_value(x, metric, lang: str = "da", *, column: str | None = None) -> str:
    """A metric's figure as a headline quotes it: percentages without decimals, other figures as displayed."""
    p = pres(metric)
    fmt, dec = column_format(metric, column or p.value)
    return value_text(x, metric, lang, column=column or p.value, decimals=0 if fmt == "percent" else dec)


def headline_unit(metric, lang: str = "da", *, column: str | None = None) -> str:
    """The unit beside a headline's large number: the metric's short unit, none for a percentage."""
    p = pres(metric)
    return "" if column_format(metric, column or p.value)[0] == "percent" else p.text("unit", lang)


def hover_estimate(est, low, high, n, metric, lang: str = "da", se=None) -> str:
    """'40,0 % (38,8-41,1 %) · 8.878 svar' (what a tooltip says about one estimate)."""
    value, iv = estimate_texts(est, low, high, se, metric, lang)
    parts = [value]
    if iv:
        parts.append(f"({iv})")
    text = " ".join(parts)
    if not missing(n):
        text += f" · {number(n, lang)} {t('responses', lang)}"
    return text


# -- the methods text (Om data and the report) ---------------------------------------------------------------------

def methods_items(lang: str = "da") -> list[str]:
    """The methods as a list of HTML sentences (one home: Om data shows them, the report may too)."""
    th = thresholds()
    hours = queries.load_metric("fte").param("hours_per_fte").default
    return [pick(pair, lang).format(shown=th["min_n_shown"], reliable=th["min_n_reliable"],
                                    reliable_1=th["min_n_reliable"] - 1, hours=number(hours, lang),
                                    small=html.escape(SMALL_COUNT))
            for pair in _METHODS]


_METHODS = [
    ("Hver bølge af frivilligundersøgelsen er sit eget vægtede design; andele er vægtede gennemsnit, og "
     "standardfejlen er beregnet ved linearisering som i R-pakken <code>survey</code> "
     "(<code>svydesign(ids = ~1, weights = ~weight)</code>, <code>svyby</code> for opdelinger). "
     "95 %-intervallet er estimat ± 1,96 × standardfejl, afgrænset til 0-100 %.",
     "Each wave of the volunteer survey is its own weighted design; shares are weighted means and the standard "
     "error is linearisation as in the R package <code>survey</code> (<code>svydesign(ids = ~1, weights = ~weight)"
     "</code>, <code>svyby</code> for breakdowns). The 95% interval is estimate ± 1.96 × standard error, clipped to "
     "0-100%."),
    ("Under {shown} svar i en gruppe: tallet vises ikke (“for få svar”). {shown}-{reliable_1} svar: vist, men "
     "markeret som usikkert (skraveret søjle).",
     "Fewer than {shown} responses in a group: not shown (“too few responses”). {shown}-{reliable_1} responses: "
     "shown but marked uncertain (hatched bar)."),
    ("Antal personer på 1-4 vises som “{small}”. Tællinger af offentlige administrative forhold (kommuner, "
     "§18-ansøgninger, samarbejdsaftaler) vises præcist: de handler ikke om enkeltpersoner.",
     "Counts of 1-4 persons are shown as “{small}”. Counts of public administrative records (municipalities, "
     "§18 applications, cooperation agreements) are shown exactly: they are not about individuals."),
    ("Antal frivillige = andel × befolkningen 16+ det år. Fuldtidsstillinger = timer i alt / {hours} timer "
     "(37 timer × 52 uger).",
     "Number of volunteers = share × population 16+ that year. Full-time equivalents = total hours / {hours} hours "
     "(37 hours × 52 weeks)."),
    ("Rammescoren tæller, hvor mange af syv rammeelementer en kommune har (frivilligpolitik, frivilligråd, "
     "strategi for aktivt medborgerskab, organiserer selv frivillige, frivilligcenter, foreningsvejviser, "
     "frivilligkonsulent). Kommuner, der ikke svarede, har ingen score.",
     "The framework score counts how many of seven framework elements a municipality has. Municipalities that "
     "did not answer have no score."),
    ("§18-tilskud pr. indbygger = bevilget / indbyggere i alt; udbetalingsgrad = bevilget / budget.",
     "§18 grants per inhabitant = granted / all inhabitants; payout ratio = granted / budget."),
    ("Alle tal beregnes af de samme forespørgsler; dashboards og årsrapport viser de samme tal.",
     "Every figure is computed by the same queries; the dashboards and the annual report show the same figures."),
]


def methods_html(lang: str = "da") -> str:
    return (f"<h2>{'Methods' if lang == 'en' else 'Metode'}</h2><ul>"
            + "".join(f"<li>{item}</li>" for item in methods_items(lang)) + "</ul>")


# -- tables and downloads -----------------------------------------------------------------------------------------

def _is_count_column(col: str, series: pd.Series) -> bool:
    """A column written as a whole number: n and the n of a comparison's other side (n_since, n_reference), or
    integers (which counts are persons, under the small-count rule, the metric's YAML says: person_counts)."""
    return col == "n" or col.startswith("n_") or pd.api.types.is_integer_dtype(series)


def people_table(df: pd.DataFrame, metric, lang: str = "da", *, rounded: bool = True,
                 label_column: str | None = None) -> pd.DataFrame:
    """The table behind a chart for people: Danish (or English) headings from the metric's metadata, category
    labels instead of codes, values rounded as displayed (text) or unrounded (numbers), reasons instead of flags,
    yes/no instead of True/False. Helper columns (label_*, dimension, small_count) are left out, and the design effect
    and effective n (deff, n_eff) from the rounded table: they are in the unrounded one, for researchers."""
    out: dict[str, object] = {}  # the columns, made a frame once (adding them one at a time cost 0.1 ms each)
    reason = {"ok": "", "uncertain": t("uncertain_reason", lang), "suppressed": t("suppressed_reason", lang),
              "model": t("model_estimate", lang), "synthetic": t("synthetic_estimate", lang)}
    persons = set(pres(metric).person_counts)
    steps = [total_step(metric, se) for se in df["se"]] if "se" in df.columns else []  # survey totals
    for col in df.columns:
        if col in ("label_da", "label_en", "dimension", "small_count") or col.endswith("_label_en" if lang != "en"
                                                                                      else "_label_da"):
            continue
        if rounded and col in ("deff", "n_eff"):
            continue
        series = df[col]
        head = column_heading(col, metric, lang)
        if col == "category":
            if "dimension" in df.columns or "label_da" in df.columns:
                out[t("category", lang)] = _category_labels(df, lang)
            else:
                out[head] = series.astype("string").fillna("")
            continue
        if col in ("flag", "direct_flag"):
            out[head] = [reason.get(str(v), str(v)) for v in series]
            continue
        if col in ("target_group", "area", "form", "sector") and series.dtype == object:
            out[head] = [label(col, v, lang) for v in series]
            continue
        fmt, dec = column_format(metric, col)
        if col in ("year", "municipality_code", "start_year", "end_year", "region_code", "landsdel_code"):
            out[head] = series.astype("string").fillna("")
        elif pd.api.types.is_bool_dtype(series) or fmt == "yesno":
            out[head] = [yes_no(v, lang) for v in series]
        elif not pd.api.types.is_numeric_dtype(series) or fmt in ("text", "label"):
            out[head] = series.astype("string").fillna("")
        elif not rounded:
            out[head] = series
        elif col in persons:
            # the query layer nulls a count of persons of 1-4 by its small-count rule; a row without a survey flag
            # (a published figure that is not from the survey) has no respondents to count: left empty
            surveyed = df["flag"].notna() if "flag" in df.columns else pd.Series(True, index=df.index)
            out[head] = [count(v, lang, small=pd.isna(v) and bool(f)) for v, f in zip(series, surveyed)]
        elif _is_count_column(col, series) and fmt == "number":
            out[head] = [count(v, lang) for v in series]
        elif col in ("estimate", "ci_low", "ci_high") and any(steps):
            # a survey total: rounded to what its standard error supports, as the chart and the headline say it
            out[head] = [estimate_texts(v, None, None, se, metric, lang, decimals=dec)[0]
                         for v, se in zip(series, df["se"])]
        elif fmt == "percent":
            out[head] = [percent(v, lang, dec) for v in series]
        elif fmt == "points":
            out[head] = [points(v, lang, dec) for v in series]
        else:
            out[head] = [number(v, lang, dec) for v in series]
    return pd.DataFrame(out, index=df.index).reset_index(drop=True)


def _category_labels(df: pd.DataFrame, lang: str) -> list[str]:
    col = "label_en" if lang == "en" else "label_da"
    out = []
    for i, row in df.iterrows():
        text = row.get(col) if col in df.columns else None
        if text is None or (isinstance(text, float) and math.isnan(text)) or text is pd.NA:
            text = label(str(row.get("dimension", "")), row["category"], lang)
        out.append(str(text))
    return out


def source_line(metric, lang: str, *, years=None, demo: bool = False) -> str:
    """The first line of a download: source, year and the demo warning."""
    line = f"{t('source', lang)}: {source(metric, lang, years=years)}"
    if demo:
        line += ". " + label("data_kind", "demo", lang)
    return line


def csv_text(df: pd.DataFrame, metric, lang: str = "da", *, rounded: bool = True, demo: bool = False,
             years=None, shown: pd.DataFrame | None = None, provenance: dict[str, str] | None = None) -> str:
    """CSV for people: a '# Kilde: ...' first line (source, year, demo warning, then the provenance of
    queries/provenance.py when given), headings in the page language, values rounded as displayed (or unrounded for
    researchers). Danish: ';' and decimal comma (Danish Excel). `shown`: people_table(df, metric, lang) when the
    caller has it already (the page shows the same table)."""
    table = shown if rounded and shown is not None else people_table(df, metric, lang, rounded=rounded)
    head = "# " + source_line(metric, lang, years=years, demo=demo)
    if provenance:
        from queries.provenance import line

        head += " | " + line(provenance)
    head += "\n"
    if lang == "en":
        return head + table.to_csv(index=False)
    return head + table.to_csv(index=False, sep=";", decimal=",")


def xlsx_bytes(df: pd.DataFrame, metric, lang: str = "da", *, demo: bool = False, years=None,
               provenance: dict[str, str] | None = None) -> bytes:
    """An XLSX workbook: sheet 1 rounded as displayed (source line on top), sheet 2 the unrounded values, sheet 3
    the provenance (queries/provenance.py), one key and value a row, when given."""
    from openpyxl import Workbook

    wb = Workbook()
    first = True
    for rounded, name in ((True, t("sheet_shown", lang)), (False, t("sheet_exact", lang))):
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = name[:31]
        ws.append([source_line(metric, lang, years=years, demo=demo)])
        table = people_table(df, metric, lang, rounded=rounded)
        ws.append(list(table.columns))
        for row in table.itertuples(index=False):
            ws.append([None if (v is pd.NA or (isinstance(v, float) and math.isnan(v))) else
                       (v.item() if hasattr(v, "item") else v) for v in row])
    if provenance:
        ws = wb.create_sheet(t("sheet_provenance", lang))
        for key, value in provenance.items():
            ws.append([key, value])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


_SLUG_MAP = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e", "§": ""})


def slug(*parts) -> str:
    """A file-name stem from words: ('Frivillige', 'andel', 2021, 'Køn') -> 'frivillige-andel-2021-koen'."""
    text = "-".join(str(p) for p in parts if p not in (None, "", "total"))
    text = text.lower().translate(_SLUG_MAP)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "tabel"
