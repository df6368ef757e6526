"""Tables derived from a `RunResult`: the gradient table and the inspector."""

from __future__ import annotations

from .graph.tensor_info import TensorInfo, shape_text, value_text
from .runner import RunResult

PREBOUND = ("inputs", "targets")


def _named_in_graph(result: RunResult) -> set[str]:
    if result.graph is None:
        return set()
    return {n.name for n in result.graph.nodes if n.name}


def _shown(result: RunResult) -> list[TensorInfo]:
    """User tensors, plus the pre-bound crop data only when the graph uses it."""
    used = _named_in_graph(result)
    return [info for name, info in result.tensors.items() if name not in PREBOUND or name in used]


def root_name(result: RunResult) -> str:
    """Name of the tensor the graph is drawn for ('y' in dy/dw)."""
    if result.graph is not None:
        for node in result.graph.nodes:
            if node.id == result.graph.root and node.name:
                return node.name
    return "out"


def gradient_rows(result: RunResult) -> list[dict[str, str]]:
    """One row per named tensor: d(out)/d(name), its value or None, and why."""
    root = root_name(result)
    rows = []
    for info in _shown(result):
        if info.name == root:
            continue  # d(out)/d(out) is 1 by definition; out.grad is in the inspector
        grad = "None" if info.grad is None else value_text(info.grad, info.shape).replace("\n", " ")
        rows.append(
            {
                "gradient": f"d{root}/d{info.name}",
                ".grad": grad,
                "why": info.grad_note,
            }
        )
    return rows


def inspector_rows(result: RunResult) -> list[dict[str, object]]:
    """One row per named tensor with everything PyTorch knows about it."""
    return [
        {
            "name": info.name,
            "value": value_text(info.value, info.shape).replace("\n", " "),
            "shape": shape_text(info.shape),
            "dtype": info.dtype,
            "requires_grad": info.requires_grad,
            "is_leaf": info.is_leaf,
            "grad": "None"
            if info.grad is None
            else value_text(info.grad, info.shape).replace("\n", " "),
        }
        for info in _shown(result)
    ]
