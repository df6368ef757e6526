"""Lesson state in the URL: restore it on arrival, keep the link current, share it.

The field tables below are the single source of truth for each page's controls:
what a link holds, and every widget's bounds, choices and default
(`playground.ui.controls` builds the widgets from them; `playground.share_link`
turns them into tokens and back).
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from playground.presets import PRESETS, TUTORIAL_FIRST
from playground.share_link import Field, ShareLinkError, decode, encode
from playground.training.descent import OPTIMIZERS

PARAM = "lesson"
APPLIED = "lesson_tokens_seen"
SEEN = 200  # tokens remembered per session
WARNING = "lesson_warning"

LEARNING_RATES = tuple([round(m * 10.0**e, 12) for e in range(-7, 0) for m in (1, 2, 5)] + [1.0])
DATASETS = ("Crops (tutorial)", "Line y = a·x + b", "Upload CSV")
BATCHES = ("full batch", "1", "2", "4", "8", "16", "32", "64")

COMMON = (
    Field("cm", "classroom", bool, False),
    Field("h", "hidden", str, "", max_len=300),
)
LAB = (
    Field("c", "lab_code", str, TUTORIAL_FIRST),
    Field("p", "lab_preset", str, PRESETS[0].title, choices=tuple(p.title for p in PRESETS)),
    Field("r", "lab_raw", bool, False),
    Field("s", "lab_stepping", bool, False),
    Field("k", "lab_step", int, -1, low=-1, high=100_000),
)
DESCENT = (
    Field("d", "gd_dataset", str, DATASETS[0], choices=DATASETS),
    Field("n", "gd_points", int, 40, low=2, high=500),
    Field("z", "gd_noise", float, 1.0, low=0.0, high=5.0),
    Field("a", "gd_a", float, 2.0, low=-10.0, high=10.0),
    Field("b", "gd_b", float, -1.0, low=-10.0, high=10.0),
    Field("ds", "gd_data_seed", int, 0, low=0, high=10_000),
    Field("lr", "gd_lr", float, 1e-5, choices=LEARNING_RATES),
    Field("e", "gd_epochs", int, 100, low=1, high=5000),
    Field("o", "gd_opt", str, "manual", choices=OPTIMIZERS),
    Field("bs", "gd_batch", str, "full batch", choices=BATCHES),
    Field("st", "gd_std", bool, False),
    Field("sd", "gd_seed", int, 0, low=0, high=1_000_000),
    Field("f", "gd_forget", bool, False),
    Field("ng", "gd_outside", bool, False),
    Field("hi", "gd_high", bool, False),
)
TOUR = (Field("t", "tour_step", int, 0, low=0, high=50),)
HIDEABLE = {
    "lab": {"code": "code editor and examples", "values": "value boxes", "views": "view toggles",
            "downloads": "downloads", "gradcheck": "gradient check"},
    "tour": {},
    "descent": {"data": "dataset", "settings": "training settings", "mistakes": "teaching mistakes",
               "script": "script download"},
}  # fmt: skip
FIELDS = {f.state: f for f in (*COMMON, *LAB, *DESCENT, *TOUR)}


def field(state: str) -> Field:
    """The field behind session-state key `state`."""
    return FIELDS[state]


def restore(fields: Sequence[Field]) -> None:
    """Apply the link's lesson once per new link (before any widget is drawn)."""
    everything = (*fields, *COMMON)
    # A new session that already holds widget values is a browser reconnecting (e.g.
    # after a server restart): what its widgets show is newer than its URL, which may
    # miss the click that was in flight, so those values win over the link.
    sent = set(st.session_state.keys()) if APPLIED not in st.session_state else set()
    for field in everything:
        st.session_state.setdefault(field.state, field.default)
    token = st.query_params.get(PARAM)
    # A token this session wrote itself is old news: a browser that has not yet heard
    # of the newer URL can still send it with a rerun, and it must not roll back edits.
    if not token or token in _seen():
        return
    _seen().append(token)
    try:
        state = decode(everything, token)
    except ShareLinkError as exc:
        st.session_state[WARNING] = str(exc)
        state = {f.state: f.default for f in everything}
    for key, value in state.items():
        if key not in sent:
            st.session_state[key] = value


def publish(fields: Sequence[Field]) -> str:
    """Write the current lesson into the URL (no rerun) and return its token."""
    token = encode((*fields, *COMMON), st.session_state)
    if st.query_params.get(PARAM) != token:
        st.query_params[PARAM] = token
    if token not in _seen():
        _seen().append(token)
        del _seen()[:-SEEN]
    return token


def _seen() -> list[str]:
    return st.session_state.setdefault(APPLIED, [])


def show_warning() -> None:
    """Say so, once, when a link could not be opened."""
    message = st.session_state.pop(WARNING, None)
    if message:
        st.warning(f"This lesson link could not be opened: {message} "
                   "The page opened with its defaults instead.", icon="🔗")  # fmt: skip


def hidden(name: str) -> bool:
    """True when classroom mode hides control `name`."""
    return bool(st.session_state.get("classroom")) and name in st.session_state.get(
        "hidden", ""
    ).split(",")


def _set_hidden(page: str) -> None:
    st.session_state["hidden"] = ",".join(st.session_state[f"{page}_hide_pick"])


def share_box(page: str, token: str) -> None:
    """Sidebar box: the link to this exact lesson, and classroom options."""
    with st.sidebar.expander("Share this lesson"):
        st.toggle("Classroom mode (larger text)", key="classroom")
        options = HIDEABLE[page]
        if options:
            chosen = [k for k in st.session_state.get("hidden", "").split(",") if k in options]
            st.session_state.setdefault(f"{page}_hide_pick", chosen)
            st.multiselect(
                "Hide in classroom mode",
                list(options),
                format_func=options.get,
                key=f"{page}_hide_pick",
                on_change=_set_hidden,
                args=(page,),
            )
        base = st.context.url.split("?")[0] if st.context.url else ""
        st.caption("Anyone opening this link sees this page exactly as it is now:")
        st.code(f"{base}?{PARAM}={token}", language=None, wrap_lines=True)
