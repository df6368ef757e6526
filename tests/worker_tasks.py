"""Functions the worker-pool tests run inside a worker (importable by name there)."""

from __future__ import annotations

import ctypes
import re
import time


def hold_the_lock() -> None:
    """Catastrophic regex backtracking: minutes in C with the interpreter lock held."""
    re.match(r"(a+)+$", "a" * 64 + "b")


def crash() -> None:
    """Read address 0: a segmentation fault, as a bug in C code would cause."""
    ctypes.string_at(0)


def allocate(megabytes: int) -> int:
    """Allocate and touch `megabytes` of memory."""
    block = bytearray(megabytes * 2**20)
    return len(block)


def allocate_tensor(megabytes: int) -> float:
    """Allocate a float32 tensor of `megabytes` through torch's allocator."""
    import torch

    return float(torch.ones(megabytes * 2**18).sum())


def burn_cpu(seconds: float) -> float:
    """Spin for `seconds` of wall time, using CPU all along."""
    end = time.monotonic() + seconds
    count = 0.0
    while time.monotonic() < end:
        count += 1
    return count


def sleep(seconds: float) -> float:
    """Wait without using CPU."""
    time.sleep(seconds)
    return seconds


def pid() -> int:
    """The worker's process id."""
    import os

    return os.getpid()
