"""AppTest: the lab's "Training loop" section appears for a loop of values only.

The chart itself is a browser component (tests/e2e/test_loop_chart.py plays it); here
the section's presence, its summary and the record it is given are checked.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from editor_state import send_code, shown_code
from streamlit.testing.v1 import AppTest

from playground.presets import PRESETS, TUTORIAL_TRAINING
from tests.plain_reference import run_plain

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def at() -> AppTest:
    os.chdir(ROOT)
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()


def _headers(at: AppTest) -> list[str]:
    return [h.value for h in at.subheader]


def _section_captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption if c.value.startswith("The loop at line")]


def test_no_section_for_the_tutorial_s_first_program(at: AppTest) -> None:
    assert shown_code(at) == PRESETS[0].source  # y = w * x + b
    assert not at.exception
    assert "Computation graph" in _headers(at)
    assert "Training loop" not in _headers(at)
    assert not _section_captions(at)


def test_section_appears_for_the_tutorial_s_training_block(at: AppTest) -> None:
    send_code(at, TUTORIAL_TRAINING)
    assert not at.exception
    assert "Training loop" in _headers(at)
    (caption,) = _section_captions(at)
    line = TUTORIAL_TRAINING.splitlines().index("for i in range(100):") + 1
    assert caption.startswith(f"The loop at line {line} ran 100 iterations.")
    # The record the chart draws, as the page keeps it, against plain PyTorch.
    loops = at.session_state["lab_result"].loops
    _, printed = run_plain(TUTORIAL_TRAINING.replace("print(loss)", "print(loss.item())"))
    assert loops.series["loss"][-1] == float(printed.strip())
    # The chart gets the record as JSON text made once per run: a rerun sends the same.
    source, sent = at.session_state["lab_loop_chart_json"]
    assert source is loops
    assert json.loads(sent["json"]) == {
        **json.loads(json.dumps(loops.to_json())),
        "run_id": sent["run_id"],
    }
    at.toggle(key="lab_raw").set_value(True).run()
    assert at.session_state["lab_loop_chart_json"][1] is sent
    # Back to a program without a loop: the section goes away.
    send_code(at, PRESETS[0].source)
    assert "Training loop" not in _headers(at)


def test_a_loop_that_errors_halfway_still_shows_its_iterations(at: AppTest) -> None:
    source = (
        "w = torch.tensor(1.0, requires_grad=True)\n"
        "for i in range(10):\n"
        "    loss = (w * 3 - 1) ** 2\n"
        "    loss.backward()\n"
        "    with torch.no_grad():\n"
        "        w -= 0.05 * w.grad\n"
        "        w.grad.zero_()\n"
        "    if i == 6:\n"
        "        loss = torch.ones(2) @ torch.ones(3)\n"
    )
    send_code(at, source)
    assert not at.exception
    assert "Training loop" in _headers(at)
    (caption,) = _section_captions(at)
    assert caption.startswith("The loop at line 2 finished 6 iterations.")
    warnings = [w.value for w in at.warning]
    assert any("stopped with an error during iteration 7" in w for w in warnings), warnings
    assert at.session_state["lab_result"].loops.iterations == tuple(range(6))
