"""The dashboards under abuse and rebuilds (issue 26), against one server of their own on a copy of the demo
warehouse: thirty plain GETs (a chat's link previews) cannot keep a browser out for longer than the grace; every
address renders or answers 4xx; a kernel can be stopped only by the page that got it; a warehouse replaced under
the running server reaches the next visitor, and an open page says that new figures are published.

The server's grace for a page to connect is short here (GRACE s, checked every CULL_INTERVAL s); the waits are on
conditions (the server log, the page), never fixed sleeps."""
from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

import duckdb
import pytest

from views.labels import DASHBOARDS, UI

from .conftest import (CHROMIUM, SCREENSHOTS, close_page, free_port, kernel_id, selected, start_voila, stop_voila,
                       wait_drawn)

pytestmark = pytest.mark.browser

PAGE = "1_frivillige.ipynb"
LIGHT = "3_samarbejde.ipynb"  # the lightest dashboard, where a test is about the server rather than the page
# The cap is 6 page kernels (voila.json: 24), so the thirty GETs fill it with six page renders, not 24. The grace
# (voila.json: 90 s) is 10 s: the test pages connect 1.6-2 s after their page was sent at a load average of 12.
# Only the two dashboards opened here get a preheated kernel (the other three were started, and started again for the
# new build, with no one to open them: 6 kernels, 8 s of CPU).
GRACE, CULL_INTERVAL, BUILD_CHECK, CAP = 10, 2, 1, 6
ARGS = [f"--FrivilligKernelManager.unclaimed_grace={GRACE}", f"--MappingKernelManager.cull_interval={CULL_INTERVAL}",
        f"--max-kernels={CAP}",
        "--MappingKernelManager.cull_idle_timeout=60", "--MappingKernelManager.cull_connected=False",
        f"--FrivilligVoila.build_check={BUILD_CHECK}", "--FrivilligVoila.page_burst=100", "--retry-after=3",
        "--Voila.port_retries=0",
        "--VoilaKernelManager.preheat_denylist=" + repr([d[0] for d in DASHBOARDS if d[0] not in (PAGE, LIGHT)])]
KERNEL_ID = re.compile(r'"kernelId": "([0-9a-f-]{36})"')


@pytest.fixture(scope="module")
def server(demo_db, tmp_path_factory):
    """(base url, log path, the warehouse file it serves): a copy of the demo warehouse that a test may replace."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (CI's .ci/run does)")
    folder = tmp_path_factory.mktemp("served")
    served = folder / "warehouse.duckdb"
    shutil.copyfile(demo_db, served)
    log = folder / "voila.log"
    port = free_port()
    with mock.patch.dict(os.environ, {"FRIVILLIGDATA_DB": str(served)}):
        proc = start_voila(port, ARGS, log_path=log)
    yield f"http://127.0.0.1:{port}", log, served
    stop_voila(proc)


def wait_log(log, pattern: str, count: int, timeout: float) -> int:
    """Wait until the server log holds `count` lines matching `pattern`; return how many it holds then."""
    deadline = time.time() + timeout
    while True:
        n = len(re.findall(pattern, log.read_text(errors="replace")))
        if n >= count or time.time() > deadline:
            return n
        time.sleep(0.5)


def get(url: str, opener=None, method: str = "GET", data: bytes | None = None, headers: dict | None = None):
    """(status, body) of one request; 4xx/5xx are answers, not exceptions."""
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with (opener or urllib.request.build_opener()).open(req, timeout=300) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def kernel_alive(base: str, kid: str) -> bool:
    import json

    return json.loads(get(f"{base}/voila/frivillig/kernel/{kid}")[1])["alive"]


def test_plain_gets_lose_their_kernels_within_the_grace_and_a_browser_gets_in(server, browser):
    base, log, _ = server
    with ThreadPoolExecutor(6) as pool:  # as the thirty GETs: six at a time, no browser
        statuses = list(pool.map(lambda _: get(f"{base}/voila/render/{LIGHT}")[0], range(30)))
    served = statuses.count(200)
    # they fill the cap: the browser below finds no free kernel until the grace has passed
    assert served == CAP and statuses.count(503) == 30 - CAP, statuses
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    try:
        start = time.time()
        page.goto(f"{base}/voila/render/{LIGHT}")  # the busy page retries by itself until a GET's kernel is culled
        wait_drawn(page, timeout=(GRACE + 4 * CULL_INTERVAL + 150) * 1000)
        kid = kernel_id(page)
        # every kernel a GET got is culled within the grace (plus a culling round), the browser's is not
        culled = wait_log(log, r"its page has not connected within", served, timeout=GRACE + 4 * CULL_INTERVAL + 60)
        assert culled == served, f"{culled} of {served} GET kernels culled after {time.time() - start:.0f} s"
        assert kid not in " ".join(re.findall(r"culling kernel (\S+)", log.read_text(errors="replace")))
        assert kernel_alive(base, kid)
    finally:
        page.close(run_before_unload=True)
        context.close()


def test_every_address_renders_or_answers_4xx(server):
    base, _, _ = server
    for path in ("/voila/templates/", "/voila/templates/lab", "/voila/templates/lab/x/y", "/logout", "/login",
                 "/api/kernels", "/api/sessions", "/voila/api/shutdown/x", "/voila/render/nope.ipynb"):
        status, _ = get(base + path)
        assert 400 <= status < 500, (path, status)


def test_a_kernel_is_stopped_only_by_the_page_that_got_it(server):
    base, _, _ = server
    jar = http.cookiejar.CookieJar()
    owner = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    status, body = get(f"{base}/voila/render/{LIGHT}", owner)
    assert status == 200
    kid = KERNEL_ID.search(body).group(1)
    xsrf = next(c.value for c in jar if c.name == "_xsrf")
    # another visitor with an _xsrf cookie of its own (any value passes Jupyter's check when it matches the form)
    other = {"Cookie": f"_xsrf={xsrf}", "X-XSRFToken": xsrf}
    assert get(f"{base}/api/kernels/{kid}", owner)[0] == 200  # the page asks for its kernel's model
    assert get(f"{base}/api/kernels/{kid}", headers=other)[0] == 404
    assert get(f"{base}/api/kernels/{kid}", method="DELETE", headers=other)[0] == 404
    form = f"_xsrf={xsrf}".encode()
    assert get(f"{base}/voila/api/shutdown/{kid}", method="POST", data=form, headers=other)[0] == 403
    assert kernel_alive(base, kid)
    # the page that got it (its browser sends the kernel's cookie to the shutdown address only) stops it on close
    assert get(f"{base}/voila/api/shutdown/{kid}", owner, method="POST", data=form,
               headers={"X-XSRFToken": xsrf})[0] == 204
    assert not kernel_alive(base, kid)


def test_sixty_query_fields_draw_the_page_with_a_note(server, rpage):
    base, _, _ = server
    page = rpage.page
    page.goto(f"{base}/voila/render/{PAGE}?" + "&".join(["year=2014"] * 60))
    wait_drawn(page, timeout=180_000)
    assert selected(page, "year") == "2014"
    notes = page.locator(".fd-fallback").all_inner_texts()
    assert any(UI["unknown_param"][0].split(":")[0] in n and "year" in n for n in notes), notes
    assert "error when executing" not in page.inner_text("body")


def years_offered(page) -> list[int]:
    return page.eval_on_selector(".fd-control-year select",
                                 "s => Array.from(s.options).map(o => o.text)")


def test_a_new_warehouse_reaches_the_next_visitor_and_open_pages_say_so(server, rpage, profile, fixture_db):
    base, log, served = server
    with duckdb.connect(str(fixture_db), read_only=True) as con:
        new_years = [str(y) for (y,) in con.execute("select distinct year from survey_respondents order by 1").fetchall()]
    with duckdb.connect(str(served), read_only=True) as con:
        old_years = [str(y) for (y,) in con.execute("select distinct year from survey_respondents order by 1").fetchall()]
    assert new_years != old_years  # (else this test could not tell the builds apart)
    open_pages = [rpage.page, profile.new_page()]
    for p, w in zip(open_pages, (1400, 390)):
        p.set_viewport_size({"width": w, "height": 900})
    try:
        for p in open_pages:
            p.goto(f"{base}/voila/render/{PAGE}")
            wait_drawn(p, timeout=180_000)
            assert years_offered(p) == old_years
        # publish as docs/deployment.md says: the new file beside the served one, then renamed over it
        staged = served.with_name("warehouse.duckdb.new")
        shutil.copyfile(fixture_db, staged)
        os.replace(staged, served)
        assert wait_log(log, r"new warehouse build", 1, timeout=60) == 1
        SCREENSHOTS.mkdir(exist_ok=True)
        for p, w in zip(open_pages, (1400, 390)):
            notice = p.wait_for_selector("#fd-new-figures", timeout=60_000)
            assert notice.inner_text().startswith(UI["new_figures"][0])
            assert p.locator("#fd-new-figures button").inner_text() == UI["reload"][0]
            p.screenshot(path=str(SCREENSHOTS / f"new_figures_{w}.png"))
        # the next visitor: the new build's waves (a preheated kernel from before the swap would offer the old)
        fresh = profile.new_page()
        fresh.goto(f"{base}/voila/render/{PAGE}?lang=en")
        wait_drawn(fresh, timeout=180_000)
        assert years_offered(fresh) == new_years
        assert fresh.locator("#fd-new-figures").count() == 0
        close_page(fresh)
        # the reload button gives the open page the new figures
        open_pages[0].click("#fd-new-figures button")
        wait_drawn(open_pages[0], timeout=180_000)
        assert years_offered(open_pages[0]) == new_years
    finally:
        close_page(open_pages[1])  # (rpage closes the first)
