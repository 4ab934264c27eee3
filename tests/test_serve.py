"""server.serve: command-line options (both `--port 8890` and `--port=8890`; unknown or repeated options refused
with exit status 2 and a message) and the committed serving configuration."""
from __future__ import annotations

import subprocess
import sys

import pytest

from server import serve
from views.labels import UI

REPO = serve.REPO




@pytest.mark.parametrize("argv", [["--port", "8890"], ["--port=8890"]])
def test_port_with_a_space_or_an_equals_sign(argv):
    opts = serve.parse_args(argv)
    assert opts.port == 8890
    assert "--port=8890" in serve.voila_argv(opts)


def test_own_options_and_voila_settings():
    opts = serve.parse_args(["--max-kernels", "3", "--pool-size=0", "--retry-after", "5", "--root=bench",
                             "--MappingKernelManager.cull_idle_timeout=60"])
    assert (opts.max_kernels, opts.pool_size, opts.retry_after, opts.root) == (3, 0, 5, "bench")
    argv = serve.voila_argv(opts)
    assert argv[0] == "bench"
    for expected in ("--FrivilligVoila.max_kernels=3", "--VoilaConfiguration.default_pool_size=0",
                     "--FrivilligVoila.retry_after=5", "--MappingKernelManager.cull_idle_timeout=60"):
        assert expected in argv


def test_defaults_leave_voila_json_in_charge():
    argv = serve.voila_argv(serve.parse_args([]))
    assert "--port=8866" in argv
    assert not any(a.startswith(("--FrivilligVoila.", "--VoilaConfiguration.")) for a in argv)


@pytest.mark.parametrize("argv, message", [
    (["--prot=8890"], "unknown option '--prot=8890'"),
    (["8890"], "unknown option '8890'"),
    (["--debug"], "unknown option '--debug'"),
    (["--port", "8890", "--port=8891"], "--port given more than once"),
    (["--Voila.port_retries=0", "--Voila.port_retries=1"], "--Voila.port_retries given more than once"),
    (["--port"], "--port needs a value"),
    (["--port", "--max-kernels=2"], "--port needs a value"),
    (["--port=eighty"], "--port: 'eighty' is not a port number"),
    (["--port=70000"], "is not a port number"),
    (["--max-kernels=0"], "--max-kernels: '0' is not a whole number >= 1"),
    (["--pool-size=-1"], "--pool-size: '-1' is not"),
    (["--root=nowhere"], "--root: no folder 'nowhere'"),
])
def test_bad_options_are_refused_with_a_message(argv, message):
    with pytest.raises(serve.UsageError, match=None) as info:
        serve.parse_args(argv)
    assert message in str(info.value)


@pytest.mark.parametrize("argv", [["--port", "8890", "--port", "8891"], ["--bogus"]])
def test_the_command_exits_2_and_prints_no_address(argv):
    proc = subprocess.run([sys.executable, "-m", "server.serve", *argv], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ") and "usage: python -m server.serve" in proc.stderr
    assert "open http" not in proc.stdout


def test_busy_page_in_danish_and_english():
    da = serve.busy_page("da", 15, 24, 24)
    assert '<html lang="da">' in da and UI["busy_title"][0] in da and "15 sekunder" in da
    assert 'http-equiv="refresh" content="15"' in da
    en = serve.busy_page("en", 7, 1, 1)
    assert '<html lang="en">' in en and UI["busy_title"][1] in en and "7 seconds" in en


def test_committed_configuration_is_sized_for_this_machine():
    conf = serve.committed_config()
    assert conf["FrivilligVoila"]["max_kernels"] >= 20  # a team of 20 gets in at once
    assert conf["MappingKernelManager"]["cull_connected"] is False  # an open page keeps its kernel
    # abandoned kernels go within about two minutes: idle time plus one culling interval
    assert conf["MappingKernelManager"]["cull_idle_timeout"] + conf["MappingKernelManager"]["cull_interval"] <= 120
    # a busy server must not drop the page's last outputs (nbclient's default is 4 s)
    assert conf["VoilaExecutor"]["iopub_timeout"] >= 60
