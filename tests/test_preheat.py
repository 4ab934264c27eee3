"""server.preheat: a preheated kernel gets its page's request without importing Voilà's server side."""
from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading

import pytest

from server import preheat

REPO = preheat.__file__.rsplit("/server/", 1)[0]


@pytest.fixture(autouse=True)
def fresh_listener():
    """A kernel listens for its one request once; each test is a new kernel."""
    preheat._listen.cache_clear()
    preheat._info[0] = None
    yield
    preheat._listen.cache_clear()
    preheat._info[0] = None


def _server(payload: dict, ready: list, paths: list, release: threading.Event | None = None):
    """Voilà's request websocket: sends the request when a kernel connects (after `release` is set, if given: the
    visitor comes later)."""
    import tornado.web
    import tornado.websocket

    class Query(tornado.websocket.WebSocketHandler):
        async def open(self, kernel_id):
            paths.append(kernel_id)
            while release is not None and not release.is_set():
                await asyncio.sleep(0.01)
            self.write_message(json.dumps(payload))

    async def main():
        app = tornado.web.Application([(r"/base/voila/query/(.*)", Query)])
        server = app.listen(0, "127.0.0.1")
        ready.append(next(iter(server._sockets.values())).getsockname()[1])
        await asyncio.Event().wait()

    asyncio.run(main())


def _serve(monkeypatch, payload: dict, release: threading.Event | None = None) -> list:
    ready, paths = [], []
    threading.Thread(target=_server, args=(payload, ready, paths, release), daemon=True).start()
    while not ready:
        pass
    for k, v in {"VOILA_PREHEAT": "True", "VOILA_APP_PORT": str(ready[0]), "VOILA_KERNEL_ID": "abc-1",
                 "VOILA_SERVER_URL": "/base/"}.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("QUERY_STRING", raising=False)
    monkeypatch.delenv("VOILA_WS_BASE_URL", raising=False)
    return paths


def test_the_request_info_reaches_the_environment(monkeypatch):
    paths = _serve(monkeypatch, {"QUERY_STRING": "year=2012&by=gender", "SERVER_PORT": "1"})
    assert preheat.get_query_string() == "year=2012&by=gender"
    assert paths == ["abc-1"]


def test_a_kernel_sees_whether_its_visitor_is_already_there(monkeypatch):
    """request_arrived says within its timeout whether the request is here; the kernel keeps listening on the same
    connection and gets the request when the visitor comes."""
    release = threading.Event()
    paths = _serve(monkeypatch, {"QUERY_STRING": "lang=en"}, release)
    assert not preheat.request_arrived(0.2)  # nobody yet: the page of the plain address is built meanwhile
    release.set()
    assert preheat.request_arrived(10)
    assert preheat.get_query_string() == "lang=en"
    assert paths == ["abc-1"]  # one connection


def test_without_preheat_the_environment_is_used(monkeypatch):
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    monkeypatch.setenv("QUERY_STRING", "kommune=147")
    assert preheat.get_query_string() == "kommune=147"


def test_a_dashboard_kernel_does_not_import_voila():
    code = ("import sys\nimport pages\nfrom views import data, survey\nfrom dashboards import ui, state\n"
            "from server import preheat\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('voila', 'jupyter_server', "
            "'jupyterlab_server', 'nbconvert')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
