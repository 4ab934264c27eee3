"""Every place where the dashboard server relies on another package's private internals or copies its protocol.

The rest of server/ calls these functions and never touches a private attribute of Voilà, jupyter_server or tornado
itself (tests/test_internals.py checks both: each function against the installed packages, failing with the
attribute, the package and its installed and locked versions; and that no other module uses these names). Each was
read against the versions in CHECKED, which are those of requirements.lock: after an upgrade (`make lock
UPGRADE=1`) the test asks for this module to be read again against the new versions before CHECKED is moved on.

Besides these, server/ subclasses public classes and relies on who calls their public methods; the test checks
those calls too: jupyter_server's kernel websocket calls `notify_connect` and its culling calls `cull_kernel_if_idle`
for each kernel (server/kernels.py); Voilà's page handler gets its kernel through its `kernel_manager` property
(watch_page_kernel below).

Kernels import this module (server.preheat): only the standard library at the top.
"""
from __future__ import annotations

import json
import os
from typing import Callable, Mapping

# the versions this module was read against (the same as requirements.lock; tests/test_internals.py)
CHECKED = {"voila": "0.5.13", "jupyter-server": "2.21.1", "tornado": "6.6.1"}


# -- Voilà: the preheated kernel pool ------------------------------------------------------------------------------

def voila_pools(km) -> dict:
    """Voilà's preheated pools: notebook path -> list of asyncio tasks, each starting one kernel and running its
    notebook (the private `VoilaKernelManager._pools`, voila/voila_kernel_manager.py). Empty when kernels are not
    preheated (Voilà's plain kernel manager has no pool; it has no `fill_if_needed` either)."""
    if not hasattr(km, "fill_if_needed"):
        return {}
    return km._pools


def pooled_kernel_id(task) -> str | None:
    """The kernel id of a pool task that has started its kernel (its result is a dict with "kernel_id", as Voilà's
    `_initialize` returns it); None while starting, or when the start failed."""
    if not task.done() or task.cancelled() or task.exception() is not None:
        return None
    return task.result()["kernel_id"]


def refill_pool(km, notebook: str) -> None:
    """Start kernels for the notebook's pool until it is full again, now (`fill_if_needed(delay=0,
    notebook_name=...)`, which Voilà itself calls when a page takes a kernel from the pool)."""
    km.fill_if_needed(delay=0, notebook_name=notebook)


# -- Voilà: which kernel a page request got ------------------------------------------------------------------------

class _PageKernels:
    """The kernel manager as one page request sees it: tells `claimed` which kernel the page gets. Voilà's notebook
    handler (voila/handler.py, get_generator) takes it through `self.kernel_manager` with either
    `get_rendered_notebook(...)` (a preheated kernel; returns (render task, rendered cells, kernel id)) or
    `start_kernel(...)` (returns the kernel id), and keeps the id to itself."""

    def __init__(self, km, claimed: Callable[[str], None]):
        self._km, self._claimed = km, claimed

    def __getattr__(self, name):
        return getattr(self._km, name)

    async def get_rendered_notebook(self, *args, **kwargs):
        result = await self._km.get_rendered_notebook(*args, **kwargs)
        self._claimed(result[2])
        return result

    async def start_kernel(self, *args, **kwargs):
        kernel_id = await self._km.start_kernel(*args, **kwargs)
        self._claimed(kernel_id)
        return kernel_id


def watch_page_kernel(km, claimed: Callable[[str], None]):
    """What a Voilà page handler's `kernel_manager` property returns so that `claimed(kernel_id)` is called when the
    page gets its kernel."""
    return _PageKernels(km, claimed)


def kernel_id_pattern() -> str:
    """The URL pattern of a kernel id with the group `kernel_id`, as Voilà's own routes use it (the private
    `voila.app._kernel_id_regex`)."""
    from voila.app import _kernel_id_regex

    return _kernel_id_regex


# -- Voilà: a preheated kernel waits for its page's request ---------------------------------------------------------
# The steps of `voila.utils.wait_for_request` (server/preheat.py does them without importing Voilà): the kernel
# connects to the websocket /voila/query/<kernel id> of the server that started it and receives one message, a JSON
# object of CGI-style variables (QUERY_STRING, SERVER_PORT ...), which it puts in its environment.

def preheated(env: Mapping[str, str] = os.environ) -> bool:
    """Whether this kernel was started ahead of its visitor ($VOILA_PREHEAT, "True" in a pool kernel; Voilà treats
    anything but "False" as preheated)."""
    return env.get("VOILA_PREHEAT", "False") not in ("False", "")


def request_url(env: Mapping[str, str] = os.environ) -> str:
    """The websocket address a preheated kernel receives its request on, from the variables Voilà gives it."""
    protocol = env.get("VOILA_WS_PROTOCOL", "ws")
    ip = env.get("VOILA_APP_IP", "127.0.0.1")
    port = env.get("VOILA_APP_PORT", "8866")
    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    return f"{protocol}://{ip}:{port}{base}voila/query/{env.get('VOILA_KERNEL_ID')}"


def request_variables(message: str | bytes) -> dict[str, str]:
    """The request's variables from the message received on that websocket."""
    return dict(json.loads(message))


# -- tornado ------------------------------------------------------------------------------------------------------

def headers_written(handler) -> bool:
    """Whether the response's headers have gone out (then no cookie can be set any more): tornado's private
    `RequestHandler._headers_written`, set by the first flush."""
    return handler._headers_written
