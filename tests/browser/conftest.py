"""One Voilà server (python -m server.serve on a free local port) and one headless Chromium per test session.

Chromium is Debian's /usr/bin/chromium driven by Playwright from PyPI (never `playwright install`). Every page
records the requests it makes, so a test can assert that nothing left localhost.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import weakref
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SCREENSHOTS = REPO / "screenshots"
LOCAL_PREFIXES = ("http://127.0.0.1", "http://localhost", "ws://127.0.0.1", "ws://localhost", "data:", "blob:", "about:")

# The mark selectors that prove a plotly chart drew data, not just its frame.
MARKS = (".barlayer .point path, .scatterlayer .point, .scatterlayer .js-line, .scatterlayer .js-fill, "
         ".choroplethlayer .choroplethlocation")


# Closed pages shut their kernels down (server.serve sets the _xsrf cookie Voilà's shutdown post needs); a page
# the browser drops without beforeunload is culled after a minute instead of voila.json's 15 minutes.
# port_retries=0: fail rather than quietly serve on another port than the one polled.
TEST_VOILA_ARGS = ["--MappingKernelManager.cull_idle_timeout=60", "--MappingKernelManager.cull_interval=10",
                   "--MappingKernelManager.cull_connected=False",
                   "--Voila.port_retries=0"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_voila(port: int, extra: list[str] | None = None, log_path: Path | None = None) -> subprocess.Popen:
    """Start `python -m server.serve` and wait until it answers; the caller stops it with stop_voila."""
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL
    proc = subprocess.Popen([sys.executable, "-m", "server.serve", f"--port={port}", *(extra or [])],
                            cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"Voilà exited with status {proc.returncode} (log: {log_path})")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.3)
    stop_voila(proc)
    raise RuntimeError("Voilà did not answer within 60 s")


def stop_voila(proc: subprocess.Popen) -> None:
    """Stop the server and its kernels (its own process group, nothing else)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


@pytest.fixture(scope="session")
def voila_log(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("voila") / "voila.log"


@pytest.fixture(scope="session")
def voila_url(demo_db, voila_log):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (CI's .ci/run does)")
    port = free_port()
    proc = start_voila(port, TEST_VOILA_ARGS, log_path=voila_log)
    yield f"http://127.0.0.1:{port}"
    stop_voila(proc)


def kernel_id(page) -> str:
    """The id of the kernel Voilà gave the page (in the page's Jupyter configuration)."""
    return page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")


def kernel_shut_down(log_path: Path, kernel_id: str, timeout: float = 15) -> bool:
    """Whether the Voilà server log reports the kernel shut down within `timeout` seconds."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if f"Kernel shutdown: {kernel_id}" in log_path.read_text(errors="replace"):
            return True
        time.sleep(0.25)
    return False


# package scope: Playwright's sync API keeps an event loop running in this thread until it stops, so it must stop
# before the tests outside tests/browser that run their own (asyncio.run, the report's PDF printing)
@pytest.fixture(scope="package")
def playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="package")
def browser(playwright):
    """A Chromium for tests that need people apart (one context each: own cookies, own kernel)."""
    b = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield b
    b.close()


# V8's code cache keeps functions without their source positions, and V8 parsed a function from the cache again to
# collect them whenever a stack trace was taken: under Playwright, half of a cached page's renderer time. With this
# flag V8 collects them as it compiles a function, and they are cached with it.
EAGER_POSITIONS = "--js-flags=--no-enable-lazy-source-positions"


@pytest.fixture(scope="package")
def profile(playwright, tmp_path_factory):
    """A Chromium with a profile on disk, as a person's browser has, for one page after another (rpage): its disk
    cache keeps V8's compiled code of Voilà's 10 MB of JavaScript. Renderer CPU per Frivillige page, measured: 2.5-3 s
    in a fresh context (everything compiled), 2.0-2.4 s from the cache, 1.1-1.3 s from the cache with EAGER_POSITIONS.
    """
    context = playwright.chromium.launch_persistent_context(
        tmp_path_factory.mktemp("chromium-profile"), executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, EAGER_POSITIONS],
        viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    yield context
    context.close()


# The JavaScript errors and console errors of every page a test opened through rpage (page -> messages), for the
# failure message of a page that did not draw.
PAGE_ERRORS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


class RecordingPage:
    """A Playwright page plus the requests it made that did not go to localhost (and its errors, in PAGE_ERRORS)."""

    def __init__(self, page):
        self.page = page
        self.external: list[str] = []
        page.on("request", self._record)
        errors = PAGE_ERRORS.setdefault(page, [])
        page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
        page.on("console", lambda m: errors.append(f"console: {m.text[:300]}") if m.type == "error" else None)

    def _record(self, request):
        if not request.url.startswith(LOCAL_PREFIXES):
            self.external.append(request.url)


@pytest.fixture
def rpage(profile):
    """A new page (1280 x 1000) in the profile's browser; the profile's cookies and permissions are cleared after
    each test."""
    page = profile.new_page()
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.set_default_timeout(120_000)
    yield RecordingPage(page)
    # beforeunload makes Voilà shut the page's kernel down, so kernels do not pile up during the session
    close_page(page)
    profile.clear_cookies()
    profile.clear_permissions()


def close_page(page) -> None:
    """Close a page as a person closes a tab (unless a test closed it): its unload handlers run, and Voilà's
    beforeunload shuts its kernel down."""
    if not page.is_closed():
        with page.expect_event("close", timeout=15_000):  # the unload handlers have run
            page.close(run_before_unload=True)


# Text that means a traceback or an exception reached the page.
ERROR_TEXT = ("Traceback", "Error:", "Exception", "KeyError", "ValueError", "NameError")


def open_dashboard(rpage, base: str, file: str, query: str = "", width: int = 1400):
    """Open a dashboard (`file`, the address's `query`) in rpage's page at `width` px; return the page once every
    chart is drawn."""
    page = rpage.page
    page.set_viewport_size({"width": width, "height": 1000})
    page.goto(f"{base}/voila/render/{file}{query}", wait_until="commit")
    wait_drawn(page)
    return page


def assert_no_error(page) -> None:
    """No error box on the page, and no traceback or exception text in it."""
    assert page.locator(".fd-error").count() == 0, page.locator(".fd-error").all_inner_texts()
    text = page.inner_text("body")
    for word in ERROR_TEXT:
        assert word not in text, f"{word!r} in the page"


def wait_drawn(page, timeout: int = 90_000) -> int:
    """Wait until every chart panel on a dashboard has drawn data marks (or shows an error); return the panel count.
    If they do not, the failure says what the page showed (CI keeps only the text) and leaves a screenshot."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_selector(".fd-panel", timeout=timeout)
        page.wait_for_function(
            """(marks) => {
                const panels = Array.from(document.querySelectorAll('.fd-panel'));
                return panels.length > 0 && panels.every(p =>
                    p.querySelector('.fd-error') || p.querySelectorAll(marks).length > 0);
            }""", arg=MARKS, timeout=timeout)
    except PlaywrightTimeout as exc:
        raise AssertionError(f"{page.url} not drawn within {timeout / 1000:.0f} s: {page_state(page)}") from exc
    return page.locator(".fd-panel").count()


def page_state(page) -> str:
    """What a page shows, for a failure message: its panels, visible text and widget errors; a screenshot is saved
    as screenshots/failed_<time>.png."""
    try:
        SCREENSHOTS.mkdir(exist_ok=True)
        shot = SCREENSHOTS / f"failed_{time.strftime('%H%M%S')}.png"
        page.screenshot(path=str(shot), timeout=10_000)
        state = page.evaluate("""() => ({
            panels: document.querySelectorAll('.fd-panel').length,
            widgetErrors: Array.from(document.querySelectorAll('.jupyter-widgets-error-widget, .jp-RenderedText'))
                .map(e => e.textContent.slice(0, 300)),
            text: document.body ? document.body.innerText.slice(0, 800) : ''})""")
        return f"{state}, errors {PAGE_ERRORS.get(page, [])[-10:]} (screenshot {shot.name})"
    except Exception as exc:  # a crashed or hung page: say so instead
        return f"the page did not answer ({exc})"


def wait_laid_out(page, timeout: int = 30_000) -> None:
    """Wait until every plotly chart that follows its container's width has been laid out at that width (plotly's
    responsive relayout after a viewport change runs on a timer), then for one painted frame, e.g. before a screenshot."""
    page.wait_for_function(
        """() => Array.from(document.querySelectorAll('.js-plotly-plot')).every(gd =>
            !gd._fullLayout || gd.layout.width !== undefined
            || Math.abs(gd._fullLayout.width - gd.getBoundingClientRect().width) <= 1)""", timeout=timeout)
    painted(page)


def painted(page) -> None:
    """Return once the browser has painted a frame after everything done so far (two animation frames)."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def panel_marks(page) -> list[tuple[str, int]]:
    """(panel class, number of data marks) for every chart panel."""
    return page.evaluate(
        """(marks) => Array.from(document.querySelectorAll('.fd-panel')).map(p => [
            Array.from(p.classList).find(c => c.startsWith('fd-panel-')) || '',
            p.querySelectorAll(marks).length])""", MARKS)


def selected(page, control: str) -> str:
    """The text of the option a dashboard's dropdown shows (.fd-control-<control>)."""
    return page.eval_on_selector(f".fd-control-{control} select", "s => s.options[s.selectedIndex].text")


def ticks(page, panel: str, axis: str = "x") -> list[str]:
    """The tick labels of a chart panel's axis."""
    return page.locator(f".fd-panel-{panel} .{axis}tick text").evaluate_all("els => els.map(e => e.textContent)")
