"""Every benchmark still runs: each script's `--quick` mode, as a subprocess.

Run as the README says, `python -m benchmarks.NAME --quick` from the repository root.

Only that it finishes and prints its table: benchmarks are never pass/fail on time
(the full runs and their numbers are in benchmarks/RESULTS.md).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_quick(script: str, timeout: float = 120) -> str:
    module = "benchmarks." + script.removesuffix(".py")
    proc = subprocess.run(
        [sys.executable, "-m", module, "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert proc.returncode == 0, f"{script} exited {proc.returncode}:\n{proc.stderr[-3000:]}"
    return proc.stdout


def test_draw_vs_torchviz_quick() -> None:
    out = run_quick("draw_vs_torchviz.py")
    assert "| graph | autograd nodes | ours (ms) |" in out
    assert "tutorial y = w*x + b" in out and "RecursionError" in out


def test_sandbox_overhead_quick() -> None:
    out = run_quick("sandbox_overhead.py")
    assert "| run | ms per 100-epoch block |" in out
    assert "ratio sandbox / plain" in out
    assert "| tracer (`Tracer.record`) |" in out and "| the rest: the interpreter" in out


def test_apptest_latency_quick() -> None:
    out = run_quick("apptest_latency.py")
    assert "| page | preset / data | interaction | median (ms) | p95 (ms)" in out
    assert "change learning rate" in out and "step backward" in out


def test_loadtest_quick() -> None:
    """Two protocol-level students on a real server: every interaction runs without an error."""
    out = run_quick("loadtest.py", timeout=240)
    assert "| interaction | count | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) |" in out
    for kind in ("edit code", "change leaf", "retrain (Play)", "back to lab"):
        assert f"| {kind} |" in out, f"no {kind!r} interaction ran:\n{out}"
    assert "| sessions (students connected) | 2 of 2 |" in out, out
    assert "| errors | 0; server tracebacks: 0 |" in out, out
    assert "RSS per idle session" in out and "RSS end" in out


@pytest.mark.e2e
def test_server_memory_quick() -> None:
    if not (Path("/usr/bin/chromium").is_file() or shutil.which("chromium")):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but no Chromium for the memory benchmark")
        pytest.skip("no Chromium")
    out = run_quick("server_memory.py")
    assert "| open sessions | server RSS (MB) |" in out
    assert "per session:" in out


@pytest.mark.e2e
def test_browser_timings_quick() -> None:
    if not (Path("/usr/bin/chromium").is_file() or shutil.which("chromium")):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but no Chromium for the browser timings")
        pytest.skip("no Chromium")
    out = run_quick("browser_timings.py", timeout=300)
    assert "| launch `streamlit run` -> lab's first graph drawn |" in out, out
    assert "| default (120 nearest) | 10 | 10 |" in out, out
    assert "| expanded to 600 | 301 | 301 |" in out, out
    assert "| click -> graph (s) |" in out, out


@pytest.mark.e2e
def test_player_fps_quick() -> None:
    if not (Path("/usr/bin/chromium").is_file() or shutil.which("chromium")):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but no Chromium for the player's frame rates")
        pytest.skip("no Chromium")
    out = run_quick("player_fps.py", timeout=300)
    assert "| speed (epochs/s) | frames/s | chart updates/s |" in out, out
    assert "| 100 |" in out and "| Epoch 99 / 99 |" in out, out  # the whole run was shown
