"""AppTest: what the lab sends its code editor, and when the editor must replace its text."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from editor_state import send_code, shown_code
from streamlit.testing.v1 import AppTest

from playground.presets import PRESETS
from playground.runner import run
from playground.sandbox.completions import completions

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def at() -> AppTest:
    os.chdir(ROOT)
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()


def _data(at: AppTest) -> dict:
    (element,) = [e for e in at.get("bidi_component") if e.proto.id.endswith("-lab_code_editor")]
    return json.loads(element.proto.json)


def test_the_editor_gets_the_code_its_label_and_the_allow_list(at: AppTest) -> None:
    data = _data(at)
    assert data["code"] == PRESETS[0].source
    assert data["label"] == "Your PyTorch code"
    assert data["error"] is None
    # The allow-list is a file the app serves (the browser fetches it once per page).
    served = ROOT / "static" / data["completions"]
    names = json.loads(served.read_text(encoding="utf-8"))
    assert names == completions()
    assert "zeros" in {name for name, _ in names["modules"]["torch"]}


def test_reruns_do_not_carry_the_allow_list(at: AppTest) -> None:
    """Every rerun sends the editor's data again: the ~15 kB allow-list stays out of it."""
    name = _data(at)["completions"]
    at.toggle(key="lab_raw").set_value(True).run()
    (element,) = [e for e in at.get("bidi_component") if e.proto.id.endswith("-lab_code_editor")]
    assert _data(at)["completions"] == name
    assert len(element.proto.json) < len(PRESETS[0].source) + 500
    assert "zeros_like" not in element.proto.json


def test_the_revision_moves_only_when_the_server_changes_the_code(at: AppTest) -> None:
    first = _data(at)["rev"]
    at.toggle(key="lab_raw").set_value(True).run()  # a rerun for something else
    assert _data(at)["rev"] == first
    send_code(at, "a = torch.tensor(2., requires_grad=True)\n")  # the browser's own text
    assert _data(at)["rev"] == first
    at.selectbox(key="lab_preset").set_value(PRESETS[2].title).run()  # the server's change
    assert _data(at)["rev"] != first
    assert shown_code(at) == PRESETS[2].source


def test_the_runs_error_goes_to_the_editor_with_its_line_and_column(at: AppTest) -> None:
    code = "a = torch.tensor(1.)\nb = a + nope\n"
    expected = run(code).error  # the sandbox's own verdict on the same program
    send_code(at, code)
    assert _data(at)["error"] == {
        "line": expected.line,
        "col": expected.col,
        "message": expected.message,
    }
    send_code(at, "a = torch.tensor(1.)\n")
    assert _data(at)["error"] is None
