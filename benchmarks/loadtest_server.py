"""The load test's server: a real `streamlit run app.py` on loopback, and what it costs.

Started in its own process group (so the whole group can be killed), with the log in a
temporary file for errors, plus a sampler thread that reads its resident memory from
/proc/<pid>/status and its CPU time from /proc/<pid>/stat.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
TICKS = os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    """Resident set size of `pid` in MB (2**20 bytes), from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time `pid` has used so far (fields 14 and 15 of /proc/<pid>/stat)."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2 :].split()  # the command name may contain spaces
    return (int(fields[11]) + int(fields[12])) / TICKS


def cpu_pressure_us() -> int | None:
    """Microseconds some task on the machine waited for a CPU (Linux PSI), or None."""
    try:
        first = Path("/proc/pressure/cpu").read_text().splitlines()[0]
    except OSError:
        return None
    return int(first.rsplit("total=", 1)[1])


def load_average() -> float:
    """The machine's 1-minute load average: how busy the shared cores are."""
    return float(Path("/proc/loadavg").read_text().split()[0])


class Server:
    """`streamlit run app.py` on 127.0.0.1:<port> with extra `--flag value` arguments."""

    def __init__(
        self, port: int, server_args: list[str], env: dict[str, str], app_dir: Path = ROOT
    ) -> None:
        self.port = port
        # Closed in stop(): the log lives as long as the server.
        self.log = tempfile.NamedTemporaryFile(prefix="loadtest-server-", suffix=".log")  # noqa: SIM115
        cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.address", HOST, "--server.headless", "true",
               "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
               *server_args]  # fmt: skip
        self.cmd = cmd
        self.proc = subprocess.Popen(
            cmd, cwd=app_dir, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env={**os.environ, **env}, start_new_session=True,
        )  # fmt: skip
        self.samples: list[tuple[float, float]] = []  # (monotonic time, RSS MB)
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    def wait_healthy(self, timeout_s: float = 90) -> None:
        """Wait for /_stcore/health to answer "ok"; raise if the server died or is slow."""
        deadline = time.monotonic() + timeout_s
        url = f"http://{HOST}:{self.port}/_stcore/health"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}:\n{self.tail()}")
            with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as reply:
                if reply.read() == b"ok":
                    self._sampler.start()
                    return
            time.sleep(0.3)
        raise RuntimeError(f"streamlit not healthy after {timeout_s:.0f} s:\n{self.tail()}")

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            with contextlib.suppress(OSError, RuntimeError):
                self.samples.append((time.monotonic(), rss_mb(self.proc.pid)))

    def rss(self) -> float:
        """RSS now, in MB."""
        return rss_mb(self.proc.pid)

    def peak_since(self, start: float) -> float:
        """Highest sampled RSS since monotonic time `start`."""
        return max((rss for when, rss in self.samples if when >= start), default=self.rss())

    def cpu(self) -> float:
        """CPU seconds used so far."""
        return cpu_seconds(self.proc.pid)

    def tail(self, chars: int = 3000) -> str:
        """The end of the server's log."""
        return Path(self.log.name).read_text(errors="replace")[-chars:]

    def tracebacks(self) -> int:
        """How many Python tracebacks the server logged."""
        return Path(self.log.name).read_text(errors="replace").count("Traceback (most recent")

    def first_traceback(self) -> str:
        """The first traceback the server logged, to print beside the count."""
        text = Path(self.log.name).read_text(errors="replace")
        start = text.find("Traceback (most recent")
        if start < 0:
            return ""
        end = text.find("\n\n", start)
        return text[start : end if end > 0 else start + 4000][-4000:]

    def stop(self) -> None:
        """Stop sampling and kill the server's whole process group."""
        self._stop.set()
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.log.close()
