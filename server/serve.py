"""Serve the dashboards with Voilà: `python -m server.serve [--port 8866] [options]` (`--help` lists them).

Runs from the repository root so that Voilà reads ./voila.json (source stripped, no tracebacks, abandoned kernels
culled, the preheated pool, the live-kernel cap; see docs/load.md), puts this package's Voilà template `frivillig`
on the Jupyter path (the Danish landing page at `/`, notebook pages without CDN stylesheets, the busy page and the
kernel-lost message), caps DuckDB in every kernel through the environment, and sets the `_xsrf` cookie on notebook
pages so that closing a page shuts its kernel down.
"""
from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TEMPLATE_ROOT = Path(__file__).resolve().parent / "share" / "jupyter"
TEMPLATE_DIR = TEMPLATE_ROOT / "voila" / "templates" / "frivillig"
TEMPLATE = "frivillig"
KERNEL_ENV = {"FRIVILLIGDATA_THREADS": "2", "FRIVILLIGDATA_MEMORY_LIMIT": "512MB"}
DEFAULT_PORT = 8866
USAGE = ("usage: python -m server.serve [--port N] [--max-kernels N] [--pool-size N] [--retry-after S] "
         "[--root DIR] [--Class.trait=value ...]")
# The page texts of the busy page and the kernel-lost message live in views.labels.UI (keys below).
SERVE_TEXT_KEYS = ("busy_title", "busy_text", "busy_retry", "busy_now")
PAGE_TEXT_KEYS = ("kernel_lost", "server_lost", "new_figures", "reload")  # shown by kernel_watch.html.j2
OWNER_COOKIE = "frivillig_kernel"  # signed: the kernel id of the page that got it (voila_app, owner_cookies)


class UsageError(ValueError):
    """A command-line option server.serve does not accept."""


@dataclass
class Options:
    port: int = DEFAULT_PORT
    root: str = "dashboards"
    max_kernels: int | None = None  # None: voila.json's FrivilligVoila.max_kernels
    pool_size: int | None = None  # None: voila.json's VoilaConfiguration.default_pool_size
    retry_after: int | None = None
    voila: list[str] = field(default_factory=list)  # --Class.trait=value options passed to Voilà as given


# option -> (attribute, converter, what it must be)
_OWN = {
    "--port": ("port", "port", "a port number 0-65535 (0 = any free port)"),
    "--root": ("root", "dir", "a folder of notebooks"),
    "--max-kernels": ("max_kernels", "count1", "a whole number >= 1"),
    "--pool-size": ("pool_size", "count0", "a whole number >= 0"),
    "--retry-after": ("retry_after", "count1", "whole seconds >= 1"),
}
_TRAIT = re.compile(r"^--([A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.S)


def _convert(option: str, kind: str, text: str):
    what = _OWN[option][2]
    if kind == "dir":
        if not text or not (REPO / text).is_dir():
            raise UsageError(f"{option}: no folder {text!r} in {REPO} (must be {what})")
        return text
    if not re.fullmatch(r"\d{1,9}", text):
        raise UsageError(f"{option}: {text!r} is not {what}")
    value = int(text)
    if (kind == "port" and value > 65535) or (kind == "count1" and value < 1):
        raise UsageError(f"{option}: {text!r} is not {what}")
    return value


def parse_args(argv: list[str]) -> Options:
    """Options from the command line: `--opt value` or `--opt=value`; Voilà's own `--Class.trait=value` pass through.
    Unknown or repeated options raise UsageError."""
    opts = Options()
    seen: set[str] = set()
    i = 0
    while i < len(argv):
        arg = argv[i]
        name, eq, value = arg.partition("=")
        if name in _OWN:
            if not eq:
                if i + 1 >= len(argv) or argv[i + 1].startswith("--"):
                    raise UsageError(f"{name} needs a value: {name} VALUE or {name}=VALUE")
                i += 1
                value = argv[i]
            if name in seen:
                raise UsageError(f"{name} given more than once")
            seen.add(name)
            attr, kind, _ = _OWN[name]
            setattr(opts, attr, _convert(name, kind, value))
        elif m := _TRAIT.match(arg):
            if m.group(1) in seen:
                raise UsageError(f"--{m.group(1)} given more than once")
            seen.add(m.group(1))
            opts.voila.append(arg)
        else:
            known = ", ".join(_OWN)
            raise UsageError(f"unknown option {arg!r}; known: {known}, and Voilà settings as --Class.trait=value")
        i += 1
    return opts


def owner_cookies(base_url: str, kernel_id: str) -> list[tuple[str, str]]:
    """(cookie name, path) of the cookies that make a browser the owner of a page's kernel: one per address."""
    return [(OWNER_COOKIE, f"{base_url}api/kernels/{kernel_id}"),
            (OWNER_COOKIE + "_close", f"{base_url}voila/api/shutdown/{kernel_id}")]


def page_config_hook(page_config, settings=None, **_kwargs):
    """Give the pages the dashboard list, whether the warehouse holds demo data, the build they show (the server's
    at the time, which the new-figures notice compares with the server's later one) and the serving texts."""
    from views.labels import DASHBOARDS, label, t

    page_config["frivilligdata"] = {
        "build": getattr((settings or {}).get("frivilligdata_app"), "build", ""),
        "demo": _is_demo(),
        "demo_text_da": label("data_kind", "demo", "da"),
        "demo_text_en": label("data_kind", "demo", "en"),
        "dashboards": [{"file": f, "title_da": ti[0], "title_en": ti[1], "desc_da": de[0], "desc_en": de[1]}
                       for f, ti, de in DASHBOARDS],
        "texts": {lang: {k: t(k, lang) for k in PAGE_TEXT_KEYS} for lang in ("da", "en")},
    }
    return page_config


def _is_demo() -> bool:
    """data_kind from the warehouse's build_info (the query layer reopens a rebuilt file); unknown = demo."""
    import queries

    try:
        return queries.build_info().get("data_kind") != "real"
    except Exception:  # noqa: BLE001 - no warehouse yet: say demo rather than nothing
        return True


def busy_page(lang: str, retry_after: int, live: int, cap: int) -> str:
    """The page a visitor gets when the live-kernel cap is reached (retries by itself after `retry_after` s)."""
    import jinja2

    from views.labels import t

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True)
    texts = {k: t(k, lang, seconds=retry_after) for k in SERVE_TEXT_KEYS}
    return env.get_template("busy.html.j2").render(lang=lang, retry_after=retry_after, texts=texts, live=live,
                                                   cap=cap)


def voila_app():
    """Voilà with the Frivilligdata additions to its notebook page handler and a few small endpoints.

    - The notebook page sets the `_xsrf` cookie: on page close Voilà's widget manager posts `_xsrf` from that cookie
      to /voila/api/shutdown/<kernel>, but Voilà 0.5.13's notebook handler never sets it (voila-dashboards/voila#1458),
      so the post was refused (403) and every closed page left its kernel running until culled. Reading
      `xsrf_token` sets the cookie (tornado). Done in the handler rather than a prelaunch hook, which Voilà does not
      allow together with preheated kernels.
    - The page also gets a signed cookie naming its kernel, scoped to that kernel's two addresses (owner_cookies):
      only the browser that got the page can shut its kernel down (`VoilaShutdownKernelHandler` accepted any `_xsrf`) or
      read its model at /api/kernels/<id> (which answered anyone, and stopped the kernel on DELETE).
    - The live-kernel cap: when `max_kernels` pages already hold a kernel, a new page gets the busy page (503 with
      Retry-After) instead of a kernel; the preheated pool does not count.
    - Page renders per client address are limited (`page_rate` per minute after a burst of `page_burst`): beyond
      it the busy page with 429. Off in the workers behind nginx, which limits instead (they see only nginx).
    - A new warehouse build (the file replaced: `etl build`) is noticed within `build_check` seconds: the pooled
      kernels, which built their pages from the old build, are replaced, and open pages show a notice.
    - /voila/frivillig/kernel/<id> tells a page whether its kernel still lives and which build the server serves
      (the kernel-lost message and the new-figures notice poll it).
    - /voila/frivillig/municipalities.geojson serves the map's geometry (views.geo), so that a map names this
      address instead of carrying the boundaries in every redraw; the kernels learn it from $FRIVILLIGDATA_GEOJSON_URL.
    """
    import asyncio
    import time

    import tornado.ioloop
    import tornado.web
    from traitlets import Float, Integer
    from voila.app import Voila
    from voila.tornado.handler import TornadoVoilaHandler

    from views import geo

    from . import internals

    class PageHandler(TornadoVoilaHandler):
        _fd_kernel = None

        @property
        def kernel_manager(self):
            # notes which kernel the page gets (Voilà's handler keeps the id to itself)
            return internals.watch_page_kernel(self.settings["kernel_manager"], self._fd_claimed)

        def _fd_busy(self, status: int, why: str, live: int):
            app = self.settings["frivilligdata_app"]
            lang = "en" if self.get_argument("lang", "da").strip().lower() == "en" else "da"
            self.log.warning("Frivilligdata: %s: busy page for %s (%d)", why, self.request.path, status)
            self.set_status(status)
            self.set_header("Retry-After", str(app.retry_after))
            self.set_header("Content-Type", "text/html; charset=UTF-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(busy_page(lang, app.retry_after, live, app.max_kernels))

        @tornado.web.authenticated
        async def get(self, path=None):
            app = self.settings["frivilligdata_app"]
            live = app.page_kernels()
            if not app.rate_allows(self.request.remote_ip):
                self._fd_busy(429, f"more than {app.page_burst} pages at once from {self.request.remote_ip}", live)
                return
            if live + app.admitting >= app.max_kernels:
                self._fd_busy(503, f"{live} of {app.max_kernels} page kernels in use", live)
                return
            self.xsrf_token  # noqa: B018 - the property sets the cookie before the page starts streaming
            app.admitting += 1
            self._fd_admitted = True
            try:
                await super().get(path=path)
            finally:
                self._fd_release()

        def _fd_claimed(self, kernel_id: str):
            self._fd_kernel = kernel_id
            self._fd_release()  # claimed: from now on page_kernels() counts it
            self.settings["kernel_manager"].page_claimed(kernel_id)

        def on_finish(self):
            self._fd_sent()

        def on_connection_close(self):
            self._fd_sent()
            super().on_connection_close()

        def _fd_sent(self):
            if self._fd_kernel:  # the page's request ended: its browser's grace to connect starts now
                self.settings["kernel_manager"].page_sent(self._fd_kernel)

        def flush(self, *args, **kwargs):
            self._fd_release()  # (the kernel is claimed before the first chunk is written)
            if self._fd_kernel and not internals.headers_written(self):  # the headers are still ours to set
                # the kernel's cookie, for the two addresses of that kernel the page's script uses besides its
                # websocket: the kernel's model (asked before connecting) and the shutdown on page close
                for name, path in owner_cookies(self.base_url, self._fd_kernel):
                    self.set_signed_cookie(name, self._fd_kernel, expires_days=None, httponly=True,
                                           samesite="Strict", path=path)
            return super().flush(*args, **kwargs)

        def _fd_release(self):
            if getattr(self, "_fd_admitted", False):
                self._fd_admitted = False
                self.settings["frivilligdata_app"].admitting -= 1

    from jupyter_server.services.kernels.handlers import KernelHandler
    from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler

    def owns(handler, kernel_id: str) -> bool:
        """Whether the request carries the signed cookie the page of this kernel got (scoped to this address)."""
        name = next((n for n, p in owner_cookies(handler.base_url, kernel_id) if handler.request.path == p), None)
        owner = handler.get_signed_cookie(name) if name else None
        return owner is not None and owner.decode("ascii", "replace") == kernel_id

    class OwnerShutdownHandler(VoilaShutdownKernelHandler):
        """Voilà's page-close shutdown, for the page that owns the kernel only."""

        @tornado.web.authenticated
        async def post(self, kernel_id):
            if not owns(self, kernel_id):
                raise tornado.web.HTTPError(403, "not this page's kernel")
            return await super().post(kernel_id)

    class OwnerKernelHandler(KernelHandler):
        """/api/kernels/<id>: the kernel's model, which the page asks for before connecting its websocket, for that
        page only (404 to anyone else, as for a kernel that does not exist); no DELETE (a page closes through the
        shutdown address)."""

        @tornado.web.authenticated
        async def get(self, kernel_id):
            if not owns(self, kernel_id):
                raise tornado.web.HTTPError(404)
            return await super().get(kernel_id)

        async def delete(self, kernel_id):
            raise tornado.web.HTTPError(404)

    class KernelAliveHandler(tornado.web.RequestHandler):
        async def get(self, kernel_id):
            app = self.settings["frivilligdata_app"]
            km = app.kernel_manager
            alive = False
            if kernel_id in km:
                try:
                    alive = bool(await km.get_kernel(kernel_id).is_alive())
                except Exception:  # noqa: BLE001 - a kernel being torn down counts as gone
                    alive = False
            self.set_header("Cache-Control", "no-store")
            self.finish({"alive": alive, "build": app.build})

    class GeojsonHandler(tornado.web.RequestHandler):
        def get(self):
            body, version = geo.drawn_bytes()
            self.set_header("Content-Type", "application/geo+json")
            # the address carries the version: a page may keep it as long as it likes
            current = self.get_argument("v", "") == version
            self.set_header("Cache-Control", "public, max-age=31536000, immutable" if current else "no-cache")
            self.finish(body)

    class NotFound(tornado.web.RequestHandler):
        """/logout: there is no login (jupyter_server's logout page needs a static path Voilà does not set: 500)."""

        def prepare(self):
            raise tornado.web.HTTPError(404)

    from voila.static_file_handler import TemplateStaticFileHandler

    class TemplateStatic(TemplateStaticFileHandler):
        """Voilà's template files, with 404 rather than 500 for an address not of the form <template>/static/<file>."""

        def parse_url_path(self, path):
            parts = path.split("/", 2)
            if len(parts) < 3 or parts[1] != "static" or not parts[0] or not parts[2]:
                raise tornado.web.HTTPError(404)
            return super().parse_url_path(path)

    class FrivilligVoila(Voila):
        max_kernels = Integer(12, config=True, help="Most pages served at once (each holds a kernel); the "
                              "preheated pool comes on top. A visitor beyond it gets the busy page.")
        retry_after = Integer(15, config=True, help="Seconds after which the busy page tries again by itself")
        page_rate = Float(12, config=True, help="Page renders per minute per client address after the burst "
                          "(0: no limit, as in the workers behind nginx, which limits instead)")
        page_burst = Integer(30, config=True, help="Page renders one client address may start at once")
        build_check = Float(2, config=True, help="Seconds between looks at the warehouse file for a new build")
        admitting = 0  # pages admitted whose kernel is not yet claimed
        build = ""  # the build id of the warehouse served (views.cache.build_id)
        _identity = None
        _checked = False

        def rate_allows(self, address: str) -> bool:
            """A token bucket per client address: page_burst tokens, refilled at page_rate per minute."""
            if self.page_rate <= 0:
                return True
            now = time.monotonic()
            buckets = self.__dict__.setdefault("_fd_buckets", {})  # address -> (tokens, when)
            if len(buckets) > 10000:  # forget the addresses whose bucket has filled up again
                full = self.page_burst / (self.page_rate / 60)
                for a in [a for a, b in buckets.items() if now - b[1] >= full]:
                    del buckets[a]
            tokens, then = buckets.get(address, (self.page_burst, now))
            tokens = min(self.page_burst, tokens + (now - then) * self.page_rate / 60)
            allowed = tokens >= 1
            buckets[address] = (tokens - 1 if allowed else tokens, now)
            return allowed

        def check_build(self) -> bool:
            """Whether the warehouse file was replaced by another build since the last look (then the pool is
            renewed and `build` changes, which open pages notice)."""
            import queries

            from views import cache

            path = queries.warehouse_path()
            try:
                st = path.stat()
            except OSError:
                self._checked = True
                return False  # no warehouse (yet): keep serving what was built
            identity = (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)
            if identity == self._identity:
                return False
            first, self._checked = not self._checked, True  # (the first look is the server's start)
            self._identity = identity
            try:
                build = cache.build_id(str(path), st.st_mtime_ns)
            except Exception as exc:  # noqa: BLE001 - a half-written or foreign file: look again next time
                self.log.warning("Frivilligdata: cannot read the build of %s: %s", path, exc)
                self._identity = None
                return False
            if build == self.build:
                return False
            old, self.build = self.build, build
            if not first:
                self.log.warning("Frivilligdata: new warehouse build %s (was %s): renewing the preheated pool", build,
                                 old)
                self.renew_pool()
            return not first

        def renew_pool(self) -> None:
            """Replace every kernel of the preheated pool: they built their pages from the previous build."""
            km = self.kernel_manager
            for notebook, pool in list(internals.voila_pools(km).items()):
                tasks = list(pool)
                pool.clear()
                for task in tasks:
                    task.add_done_callback(lambda t: asyncio.ensure_future(self._discard(t)))
                internals.refill_pool(km, notebook)

        async def _discard(self, task) -> None:
            kernel_id = internals.pooled_kernel_id(task)  # (None: a failed pool start holds no kernel)
            if kernel_id is not None and kernel_id in self.kernel_manager:
                await self.kernel_manager.shutdown_kernel(kernel_id)

        def init_settings(self, *args, **kwargs):
            # before the kernel manager starts the preheated kernels, which inherit this environment
            os.environ[geo.URL_ENV] = geo.served_url(self.base_url)
            self.check_build()
            settings = super().init_settings(*args, **kwargs)
            settings["frivilligdata_app"] = self
            return settings

        def init_handlers(self):
            from jupyter_server.utils import url_path_join

            replace = {TornadoVoilaHandler: PageHandler, VoilaShutdownKernelHandler: OwnerShutdownHandler,
                       KernelHandler: OwnerKernelHandler, TemplateStaticFileHandler: TemplateStatic}
            handlers = [(h[0], NotFound if h[0].endswith("/logout") else replace.get(h[1], h[1]), *h[2:])
                        for h in super().init_handlers()]
            alive = (url_path_join(self.server_url, r"/voila/frivillig/kernel/%s" % internals.kernel_id_pattern()),
                     KernelAliveHandler)
            geojson = (url_path_join(self.server_url, "/" + geo.ROUTE), GeojsonHandler)
            return [alive, geojson, *handlers]

        def listen(self):
            """Voilà's listen, but binding first so that the address printed is the one actually served (Voilà
            moves to a neighbouring port when the port is taken and port_retries > 0)."""
            import errno

            import tornado.httpserver
            import tornado.ioloop
            from tornado.netutil import bind_sockets

            ports = list(self.random_ports(self.port, self.port_retries + 1))
            sockets = None
            for port in ports:
                try:
                    sockets = bind_sockets(port, self.ip)
                    break
                except OSError as e:
                    if e.errno in (errno.EADDRINUSE, errno.EACCES):
                        self.log.info("Port %i is not available, trying another port.", port)
                        continue
                    raise
            if not sockets:
                # (the preheated kernels were told this port: moving silently would break their pages)
                print(f"error: port {', '.join(map(str, ports))} is in use on {self.ip}; choose another with "
                      f"--port N", file=sys.stderr, flush=True)
                self.exit(1)
            server = tornado.httpserver.HTTPServer(self.app)
            server.add_sockets(sockets)
            self.port = sockets[0].getsockname()[1]
            print(f"Frivilligdata: open http://{self.ip}:{self.port}{self.base_url}", flush=True)
            self.ioloop = tornado.ioloop.IOLoop.current()
            tornado.ioloop.PeriodicCallback(self.check_build, self.build_check * 1000).start()
            try:
                self.ioloop.start()
            except KeyboardInterrupt:
                self.log.info("Stopping...")
            finally:
                self.stop()

        def pooled_kernels(self) -> set[str]:
            """Kernels waiting in the preheated pool (not yet given to a page)."""
            ids = {internals.pooled_kernel_id(task) for pool in internals.voila_pools(self.kernel_manager).values()
                   for task in pool}
            return ids - {None}

        def page_kernels(self) -> int:
            """Kernels that serve a page (live kernels minus the preheated pool)."""
            return len(set(self.kernel_manager.list_kernel_ids()) - self.pooled_kernels())

    return FrivilligVoila


def voila_argv(opts: Options) -> list[str]:
    argv = [opts.root, f"--port={opts.port}", "--no-browser", "--Voila.ip=127.0.0.1", f"--template={TEMPLATE}"]
    if opts.pool_size is not None:
        argv.append(f"--VoilaConfiguration.default_pool_size={opts.pool_size}")
    if opts.max_kernels is not None:
        argv.append(f"--FrivilligVoila.max_kernels={opts.max_kernels}")
    if opts.retry_after is not None:
        argv.append(f"--FrivilligVoila.retry_after={opts.retry_after}")
    return [*argv, *opts.voila]


def environment(base: dict | None = None) -> dict:
    """The environment Voilà and its kernels need (template path, DuckDB caps)."""
    env = dict(os.environ if base is None else base)
    paths = [str(TEMPLATE_ROOT)] + [p for p in env.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    env["JUPYTER_PATH"] = os.pathsep.join(dict.fromkeys(paths))
    for k, v in KERNEL_ENV.items():
        env.setdefault(k, v)
    return env


def free_port(host: str = "127.0.0.1") -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def committed_config() -> dict:
    """voila.json as committed (the defaults documented in docs/load.md)."""
    return json.loads((REPO / "voila.json").read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if any(a in ("-h", "--help") for a in args):
        print(__doc__.splitlines()[0] + "\n\n" + USAGE + "\n\n" + "\n".join(
            f"  {k:14} {v[2]}" for k, v in _OWN.items()) + "\n  --Class.trait=value  any Voilà setting, e.g. "
            "--MappingKernelManager.cull_idle_timeout=60\n\nDefaults: voila.json; see docs/load.md.")
        return
    try:
        opts = parse_args(args)
    except UsageError as exc:
        print(f"error: {exc}\n{USAGE}", file=sys.stderr)
        raise SystemExit(2) from None
    if opts.port == 0:
        # pick the free port now: the preheated kernels are told the server's port before it listens
        opts.port = free_port()
    os.chdir(REPO)
    os.environ.update(environment())
    from traitlets.config import Config

    config = Config()
    config.VoilaConfiguration.page_config_hook = page_config_hook
    voila_app().launch_instance(argv=voila_argv(opts), config=config)


if __name__ == "__main__":
    main()
