"""Headless Debian Chromium for the report build (Playwright drives the system browser, never a downloaded one).

One browser per build does three jobs: draw the plotly figures as static SVG (so the HTML needs no plotly.js),
print the HTML to a tagged PDF with a document outline, and check that no request leaves the file.
`pdf_structure` reads a printed PDF back (outline, structure tree, language, title) with pikepdf.
"""
from __future__ import annotations

import dataclasses
import os
import pathlib
import re
import urllib.parse

CHROMIUM = os.environ.get("FRIVILLIGDATA_CHROMIUM", "/usr/bin/chromium")
# A4 (210 mm) minus the 15 mm side margins, in CSS pixels (96 per inch): wider content makes Chromium shrink
# every page of the PDF to fit, so the build reports it.
PRINT_WIDTH_PX = round((210 - 2 * 15) / 25.4 * 96)
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")

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

# Plotly.toImage takes a figure object and draws it off-screen; the result is a data: URL of the SVG. The specs come
# as one JSON text: Playwright checks an object argument value by value in Python (the maps' outlines made that two
# seconds a language), a string at once.
SVG_JS = """(json) => Promise.all(JSON.parse(json).map(s =>
    Plotly.toImage({data: s.data, layout: s.layout, config: {staticPlot: true}},
                   {format: 'svg', width: s.layout.width, height: s.layout.height})))"""


class Chromium:
    """`with Chromium() as c:` one headless browser for a build; every page records requests leaving the file."""

    def __init__(self, timeout_ms: int = 60_000):
        self.timeout_ms = timeout_ms
        self.requests: list[str] = []
        self._plotly_page = None

    def __enter__(self) -> "Chromium":
        from playwright.sync_api import Error as PlaywrightError, sync_playwright

        if not pathlib.Path(CHROMIUM).exists():
            raise PdfError(f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set FRIVILLIGDATA_CHROMIUM)")
        self._error = PlaywrightError
        self._pw = sync_playwright().start()
        try:
            self.browser = self._pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        except PlaywrightError as err:
            self._pw.stop()
            raise PdfError(f"headless Chromium failed to start: {err}") from err
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.browser.close()
        finally:
            self._pw.stop()

    def _page(self, width: int = PRINT_WIDTH_PX):
        page = self.browser.new_page(viewport={"width": width, "height": 1000})
        page.set_default_timeout(self.timeout_ms)
        page.on("request", lambda r: None if r.url.startswith(LOCAL_SCHEMES) else self.requests.append(r.url))
        return page

    def _check_requests(self, what: str) -> None:
        if self.requests:
            raise PdfError(f"{what} requested external resources: {self.requests[:5]}")

    def svgs(self, specs: list[str], plotlyjs: str) -> list[str]:
        """Each plotly figure spec (JSON text of {data, layout} with layout.width and height) as SVG text that
        scales. One page with plotly.js loaded draws the figures of every language of the build (loading it takes
        about 1.5 s)."""
        if not specs:
            return []
        try:
            if self._plotly_page is None:
                page = self._page()
                page.set_content("<!DOCTYPE html><html><head><meta charset='utf-8'></head><body></body></html>")
                page.add_script_tag(content=plotlyjs)
                self._plotly_page = page
            urls = self._plotly_page.evaluate(SVG_JS, "[" + ",".join(specs) + "]")
        except self._error as err:
            raise PdfError(f"headless Chromium could not draw the figures: {err}") from err
        self._check_requests("drawing the figures")
        return [scalable_svg(urllib.parse.unquote(u.split(",", 1)[1])) for u in urls]

    def print_pdf(self, html_path: pathlib.Path, pdf_path: pathlib.Path, footer_title: str) -> list[str]:
        """Print html_path to a tagged A4 PDF with an outline (bookmarks from the headings) and page numbers.

        Returns layout warnings (content wider than the printable width).
        """
        page = self._page()
        try:
            page.goto(html_path.resolve().as_uri(), wait_until="load")
            page.emulate_media(media="print")
            warnings = [f"content wider than the A4 print width ({PRINT_WIDTH_PX} px): {w}; Chromium shrinks "
                        "every PDF page to fit" for w in page.evaluate(OVERFLOW_JS, PRINT_WIDTH_PX)]
            page.pdf(
                path=str(pdf_path), format="A4", print_background=True, display_header_footer=True,
                header_template="<div></div>", footer_template=FOOTER.format(title=_escape(footer_title)),
                margin={"top": "16mm", "bottom": "18mm", "left": "15mm", "right": "15mm"},
                tagged=True, outline=True,
            )
        except self._error as err:
            raise PdfError(f"headless Chromium failed to print {html_path}: {err}") from err
        finally:
            page.close()
        self._check_requests(str(html_path))
        return warnings


def scalable_svg(svg: str) -> str:
    """Give plotly's SVG a viewBox so an <img> may scale it to the width of a phone without cropping."""
    m = re.search(r"<svg\b[^>]*>", svg)
    if not m or "viewBox" in m.group(0):
        return svg
    w = re.search(r'\swidth="([\d.]+)"', m.group(0))
    h = re.search(r'\sheight="([\d.]+)"', m.group(0))
    if not (w and h):
        return svg
    head = m.group(0)[:-1] + f' viewBox="0 0 {w.group(1)} {h.group(1)}">'
    return svg[:m.start()] + head + svg[m.end():]


# ------------------------------------------------------------------------------------------------ reading a PDF


@dataclasses.dataclass
class PdfStructure:
    """What an accessibility check reads from a PDF: language, title, tags, outline, figure alt texts, tables."""

    pages: int
    lang: str | None
    title: str | None
    xmp_title: str | None
    display_doc_title: bool
    marked: bool
    tags: dict[str, int]            # structure element type -> count, e.g. {"/Figure": 25, "/Table": 9}
    figure_alts: list[str]          # /Alt of every /Figure that has one
    outline: list[tuple[int, str, int]]   # (depth, title, 1-based page) in reading order


def pdf_structure(path: pathlib.Path) -> PdfStructure:
    import pikepdf

    with pikepdf.open(path) as pdf:
        root = pdf.Root
        page_no = {p.objgen: i + 1 for i, p in enumerate(pdf.pages)}
        tags: dict[str, int] = {}
        alts: list[str] = []
        stack = [root.get("/StructTreeRoot")] if "/StructTreeRoot" in root else []
        seen = set()
        while stack:
            node = stack.pop()
            if not isinstance(node, pikepdf.Dictionary) or (node.is_indirect and node.objgen in seen):
                continue
            if node.is_indirect:
                seen.add(node.objgen)
            s = node.get("/S")
            if s is not None:
                tags[str(s)] = tags.get(str(s), 0) + 1
                if str(s) == "/Figure" and "/Alt" in node:
                    alts.append(str(node.Alt))
            kids = node.get("/K")
            if isinstance(kids, pikepdf.Array):
                stack.extend(reversed(list(kids)))
            elif kids is not None:
                stack.append(kids)
        outline: list[tuple[int, str, int]] = []
        with pdf.open_outline() as ol:
            def walk(items, depth):
                for it in items:
                    dest = it.destination
                    page = page_no.get(dest[0].objgen) if isinstance(dest, pikepdf.Array) and len(dest) else None
                    outline.append((depth, " ".join(it.title.split()), page or 0))
                    walk(it.children, depth + 1)
            walk(ol.root, 0)
        meta = pdf.open_metadata()
        vp = root.get("/ViewerPreferences")
        return PdfStructure(
            pages=len(pdf.pages), lang=str(root.Lang) if "/Lang" in root else None,
            title=str(pdf.docinfo.Title) if "/Title" in pdf.docinfo else None,
            xmp_title=meta.get("dc:title"),
            display_doc_title=bool(vp.get("/DisplayDocTitle", False)) if vp is not None else False,
            marked=bool(root.get("/MarkInfo", {}).get("/Marked", False)),
            tags=tags, figure_alts=alts, outline=outline)


def add_metadata(path: pathlib.Path, title: str, lang: str, subject: str, publisher: str) -> None:
    """XMP metadata as PDF/UA asks (dc:title, dc:language) beside Chromium's document info; written in place."""
    import pikepdf

    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["dc:title"] = title
            meta["dc:language"] = [lang]
            meta["dc:description"] = subject
            meta["dc:creator"] = [publisher]
        pdf.docinfo["/Subject"] = subject
        pdf.docinfo["/Author"] = publisher
        pdf.Root.Lang = pikepdf.String(lang)
        pdf.save(path)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
