"""Start, stop and kill a real `streamlit run app.py` for the browser tests.

Shared by conftest's session-wide server and by tests that need a server of their own
(the restart test kills its server, so it cannot use the shared one).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

VIEWPORT = {"width": 1500, "height": 1100}
TIMEOUT_MS = 30_000  # reruns wait on a shared, sometimes busy server

REPO_ROOT = Path(__file__).resolve().parents[2]
SERVER_START_TIMEOUT = 60.0


def free_port() -> int:
    """A localhost TCP port that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200 and response.read().decode().strip() == "ok"
    except (urllib.error.URLError, OSError):
        return False


def stop_server(process: subprocess.Popen) -> None:
    """Terminate the server's whole process group, then make sure it is gone."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def start_server(port: int, log_path: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    """Start `streamlit run app.py` on `port` in its own process group; wait until healthy.

    Its own group, so a test can kill the server with everything it spawned (its worker
    processes too). `env` adds to the server's environment.
    """
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    command = [sys.executable, "-m", "streamlit", "run", "app.py"]
    command += ["--server.port", str(port), "--server.headless", "true"]
    command += ["--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    # Test the code as it was at start: no reloads of files edited while the tests run.
    command += ["--server.fileWatcherType", "none", "--server.runOnSave", "false"]
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not _healthy(url):
            if process.poll() is not None:
                pytest.fail(
                    f"streamlit exited with {process.returncode}:\n{log_path.read_text()[-3000:]}"
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"streamlit not healthy after {SERVER_START_TIMEOUT:.0f} s:\n"
                    f"{log_path.read_text()[-3000:]}"
                )
            time.sleep(0.25)
    except BaseException:
        stop_server(process)
        raise
    return process


def kill_server(process: subprocess.Popen) -> None:
    """SIGKILL the server's whole process group, as a crash would, and reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
