"""The dashboards' face in headless Chromium: headline figures equal to the query layer's, the address bar follows
the widgets and a copied link restores the view, downloads (CSV with Danish headings, a source and demo line and
rounded values; PNG with the source and demo line drawn in; file names that say what is in them), a toolbar with
nothing that leaves the machine, breakdowns a metric cannot do, 390 px without horizontal scrolling, <html lang>
and <title>, and axe-core (npm, injected by Playwright) with no serious or critical violations on every page in
Danish and English. Screenshots at 1400 and 390 px go to screenshots/face/ (git-ignored): look at them."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

import queries
from views import present
from views import numbers
from views.labels import DASHBOARDS, dimension_title
from views.labels import t as ui_text

from .conftest import (SCREENSHOTS, assert_no_error, close_page, open_dashboard, panel_marks, selected, ticks,
                       wait_drawn, wait_laid_out)

pytestmark = pytest.mark.browser

FILES = [d[0] for d in DASHBOARDS]
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = SCREENSHOTS / "face"


def axe_violations(page) -> list[tuple[str, str, int]]:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: npm install --prefix tests/browser axe-core@4 (CI's .ci/run does)")
    if not page.evaluate("typeof axe !== 'undefined'"):  # once a page
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    return page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => [v.id, v.impact, v.nodes.length]); }""")


def screenshot(page, name: str, width: int) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    if page.locator("#rendered_cells").count():
        height = page.evaluate("Math.ceil(document.querySelector('#rendered_cells').scrollHeight)")
        page.set_viewport_size({"width": width, "height": min(max(height, 800), 9000)})
        wait_laid_out(page)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def assert_toolbar_only_png_and_local_links(page, base: str) -> None:
    """Every chart's toolbar (plotly builds it with the chart and shows it on hover) offers only the PNG download
    (Danish title), and no link leaves localhost."""
    toolbars = page.eval_on_selector_all(".js-plotly-plot", """gds => gds.map(gd => [
        Array.from(gd.querySelectorAll('.modebar-btn'), b => b.getAttribute('data-title')),
        Array.from(gd.querySelectorAll('.modebar a[href]'), a => a.href)])""")
    assert toolbars and all(titles == ["Hent figuren som PNG"] for titles, _ in toolbars), toolbars
    for _, hrefs in toolbars:
        assert all(h.startswith(base) or h.startswith("javascript") for h in hrefs), hrefs
    links = page.locator("a[href]").evaluate_all("as => as.map(a => a.href)")
    assert all(h.startswith((base, "data:")) for h in links), [h for h in links if not h.startswith(base)]


def assert_every_chart_drawn_offline_without_errors(page) -> None:
    """Every panel drew data marks with its definition, CSV link, table and PNG button; no error, no traceback text,
    no code cell; the demo banner says demo data."""
    marks = panel_marks(page)
    assert marks and all(n > 0 for _, n in marks), f"charts without data marks: {marks}"
    assert_no_error(page)
    assert "Demodata" in page.inner_text("#fd-demo-banner") and page.locator("#fd-demo-banner").is_visible()
    for panel in page.locator(".fd-panel").all():
        assert "Definition" in panel.inner_text() and panel.locator("a.fd-csv").count() == 1
        assert panel.locator("details table").count() == 1
        assert panel.locator(".modebar-btn[data-title*='png' i]").count() == 1
    assert page.locator(".jp-InputArea:visible").count() == 0


def chart_heights(page) -> list[int]:
    return page.evaluate("() => Array.from(document.querySelectorAll('.js-plotly-plot'), "
                         "gd => Math.round(gd.getBoundingClientRect().height))")


# Every chart is as wide as its box (and, given a width, narrower than it).
FITS = """(w) => Array.from(document.querySelectorAll('.js-plotly-plot')).every(g =>
    g._fullLayout && Math.abs(g._fullLayout.width - g.getBoundingClientRect().width) <= 1
    && (w === null || g._fullLayout.width < w))"""


def assert_charts_drawn_once_and_fitted(page) -> None:
    """JupyterLab's renderer redraws a chart from scratch each time its output is shown, fitted or resized; a chart
    drawn on screen skips that (the page template), at least once per chart on opening; every chart fills its box."""
    charts = page.locator(".js-plotly-plot").count()
    assert page.evaluate("window.Plotly.fdRedrawsSkipped") >= charts > 1
    assert page.evaluate(FITS, None)
    assert page.evaluate("Math.max(...Array.from(document.querySelectorAll('.js-plotly-plot'), "
                         "g => g._fullLayout.width))") > 700


def assert_landing_links_the_five_dashboards(page, lang: str) -> None:
    titles = page.locator("ul.cards a .title").all_inner_texts()
    assert titles == [d[1][1 if lang == "en" else 0] for d in DASHBOARDS]
    hrefs = page.locator("ul.cards a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert hrefs == [f"/voila/render/{f}" + ("?lang=en" if lang == "en" else "") for f in FILES]
    assert page.inner_text("h1") == "Frivilligdata" and page.locator("#fd-demo-banner").is_visible()


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("file", ["", *FILES])
def test_every_page_is_accessible_fits_a_phone_and_names_itself(rpage, voila_url, file, lang):
    """Opened at 1400 px, then narrowed to 390 px (a window made narrow, a phone turned; the map and change tests
    open pages at 390 px): the page's language, title and landmarks, no sideways scrolling, no serious axe
    violation, a screenshot at each width. In Danish at 1400 px a dashboard also draws every chart offline without
    errors, and its toolbars and links stay on the machine; the landing page links the five dashboards. Nothing
    leaves localhost."""
    page = rpage.page
    query = "?lang=en" if lang == "en" else ""
    follows_window = file == "1_frivillige.ipynb" and lang == "da"
    if file:
        open_dashboard(rpage, voila_url, file, query, 1400)
        if follows_window:
            assert_charts_drawn_once_and_fitted(page)
    else:
        page.set_viewport_size({"width": 1400, "height": 1000})
        page.goto(f"{voila_url}/{query}")
        page.wait_for_selector("ul.cards")
        assert_landing_links_the_five_dashboards(page, lang)
    for width in (1400, 390):
        if width != 1400:
            heights = chart_heights(page)
            page.set_viewport_size({"width": width, "height": 1000})
            wait_laid_out(page)
            # narrowed, every chart keeps its height (plotly's resize once collapsed them to 0 px)
            assert chart_heights(page) == heights, f"{file} {lang}: chart heights {heights} -> {chart_heights(page)}"
            if follows_window:  # the renderer's resize fits every chart to the narrower window, marks drawn again
                page.wait_for_function(FITS, arg=width, timeout=10_000)
                wait_drawn(page)
        assert page.evaluate("document.documentElement.lang") == lang
        if file:
            entry = next(d for d in DASHBOARDS if d[0] == file)
            assert page.title() == f"{entry[1][1 if lang == 'en' else 0]} – Frivilligdata"
            assert page.locator("[role=main]").count() == 1 and page.locator("nav").count() >= 1
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{file or 'landing'} {lang} at {width} px scrolls sideways by {overflow} px"
        if file and lang == "da" and width == 1400:
            assert_every_chart_drawn_offline_without_errors(page)
            assert_toolbar_only_png_and_local_links(page, voila_url)
        bad = [v for v in axe_violations(page) if v[1] in ("serious", "critical")]
        assert bad == [], f"{file or 'landing'} {lang} at {width} px: {bad}"
        screenshot(page, f"{(file or '0_landing').replace('.ipynb', '')}_{lang}_{width}", width)
    assert rpage.external == []


def assert_headlines_equal_the_query_layer(page, year: int) -> None:
    """The Frivillige page's headline figures are the query layer's national figures of the wave."""
    for metric in ("participation_rate", "hours_per_month", "fte"):
        row = queries.run(metric, year=year, by="total").data.iloc[0].to_dict()
        value, sentence = present.headline(metric, row, "da")
        shown = page.locator(f".fd-headline[data-metric={metric}]").inner_text()
        assert value in shown and sentence.replace("{value}", value).split(" (")[0] in shown.replace("\n", " ")
    row = queries.run("participation_rate", year=year, by="total").data.iloc[0]
    assert numbers.percent(row["estimate"], "da", 0) in page.locator(".fd-headline").first.inner_text()


def test_address_bar_follows_widgets_and_the_copied_link_restores_the_view(rpage, profile, voila_url):
    profile.grant_permissions(["clipboard-read", "clipboard-write"], origin=voila_url)
    page = open_dashboard(rpage, voila_url, "1_frivillige.ipynb")
    page.select_option(".fd-control-by select", label="Køn")
    page.wait_for_function("() => location.search.includes('by=gender')")
    page.select_option(".fd-control-year select", label="2012")
    page.wait_for_function("() => location.search.includes('year=2012')")
    page.click("#fd-copy-link")
    page.wait_for_function("() => document.getElementById('fd-share-msg').textContent.length > 0")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith(voila_url + "/voila/render/1_frivillige.ipynb?") and "by=gender" in copied
    assert page.input_value("#fd-share-url") == copied
    close_page(page)
    again = profile.new_page()
    try:
        again.goto(copied, wait_until="commit")
        wait_drawn(again)
        assert selected(again, "by") == "Køn"
        assert selected(again, "year") == "2012"
        assert "2012" in again.locator(".fd-panel-participation .gtitle").text_content()
    finally:
        close_page(again)


def test_an_address_with_a_wave_and_a_breakdown_draws_them_and_every_download_holds_them(rpage, voila_url):
    """Opened at an address with a wave and a breakdown: the widgets show them, the chart and the headline figures
    draw them, and the downloads hold them: both CSV files (Danish headings, a source line, rounded values; the
    researchers' file unrounded), the XLSX built on click and the chart's PNG (title, source and demo line)."""
    page = open_dashboard(rpage, voila_url, "1_frivillige.ipynb", "?year=2012&by=gender")
    assert (selected(page, "year"), selected(page, "by")) == ("2012", "Køn")
    assert ticks(page, "participation") == ["Mænd", "Kvinder"] and page.locator(".fd-fallback").count() == 0
    assert "2012" in page.locator(".fd-panel-participation .gtitle").text_content()
    assert_headlines_equal_the_query_layer(page, 2012)
    panel = page.locator(".fd-panel-participation")
    with page.expect_download() as info:
        panel.locator("a.fd-csv").click()
    assert info.value.suggested_filename == "andel-der-har-arbejdet-frivilligt-2012-koen.csv"
    lines = open(info.value.path(), encoding="utf-8-sig").read().splitlines()
    assert lines[0].startswith("# Kilde: Frivilligundersøgelsen 2012") and "Demodata" in lines[0]
    assert "| provenance: data_kind=demo; built_at=" in lines[0]  # one comment line, as every CSV of the project
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[1:])), delimiter=";"))
    assert "Kategori" in rows[0] and "Antal svar (n)" in rows[0] and "True" not in "\n".join(lines)
    res = queries.run("participation_rate", year=2012, by="gender").data
    estimate = next(c for c in rows[0] if c.startswith("Vores beregning"))
    assert [r[estimate] for r in rows] == [numbers.percent(v, "da", 1) for v in res["estimate"]]
    published = next((c for c in rows[0] if c.startswith("Offentliggjort")), None)
    if published:  # the published figure in our unit: 42,0 % beside 42,0 %, not 0,42
        assert all(r[published] == "" or r[published].endswith(" %") for r in rows)
    # the researchers' file: the same rows unrounded
    with page.expect_download() as info:
        panel.locator("a.fd-csv-exact").click()
    exact = open(info.value.path(), encoding="utf-8-sig").read().splitlines()
    assert exact[0] == lines[0] and len(exact) == len(lines)
    assert any(len(x.split(";")[2]) > 8 for x in exact[2:])
    assert_xlsx_download(page, "da")
    assert_png_download(page, 2012)
    assert rpage.external == []


def test_english_address_english_labels_and_xlsx(rpage, voila_url):
    page = open_dashboard(rpage, voila_url, "1_frivillige.ipynb", "?year=2012&by=gender&lang=en")
    assert page.inner_text("#fd-title") == "Who are the volunteers?"
    assert ticks(page, "participation") == ["Men", "Women"]
    assert "Demo data" in page.inner_text("#fd-demo-banner")
    assert "Share who volunteered" in page.locator(".fd-panel-participation .gtitle").text_content()
    assert_xlsx_download(page, "en")
    assert rpage.external == []


def assert_xlsx_download(page, lang: str) -> None:
    """The participation panel's XLSX (built on click) at ?year=2012&by=gender: its name, both sheets with
    headings, a source line and the figures, and the provenance sheet."""
    from openpyxl import load_workbook

    panel = page.locator(".fd-panel-participation")
    stem = panel.locator("a.fd-csv").get_attribute("download").removesuffix(".csv")
    with page.expect_download() as info:
        panel.locator("button.fd-xlsx").click()
    assert info.value.suggested_filename == stem + ".xlsx"
    data = open(info.value.path(), "rb").read()
    assert data[:2] == b"PK"  # a zip container, as every XLSX
    wb = load_workbook(io.BytesIO(data))
    shown, exact, origin = wb.worksheets
    assert (shown.title, exact.title) == ((present.t("sheet_shown", lang), present.t("sheet_exact", lang)))
    assert origin.title == present.t("sheet_provenance", lang)  # queries/provenance.py, one key a row
    assert dict(origin.iter_rows(values_only=True))["data_kind"] == "demo"
    rows = [[c for c in r] for r in shown.iter_rows(values_only=True)]
    source = "Kilde: Frivilligundersøgelsen 2012" if lang == "da" else "Source: The volunteer survey"
    assert rows[0][0].startswith(source) and ("Demodata" if lang == "da" else "Demo data") in rows[0][0]
    head = rows[1]
    assert (present.t("category", lang) in head and present.column_title("n", lang) in head), head
    res = queries.run("participation_rate", year=2012, by="gender").data
    estimate = next(i for i, h in enumerate(head) if h.startswith(present.t("ours", lang)))
    assert [r[estimate] for r in rows[2:]] == [numbers.percent(v, lang, 1) for v in res["estimate"]]
    exact_rows = list(exact.iter_rows(values_only=True))
    assert exact_rows[0][0] == rows[0][0] and [r[estimate] for r in exact_rows[2:]] == list(res["estimate"])


def assert_png_download(page, year: int) -> None:
    """The participation chart's toolbar PNG (Danish page): named like its CSV, with the title, source and demo line
    drawn in; the PNG snapshots JupyterLab's renderer would make of every chart are skipped."""
    gd = ".fd-panel-participation .js-plotly-plot"
    layout = page.evaluate(f"() => {{ const l = document.querySelector('{gd}').layout; "
                           "return [l.title.text, l.title.subtitle && l.title.subtitle.text]; }")
    assert str(year) in layout[0] and f"Frivilligundersøgelsen {year}" in layout[1] and "Demodata" in layout[1]
    # the subtitle is drawn in the SVG that the PNG is made from
    assert "Demodata" in page.locator(f"{gd} .gtitle-subtitle").text_content()
    stem = page.locator(".fd-panel-participation a.fd-csv").get_attribute("download").removesuffix(".csv")
    page.hover(gd)
    button = page.locator(f"{gd} .modebar-btn")
    with page.expect_download() as info:
        button.first.click()
    assert info.value.suggested_filename == stem + ".png"
    data = open(info.value.path(), "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    # the PNG snapshot JupyterLab's renderer makes of every chart it draws (for saving notebooks) is skipped: one
    # per chart on the page; the toolbar's download above is not one of them
    charts = page.locator(".js-plotly-plot").count()
    assert page.evaluate("window.Plotly.fdSnapshotsSkipped") >= charts > 1
    assert page.locator(".fd-panel .plot-img[src^='data:image/png']").count() == 0
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "download.png").write_bytes(data)


def test_a_small_count_reads_less_than_5_and_its_suppressed_cell_shows_no_estimate(rpage, voila_url):
    # the demo's counts of 1-4 persons: the respondents of the smallest municipalities, e.g. Læsø in the latest wave,
    # which the Kommuneprofil shows beside the model-based estimate (until issue 28 the demo had one on the
    # Frivillige page, Bornholm's volunteers in 2004; the municipalities' own volunteering moved it to 12)
    res = queries.run("municipal_participation").data
    row = res[(res["year"] == res["year"].max()) & (res["municipality_code"] == 825)].iloc[0]
    assert pd.isna(row["n"]) and row["direct_flag"] == "suppressed" and pd.isna(row["direct_estimate"])
    page = open_dashboard(rpage, voila_url, "4_kommuneprofil.ipynb", "?kommune=825")
    panel = page.locator(".fd-panel-participation")
    panel.locator("details summary", has_text="Vis tabellen bag figuren").click()
    direct = panel.locator("table.fd-table tr", has_text="Direkte skøn").first
    cells = direct.locator("td").all_inner_texts()
    assert numbers.SMALL_COUNT in cells and not any(c.endswith("%") for c in cells), cells
    with page.expect_download() as info:
        panel.locator("a.fd-csv").click()
    line = next(x for x in open(info.value.path(), encoding="utf-8-sig").read().splitlines() if "Direkte skøn" in x)
    assert ";<5;" in line and "%" not in line, line
    # no estimate drawn for it: a bar of length 0 whose label is the reason
    traces = page.evaluate("() => document.querySelector('.fd-panel-participation .js-plotly-plot').data"
                           ".map(t => [t.name, t.x, t.text])")
    name, xs, texts = next(t for t in traces if t[0] == ui_text("role_direct", "da"))
    assert xs == [0] and texts == [ui_text("suppressed_reason", "da")], (xs, texts)


def test_a_breakdown_a_metric_cannot_do_is_explained_not_an_error(rpage, voila_url):
    """Opened with ?by=education, then urbanisation and employment chosen in the dropdown: each time the FTE panel
    explains in words that it cannot be broken down so, and nothing on the page is an error."""
    page = open_dashboard(rpage, voila_url, "1_frivillige.ipynb", "?by=education")
    for by in ("education", "urbanisation", "employment"):
        if by != "education":
            page.select_option(".fd-control-by select", label=dimension_title(by, "da"))
            page.wait_for_function("(by) => location.search.includes('by=' + by)", arg=by)
        page.wait_for_function("(label) => { const n = document.querySelector('.fd-panel-fte .fd-note');"
                               " return n && n.innerText.includes(label.toLowerCase()); }",
                               arg=dimension_title(by, "da"))
        assert page.locator(".fd-error").count() == 0, (by, page.locator(".fd-error").all_inner_texts())
        note = page.locator(".fd-panel-fte .fd-note").inner_text()
        assert "kan ikke opdeles efter" in note and "hele landet" in note, (by, note)
        assert "invalid dimension" not in page.inner_text("body")
