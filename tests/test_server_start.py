"""The server's start: `streamlit run app.py` serves an `st.App` whose lifespan starts
the worker pool and the server's imports at once, in the background, exactly once.

Checks that start processes or import torch run in a fresh Python process: the GC
freeze and the worker pool are process-wide.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

from streamlit.web.server.app_discovery import discover_asgi_app

from playground.ui import server_start

ROOT = Path(__file__).resolve().parents[1]


def run_python(code: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout.strip().splitlines()[-1]


def test_streamlit_run_serves_the_app_with_the_lifespan() -> None:
    """`streamlit run app.py` looks for an st.App by reading app.py (no import)."""
    found = discover_asgi_app(ROOT / "app.py")
    assert found.is_asgi_app and found.import_string == "app:app"
    out = run_python(
        """
        import sys
        import streamlit as st
        import app  # as uvicorn imports it: the App, and no page drawn
        from playground.ui.server_start import lifespan
        print(isinstance(app.app, st.App), app.app._user_lifespan is lifespan,
              "torch" in sys.modules)
        """
    )
    assert out == "True True False"


def test_starting_the_pool_imports_no_torch() -> None:
    """The fork server's import of torch is the longest step of the start: the pool
    must be able to start it before this process's own import of torch is done."""
    out = run_python(
        """
        import sys
        import playground.ui.server_start, playground.ui.workers, playground.isolation
        print(sorted(m for m in ("torch", "playground.runner") if m in sys.modules))
        """
    )
    assert out == "[]"


def test_the_lifespan_returns_before_the_warming_ends(monkeypatch) -> None:
    """The server answers while the pool and imports are still being prepared."""
    release, started = threading.Event(), []

    def slow() -> None:
        started.append(threading.current_thread().name)
        release.wait(10)

    monkeypatch.setattr(server_start, "_pool", slow)
    monkeypatch.setattr(server_start, "_imports", slow)

    async def serve() -> None:
        async with server_start.lifespan(None):
            pass

    # In a thread of its own: the browser tests' Playwright leaves an event loop running
    # in the main thread, where `asyncio.run` refuses to start another.
    server = threading.Thread(target=lambda: asyncio.run(serve()))
    server.start()
    server.join(10)
    assert not server.is_alive()
    warming = [t for t in threading.enumerate() if t.name in server_start.WARM_THREADS]
    assert len(warming) == 2  # still warming: the lifespan did not wait for them
    release.set()
    for thread in warming:
        thread.join(10)
    assert sorted(started) == sorted(server_start.WARM_THREADS)


def test_the_lifespan_warms_the_pool_and_the_process_once() -> None:
    """After the server's start, the page's first `worker_pool()` is the warmed pool
    (not a second one) and the process is prepared (one torch thread, heap frozen)."""
    out = run_python(
        """
        import asyncio, gc, os, threading
        import torch
        from playground.ui import server_start, workers
        from playground.ui.server_process import prepare_server_process

        made = []
        original = workers.WorkerPool.warm
        workers.WorkerPool.warm = lambda self: (made.append(self), original(self))[1]

        async def serve():
            async with server_start.lifespan(None):
                pass

        asyncio.run(serve())
        for thread in threading.enumerate():
            if thread.name in server_start.WARM_THREADS:
                thread.join(240)
        pool = workers.worker_pool()
        prepare_server_process()
        elsewhere = pool.call(os.getpid, seconds=30) != os.getpid()
        print(len(made), made[0] is pool, workers.worker_pool() is pool, elsewhere,
              torch.get_num_threads(), gc.get_freeze_count() > 100_000)
        os._exit(0)  # the pool's processes go with us
        """
    )
    assert out == "1 True True True 1 True"


def test_the_server_leaves_torch_dynamo_to_the_workers_until_they_are_ready() -> None:
    """PyTorch imports `torch._dynamo` (1.4 s) on the first meta-sized shape check and
    optimizer step: the server's cold-start imports must not pay it (the fork server's
    preload does), and importing `playground.sandbox.warm` pays it."""
    out = run_python(
        """
        import importlib, sys
        from playground.isolation.pool import PRELOAD
        from playground.ui.server_process import CORE_MODULES
        for name in (*CORE_MODULES, "playground.sandbox.completions", "playground.ui.editor"):
            importlib.import_module(name)
        before = "torch._dynamo" in sys.modules
        import playground.sandbox.warm
        print(before, "playground.sandbox.warm" in PRELOAD, "torch._dynamo" in sys.modules)
        """
    )
    assert out.split() == ["False", "True", "True"]  # before, preloaded, after
