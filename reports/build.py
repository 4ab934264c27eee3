"""Build the annual report: query layer -> dashboard chart functions -> SVG -> Jinja template -> HTML -> PDF.

Every number comes from `queries.run` and every chart from the dashboards' chart module; this module only
selects, formats and lays out. `content.py` says which metrics and charts make up the report. The charts are
drawn once by plotly.js in headless Chromium and embedded as static SVG with their text summary as alternative
text, so the HTML carries no plotly.js and reflows on a phone; the PDF is printed from that same HTML.
"""
from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import pathlib
import re
import time

import jinja2
import plotly.offline

from views import data as view_data
from views import present
from reports import captions, content, fmt
from reports.pdf import Chromium, PdfError, add_metadata, pdf_structure
from reports.text import METHODS, TEXT

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_OUT = REPO / "reports"

# Charts are drawn at a fixed size so that screen and print agree and nothing is cut at the page edge
# (A4 minus 15 mm margins is 180 mm; 600 px at 96 dpi is 159 mm).
CHART_WIDTH_PX = 600
CHART_HEIGHT_PX = 340
# The dashboards' charts are sized for a screen (420 px); at 80 % two figures with captions fit on an A4 page.
CHART_SCALE = 0.8


class NoWaveError(Exception):
    """The requested year has no survey wave in the warehouse."""


@dataclasses.dataclass
class BuildResult:
    html: pathlib.Path
    pdf: pathlib.Path | None
    seconds: float
    figures: int
    tables: int
    warnings: list[str] = dataclasses.field(default_factory=list)


def figure_spec(fig) -> str:
    """The plotly figure as JSON text {data, layout} at the fixed print size, for drawing to SVG."""
    height = fig.layout.height or CHART_HEIGHT_PX
    if fig.layout.yaxis.scaleanchor is None:
        height = round(height * CHART_SCALE)
    # The numbered caption above the chart carries the title; the chart's own title would repeat it.
    # Without the title the top margin only needs room for a legend above the plot.
    fig.update_layout(title_text="", width=CHART_WIDTH_PX, height=height, autosize=False,
                      margin={"t": min(fig.layout.margin.t or 40, 40)})
    return fig.to_json()


_LONG_DECIMAL = re.compile(r"(?<![\d.])-?\d+\.\d{3,}")


def compact_svg(svg: str) -> str:
    """The SVG with every number of more than two decimals rounded to two: plotly writes the map's boundary paths
    with 14 decimals (a third of the report's bytes per map), and a hundredth of a pixel is finer than print."""
    return _LONG_DECIMAL.sub(lambda m: f"{float(m.group()):.2f}", svg)


def svg_data_uri(svg: str) -> str:
    """An SVG as a data: URI for <img src>: base64, so no character of the SVG can end the attribute."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def render_html(context: dict) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                             autoescape=jinja2.select_autoescape(["html", "j2"]),
                             undefined=jinja2.StrictUndefined)
    css = (HERE / "templates" / "report.css").read_text(encoding="utf-8")
    return env.get_template("report.html.j2").render(css=css, **context)


def output_paths(out_dir: pathlib.Path, year: int, lang: str) -> tuple[pathlib.Path, pathlib.Path]:
    """reports/<year>/frivilligrapport-<year>.<lang>.html and .pdf: each language has its own files."""
    stem = f"frivilligrapport-{year}.{lang}"
    return out_dir / f"{stem}.html", out_dir / f"{stem}.pdf"


def build(year: int | None, lang: str = "da", db: str | pathlib.Path | None = None,
          out: str | pathlib.Path | None = None, pdf: bool = True) -> BuildResult:
    """Render reports/<year>/frivilligrapport-<year>.<lang>.html (and .pdf); year None: the latest survey wave in
    the warehouse. NoWaveError for a year without a wave."""
    return build_languages(year, [lang], db=db, out=out, pdf=pdf)[0]


def build_languages(year: int | None, langs: list[str], db: str | pathlib.Path | None = None,
                    out: str | pathlib.Path | None = None, pdf: bool = True) -> list[BuildResult]:
    """`build` for each language in turn, sharing the warehouse's query results and one Chromium.

    Each language's files are exactly those its own `build` writes; they are renamed into place as soon as that
    language is finished, so a failure in a later language leaves the earlier ones built.
    """
    for lang in langs:
        if lang not in TEXT:
            raise ValueError(f"unknown report language {lang!r}: use one of {', '.join(TEXT)}")
    source = content.Source(db=db)
    years = source.survey_years()
    if year is None:
        if not years:
            raise NoWaveError("the warehouse has no survey wave")
        year = years[-1]
    if year not in years:
        raise NoWaveError(TEXT[langs[0]]["no_wave"].format(year=year, db=source.db_label,
                                                          years=", ".join(str(y) for y in years) or "-"))
    out_dir = pathlib.Path(out) if out else DEFAULT_OUT / str(year)
    results = []
    with Chromium() as browser:
        for lang in langs:
            results.append(_build_one(browser, source.in_language(lang), year, lang, out_dir, pdf))
    return results


def _build_one(browser: Chromium, source: content.Source, year: int, lang: str, out_dir: pathlib.Path,
               pdf: bool) -> BuildResult:
    started = time.perf_counter()
    # The dashboards' panels draw the figures: they read the report's warehouse, so every number comes from one file.
    with view_data.using(source.db):
        context, items = _content(source, year, lang)
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path, pdf_path = output_paths(out_dir, year, lang)
    # Everything is written beside the targets first and renamed over them only when the whole build succeeded.
    tmp_html = out_dir / f".{html_path.name}.tmp.html"
    tmp_pdf = out_dir / f".{pdf_path.name}.tmp.pdf"
    warnings: list[str] = []
    try:
        figures = [i for i in items if i.kind == "figure"]
        svgs = browser.svgs([figure_spec(i.fig) for i in figures], plotly.offline.get_plotlyjs())
        for item, svg in zip(figures, svgs):
            item.svg = svg_data_uri(compact_svg(svg))
        context["pages"] = {}
        tmp_html.write_text(render_html(context), encoding="utf-8")
        if pdf:
            warnings = _print_with_page_numbers(browser, context, tmp_html, tmp_pdf,
                                                TEXT[lang]["title"].format(year=year))
            add_metadata(tmp_pdf, title=TEXT[lang]["title"].format(year=year), lang=lang,
                         subject=TEXT[lang]["subtitle"], publisher=TEXT[lang]["publisher"])
        tmp_html.replace(html_path)
        if pdf:
            tmp_pdf.replace(pdf_path)
    finally:
        for tmp in (tmp_html, tmp_pdf):
            tmp.unlink(missing_ok=True)
    return BuildResult(html=html_path, pdf=pdf_path if pdf else None, seconds=time.perf_counter() - started,
                       figures=sum(i.kind == "figure" for i in items),
                       tables=sum(i.kind == "table" for i in items), warnings=warnings)


def _print_with_page_numbers(browser: Chromium, context: dict, html: pathlib.Path, pdf: pathlib.Path,
                             footer: str) -> list[str]:
    """Print, read from the PDF's outline the page each contents entry starts on, fill the numbers in, print again.

    The contents page then shows the pages the PDF itself links to; repeated until the numbers no longer move.
    """
    # Chromium's outline titles drop the space where a heading wraps: compare the texts without whitespace.
    headings = {re.sub(r"\s+", "", text): anchor for anchor, text in context["toc_headings"]}
    for _ in range(4):
        warnings = browser.print_pdf(html, pdf, footer)
        found: dict[str, int] = {}
        for _depth, title, page in pdf_structure(pdf).outline:
            key = re.sub(r"\s+", "", title)
            if key in headings and headings[key] not in found:
                found[headings[key]] = page
        missing = [a for a in headings.values() if a not in found]
        if missing:
            raise PdfError(f"the PDF outline lacks the headings of {missing[:5]}")
        if found == context["pages"]:
            return warnings
        context["pages"] = found
        html.write_text(render_html(context), encoding="utf-8")
    raise PdfError("the contents page numbers did not settle after 4 prints")


def _content(source: content.Source, year: int, lang: str) -> tuple[dict, list]:
    """The template context (everything but the figures' SVG and the page numbers) and the numbered items."""
    t = TEXT[lang]
    report = content.Report(source, year)
    chapters = report.chapters()
    appendix = report.appendix()
    items = [i for ch in chapters for i in ch.items] + appendix
    for item in items:
        if item.kind == "figure":
            item.alt = captions.chart_summary(item.fig, lang)

    build_info = source.build_info()
    demo = build_info.get("data_kind") == "demo"
    previous = report.previous_year
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    # Every heading the contents page lists, as the heading prints (the PDF outline repeats it): anchor, text.
    toc_headings = [("summary", t["summary"])]
    for n, ch in enumerate(chapters, 1):
        toc_headings.append((ch.anchor, f"{n}. {ch.title}"))
        toc_headings += [(i.anchor, f"{i.label}. {i.title}") for i in ch.items]
    toc_headings += [("methods", t["methods"]), ("appendix", t["appendix"]), ("sources", t["sources"])]
    context = dict(
        lang=lang, year=year, t=t, data_kind=build_info.get("data_kind", "unknown"),
        banner=t["banner"] if demo else None,
        colophon=t["built"].format(built=now, warehouse_built=build_info.get("built_at", "?")),
        summary_intro=(t["summary_intro"].format(year=year, previous=previous) if previous
                       else t["summary_intro_first"].format(year=year)),
        summary_change_head=t["change"],
        key_figures=report.key_figures(), summary_notes=report.summary_notes,
        chapters=chapters, appendix=appendix, toc_headings=toc_headings,
        methods=[(h, [i.replace(" %", fmt.NBSP + "%") for i in present.methods_items(lang)] if ps is None
                  else [p.format(year=year) for p in ps])
                 for h, ps in METHODS[lang]],
        data_sources=report.data_sources(), published_sources=report.published_sources(),
    )
    return context, items
