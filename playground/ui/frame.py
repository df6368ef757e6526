"""The frame every page shares: style, the lesson from the link, title, share box.

Pages write their body inside `page_frame(...)`; restoring the link's lesson before
any widget is drawn and publishing it after every widget has run are the frame's
job, so no page can get the order wrong.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import streamlit as st

from playground.share_link import Field
from playground.ui.lesson import publish, restore, share_box, show_warning

CSS = """
<style>
textarea { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace !important;
           font-size: 16px !important; line-height: 1.45 !important; }
/* A slider's value is drawn in the accent colour, 3.5:1 on the dark theme's sidebar:
   the text colour instead (the thumb beside it still carries the accent). */
div[data-testid="stSliderThumbValue"] { color: inherit; }
/* Tab scrolls the focused control into view: not under the page's opaque top bar. */
[data-testid="stMain"] { scroll-padding-top: 5rem; scroll-padding-bottom: 1rem; }
/* The data grid draws its cells on a canvas and shows no focus of its own: ring it. */
[data-testid="stDataFrame"]:has(canvas:focus-visible) { outline: 3px solid currentColor;
                                                        outline-offset: 2px; }
</style>
"""
# Larger everything for a projector: Streamlit sizes text and spacing in rem, so a larger
# root font scales the page and it reflows. (`zoom` on the main area, used before,
# broke Streamlit's measured layouts: tables wider than a 1280 px window, cut labels.)
CLASSROOM_CSS = "<style>html { font-size: 22.5px !important; }</style>"  # 1.25 × 18 px


@contextmanager
def page_frame(title: str, fields: Sequence[Field], share_as: str, caption: str = "") -> Iterator:
    """Style, restore the link's lesson, title and warning; after the body, the share box."""
    st.html(CSS)
    restore(fields)
    if st.session_state.get("classroom"):
        st.html(CLASSROOM_CSS)
    st.title(title)
    show_warning()
    if caption:
        st.caption(caption)
    yield
    share_box(share_as, publish(fields))
