"""This process's memory, as the kernel counts it: for tests that bound a run's growth.

Peak resident memory counts torch's C allocations, which tracemalloc would miss.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable


def status_kb(field: str) -> int:
    """A `/proc/self/status` figure in kB (VmRSS, VmHWM, ...)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise LookupError(field)


def reset_peak() -> bool:
    """Reset VmHWM to the current RSS (Linux 4.0+); False where that is refused."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        return False
    return True


class Sampler:
    """Fallback peak-RSS meter: a thread reading VmRSS every 2 ms.

    Its own file reads happen in its thread, which the corpus's audit hook ignores.
    """

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, status_kb("VmRSS"))
            self._stop.wait(0.002)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, status_kb("VmRSS"))


def measure(fn: Callable[[], object]) -> tuple[object, float, float]:
    """`fn()`, its wall time and its peak resident memory above the start, in MB."""
    gc.collect()
    before = status_kb("VmRSS")
    if reset_peak():
        start = time.monotonic()
        result = fn()
        elapsed = time.monotonic() - start
        peak = status_kb("VmHWM")
    else:
        with Sampler() as sampler:
            start = time.monotonic()
            result = fn()
            elapsed = time.monotonic() - start
        peak = sampler.peak
    return result, elapsed, (peak - before) / 1024
