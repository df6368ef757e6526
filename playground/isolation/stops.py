"""A worker that died or was killed, as a message for the student who ran it."""

from __future__ import annotations

import signal

from .limits import Limits


class WorkerStopped(Exception):
    """The program's worker was stopped by a limit or crashed; `message` says which."""

    def __init__(self, reason: str, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.reason = reason  # time | memory | cpu | crash | cancelled
        self.message = message
        self.line = line  # the line the program was on, when it reported one


def timed_out(seconds: float) -> WorkerStopped:
    """The wall-clock kill."""
    return WorkerStopped(
        "time",
        f"Your program was stopped: it ran past {seconds:g} s. Shorten loops or use "
        "smaller tensors.",
    )


def died(exitcode: int | None, limits: Limits) -> WorkerStopped:
    """A worker that ended without answering: name the signal in the student's terms."""
    code = -(exitcode or 0)
    if code == signal.SIGSEGV:
        return WorkerStopped(
            "crash",
            "Your program was stopped: it crashed PyTorch's C code (segmentation fault). "
            "Very long chains of in-place updates or views can do this; build a shorter "
            "graph.",
        )
    if code == signal.SIGXCPU:
        return WorkerStopped(
            "cpu", f"Your program was stopped: it used more than {limits.cpu_seconds:g} s of CPU."
        )
    if code == signal.SIGKILL:  # not ours (we stop with SIGTERM): the kernel's OOM killer
        return WorkerStopped(
            "memory",
            "Your program was stopped: the system killed its worker process, most likely "
            f"for using too much memory (each program may use {limits.memory_mb} MB).",
        )
    return WorkerStopped(
        "crash", f"Your program was stopped: its worker process ended (exit code {exitcode})."
    )


def out_of_memory(limits: Limits) -> WorkerStopped:
    """The address-space ceiling was reached."""
    return WorkerStopped(
        "memory",
        f"Your program was stopped: it used more than {limits.memory_mb} MB of memory. "
        "Use smaller tensors.",
    )
