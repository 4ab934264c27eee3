"""The dashboard page: header, demo banner, URL state, widgets and chart panels (metadata, CSV, table, PNG).

A notebook builds a `Dashboard` from `Control`s (widgets tied to URL parameters) and panel functions
`fn(state) -> View`, then calls `show()`. Panels are redrawn only when a control they use changes.
"""
from __future__ import annotations

import base64
import html
import logging
import sys
import time
from dataclasses import dataclass, field
from typing import Callable

import ipywidgets as widgets
import pandas as pd
from plotly.io.base_renderers import PlotlyRenderer
from IPython.display import display

from . import cache, charts, data
from .labels import DASHBOARDS, dimension_title, label, municipalities, pick, t
from .state import Choice, State, current_query_string, parse_query, to_query, validate

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
.fd-nav { font-size: 0.95em; }
.fd-nav a { margin-right: 1.2em; }
.fd-banner { background: #fff3cd; border: 1px solid #E69F00; color: #5c3b00; padding: 0.5em 0.8em;
             border-radius: 4px; margin: 0.5em 0; font-weight: bold; }
.fd-note { background: #e8f1fa; border: 1px solid #56B4E9; padding: 0.4em 0.8em; border-radius: 4px;
           margin: 0.3em 0; }
.fd-error { background: #fbe9e0; border: 1px solid #D55E00; padding: 0.4em 0.8em; border-radius: 4px; }
.fd-meta { font-size: 0.9em; color: #333; margin: 0.2em 0 1.5em 0; max-width: 1000px; line-height: 1.35; }
.fd-meta table { border-collapse: collapse; font-size: 0.95em; margin-top: 0.4em; }
.fd-meta th, .fd-meta td { border-bottom: 1px solid #ddd; padding: 2px 8px; text-align: left; }
.fd-meta td.num { text-align: right; }
.fd-panel { border-top: 1px solid #ccc; padding-top: 0.6em; }
.fd-text { max-width: 1000px; font-size: 0.95em; }
.fd-text table { border-collapse: collapse; }
.fd-text th, .fd-text td { border-bottom: 1px solid #ddd; padding: 2px 8px; text-align: left; vertical-align: top; }
</style>
"""


@dataclass
class View:
    """What a panel function returns: the figure, the table behind it and the metric it shows."""
    fig: object
    table: pd.DataFrame
    meta: object
    note: str = ""


@dataclass
class Control:
    """A widget tied to a URL parameter: options are (label, value-as-text) pairs; convert turns text into a value."""
    name: str
    description: str
    options: list[tuple[str, str]]
    default: str
    convert: Callable[[str], object] = str

    @property
    def choice(self) -> Choice:
        return Choice(self.name, tuple(v for _, v in self.options), self.default)


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


def option_control(name: str, description: str, options: list[tuple[str, str]], default: str) -> Control:
    return Control(name, description, options, default)


# -- HTML pieces --------------------------------------------------------------------------------------------------

def banner_html(lang: str) -> str:
    """The demo-data banner (empty for real data)."""
    if not data.is_demo():
        return ""
    return f'<div class="fd-banner" id="fd-demo-banner">{html.escape(label("data_kind", "demo", lang))}.</div>'


def notes_html(notes, controls: list[Control], lang: str) -> str:
    """The fallback notes for rejected URL parameters."""
    by_name = {c.name: c for c in controls}
    parts = []
    for n in notes:
        if n.unknown:
            text = t("unknown_param", lang, name=n.name)
        else:
            c = by_name.get(n.name)
            shown = next((lab for lab, v in c.options if v == n.default), n.default) if c else n.default
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
    nav.append(f'<a href="{html.escape(query_for_other_lang or "?")}" id="fd-lang">{html.escape(t("switch_lang", lang))}</a>')
    return (f'{CSS}<div class="fd-header"><div class="fd-nav">{"".join(nav)}</div>'
            f'<h1 id="fd-title">{html.escape(title)}</h1></div>')


def table_html(df: pd.DataFrame) -> str:
    return df.to_html(index=False, border=0, classes="fd-table", na_rep="", escape=True)


def csv_link(df: pd.DataFrame, filename: str, lang: str) -> str:
    """A download link holding the CSV itself (data: URI), so no server round trip is needed."""
    payload = ("\ufeff" + charts.csv_text(df, lang)).encode("utf-8")
    uri = "data:text/csv;charset=utf-8;base64," + base64.b64encode(payload).decode("ascii")
    return (f'<a class="fd-csv" download="{html.escape(filename)}" href="{uri}" '
            f'data-rows="{len(df)}">⬇ {html.escape(t("download_csv", lang))}</a>')


def meta_html(meta, lang: str) -> str:
    """The metric's definition, unit and source in the page language (meta.unit stays English for chart logic)."""
    source = ", ".join(getattr(meta, "source", ()) or ())
    return (f'<div><b>{html.escape(t("definition", lang))}:</b> {html.escape(meta.definition_for(lang))}</div>'
            f'<div><b>{html.escape(t("unit", lang))}:</b> {html.escape(meta.unit_for(lang))} · '
            f'<b>{html.escape(t("source", lang))}:</b> {html.escape(source)} '
            f'(<code>{html.escape(meta.name)}</code>)</div>')


# -- panels -------------------------------------------------------------------------------------------------------

class ChartPanel:
    """One chart with its metric's definition, unit and source, a CSV link, the table and PNG via the modebar."""

    def __init__(self, name: str, lang: str):
        self.name = name
        self.lang = lang
        self.out = widgets.Output()
        self.info = widgets.HTML()
        self.widget = widgets.VBox([self.out, self.info])
        self.widget.add_class("fd-panel")
        self.widget.add_class(f"fd-panel-{name}")
        self.table: pd.DataFrame | None = None

    def show(self, view: View) -> None:
        lang = self.lang
        self.table = view.table
        shown = charts.display_table(view.table, view.meta, lang)
        # Set the Output widget's outputs from the kernel instead of capturing a display (`with self.out:`):
        # while Voilà executes the notebook, a capture makes nbclient mirror the output into the widget by sending
        # on the kernel's shell socket (jupyter_client's Session.send on a sync shadow of the asyncio socket), which
        # can swallow the wake-up for the execute reply, so the page stalled forever (jupyter/nbclient#312).
        self.out.outputs = (_plotly_output(view.fig),)
        note = f'<div class="fd-note">{html.escape(view.note)}</div>' if view.note else ""
        self.info.value = (
            f'<div class="fd-meta">{note}{meta_html(view.meta, lang)}'
            f'<div>{csv_link(view.table, self.name + ".csv", lang)} · '
            f'<span>{html.escape(t("png_hint", lang))}</span></div>'
            f'<details><summary>{html.escape(t("show_table", lang))}</summary>{table_html(shown)}</details></div>'
        )

    def fail(self, message: str) -> None:
        self.table = None
        self.out.outputs = ()
        self.info.value = f'<div class="fd-error">{html.escape(message)}</div>'


def _plotly_output(fig) -> dict:
    """A display_data output holding the figure in plotly's mimetype (what pio.show's plotly_mimetype renderer sends)."""
    bundle = PlotlyRenderer(config=charts.PLOTLY_CONFIG).to_mimebundle(fig.to_dict())
    return {"output_type": "display_data", "data": bundle, "metadata": {}}


@dataclass
class _Panel:
    fn: Callable[[S], View | None]
    uses: tuple[str, ...]
    panel: ChartPanel


@dataclass
class Dashboard:
    """A page: header and banner, URL-driven controls, and panels redrawn when the controls they use change."""
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
        for c in self.controls:
            w = widgets.Dropdown(options=c.options, value=self.state.get(c.name), description=c.description,
                                 style={"description_width": "initial"}, layout=widgets.Layout(width="auto"))
            w.add_class(f"fd-control-{c.name}")
            w.observe(self._changed(c), names="value")
            self.widgets[c.name] = w
        self.head = widgets.HTML()
        self.link = widgets.HTML()
        self._render_head()

    # state -------------------------------------------------------------------------------------------------------
    def values(self) -> S:
        s = S(lang=self.lang)
        for c in self.controls:
            s[c.name] = c.convert(self.state.get(c.name))
        return s

    def _render_head(self) -> None:
        choices = [c.choice for c in self.controls]
        other = dict(self.state.values, lang="da" if self.lang == "en" else "en")
        self.head.value = (header_html(self.notebook, self.lang, to_query(other, choices))
                           + banner_html(self.lang) + notes_html(self.state.notes, self.controls, self.lang))
        self._render_head_link()

    def _changed(self, control: Control):
        def handler(change):
            value = validate(change["new"], control.choice)  # widget values are whitelisted too
            self.state.values[control.name] = value
            self._render_head()  # the permalink and the language switch keep the current view
            self.redraw(uses=control.name)
        return handler

    def _render_head_link(self) -> None:
        choices = [c.choice for c in self.controls]
        here = to_query(self.state.values, choices) or "?"
        # the address in the link text too, so a user can read (and copy) what will be mailed
        self.link.value = (f'<a id="fd-permalink" href="{html.escape(here)}">{html.escape(t("link_here", self.lang))}'
                           f' <code>{html.escape(here)}</code></a>')

    # panels ------------------------------------------------------------------------------------------------------
    def add(self, fn: Callable[[S], View | None], uses: tuple[str, ...] | list[str] = ()) -> ChartPanel:
        """Add a chart panel drawn by fn(state); it is redrawn when a control named in `uses` changes."""
        panel = ChartPanel(fn.__name__, self.lang)
        self.panels.append(_Panel(fn, tuple(uses), panel))
        return panel

    def add_text(self, fn: Callable[[S], str]) -> None:
        """Add a block of HTML produced by fn(state) (Om data)."""
        w = widgets.HTML()
        w.add_class("fd-text")
        try:
            w.value = fn(self.values())
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
            view = cache.view(self.notebook, p.fn, s, lambda: p.fn(s))  # shared between kernels per build
        except Exception as exc:  # noqa: BLE001 - the page shows a short message, the log keeps the traceback
            log.exception("panel %s failed", p.panel.name)
            p.panel.fail(t("load_error", self.lang, msg=_short_error(exc)))
            return
        if view is None or view.table is None or len(view.table) == 0:
            p.panel.fail(t("no_data", self.lang))
            return
        p.panel.show(view)
        log.debug("panel %s drawn in %.3f s", p.panel.name, time.perf_counter() - started)

    def show(self) -> None:
        """Draw every panel and display the page."""
        self.redraw()
        controls = widgets.HBox(list(self.widgets.values()), layout=widgets.Layout(flex_flow="row wrap", gap="1em"))
        items = [self.head, controls, self.link, *self.texts, *[p.panel.widget for p in self.panels]]
        display(widgets.VBox(items, layout=widgets.Layout(max_width="1100px")))


def _short_error(exc: Exception) -> str:
    """A one-line reason for the page (no traceback, no paths)."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if "warehouse not found" in text:
        return "warehouse not found: run `make warehouse`"
    return text[:200]
