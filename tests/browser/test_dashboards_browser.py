"""End-to-end: the dashboards' widgets, addresses, downloads and closing in headless Chromium against a Voilà server
on the demo warehouse (every page drawn in full, in both languages and at two widths, English labels and the other
downloads: test_face.py)."""
from __future__ import annotations

import csv
import io

import pytest

from views.labels import DASHBOARDS

from .conftest import close_page, kernel_id, kernel_shut_down, open_dashboard, ticks

pytestmark = pytest.mark.browser

FILES = [d[0] for d in DASHBOARDS]


def test_bad_parameter_shows_the_fallback_note(rpage, voila_url):
    page = open_dashboard(rpage, voila_url, FILES[0], "?year=1999&by=%3Cscript%3E&foo=1")
    notes = page.locator(".fd-fallback").all_inner_texts()
    assert len(notes) == 3, notes
    assert any("year" in n and "1999" in n for n in notes)
    assert any("<script>" in n for n in notes), "the bad value is shown as text, escaped"
    assert page.locator(".fd-error").count() == 0
    assert ticks(page, "participation") == ["I alt"]


def test_csv_download_holds_the_shown_rows(rpage, voila_url):
    page = open_dashboard(rpage, voila_url, FILES[0], "?year=2012&by=age_group")
    panel = page.locator(".fd-panel-participation")
    with page.expect_download() as info:
        panel.locator("a.fd-csv").click()
    text = open(info.value.path(), encoding="utf-8-sig").read()
    assert text.startswith("# Kilde: ")  # the source line, then the table
    rows = list(csv.DictReader(io.StringIO(text.split("\n", 1)[1]), delimiter=";"))
    shown = panel.locator("details table tbody tr").count()
    bars = ticks(page, "participation")
    assert len(rows) == shown == len(bars) == 6
    assert [r["Kategori"] for r in rows] == bars
    assert all(r["År"] == "2012" for r in rows)


def test_a_widget_change_redraws_the_chart_and_closing_the_page_shuts_its_kernel_down(rpage, voila_url, voila_log):
    page = open_dashboard(rpage, voila_url, FILES[0])
    assert ticks(page, "participation") == ["I alt"]
    page.select_option(".fd-control-by select", label="Køn")
    page.wait_for_function("() => Array.from(document.querySelectorAll('.fd-panel-participation .xtick text'))"
                           ".map(e => e.textContent).join('|') === 'Mænd|Kvinder'")
    page.wait_for_function("() => location.search.includes('by=gender')")
    kid = kernel_id(page)
    assert kid
    close_page(page)  # Voilà posts /voila/api/shutdown/<kernel> with the _xsrf cookie
    assert kernel_shut_down(voila_log, kid), "the closed page's kernel is still running"
