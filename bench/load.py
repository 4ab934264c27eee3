"""Load benchmark: N people open dashboards at once (separate headless Chromium contexts), against a floor server
measured in the same run.

    .venv/bin/python bench/load.py [--ns 1,5,10,20] [--after 120] [--workers 2] [-- extra server.serve options]
    .venv/bin/python bench/load.py --chat [--gets 50] [--visitors 20] [--timeout 240]

The product server is started as `make dashboard` starts it (`python -m server.serve`, voila.json as
committed; with --workers K as `make dashboard WORKERS=K` starts it: K Voilà workers behind nginx). The floor is a
second server with the same configuration serving bench/floor.ipynb (one chart, no data). For each N, N contexts
open pages at the same moment (the five dashboards in turn, every second one with URL parameters) and then change
one widget; the floor contexts all open the floor page. Per N and server it records: time to all charts drawn
(p50, p95, max), widget redraw (p50, p95), pages that never drew within --timeout, pages with error text, live
kernels (most seen during the round, and --after seconds after the pages closed), total RSS of the server and its
kernels (most seen), and CPU seconds per visit (server and kernels, including exited kernels and the pool refill).
It prints the ratio product/floor per N. The machine may be shared: compare the ratios, not the absolute times.

Scenario "link shared in a chat" (`--chat`, issue 26): a link to a dashboard is posted in a chat; the chat's link
previews (plain GETs that never open a websocket, --gets of them) and then the people who click it (--visitors
browser contexts, every one opening the same page) arrive in the same minute. The same visitors are measured
first without the GETs. Reported: pages that never drew within --timeout and p50/p95 (a visitor who first gets the
busy page follows its reloads), live kernels --after seconds later, and the slowest first connect of a page that
the server logged (`connected N s after it was sent`, server/kernels.py). The product server only; the GETs
and the visitors come from one address here, so the per-address page limit is off for this scenario.

Targets (issue 11): no page that never draws at any N; p95 at N=20 <= 2 x floor p95 at N=20; single-visit first
render <= 1.2 x floor; CPU per visit <= 1.5 x floor.
"""
from __future__ import annotations

import argparse
import asyncio
import importlib.util
import statistics
import sys
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != REPO / "bench"]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))

from browser.conftest import CHROMIUM, CHROMIUM_ARGS, MARKS, free_port, stop_voila  # noqa: E402

from views.labels import DASHBOARDS  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_dashboards", REPO / "bench" / "dashboards.py")
_bench_dashboards = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_bench_dashboards)
CHANGES = _bench_dashboards.CHANGES  # (control, options, panel) per dashboard: the same changes as bench/dashboards.py
REDRAWN = _bench_dashboards.REDRAWN

# URL parameters for every second visitor
PARAMS = {
    "1_frivillige.ipynb": "?year=2012&by=gender",
    "2_kommunerne.ipynb": "?indikator=payout_ratio&year=2012",
    "3_samarbejde.ipynb": "?by=sector",
    "4_kommuneprofil.ipynb": "?kommune=147",
    "5_om_data.ipynb": "?lang=en",
}
ERROR_TEXT = ("Traceback", "Error:", "Exception", "KeyError", "ValueError", "NameError")
DRAWN = """(marks) => {
    const panels = Array.from(document.querySelectorAll('.fd-panel'));
    return panels.length > 0 && panels.every(p => p.querySelector('.fd-error') || p.querySelectorAll(marks).length > 0);
}"""


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q * (len(values) - 1))))]


class Server:
    """A server process group started like `make dashboard` (server.serve or server.cluster)."""

    def __init__(self, name: str, root: str | None, workers: int, extra: list[str], log: Path):
        import subprocess

        self.name = name
        self.port = free_port()
        module = ["-m", "server.cluster", f"--workers={workers}"] if workers > 1 else ["-m", "server.serve"]
        args = [sys.executable, *module, f"--port={self.port}", *([f"--root={root}"] if root else []), *extra]
        self.log = log
        self.proc = subprocess.Popen(args, cwd=REPO, stdout=open(log, "wb"), stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.wait_ready()
        self.ps = psutil.Process(self.proc.pid)
        self.finished_cpu = 0.0  # CPU of descendants that exited (kernels shut down), from the last sample
        self._seen: dict[int, float] = {}

    def wait_ready(self) -> None:
        import urllib.request

        deadline = time.time() + 90
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} server exited ({self.log})")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"{self.name} server did not answer within 90 s ({self.log})")

    def processes(self) -> list[psutil.Process]:
        try:
            return [self.ps, *self.ps.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def kernels(self) -> int:
        n = 0
        for p in self.processes():
            try:
                if "ipykernel_launcher" in " ".join(p.cmdline()):
                    n += 1
            except psutil.Error:
                pass
        return n

    def rss_mb(self) -> float:
        total = 0
        for p in self.processes():
            try:
                total += p.memory_info().rss
            except psutil.Error:
                pass
        return total / 2**20

    def server_cpu(self) -> float:
        """CPU of the server process(es) alone (Voilà, or the workers and nginx), without kernels."""
        total = 0.0
        for p in self.processes():
            try:
                if "ipykernel_launcher" not in " ".join(p.cmdline()):
                    t = p.cpu_times()
                    total += t.user + t.system
            except psutil.Error:
                pass
        return total

    def cpu_seconds(self) -> float:
        """CPU of the whole tree so far: live processes plus those that exited since we first saw them."""
        live: dict[int, float] = {}
        for p in self.processes():
            try:
                t = p.cpu_times()
                live[p.pid] = t.user + t.system
            except psutil.Error:
                pass
        for pid, cpu in self._seen.items():
            if pid not in live:
                self.finished_cpu += cpu
        self._seen = live
        return self.finished_cpu + sum(live.values())

    def stop(self) -> None:
        stop_voila(self.proc)


async def visit(browser, url: str, change, timeout_ms: int) -> dict:
    ctx = await browser.new_context(viewport={"width": 1280, "height": 1000})
    page = await ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    rec = {"ctx": ctx, "page": page, "drawn": None, "redraw": None, "error": False}
    start = time.perf_counter()
    try:
        await page.goto(url, wait_until="commit", timeout=timeout_ms)
        while True:  # the busy page reloads itself: wait across its reloads until the page drew or time is up
            left = timeout_ms - (time.perf_counter() - start) * 1000
            if left <= 0:
                return rec
            try:
                await page.wait_for_function(DRAWN, arg=MARKS, timeout=left, polling=100)
                break
            except Exception as exc:  # noqa: BLE001
                if "destroyed" not in str(exc) and "navigat" not in str(exc):
                    raise
                await asyncio.sleep(0.2)
        rec["drawn"] = time.perf_counter() - start
    except Exception:  # noqa: BLE001 - a page that never drew is counted, not raised
        return rec
    if change is not None:
        control, options, panel = change
        try:
            select = page.locator(f".fd-control-{control} select")
            labels = await select.evaluate("s => Array.from(s.options).map(o => o.text)")
            current = await select.evaluate("s => s.options[s.selectedIndex].text")
            choice = next((o for o in options + labels if o in labels and o != current))
            before = await page.evaluate(MARK_JS, panel)
            t0 = time.perf_counter()
            await select.select_option(label=choice)
            await page.wait_for_function(REDRAWN, arg=[panel, before, MARKS], timeout=60_000, polling="raf")
            rec["redraw"] = (time.perf_counter() - t0) * 1000
        except Exception:  # noqa: BLE001
            rec["error"] = True
    text = await page.inner_text("body")
    rec["error"] = rec["error"] or bool(errors) or await page.locator(".fd-error").count() > 0 or any(
        w in text for w in ERROR_TEXT)
    return rec


MARK_JS = """(p) => { const gd = document.querySelector('.fd-panel-' + p + ' .js-plotly-plot');
    if (!gd) return '';
    gd.dataset.fdOld = '1';
    return JSON.stringify((gd.data || []).map(t => [t.x, t.y, t.z, t.text, t.marker && t.marker.color]));
}"""


async def sample(server: Server, stats: dict, stop: asyncio.Event) -> None:
    while not stop.is_set():
        stats["kernels"] = max(stats["kernels"], server.kernels())
        stats["rss"] = max(stats["rss"], server.rss_mb())
        server.cpu_seconds()
        try:
            await asyncio.wait_for(stop.wait(), 0.5)
        except asyncio.TimeoutError:
            pass


async def settle(server: Server, seconds: float = 3.0, limit: float = 60.0) -> None:
    """Wait until the server tree stops using CPU (the pool refilled), at most `limit` seconds."""
    end = time.time() + limit
    last = server.cpu_seconds()
    while time.time() < end:
        await asyncio.sleep(seconds)
        now = server.cpu_seconds()
        if now - last < 0.05 * seconds:
            return
        last = now


async def round_(browser, server: Server, urls: list[tuple[str, object]], timeout_ms: int) -> dict:
    await settle(server)
    stats = {"kernels": 0, "rss": 0.0}
    cpu0 = server.cpu_seconds()
    srv0 = server.server_cpu()
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample(server, stats, stop))
    recs = await asyncio.gather(*(visit(browser, u, c, timeout_ms) for u, c in urls))
    for r in recs:
        try:
            await r["page"].close(run_before_unload=True)
        except Exception:  # noqa: BLE001
            pass
    await asyncio.sleep(0.5)
    for r in recs:
        await r["ctx"].close()
    await settle(server)
    stop.set()
    await sampler
    cpu = server.cpu_seconds() - cpu0
    srv = server.server_cpu() - srv0
    drawn = [r["drawn"] for r in recs if r["drawn"] is not None]
    redraws = [r["redraw"] for r in recs if r["redraw"] is not None]
    return {"n": len(urls), "p50": pct(drawn, 0.5), "p95": pct(drawn, 0.95), "max": max(drawn) if drawn else None,
            "redraw50": pct(redraws, 0.5), "redraw95": pct(redraws, 0.95),
            "never": len(urls) - len(drawn), "errors": sum(r["error"] for r in recs),
            "kernels": stats["kernels"], "rss": stats["rss"], "cpu": cpu / len(urls), "srv": srv / len(urls), "closed_at": time.time()}


def preview_get(url: str) -> int:
    """One link preview: a plain GET of the page, read to the end, no websocket (the status)."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=600) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return 0


async def chat(args) -> None:
    """The scenario "link shared in a chat": visitors alone, then --gets previews and the same visitors together."""
    import re
    from concurrent.futures import ThreadPoolExecutor

    from playwright.async_api import async_playwright

    out = REPO / "bench" / "out"
    out.mkdir(exist_ok=True)
    product = Server("product", None, 1, [*args.serve_args, "--FrivilligVoila.page_rate=0"], out / "chat_product.log")
    url = f"http://127.0.0.1:{product.port}/voila/render/{args.page}"
    rows = []
    try:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            await round_(browser, product, [(url, None)], args.timeout * 1000)  # warm-up
            for gets in (0, args.gets):
                loop = asyncio.get_running_loop()
                with ThreadPoolExecutor(max(1, gets)) as pool:
                    previews = [loop.run_in_executor(pool, preview_get, url) for _ in range(gets)]
                    await asyncio.sleep(2 if gets else 0)  # the previews come when the link is posted, just before
                    res = await round_(browser, product, [(url, None)] * args.visitors, args.timeout * 1000)
                    statuses = await asyncio.gather(*previews)
                await asyncio.sleep(max(0.0, res["closed_at"] + args.after - time.time()))
                res["after"] = product.kernels()
                res["gets"] = gets
                res["get_200"] = statuses.count(200)
                rows.append(res)
                print(f"gets={gets}: never drew {res['never']}/{args.visitors}, p95 {fmt(res['p95'])} s", flush=True)
            await browser.close()
    finally:
        product.stop()
    delays = [float(x) for x in re.findall(r"connected ([0-9.]+) s after it was sent",
                                           product.log.read_text(errors="replace"))]
    print(f"\nbench/load.py --chat: {args.visitors} browser visitors of {args.page}, with and without {args.gets} "
          f"preview GETs in the same minute; timeout {args.timeout} s, kernels counted {args.after:.0f} s after")
    print(f"{'GETs':>4} {'GET 200':>7} {'never drew':>10} {'p50':>6} {'p95':>6} {'max':>6} {'kernels':>7} {'after':>5}")
    for r in rows:
        print(f"{r['gets']:>4} {r['get_200']:>7} {r['never']:>10} {fmt(r['p50']):>6} {fmt(r['p95']):>6} "
              f"{fmt(r['max']):>6} {r['kernels']:>7} {r['after']:>5}")
    print("slowest first connect of a page after it was sent: " +
          (f"{max(delays):.1f} s (of {len(delays)} pages)" if delays else "not logged by this server"))


def fmt(v, spec=".2f"):
    return "-" if v is None else format(v, spec)


async def run(args) -> list[tuple[dict, dict]]:
    from playwright.async_api import async_playwright

    out = REPO / "bench" / "out"
    out.mkdir(exist_ok=True)
    product = Server("product", None, args.workers, args.serve_args, out / "load_product.log")
    floor = Server("floor", "bench", 1, args.serve_args, out / "load_floor.log")
    rows = []
    try:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            # warm-up: one visit each (first kernel start, file and OS caches)
            await round_(browser, floor, [(f"http://127.0.0.1:{floor.port}/voila/render/floor.ipynb", None)],
                         args.timeout * 1000)
            await round_(browser, product, [(f"http://127.0.0.1:{product.port}/voila/render/1_frivillige.ipynb",
                                              None)], args.timeout * 1000)
            for n in args.ns:
                urls = []
                for i in range(n):
                    file = DASHBOARDS[i % len(DASHBOARDS)][0]
                    query = PARAMS.get(file, "") if i % 2 else ""
                    urls.append((f"http://127.0.0.1:{product.port}/voila/render/{file}{query}", CHANGES.get(file)))
                prod = await round_(browser, product, urls, args.timeout * 1000)
                flo = await round_(browser, floor, [(f"http://127.0.0.1:{floor.port}/voila/render/floor.ipynb",
                                                     None)] * n, args.timeout * 1000)
                for res, srv in ((prod, product), (flo, floor)):
                    await asyncio.sleep(max(0.0, res["closed_at"] + args.after - time.time()))
                    res["after"] = srv.kernels()
                rows.append((prod, flo))
                print(f"N={n}: product p95 {fmt(prod['p95'])} s, floor p95 {fmt(flo['p95'])} s, never drew "
                      f"{prod['never']}/{flo['never']}", flush=True)
            await browser.close()
    finally:
        product.stop()
        floor.stop()
    return rows


def report(rows, args) -> None:
    print(f"\nbench/load.py: workers={args.workers}, kernels counted after {args.after:.0f} s; "
          "times in s, redraw in ms, RSS in MB (most seen), CPU in s per visit (all, and of it the server process without kernels)")
    head = (f"{'N':>3} {'server':8} {'p50':>6} {'p95':>6} {'max':>6} {'redraw50':>8} {'redraw95':>8} {'never':>5} "
            f"{'errors':>6} {'kern':>4} {'after':>5} {'RSS MB':>7} {'CPU/visit':>9} {'server':>6}")
    print(head)
    for prod, flo in rows:
        for name, r in (("product", prod), ("floor", flo)):
            print(f"{r['n']:>3} {name:8} {fmt(r['p50']):>6} {fmt(r['p95']):>6} {fmt(r['max']):>6} "
                  f"{fmt(r['redraw50'], '.0f'):>8} {fmt(r['redraw95'], '.0f'):>8} {r['never']:>5} {r['errors']:>6} "
                  f"{r['kernels']:>4} {r['after']:>5} {r['rss']:>7.0f} {r['cpu']:>9.2f} {r['srv']:>6.2f}")
    print(f"\n{'N':>3} {'p50 ratio':>9} {'p95 ratio':>9} {'CPU ratio':>9} {'RSS ratio':>9}   targets")
    for prod, flo in rows:
        def ratio(k):
            return None if not prod[k] or not flo[k] else prod[k] / flo[k]
        checks = []
        if prod["never"]:
            checks.append(f"MISS {prod['never']} never drew")
        if prod["n"] == 1:
            checks.append(("ok" if (ratio("p50") or 99) <= 1.2 else "MISS") + " first render <= 1.2x")
        if prod["n"] == 20:
            checks.append(("ok" if (ratio("p95") or 99) <= 2 else "MISS") + " p95 <= 2x")
        checks.append(("ok" if (ratio("cpu") or 99) <= 1.5 else "MISS") + " CPU <= 1.5x")
        print(f"{prod['n']:>3} {fmt(ratio('p50')):>9} {fmt(ratio('p95')):>9} {fmt(ratio('cpu')):>9} "
              f"{fmt(ratio('rss')):>9}   {'; '.join(checks)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ns", default="1,5,10,20", help="numbers of concurrent visitors, comma-separated")
    ap.add_argument("--after", type=float, default=120, help="seconds after a round to count live kernels again")
    ap.add_argument("--timeout", type=int, default=180, help="seconds before a page counts as never drawn")
    ap.add_argument("--workers", type=int, default=1, help="Voilà workers behind nginx (as make dashboard WORKERS=K)")
    ap.add_argument("--chat", action="store_true", help='the scenario "link shared in a chat" instead of --ns')
    ap.add_argument("--gets", type=int, default=50, help="--chat: link-preview GETs")
    ap.add_argument("--visitors", type=int, default=20, help="--chat: browser visitors")
    ap.add_argument("--page", default="1_frivillige.ipynb", help="--chat: the dashboard the link points to")
    ap.add_argument("serve_args", nargs="*", help="extra server.serve options for both servers")
    args = ap.parse_args()
    if args.chat:
        asyncio.run(chat(args))
        return
    args.ns = [int(x) for x in args.ns.split(",") if x.strip()]
    report(asyncio.run(run(args)), args)


if __name__ == "__main__":
    main()
