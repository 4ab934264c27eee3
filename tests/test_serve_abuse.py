"""The server's defences that need no running server (issue 26): many query fields, the per-address page rate,
nginx's page limit, the kernel cookies. The browser tests (tests/browser/test_abuse_browser.py) run them live."""
from __future__ import annotations

import shutil
import subprocess
from unittest import mock

import pytest

from server import cluster, serve
from pages.address import MAX_FIELDS, Choice, parse_query

YEAR = Choice("year", ("2012", "2014"), "2014")


def test_sixty_fields_are_read_up_to_the_limit_and_the_rest_ignored_with_a_note():
    s = parse_query("&".join(["year=2012"] * 60), [YEAR])
    assert s.get("year") == "2012"
    assert [(n.name, n.unknown) for n in s.notes] == [("year", True)]  # one note for the ten beyond the limit
    many = "&".join(f"p{i}=1" for i in range(10_000))
    s = parse_query("year=2012&" + many, [YEAR])
    assert s.get("year") == "2012"
    assert len(s.notes) == MAX_FIELDS  # 49 unknown fields read, one note for the rest
    assert s.notes[-1].unknown and s.notes[-1].name.endswith("…")


def test_page_rate_per_address_burst_then_refill():
    app = serve.voila_app()(page_rate=6, page_burst=3)  # a page every 10 s after 3 at once
    now = [1000.0]
    with mock.patch("time.monotonic", lambda: now[0]):
        assert [app.rate_allows("10.0.0.1") for _ in range(4)] == [True, True, True, False]
        assert app.rate_allows("10.0.0.2")  # another address has its own burst
        now[0] += 9
        assert not app.rate_allows("10.0.0.1")
        now[0] += 1.5
        assert app.rate_allows("10.0.0.1") and not app.rate_allows("10.0.0.1")
    assert serve.voila_app()(page_rate=0, page_burst=1).rate_allows("x")  # 0: no limit (behind nginx)


def test_committed_limits_fit_an_office_team_and_reach_nginx(tmp_path):
    rate, burst = cluster.page_limit()
    assert burst >= 20 and rate >= 6  # a team of 20 behind one NAT opens a mailed link at once
    conf = cluster.nginx_config(tmp_path, 8866, [9001, 9002], None)
    assert f"rate={rate:g}r/m" in conf and f"burst={burst} nodelay" in conf
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not shutil.which(nginx):
        pytest.fail("nginx is missing: apt-get install nginx-light (CI's .ci/run does)")
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / sub).mkdir()
    (tmp_path / "nginx.conf").write_text(conf, encoding="utf-8")
    check = subprocess.run([nginx, "-t", "-q", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_workers_behind_nginx_do_not_limit_by_address():
    _, _, worker_args = cluster.parse_args(["--workers", "2", "--max-kernels", "5"])
    assert "--FrivilligVoila.page_rate=0" in worker_args


def test_kernel_cookies_are_scoped_to_that_kernels_addresses():
    paths = [p for _, p in serve.owner_cookies("/", "abc")]
    assert paths == ["/api/kernels/abc", "/voila/api/shutdown/abc"]
