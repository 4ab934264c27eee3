"""Build the annual report: query layer -> dashboard chart functions -> Jinja template -> HTML -> PDF.

Every number comes from `queries.run` and every chart from the dashboards' chart module; this module only
selects, formats and lays out. `content.py` says which metrics and charts make up the report.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import pathlib
import time

import jinja2
import plotly.offline

from dashboards import data as dashboard_data
from reports import content, fmt
from reports.text import METHODS, TEXT

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_OUT = REPO / "reports"

# Charts are drawn at a fixed size so that screen and print agree and nothing is cut at the page edge
# (A4 minus 15 mm margins is 180 mm; 600 px at 96 dpi is 159 mm).
CHART_WIDTH_PX = 600
CHART_HEIGHT_PX = 340
# The dashboards' charts are sized for a screen (420 px); at 80 % two figures with captions fit on an A4 page.
# Maps keep their height: their tiles have a fixed size in pixels.
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


def figure_json(fig, lang: str) -> str:
    """The plotly figure as JSON for the page, at the fixed print size, safe inside a <script> element."""
    height = fig.layout.height or CHART_HEIGHT_PX
    if fig.layout.yaxis.scaleanchor is None:
        height = round(height * CHART_SCALE)
    # The numbered caption above the chart carries the title; the chart's own title would repeat it.
    # Without the title the top margin only needs room for a legend above the plot.
    fig.update_layout(title_text="", width=CHART_WIDTH_PX, height=height, autosize=False,
                      margin={"t": min(fig.layout.margin.t or 40, 40)})
    return fig.to_json().replace("</", "<\\/")


def render_html(context: dict) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                             autoescape=jinja2.select_autoescape(["html", "j2"]),
                             undefined=jinja2.StrictUndefined)
    css = (HERE / "templates" / "report.css").read_text(encoding="utf-8")
    # plotly.js inlined once in <head>: the file opens offline and every figure reuses it.
    return env.get_template("report.html.j2").render(css=css, plotlyjs=plotly.offline.get_plotlyjs(), **context)


def build(year: int, lang: str = "da", db: str | pathlib.Path | None = None,
          out: str | pathlib.Path | None = None, pdf: bool = True) -> BuildResult:
    """Render reports/<year>/frivilligrapport-<year>.html (and .pdf); raise NoWaveError for a year without a wave."""
    started = time.perf_counter()
    source = content.Source(db=db, lang=lang)
    # The dashboards' panels draw the figures: they read the report's warehouse, so every number comes from one file.
    with dashboard_data.using(source.db):
        return _build(source, year, lang, out, pdf, started)


def _build(source: content.Source, year: int, lang: str, out, pdf: bool, started: float) -> BuildResult:
    t = TEXT[lang]
    years = source.survey_years()
    if year not in years:
        raise NoWaveError(t["no_wave"].format(year=year, db=source.db_label,
                                              years=", ".join(str(y) for y in years) or "-"))
    report = content.Report(source, year)
    chapters = report.chapters()
    appendix = report.appendix()
    items = [i for ch in chapters for i in ch.items] + appendix
    for item in items:
        if item.kind == "figure":
            item.json = figure_json(item.fig, lang)

    build_info = source.build_info()
    demo = build_info.get("data_kind") == "demo"
    previous = report.previous_year
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    context = dict(
        lang=lang, year=year, t=t, data_kind=build_info.get("data_kind", "unknown"),
        banner=t["banner"] if demo else None,
        colophon=t["built"].format(built=now, warehouse_built=build_info.get("built_at", "?")),
        summary_intro=(t["summary_intro"].format(year=year, previous=previous) if previous
                       else t["summary_intro_first"].format(year=year)),
        summary_change_head=t["change"],
        key_figures=report.key_figures(),
        chapters=chapters, appendix=appendix,
        methods=[(h, [p.format(year=year, hours_per_fte=fmt.number(report.hours_per_fte, 0, lang)) for p in ps])
                 for h, ps in METHODS[lang]],
        data_sources=report.data_sources(), published_sources=report.published_sources(),
    )
    out_dir = pathlib.Path(out) if out else DEFAULT_OUT / str(year)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"frivilligrapport-{year}"
    html_path = out_dir / f"{stem}.html"
    tmp = html_path.with_suffix(".html.tmp")
    tmp.write_text(render_html(context), encoding="utf-8")
    tmp.replace(html_path)

    pdf_path = None
    warnings: list[str] = []
    if pdf:
        from reports.pdf import print_pdf

        pdf_path = out_dir / f"{stem}.pdf"
        tmp_pdf = out_dir / f".{stem}.pdf.tmp"
        warnings = print_pdf(html_path, tmp_pdf, footer_title=t["title"].format(year=year))
        tmp_pdf.replace(pdf_path)
    return BuildResult(html=html_path, pdf=pdf_path, seconds=time.perf_counter() - started,
                       figures=sum(i.kind == "figure" for i in items),
                       tables=sum(i.kind == "table" for i in items), warnings=warnings)
