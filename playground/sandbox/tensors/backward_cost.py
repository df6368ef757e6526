"""What one `backward()` will cost, predicted before PyTorch's engine runs it.

The engine runs in C, where no clock check can stop it. Most graphs cost about what
their forward pass did, but not all: each `x[i, j]` of a 1000 x 1000 `x` is one
cheap element forwards and a zero-filled 1,000,000-element gradient backwards, so
16,000 of them take 40 s to differentiate.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable

import torch

from ..core.context import RunContext
from ..core.errors import BudgetExceeded
from ..core.trace import grad_fn_of, gradient_numel

_TICK_NODES = 1024  # nodes read between two clock checks


def check_backward_cost(ctx: RunContext, root: torch.Tensor) -> None:
    """Refuse a `root.backward()` that would write more than `backward_elements`.

    The graph is only walked when the run's running upper bound (every traced
    operation's gradient sizes) says it might be that large, so ordinary programs
    pay nothing.
    """
    limit = ctx.budgets.backward_elements
    if ctx.tracer.backward_bound + gradient_numel(root) <= limit:
        return
    if backward_work(root, limit, ctx.tick) > limit:
        raise BudgetExceeded(
            f"This backward() would compute more than {limit:,} gradient elements.",
            hint="Each x[i, j] of a big tensor sends back a gradient as large as all of x: "
            "take one slice (x[0:2, 0:2]) and compute with that.",
        )


def backward_work(root: torch.Tensor, limit: int, tick: Callable[[], None]) -> int:
    """Gradient elements the engine writes for `root.backward()`, counted up to `limit`.

    Every edge of the graph carries one gradient, shaped as the input it feeds
    (PyTorch records that shape on each node); each node is visited once.
    """
    node = grad_fn_of(root)
    if node is None:
        return 0
    work = gradient_numel(root)
    seen = {node}
    queue = deque([node])
    visited = 0
    while queue and work <= limit:
        node = queue.popleft()
        visited += 1
        if visited % _TICK_NODES == 0:
            tick()
        for child, input_nr in node.next_functions:
            if child is None:
                continue
            work += _input_numel(child, input_nr)
            if child not in seen:
                seen.add(child)
                queue.append(child)
    return work


def _input_numel(node: object, index: int) -> int:
    """Elements of the gradient `node` receives at its input `index`."""
    metadata = getattr(node, "_input_metadata", None)
    if metadata is None or index >= len(metadata):
        return 1
    return math.prod(metadata[index].shape)
