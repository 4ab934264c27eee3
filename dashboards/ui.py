"""The dashboard page in Voilà: a declared page (pages/) drawn with widgets: header, demo banner, URL state,
dropdowns and chart panels (metadata, CSV, table, XLSX, PNG).

A notebook calls `ui.run(PAGE)`. The page's views come from `Page.view` (computed once per warehouse build and
shared between kernels); a panel is redrawn only when a control it uses changes.
"""
from __future__ import annotations

import base64
import html
import json
import logging
import sys
import time
from dataclasses import dataclass

import ipywidgets as widgets
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import HTMLStyle
from plotly.io.base_renderers import PlotlyRenderer
from IPython.display import clear_output, display

from pages.address import parse_query, validate
from pages.model import Control, Page, Panel, address, converted, reset_dependents
from views import cache, charts, data, present
from views.labels import DASHBOARDS, label, pick, t

from . import state
from .state import current_query_string

log = logging.getLogger("frivilligdata.dashboards")
# In a kernel sys.stderr is the page: tracebacks go to the process's real stderr (the Voilà server log) instead.
if not log.handlers:
    _handler = logging.StreamHandler(sys.__stderr__)
    _handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    log.addHandler(_handler)
    log.propagate = False

CSS = """
<style>
.fd-header { font-family: "DejaVu Sans", Arial, sans-serif; margin-bottom: 0.5em; }
.fd-header h1 { font-size: 1.7em; margin: 0.2em 0; }
.fd-nav { font-size: 0.95em; display: flex; flex-wrap: wrap; gap: 0.3em 1.2em; }
.fd-nav a { white-space: nowrap; color: #0b4f86; }
.fd-banner { background: #fff3cd; border: 1px solid #E69F00; color: #5c3b00; padding: 0.5em 0.8em;
             border-radius: 4px; margin: 0.5em 0; font-weight: bold; overflow-wrap: anywhere; }
.fd-note { background: #e8f1fa; border: 1px solid #56B4E9; padding: 0.4em 0.8em; border-radius: 4px;
           margin: 0.3em 0; }
.fd-error { background: #fbe9e0; border: 1px solid #D55E00; padding: 0.4em 0.8em; border-radius: 4px; }
.fd-meta { font-size: 0.9em; color: #333; margin: 0.2em 0 1.5em 0; max-width: 1000px; line-height: 1.35;
           overflow-wrap: anywhere; }
.fd-meta p { margin: 0.3em 0; }
.fd-def { font-size: 1.05em; color: #1b1b1b; }
.fd-meta table { border-collapse: collapse; font-size: 0.95em; margin-top: 0.4em; }
.fd-meta th, .fd-meta td { border-bottom: 1px solid #ddd; padding: 2px 8px; text-align: left; }
.fd-meta th, .fd-meta td { overflow-wrap: normal; }  /* cells break between words, never inside one ("Bemær-kning"):
   a table wider than the page scrolls in .fd-tablewrap instead of squeezing a column to a letter a line */
.fd-tablewrap td:last-child { min-width: 14em; }  /* the last column often holds words (a reason, a sentence) */
.fd-tablewrap { overflow-x: auto; max-width: 100%; }
.fd-downloads a { margin-right: 1em; white-space: nowrap; display: inline-block; }
.fd-meta.fd-meta-top, .fd-meta.fd-meta-table { margin-bottom: 0.3em; }
.fd-panel .fd-xlsx { font-size: 0.9em; color: #0b4f86; background: #fff; border: 1px solid #0b4f86; border-radius: 4px;
                     max-width: 100%; margin-bottom: 1.5em; }
.fd-panel .fd-xlsx.fd-off { display: none; }
.fd-panel { border-top: 1px solid #ccc; padding-top: 0.6em; max-width: 100%; }
.fd-text { max-width: 1000px; font-size: 0.95em; overflow-wrap: anywhere; }
.fd-text table { border-collapse: collapse; }
.fd-text th, .fd-text td { border-bottom: 1px solid #ddd; padding: 2px 8px; text-align: left; vertical-align: top; }
.fd-headlines { display: flex; flex-wrap: wrap; gap: 0.8em; margin: 0.6em 0 1em 0; }
.fd-headline { margin: 0; flex: 1 1 260px; background: #f3f7fb; border-left: 6px solid #0072B2; padding: 0.6em 0.9em;
               border-radius: 4px; font-size: 1.05em; line-height: 1.4; }
.fd-big { display: block; font-size: 2.2em; font-weight: bold; color: #0b4f86; line-height: 1.15; }
.fd-number { white-space: nowrap; }
.fd-unit { font-size: 0.5em; font-weight: normal; }
.fd-share { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5em; margin: 0.4em 0; }
.fd-share button { font: inherit; padding: 0.25em 0.8em; border: 1px solid #0b4f86; border-radius: 4px;
                   background: #fff; color: #0b4f86; cursor: pointer; }
.fd-share input { font: inherit; font-size: 0.85em; flex: 1 1 200px; min-width: 0; max-width: 640px;
                  border: 1px solid #767676; padding: 0.2em 0.4em; color: #1b1b1b; }
.fd-chart-title { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
.fd-summary { font-size: 0.9em; color: #333; margin: 0.2em 0; }
</style>
"""


class S(dict):
    """The current state handed to panel functions: s.year, s.by, s.kommune (converted) and s.lang."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def lang() -> str:
    """The page language from the address (?lang=en), Danish by default."""
    return parse_query(current_query_string(), []).lang


REQUEST_PEEK_S = 0.1  # how long a preheated kernel looks for a visitor already waiting before it builds ahead


def run(page: Page) -> None:
    """Build and show the page: a notebook's last cell is `ui.run(PAGE)`. A preheated kernel does not know its
    visitor's address until someone opens the page; it builds the page of the plain address (no parameters) while
    it waits, and builds the page again only for an address with parameters. A plain link (the landing page's, the
    menu's) then opens without waiting for the page to be built. A kernel whose visitor is already waiting (started
    when the pool was empty) builds that visitor's page at once."""
    def main() -> None:
        Dashboard(page).show()

    if state.request_arrived(REQUEST_PEEK_S):
        main()
        return
    with state.assuming(""):
        main()
    if not state.request_query_string().lstrip("?"):
        return
    clear_output()
    widgets.Widget.close_all()  # a kernel serves one page: every widget is the plain address's page
    main()


# -- HTML pieces --------------------------------------------------------------------------------------------------

def banner_html(lang: str) -> str:
    """The demo-data banner (empty for real data)."""
    if not data.is_demo():
        return ""
    return f'<div class="fd-banner" id="fd-demo-banner">{html.escape(label("data_kind", "demo", lang))}.</div>'


def notes_html(notes, controls: list[Control], lang: str, values: dict | None = None) -> str:
    """The fallback notes for rejected URL parameters."""
    by_name = {c.name: c for c in controls}
    parts = []
    for n in notes:
        if n.unknown:
            text = t("unknown_param", lang, name=n.name)
        else:
            c = by_name.get(n.name)
            offered = c.options_for(values or {}) if c else []
            default = n.default if n.default is not None or not offered else offered[0][1]
            shown = next((lab for lab, v in offered if v == default), default) if c else n.default
            text = t("bad_param", lang, name=n.name, value=n.value, default=shown)
        parts.append(f'<div class="fd-note fd-fallback">{html.escape(text)}</div>')
    return "".join(parts)


def header_html(notebook: str, lang: str, query_for_other_lang: str) -> str:
    entry = next((d for d in DASHBOARDS if d[0] == notebook), None)
    title = pick(entry[1], lang) if entry else notebook
    home_q = "?lang=en" if lang == "en" else ""
    nav = [f'<a href="../../{home_q}" id="fd-home">{html.escape(t("home", lang))}</a>']
    for file, titles, _ in DASHBOARDS:
        if file != notebook:
            nav.append(f'<a href="{html.escape(file + home_q)}">{html.escape(pick(titles, lang))}</a>')
    other = "en" if lang != "en" else "da"
    nav.append(f'<a href="{html.escape(query_for_other_lang or "?")}" id="fd-lang" lang="{other}" hreflang="{other}">'
               f'{html.escape(t("switch_lang", lang))}</a>')
    return (f'<div class="fd-header"><nav class="fd-nav" aria-label="{html.escape(t("nav", lang))}">'
            f'{"".join(nav)}</nav><h1 id="fd-title">{html.escape(title)}</h1></div>')


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_js(payload: bytes, filename: str, mime: str) -> str:
    """A script handing `payload` to the browser as a download (a Blob and a temporary link clicked once):
    nothing is fetched, nothing leaves the page."""
    return ("(function(){var b=atob(" + json.dumps(base64.b64encode(payload).decode("ascii")) + "),"
            "a=new Uint8Array(b.length);for(var i=0;i<b.length;i++){a[i]=b.charCodeAt(i);}"
            "var u=URL.createObjectURL(new Blob([a],{type:" + json.dumps(mime) + "})),"
            "l=document.createElement('a');l.href=u;l.download=" + json.dumps(filename) + ";l.style.display='none';"
            "document.body.appendChild(l);l.click();"
            "setTimeout(function(){URL.revokeObjectURL(u);l.remove();},60000);})();")


# -- panels -------------------------------------------------------------------------------------------------------

class _Shared:
    """Widget parts every panel of a page can share: layouts and styles that never change, and the one hidden output
    that hands a file to the browser. Each widget is a model the page creates and the server relays; sharing these
    takes 18 models a panel down to 5 (Hvem er de frivillige?, nine charts: 189 -> 66 on the page)."""

    def __init__(self):
        self.layout = widgets.Layout()  # the default layout, never changed
        self.panel_layout = widgets.Layout(max_width="100%")
        self.html_style = HTMLStyle()
        self.button_style = widgets.ButtonStyle()
        self.button_layout = widgets.Layout(width="auto", align_self="flex-start")
        self.hidden = widgets.Layout(display="none")
        self.send = widgets.Output(layout=self.hidden)

    def html(self) -> widgets.HTML:
        return widgets.HTML(layout=self.layout, style=self.html_style)


class ChartPanel:
    """One chart with its definition, source and method, its text summary, downloads (CSV as shown, CSV
    unrounded, XLSX, PNG via the toolbar) and the table behind it."""

    def __init__(self, name: str, lang: str, shared: _Shared):
        self.name = name
        self.lang = lang
        self.head = shared.html()
        self.out = widgets.Output(layout=shared.layout)
        self.info = shared.html()  # what goes under the chart, the table behind it last
        # the XLSX is built only when asked for (building it on every redraw doubled the time of an update)
        self.xlsx = widgets.Button(description=t("download_xlsx", lang), icon="download",
                                   tooltip=t("download_xlsx", lang), style=shared.button_style,
                                   layout=shared.button_layout)  # shown and hidden by class: the layout is shared
        self.xlsx.add_class("fd-xlsx")
        self.xlsx.on_click(self._send_xlsx)
        self.send = shared.send
        self.widget = widgets.VBox([self.head, self.out, self.info, self.xlsx], layout=shared.panel_layout)
        self.widget.add_class("fd-panel")
        self.widget.add_class(f"fd-panel-{name}")
        self._download: tuple | None = None  # (table, metric, file name stem, years) of the view shown

    def _send_xlsx(self, _button=None) -> None:
        """Build the XLSX of the table shown (rounded sheet, unrounded sheet, source and demo line, provenance sheet)
        and hand it to the browser."""
        if self._download is None:
            return
        table, meta, stem, years = self._download
        try:
            payload = present.xlsx_bytes(cache.frame(table), meta, self.lang, demo=data.is_demo(), years=years,
                                         provenance=data.provenance())
        except Exception:  # noqa: BLE001 - the page keeps working; the log keeps the traceback
            log.exception("XLSX of panel %s failed", self.name)
            return
        self.send.outputs = ()
        self.send.outputs = (_js_output(download_js(payload, stem + ".xlsx", XLSX_MIME)),)

    def show(self, view: present.View) -> None:
        """Show a view as views.html.decorate made it (through Page.view)."""
        fig = view.fig
        stem = view.filename
        self.head.value = f'<h2 class="fd-chart-title" id="fd-chart-{self.name}">{html.escape(_fig_title(fig))}</h2>'

        # Set the Output widget's outputs from the kernel instead of capturing a display (`with self.out:`):
        # while Voilà executes the notebook, a capture makes nbclient mirror the output into the widget by sending
        # on the kernel's shell socket (jupyter_client's Session.send on a sync shadow of the asyncio socket), which
        # can swallow the wake-up for the execute reply, so the page stalled forever (jupyter/nbclient#312).
        self.out.outputs = (_plotly_output(fig, self.lang, stem),)
        self.info.value = view.info_html
        self._download = (view.table, view.meta, stem, view.years)  # the XLSX, built when asked for
        self.xlsx.remove_class("fd-off")

    def fail(self, message: str) -> None:
        self._download = None
        self.head.value = ""
        self.out.outputs = ()
        self.xlsx.add_class("fd-off")
        self.info.value = f'<div class="fd-error">{html.escape(message)}</div>'


def _fig_title(fig) -> str:
    layout = fig.get("layout", {}) if isinstance(fig, dict) else fig.layout.to_plotly_json()
    title = layout.get("title") or {}
    text = (title.get("text") if isinstance(title, dict) else title) or ""
    return text.replace("<br>", " ")


def _plotly_output(fig, lang: str = "da", filename: str = "figur") -> dict:
    """A display_data output holding the figure in plotly's mimetype (what pio.show's plotly_mimetype renderer sends)."""
    bundle = PlotlyRenderer(config=charts.plotly_config(lang, filename)).to_mimebundle(
        fig.to_dict() if hasattr(fig, "to_dict") else fig)
    return {"output_type": "display_data", "data": bundle, "metadata": {}}


def _js_output(code: str) -> dict:
    """A display_data output running `code` in the page (Voilà renders trusted application/javascript)."""
    return {"output_type": "display_data", "data": {"application/javascript": code}, "metadata": {}}


def _address_js(query: str, lang: str, notebook: str | None = None) -> str:
    """Make the address bar hold the current view (no reload), fill the share field, set <html lang> and <title>."""
    title = json.dumps(document_title_for(lang, notebook))
    return (f"(function(){{try{{history.replaceState(history.state, '', location.pathname + {json.dumps(query)});}}"
            f"catch(e){{}}document.documentElement.lang={json.dumps(lang)};document.title={title};"
            # the share field may be drawn after this runs: fill it when it is there
            f"var n=0;(function fill(){{var f=document.getElementById('fd-share-url');"
            f"if(f){{f.value=location.href;}}else if(n++<100){{setTimeout(fill,100);}}}})();}})();")


def document_title_for(lang: str, notebook: str | None = None) -> str:
    entry = next((d for d in DASHBOARDS if d[0] == notebook), None) if notebook else None
    return (pick(entry[1], lang) + " – " if entry else "") + t("site", lang)


@dataclass
class _Drawn:
    decl: Panel  # the panel as the page declares it
    panel: ChartPanel | widgets.HTML  # what draws it: a chart panel, or an HTML block for a text


class Dashboard:
    """A declared page drawn with widgets: header and banner, URL-driven dropdowns, headline figures, text blocks
    and chart panels redrawn when the controls they use change. The address bar follows the dropdowns
    (history.replaceState, no reload)."""

    def __init__(self, page: Page, query: str | None = None):
        self.page = page
        self.notebook = page.notebook
        self.lang, self.controls, self.state = page.open(current_query_string() if query is None else query)
        self.panels: list[_Drawn] = []  # the charts
        self.texts: list[_Drawn] = []  # the blocks of text (Om data), shown before the charts
        self.widgets: dict[str, widgets.Dropdown] = {}
        self._muted = False  # set while a dependent control's options are replaced (not a user's choice)
        self.shared = _Shared()
        control_layout = widgets.Layout(width="auto", max_width="100%")
        control_style = DescriptionStyle(description_width="initial")
        for c in self.controls:
            w = widgets.Dropdown(options=c.options_for(self.state.values), value=c.shown(self.state.values),
                                 description=c.description, style=control_style, layout=control_layout)
            w.add_class(f"fd-control-{c.name}")
            w.observe(self._changed(c), names="value")
            self.widgets[c.name] = w
        self.style = self.shared.html()
        self.style.value = CSS  # never changes: re-inserting a style sheet restyles the whole page
        self.head = self.shared.html()
        self.link = self.shared.html()
        self.headlines = self.shared.html()
        self.headlines.add_class("fd-headlines-box")
        self.js = widgets.Output(layout=self.shared.hidden)
        for panel in page.panels:
            if panel.kind == "text":
                w = self.shared.html()
                w.add_class("fd-text")
                self.texts.append(_Drawn(panel, w))
            else:
                self.panels.append(_Drawn(panel, ChartPanel(panel.name, self.lang, self.shared)))
        self._render_head()

    # state -------------------------------------------------------------------------------------------------------
    def values(self) -> S:
        """The control values as the views take them (converted), and the language."""
        return S(converted(self.controls, self.state.values), lang=self.lang)

    def query_string(self) -> str:
        """The current view as a query string (defaults left out), e.g. '?year=2012&by=gender'."""
        return address(self.controls, self.state.values)

    def _render_head(self) -> None:
        other = dict(self.state.values, lang="da" if self.lang == "en" else "en")
        self.head.value = (header_html(self.notebook, self.lang, address(self.controls, other))
                           + banner_html(self.lang)
                           + notes_html(self.state.notes, self.controls, self.lang, self.state.values))
        self._render_head_link()

    def _changed(self, control: Control):
        def handler(change):
            if self._muted:
                return
            # widget values are whitelisted too
            value = validate(change["new"], control.choice(self.state.values))
            if not control.allowed(value, self.state.values):
                value = control.default_for(self.state.values)
            before = self.values()
            self.state.values[control.name] = value
            self._follow(control.name)
            after = self.values()
            # the control and each one that followed it (Kommunerne's year after the indicator)
            self.redraw(changed={k for k, v in after.items() if before.get(k) != v})
            self._render_head()  # the address, the share field and the language switch keep the current view
        return handler

    def _follow(self, parent: str) -> None:
        """Offer the dependent controls of `parent` the options of its new value; a choice no longer offered
        becomes the control's fallback (Control.follow). The dropdown then shows the value drawn."""
        reset_dependents(self.controls, self.state.values, parent)
        for c in self.controls:
            if c.parent != parent:
                continue
            self._muted = True  # ipywidgets selects the first option when the options change: not a user's choice
            try:
                w = self.widgets[c.name]
                w.options = c.options_for(self.state.values)
                w.value = c.shown(self.state.values)
            finally:
                self._muted = False

    def _render_head_link(self) -> None:
        here = self.query_string()
        lang = self.lang
        # the full absolute address is only known in the browser: the page script fills the field and copies it
        copy_js = ("var f=document.getElementById('fd-share-url');f.value=location.href;"
                   "var m=document.getElementById('fd-share-msg');"
                   "function ok(){m.textContent=" + json.dumps(t("copied", lang)) + ";}"
                   "function no(){f.select();m.textContent=" + json.dumps(t("copy_failed", lang)) + ";}"
                   "if(navigator.clipboard&&window.isSecureContext){navigator.clipboard.writeText(location.href)"
                   ".then(ok,no);}else{f.select();try{document.execCommand('copy')?ok():no();}catch(e){no();}}")
        self.link.value = (
            f'<div class="fd-share"><button type="button" id="fd-copy-link" onclick="{html.escape(copy_js)}">'
            f'{html.escape(t("copy_link", lang))}</button>'
            f'<input id="fd-share-url" type="text" readonly aria-label="{html.escape(t("link_here", lang))}" '
            f'value="{html.escape(here)}"><span id="fd-share-msg" role="status"></span>'
            f'<a id="fd-permalink" href="{html.escape(here or "?")}" hidden>{html.escape(here)}</a></div>')
        self.js.outputs = (_js_output(_address_js(here, lang, self.notebook)),)

    # drawing -----------------------------------------------------------------------------------------------------------
    def _draw_headlines(self) -> None:
        panel = self.page.headlines
        if panel is None:
            return
        try:
            self.headlines.value = self.page.view(panel, self.values(), self.lang)
        except Exception:  # noqa: BLE001 - the charts still tell; the log keeps the traceback
            log.exception("headlines failed")
            self.headlines.value = ""

    def redraw(self, changed: set[str] | None = None) -> None:
        """Draw the headlines and panels that use a control in `changed` (None: all of them)."""
        s = self.values()
        headlines = self.page.headlines
        if headlines is not None and (changed is None or changed & headlines.params.keys()):
            self._draw_headlines()
        for d in (*self.texts, *self.panels):
            if changed is None or changed & d.decl.params.keys():
                self._draw(d, s)

    def _draw(self, d: _Drawn, s: S) -> None:
        started = time.perf_counter()
        if d.decl.kind == "text":
            try:
                d.panel.value = self.page.view(d.decl, s, self.lang)
            except Exception as exc:  # noqa: BLE001 - never a traceback in the page
                log.exception("text block %s failed", d.decl.name)
                d.panel.value = (f'<div class="fd-error">'
                                 f'{html.escape(t("load_error", self.lang, msg=type(exc).__name__))}</div>')
            return
        try:
            view = self.page.view(d.decl, s, self.lang)  # computed once per build, shared between kernels
        except Exception as exc:  # noqa: BLE001 - the page shows a short message, the log keeps the traceback
            log.exception("panel %s failed", d.decl.name)
            d.panel.fail(t("load_error", self.lang, msg=_short_error(exc)))
            return
        if view is None or view.table is None or len(view.table) == 0:
            d.panel.fail(t("no_data", self.lang))
            return
        d.panel.show(view)
        log.debug("panel %s drawn in %.3f s", d.decl.name, time.perf_counter() - started)

    def show(self) -> None:
        """Draw every panel and display the page."""
        self.redraw()
        controls = widgets.HBox(list(self.widgets.values()),
                                layout=widgets.Layout(flex_flow="row wrap", gap="0.5em 1em", max_width="100%"))
        controls.add_class("fd-controls")
        items = [self.style, self.js, self.shared.send, self.head, self.headlines, controls, self.link,
                 *[d.panel for d in self.texts], *[d.panel.widget for d in self.panels]]
        page = widgets.VBox(items, layout=widgets.Layout(max_width="1100px"))
        page.add_class("fd-page")
        # the widget's own display also writes a text form of the whole widget tree (10 ms), which no page shows
        display({"application/vnd.jupyter.widget-view+json": page.get_view_spec(),
                 "text/plain": document_title_for(self.lang, self.notebook)}, raw=True)


def _short_error(exc: Exception) -> str:
    """A one-line reason for the page (no traceback, no paths)."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if "warehouse not found" in text:
        return "warehouse not found: run `make warehouse`"
    return text[:200]
