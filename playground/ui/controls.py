"""Widgets built from the lesson's `Field` tables.

A field holds a control's bounds, choices and default (and its place in the link),
so a widget here takes only its label and the field's state key: the numbers are
never written twice.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from playground.share_link import Field
from playground.ui.lesson import field


def _bounds(f: Field) -> tuple:
    return f.kind(f.low), f.kind(f.high)


def slider(label: str, key: str, step: float | None = None, where=st) -> object:
    """A slider over the field's [low, high]."""
    f = field(key)
    return where.slider(label, *_bounds(f), step=f.kind(step) if step else None, key=key)


def number(label: str, key: str, step: float | None = None, where=st) -> object:
    """A number box over the field's [low, high]."""
    f = field(key)
    return where.number_input(label, *_bounds(f), step=f.kind(step) if step else None, key=key)


def select_slider(label: str, key: str, format_func: Callable = str, where=st) -> object:
    """A slider over the field's choices."""
    return where.select_slider(label, field(key).choices, key=key, format_func=format_func)


def selectbox(label: str, key: str, format_func: Callable = str, where=st) -> object:
    """A drop-down of the field's choices."""
    return where.selectbox(label, field(key).choices, key=key, format_func=format_func)


def radio(label: str, key: str, where=st) -> object:
    """Radio buttons for the field's choices."""
    return where.radio(label, field(key).choices, key=key)


def toggle(label: str, key: str, where=st) -> bool:
    """A switch for a boolean field."""
    assert field(key).kind is bool
    return where.toggle(label, key=key)


def checkbox(label: str, key: str, where=st) -> bool:
    """A check box for a boolean field."""
    assert field(key).kind is bool
    return where.checkbox(label, key=key)
