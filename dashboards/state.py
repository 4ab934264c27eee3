"""URL state: read the page address (?year=2012&by=gender&kommune=147&lang=en) into validated widget values.

Every parameter is checked against a whitelist of allowed values; anything else falls back to the default and
leaves a note for the page to show. Nothing from the address reaches SQL: the query layer gets whitelisted values.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode

from server.preheat import get_query_string, preheated, request_arrived  # noqa: F401 - ui.run asks state

MAX_VALUE_LEN = 40  # longer values are rejected before any comparison (and shortened in the note)
MAX_FIELDS = 50  # fields read from an address; the rest are ignored with one "unknown parameter" note


@dataclass(frozen=True)
class Choice:
    """One URL parameter: its name, the allowed values (as text) and the default."""
    name: str
    options: tuple[str, ...]
    default: str | None

    def __post_init__(self):
        if self.default is not None and self.default not in self.options:
            raise ValueError(f"default {self.default!r} of {self.name} is not among its options")


@dataclass
class Note:
    """A rejected URL parameter: name, the value given (shortened), the default used instead (None = ignored)."""
    name: str
    value: str
    default: str | None
    unknown: bool = False


@dataclass
class State:
    values: dict[str, str | None]
    notes: list[Note] = field(default_factory=list)

    @property
    def lang(self) -> str:
        return self.values.get("lang") or "da"

    def get(self, name: str) -> str | None:
        return self.values.get(name)


LANG = Choice("lang", ("da", "en"), "da")


def _short(value: str) -> str:
    return value if len(value) <= MAX_VALUE_LEN else value[:MAX_VALUE_LEN] + "…"


def parse_query(query: str | None, choices: list[Choice]) -> State:
    """Validate a query string against the choices (lang is always accepted); invalid values give notes."""
    spec = {c.name: c for c in [LANG, *choices]}
    values: dict[str, str | None] = {c.name: c.default for c in spec.values()}
    seen: set[str] = set()
    notes: list[Note] = []
    # no max_num_fields: parse_qsl raises beyond it, and the page then failed instead of ignoring the extra fields
    pairs = parse_qsl((query or "").lstrip("?"), keep_blank_values=True)
    pairs, extra = pairs[:MAX_FIELDS], pairs[MAX_FIELDS:]
    for name, raw in pairs:
        c = spec.get(name)
        if c is None:
            notes.append(Note(_short(name), "", None, unknown=True))
            continue
        if name in seen:  # the first occurrence wins, later duplicates are ignored silently
            continue
        seen.add(name)
        value = raw.strip()
        if len(value) <= MAX_VALUE_LEN:
            # case-insensitive match against the whitelist; the stored value is the whitelist's spelling
            match = next((o for o in c.options if o.lower() == value.lower()), None)
            if match is not None:
                values[name] = match
                continue
        notes.append(Note(name, _short(raw), c.default))
    if extra:
        names = list(dict.fromkeys(name for name, _ in extra))
        shown = ", ".join(_short(n) for n in names[:3]) + (", …" if len(names) > 3 else "")
        notes.append(Note(_short(shown), "", None, unknown=True))
    return State(values, notes)


def validate(value, choice: Choice) -> str | None:
    """A widget value as whitelisted text, or the default when it is not allowed."""
    text = None if value is None else str(value)
    return text if text in choice.options else choice.default


def to_query(values: dict[str, str | None], choices: list[Choice]) -> str:
    """The query string that reproduces these values (defaults left out), e.g. '?year=2012&lang=en'."""
    spec = [LANG, *choices]
    pairs = [(c.name, values[c.name]) for c in spec
             if values.get(c.name) is not None and values.get(c.name) != c.default]
    return "?" + urlencode(pairs) if pairs else ""


_assumed: list[str] = []  # the address a preheated kernel builds its page for before the request (ui.run)


def current_query_string() -> str:
    """The query string the page is built for: the request's, or while a preheated kernel builds its page ahead
    of the request, the address it assumes (`assuming`)."""
    return _assumed[-1] if _assumed else request_query_string()


@lru_cache(maxsize=1)
def request_query_string() -> str:
    """The request's query string: Voilà passes it as $QUERY_STRING; a preheated kernel has to wait for the request
    (asked once: a kernel serves one page)."""
    if preheated():
        return get_query_string() or ""  # blocks until a browser claims this preheated kernel
    return os.environ.get("QUERY_STRING", "")


@contextmanager
def assuming(query: str):
    """Build for `query` without waiting for the request (current_query_string() returns it meanwhile)."""
    _assumed.append(query)
    try:
        yield
    finally:
        _assumed.pop()
