"""AppTest's side of the code editor component (`playground.ui.editor`).

AppTest cannot type into a component, so tests read the code the page sends the editor
(its data) and send code as the editor's run does: its callback stores the program and
notes that the browser has it.
"""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest


def shown_code(at: AppTest, key: str = "lab_code") -> str:
    """The program the page gives the editor for `key` to show."""
    for element in at.get("bidi_component"):
        if element.proto.id.endswith(f"-{key}_editor"):
            return json.loads(element.proto.json)["code"]
    raise AssertionError(f"the page has no code editor for {key}")


def send_code(at: AppTest, code: str, key: str = "lab_code") -> AppTest:
    """Run `code` as the editor's Run / Ctrl+Enter does, then rerun the page."""
    at.session_state[key] = code
    at.session_state[f"{key}_echo"] = code
    return at.run()
