"""Several Voilà workers behind Debian's nginx, sticky by cookie: `python -m server.cluster --workers 2 [--port
8866] [server.serve options]` (what `make dashboard WORKERS=2` runs; docs/load.md).

Each worker is `python -m server.serve` on its own free local port with the same options (so --max-kernels and
--pool-size are per worker); nginx listens on --port and sends each browser to one worker for good (cookie
`frivillig_worker`), so a page's websocket reaches the worker that holds its kernel. nginx runs from a temporary
prefix (its config, pid and error log there; nothing in /etc is touched). Stop with Ctrl-C or SIGTERM: the workers
and nginx stop with it.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from . import serve

TEMPLATE = Path(__file__).resolve().parent / "deploy" / "nginx.conf.j2"
COOKIE = "frivillig_worker"
USAGE = "usage: python -m server.cluster --workers N [--port P] [server.serve options]"
HOST = "127.0.0.1"


def parse_args(argv: list[str]) -> tuple[int, serve.Options, list[str]]:
    """(workers, the options of the front port, the options every worker gets); serve.UsageError when invalid."""
    workers = None
    rest: list[str] = []
    i = 0
    while i < len(argv):
        name, eq, value = argv[i].partition("=")
        if name == "--workers":
            if not eq:
                if i + 1 >= len(argv) or argv[i + 1].startswith("--"):
                    raise serve.UsageError("--workers needs a value: --workers N or --workers=N")
                i += 1
                value = argv[i]
            if workers is not None:
                raise serve.UsageError("--workers given more than once")
            if not value.isdigit() or not 1 <= int(value) <= 64:
                raise serve.UsageError(f"--workers: {value!r} is not a whole number 1-64")
            workers = int(value)
        else:
            rest.append(argv[i])
        i += 1
    if workers is None:
        raise serve.UsageError("--workers N is required")
    opts = serve.parse_args(rest)  # validates every option the workers get
    # the workers see only nginx's address: nginx limits the page renders per client instead (page_limit)
    worker_args = _without_port(rest)
    if not any(a.startswith("--FrivilligVoila.page_rate=") for a in worker_args):
        worker_args.append("--FrivilligVoila.page_rate=0")
    return workers, opts, worker_args


def _without_port(args: list[str]) -> list[str]:
    out, skip = [], False
    for a in args:
        if skip:
            skip = False
        elif a == "--port":
            skip = True
        elif not a.startswith("--port="):
            out.append(a)
    return out


def page_limit() -> tuple[float, int]:
    """(page renders per minute, burst) per client address: voila.json's FrivilligVoila.page_rate and page_burst,
    which nginx applies in front of the workers."""
    conf = serve.committed_config().get("FrivilligVoila", {})
    return conf["page_rate"], conf["page_burst"]


def nginx_config(prefix: Path, port: int, worker_ports: list[int], user: str | None) -> str:
    import jinja2

    n = len(worker_ports)
    workers = [{"name": f"fd_w{i}", "host": HOST, "port": p, "share": f"{100 / n:.2f}".rstrip("0").rstrip(".")}
               for i, p in enumerate(worker_ports)]
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE.parent)), autoescape=False,
                             keep_trailing_newline=True)
    rate, burst = page_limit()
    return env.get_template(TEMPLATE.name).render(prefix=prefix, port=port, host=HOST, workers=workers,
                                                  cookie=COOKIE, user=user, page_rate=f"{rate:g}", page_burst=burst)


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if not found:
        raise serve.UsageError("nginx is not installed (Debian: apt-get install nginx-light)")
    return found


def _wait_http(url: str, proc: subprocess.Popen, what: str, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with status {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{what} did not answer within {timeout:.0f} s")


def _pipe(proc: subprocess.Popen, label: str) -> None:
    for line in proc.stdout:
        sys.stdout.write(f"[{label}] {line.decode(errors='replace')}")
        sys.stdout.flush()


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if any(a in ("-h", "--help") for a in args):
        print(__doc__)
        return
    try:
        workers, opts, worker_args = parse_args(args)
        nginx = nginx_binary()
    except serve.UsageError as exc:
        print(f"error: {exc}\n{USAGE}", file=sys.stderr)
        raise SystemExit(2) from None
    port = opts.port or serve.free_port()
    procs: list[subprocess.Popen] = []
    prefix = Path(tempfile.mkdtemp(prefix="frivillig-nginx-"))

    def stop(*_):
        for p in reversed(procs):
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(prefix, ignore_errors=True)

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        ports = []
        for i in range(workers):
            wport = serve.free_port()
            p = subprocess.Popen([sys.executable, "-m", "server.serve", f"--port={wport}", *worker_args],
                                 cwd=serve.REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            procs.append(p)
            threading.Thread(target=_pipe, args=(p, f"worker {i}"), daemon=True).start()
            ports.append(wport)
        for i, (p, wport) in enumerate(zip(procs, ports)):
            _wait_http(f"http://{HOST}:{wport}/", p, f"worker {i}")
        for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (prefix / sub).mkdir()
        user = None
        if os.geteuid() == 0:  # nginx's workers drop to nobody: let them use the temp folders
            os.chmod(prefix, 0o755)
            for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
                os.chmod(prefix / sub, 0o1777)
            user = "nobody nogroup"
        conf = prefix / "nginx.conf"
        conf.write_text(nginx_config(prefix, port, ports, user), encoding="utf-8")
        check = subprocess.run([nginx, "-t", "-q", "-p", str(prefix), "-c", str(conf)], capture_output=True,
                               text=True)
        if check.returncode != 0:
            raise RuntimeError(f"nginx refused the configuration {conf}: {check.stderr.strip()}")
        ng = subprocess.Popen([nginx, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        procs.append(ng)
        threading.Thread(target=_pipe, args=(ng, "nginx"), daemon=True).start()
        _wait_http(f"http://{HOST}:{port}/", ng, "nginx", timeout=30)
        print(f"Frivilligdata: open http://{HOST}:{port}/ ({workers} Voilà workers behind nginx, ports "
              f"{', '.join(map(str, ports))})", flush=True)
        while all(p.poll() is None for p in procs):
            time.sleep(1)
        dead = next(p for p in procs if p.poll() is not None)
        print(f"error: {'nginx' if dead is ng else 'a worker'} stopped (status {dead.returncode}); stopping all",
              file=sys.stderr, flush=True)
        raise SystemExit(1)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        pass
    finally:
        stop()


if __name__ == "__main__":
    main()
