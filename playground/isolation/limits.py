"""Limits the operating system enforces inside a worker process.

Set once when a worker starts (memory, file size, core dumps, one torch thread)
and per task (CPU seconds), with `resource.setrlimit`: a program that escapes
the sandbox's cooperative budgets is stopped by the kernel instead of taking the
server's memory or a core with it. Measured choices are in docs/isolation.md.
"""

from __future__ import annotations

import ctypes
import gc
import os
import resource
import signal
from dataclasses import dataclass

MB = 2**20
LOCAL_MEMORY_MB = 4096
LOCAL_CPU_SECONDS = 90.0
# This worker process's view of the pool's shared line slots (set by `start_worker`;
# each worker is one process serving one pool, so nothing here is shared between
# students: a task only ever writes the slot it was handed).
_lines = None


@dataclass(frozen=True)
class Limits:
    """What one worker may use."""

    memory_mb: int = 512  # address space above what the worker holds after start-up
    cpu_seconds: float = 6.0  # CPU time per task (a wall-clock kill comes first)
    wall_grace: float = 1.5  # seconds past the caller's budget before the kill

    @classmethod
    def from_environment(cls) -> Limits:
        """The defaults, with `PLAYGROUND_MEMORY_MB` set per deployment.

        `PLAYGROUND_BUDGETS=local` (one user on their own machine, see
        `sandbox/core/budgets.py`) gives the worker room for the local budgets.
        """
        if os.environ.get("PLAYGROUND_BUDGETS") == "local":
            return cls.local()
        return cls(memory_mb=int(os.environ.get("PLAYGROUND_MEMORY_MB", cls.memory_mb)))

    @classmethod
    def local(cls) -> Limits:
        """Room for the `local` budgets: 30 s of wall time, ten times the tensors."""
        memory = int(os.environ.get("PLAYGROUND_MEMORY_MB", LOCAL_MEMORY_MB))
        return cls(memory_mb=memory, cpu_seconds=LOCAL_CPU_SECONDS)


def _vm_size() -> int:
    """Bytes of address space this process has mapped now (torch already imported)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def start_worker(limits: Limits, preload: tuple[str, ...], lines) -> None:
    """Worker initialiser: import what runs, then cap memory, files and core dumps.

    The memory cap is an address-space limit (`RLIMIT_AS`) set above what the
    worker maps once torch is imported, so an allocation past it fails with
    `MemoryError` (or torch's "can't allocate memory") instead of growing the
    machine's memory. Writing any regular file fails (`RLIMIT_FSIZE` 0); a crash
    leaves no core file. SIGTERM kills at once: pebble's own handler is Python code,
    which cannot run while a program holds the interpreter lock in C, so a kill
    would wait pebble's 3 s before its SIGKILL.
    """
    import importlib

    global _lines
    _lines = lines
    signal.signal(signal.SIGTERM, signal.SIG_DFL)

    for name in preload:
        importlib.import_module(name)
    import torch

    torch.set_num_threads(1)  # tiny tensors; extra threads would only add address space
    gc.freeze()  # the import-time heap: never garbage, and skipped by every collection
    ceiling = _vm_size() + limits.memory_mb * MB
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_task(limits: Limits, fn, args: tuple, kwargs: dict, slot: int | None) -> object:
    """Inside the worker: cap this task's CPU seconds, then call `fn` (with `line=`
    and `stop=` its two cells of the shared array, when it was given a slot: the
    line it runs, and the server's request that it stop).

    CPU time is counted over the worker's life, so the cap is what it has used so
    far plus this task's allowance; past it the kernel sends SIGXCPU and the
    worker dies (reported as a CPU-time stop).
    """
    used = resource.getrusage(resource.RUSAGE_SELF)
    spent = used.ru_utime + used.ru_stime
    soft = int(spent + limits.cpu_seconds) + 1
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
    if slot is not None:
        size = ctypes.sizeof(ctypes.c_int)
        line = ctypes.c_int.from_buffer(_lines, 2 * slot * size)
        stop = ctypes.c_int.from_buffer(_lines, (2 * slot + 1) * size)
        kwargs = {**kwargs, "line": line, "stop": stop}
    try:
        return fn(*args, **kwargs)
    finally:
        # A program's reference cycles (its own objects, an error's frames) would keep
        # its tensors until some later run's allocations trigger a collection, and the
        # next program would meet the memory ceiling early. With the import heap frozen
        # this collection only walks what the run left behind.
        gc.collect()
