"""`ast.parse`, one thread at a time, and never reading a file.

CPython 3.11 keeps the AST constructor's recursion counter in state shared by all
threads, so two threads parsing at once can fail with "SystemError: AST constructor
recursion depth mismatch" (python/cpython#106905). Streamlit runs each session's
script in its own thread, so every parse in the playground goes through this lock.

On many syntax errors CPython also tries to re-read the offending line from a file
named after the parse's filename (`<unknown>`, relative to the working directory).
A program must never make the server touch the disk, so that `open` is refused by
an audit hook while this thread parses; CPython then takes the line from its own
buffer instead.
"""

from __future__ import annotations

import ast
import sys
import threading

_LOCK = threading.Lock()  # synchronisation only: it holds no session's data
_PARSING = threading.local()


def _refuse_open_while_parsing(event: str, args: tuple) -> None:
    if event == "open" and getattr(_PARSING, "active", False):
        raise PermissionError("the playground's parser never reads files")


sys.addaudithook(_refuse_open_while_parsing)


def parse(source: str, mode: str = "exec") -> ast.AST:
    """`ast.parse(source, mode=mode)`, serialised across threads, with no file access."""
    with _LOCK:
        _PARSING.active = True
        try:
            return ast.parse(source, mode=mode)
        finally:
            _PARSING.active = False
