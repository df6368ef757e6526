"""How worker processes start: forked from a fork server, never importing `__main__`.

multiprocessing makes each new process import the parent's main script again (as
`__mp_main__`) so that functions defined there can be found. Our workers need
nothing from it, and under Streamlit the "main script" is whatever page is running
at that moment: a worker replaced mid-class would run a page. So while a worker is
launched, `__main__` is swapped for an empty module (a few microseconds, under a
lock), and the worker's start-up imports no script at all.
"""

from __future__ import annotations

import sys
import threading
import types
from multiprocessing import context as mp_context
from multiprocessing import popen_forkserver

_EMPTY_MAIN = types.ModuleType("__main__")
_LAUNCH = threading.Lock()


class _WorkerProcess(mp_context.ForkServerProcess):
    @staticmethod
    def _Popen(process_obj):
        with _LAUNCH:
            main = sys.modules["__main__"]
            sys.modules["__main__"] = _EMPTY_MAIN
            try:
                return popen_forkserver.Popen(process_obj)
            finally:
                sys.modules["__main__"] = main


class _WorkerContext(mp_context.ForkServerContext):
    Process = _WorkerProcess


def worker_context(start: str, preload: tuple[str, ...]) -> mp_context.BaseContext:
    """The multiprocessing context workers start from: "forkserver" (the server: a
    clean single-threaded process imports `preload` once and forks each worker) or
    "fork" (a process with no other threads, such as the command line)."""
    if start == "fork":
        return mp_context.ForkContext()
    context = _WorkerContext()
    context.set_forkserver_preload(list(preload))
    return context
