"""The dashboard page: header, demo banner, URL state, widgets and chart panels (metadata, CSV, table, PNG).

A notebook builds a `Dashboard` from `Control`s (widgets tied to URL parameters) and panel functions
`fn(state) -> View`, then calls `show()`. Panels are redrawn only when a control they use changes.
"""
from __future__ import annotations

import base64
import html
import json
import logging
import sys
import time
from dataclasses import dataclass, field
from typing import Callable

import ipywidgets as widgets
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import HTMLStyle
from plotly.io.base_renderers import PlotlyRenderer
from IPython.display import clear_output, display

from . import cache, charts, data, present, state
from .present import View  # noqa: F401 - panels return it; ui.View stays importable
from .labels import DASHBOARDS, dimension_title, label, municipalities, pick, t
from .state import Choice, Note, State, current_query_string, parse_query, to_query, validate
from queries.lazy import lazy

pd = lazy("pandas")

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


@dataclass
class Control:
    """A widget tied to a URL parameter: options are (label, value-as-text) pairs; convert turns text into a value.

    A control whose options depend on another control (`parent`, e.g. the reference category on the breakdown) has
    `options_by`: parent value -> its options; `options` is then their union (the URL whitelist), the widget offers
    those of the parent's current value, and default None stands for the first of them."""
    name: str
    description: str
    options: list[tuple[str, str]]
    default: str | None
    convert: Callable[[str], object] = str
    parent: str | None = None
    options_by: dict[str, list[tuple[str, str]]] | None = None

    @property
    def choice(self) -> Choice:
        return Choice(self.name, tuple(dict.fromkeys(v for _, v in self.options)), self.default)

    def options_for(self, values: dict) -> list[tuple[str, str]]:
        """The options offered under these control values (the parent's value picks them)."""
        if self.parent is None or self.options_by is None:
            return self.options
        return self.options_by.get(values.get(self.parent) or "", [])

    def allowed(self, value, values: dict) -> bool:
        return value is None or value in {v for _, v in self.options_for(values)}

    def shown(self, values: dict):
        """The value the widget shows under these control values: its own, else (default None) the first offered."""
        offered = self.options_for(values)
        value = values.get(self.name)
        return value if value is not None else (offered[0][1] if offered else None)


def reset_dependents(controls: list[Control], values: dict, parent: str) -> None:
    """After `parent` changed in `values`: each control that depends on it and no longer offers its value goes back
    to its default (the first option)."""
    for c in controls:
        if c.parent == parent and not c.allowed(values.get(c.name), values):
            values[c.name] = c.default


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


def run(main: Callable[[], None]) -> None:
    """Build and show the page: a notebook's last cell is `ui.run(main)`. A preheated kernel does not know its
    visitor's address until someone opens the page; it builds the page of the plain address (no parameters) while
    it waits, and builds the page again only for an address with parameters. A plain link (the landing page's, the
    menu's) then opens without waiting for the page to be built. A kernel whose visitor is already waiting (started
    when the pool was empty) builds that visitor's page at once."""
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


# -- controls used by several dashboards -----------------------------------------------------------------------

def year_control(years: list[int], lang: str, default: int | None = None) -> Control:
    """Survey wave (year); default the latest."""
    years = sorted(years)
    default = default if default in years else (years[-1] if years else None)
    return Control("year", t("year", lang), [(str(y), str(y)) for y in years], str(default), int)


def by_control(dimensions: list[str], lang: str, default: str = "total") -> Control:
    """Breakdown dimension from a metric's whitelist."""
    return Control("by", t("by", lang), [(dimension_title(d, lang), d) for d in dimensions],
                   default if default in dimensions else dimensions[0])


def kommune_control(lang: str, *, whole_country: bool = True, default: int | None = None) -> Control:
    """Municipality (URL parameter kommune = municipality code); optionally 'whole country' (value 'all')."""
    munis = municipalities()
    opts = [(m["name"], str(code)) for code, m in sorted(munis.items(), key=lambda kv: kv[1]["name"])]
    if whole_country:
        opts = [(t("whole_country", lang), "all"), *opts]
    dflt = "all" if whole_country and default is None else str(default or 101)
    return Control("kommune", t("kommune", lang), opts, dflt, lambda v: None if v == "all" else int(v))


def dependent_control(name: str, description: str, parent: str,
                      options_by: dict[str, list[tuple[str, str]]]) -> Control:
    """A control whose options follow the parent control's value (options_by: parent value -> (label, value) pairs);
    its default (None, left out of the address) is the first option offered."""
    union = [o for opts in options_by.values() for o in opts]
    return Control(name, description, union, None, lambda v: v, parent=parent, options_by=options_by)


def option_control(name: str, description: str, options: list[tuple[str, str]], default: str) -> Control:
    return Control(name, description, options, default)


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


def table_html(df: pd.DataFrame) -> str:
    return ('<div class="fd-tablewrap">'
            + df.to_html(index=False, border=0, classes="fd-table", na_rep="", escape=True) + "</div>")


def _data_link(payload: bytes, mime: str, filename: str, text: str, cls: str, rows: int) -> str:
    uri = f"data:{mime};base64," + base64.b64encode(payload).decode("ascii")
    return (f'<a class="{cls}" download="{html.escape(filename)}" href="{uri}" data-rows="{rows}">'
            f'⬇ {html.escape(text)}</a>')


def csv_link(df: pd.DataFrame, filename: str, lang: str, meta=None, *, rounded: bool = True,
             years=None, shown=None) -> str:
    """A download link holding the CSV itself (data: URI), so no server round trip is needed: a first line with
    source, year, the demo warning and the provenance, headings in the page language, values as displayed (or unrounded)."""
    demo = data.is_demo()
    if meta is None:  # a table that is not a metric result (kept for callers outside the panels)
        text = charts.csv_text(df, lang)
    else:
        text = present.csv_text(df, meta, lang, rounded=rounded, demo=demo, years=years, shown=shown,
                                provenance=data.provenance())
    payload = ("\ufeff" + text).encode("utf-8")
    key = "download_csv" if rounded else "download_csv_exact"
    return _data_link(payload, "text/csv;charset=utf-8", filename, t(key, lang),
                      "fd-csv" if rounded else "fd-csv-exact", len(df))


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


def _years(df: pd.DataFrame):
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

    def decorate(self, view: View, state: dict | None = None) -> View:
        """The view as the page shows it: the source and demo line drawn under the title (so a PNG carries them),
        the chart's text summary, and what goes under the chart (definition, table, downloads). Done once per view
        and page state, before the shared cache turns the figure into a dict, so a page drawn from the cache
        formats no table."""
        years = view.years = _years(view.table)
        if view.fig is not None and not isinstance(view.fig, dict):
            view.summary = view.summary or charts.summary(view.fig, self.lang)
            view.fig = charts.with_source(view.fig, present.source_line(view.meta, self.lang, years=years,
                                                                        demo=data.is_demo()))
            charts.fit_left_margin(view.fig)
        view.info_html = self._info_html(view, state)
        return view

    def _stem(self, view: View, state: dict | None) -> str:
        return view.filename or present.slug(view.meta.title_for(self.lang), *(_state_words(state or {}, self.lang)))

    def _info_html(self, view: View, state: dict | None) -> str:
        """What goes under the chart: its summary, definition, source, method and CSV links, then the table."""
        lang = self.lang
        years = view.years
        stem = self._stem(view, state)
        note = f'<div class="fd-note">{html.escape(view.note)}</div>' if view.note else ""
        shown = present.people_table(view.table, view.meta, lang)  # the table as shown: page and CSV alike
        info = (
            f'<div class="fd-meta fd-meta-top">{note}<p class="fd-summary" id="fd-summary-{self.name}">{html.escape(view.summary)}</p>'
            f'{meta_html(view.meta, lang, years)}'
            f'<div class="fd-downloads">{csv_link(view.table, stem + ".csv", lang, view.meta, years=years, shown=shown)}'
            f'{csv_link(view.table, stem + "-alle-decimaler.csv" if lang != "en" else stem + "-all-decimals.csv", lang, view.meta, rounded=False, years=years)}'
            f'<span>{html.escape(t("png_hint", lang))}</span></div></div>'
        )
        table = (f'<div class="fd-meta fd-meta-table"><details><summary>{html.escape(t("show_table", lang))}</summary>'
                 f'{table_html(shown)}</details></div>')
        return info + table

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

    def show(self, view: View, state: dict | None = None) -> None:
        if not isinstance(view.fig, dict) or not view.info_html:  # not through the cache: decorate it here
            view = self.decorate(view, state)
        fig = view.fig
        stem = self._stem(view, state)
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


def _state_words(state: dict, lang: str) -> list[str]:
    """The choices of a view as words for a file name: year, breakdown, municipality."""
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
class _Panel:
    fn: Callable[[S], View | None]
    uses: tuple[str, ...]
    panel: ChartPanel


@dataclass
class Dashboard:
    """A page: header and banner, URL-driven controls, headline figures, and panels redrawn when the controls
    they use change. The address bar follows the controls (history.replaceState, no reload)."""
    notebook: str
    controls: list[Control] = field(default_factory=list)
    query: str | None = None

    def __post_init__(self):
        qs = current_query_string() if self.query is None else self.query
        self.state: State = parse_query(qs, [c.choice for c in self.controls])
        self.lang = self.state.lang
        self.panels: list[_Panel] = []
        self.texts: list[widgets.Widget] = []
        self.widgets: dict[str, widgets.Dropdown] = {}
        self.headline_fn: Callable[[S], list] | None = None
        self._muted = False  # set while a dependent control's options are replaced (not a user's choice)
        self.shared = _Shared()
        control_layout = widgets.Layout(width="auto", max_width="100%")
        control_style = DescriptionStyle(description_width="initial")
        for c in self.controls:
            # a value allowed in the address but not under its parent's value (ref=1081 with by=gender) falls back
            if not c.allowed(self.state.get(c.name), self.state.values):
                self.state.notes.append(Note(c.name, str(self.state.get(c.name)), c.default))
                self.state.values[c.name] = c.default
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
        self._render_head()

    # state -------------------------------------------------------------------------------------------------------
    def values(self) -> S:
        s = S(lang=self.lang)
        for c in self.controls:
            s[c.name] = c.convert(self.state.get(c.name))
        return s

    def query_string(self) -> str:
        """The current view as a query string (defaults left out), e.g. '?year=2012&by=gender'."""
        return to_query(self.state.values, [c.choice for c in self.controls])

    def _render_head(self) -> None:
        choices = [c.choice for c in self.controls]
        other = dict(self.state.values, lang="da" if self.lang == "en" else "en")
        self.head.value = (header_html(self.notebook, self.lang, to_query(other, choices))
                           + banner_html(self.lang)
                           + notes_html(self.state.notes, self.controls, self.lang, self.state.values))
        self._render_head_link()

    def _changed(self, control: Control):
        def handler(change):
            if self._muted:
                return
            value = validate(change["new"], control.choice)  # widget values are whitelisted too
            if not control.allowed(value, self.state.values):
                value = control.default
            self.state.values[control.name] = value
            self._follow(control.name)
            self.redraw(uses=control.name)
            self._render_head()  # the address, the share field and the language switch keep the current view
            self._draw_headlines()
        return handler

    def _follow(self, parent: str) -> None:
        """Offer the dependent controls of `parent` the options of its new value; a choice no longer offered
        goes back to the default (the first option)."""
        reset_dependents(self.controls, self.state.values, parent)
        for c in self.controls:
            if c.parent != parent:
                continue
            self._muted = True
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

    # headline figures --------------------------------------------------------------------------------------------
    def add_headlines(self, fn: Callable[[S], list]) -> None:
        """Headline figures at the top: fn(state) -> [present.Headline or (metric, result row), ...] (drawn on
        every change)."""
        self.headline_fn = fn

    def _draw_headlines(self) -> None:
        if self.headline_fn is None:
            return
        try:
            s = self.values()
            # shared between kernels like the charts (a page drawn from the cache reads no query result)
            self.headlines.value = cache.view(self.notebook, self.headline_fn, dict(s),
                                              lambda: headlines_html(self.headline_fn(s), self.lang), kind="blocks")
        except Exception:  # noqa: BLE001 - the charts still tell; the log keeps the traceback
            log.exception("headlines failed")
            self.headlines.value = ""

    # panels ------------------------------------------------------------------------------------------------------
    def add(self, fn: Callable[[S], View | None], uses: tuple[str, ...] | list[str] = ()) -> ChartPanel:
        """Add a chart panel drawn by fn(state); it is redrawn when a control named in `uses` changes."""
        panel = ChartPanel(fn.__name__, self.lang, self.shared)
        self.panels.append(_Panel(fn, tuple(uses), panel))
        return panel

    def add_text(self, fn: Callable[[S], str]) -> None:
        """Add a block of HTML produced by fn(state) (Om data)."""
        w = self.shared.html()
        w.add_class("fd-text")
        try:
            s = self.values()
            w.value = cache.view(self.notebook, fn, dict(s), lambda: fn(s), kind="blocks")  # shared like a chart
        except Exception as exc:  # noqa: BLE001 - never a traceback in the page
            log.exception("text block %s failed", fn.__name__)
            w.value = f'<div class="fd-error">{html.escape(t("load_error", self.lang, msg=type(exc).__name__))}</div>'
        self.texts.append(w)

    def redraw(self, uses: str | None = None) -> None:
        s = self.values()
        for p in self.panels:
            if uses is None or uses in p.uses:
                self._draw(p, s)

    def _draw(self, p: _Panel, s: S) -> None:
        started = time.perf_counter()
        try:
            # computed and decorated once per build and page state, shared between kernels
            # a dependent control (the contrast's reference) only keys the panels that use it
            dependent = {c.name for c in self.controls if c.parent is not None and c.name not in p.uses}
            key = {k: v for k, v in s.items() if k not in dependent}
            view = cache.view(self.notebook, p.fn, key, lambda: p.panel.decorate(p.fn(s), s))
        except Exception as exc:  # noqa: BLE001 - the page shows a short message, the log keeps the traceback
            log.exception("panel %s failed", p.panel.name)
            p.panel.fail(t("load_error", self.lang, msg=_short_error(exc)))
            return
        if view is None or view.table is None or len(view.table) == 0:
            p.panel.fail(t("no_data", self.lang))
            return
        p.panel.show(view, s)
        log.debug("panel %s drawn in %.3f s", p.panel.name, time.perf_counter() - started)

    def show(self) -> None:
        """Draw every panel and display the page."""
        self.redraw()
        self._draw_headlines()
        controls = widgets.HBox(list(self.widgets.values()),
                                layout=widgets.Layout(flex_flow="row wrap", gap="0.5em 1em", max_width="100%"))
        controls.add_class("fd-controls")
        items = [self.style, self.js, self.shared.send, self.head, self.headlines, controls, self.link, *self.texts,
                 *[p.panel.widget for p in self.panels]]
        page = widgets.VBox(items, layout=widgets.Layout(max_width="1100px"))
        page.add_class("fd-page")
        # the widget's own display also writes a text form of the whole widget tree (10 ms), which no page shows
        display({"application/vnd.jupyter.widget-view+json": page.get_view_spec(),
                 "text/plain": document_title_for(self.lang, self.notebook)}, raw=True)


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


def _short_error(exc: Exception) -> str:
    """A one-line reason for the page (no traceback, no paths)."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if "warehouse not found" in text:
        return "warehouse not found: run `make warehouse`"
    return text[:200]
