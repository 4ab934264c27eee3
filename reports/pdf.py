"""Print the report HTML to PDF with headless Debian Chromium (Playwright drives the system browser)."""
from __future__ import annotations

import os
import pathlib

CHROMIUM = os.environ.get("FRIVILLIGDATA_CHROMIUM", "/usr/bin/chromium")
# A4 (210 mm) minus the 15 mm side margins, in CSS pixels (96 per inch): wider content makes Chromium shrink
# every page of the PDF to fit, so the build reports it.
PRINT_WIDTH_PX = round((210 - 2 * 15) / 25.4 * 96)
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]

FOOTER = """
<div style="font-size:8px; font-family:'DejaVu Sans',Arial,sans-serif; color:#5b646b; width:100%;
            padding:0 15mm; display:flex; justify-content:space-between;">
  <span>{title}</span><span><span class="pageNumber"></span> / <span class="totalPages"></span></span>
</div>"""


class PdfError(RuntimeError):
    """The browser could not render the report (missing Chromium, a chart that failed to draw)."""


OVERFLOW_JS = """(limit) => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > limit + 1)
    .sort((a, b) => b.getBoundingClientRect().right - a.getBoundingClientRect().right)
    .slice(0, 1)
    .map(e => `${e.closest('[id]') ? '#' + e.closest('[id]').id + ' ' : ''}${e.tagName.toLowerCase()} ends at `
              + `${Math.round(e.getBoundingClientRect().right)} px`)"""


def print_pdf(html_path: pathlib.Path, pdf_path: pathlib.Path, footer_title: str, timeout_ms: int = 60_000) -> list[str]:
    """Open html_path in headless Chromium, wait until every chart is drawn, print A4 with page numbers.

    Returns layout warnings (content wider than the printable width).
    """
    from playwright.sync_api import Error as PlaywrightError, sync_playwright

    if not pathlib.Path(CHROMIUM).exists():
        raise PdfError(f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set FRIVILLIGDATA_CHROMIUM)")
    requests: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            try:
                page = browser.new_page(viewport={"width": PRINT_WIDTH_PX, "height": 1000})
                # Self-contained means no request leaves the file: record any that tries.
                page.on("request", lambda r: None if r.url.startswith(("file:", "data:", "about:"))
                        else requests.append(r.url))
                page.goto(html_path.resolve().as_uri(), wait_until="load", timeout=timeout_ms)
                page.wait_for_function("document.body.dataset.chartsReady !== undefined", timeout=timeout_ms)
                state = page.evaluate("document.body.dataset.chartsReady")
                if state != "1":
                    raise PdfError(f"charts failed to render in {html_path}: {state}")
                page.emulate_media(media="print")
                warnings = [f"content wider than the A4 print width ({PRINT_WIDTH_PX} px): {w}; Chromium shrinks "
                            "every PDF page to fit" for w in page.evaluate(OVERFLOW_JS, PRINT_WIDTH_PX)]
                page.pdf(
                    path=str(pdf_path), format="A4", print_background=True, display_header_footer=True,
                    header_template="<div></div>", footer_template=FOOTER.format(title=_escape(footer_title)),
                    margin={"top": "16mm", "bottom": "18mm", "left": "15mm", "right": "15mm"},
                )
            finally:
                browser.close()
    except PlaywrightError as err:
        raise PdfError(f"headless Chromium failed: {err}") from err
    if requests:
        raise PdfError(f"the report requested external resources: {requests[:5]}")
    return warnings


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
