"""AppTest: a lesson link restores a page's state; a bad one opens defaults and warns."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from editor_state import shown_code, shown_dot
from streamlit.testing.v1 import AppTest

from playground.presets import TUTORIAL_FIRST
from playground.share_link import encode
from playground.ui.lesson import COMMON, DESCENT, LAB

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _app(page: str, token: str | None) -> AppTest:
    os.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / page), default_timeout=60)
    if token is not None:
        at.query_params["lesson"] = token
    return at.run()


def test_lab_link_restores_code_and_views() -> None:
    code = "a = torch.tensor(3., requires_grad=True)\ny = a * a + a\ny.backward()\n"
    token = encode((*LAB, *COMMON), {"lab_code": code, "lab_raw": True})
    at = _app("app.py", token)
    assert not at.exception
    assert shown_code(at) == code
    assert at.toggle(key="lab_raw").value is True
    assert "AccumulateGrad" in shown_dot(at, "lab_graph_raw")
    assert not at.warning


def test_page_state_is_written_back_to_the_url() -> None:
    at = _app("app.py", None)
    at.number_input(key="leaf_w").set_value(10.0).run()
    token = at.query_params["lesson"]
    token = token[0] if isinstance(token, list) else token
    again = _app("app.py", token)
    assert "w = torch.tensor(10., requires_grad=True)" in shown_code(again)


def test_tampered_lab_link_opens_defaults_with_a_warning() -> None:
    token = encode((*LAB, *COMMON), {"lab_code": "y = 1"})
    at = _app("app.py", token[:-5] + "00000")
    assert not at.exception
    assert any("could not be opened" in w.value for w in at.warning)
    assert shown_code(at) == TUTORIAL_FIRST


def test_studio_link_restores_settings_and_classroom_mode() -> None:
    state = {"gd_lr": 0.0001, "gd_epochs": 50, "gd_opt": "adam", "gd_std": True,
             "classroom": True, "hidden": "settings,mistakes"}  # fmt: skip
    at = _app("playground/ui/gradient_descent.py", encode((*DESCENT, *COMMON), state))
    assert not at.exception
    run = at.session_state["gd_replay"].run
    assert len(run.losses) == 50
    # Hidden in classroom mode: the settings are not drawn, but they still apply.
    assert not [s for s in at.sidebar.select_slider if s.key == "gd_lr"]
    assert at.session_state["gd_opt"] == "adam"


def test_a_reconnecting_browser_keeps_what_its_widgets_show_over_its_older_url() -> None:
    """After a server restart the browser's first rerun carries its widget values and a
    URL that may predate the last click: the click must not be rolled back."""
    linked = "a = torch.tensor(3., requires_grad=True)\ny = a * a\ny.backward()\n"
    clicked = "a = torch.tensor(5., requires_grad=True)\ny = a * a\ny.backward()\n"
    os.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lesson"] = encode((*LAB, *COMMON), {"lab_code": linked, "lab_raw": True})
    at.session_state["lab_code"] = clicked  # what the browser sends for its text area
    at.run()
    assert not at.exception
    assert shown_code(at) == clicked
    assert at.toggle(key="lab_raw").value is True  # the link still sets what was not sent
