"""Bounded `str()` for sandbox values, used by print and f-strings.

Lists can share and nest sub-lists, which makes Python's own `str` exponential
or recursive; this version stops at a length and a depth.
"""

from __future__ import annotations

MAX_TEXT = 20_000
MAX_DEPTH = 20


def to_text(value: object, limit: int = MAX_TEXT) -> str:
    """`str(value)` as Python would print it, cut at `limit` characters."""
    if _is_plain_sequence(value):
        parts: list[str] = []
        _seq_text(value, parts, limit, 0, 0)
        return "".join(parts)[:limit]
    return str(value)[:limit]


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
            text = repr(item) if isinstance(item, str) else str(item)
            parts.append(text)
            size += len(text)
    if isinstance(seq, tuple) and len(seq) == 1:
        parts.append(",")
    parts.append(closing)
    return size + 1
