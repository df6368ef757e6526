"""Autograd Playground core: run PyTorch code safely and see its autograd graph.

Imports nothing from Streamlit, so it works from a notebook, a script and
`python -m playground` alike. `playground.draw(tensor)` draws the autograd graph of
ordinary PyTorch code, like torchviz's `make_dot`; `playground.run(source)` runs a
program in the sandbox.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

# Each public name and the module it lives in, imported when first asked for
# (`playground.run`, `from playground import draw`). Importing a subpackage such as
# `playground.isolation` then costs what it imports, not torch: the server starts its
# worker pool from there while torch is still loading (playground/ui/server_start.py).
_EXPORTS = {
    "draw": ".graph.draw",
    "Graph": ".graph.model",
    "GraphEdge": ".graph.model",
    "GraphNode": ".graph.model",
    "build_graph": ".graph.model",
    "RunResult": ".runner",
    "run": ".runner",
    "Budgets": ".sandbox.core.budgets",
    "ErrorInfo": ".sandbox.core.errors",
    "PlaygroundError": ".sandbox.core.errors",
}
__all__ = [
    "Budgets",
    "ErrorInfo",
    "Graph",
    "GraphEdge",
    "GraphNode",
    "PlaygroundError",
    "RunResult",
    "build_graph",
    "draw",
    "run",
]

if TYPE_CHECKING:
    from .graph.draw import draw
    from .graph.model import Graph, GraphEdge, GraphNode, build_graph
    from .runner import RunResult, run
    from .sandbox.core.budgets import Budgets
    from .sandbox.core.errors import ErrorInfo, PlaygroundError


def __getattr__(name: str) -> object:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'playground' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name], __name__), name)
    globals()[name] = value  # asked once; later lookups find it directly
    return value
