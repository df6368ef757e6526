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


def to_text(value: object, limit: int = MAX_TEXT, interp: object = None) -> str:
    """`str(value)` as Python would print it, cut at `limit` characters.

    With the running interpreter, objects of ours print as they choose
    (`SandboxObject.text`: a user class's `__str__`); without it, as they are.
    """
    if _is_plain_sequence(value) or type(value) in _CONTAINERS:
        parts: list[str] = []
        _seq_text(value, parts, limit, 0, 0, interp)
        return "".join(parts)[:limit]
    if interp is not None and hasattr(value, "repr_text"):
        return value.text(interp)[:limit]
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


def to_repr(value: object, limit: int = MAX_TEXT, interp: object = None) -> str:
    """`repr(value)`: like `to_text` but strings are quoted."""
    if isinstance(value, str):
        return repr(value[:limit])
    if interp is not None and hasattr(value, "repr_text"):
        return value.repr_text(interp)[:limit]
    return to_text(value, limit, interp)


def _is_plain_sequence(value: object) -> bool:
    """Lists and tuples, but not tuple subclasses like `torch.Size` (own `str`)."""
    return type(value) in (list, tuple)


_VIEWS = (type({}.keys()), type({}.values()), type({}.items()))
_CONTAINERS = frozenset({list, tuple, dict, set, *_VIEWS})
_DEFAULT_KEYS = frozenset({list, tuple})  # fast path: the common nested lists


def _brackets(seq: object) -> tuple[str, str]:
    kind = type(seq)
    if kind is list:
        return "[", "]"
    if kind is tuple:
        return "(", ")"
    if kind in (dict, set):
        return "{", "}"
    return f"{kind.__name__}([", "])"  # dict_keys([...]), dict_values, dict_items


def _seq_text(
    seq: object, parts: list[str], limit: int, depth: int, size: int, interp: object = None
) -> int:
    """Append the text of `seq` to `parts`; return the running length."""
    opening, closing = _brackets(seq)
    if type(seq) is set and not seq:
        parts.append("set()")
        return size + 5
    if depth > MAX_DEPTH:
        parts.append(opening + "..." + closing)
        return size + 5
    parts.append(opening)
    size += 1
    pairs = type(seq) is dict
    for index, item in enumerate(seq.items() if pairs else seq):
        if size > limit:
            parts.append("...")
            break
        if index:
            parts.append(", ")
            size += 2
        if pairs:
            size = _item_into(item[0], parts, limit, depth, size, interp)
            parts.append(": ")
            size = _item_into(item[1], parts, limit, depth, size + 2, interp)
        else:
            size = _item_into(item, parts, limit, depth, size, interp)
    if type(seq) is tuple and len(seq) == 1:
        parts.append(",")
    parts.append(closing)
    return size + len(closing)


def _item_into(
    item: object, parts: list[str], limit: int, depth: int, size: int, interp: object
) -> int:
    """One item of a printed container: its `repr`, nested containers recursively."""
    if type(item) in _CONTAINERS:
        return _seq_text(item, parts, limit, depth + 1, size, interp)
    if isinstance(item, str):
        text = repr(item[:limit])
    elif interp is not None and hasattr(item, "repr_text"):
        text = item.repr_text(interp)[:limit]
    else:
        text = _item_text(item)
    parts.append(text)
    return size + len(text)
