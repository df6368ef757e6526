"""Record what PyTorch's engine does during `backward()`, node by node.

Hooks on every autograd node capture, in the engine's own order, the gradient that
arrives at each node and the gradients it sends to its inputs. Nothing is
re-derived: the step-through replays these numbers.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
import torch

MAX_KEPT_ELEMENTS = 2_000_000  # gradients beyond this are counted, not copied


@dataclass(frozen=True)
class BackwardEvent:
    """One node processed by the engine: what arrived and what it sent on."""

    node: object  # the autograd node (kept only until the graph model is built)
    arrived: tuple[torch.Tensor | None, ...]  # grad_outputs: d(root)/d(node's output)
    sent: tuple[torch.Tensor | None, ...]  # grad_inputs, one per next_functions entry


@dataclass(frozen=True)
class BackwardStep:
    """Plain-data step for the page: node ids instead of autograd objects."""

    index: int
    node_id: str | None
    op: str
    arrived: np.ndarray | None
    contributions: tuple[tuple[str | None, np.ndarray | None], ...]
    sent: tuple[tuple[str | None, np.ndarray | None, np.ndarray | None], ...]  # to, local, product


def all_nodes(root: torch.Tensor, limit: int) -> list[object] | None:
    """Every node reachable from `root.grad_fn`, or None when there are more than `limit`."""
    if root.grad_fn is None:
        return []
    seen = {root.grad_fn}
    queue = deque([root.grad_fn])
    while queue:
        node = queue.popleft()
        for child, _ in node.next_functions:
            if child is not None and child not in seen:
                if len(seen) >= limit:
                    return None
                seen.add(child)
                queue.append(child)
    return list(seen)


class _Keeper:
    """Copies gradients out of hooks until the element budget is spent."""

    def __init__(self) -> None:
        self.kept = 0

    def keep(self, grad: torch.Tensor | None) -> torch.Tensor | None:
        # A cheap copy now (a training loop records every backward); numpy later, and
        # only for the last backward. A copy, because AccumulateGrad may adopt the very
        # tensor as .grad, which the program then zeroes in place.
        if grad is None or self.kept + grad.numel() > MAX_KEPT_ELEMENTS:
            return None
        self.kept += grad.numel()
        return grad.detach().clone()


def recorded_backward(root: torch.Tensor, nodes: list[object], **kwargs) -> list[BackwardEvent]:
    """`root.backward(**kwargs)` with a hook on each of `nodes`; the events in engine order."""
    events: list[BackwardEvent] = []
    keeper = _Keeper()

    def hook_for(node: object):
        def hook(grad_inputs, grad_outputs):
            events.append(
                BackwardEvent(
                    node,
                    tuple(keeper.keep(g) for g in grad_outputs),
                    tuple(keeper.keep(g) for g in grad_inputs),
                )
            )

        return hook

    handles = [node.register_hook(hook_for(node)) for node in nodes]
    try:
        root.backward(**kwargs)
    finally:
        for handle in handles:
            handle.remove()
    return events


MAX_NUMPY_DIMS = 32  # numpy 1.x's limit (2.x allows 64); PyTorch allows more


def _array(grad: torch.Tensor | None) -> np.ndarray | None:
    if grad is None:
        return None
    if grad.dim() > MAX_NUMPY_DIMS:
        grad = grad.reshape(-1)
    return grad.to(torch.float64).cpu().numpy()


def local_derivative(arrived: np.ndarray | None, sent: np.ndarray | None) -> np.ndarray | None:
    """`sent / arrived` where that is the element-wise local derivative ∂out/∂in.

    Only defined when both have the same shape and nothing arrived as zero; for
    matrix products and reductions the page shows the product instead.
    """
    if arrived is None or sent is None or arrived.shape != sent.shape:
        return None
    if not np.all(arrived != 0):
        return None
    return sent / arrived


def to_steps(
    events: list[BackwardEvent], ids: dict[object, str | None]
) -> tuple[BackwardStep, ...]:
    """Replace autograd nodes by graph node ids and collect each node's incoming terms.

    `ids` maps an autograd node to the graph node that shows it (for AccumulateGrad,
    the leaf tensor's node).
    """
    incoming: dict[object, list[tuple[str | None, np.ndarray | None]]] = {}
    steps = []
    for index, event in enumerate(events):
        node = event.node
        arrived = _array(event.arrived[0]) if event.arrived else None
        sent = []
        for (child, _), grad in zip(node.next_functions, event.sent, strict=False):
            value = _array(grad)
            if child is None:
                continue
            incoming.setdefault(child, []).append((ids.get(node), value))
            sent.append((ids.get(child), local_derivative(arrived, value), value))
        op = node.name().split("::")[-1]
        contributions = tuple(incoming.get(node, ()))
        steps.append(BackwardStep(index, ids.get(node), op, arrived, contributions, tuple(sent)))
    return tuple(steps)
