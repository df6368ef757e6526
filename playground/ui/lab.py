"""Expression lab: type PyTorch code, see the real autograd graph and gradients."""

from __future__ import annotations

import pyarrow as pa
import streamlit as st

from playground.graph.render_dot import render_dot
from playground.graph.render_svg import SvgUnavailable, dot_binary, svg_from_dot
from playground.lab_script import lab_script
from playground.leaves import ScalarLeaf, find_scalar_leaves, set_leaf_value
from playground.presets import preset_source, preset_titles
from playground.report import gradient_rows, inspector_rows, root_name
from playground.runner import RunResult
from playground.sandbox.tensors.catalogue import help_markdown
from playground.ui.editor import code_editor
from playground.ui.frame import page_frame
from playground.ui.graph_view import graph_view
from playground.ui.lesson import LAB, hidden
from playground.ui.loop_chart import loop_section
from playground.ui.memo import per_result
from playground.ui.stepper import stepper
from playground.ui.widgets import error_panel, printed_output
from playground.ui.workers import check_program, run_program

CODE = "lab_code"
NODES = "lab_max_nodes"
UI_MAX_NODES = 120  # the first view of a big graph: the nodes nearest the output
UI_MAX_NODES_LIMIT = 600  # "show more" stops here; larger layouts take the browser too long


def _load_preset() -> None:
    st.session_state[CODE] = preset_source(st.session_state["lab_preset"])


def _set_leaf(leaf: ScalarLeaf, drawn_for: str) -> None:
    # Streamlit keeps a removed widget's callback: a request that still carries the old
    # number boxes (sent before the browser heard the program changed) replays it.
    # Only a box drawn beside the current program may edit it.
    if st.session_state[CODE] != drawn_for:
        return
    value = st.session_state[f"leaf_{leaf.name}"]
    if value is not None and value != leaf.value:
        st.session_state[CODE] = set_leaf_value(st.session_state[CODE], leaf, value)


def _run(code: str) -> RunResult:
    """Run once per distinct program; reruns for widgets reuse the result."""
    nodes = st.session_state.setdefault(NODES, UI_MAX_NODES)
    cached = st.session_state.get("lab_result")
    if cached is not None and st.session_state.get("lab_result_code") == (code, nodes):
        return cached
    with st.spinner("Running your program…"):
        result = run_program(code, max_nodes=nodes)
    st.session_state["lab_result"], st.session_state["lab_result_code"] = result, (code, nodes)
    if result.ok:
        st.session_state["lab_last_good"] = result
    return result


def _code_panel() -> str:
    if hidden("code"):
        st.code(st.session_state[CODE], language="python", line_numbers=True)
        return st.session_state[CODE]
    st.selectbox("Start from an example", preset_titles(), key="lab_preset", on_change=_load_preset)
    with st.empty():  # the run's spinner has a place of its own: the editor keeps its place
        result = _run(st.session_state[CODE])  # its error is marked in the editor
    code_editor(CODE, "Your PyTorch code", error=None if result.ok else result.error)
    st.button("Run ▶", type="primary", key="lab_run")
    with st.expander("What can I type?"):
        st.markdown(help_markdown())  # written from the sandbox's own catalogue
    return st.session_state[CODE]


def _leaf_inputs(code: str) -> None:
    leaves = per_result("lab_leaves", code, lambda: find_scalar_leaves(code))  # parses it
    if not leaves or hidden("values"):
        return
    st.caption("Change a value — the code and graph follow:")
    columns = st.columns(min(len(leaves), 4))
    for index, leaf in enumerate(leaves):
        key = f"leaf_{leaf.name}"
        st.session_state[key] = leaf.value
        columns[index % len(columns)].number_input(
            leaf.name, key=key, step=0.5, format="%g", on_change=_set_leaf, args=(leaf, code)
        )


def _graph_panel(shown: RunResult, stale: bool) -> None:
    if not hidden("views"):
        # One above the other, with short labels: side by side they were cut off at 1280 px.
        st.toggle(
            "Raw autograd view",
            key="lab_raw",
            help="PyTorch's own nodes: AccumulateGrad for each leaf, and the saved tensors.",
        )
        st.toggle(
            "Step through backward()",
            key="lab_stepping",
            disabled=not shown.steps or st.session_state["lab_raw"],
            help="Walk the nodes in the order PyTorch's engine processes them.",
        )
    raw, stepping = st.session_state["lab_raw"], st.session_state["lab_stepping"]
    graph = shown.raw_graph if raw else shown.graph
    if graph is None:
        st.info(
            "No autograd graph yet: create a tensor with `requires_grad=True` and compute with it."
        )
        return
    if stale:
        st.warning(
            "Stale: this is the last program that ran. Fix the error to update it.", icon="⏸️"
        )
    if graph.hidden or st.session_state[NODES] > UI_MAX_NODES:
        _size_controls(graph.hidden, len(graph.nodes) - (1 if graph.hidden else 0))
    dot = render_dot(graph)  # once per rerun: the chart and the download share it
    if stepping and shown.steps and not raw:
        stepper(graph, shown.steps, root_name(shown))
    else:
        # A container per view: switching views mounts a new chart instead of morphing
        # one graph into another, which the browser's renderer fails at on big graphs.
        with st.container(key="raw_view" if raw else "friendly_view"):
            graph_view(dot, key="lab_graph_raw" if raw else "lab_graph")
    _downloads(dot.source)


def _resize(delta: int) -> None:
    nodes = st.session_state[NODES] + delta
    st.session_state[NODES] = min(max(nodes, UI_MAX_NODES), UI_MAX_NODES_LIMIT)


def _size_controls(hidden_count: int, shown: int) -> None:
    """Say that a big graph is summarised, and let the learner expand it step by step."""
    if hidden_count:
        st.info(
            f"Large graph: showing the {shown} nodes nearest the output; "
            f"{hidden_count:,} more are summarised in the red note."
        )
    at_limit = st.session_state[NODES] >= UI_MAX_NODES_LIMIT
    more, fewer = st.columns(2)
    more.button("Show 100 more nodes", key="lab_more", on_click=_resize, args=(100,),
                disabled=not hidden_count or at_limit)  # fmt: skip
    fewer.button("Show fewer", key="lab_fewer", on_click=_resize, args=(-100,),
                 disabled=st.session_state[NODES] <= UI_MAX_NODES)  # fmt: skip


def _downloads(dot: str) -> None:
    if hidden("downloads"):
        return
    left, right = st.columns(2)
    code = st.session_state[CODE]
    script = per_result("lab_script_text", code, lambda: lab_script(code))  # parses the program
    with st.expander("Copy as PyTorch: this program for plain Python"):
        st.code(script, language="python")
        st.download_button("Download script", lambda: script, file_name="autograd_lab.py",
                           mime="text/x-python", on_click="ignore", key="lab_script")  # fmt: skip
    # The files are made when asked for (a callable): as data, each rerun stored them in
    # Streamlit's media file manager again.
    left.download_button(
        "Download DOT",
        lambda: dot,
        file_name="autograd.dot",
        mime="text/vnd.graphviz",
        on_click="ignore",
        key="lab_dot",
    )
    if dot_binary() is None:
        right.button(
            "Download SVG",
            disabled=True,
            key="lab_svg_off",
            help="Needs the Graphviz `dot` program on the server.",
        )
        right.caption(
            "SVG needs Graphviz's `dot` program, not installed on this server; "
            "the DOT file opens in any Graphviz viewer."
        )
        return
    right.download_button(
        "Download SVG",
        lambda: _svg_or_note(dot),
        file_name="autograd.svg",
        mime="image/svg+xml",
        on_click="ignore",
        key="lab_svg",
    )


def _svg_or_note(dot: str) -> bytes:
    try:
        return svg_from_dot(dot)
    except SvgUnavailable as exc:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="600" height="40">'
            f'<text x="4" y="24">{exc}</text></svg>'
        ).encode()


def _gradient_check(code: str) -> None:
    if not st.button("Check gradients", key="lab_gradcheck",
                     help="Compare autograd with finite differences in float64."):  # fmt: skip
        return
    with st.spinner("Running the program again with each leaf nudged…"):
        report = check_program(code)
    if not report.checks:
        st.warning(report.message)
        return
    (st.success if report.ok else st.error)(
        f"{report.message} (step h = {report.step:g} × |value|)"
    )
    rows = [
        {
            "leaf": c.leaf + (str(list(c.index)) if c.index else ""),
            "autograd": f"{c.autograd:.8g}",
            "finite difference": f"{c.numeric:.8g}",
            "relative error": f"{c.relative_error:.1e}",
            "verdict": {"pass": "✔ pass", "fail": "✘ FAIL", "kink": "kink (no derivative)"}[
                c.verdict
            ],
        }
        for c in report.checks
    ]
    st.dataframe(rows, hide_index=True, width="stretch", key="lab_gradcheck_table")


def _tables(shown: RunResult) -> tuple[pa.Table | None, pa.Table | list]:
    """The gradient table (None when empty) and the inspector, as Arrow tables built
    once per result: a list of dicts went through pandas to Arrow on every rerun, 14% of
    the server's time under 60 students."""
    grads, inspected = gradient_rows(shown), inspector_rows(shown)
    return (
        pa.Table.from_pylist(grads) if grads else None,
        pa.Table.from_pylist(inspected) if inspected else inspected,
    )


def _results_panel(shown: RunResult, result: RunResult) -> None:
    gradients, inspector = per_result("lab_tables", shown, lambda: _tables(shown))
    grads, output = st.columns([3, 2])
    with grads:
        st.subheader("Gradients")
        if not shown.backward_called:
            st.caption("backward() has not been called, so every .grad is None.")
        if gradients is not None:
            st.table(gradients, hide_index=True)
        if result.ok and not hidden("gradcheck"):
            _gradient_check(st.session_state[CODE])
    with output:
        st.subheader("Printed output")
        printed_output(result)
    st.subheader("Inspector")
    st.dataframe(inspector, hide_index=True, width="stretch", key="lab_inspector")


def _body() -> None:
    """Code on the left, graph on the right, tables below."""
    left, right = st.columns([5, 7], gap="large")
    with left:
        code = _code_panel()
        result = _run(code)
        if not result.ok:
            error_panel(result.error, code)
    last_good = st.session_state.get("lab_last_good")
    shown = result if result.ok else last_good
    with right:
        st.subheader("Computation graph")
        if shown is None:
            st.info("Nothing to draw until the program runs without an error.")
        else:
            _graph_panel(shown, stale=not result.ok)
        _leaf_inputs(code)
    loop_section(result)  # the training loop's values per iteration, when it had one
    if shown is not None:
        _results_panel(shown, result)


with page_frame(
    "Expression lab",
    LAB,
    "lab",
    "Type PyTorch code and see the autograd graph PyTorch really built.",
):
    _body()
