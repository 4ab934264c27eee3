"""What a page is, as data: controls (URL parameters with their allowed values), headline figures, panels and text
blocks, each naming the view it shows and the controls it uses.

A panel's view is a plain function of `views/` called with the panel's fixed arguments, the values of the controls
it uses (under the names the view takes) and the page language. The dashboards render a page with widgets
(`dashboards.ui`), the prebuild walks every page's addresses (`server.prebuild`), and both get a view through
`Page.view`, which keys the shared cache on exactly what the view depends on (`views.cache.view`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

from views import cache, data, html as vhtml
from .address import Choice, Note, State, parse_query, to_query

# -- controls ------------------------------------------------------------------------------------------------------


@dataclass
class Control:
    """A URL parameter shown as a dropdown: options are (label, value-as-text) pairs; convert turns text into the
    value a view gets.

    A control whose options depend on another control (`parent`: the contrast's reference on the breakdown, the
    year on the indicator) has `options_by`: parent value -> its options; `options` is then their union (the URL
    whitelist), the dropdown offers those of the parent's current value. Its default may follow the parent too
    (`default_by`); a default None stands for the first option offered. When the parent changes and the value is no
    longer offered, `fallback(old value, offered values)` picks the new one (default: the default)."""
    name: str
    description: str
    options: list[tuple[str, str]]
    default: str | None
    convert: Callable[[str], object] = str
    parent: str | None = None
    options_by: dict[str, list[tuple[str, str]]] | None = None
    default_by: dict[str, str] | None = None
    fallback: Callable[[str | None, list[str]], str | None] | None = None

    def options_for(self, values: Mapping) -> list[tuple[str, str]]:
        """The options offered under these control values (the parent's value picks them)."""
        if self.parent is None or self.options_by is None:
            return self.options
        return self.options_by.get(values.get(self.parent) or "", [])

    def default_for(self, values: Mapping) -> str | None:
        if self.default_by is not None and self.parent is not None:
            return self.default_by.get(values.get(self.parent) or "", self.default)
        return self.default

    def choice(self, values: Mapping) -> Choice:
        """The URL parameter: the whitelist (every option) and, under these values, the default (left out of links)."""
        return Choice(self.name, tuple(dict.fromkeys(v for _, v in self.options)), self.default_for(values))

    def allowed(self, value, values: Mapping) -> bool:
        return value is None or value in {v for _, v in self.options_for(values)}

    def shown(self, values: Mapping):
        """The value the dropdown shows under these control values: its own, else its default, else the first
        offered."""
        offered = self.options_for(values)
        value = values.get(self.name)
        if value is None:
            value = self.default_for(values)
        return value if value is not None else (offered[0][1] if offered else None)

    def follow(self, values: dict) -> None:
        """After the parent changed in `values`: a value no longer offered becomes the fallback's pick."""
        if self.allowed(values.get(self.name), values):
            return
        offered = [v for _, v in self.options_for(values)]
        values[self.name] = (self.fallback(values.get(self.name), offered) if self.fallback
                             else self.default_for(values))


def reset_dependents(controls: list[Control], values: dict, parent: str) -> None:
    """After `parent` changed in `values`: each control depending on it follows (Control.follow)."""
    for c in controls:
        if c.parent == parent:
            c.follow(values)


def read_address(controls: list[Control], query: str | None) -> State:
    """The controls' values from an address, validated; a value allowed in the address but not under its parent's
    value (ref=1081 with by=gender) falls back to the default, with a note like any rejected value."""
    state = parse_query(query, [c.choice({}) for c in controls])
    # again with the defaults that follow a parent's value (the latest year of the indicator asked for)
    state = parse_query(query, [c.choice(state.values) for c in controls])
    for c in controls:
        if not c.allowed(state.get(c.name), state.values):
            default = c.default_for(state.values)
            state.notes.append(Note(c.name, str(state.get(c.name)), default))
            state.values[c.name] = default
    return state


def address(controls: list[Control], values: Mapping) -> str:
    """The shortest query string reproducing these values (defaults left out), e.g. '?year=2012&by=gender'."""
    return to_query(dict(values), [c.choice(values) for c in controls])


def near(controls: list[Control], values: Mapping) -> list[dict]:
    """The control values one dropdown change away: each other option of each control, with the controls that
    depend on it following as the page makes them follow (Control.follow)."""
    out = []
    for c in controls:
        for _, value in c.options_for(values):
            if value == c.shown(values):  # the page itself
                continue
            changed = dict(values, **{c.name: value})
            reset_dependents(controls, changed, c.name)
            out.append(changed)
    return out


def converted(controls: list[Control], values: Mapping) -> dict:
    """The values the views take: each control's value as shown (its default, or its first option, when the address
    leaves it out), converted (year -> int, kommune 'all' -> None)."""
    out = {}
    for c in controls:
        value = c.shown(values)
        out[c.name] = None if value is None else c.convert(value)
    return out


class ControlSpec:
    """A control as a page declares it; `build(lang)` reads its allowed values (waves, breakdowns, municipalities)
    from the warehouse and the label files."""
    name: str

    def build(self, lang: str) -> Control:  # pragma: no cover - every spec defines it
        raise NotImplementedError


# -- panels and pages ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Panel:
    """One block of a page: `view(**args, <parameter>=<control value> for each control used, lang=...)`.

    `uses` maps the name of each control the view depends on to the view's parameter (a tuple: the same names). The
    panel is redrawn when one of them changes and its cached view is keyed on their values only. `kind`: "chart"
    (a views.present.View with its figure, table, definition and downloads), "text" (a block of HTML) or
    "headlines" (the headline figures). `takes_lang`: False for a view whose result is the same in both languages
    (headline rows, formatted later in the page's language)."""
    name: str
    view: Callable
    uses: Mapping[str, str] | tuple[str, ...] = ()
    args: Mapping[str, object] = field(default_factory=dict)
    kind: str = "chart"
    takes_lang: bool = True

    @property
    def params(self) -> dict[str, str]:
        """control name -> the view's parameter."""
        return dict(self.uses) if isinstance(self.uses, Mapping) else {u: u for u in self.uses}

    def inputs(self, values: Mapping) -> dict:
        """The values of the controls this panel uses (the part of the page state it depends on)."""
        return {c: values.get(c) for c in self.params}

    def compute(self, values: Mapping, lang: str):
        """Call the view (no cache): values are the converted control values."""
        kwargs = {param: values.get(c) for c, param in self.params.items()}
        if self.takes_lang:
            kwargs["lang"] = lang
        return self.view(**self.args, **kwargs)


@dataclass(frozen=True)
class Page:
    """A dashboard page: its notebook (the address /voila/render/<notebook>), controls, headlines, panels."""
    notebook: str
    controls: tuple[ControlSpec, ...] = ()
    headlines: Panel | None = None
    panels: tuple[Panel, ...] = ()

    def build_controls(self, lang: str) -> list[Control]:
        return [spec.build(lang) for spec in self.controls]

    def open(self, query: str | None) -> tuple[str, list[Control], State]:
        """An address as a kernel serving it reads it: its language, the controls in that language (their allowed
        values read from the warehouse) and their validated values."""
        lang = parse_query(query, []).lang
        controls = self.build_controls(lang)
        return lang, controls, read_address(controls, query)

    @property
    def blocks(self) -> tuple[Panel, ...]:
        """Everything the page draws: the headline figures (if any), then its panels."""
        return ((self.headlines,) if self.headlines else ()) + self.panels

    def panel(self, name: str) -> Panel:
        return next(p for p in self.blocks if p.name == name)

    def view(self, panel: Panel, values: Mapping, lang: str):
        """The panel's view for these (converted) control values, as the page shows it, shared between kernels:
        keyed on the page, the panel, the values of the controls it uses and the language (views.cache.view adds
        the warehouse build and the content of the source files)."""
        inputs = panel.inputs(values)
        if panel.kind == "chart":
            def build():
                view = panel.compute(values, lang)
                return None if view is None else vhtml.decorate(view, panel.name, lang, inputs)
        elif panel.kind == "headlines":
            def build():
                return vhtml.headlines_html(panel.compute(values, lang), lang)
        else:
            def build():
                return panel.compute(values, lang)
        return cache.view(data.key(None), self.notebook, panel.name, inputs, lang, build,
                          kind="views" if panel.kind == "chart" else "blocks")
