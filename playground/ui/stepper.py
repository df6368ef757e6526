"""Backward step-through: walk the engine's order with Prev / Next / Play."""

from __future__ import annotations

import streamlit as st

from playground.graph.model import Graph
from playground.graph.render_dot import render_dot
from playground.graph.step_view import describe, grads_after
from playground.sandbox.tensors.backward_steps import BackwardStep
from playground.ui.graph_view import graph_view

STEP = "lab_step"
PLAYING = "lab_step_playing"
SECONDS_PER_STEP = 1.2


def _move(delta: int, count: int) -> None:
    st.session_state[STEP] = min(max(st.session_state.get(STEP, -1) + delta, -1), count - 1)
    st.session_state[PLAYING] = False


def _toggle_play(count: int) -> None:
    playing = not st.session_state.get(PLAYING, False)
    if playing and st.session_state.get(STEP, -1) >= count - 1:
        st.session_state[STEP] = -1
    st.session_state[PLAYING] = playing


def stepper(graph: Graph, steps: tuple[BackwardStep, ...], root: str) -> None:
    """Controls, then the graph and the explanation of the current step."""
    count = len(steps)
    if st.session_state.get(STEP, -1) >= count:
        st.session_state[STEP] = -1
    # Icons (hidden from assistive technology) beside plain words: each button's
    # accessible name is exactly its word. A row that wraps, not four fixed columns:
    # "Restart" was cut off in a quarter of the graph's column at 1280 px.
    playing = st.session_state.get(PLAYING, False)
    with st.container(horizontal=True, gap="xsmall", key="lab_step_controls"):
        st.button("Prev", key="lab_prev", icon=":material/chevron_left:", on_click=_move,
                  args=(-1, count))  # fmt: skip
        st.button("Next", key="lab_next", icon=":material/chevron_right:", icon_position="right",
                  on_click=_move, args=(1, count))  # fmt: skip
        st.button("Pause" if playing else "Play", key="lab_play",
                  icon=":material/pause:" if playing else ":material/play_arrow:",
                  on_click=_toggle_play, args=(count,))  # fmt: skip
        st.button("Restart", key="lab_restart", icon=":material/replay:", on_click=_move,
                  args=(-count, count))  # fmt: skip
    interval = SECONDS_PER_STEP if st.session_state.get(PLAYING) else None
    st.fragment(_view, run_every=interval)(graph, steps, root)


def _view(graph: Graph, steps: tuple[BackwardStep, ...], root: str) -> None:
    count = len(steps)
    if st.session_state.get(PLAYING):
        st.session_state[STEP] = st.session_state.get(STEP, -1) + 1
        if st.session_state[STEP] >= count - 1:
            st.session_state[STEP] = count - 1
            st.session_state[PLAYING] = False
            st.rerun()  # the whole page, so the fragment's timer stops
    k = st.session_state.get(STEP, -1)
    final = grads_after(graph, steps, count - 1)
    now = grads_after(graph, steps, k) if k >= 0 else {}
    step = steps[k] if k >= 0 else None
    done = frozenset(s.node_id for s in steps[: max(k, 0)] if s.node_id)
    dot = render_dot(
        graph,
        active=step.node_id if step else None,
        done=done,
        grads=final,
        revealed=frozenset(now),
    )
    # The graph first: text of varying length below it cannot push it around.
    step_of = f"{k + 1} / {count}"  # beside the full-screen step buttons
    graph_view(dot, key="lab_graph_steps", on_step=lambda d: _move(d, count), caption=step_of)
    if step is None:
        st.markdown(f"**Before backward():** the forward pass built this graph. "
                    f"Press Next to let PyTorch's engine walk it from `{root}` back to "
                    f"the leaves ({count} steps).")  # fmt: skip
        return
    st.markdown(f"**Step {k + 1} of {count}**")
    for line in describe(graph, step, root):
        st.markdown(line)
    if k == count - 1:
        st.success("Done: every leaf's .grad now holds what backward() computed.")
