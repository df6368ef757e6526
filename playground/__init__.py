"""Autograd Playground core: run PyTorch code safely and see its autograd graph.

Imports nothing from Streamlit, so it works from a notebook, a script and
`python -m playground` alike. `playground.draw(tensor)` draws the autograd graph of
ordinary PyTorch code, like torchviz's `make_dot`; `playground.run(source)` runs a
program in the sandbox.
"""

from .graph.draw import draw
from .graph.model import Graph, GraphEdge, GraphNode, build_graph
from .runner import RunResult, run
from .sandbox.core.budgets import Budgets
from .sandbox.core.errors import ErrorInfo, PlaygroundError

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
