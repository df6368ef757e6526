"""A pool of pre-started worker processes, and one lane per student.

Why pebble's `ProcessPool`: it replaces a worker that crashed, was killed or has
run `max_tasks` tasks, and it kills the worker of a task that runs past its
timeout or is cancelled — the pieces a classroom server needs, kept by a library
instead of by us. Workers are forked from a fork server that imported torch once,
so a run costs milliseconds more than in-process, not the second `import torch`
takes (measurements in docs/isolation.md).
"""

from __future__ import annotations

import os
import threading
from collections import deque
from concurrent.futures import CancelledError, Future, TimeoutError
from dataclasses import dataclass, field

import pebble

from .limits import Limits, run_task, start_worker
from .start import worker_context
from .stops import WorkerStopped, died, out_of_memory, timed_out

# Imported once, by the fork server: the runner, and PyTorch's lazy imports warmed.
PRELOAD = ("playground.runner", "playground.gradcheck", "playground.sandbox.warm")
SLOTS = 256  # line slots shared with the workers: tasks queued or running at once
# A task asked to stop (its student sent a newer edit) is killed only if it has not
# stopped by itself this long after: a kill costs a new worker, and a burst of edits
# (40 at 0.3 s) killed workers faster than they were replaced, delaying everybody.
SOFT_STOP_S = 0.5


@dataclass
class Job:
    """A task in flight: its future, the budget its timeout was set from, and the
    line its program was on when it ended (read from its shared slot)."""

    future: Future
    seconds: float
    line: int | None = None
    settled: threading.Event = field(default_factory=threading.Event)
    slot: int | None = None


class WorkerPool:
    """Pre-started workers with OS-enforced limits; `call` runs a function in one."""

    def __init__(
        self,
        workers: int = 3,
        limits: Limits | None = None,
        max_tasks: int = 200,
        start: str = "forkserver",
        preload: tuple[str, ...] = PRELOAD,
    ) -> None:
        context = worker_context(start, preload)
        self.limits = limits = limits or Limits()
        self.workers = workers
        # Each task that reports its line gets a slot of this shared array, two
        # cells: the line it runs, and a stop request; workers inherit it at start.
        self._lines = context.RawArray("i", 2 * SLOTS)
        self._free = deque(range(SLOTS))
        self._lock = threading.Lock()
        self._pool = pebble.ProcessPool(
            max_workers=workers,
            max_tasks=max_tasks,
            initializer=start_worker,
            initargs=(limits, preload, self._lines),
            context=context,
        )

    def submit(self, fn, *args, seconds: float, line_slot: bool = False, **kwargs) -> Job:
        """Start `fn(*args, **kwargs)` in a worker; killed `seconds` + grace later.

        With `line_slot`, `fn` also gets `line=`: where to write the line it runs,
        so a crash or a kill can still say which line it was on.
        """
        slot = self._take_slot() if line_slot else None
        future = self._pool.schedule(
            run_task,
            args=(self.limits, fn, args, kwargs, slot),
            timeout=seconds + self.limits.wall_grace,
        )
        job = Job(future, seconds, slot=slot)
        future.add_done_callback(lambda _: self._settle(job, slot))
        return job

    def _take_slot(self) -> int | None:
        """The slot freed longest ago: a killed worker may still write its line into
        the slot it had, so a just-freed slot is the last one handed out again."""
        with self._lock:
            return self._free.popleft() if self._free else None

    def _settle(self, job: Job, slot: int | None) -> None:
        """When the task ends, however it ends: keep its last line, free its slot."""
        if slot is not None:
            with self._lock:  # `stop` must not ask a slot that is being freed
                job.line = self._lines[2 * slot] or None
                self._lines[2 * slot] = self._lines[2 * slot + 1] = 0
                self._free.append(slot)
                job.settled.set()
            return
        job.settled.set()

    def stop(self, job: Job) -> None:
        """Ask `job` to stop at its next statement; kill its worker if it has not
        stopped `SOFT_STOP_S` later (or at once, for a task with no slot to ask in)."""
        if job.future.done():
            return
        with self._lock:
            asked = job.slot is not None and not job.settled.is_set()
            if asked:
                self._lines[2 * job.slot + 1] = 1
        if not asked:
            job.future.cancel()
            return
        timer = threading.Timer(SOFT_STOP_S, job.future.cancel)
        timer.daemon = True
        timer.start()

    def outcome(self, job: Job) -> object:
        """The task's return value, or `WorkerStopped` saying why there is none."""
        try:
            return job.future.result()
        except TimeoutError:
            stop = timed_out(job.seconds)
        except pebble.ProcessExpired as exc:
            stop = died(exc.exitcode, self.limits)
        except MemoryError:
            stop = out_of_memory(self.limits)
        except CancelledError:
            stop = WorkerStopped("cancelled", "This run was replaced by a newer one.")
        job.settled.wait(timeout=5)  # its done-callback reads the line
        stop.line = job.line
        raise stop

    def call(self, fn, *args, seconds: float, **kwargs) -> object:
        """`fn(*args, **kwargs)` in a worker, waiting for the answer."""
        return self.outcome(self.submit(fn, *args, seconds=seconds, **kwargs))

    def warm(self) -> None:
        """Start every worker now (import torch, set limits), not on the first run."""
        jobs = [self.submit(os.getpid, seconds=60) for _ in range(self.workers)]
        for job in jobs:
            self.outcome(job)

    def close(self) -> None:
        """Stop the workers."""
        self._pool.stop()
        self._pool.join()


class Lane:
    """One student's way into the pool: at most one task in flight.

    A new task cancels the student's older one (its worker is killed and
    replaced), so nobody can queue ten heavy runs ahead of the class.
    """

    def __init__(self, pool: WorkerPool) -> None:
        self.pool = pool
        self._job: Job | None = None

    def submit(self, fn, *args, seconds: float, **kwargs) -> Job:
        """Cancel this lane's task in flight, if any, and start this one."""
        self.cancel()
        self._job = self.pool.submit(fn, *args, seconds=seconds, **kwargs)
        return self._job

    def cancel(self) -> None:
        """Stop this lane's task if it is still queued or running."""
        if self._job is not None:
            self.pool.stop(self._job)
