"""The autograd graph of one epoch's loss, drawn with the expression lab's renderer.

The forward pass is the tutorial's, run by real PyTorch; each op is written into a
`Tracer` by hand (as the sandbox would) so the graph shows values and constants.
"""

from __future__ import annotations

import torch

from ..graph.model import Graph, build_graph
from ..sandbox.core.trace import Tracer


def loss_graph(x: torch.Tensor, y: torch.Tensor, w_now, b_now) -> Graph:
    """Graph of `mse(x @ w.t() + b, y)` at the given parameters, after `backward()`."""
    tracer = Tracer()
    w = torch.tensor(w_now, dtype=torch.float32, requires_grad=True)
    b = torch.tensor(b_now, dtype=torch.float32, requires_grad=True)

    def op(result: torch.Tensor, *operands: object) -> torch.Tensor:
        tracer.record(result, operands)
        return result

    wt = op(w.t(), w)
    xw = op(x @ wt, x, wt)
    preds = op(xw + b, xw, b)
    diff = op(preds - y, preds, y)
    squared = op(diff * diff, diff, diff)
    total = op(torch.sum(squared), squared)
    loss = op(total / diff.numel(), total, diff.numel())
    loss.backward()
    for tensor, name in ((preds, "preds"), (diff, "diff"), (loss, "loss")):
        tracer.name(tensor, name)
    names = {id(x): "inputs", id(y): "targets", id(w): "w", id(b): "b", id(loss): "loss"}
    return build_graph(loss, names, tracer)
