"""Serve the dashboards with Voilà: `python -m dashboards.serve [--port 8866] [voila options...]`.

Runs from the repository root so that Voilà reads ./voila.json (source stripped, no tracebacks, idle kernels
culled, one preheated kernel per notebook: the page's URL parameters reach it through voila.utils.get_query_string,
see dashboards.state), puts this package's Voilà template `frivillig` on the Jupyter path (the Danish landing page at
`/` and notebook pages without CDN stylesheets), caps DuckDB in every kernel through the environment, and sets the
`_xsrf` cookie on notebook pages so that closing a page shuts its kernel down.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TEMPLATE_ROOT = Path(__file__).resolve().parent / "share" / "jupyter"
TEMPLATE = "frivillig"
KERNEL_ENV = {"FRIVILLIGDATA_THREADS": "2", "FRIVILLIGDATA_MEMORY_LIMIT": "512MB"}


def page_config_hook(page_config, **_kwargs):
    """Give the landing page the dashboard list and whether the warehouse holds demo data."""
    from .labels import DASHBOARDS, label

    page_config["frivilligdata"] = {
        "demo": _is_demo(),
        "demo_text_da": label("data_kind", "demo", "da"),
        "demo_text_en": label("data_kind", "demo", "en"),
        "dashboards": [{"file": f, "title_da": ti[0], "title_en": ti[1], "desc_da": de[0], "desc_en": de[1]}
                       for f, ti, de in DASHBOARDS],
    }
    return page_config


def _is_demo() -> bool:
    """data_kind from the warehouse's build_info (the query layer reopens a rebuilt file); unknown = demo."""
    import queries

    try:
        return queries.build_info().get("data_kind") != "real"
    except Exception:  # noqa: BLE001 - no warehouse yet: say demo rather than nothing
        return True


def voila_app():
    """Voilà whose notebook pages set the `_xsrf` cookie.

    On page close Voilà's widget manager posts `_xsrf` from that cookie to /voila/api/shutdown/<kernel>, but Voilà
    0.5.13's notebook handler never sets the cookie (voila-dashboards/voila#1458): the post was refused (403) and
    every closed page left its kernel running until culled. Reading `xsrf_token` sets the cookie (tornado). Done in
    the handler rather than a prelaunch hook, which Voilà does not allow together with preheated kernels.
    """
    import tornado.web
    from voila.app import Voila
    from voila.tornado.handler import TornadoVoilaHandler

    class PageHandler(TornadoVoilaHandler):
        @tornado.web.authenticated
        async def get(self, path=None):
            self.xsrf_token  # noqa: B018 - the property sets the cookie before the page starts streaming
            await super().get(path=path)

    class FrivilligVoila(Voila):
        def init_handlers(self):
            return [(h[0], PageHandler, *h[2:]) if h[1] is TornadoVoilaHandler else h
                    for h in super().init_handlers()]

    return FrivilligVoila


def voila_argv(port: int, extra: list[str] | None = None, root: str = "dashboards") -> list[str]:
    return [root, f"--port={port}", "--no-browser", "--Voila.ip=127.0.0.1", f"--template={TEMPLATE}",
            *(extra or [])]


def environment(base: dict | None = None) -> dict:
    """The environment Voilà and its kernels need (template path, DuckDB caps)."""
    env = dict(os.environ if base is None else base)
    paths = [str(TEMPLATE_ROOT)] + [p for p in env.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    env["JUPYTER_PATH"] = os.pathsep.join(dict.fromkeys(paths))
    for k, v in KERNEL_ENV.items():
        env.setdefault(k, v)
    return env


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    port = 8866
    root = "dashboards"
    rest = []
    for a in args:
        if a.startswith("--port="):
            port = int(a.split("=", 1)[1])
        elif a.startswith("--root="):  # another folder of notebooks (bench/ serves its floor notebook)
            root = a.split("=", 1)[1]
        else:
            rest.append(a)
    os.chdir(REPO)
    os.environ.update(environment())
    from traitlets.config import Config

    config = Config()
    config.VoilaConfiguration.page_config_hook = page_config_hook
    print(f"Frivilligdata: open http://localhost:{port}", flush=True)
    voila_app().launch_instance(argv=voila_argv(port, rest, root), config=config)


if __name__ == "__main__":
    main()
