"""Page styling for a projector: larger type, monospace code, calm colours."""

import streamlit as st

CSS = """
<style>
textarea { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace !important;
           font-size: 16px !important; line-height: 1.45 !important; }
.stale-note { color: #8a6d00; font-weight: 600; }
</style>
"""


def apply_style() -> None:
    """Inject the shared CSS once per run."""
    st.html(CSS)
