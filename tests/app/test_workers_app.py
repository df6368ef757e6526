"""AppTest: the pages run programs through the worker pool, and survive it changing.

Streamlit reloads our modules when a source file changes on a running server (a
redeploy). Sessions then still hold lanes made by the old modules, and the cached pool
holds the old functions, which no longer pickle: every run failed. The page must make
a new pool and new lanes instead.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from editor_state import send_code
from plain_reference import run_plain
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = "a = torch.tensor(6., requires_grad=True)\nb = a * 7\nb.backward()\nprint(b, a.grad)\n"


def _printed(at: AppTest) -> str:
    blocks = [c.value for c in at.code if not c.value.startswith(('"""', "http", "?"))]
    return blocks[-1]


def _ours(name: str) -> bool:
    return name == "playground" or name.startswith("playground.")


def test_the_lab_keeps_running_programs_after_its_modules_are_reloaded() -> None:
    os.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    assert not at.exception
    first_lane = at.session_state["worker_lane"]
    saved = {name: module for name, module in sys.modules.items() if _ours(name)}
    try:
        for name in saved:  # what Streamlit's file watcher does on a change
            del sys.modules[name]
        send_code(at, PROGRAM)
        assert not at.exception
        _, printed = run_plain(PROGRAM)  # the same program in plain PyTorch
        assert _printed(at).strip() == printed.strip()
        new_lane = at.session_state["worker_lane"]
        assert type(new_lane) is not type(first_lane) and new_lane.pool is not first_lane.pool
    finally:
        for name in [n for n in sys.modules if _ours(n)]:
            del sys.modules[name]
        sys.modules.update(saved)
