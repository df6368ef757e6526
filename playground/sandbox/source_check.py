"""Parse and vet a program before a single line of it runs.

Everything here is static: the allow-list of syntax, the names that are never
available, attribute names, imports, and the size of the tree. A program that
passes may still fail while running, but one that fails here never starts.
"""

from __future__ import annotations

import ast

from .budgets import Budgets
from .errors import BudgetExceeded, NotAllowed, SyntaxProblem
from .parsing import parse
from .placement import check_placement

ALLOWED_NODES: frozenset[type] = frozenset(
    {
        ast.Module, ast.Expr, ast.Assign, ast.AugAssign, ast.For, ast.While, ast.If,
        ast.With, ast.withitem, ast.FunctionDef, ast.Return, ast.Pass, ast.Break,
        ast.Continue, ast.Import, ast.alias, ast.arguments, ast.arg,
        ast.Constant, ast.Name, ast.Load, ast.Store, ast.BinOp, ast.UnaryOp,
        ast.BoolOp, ast.Compare, ast.Call, ast.keyword, ast.Attribute, ast.Subscript,
        ast.Slice, ast.List, ast.Tuple, ast.JoinedStr, ast.FormattedValue, ast.IfExp,
        ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow,
        ast.MatMult, ast.USub, ast.UAdd, ast.Not, ast.And, ast.Or, ast.Eq, ast.NotEq,
        ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Is, ast.IsNot, ast.In, ast.NotIn,
    }
)  # fmt: skip

# Friendlier words for the constructs people most often try.
CONSTRUCT_NAMES: dict[type, str] = {
    ast.Lambda: "lambda", ast.ClassDef: "class definitions", ast.Try: "try/except",
    ast.Raise: "raise", ast.Global: "global", ast.Nonlocal: "nonlocal",
    ast.Delete: "del", ast.ListComp: "list comprehensions",
    ast.GeneratorExp: "generator expressions", ast.DictComp: "dict comprehensions",
    ast.SetComp: "set comprehensions", ast.Dict: "dictionaries", ast.Set: "sets",
    ast.Yield: "yield", ast.YieldFrom: "yield from", ast.Await: "await",
    ast.AsyncFunctionDef: "async functions", ast.AsyncFor: "async for",
    ast.AsyncWith: "async with", ast.ImportFrom: "from ... import",
    ast.Starred: "star-unpacking (*args)", ast.NamedExpr: "the walrus operator :=",
    ast.Assert: "assert", ast.Match: "match", ast.LShift: "bit shifts",
    ast.RShift: "bit shifts", ast.BitOr: "bitwise |", ast.BitAnd: "bitwise &",
    ast.BitXor: "bitwise ^", ast.Invert: "bitwise ~", ast.AnnAssign: "annotated assignment",
}  # fmt: skip

# Python built-ins that open a way out of any sandbox; named so the refusal is clear.
FORBIDDEN_NAMES: frozenset[str] = frozenset(
    {
        "eval", "exec", "compile", "open", "getattr", "setattr", "delattr", "hasattr",
        "globals", "locals", "vars", "dir", "type", "object", "super", "input",
        "breakpoint", "help", "memoryview", "classmethod", "staticmethod", "property",
        "exit", "quit", "id", "hash", "format", "chr", "ord", "bytes", "bytearray",
        "__import__", "__builtins__", "importlib", "os", "sys", "subprocess", "socket",
    }
)  # fmt: skip

ALLOWED_IMPORTS: dict[str, set[str]] = {"torch": {"torch"}, "numpy": {"np", "numpy"}}


def parse_program(source: str, budgets: Budgets) -> ast.Module:
    """Parse `source` and vet it; raise a `PlaygroundError` describing the first problem."""
    if len(source) > budgets.source_chars:
        raise BudgetExceeded(
            f"The program is {len(source):,} characters long; the limit is "
            f"{budgets.source_chars:,}.",
            hint="Shorten the program.",
        )
    tree = _parse(source)
    _vet(tree, budgets)
    check_placement(tree)
    return tree


def _parse(source: str) -> ast.Module:
    try:
        return parse(source, mode="exec")
    except SyntaxError as exc:
        line, col = exc.lineno, _col(exc.offset)
        if line is None and "\x00" in source:  # CPython 3.11 gives no location for it
            line, col = _null_location(source)
        raise SyntaxProblem(f"Syntax error: {exc.msg}", line, col) from None
    except (RecursionError, MemoryError):
        raise BudgetExceeded(
            "The program is nested too deeply to read.",
            hint="Use fewer nested brackets or expressions.",
        ) from None
    except (ValueError, OverflowError) as exc:
        where = _null_location(source) if "\x00" in source else (None, None)
        raise SyntaxProblem(f"The program cannot be read: {exc}", *where) from None


def _null_location(source: str) -> tuple[int | None, int | None]:
    """Line (1-based) and column of the first null byte, which the parser cannot point at."""
    at = source.index("\x00")
    return source.count("\n", 0, at) + 1, at - (source.rfind("\n", 0, at) + 1)


def _col(offset: int | None) -> int | None:
    return None if offset is None else max(offset - 1, 0)


def _vet(tree: ast.Module, budgets: Budgets) -> None:
    """Walk the tree iteratively (no recursion to exhaust) checking every node."""
    # Each entry carries the nearest enclosing location, for nodes that have none
    # (`Load`, operators), so a depth error still points at a line.
    stack: list[tuple[ast.AST, int, tuple[int | None, int | None]]] = [(tree, 0, (None, None))]
    count = 0
    while stack:
        node, depth, where = stack.pop()
        if getattr(node, "lineno", None) is not None:
            where = _where(node)
        count += 1
        if count > budgets.ast_nodes:
            raise BudgetExceeded(
                f"The program has more than {budgets.ast_nodes:,} syntax elements.",
                hint="Shorten the program.",
            )
        if depth > budgets.ast_depth:
            raise BudgetExceeded(
                f"The program nests deeper than {budgets.ast_depth} levels.",
                *where,
                hint="Split deeply nested expressions into named steps.",
            )
        try:
            _vet_node(node)
        except NotAllowed as exc:  # operators (`<<`, `|`) have no location of their own
            raise exc.at(*where) from None
        for child in ast.iter_child_nodes(node):
            stack.append((child, depth + 1, where))


def _where(node: ast.AST) -> tuple[int | None, int | None]:
    return getattr(node, "lineno", None), getattr(node, "col_offset", None)


def _vet_node(node: ast.AST) -> None:
    kind = type(node)
    if kind not in ALLOWED_NODES:
        what = CONSTRUCT_NAMES.get(kind, kind.__name__)
        raise NotAllowed(f"{what} is not supported in the playground.", *_where(node))
    check = _NODE_CHECKS.get(kind)
    if check is not None:
        check(node)


def _check_name(node: ast.Name) -> None:
    if node.id in FORBIDDEN_NAMES or node.id.startswith("__"):
        raise NotAllowed(
            f"`{node.id}` is not available in the playground.",
            *_where(node),
            hint="Only torch, numpy (as np), print, range, len and your own names can be used.",
        )


def _check_attribute(node: ast.Attribute) -> None:
    if node.attr.startswith("_"):
        raise NotAllowed(
            f"Attribute `{node.attr}` is not allowed: names starting with `_` are private.",
            *_where(node),
        )


def _check_import(node: ast.Import) -> None:
    for alias in node.names:
        allowed = ALLOWED_IMPORTS.get(alias.name)
        if allowed is None or (alias.asname or alias.name) not in allowed:
            raise NotAllowed(
                f"`import {alias.name}"
                + (f" as {alias.asname}" if alias.asname else "")
                + "` is not allowed.",
                *_where(node),
                hint="Only `import torch` and `import numpy as np` are available.",
            )


def _check_function(node: ast.FunctionDef) -> None:
    args = node.args
    if node.decorator_list:
        raise NotAllowed("Decorators are not supported.", *_where(node))
    if args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs:
        raise NotAllowed("Only plain positional parameters are supported in `def`.", *_where(node))
    _check_binding_name(node.name, node)
    for arg in args.args:
        _check_binding_name(arg.arg, node)


def _check_binding_name(name: str, node: ast.AST) -> None:
    if name.startswith("__") or name in FORBIDDEN_NAMES:
        raise NotAllowed(f"The name `{name}` cannot be used.", *_where(node))


def _check_call(node: ast.Call) -> None:
    for kw in node.keywords:
        if kw.arg is None:
            raise NotAllowed("`**` keyword unpacking is not supported.", *_where(node))


def _check_constant(node: ast.Constant) -> None:
    if isinstance(node.value, bytes | complex):
        what = "bytes literals" if isinstance(node.value, bytes) else "complex numbers"
        raise NotAllowed(f"{what} are not supported.", *_where(node))


_NODE_CHECKS = {
    ast.Name: _check_name,
    ast.Attribute: _check_attribute,
    ast.Import: _check_import,
    ast.FunctionDef: _check_function,
    ast.Call: _check_call,
    ast.Constant: _check_constant,
}
