"""The code editor: CodeMirror 6 in a Streamlit component, in place of a text area.

Why a component of our own around CodeMirror (docs/editor.md): highlighting, line
numbers, the run's error marked in the text, completion from the sandbox's own
allow-list, and a 145 kB (gzip) bundle served by this app (static/editor.js, built
from frontend/editor by scripts/build_frontend.py).

The program lives in `st.session_state[key]`, as it did with the text area, because
presets, leaf boxes and lesson links write it there. Who changed it last decides who
wins: the browser sends the code with each run (Ctrl+Enter, the Run button, leaving the
editor), and the callback stores it and notes that the browser has it (`echo`). When
the server's code differs from that note, the server changed it (a preset, a leaf
box, a link), and the revision number goes up: the editor replaces its text only when
the revision changes, so a rerun for any other reason never overwrites typing.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from functools import cache, partial
from pathlib import Path

import streamlit as st

from playground.sandbox.completions import completions
from playground.sandbox.core.errors import ErrorInfo

HTML = '<div class="agp-ed" data-testid="agp-editor"></div>'


STATIC = Path(__file__).resolve().parents[2] / "static"


@cache
def completions_json() -> str:
    """The allow-list's names as one JSON text (immutable, so safe to share)."""
    return json.dumps(completions(), separators=(",", ":"))


@cache
def completions_file() -> str | None:
    """The allow-list as a file this app serves (`static/completions-<hash>.json`), or
    None if it cannot be written (the editor then offers no completions).

    Why a file and not component data: as data, its ~15 kB went to the browser, and was
    serialised and hashed twice, on every rerun of the lab. The browser now fetches it
    once per page. The name carries the content's hash, so a browser's cached copy
    from an older allow-list is never used. Written to a temporary name and moved, so
    two server processes starting together never serve half a file.
    """
    text = completions_json()
    name = f"completions-{hashlib.sha256(text.encode()).hexdigest()[:12]}.json"
    target = STATIC / name
    try:
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            STATIC.mkdir(exist_ok=True)
            partial_file = target.with_suffix(f".{os.getpid()}.tmp")
            partial_file.write_text(text, encoding="utf-8")
            os.replace(partial_file, target)
    except OSError:
        return None
    return name


@st.cache_resource
def _component():  # registered once per server process; holds no per-student data
    here = Path(__file__).parent
    return st.components.v2.component(
        "code_editor",
        html=HTML,
        css=(here / "editor.css").read_text(encoding="utf-8"),
        js=(here / "editor.js").read_text(encoding="utf-8"),
        isolate_styles=False,
    )


def _names(key: str) -> tuple[str, str, str]:
    return f"{key}_editor", f"{key}_echo", f"{key}_rev"


def _take_run(key: str) -> None:
    """The browser sent its code: it becomes the program, and the browser has it."""
    widget, echo, _rev = _names(key)
    sent = (st.session_state.get(widget) or {}).get("run")
    code = sent.get("code") if isinstance(sent, dict) else None
    if isinstance(code, str):
        st.session_state[key] = st.session_state[echo] = code


def code_editor(
    key: str,
    label: str,
    *,
    error: ErrorInfo | None = None,
    height: int = 330,
    run_button: bool = False,
) -> str:
    """Draw the editor for `st.session_state[key]` and return the code."""
    widget, echo, rev = _names(key)
    code = st.session_state[key]
    if st.session_state.get(echo) != code:  # the server changed it: the editor must follow
        # A new session (a reconnect after a restart) starts a new series, so the editor
        # then shows the session's program even if its counter happens to match.
        series, count = st.session_state.get(rev, (secrets.token_hex(4), 0))
        st.session_state[rev] = (series, count + 1)
        st.session_state[echo] = code
    marked = None
    if error is not None and error.line:
        marked = {"line": error.line, "col": error.col, "message": error.message}
    data = {
        "code": code,
        "rev": "{}-{}".format(*st.session_state[rev]),
        "label": label,
        "error": marked,
        "height": height,
        "run_button": run_button,
        "completions": completions_file(),
    }
    _component()(key=widget, data=data, on_run_change=partial(_take_run, key))
    return st.session_state[key]
