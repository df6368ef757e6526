"""`ast.parse`, one thread at a time.

CPython 3.11 keeps the AST constructor's recursion counter in state shared by all
threads, so two threads parsing at once can fail with "SystemError: AST constructor
recursion depth mismatch" (python/cpython#106905). Streamlit runs each session's
script in its own thread, so every parse in the playground goes through this lock.
"""

from __future__ import annotations

import ast
import threading

_LOCK = threading.Lock()  # synchronisation only: it holds no session's data


def parse(source: str, mode: str = "exec") -> ast.AST:
    """`ast.parse(source, mode=mode)`, serialised across threads."""
    with _LOCK:
        return ast.parse(source, mode=mode)
