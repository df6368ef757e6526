"""Checks Python's compiler makes that its parser does not.

`ast.parse` accepts `return` outside a function, `break`/`continue` outside a loop
and `def f(a, a)`; Python refuses such a program before running any of it. The
interpreter only noticed a misplaced `return` when it ran, so one in a branch not
taken was silently accepted. These checks make the playground refuse what Python
refuses, before the program starts, with the line (as the interpreter's own
refusals of the same mistakes did).
"""

from __future__ import annotations

import ast

from .core.errors import NotAllowed

# (statement, inside a function, inside a loop), walked without recursion.
_Frame = tuple[ast.stmt, bool, bool]


def check_placement(tree: ast.Module) -> None:
    """Raise `NotAllowed` for the first misplaced jump or repeated parameter."""
    stack: list[_Frame] = [(s, False, False) for s in reversed(tree.body)]
    while stack:
        stmt, in_function, in_loop = stack.pop()
        _check(stmt, in_function, in_loop)
        stack.extend(reversed(_inner(stmt, in_function, in_loop)))


def _inner(stmt: ast.stmt, in_function: bool, in_loop: bool) -> list[_Frame]:
    """The statements nested in `stmt`, with the context each runs in."""
    if isinstance(stmt, ast.FunctionDef):
        return [(s, True, False) for s in stmt.body]
    if isinstance(stmt, ast.ClassDef):  # a class body is neither a function nor a loop
        return [(s, False, False) for s in stmt.body]
    if isinstance(stmt, ast.For | ast.While):  # `else:` is not part of the loop
        body = [(s, in_function, True) for s in stmt.body]
        return body + [(s, in_function, in_loop) for s in stmt.orelse]
    nested = getattr(stmt, "body", []) + getattr(stmt, "orelse", [])
    if isinstance(stmt, ast.Try):
        nested = list(stmt.body)
        for handler in stmt.handlers:
            nested += handler.body
        nested += stmt.orelse + stmt.finalbody
    return [(s, in_function, in_loop) for s in nested]


def _check(stmt: ast.stmt, in_function: bool, in_loop: bool) -> None:
    message = None
    if isinstance(stmt, ast.Return) and not in_function:
        message = "`return` outside a function."
    elif isinstance(stmt, ast.Break) and not in_loop:
        message = "`break` outside a loop."
    elif isinstance(stmt, ast.Continue) and not in_loop:
        message = "`continue` outside a loop."
    elif isinstance(stmt, ast.Nonlocal) and not in_function:
        message = "`nonlocal` outside a function."
    elif _bare_star_target(stmt):
        message = "A starred assignment target must be in a list or tuple: `*a, b = ...`."
    elif isinstance(stmt, ast.FunctionDef):
        names = [a.arg for a in stmt.args.args]
        repeated = next((n for i, n in enumerate(names) if n in names[:i]), None)
        if repeated is not None:
            message = f"The parameter `{repeated}` appears twice in `def {stmt.name}`."
    if message is not None:
        raise NotAllowed(message, stmt.lineno, stmt.col_offset)


def _bare_star_target(stmt: ast.stmt) -> bool:
    """`*a = x` (or `for *a in ...`): CPython's compiler refuses it; its parser does not
    (found by the fuzzer)."""
    if isinstance(stmt, ast.Assign):
        targets = stmt.targets
    elif isinstance(stmt, ast.AugAssign | ast.AnnAssign | ast.For):
        targets = [stmt.target]
    else:
        return False
    return any(isinstance(t, ast.Starred) for t in targets)
