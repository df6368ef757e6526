"""Text and labels for the backward step-through, from recorded `BackwardStep`s."""

from __future__ import annotations

import numpy as np

from ..sandbox.tensors.backward_steps import BackwardStep
from .model import Graph
from .tensor_info import value_text


def _text(array: np.ndarray | None) -> str:
    if array is None:
        return "(not kept)"
    return value_text(array.reshape(-1), array.shape).replace("\n", " ")


def node_names(graph: Graph) -> dict[str, str]:
    """A short name per node id: a tensor's name, or an op's symbol and PyTorch name."""
    names = {}
    for node in graph.nodes:
        if node.kind == "op":
            names[node.id] = f"`{node.label}` ({node.op})"
        else:
            names[node.id] = f"`{node.name}`" if node.name else "an intermediate result"
    return names


def outputs_of(graph: Graph) -> dict[str, str]:
    """Op node id -> the tensor node it produces."""
    kinds = {n.id: n.kind for n in graph.nodes}
    return {e.src: e.dst for e in graph.edges if kinds.get(e.src) == "op"}


def grads_after(graph: Graph, steps: tuple[BackwardStep, ...], upto: int) -> dict[str, str]:
    """`.grad` line per tensor node once steps 0..`upto` have run.

    Leaves show what their AccumulateGrad step stored; intermediate results keep
    `.grad` None (PyTorch does not store it) but show what flowed through them.
    """
    produced = outputs_of(graph)
    kinds = {n.id: n.kind for n in graph.nodes}
    grads: dict[str, str] = {}
    for step in steps[: upto + 1]:
        if step.node_id is None:
            continue
        if kinds.get(step.node_id) == "leaf":
            grads[step.node_id] = _text(step.arrived)
        elif step.node_id in produced:
            grads[produced[step.node_id]] = f"None · ∂ {_text(step.arrived)} flowed"
    return grads


def describe(graph: Graph, step: BackwardStep, root: str) -> list[str]:
    """Markdown lines saying what the engine did at `step`, with PyTorch's numbers."""
    names = node_names(graph)
    here = names.get(step.node_id, step.op)
    lines = []
    if len(step.contributions) > 1:
        terms = " + ".join(
            f"{_text(v)} (from {names.get(src, '?')})" for src, v in step.contributions
        )
        lines.append(
            f"**Paths meet:** the gradients arriving add up (`+=`): {terms} "
            f"= **{_text(step.arrived)}**"
        )
    if step.op == "AccumulateGrad":
        leaf = here.strip("`")
        lines.insert(
            0,
            f"**`{leaf}.grad += {_text(step.arrived)}`** — a leaf: the engine "
            f"stores ∂{root}/∂{leaf} in `.grad`.",
        )
        return lines
    arrived = _text(step.arrived)
    if not step.contributions:
        arrived += f" (the start: ∂{root}/∂{root})"
    lines.insert(0, f"**{here}** receives ∂{root}/∂out = **{arrived}**")
    for target, local, product in step.sent:
        to = names.get(target, "?")
        local_text = _text(local) if local is not None else "(a Jacobian; see the product)"
        lines.append(
            f"→ to {to}: local ∂out/∂in = {local_text}; sends "
            f"∂{root}/∂out · ∂out/∂in = **{_text(product)}**"
        )
    return lines
