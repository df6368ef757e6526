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

    def __init__(self, max_records: int = 20_000, max_elements: int = 4_000_000):
        self._records: OrderedDict[object, OpRecord] = OrderedDict()
        self._max_records = max_records
        self._max_elements = max_elements
        self._elements = 0
        self._names: dict[object, str] = {}

    def record(self, output: object, operands: tuple[object, ...]) -> None:
        """Remember `output`'s operands if it is a tensor created by autograd."""
        if not isinstance(output, torch.Tensor) or output.grad_fn is None:
            return
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
