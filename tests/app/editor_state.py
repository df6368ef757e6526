"""AppTest's side of the code editor and the graph view (`playground.ui.editor`,
`graph_view`).

AppTest cannot type into a component, so tests read the code the page sends the editor
(its data) and send code as the editor's run does: its callback stores the program and
notes that the browser has it; the graph view is read as the DOT the page sends it.
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


def shown_dot(at: AppTest, key: str | None = None) -> str:
    """The DOT the page gives a graph view (the one mounted under `key`, or the only
    one on the page); the browser lays it out."""
    views = [e for e in at.get("bidi_component") if "dot" in json.loads(e.proto.json or "{}")]
    if key is not None:
        views = [e for e in views if e.proto.id.endswith(f"-{key}")]
    assert len(views) == 1, f"expected one graph view {key or ''}, found {len(views)}"
    return json.loads(views[0].proto.json)["dot"]
