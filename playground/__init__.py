"""Autograd Playground core: run PyTorch code safely and see its autograd graph.

Imports nothing from Streamlit, so it works from a notebook, a script and
`python -m playground` alike.
"""

from .budgets import Budgets
from .errors import ErrorInfo, PlaygroundError
from .graph import Graph, GraphEdge, GraphNode, build_graph
from .runner import RunResult, run

__all__ = [
    "Budgets",
    "ErrorInfo",
    "Graph",
    "GraphEdge",
    "GraphNode",
    "PlaygroundError",
    "RunResult",
    "build_graph",
    "run",
]
