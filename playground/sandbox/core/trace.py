"""What the interpreter saw: each autograd node's output tensor and its operands.

PyTorch's graph (`grad_fn` / `next_functions`) has the structure but not the
values of intermediate results, nor the constants (`None` in `next_functions`).
The interpreter performs every operation itself, so it writes both down here,
keyed by the `grad_fn` node the operation created.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import NamedTuple

import torch

from .errors import BudgetExceeded

# On each tensor the program computes: (graph depth, `_version` when measured).
_DEPTH = "_playground_depth"


class OpRecord(NamedTuple):
    """One operation: its output tensor and the operands it was given (a named tuple:
    one is made per operation of every run, and a frozen dataclass costs 3x more)."""

    output: torch.Tensor
    operands: tuple[object, ...]


class Tracer:
    """Per-run record of operations, bounded so a long loop cannot hoard memory.

    Holding `output` keeps its `grad_fn` alive, so the node object used as the key
    cannot be freed and its identity reused while it sits here.
    """

    def __init__(
        self,
        max_records: int = 20_000,
        max_elements: int = 4_000_000,
        max_depth: int | None = None,
    ):
        self._max_depth = max_depth
        self._last_node_number: int | None = None
        self._records: OrderedDict[object, OpRecord] = OrderedDict()
        self._max_records = max_records
        self._max_elements = max_elements
        self._elements = 0
        self._names: dict[object, str] = {}
        # An upper bound on the gradient elements any backward() of this run can
        # write: each node sends a gradient the size of each input, and a view's
        # backward one the size of its base (see `gradient_numel`).
        self.backward_bound = 0

    def record(self, output: object, operands: tuple[object, ...]) -> None:
        """Remember `output`'s operands if it is a tensor created by autograd.

        Called for every operation of every run: `output.grad_fn` is read once (each
        read makes PyTorch look the node up again) and handed on.
        """
        if not isinstance(output, torch.Tensor):
            return
        node = grad_fn_of(output)
        if node is None:
            return
        self._measure_depth(output, node, operands)
        bound = gradient_numel(output)
        for operand in operands:
            if isinstance(operand, torch.Tensor) and operand.requires_grad:
                bound += gradient_numel(operand)
        self.backward_bound += bound
        records = self._records
        old = records.pop(node, None)
        if old is not None:
            self._elements -= old.output.numel()
        records[node] = OpRecord(output, operands)
        self._elements += output.numel()
        if len(records) > self._max_records or self._elements > self._max_elements:
            self._forget_oldest()

    def _forget_oldest(self) -> None:
        while self._records and (
            len(self._records) > self._max_records or self._elements > self._max_elements
        ):
            key, dropped = self._records.popitem(last=False)
            self._names.pop(key, None)
            self._elements -= dropped.output.numel()

    def _measure_depth(
        self, output: torch.Tensor, node: object, operands: tuple[object, ...]
    ) -> None:
        """Track how many autograd nodes deep `output`'s graph is; refuse past `max_depth`.

        One operation may add several nodes (`v @ M` adds unsqueeze, mm, squeeze):
        their number comes from PyTorch's per-thread node sequence numbers. A fresh
        result is that much deeper than its deepest operand; a tensor changed in
        place (its `_version` moved) grows deeper than it was. A view changed in
        place grows its base's chain by one node (CopySlices), whichever of the
        base's views it was: 20 views each changed 2,000 times make one chain of
        40,000, which crashes the process when it is freed. The depth lives in the
        tensor's `__dict__` (reading a missing attribute of a tensor is slow).
        """
        state = output.__dict__.get(_DEPTH)
        if state is not None and state[1] == output._version:
            return  # the same tensor handed back (e.g. `.float()` of a float): no new node
        number = node._sequence_nr()
        last = self._last_node_number
        added = 1 if last is None else max(1, number - last)
        self._last_node_number = number if last is None else max(last, number)
        base = output._base
        if state is not None and base is not None:
            others = [graph_depth(o) for o in operands if o is not output]
            base_depth = 1 + max([graph_depth(base), *others])
            base.__dict__[_DEPTH] = (base_depth, base._version)
            depth = base_depth + 1  # the view, regenerated on top of its base's new node
        else:
            depth = 0 if state is None else state[0]
            for operand in operands:
                if isinstance(operand, torch.Tensor):
                    depth = max(depth, graph_depth(operand))
            depth += added
        output.__dict__[_DEPTH] = (depth, output._version)
        if self._max_depth is not None and depth > self._max_depth:
            raise BudgetExceeded(
                f"The autograd graph is more than {self._max_depth:,} nodes deep.",
                hint="Build shorter chains: fewer loop iterations that extend the same tensor.",
            )

    def name(self, output: torch.Tensor, name: str) -> None:
        """Remember the variable name an op's output was bound to (in any scope)."""
        node = grad_fn_of(output)
        record = self._records.get(node)
        if record is not None and record.output is output:
            self._names[node] = name

    def name_of(self, node: object) -> str | None:
        """The last variable name given to `node`'s output, if any."""
        return self._names.get(node)

    def lookup(self, node: object) -> OpRecord | None:
        """The record of the operation that created `node`, if still kept."""
        return self._records.get(node)


def graph_depth(value: object) -> int:
    """The measured depth of a tensor's graph; 0 for leaves and non-tensors.

    A view is at most one node above its base: once the base is changed in place
    (through any of its views), PyTorch rebuilds the view's `grad_fn` on top of it.
    """
    if not isinstance(value, torch.Tensor):
        return 0
    state = value.__dict__.get(_DEPTH)
    depth = 0 if state is None else state[0]
    base = value._base
    if base is not None:
        depth = max(depth, graph_depth(base) + 1)
    return depth


def gradient_numel(tensor: torch.Tensor) -> int:
    """Elements of the gradient backward() sends for `tensor`: its base's, for a view."""
    base = tensor._base
    return (tensor if base is None else base).numel()


def grad_fn_of(tensor: torch.Tensor) -> object | None:
    """`tensor.grad_fn`, or None where PyTorch refuses to answer.

    A view whose base was changed in place after it was made under `no_grad()`, or
    one of several views made at once (the rows of `for r in b`, `p, q = b`), raises
    a RuntimeError when asked. The program that made it ran fine, so nothing that
    only looks at it (naming, tracing, describing) may fail.
    """
    try:
        return tensor.grad_fn
    except RuntimeError:
        return None
