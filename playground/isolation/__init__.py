"""Isolation: untrusted programs run in worker processes the server can kill.

Owns the pool of pre-started workers (`pool`), the limits the operating system
enforces inside each worker (`limits`), and turning a worker that died or was
killed into a message for the student who ran it (`stops`). The sandbox's own
budgets stay the first line of defence; these limits hold when a budget misses.

May import: the standard library and pebble. Nothing else from `playground`:
callers hand in the function to run (`playground.runner.run`, the gradient check),
so this wing stays below every module that uses it.
"""

from .pool import Job, Lane, WorkerPool
from .stops import WorkerStopped

__all__ = ["Job", "Lane", "WorkerPool", "WorkerStopped"]
