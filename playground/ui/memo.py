"""Work a page does once per result, not once per rerun.

Every widget change reruns the whole page, but most reruns show the same result as
the one before (a toggle, a number box on the other page, the studio's speed). The
pages keep their result objects in the session, so a rerun that shows the same one
passes the very same object: building its tables or its JSON again is wasted, and
under 60 students it was a third of the server's time (docs/load.md, issue 14).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

T = TypeVar("T")


def per_result(slot: str, source: object, build: Callable[[], T]) -> T:
    """`build()` for `source`, kept in this session's `slot` until another object comes.

    Keyed by identity, not equality: comparing two results would cost as much as
    building again, and a new run always makes a new object. One entry per slot, so
    the session holds nothing beyond what it shows."""
    kept = st.session_state.get(slot)
    if kept is None or kept[0] is not source:
        kept = st.session_state[slot] = (source, build())
    return kept[1]
