"""The address of the page a kernel builds: Voilà passes the request's query string as $QUERY_STRING; a preheated
kernel waits for it (server/preheat.py), and builds the plain address's page meanwhile (`assuming`). Reading the
address into control values is pages/address.py."""
from __future__ import annotations

import os
from contextlib import contextmanager
from functools import lru_cache

from server.preheat import get_query_string, preheated, request_arrived  # noqa: F401 - ui.run asks state

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
