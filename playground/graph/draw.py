"""`draw(tensor, params)`: the notebook API, a drop-in for torchviz's `make_dot`."""

from __future__ import annotations

import graphviz
import torch

from .model import DEFAULT_MAX_NODES, build_graph
from .render_dot import render_dot


def draw(
    tensor: torch.Tensor,
    params: dict[str, torch.Tensor] | None = None,
    raw: bool = False,
    max_nodes: int | None = DEFAULT_MAX_NODES,
) -> graphviz.Digraph:
    """Draw the autograd graph of `tensor` computed by ordinary PyTorch code.

    `params` names tensors (as in `make_dot(y, params=dict(model.named_parameters()))`).
    Values and gradients are shown as they are now; call it again after
    `backward()` to see the gradients. Constants and intermediate values are only
    known for code run through the sandbox, so here ops show their structure.
    """
    if not isinstance(tensor, torch.Tensor):
        raise TypeError(f"draw() takes a tensor, not {type(tensor).__name__}")
    names = {id(t): name for name, t in (params or {}).items()}
    # As the lab: past DEFAULT_MAX_NODES the nearest nodes and one summary box
    # (graphviz takes minutes over a long loop's 100,000 nodes); None draws them all.
    return render_dot(build_graph(tensor, names, raw=raw, max_nodes=max_nodes))
