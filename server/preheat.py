"""The page's request in a preheated kernel, without importing Voilà.

A preheated kernel runs the notebook before anyone asks for the page and waits for the request (its URL
parameters) on Voilà's websocket /voila/query/<kernel id>. `voila.utils.get_query_string` does this, but importing
`voila.utils` imports Voilà's server side (jupyter_server, jupyterlab_server, nbconvert): 2.1 s of CPU in every
kernel, more than the rest of a visit together (issue 11). This module does the same few steps as Voilà 0.5.13's
`voila.utils.wait_for_request`: connect to the websocket the server offers, receive the request info (a JSON
object of CGI-style variables such as QUERY_STRING), put it in os.environ. It waits longer for the connection than
Voilà's 5 s, which a busy server can exceed (the page then lost its URL parameters). The protocol's details (the
variables, the address, the message) are in server.internals.
"""
from __future__ import annotations

import asyncio
import os
import threading
from functools import lru_cache

from . import internals

OPEN_TIMEOUT = 60  # seconds to connect to a busy server


async def _receive(url: str) -> str | None:
    from websockets.asyncio.client import connect as open_websocket

    try:
        async with open_websocket(url, open_timeout=OPEN_TIMEOUT, max_size=None) as ws:
            return await ws.recv()
    except (OSError, TimeoutError, asyncio.TimeoutError) as exc:
        import sys

        print(f"frivilligdata: no request info from {url}: {exc}", file=sys.__stderr__, flush=True)
        return None


_info: list[str | None] = [None]  # the request, once the listener has received it


@lru_cache(maxsize=1)
def _listen() -> threading.Thread:
    """Connect to the server's request websocket (once: from the first ask on) and receive the request in a thread
    with its own event loop (the kernel's loop is busy running the notebook's cell)."""
    url = internals.request_url()
    thread = threading.Thread(target=lambda: _info.__setitem__(0, asyncio.run(_receive(url))), daemon=True)
    thread.start()
    return thread


def preheated() -> bool:
    """Whether this kernel was started ahead of its visitor (Voilà's preheated pool)."""
    return internals.preheated()


def request_arrived(timeout: float) -> bool:
    """Whether a visitor's request is here within `timeout` seconds (listening from the first call on; always true
    when the kernel was not preheated). A kernel started for a visitor who is already waiting (the pool was empty)
    gets it at once: the server keeps the request until the kernel connects."""
    if not preheated():
        return True
    thread = _listen()
    thread.join(timeout)
    return not thread.is_alive()


def wait_for_request() -> None:
    """Block until the server hands this preheated kernel a request; its variables go to os.environ."""
    if not preheated():
        return
    _listen().join()
    if _info[0] is not None:
        for k, v in internals.request_variables(_info[0]).items():
            os.environ[k] = v


def get_query_string() -> str:
    wait_for_request()
    return os.getenv("QUERY_STRING") or ""
