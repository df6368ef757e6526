"""Find scalar leaves written as literals, and rewrite their values in the source.

`w = torch.tensor(4., requires_grad=True)` gets a number box beside the graph;
changing it edits that literal, so the code on screen always matches the graph.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from .sandbox.parsing import parse

_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


@dataclass(frozen=True)
class ScalarLeaf:
    """A `name = torch.tensor(<number>, ...)` line and where its number sits."""

    name: str
    value: float
    line: int
    col: int
    end_col: int
    requires_grad: bool


def find_scalar_leaves(source: str) -> list[ScalarLeaf]:
    """Every top-level one-line scalar `torch.tensor(number)` assignment; [] if unparsable."""
    try:
        tree = parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    found = [leaf for leaf in map(_scalar_leaf, tree.body) if leaf is not None]
    # A name bound twice has no single literal that decides its value: no box for it.
    counts = {}
    for stmt in tree.body:
        for target in getattr(stmt, "targets", ()):
            if isinstance(target, ast.Name):
                counts[target.id] = counts.get(target.id, 0) + 1
    return [leaf for leaf in found if counts.get(leaf.name) == 1]


def _scalar_leaf(stmt: ast.stmt) -> ScalarLeaf | None:
    if not (
        isinstance(stmt, ast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], ast.Name)
        and isinstance(stmt.value, ast.Call)
        and _is_torch_tensor(stmt.value.func)
        and len(stmt.value.args) == 1
    ):
        return None
    literal = stmt.value.args[0]
    value = _number(literal)
    if value is None or literal.lineno != literal.end_lineno:
        return None
    requires_grad = any(
        kw.arg == "requires_grad" and isinstance(kw.value, ast.Constant) and kw.value.value is True
        for kw in stmt.value.keywords
    )
    return ScalarLeaf(
        stmt.targets[0].id, value, literal.lineno, literal.col_offset,
        literal.end_col_offset, requires_grad,
    )  # fmt: skip


def _is_torch_tensor(func: ast.expr) -> bool:
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "tensor"
        and isinstance(func.value, ast.Name)
        and func.value.id == "torch"
    )


def _number(node: ast.expr | None) -> float | None:
    if node is None:
        return None
    sign = 1.0
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        sign = -1.0 if isinstance(node.op, ast.USub) else 1.0
        node = node.operand
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return sign * float(node.value)
    return None


def _literal_node(text: bytes) -> ast.expr | None:
    try:
        return parse(text.decode("utf-8"), mode="eval").body
    except (SyntaxError, ValueError, UnicodeDecodeError):
        return None


def literal_text(value: float) -> str:
    """`4.0` -> `4.`, the tutorial's style; always a float literal."""
    text = repr(float(value))
    return text[:-1] if text.endswith(".0") else text


def set_leaf_value(source: str, leaf: ScalarLeaf, value: float) -> str:
    """`source` with `leaf`'s literal replaced by `value` (bytes offsets per line)."""
    # Split where Python's tokenizer does (\n, \r\n, \r), not at every character
    # str.splitlines() treats as a line break (\x0c, \u2028, ...), so `leaf.line`
    # names the same line here as in the parsed tree.
    lines = _LINES.findall(source)
    if not 0 < leaf.line <= len(lines):
        return source  # the program changed since `leaf` was found: leave it alone
    raw = lines[leaf.line - 1].encode("utf-8")
    if _number(_literal_node(raw[leaf.col : leaf.end_col])) != leaf.value:
        return source
    new = raw[: leaf.col] + literal_text(value).encode() + raw[leaf.end_col :]
    lines[leaf.line - 1] = new.decode("utf-8")
    return "".join(lines)
