"""Dashboards under load (issue 11) in headless Chromium: five people at once, the busy page at the kernel cap,
the message when a page's kernel dies, and culling of a page dropped without beforeunload.

The cap, culling and retry tests run their own server with a short test configuration (cap 1, no preheated pool,
cull after 5 idle seconds checked every 2 s, busy page retrying after 2 s; its log at debug level with each line's
time, so a test can see the culler look at a kernel); nothing here retries a failure."""
from __future__ import annotations

import os
import re
import signal
import time

import psutil
import pytest

from views.labels import DASHBOARDS, UI

from .conftest import (CHROMIUM, assert_no_error, close_page, free_port, kernel_id, start_voila, stop_voila,
                       wait_drawn)

pytestmark = pytest.mark.browser

FILES = [d[0] for d in DASHBOARDS]
CULL_IDLE, CULL_INTERVAL, RETRY = 5, 2, 2
SMALL = ["--max-kernels=1", "--pool-size=0", f"--retry-after={RETRY}",
         f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE}",
         f"--MappingKernelManager.cull_interval={CULL_INTERVAL}",
         "--MappingKernelManager.cull_connected=False", "--Voila.port_retries=0",
         "--Voila.log_level=DEBUG", "--Voila.log_format=%(created).3f %(message)s"]
PAGE = "3_samarbejde.ipynb"  # the lightest dashboard: these tests are about the server, not the charts


@pytest.fixture(scope="module")
def small(demo_db, tmp_path_factory):
    """A server capped at one page kernel; yields (base url, log path, server process)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (CI's .ci/run does)")
    log = tmp_path_factory.mktemp("voila_small") / "voila.log"
    port = free_port()
    proc = start_voila(port, SMALL, log_path=log)
    yield f"http://127.0.0.1:{port}", log, proc
    stop_voila(proc)


def kernel_process(server, kid: str) -> psutil.Process | None:
    for p in psutil.Process(server.pid).children(recursive=True):
        try:
            if any(f"kernel-{kid}" in part for part in p.cmdline()):
                return p
        except psutil.Error:
            pass
    return None


def log_has(log, pattern: str, timeout: float) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if re.search(pattern, log.read_text(errors="replace")):
            return True
        time.sleep(0.25)
    return False


def culler_kept_idle(log, kid: str, idle: float, timeout: float) -> bool:
    """Whether the server's culler has kept kernel `kid` when it had been idle for more than `idle` seconds: Jupyter's
    culler logs (debug) `kernel_id=KID, kernel_name=..., last_activity=T` for every kernel it checks, before it culls
    or keeps it; the line's time (the log format's first field) minus T is the idle time then, and a later round's
    line for the same kernel shows that round kept it."""
    from datetime import datetime

    pattern = re.compile(rf"^(\d+\.\d+) kernel_id={kid}, kernel_name=\S+, last_activity=(.+)$", re.M)
    deadline = time.time() + timeout
    while time.time() < deadline:
        rounds = pattern.findall(log.read_text(errors="replace"))
        if any(float(logged) - datetime.fromisoformat(last.strip()).timestamp() > idle for logged, last in rounds[:-1]):
            return True
        time.sleep(0.25)
    return False


def test_five_people_at_once_all_get_every_chart(browser, voila_url):
    contexts = [browser.new_context(viewport={"width": 1280, "height": 1000}) for _ in FILES]
    pages = [c.new_page() for c in contexts]
    errors: list[str] = []
    try:
        for page, file in zip(pages, FILES):  # all five requests go out before any page is waited for
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{voila_url}/voila/render/{file}", wait_until="commit")
        for page in pages:
            assert wait_drawn(page, timeout=150_000) > 0
            assert_no_error(page)
        assert errors == []
    finally:
        for page, ctx in zip(pages, contexts):
            page.close(run_before_unload=True)
            ctx.close()


def test_at_the_cap_a_newcomer_gets_the_busy_page_then_the_dashboard(browser, small):
    """The busy page in Danish (and in English for an address with lang=en) while the one kernel is taken; when the
    first page closes, the busy page gets the dashboard by itself."""
    base, log, _ = small
    first_ctx, second_ctx = browser.new_context(), browser.new_context()
    first, second = first_ctx.new_page(), second_ctx.new_page()
    try:
        first.goto(f"{base}/voila/render/{PAGE}", wait_until="commit")
        wait_drawn(first, timeout=120_000)
        response = second.goto(f"{base}/voila/render/{PAGE}")
        assert response.status == 503 and response.headers["retry-after"] == str(RETRY)
        assert second.locator("html").get_attribute("lang") == "da"
        assert second.inner_text("h1") == UI["busy_title"][0]
        assert "sekunder" in second.inner_text("#fd-busy-retry")
        second.screenshot(path=str(_shot("busy_da.png")))
        # the busy page in English for an address with lang=en (closed before the capacity frees)
        english = second_ctx.new_page()
        english.goto(f"{base}/voila/render/{PAGE}?lang=en")
        assert english.locator("html").get_attribute("lang") == "en"
        assert english.inner_text("h1") == UI["busy_title"][1]
        english.close()
        first.close(run_before_unload=True)  # capacity frees: the busy page gets in by itself
        wait_drawn(second, timeout=120_000)
        assert_no_error(second)
    finally:
        for p, c in ((first, first_ctx), (second, second_ctx)):
            if not p.is_closed():
                p.close(run_before_unload=True)
            c.close()
    assert log_has(log, r"busy page for", 1)


def test_a_killed_kernel_shows_the_reload_message(rpage, small):
    base, _, server = small
    page = rpage.page
    page.goto(f"{base}/voila/render/{PAGE}", wait_until="commit")  # waits at the busy page if still full
    wait_drawn(page, timeout=120_000)
    kid = kernel_id(page)
    proc = kernel_process(server, kid)
    assert proc is not None, "the page's kernel process was not found"
    os.kill(proc.pid, signal.SIGKILL)
    page.wait_for_selector("#fd-kernel-lost", timeout=30_000)
    assert UI["kernel_lost"][0][:40] in page.inner_text("#fd-kernel-lost")
    assert page.inner_text("#fd-reload") == "Genindlæs"
    page.screenshot(path=str(_shot("kernel_lost_da.png")))
    page.click("#fd-reload")  # a new page with a new kernel
    wait_drawn(page, timeout=120_000)
    assert page.locator("#fd-kernel-lost").count() == 0 and kernel_id(page) != kid


def test_a_dropped_page_is_culled_an_open_page_keeps_its_kernel(browser, small):
    base, log, server = small
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(f"{base}/voila/render/{PAGE}", wait_until="commit")
    wait_drawn(page, timeout=120_000)
    kid = kernel_id(page)
    # the culler looks at the open page's kernel after its idle timeout and keeps it
    assert culler_kept_idle(log, kid, CULL_IDLE, CULL_IDLE + 4 * CULL_INTERVAL + 10), "no culling round kept it"
    assert kernel_process(server, kid) is not None, "the kernel of an open page was culled"
    assert not re.search(rf"Culling '\w+' kernel '[^']*' \({kid}\)", log.read_text(errors="replace"))
    assert page.locator("#fd-kernel-lost").count() == 0
    ctx.close()  # the browser drops the page: no beforeunload, so no shutdown request
    assert log_has(log, rf"Culling '\w+' kernel '[^']*' \({kid}\)", CULL_IDLE + 4 * CULL_INTERVAL + 10), \
        "the dropped page's kernel was not culled"
    assert log_has(log, f"Kernel shutdown: {kid}", 10)


def _shot(name: str):
    from .conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS / name


def test_two_workers_behind_nginx_keep_a_page_with_its_kernel(rpage, demo_db, tmp_path):
    """make dashboard WORKERS=2: the page is served through nginx, its websocket reaches the worker holding its
    kernel (a widget change redraws), and the browser keeps the worker its cookie names."""
    import subprocess
    import sys

    from .conftest import REPO

    port = free_port()
    log = tmp_path / "cluster.log"
    proc = subprocess.Popen([sys.executable, "-m", "server.cluster", "--workers", "2", f"--port={port}",
                             "--pool-size=0"], cwd=REPO, stdout=open(log, "wb"), stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        assert log_has(log, rf"Frivilligdata: open http://127\.0\.0\.1:{port}/ \(2 Voilà workers behind nginx",
                       180), log.read_text(errors="replace")[-2000:]
        page = rpage.page
        ctx = page.context
        page.goto(f"http://127.0.0.1:{port}/voila/render/{PAGE}", wait_until="commit")
        wait_drawn(page, timeout=150_000)
        worker = next(c["value"] for c in ctx.cookies() if c["name"] == "frivillig_worker")
        assert worker in ("fd_w0", "fd_w1")
        before = page.evaluate("Array.from(document.querySelectorAll('.fd-panel-cooperations .legendtext'))"
                               ".map(e => e.textContent)")
        page.select_option(".fd-control-by select", label="Sektor")
        page.wait_for_function(
            "(b) => { const t = Array.from(document.querySelectorAll('.fd-panel-cooperations .legendtext'))"
            ".map(e => e.textContent); return t.length > 0 && t.join('|') !== b; }",
            arg="|".join(before), timeout=60_000)
        page.goto(f"http://127.0.0.1:{port}/")
        assert next(c["value"] for c in ctx.cookies() if c["name"] == "frivillig_worker") == worker
        close_page(page)  # while the cluster runs: the kernel shuts down on the worker holding it
    finally:
        proc.terminate()  # the cluster stops its workers and nginx
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
