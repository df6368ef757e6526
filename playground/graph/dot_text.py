"""Quoting for the DOT language, small and fast enough to run once per label.

DOT's rules (https://graphviz.org/doc/info/lang.html): an ID is a plain word
(`[a-zA-Z_][a-zA-Z0-9_]*`), a number, a double-quoted string, or an HTML string
`<...>`. In a quoted string only `\\"` is an escape for the parser; Graphviz then
reads labels as escString, where `\\\\` is a backslash and `\\n` a centred line
break. So plain text is written with `\\` doubled, `"` escaped and each newline as
`\\n`, and text can never turn into markup or an escape sequence by accident.
The keywords `node`, `edge`, `graph`, `digraph`, `subgraph` and `strict` (any case)
must be quoted to be used as IDs. Markup is marked as such by its type, `HtmlLabel`.
"""

from __future__ import annotations

import re

KEYWORDS = frozenset({"node", "edge", "graph", "digraph", "subgraph", "strict"})
_PLAIN_ID = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*|-?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)")


class HtmlLabel(str):
    """An HTML-like label, `<...>` included, written as it is (its text already escaped)."""

    __slots__ = ()


def quote(text: str) -> str:
    """`text` as a DOT ID: bare when DOT allows it, else a quoted, escaped string."""
    if isinstance(text, HtmlLabel):
        return text
    # str methods first: they settle our own ids (`n12`) without the regex.
    plain = (text.isidentifier() and text.isascii()) or _PLAIN_ID.fullmatch(text)
    if plain and text.lower() not in KEYWORDS:
        return text
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    if '"' in text:
        text = text.replace('"', '\\"')
    if "\n" in text:
        text = text.replace("\n", "\\n")
    return f'"{text}"'


def a_list(attrs: dict[str, str]) -> str:
    """`key=value` pairs for inside `[...]`, space-separated, sorted by key as the
    `graphviz` package writes them (so our text and theirs can be compared line by line)."""
    return " ".join(f"{quote(key)}={quote(value)}" for key, value in sorted(attrs.items()))


def node_statement(node_id: str, label: str, attrs_text: str) -> str:
    """One node's line; `attrs_text` is an already quoted `a_list`, shared between nodes."""
    extra = f" {attrs_text}" if attrs_text else ""
    return f"\t{quote(node_id)} [label={quote(label)}{extra}]\n"


def edge_statement(src: str, dst: str, attrs_text: str = "") -> str:
    """One edge's line, `src -> dst`, with optional quoted attributes."""
    extra = f" [{attrs_text}]" if attrs_text else ""
    return f"\t{quote(src)} -> {quote(dst)}{extra}\n"
