"""Once per server process: settings that let one small server hold a classroom.

Measured with `benchmarks/loadtest.py` (30 protocol-level students, numbers in
docs/load.md):

- `torch.set_num_threads(1)`: every student's tensors are tiny (the crops are 5x3), so
  torch's intra-op thread pool buys nothing, while 30 script threads each waking a pool
  of worker threads on a 2-core machine only fight over the cores.
- `gc.freeze()` once the heavy modules are imported: with torch loaded a full
  collection walks ~250,000 long-lived import-time objects and holds the GIL for
  ~150 ms, queueing every other student behind it. Frozen objects are skipped by the
  collector (they are never garbage: modules, classes, functions). Only objects alive
  at the freeze are exempt; per-student state created later is collected as before.
  Streamlit's own collection after every rerun (`runner.postScriptGC`) is turned off
  in `.streamlit/config.toml`: even with the heap frozen it walked every session's live
  objects, and Python's automatic collector frees cycles without it.
"""

from __future__ import annotations

import gc
import importlib
import threading

# What the first page imports (torch through `playground.runner`, plotly through the
# lab's loop chart); then what only its tables need (Streamlit's table serialisation).
CORE_MODULES = ("playground.runner", "playground.ui.player")
TABLE_MODULES = ("pyarrow", "pandas")

_lock = threading.Lock()
_prepared = threading.Event()  # a fact about this process, not about any session
_core_imported = threading.Event()  # likewise


def prepare_server_process() -> None:
    """Tune this process for many small sessions; only the first call does anything.

    Every rerun of `app.py` calls it, so the check must cost nothing: it once asked
    `gc.get_freeze_count()`, which walks every frozen object (23 ms with the GIL held
    for 252,000 objects), and that was 44% of the server's samples under 30 students.
    """
    if _prepared.is_set():
        return
    # Another thread is at it (the server's start, playground/ui/server_start.py): a
    # page waits for the modules it imports first, not for the tables' pyarrow and
    # pandas (the lab's graph is sent before its tables) nor for the freeze. Waiting
    # for those here, rather than importing beside that thread, keeps two threads from
    # importing the same modules of ours at once.
    if not _lock.acquire(blocking=False):
        _core_imported.wait()
        return
    try:
        if _prepared.is_set():
            return
        _import_heavy_modules(CORE_MODULES)
        _core_imported.set()
        _import_heavy_modules(TABLE_MODULES)
        import torch

        torch.set_num_threads(1)
        gc.collect()  # garbage from start-up is freed, not frozen
        gc.freeze()
        _prepared.set()
    finally:
        _core_imported.set()  # even after a failed import: the page then tries its own
        _lock.release()


def warm_optimizers() -> None:
    """PyTorch's lazy imports (`sandbox/warm.py`; the studio trains with torch's
    optimizers in this process), frozen like the rest of start-up. Left out of
    `prepare_server_process` so that a cold start does not wait for it."""
    prepare_server_process()
    _prepared.wait()
    import playground.sandbox.warm  # noqa: F401  (warms on import)

    gc.freeze()


def _import_heavy_modules(names: tuple[str, ...]) -> None:
    """Import what the pages use later, so it is frozen with the rest of start-up.

    The server imports torch because a worker's result is made of `playground`'s
    classes, which import it.
    """
    for name in names:
        importlib.import_module(name)
