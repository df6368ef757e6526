"""The graph view's Python side: what it hands the browser, and the page it builds.

What the browser does with it (layout, scale, zoom, theme) is tested in Chromium:
tests/e2e/test_graph_view.py.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
from streamlit.testing.v1 import AppTest

import playground
from playground.graph.render_dot import render_dot
from playground.presets import preset_source
from playground.ui import graph_view as gv

ROOT = Path(__file__).resolve().parents[1]


class _Buttons(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []
        self._open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open = tag == "button"
        if self._open:
            assert ("type", "button") in attrs  # never a form submit
            self.names.append("")

    def handle_data(self, data: str) -> None:
        if self._open:
            self.names[-1] += data

    def handle_endtag(self, tag: str) -> None:
        self._open = self._open and tag != "button"


def test_every_button_has_visible_words_for_its_name() -> None:
    parser = _Buttons()
    parser.feed(gv.HTML)
    names = [n.strip() for n in parser.names]
    for words in ("Zoom in", "Zoom out", "Fit", "Full screen", "Top to bottom", "Left to right"):
        assert any(words in name for name in names), (words, names)
    assert not re.search(r"<button[^>]*aria-label", gv.HTML), "buttons are named by their text"


def test_graph_view_hands_the_dot_source_to_the_component(monkeypatch) -> None:
    calls: list[dict] = []
    monkeypatch.setattr(gv, "_component", lambda: lambda **kw: calls.append(kw))
    dot = render_dot(playground.run(preset_source("Tanh neuron")).graph)
    gv.graph_view(dot, key="lab_graph")
    gv.graph_view("digraph { a -> b }", key="other")
    assert calls == [
        {"data": {"dot": dot.source, "steps": False, "caption": ""}, "key": "lab_graph"},
        {"data": {"dot": "digraph { a -> b }", "steps": False, "caption": ""}, "key": "other"},
    ]


def test_step_buttons_call_on_step_with_the_direction(monkeypatch) -> None:
    """The component's `step` trigger (-1 or 1) reaches `on_step` through its callback."""
    mounted: list[dict] = []
    monkeypatch.setattr(gv, "_component", lambda: lambda **kw: mounted.append(kw))
    moves: list[int] = []
    gv.graph_view("digraph { a -> b }", key="steps", on_step=moves.append, caption="2 / 5")
    assert mounted[0]["data"] == {"dot": "digraph { a -> b }", "steps": True, "caption": "2 / 5"}
    state = {"steps": SimpleNamespace(step=1)}
    monkeypatch.setattr(gv.st, "session_state", state)
    mounted[0]["on_step_change"]()
    state["steps"] = SimpleNamespace(step=-1)
    mounted[0]["on_step_change"]()
    state["steps"] = SimpleNamespace(step=None)  # any other event: no move
    mounted[0]["on_step_change"]()
    assert moves == [1, -1]


def test_the_browser_loads_graphviz_from_this_server() -> None:
    here = Path(gv.__file__).parent
    loader = (here / "graph_loader.js").read_text()
    assert 'LIB_URL = "app/static/graph.js"' in loader
    assert (ROOT / "static" / "graph.js").is_file()
    js = (here / "graph_view.js").read_text()
    assert ".innerHTML" not in js  # the program's text reaches the page only as SVG text
    # The view and the preloader share one loader, so the page loads the bundle once.
    for script in (gv.with_loader(js), gv.with_loader(gv.PRELOAD_JS)):
        assert script.startswith(loader) and script.count("function library()") == 1


SCRIPT = """
import streamlit as st
from playground.ui.graph_view import graph_view
graph_view(st.session_state.get("dot", "digraph { a -> b }"), key="g")
st.write("after the graph")
"""


@pytest.mark.parametrize("dot", ["digraph { a -> b }", 'digraph { "<img>" -> b }'])
def test_a_page_with_the_graph_view_runs(dot: str) -> None:
    app = AppTest.from_string(SCRIPT)
    app.session_state["dot"] = dot
    app.run(timeout=30)
    assert not app.exception
    assert app.markdown[0].value == "after the graph"
