"""The autograd graph, laid out in the browser at a scale a classroom can read.

Why a component and not `st.graphviz_chart`: that chart scales the whole graph to its
column, so node text shrinks as the graph grows (9 px for the tutorial's `y = w*x + b`,
5 px for the tanh neuron in a 1400x900 window). This view starts at a readable scale
(14 pt labels drawn at least 14 px tall), keeps that minimum for big graphs and lets the
learner pan and zoom inside a bounded viewport, fit, go full screen and turn the layout.

Layout is Graphviz compiled to WebAssembly (`static/graph.js`, built from
`frontend/graph/`), so the server spends no CPU on it and needs no `dot` binary. Colours
follow the Streamlit theme through CSS variables (graph_view.css), keyed on the node
classes `render_dot` writes, so switching to dark mode needs no rerun. The layout
direction chosen in the page is kept by the browser (localStorage), not the server: it
is a view preference and changing it costs no rerun; until one is chosen, a small graph
takes the direction that shows it larger in its column. Docs: docs/graph-view.md.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import graphviz
import streamlit as st

HERE = Path(__file__).parent

HTML = """
<div class="gvw">
  <div class="gvw-bar" role="toolbar" aria-label="Graph view">
    <button type="button" class="gvw-in">+ Zoom in</button>
    <button type="button" class="gvw-out">− Zoom out</button>
    <button type="button" class="gvw-fit">Fit</button>
    <button type="button" class="gvw-full">Full screen</button>
    <span class="gvw-layout" role="group" aria-label="Layout">
      <button type="button" data-rankdir="TB" aria-pressed="false">↓ Top to bottom</button>
      <button type="button" data-rankdir="LR" aria-pressed="false">→ Left to right</button>
    </span>
    <span class="gvw-steps">
      <button type="button" data-step="-1">◀ Prev step</button>
      <button type="button" data-step="1">Next step ▶</button>
      <span class="gvw-caption"></span>
    </span>
    <span class="gvw-status" role="status"></span>
  </div>
  <div class="gvw-viewport" tabindex="0" role="group"
       aria-label="Autograd graph: drag or use the arrow keys to pan, + and - to zoom">
    <div class="gvw-stage"></div>
  </div>
</div>
"""


PRELOAD_JS = "export default function () { library().catch(() => {}); }\n"


def with_loader(script: str) -> str:
    """A component's script after the shared Graphviz loader (graph_loader.js)."""
    return (HERE / "graph_loader.js").read_text(encoding="utf-8") + "\n" + script


@st.cache_resource
def _component():  # registered once per server process; holds no per-student data
    return st.components.v2.component(
        "autograd_graph_view",
        html=HTML,
        css=(HERE / "graph_view.css").read_text(encoding="utf-8"),
        js=with_loader((HERE / "graph_view.js").read_text(encoding="utf-8")),
        isolate_styles=False,
    )


@st.cache_resource
def _preloader():  # registered once per server process; holds no per-student data
    return st.components.v2.component(
        "autograd_graph_preload", html="", js=with_loader(PRELOAD_JS), isolate_styles=False
    )


def preload_graph_view() -> None:
    """Start loading Graphviz in the browser now, before any graph is drawn.

    The bundle is 1.5 MB with its wasm (0.4 s to import and instantiate on a quiet
    machine, docs/graph-view.md). `app.py` mounts this before the page waits for the
    server's start-up or a first run, so on a fresh server the browser loads it while
    the server is still busy, instead of after the first graph arrives. It draws
    nothing; the graph views reuse the same load.
    """
    _preloader()(key="graph_preload")


def dot_text(dot: graphviz.Digraph | str) -> str:
    """The DOT source of a Digraph (as `render_dot` returns) or of DOT text."""
    return dot if isinstance(dot, str) else dot.source


def graph_view(
    dot: graphviz.Digraph | str,
    key: str,
    on_step: Callable[[int], None] | None = None,
    caption: str = "",
) -> None:
    """Draw `dot` in the graph view. One `key` per place a graph is shown: the browser
    keeps the view's zoom and pan while the same key gets a graph with the same nodes
    (the backward step-through), and starts a new view for a new key.

    With `on_step`, full screen shows "◀ Prev step" / "Next step ▶" (the page's own
    step buttons are outside the full-screen graph) and `caption` (e.g. "2 / 5");
    a press calls `on_step(-1 or 1)` before the rerun, as a button's on_click would."""
    data = {"dot": dot_text(dot), "steps": on_step is not None, "caption": caption}
    if on_step is None:
        _component()(data=data, key=key)
        return

    def stepped() -> None:
        delta = getattr(st.session_state.get(key), "step", None)
        if delta in (-1, 1):
            on_step(delta)

    _component()(data=data, key=key, on_step_change=stepped)
