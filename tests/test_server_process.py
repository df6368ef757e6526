"""The once-per-process server settings: one torch thread, import-time heap frozen, once.

Each check runs in a fresh Python process: freezing the GC and changing torch's thread
count are process-wide, and the test process must not inherit them.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_python(code: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout.strip()


def test_sets_one_torch_thread_and_freezes_the_startup_heap() -> None:
    out = run_python(
        """
        import gc, torch
        from playground.ui.server_process import prepare_server_process
        assert gc.get_freeze_count() == 0
        prepare_server_process()
        print(torch.get_num_threads(), gc.get_freeze_count() > 100_000)
        """
    )
    assert out == "1 True"


def test_only_the_first_call_freezes() -> None:
    """A second freeze would make every student's state alive at that moment immortal."""
    out = run_python(
        """
        import gc
        from playground.ui.server_process import prepare_server_process
        prepare_server_process()
        frozen = gc.get_freeze_count()
        later = [[i] for i in range(50_000)]  # state created after start-up
        prepare_server_process()
        print(gc.get_freeze_count() == frozen)
        """
    )
    assert out == "True"


def test_cycles_made_after_the_freeze_are_freed_by_the_automatic_collector() -> None:
    """With `runner.postScriptGC = false`, Python's own generational GC frees what a
    student leaves behind in reference cycles; no explicit gc.collect() is needed."""
    out = run_python(
        """
        import gc, weakref, torch
        from playground.ui.server_process import prepare_server_process
        prepare_server_process()
        assert gc.isenabled()

        class Session:
            pass

        def visit():
            session = Session()
            session.me = session  # a reference cycle, as session objects often are
            session.tensor = torch.ones(100_000)
            return weakref.ref(session)

        gone = [visit() for _ in range(50)]
        keep = []
        for i in range(300_000):  # later students' work: allocations the GC counts
            keep.append([i])
            if len(keep) > 1000:
                keep.clear()
        print(sum(ref() is None for ref in gone))
        """
    )
    assert out == "50"


def test_a_page_waits_for_the_first_imports_only_while_the_server_start_prepares() -> None:
    """While the start-up thread imports the tables' modules, a page's call returns (it
    waited for the modules the page imports first); the preparation still ends once."""
    out = run_python(
        """
        import gc, sys, threading
        from playground.ui import server_process

        release, tables, calls = threading.Event(), threading.Event(), []
        original = server_process._import_heavy_modules

        def imports(names):
            calls.append(names)
            if names == server_process.TABLE_MODULES:
                tables.set()
                release.wait(60)
            else:
                original(names)

        server_process._import_heavy_modules = imports
        start = threading.Thread(target=server_process.prepare_server_process)
        start.start()
        tables.wait(120)  # not a busy wait: it would starve the importing thread
        server_process.prepare_server_process()  # a page, meanwhile: does not wait
        core = all(name in sys.modules for name in server_process.CORE_MODULES)
        waited = not start.is_alive()
        release.set()
        start.join(60)
        server_process.prepare_server_process()
        print(core, waited, len(calls), gc.get_freeze_count() > 0)
        """
    )
    assert out == "True False 2 True"
