"""What the interpreter saw: each autograd node's output tensor and its operands.

PyTorch's graph (`grad_fn` / `next_functions`) has the structure but not the
values of intermediate results, nor the constants (`None` in `next_functions`).
The interpreter performs every operation itself, so it writes both down here,
keyed by the `grad_fn` node the operation created.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import torch

from .errors import BudgetExceeded

# On each tensor the program computes: (graph depth, `_version` when measured).
_DEPTH = "_playground_depth"


@dataclass(frozen=True)
class OpRecord:
    """One operation: its output tensor and the operands it was given."""

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

    def record(self, output: object, operands: tuple[object, ...]) -> None:
        """Remember `output`'s operands if it is a tensor created by autograd."""
        if not isinstance(output, torch.Tensor) or output.grad_fn is None:
            return
        self._measure_depth(output, operands)
        node = output.grad_fn
        old = self._records.pop(node, None)
        if old is not None:
            self._elements -= old.output.numel()
        self._records[node] = OpRecord(output, operands)
        self._elements += output.numel()
        while self._records and (
            len(self._records) > self._max_records or self._elements > self._max_elements
        ):
            key, dropped = self._records.popitem(last=False)
            self._names.pop(key, None)
            self._elements -= dropped.output.numel()

    def _measure_depth(self, output: torch.Tensor, operands: tuple[object, ...]) -> None:
        """Track how many autograd nodes deep `output`'s graph is; refuse past `max_depth`.

        One operation may add several nodes (`v @ M` adds unsqueeze, mm, squeeze):
        their number comes from PyTorch's per-thread node sequence numbers. A fresh
        result is that much deeper than its deepest operand; a tensor changed in
        place (its `_version` moved) grows deeper than it was, and so does the base
        of a view changed in place.
        """
        state = getattr(output, _DEPTH, None)
        if state is not None and state[1] == output._version:
            return  # the same tensor handed back (e.g. `.float()` of a float): no new node
        number = output.grad_fn._sequence_nr()
        last = self._last_node_number
        added = 1 if last is None else max(1, number - last)
        self._last_node_number = number if last is None else max(last, number)
        before = [graph_depth(o) for o in operands] + [0 if state is None else state[0]]
        depth = added + max(before)
        setattr(output, _DEPTH, (depth, output._version))
        base = output._base
        if state is not None and base is not None:
            setattr(base, _DEPTH, (max(graph_depth(base), depth + 1), base._version))
        if self._max_depth is not None and depth > self._max_depth:
            raise BudgetExceeded(
                f"The autograd graph is more than {self._max_depth:,} nodes deep.",
                hint="Build shorter chains: fewer loop iterations that extend the same tensor.",
            )

    def name(self, output: torch.Tensor, name: str) -> None:
        """Remember the variable name an op's output was bound to (in any scope)."""
        record = self._records.get(output.grad_fn)
        if record is not None and record.output is output:
            self._names[output.grad_fn] = name

    def name_of(self, node: object) -> str | None:
        """The last variable name given to `node`'s output, if any."""
        return self._names.get(node)

    def lookup(self, node: object) -> OpRecord | None:
        """The record of the operation that created `node`, if still kept."""
        return self._records.get(node)


def graph_depth(value: object) -> int:
    """The measured depth of a tensor's graph; 0 for leaves and non-tensors."""
    if not isinstance(value, torch.Tensor):
        return 0
    state = getattr(value, _DEPTH, None)
    return 0 if state is None else state[0]
