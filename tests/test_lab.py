"""`make lab` serves JupyterLab from the repository root, opening the worked example in notebooks/."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from conftest import REPO

TOKEN = "frivilligdata-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture(scope="module")
def lab(demo_db, tmp_path_factory):
    """`make lab` on a free port (the warehouse taken as built: -o keeps make from rebuilding it)."""
    port = _free_port()
    log = open(tmp_path_factory.mktemp("lab") / "lab.log", "wb")
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path_factory.mktemp("jupyter_runtime"))}
    proc = subprocess.Popen(["make", "--no-print-directory", "-o", "data/.warehouse-built", "lab",
                             f"LAB_PORT={port}", f"LAB_FLAGS=--no-browser --IdentityProvider.token={TOKEN}"],
                            cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120  # a start-up deadline, not a speed check
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"make lab exited with status {proc.returncode}; log: {log.name}")
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2):
                    break
            except OSError:
                if time.time() > deadline:
                    pytest.fail(f"JupyterLab did not answer; log: {log.name}")
                time.sleep(0.5)
        yield base
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
        log.close()


def _contents(base: str, path: str) -> list[str]:
    with urllib.request.urlopen(f"{base}/api/contents/{path}?token={TOKEN}", timeout=10) as r:
        return sorted(item["name"] for item in json.load(r)["content"])


def test_lab_root_is_the_repository(lab):
    root = _contents(lab, "")
    assert {"notebooks", "queries", "dashboards", "data", "docs"} <= set(root)
    assert "worked_example.ipynb" in _contents(lab, "notebooks")
    assert "participation_rate.sql" in _contents(lab, "queries")


def test_lab_opens_the_worked_example(lab):
    opener = urllib.request.build_opener(_NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(f"{lab}/?token={TOKEN}", timeout=10)
    assert redirect.value.code in (301, 302)
    assert redirect.value.headers["Location"].startswith("/lab/tree/notebooks/worked_example.ipynb")



def test_make_lab_builds_the_warehouse_without_the_dashboards_views():
    """With the demo data newer than the warehouse, `make lab` would run the ETL build but not the dashboards'
    prebuild (minutes), which make warehouse still runs (-n: print the commands, run nothing)."""
    def commands(target: str) -> str:
        proc = subprocess.run(["make", "-n", "--no-print-directory", "-o", ".venv/.installed", "-W",
                               "data/raw/demo/.generated", target], cwd=REPO, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    lab, warehouse = commands("lab"), commands("warehouse")
    assert "-m etl build" in lab and "jupyter lab" in lab and "server.prebuild" not in lab
    assert "-m etl build" in warehouse and "server.prebuild" in warehouse
