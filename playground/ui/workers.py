"""Every page's way to run a student's program: in a worker, one run per student.

The pool is one per server process (`st.cache_resource`: it holds processes, not
student data). Each session has a lane, so a new edit cancels the student's older
run instead of queueing behind it. While a run is in flight the page updates a
small note every tenth of a second: each update is a point where Streamlit can stop
this script run for a newer one, and the `finally` then kills the stale run.

Nothing here imports torch at import time (`playground.isolated` is imported by the
functions that run a program): the server's start-up (`server_start`) starts the pool
from here first, so that the fork server's import of torch is not queued behind the
server's own.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import wait
from typing import TYPE_CHECKING

import streamlit as st

from playground.isolation import Job, Lane, WorkerPool
from playground.isolation.limits import Limits

if TYPE_CHECKING:
    from playground.gradcheck import GradCheck
    from playground.runner import RunResult

LANE = "worker_lane"
POLL = 0.1  # seconds between chances to hand over to a newer run


def worker_pool() -> WorkerPool:
    """The server's workers, started (torch imported, limits set) before first use.

    One pool per version of our modules: when a source file changes on a running
    server (a redeploy, an edit), Streamlit reloads the `playground` modules, and a
    pool made by the old ones hands workers the old functions, which no longer
    pickle. The new pool replaces it and the old one is closed.
    """
    return _pool(id(WorkerPool))


def _close(pool: WorkerPool) -> None:
    pool.close()


@st.cache_resource(
    max_entries=1, on_release=_close, show_spinner="Starting the sandbox's worker processes…"
)
def _pool(generation: int) -> WorkerPool:
    """`PLAYGROUND_WORKERS` and `PLAYGROUND_MEMORY_MB` size it per deployment."""
    workers = int(os.environ.get("PLAYGROUND_WORKERS", "3"))
    pool = WorkerPool(workers, Limits.from_environment())
    pool.warm()
    return pool


def _lane() -> Lane:
    """This session's lane, made anew if it belongs to an older pool or module version."""
    pool, lane = worker_pool(), st.session_state.get(LANE)
    if not isinstance(lane, Lane) or lane.pool is not pool:
        lane = st.session_state[LANE] = Lane(pool)
    return lane


def _wait(lane: Lane, job: Job, what: str) -> None:
    """Wait for `job`, giving Streamlit a chance to interrupt; kill it if interrupted."""
    note, start = None, time.monotonic()
    try:
        while not wait([job.future], timeout=POLL).done:
            note = note or st.empty()
            note.caption(f"{what}… {time.monotonic() - start:.1f} s")
    finally:
        if note is not None:
            note.empty()
        if not job.future.done():
            lane.cancel()


def run_program(source: str, **options) -> RunResult:
    """`playground.run(source, **options)` in this student's lane, summarised for the
    page (`RunResult.for_page`): the session keeps it."""
    from playground.isolated import finish_run, start_run

    lane = _lane()
    job = start_run(lane, source, summarise=True, **options)
    _wait(lane, job, "Running your program")
    return finish_run(lane, job)


def check_program(source: str) -> GradCheck:
    """The gradient check in this student's lane (a newer run interrupts it)."""
    from playground.isolated import finish_check, start_check

    lane = _lane()
    job = start_check(lane, source)
    _wait(lane, job, "Checking gradients")
    return finish_check(lane, job)
