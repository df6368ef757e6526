"""What the server does once when it starts, before anyone opens a page.

`streamlit run app.py` finds the `st.App` in `app.py` and serves it; its lifespan
calls `lifespan` below when the server starts. The slow once-per-process work used to
run inside the first visitor's page: importing torch into the server, starting the
fork server (which imports torch again, in its own process) and forking the workers.
That visitor waited for all of it, one step after another (8.7 s to the first graph on
a quiet machine, benchmarks/RESULTS.md). Now it starts with the server, in the
background, so the health check answers at once and the two imports of torch run on
the two cores side by side while the browser loads the page:

- one thread starts the worker pool first (the fork server's import is the longest
  step, so it starts earliest); `st.cache_resource` makes a page that asks for the pool
  meanwhile wait for this same pool instead of starting a second one;
- another imports what the server process needs (`prepare_server_process`) and then
  freezes the import-time heap;
- once the workers are ready, the pool's thread pays the optimizers' lazy import of
  `torch._dynamo` in the server too (`warm_optimizers`): the fork server imports it
  before any worker exists, and two such imports at once on two cores slowed both.

This module imports only the standard library at its top: `app.py` imports it when
the server starts, and the heavy imports belong in the threads.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

WARM_THREADS = ("playground-pool", "playground-imports")
# Streamlit warns when its caches are used outside a page ("missing ScriptRunContext");
# from these threads that is the plan, not a mistake, so their warnings are dropped.
_CONTEXT_LOGGER = "streamlit.runtime.scriptrunner_utils.script_run_context"


def _not_from_warming(record: logging.LogRecord) -> bool:
    return record.threadName not in WARM_THREADS


def _pool() -> None:
    from playground.ui.server_process import warm_optimizers
    from playground.ui.workers import worker_pool

    worker_pool()
    warm_optimizers()  # once the workers are ready: it would slow the fork server's start


def _imports() -> None:
    from playground.ui.server_process import prepare_server_process

    prepare_server_process()


def _timed(step: Callable[[], None], start: float) -> Callable[[], None]:
    """`step`, logging when it finished (the server log then says when it was ready)."""

    def timed() -> None:
        from streamlit.logger import get_logger

        step()
        get_logger(__name__).info(
            "%s done %.2f s after the server started", step.__name__, time.monotonic() - start
        )

    return timed


def start_warming() -> list[threading.Thread]:
    """Start the pool and the imports, each in a daemon thread of its own; returns them.

    Daemon threads: a server stopped while it is still warming must not wait for them.
    """
    start = time.monotonic()
    logger = logging.getLogger(_CONTEXT_LOGGER)
    if _not_from_warming not in logger.filters:
        logger.addFilter(_not_from_warming)
    threads = [
        threading.Thread(target=_timed(step, start), name=name, daemon=True)
        for step, name in zip((_pool, _imports), WARM_THREADS, strict=True)
    ]
    for thread in threads:
        thread.start()
    return threads


@asynccontextmanager
async def lifespan(_app: object) -> AsyncIterator[None]:
    """The server's start (and stop): warming begins and the server serves at once."""
    start_warming()
    yield
