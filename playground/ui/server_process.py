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

# In the order the first page needs them: torch (`playground.runner`), plotly (imported
# by the lab's loop chart), Streamlit's table serialisation (pyarrow, pandas).
HEAVY_MODULES = ("playground.runner", "playground.ui.player", "pyarrow", "pandas")

_lock = threading.Lock()
_prepared = threading.Event()  # a fact about this process, not about any session


def prepare_server_process() -> None:
    """Tune this process for many small sessions; only the first call does anything.

    Every rerun of `app.py` calls it, so the check must cost nothing: it once asked
    `gc.get_freeze_count()`, which walks every frozen object (23 ms with the GIL held
    for 252,000 objects), and that was 44% of the server's samples under 30 students.
    """
    if _prepared.is_set():
        return
    with _lock:
        if _prepared.is_set():
            return
        _import_heavy_modules()
        import torch

        torch.set_num_threads(1)
        gc.collect()  # garbage from start-up is freed, not frozen
        gc.freeze()
        _prepared.set()


def _import_heavy_modules() -> None:
    """Import what the pages use later, so it is frozen with the rest of start-up.

    The server imports torch because a worker's result is made of `playground`'s
    classes, which import it.
    """
    for name in HEAVY_MODULES:
        importlib.import_module(name)
