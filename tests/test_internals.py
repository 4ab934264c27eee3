"""server/internals.py against the installed packages: each function that reads another package's private attribute
or follows its protocol is run on that package's real objects, and fails naming the attribute, the package, its
installed and locked versions when an upgrade removed or changed it. And no other module of the project touches a
private attribute of another package (they all go through server/internals.py)."""
from __future__ import annotations

import ast
import asyncio
import inspect
import json
import re
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from types import SimpleNamespace

import pytest

from server import internals

REPO = Path(__file__).resolve().parents[1]
PROJECT = ("server", "dashboards", "views", "pages", "reports", "etl", "queries")


def locked(package: str) -> str | None:
    m = re.search(rf"^{re.escape(package)}==(\S+)", (REPO / "requirements.lock").read_text(encoding="utf-8"), re.M)
    return m.group(1) if m else None


def versions(package: str) -> str:
    return (f"{package} {version(package)} installed, {locked(package)} in requirements.lock, server/internals.py "
            f"read against {internals.CHECKED.get(package)}")


@contextmanager
def relies_on(what: str, package: str):
    """Turn any failure inside into one message naming what server/ relies on and the package's versions."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - every failure is reported the same way
        pytest.fail(f"server/internals.py relies on {what} ({versions(package)}), which no longer holds: "
                    f"{type(exc).__name__}: {exc}", pytrace=False)


def source(obj) -> str:
    return inspect.getsource(obj)


def test_the_versions_read_against_are_the_locked_ones():
    for package, checked in internals.CHECKED.items():
        assert locked(package) == checked, (
            f"requirements.lock has {package} {locked(package)}, server/internals.py was read against {checked}: "
            f"read each of its functions again against {locked(package)} (this file tests them), then set CHECKED")


# -- Voilà: the preheated pool, and which kernel a page gets ------------------------------------------------------

def voila_kernel_manager(tmp_path, preheat: bool):
    """Voilà's own kernel manager class over jupyter_server's, as Voilà builds it, without a server: no notebooks in
    its root, so it starts nothing."""
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
    from traitlets import Int, Unicode
    from traitlets.config import Configurable
    from voila.voila_kernel_manager import voila_kernel_manager_factory

    class App(Configurable):  # the attributes of the Voilà app the kernel manager reads from its parent
        root_dir = Unicode(str(tmp_path))
        notebook_path = Unicode(None, allow_none=True)
        base_url = Unicode("/")
        server_url = Unicode("/")
        port = Int(8866)

    cls = voila_kernel_manager_factory(AsyncMappingKernelManager, preheat_kernel=preheat, default_pool_size=1)
    return cls(parent=App(), root_dir=str(tmp_path))


def test_voila_pools_pooled_kernel_id_refill_pool_and_watch_page_kernel(tmp_path, monkeypatch):
    """A pool filled by refill_pool, read by voila_pools and pooled_kernel_id, a page taking its kernel from it
    through watch_page_kernel: Voilà's own pool code, with only the kernel's start replaced."""
    with relies_on("voila_kernel_manager_factory(...) building a preheating kernel manager", "voila"):
        km = voila_kernel_manager(tmp_path, preheat=True)
    started: list[str] = []

    async def initialize(notebook_name, kernel_id=None, **kwargs):  # what Voilà's _initialize returns, no kernel
        started.append(notebook_name)
        return {"task": None, "renderer": SimpleNamespace(stop_generator=False, rendered_cache=["<p>"]),
                "kernel_id": f"kernel-{len(started)}"}

    with relies_on("VoilaKernelManager._initialize(notebook, kernel_id, **kwargs) starting a pool's kernel", "voila"):
        assert inspect.iscoroutinefunction(type(km)._initialize)
        assert "_initialize(notebook_name, None" in source(type(km).fill_if_needed)
    monkeypatch.setattr(km, "_initialize", initialize)
    claimed: list[str] = []

    async def run():
        with relies_on("VoilaKernelManager._pools (notebook -> list of kernel start tasks)", "voila"):
            assert internals.voila_pools(km) == {}
        with relies_on("VoilaKernelManager.fill_if_needed(delay=0, notebook_name=...) filling _pools", "voila"):
            internals.refill_pool(km, "a.ipynb")
            pools = internals.voila_pools(km)
            assert list(pools) == ["a.ipynb"] and len(pools["a.ipynb"]) == 1, pools
            assert internals.pooled_kernel_id(pools["a.ipynb"][0]) is None  # not started yet
        await asyncio.gather(*pools["a.ipynb"])
        with relies_on('a pool task\'s result {"kernel_id": ...}', "voila"):
            assert internals.pooled_kernel_id(pools["a.ipynb"][0]) == "kernel-1"
        with relies_on("VoilaKernelManager.get_rendered_notebook returning (task, cells, kernel id)", "voila"):
            page_km = internals.watch_page_kernel(km, claimed.append)
            assert page_km.get_pool_size("a.ipynb") == 1  # everything else passes through to Voilà's manager
            await page_km.get_rendered_notebook(notebook_name="a.ipynb")
            assert claimed == ["kernel-1"]
            assert len(internals.voila_pools(km)["a.ipynb"]) == 1  # Voilà refills the pool it took the kernel from
            await asyncio.gather(*internals.voila_pools(km)["a.ipynb"])
            assert [internals.pooled_kernel_id(t) for t in internals.voila_pools(km)["a.ipynb"]] == ["kernel-2"]

    asyncio.run(run())


def test_voila_pools_is_empty_without_preheated_kernels(tmp_path):
    with relies_on("the plain kernel manager (preheat_kernel=False) having no fill_if_needed and no pool", "voila"):
        km = voila_kernel_manager(tmp_path, preheat=False)
        assert not hasattr(km, "fill_if_needed") and not hasattr(km, "_pools")
        assert internals.voila_pools(km) == {}


def test_voila_page_handler_takes_its_kernel_through_kernel_manager():
    from jupyter_server.base.handlers import JupyterHandler
    from voila.handler import VoilaHandler

    with relies_on("VoilaHandler getting its kernel from self.kernel_manager (get_rendered_notebook or "
                   "start_kernel), a property server.serve.PageHandler overrides", "voila"):
        assert isinstance(inspect.getattr_static(JupyterHandler, "kernel_manager"), property)
        code = source(VoilaHandler.get_generator)
        assert "await self.kernel_manager.get_rendered_notebook(" in code
        assert "self.kernel_manager.start_kernel(" in code


def test_kernel_id_pattern():
    with relies_on("voila.app._kernel_id_regex", "voila"):
        m = re.fullmatch(internals.kernel_id_pattern(), "0b5e3f0c-2d1a-4c57-9e0f-61e2b1e5a7c4")
        assert m and m.group("kernel_id") == "0b5e3f0c-2d1a-4c57-9e0f-61e2b1e5a7c4"
        assert not re.fullmatch(internals.kernel_id_pattern(), "../../etc")


# -- Voilà: the preheated kernel's request ----------------------------------------------------------------------

@pytest.mark.parametrize("env", [
    {"VOILA_APP_PORT": "8123", "VOILA_KERNEL_ID": "k-1", "VOILA_SERVER_URL": "/base/"},
    {"VOILA_APP_PORT": "8123", "VOILA_KERNEL_ID": "k-2", "VOILA_WS_BASE_URL": "/ws/", "VOILA_WS_PROTOCOL": "wss",
     "VOILA_APP_IP": "10.0.0.2"},
])
def test_the_request_protocol_is_voilas(monkeypatch, env):
    """server.preheat does what voila.utils.wait_for_request does: the same address from the same variables, the same
    variables from the same message, and only in a preheated kernel."""
    import voila.utils

    message = json.dumps({"QUERY_STRING": "lang=en&kommune=147", "SERVER_PORT": "8123"})
    asked: list[str] = []

    async def get_request_info(url):
        asked.append(url)
        return message

    for name in ("VOILA_WS_PROTOCOL", "VOILA_APP_IP", "VOILA_WS_BASE_URL", "VOILA_SERVER_URL", "QUERY_STRING"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with relies_on("voila.utils.wait_for_request (the variables VOILA_*, the address voila/query/<kernel id>, "
                   "the message: a JSON object of CGI variables)", "voila"):
        monkeypatch.setattr(voila.utils, "_get_request_info", get_request_info)
        for preheat in ("False", "True"):
            monkeypatch.setenv("VOILA_PREHEAT", preheat)
            assert internals.preheated() == (preheat == "True")
            voila.utils.wait_for_request()
            assert len(asked) == (preheat == "True")
        assert asked == [internals.request_url()]
        import os

        assert {k: os.environ[k] for k in ("QUERY_STRING", "SERVER_PORT")} == internals.request_variables(message)


def test_the_server_offers_the_request_where_the_kernel_asks():
    from voila.app import Voila
    from voila.handler import VoilaHandler
    from voila.voila_kernel_manager import voila_kernel_manager_factory

    with relies_on("Voilà's server side of the request: the route /voila/query/<kernel id>, the request info sent "
                   "to it for the page's kernel, VOILA_PREHEAT=True and VOILA_APP_PORT in a pool kernel", "voila"):
        assert re.search(r'"/voila/query/%s"\s*%\s*_kernel_id_regex', source(Voila.init_handlers))
        assert '{"kernel_id": kernel_id, "payload": request_info}' in source(VoilaHandler.get_generator)
        code = source(voila_kernel_manager_factory)
        assert 'kernel_env[ENV_VARIABLE.VOILA_PREHEAT] = "True"' in code
        assert "kernel_env[ENV_VARIABLE.VOILA_APP_PORT] = str(self.parent.port)" in code


# -- tornado ------------------------------------------------------------------------------------------------------

def test_headers_written():
    """A real tornado server and handler: false until the first flush, and the cookie set before it goes out."""
    import tornado.httpclient
    import tornado.netutil
    import tornado.web
    from tornado.httpserver import HTTPServer

    seen: list = []

    class Handler(tornado.web.RequestHandler):
        def look(self):
            try:
                seen.append(internals.headers_written(self))
            except Exception as exc:  # noqa: BLE001 - raised in the test, not as a 500 here
                seen.append(exc)

        async def get(self):
            self.look()
            self.set_cookie("c", "1")
            self.write("x")
            await self.flush()
            self.look()

    async def run():
        [sock] = tornado.netutil.bind_sockets(0, "127.0.0.1")
        server = HTTPServer(tornado.web.Application([("/", Handler)]))
        server.add_sockets([sock])
        try:
            url = f"http://127.0.0.1:{sock.getsockname()[1]}/"
            return await tornado.httpclient.AsyncHTTPClient().fetch(url, raise_error=False, request_timeout=20)
        finally:
            server.stop()

    with relies_on("tornado.web.RequestHandler._headers_written (false until the headers are sent)", "tornado"):
        response = asyncio.run(run())
        for exc in seen:
            if isinstance(exc, Exception):
                raise exc
        assert response.code == 200, response
        assert seen == [False, True]
        assert "c=1" in response.headers.get("Set-Cookie", "")


# -- jupyter_server: the calls server/kernels.py relies on ------------------------------------------------------

def test_jupyter_server_calls_the_methods_server_kernels_overrides():
    from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
    from jupyter_server.services.kernels.kernelmanager import MappingKernelManager
    from voila.app import Voila

    with relies_on("jupyter_server calling notify_connect when a kernel's websocket opens (in the connection class "
                   "Voilà uses), cull_kernel_if_idle for each kernel when culling, and keeping a kernel's "
                   "execution_state and last_activity", "jupyter-server"):
        assert Voila.class_traits()["kernel_websocket_connection_class"].default_value is ZMQChannelsWebsocketConnection
        assert "self.multi_kernel_manager.notify_connect(self.kernel_id)" in source(ZMQChannelsWebsocketConnection)
        assert "await self.cull_kernel_if_idle(kernel_id)" in source(MappingKernelManager.cull_kernels)
        watch = source(MappingKernelManager.start_watching_activity)
        assert "kernel.execution_state = " in watch and "kernel.last_activity = " in watch


# -- nobody else touches another package's private attributes -------------------------------------------------

def project_modules() -> list[Path]:
    return [p for d in PROJECT if (REPO / d).is_dir() for p in sorted((REPO / d).rglob("*.py"))]


def private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def foreign_private_uses(paths: list[Path]) -> dict[str, list[str]]:
    """Private names (`_x`, not dunders) the modules read or set on something that is not the project's own:
    attributes neither defined by the project (a def, a class or a name assigned, an attribute set on self or cls)
    nor set on its own objects, names imported from other packages, and getattr/setattr/hasattr(obj, "_x")."""
    own: set[str] = set()
    uses: dict[str, list[str]] = {}
    trees = {p: ast.parse(p.read_text(encoding="utf-8"), str(p)) for p in paths}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                own.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                own.add(node.id)
            elif (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
                  and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                own.add(node.attr)
    for path, tree in trees.items():
        where = str(path.relative_to(REPO))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Attribute) and private(node.attr):
                foreign_store = isinstance(node.ctx, ast.Store) and not (
                    isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
                if node.attr not in own or foreign_store:
                    names.append(node.attr)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module.split(".")[0] not in PROJECT:
                names += [a.name for a in node.names if private(a.name)]
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                  and node.func.id in ("getattr", "setattr", "hasattr", "delattr") and len(node.args) >= 2
                  and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)
                  and private(node.args[1].value) and node.args[1].value not in own):
                names.append(node.args[1].value)
            for name in names:
                uses.setdefault(name, []).append(f"{where}:{node.lineno}")
    return uses


def test_only_server_internals_touches_other_packages_private_attributes():
    internals_py = REPO / "server" / "internals.py"
    mine = foreign_private_uses([internals_py])
    assert {"_pools", "_kernel_id_regex", "_headers_written"} <= set(mine)  # (the scan sees them where they are)
    elsewhere = foreign_private_uses([p for p in project_modules() if p != internals_py])
    new = "; ".join(f"{n} at {', '.join(w)}" for n, w in sorted(elsewhere.items()))
    assert not new, ("private attributes of other packages used outside server/internals.py (add a function there, "
                     f"with a test here): {new}")
    # nor in a string (other than a docstring) the names internals.py reads or the address of Voilà's request protocol
    for path in project_modules():
        if path == internals_py:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(n.body[0].value) for n in ast.walk(tree) if isinstance(n, (
            ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and n.body and isinstance(
            n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        strings = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                   and id(n) not in docstrings]
        found = [w for w in [*mine, "voila/query/"] for v in strings if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", v)]
        assert not found, f"{path.relative_to(REPO)} uses {found} in a string: only server/internals.py may"
