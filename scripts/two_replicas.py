"""Two app replicas behind nginx with cookie affinity, on one host: the school-wide set-up, small.

Streamlit keeps each student's session inside one server process, and the file
uploader's HTTP request must reach the process that holds the session, so every
request of one browser has to go to the same replica. Open-source nginx has no
sticky-cookie directive, so the proxy sets its own cookie: a new browser is given a
replica at random (`split_clients`), the cookie keeps it there. Both replicas share
one `server.cookieSecret`, so the XSRF cookie of one is valid at the other if a
replica dies and the student is moved.

    python3 scripts/two_replicas.py [--port 8500]     # then open http://127.0.0.1:8500

Needs the `nginx` binary (Debian: `apt-get install nginx`). Everything listens on
127.0.0.1 only; Ctrl-C stops all three processes.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "docs" / "deploy" / "nginx-two-replicas.conf"
AFFINITY_COOKIE = "playground_replica"


@dataclass(frozen=True)
class Deployment:
    """Where the proxy listens, where each replica listens, and the proxy's request log."""

    url: str
    replicas: dict[str, int]  # upstream name -> port
    access_log: Path


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def nginx_config(port: int, replicas: dict[str, int], run_dir: Path) -> str:
    """The template with this deployment's ports and paths filled in."""
    text = TEMPLATE.read_text()
    values = {"PORT": port, "RUN_DIR": run_dir, **{n.upper(): p for n, p in replicas.items()}}
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    return text


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
            return reply.read() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


def _wait_healthy(url: str, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 90
    while not _healthy(url):
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} not healthy at {url} after 90 s")
        time.sleep(0.3)


def _start_replica(port: int, cookie_secret: str, log: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true",
           "--server.fileWatcherType", "none",
           "--browser.gatherUsageStats", "false"]  # fmt: skip
    # Streamlit refuses the secret as a command-line flag (it would show in `ps`).
    env = {**os.environ, "STREAMLIT_SERVER_COOKIE_SECRET": cookie_secret}
    with log.open("wb") as out:
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)  # fmt: skip


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@contextlib.contextmanager
def two_replicas(port: int | None = None) -> Iterator[Deployment]:
    """Start replica_a, replica_b and nginx in front of them; stop all three on exit."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise FileNotFoundError("nginx is not installed (Debian: apt-get install nginx)")
    secret = secrets.token_hex(32)
    port = port or free_port()
    replicas = {"replica_a": free_port(), "replica_b": free_port()}
    processes: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="playground-replicas-") as tmp:
        run_dir = Path(tmp)
        try:
            for name, replica_port in replicas.items():
                processes.append(_start_replica(replica_port, secret, run_dir / f"{name}.log"))
            for process, replica_port in zip(processes, replicas.values(), strict=True):
                _wait_healthy(f"http://127.0.0.1:{replica_port}", process, "replica")
            conf = run_dir / "nginx.conf"
            conf.write_text(nginx_config(port, replicas, run_dir))
            proxy_cmd = [nginx, "-p", str(run_dir), "-c", str(conf)]
            processes.append(subprocess.Popen(proxy_cmd, start_new_session=True))
            url = f"http://127.0.0.1:{port}"
            _wait_healthy(url, processes[-1], "nginx")
            yield Deployment(url, replicas, run_dir / "access.log")
        finally:
            for process in reversed(processes):
                _stop(process)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8500, help="where nginx listens")
    args = parser.parse_args()
    with two_replicas(args.port) as deployment:
        print(f"open {deployment.url}  (replicas on ports {deployment.replicas})", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)


if __name__ == "__main__":
    main()
