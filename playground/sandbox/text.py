"""Bounded `str()` for sandbox values, used by print and f-strings.

Lists can share and nest sub-lists, which makes Python's own `str` exponential
or recursive; this version stops at a length and a depth. Tensors and arrays
print as PyTorch and NumPy print them, unless that would list too many numbers.
"""

from __future__ import annotations

import math

import numpy as np
import torch

MAX_TEXT = 20_000
MAX_DEPTH = 20
# PyTorch and NumPy summarise past 1,000 elements by keeping 3 at each end of every
# dimension, which keeps all of a dimension of 6 or fewer: a (2,) * 19 tensor prints
# all its 524,288 numbers (10 s). Past this many shown numbers, a one-line summary.
MAX_SHOWN_NUMBERS = 2_000
_EDGE_ITEMS = 3


def to_text(value: object, limit: int = MAX_TEXT) -> str:
    """`str(value)` as Python would print it, cut at `limit` characters."""
    if _is_plain_sequence(value):
        parts: list[str] = []
        _seq_text(value, parts, limit, 0, 0)
        return "".join(parts)[:limit]
    return _item_text(value)[:limit]


def printable(text: str) -> str:
    """`text` with lone surrogates written as escapes (`\\ud800`).

    `"\\ud800"` is a valid Python string that UTF-8 cannot encode: the page, a
    terminal or a JSON reader would fail on the program's output.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def array_text(value: torch.Tensor | np.ndarray) -> str:
    """`str(value)` for a tensor or array, or a summary when it would be too long."""
    numel = value.numel() if isinstance(value, torch.Tensor) else value.size
    shown = math.prod(min(size, 2 * _EDGE_ITEMS) for size in value.shape)
    if numel <= 1_000 or shown <= MAX_SHOWN_NUMBERS:
        return str(value)
    name = "tensor" if isinstance(value, torch.Tensor) else "array"
    dtype = str(value.dtype).removeprefix("torch.")
    return f"{name}(<{numel:,} {dtype} elements of shape {tuple(value.shape)}: too many to print>)"


def _item_text(value: object) -> str:
    if isinstance(value, torch.Tensor | np.ndarray):
        return array_text(value)
    return str(value)


def to_repr(value: object, limit: int = MAX_TEXT) -> str:
    """`repr(value)`: like `to_text` but strings are quoted."""
    if isinstance(value, str):
        return repr(value[:limit])
    return to_text(value, limit)


def _is_plain_sequence(value: object) -> bool:
    """Lists and tuples, but not tuple subclasses like `torch.Size` (own `str`)."""
    return type(value) in (list, tuple)


def _seq_text(seq: list | tuple, parts: list[str], limit: int, depth: int, size: int) -> int:
    """Append the text of `seq` to `parts`; return the running length."""
    opening, closing = ("[", "]") if isinstance(seq, list) else ("(", ")")
    if depth > MAX_DEPTH:
        parts.append(opening + "..." + closing)
        return size + 5
    parts.append(opening)
    size += 1
    for index, item in enumerate(seq):
        if size > limit:
            parts.append("...")
            break
        if index:
            parts.append(", ")
            size += 2
        if _is_plain_sequence(item):
            size = _seq_text(item, parts, limit, depth + 1, size)
        else:
            text = repr(item) if isinstance(item, str) else _item_text(item)
            parts.append(text)
            size += len(text)
    if isinstance(seq, tuple) and len(seq) == 1:
        parts.append(",")
    parts.append(closing)
    return size + 1
