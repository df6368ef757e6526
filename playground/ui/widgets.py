"""Small live widgets shared by pages: a runnable program with its graph."""

from __future__ import annotations

import re

import streamlit as st

from playground.graph.render_dot import render_dot
from playground.report import gradient_rows
from playground.runner import RunResult
from playground.sandbox.core.errors import ErrorInfo
from playground.ui.editor import code_editor
from playground.ui.graph_view import graph_view
from playground.ui.workers import run_program


def error_panel(error: ErrorInfo, code: str | None = None) -> None:
    """The error with its line and hint, never a traceback; with `code`, the line
    itself with a caret under the column."""
    where = f"Line {error.line}: " if error.line else ""
    st.error(f"{where}{error.message}", icon="⚠️")
    if error.hint:
        st.info(error.hint, icon="💡")
    lines = (code or "").splitlines()
    if error.line and 0 < error.line <= len(lines):
        caret = " " * (error.col or 0) + "^"
        st.code(f"{error.line:>3} | {lines[error.line - 1]}\n    | {caret}", language=None)


def printed_output(result: RunResult) -> None:
    """What the program printed, then what PyTorch warned about (wrapped, on its line)."""
    st.code(result.output or "(nothing printed)", language=None)
    for warning in result.warnings:
        st.warning(as_plain_text(warning.text), icon="⚠️")


_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|$~])")


def as_plain_text(text: str) -> str:
    """`text` for a Streamlit alert, which renders Markdown: every character Markdown
    (or its maths between `$`) would act on is escaped, so PyTorch's words show as written."""
    return _MARKDOWN.sub(r"\\\1", text)


def program(source: str, key: str, height: int = 160, gradients: bool = True) -> RunResult:
    """An editable program, run in the sandbox, with its graph, output and gradients."""
    st.session_state.setdefault(key, source)
    code_col, graph_col = st.columns([2, 3])
    with code_col:
        code = st.session_state[key]
        with st.empty():  # a slow run's note has a place of its own: the editor keeps its place
            result = run_program(code, max_nodes=60)
        error = None if result.ok else result.error
        code_editor(key, "Code (edit me)", error=error, height=height, run_button=True)
        printed_output(result)
        if not result.ok:
            error_panel(result.error, code)
    with graph_col:
        if result.graph is not None:
            graph_view(render_dot(result.graph), key=f"{key}_graph")
        if gradients and result.ok and result.backward_called:
            st.table(gradient_rows(result))
    return result
