"""Iteration over sandbox values: `for`, comprehensions, `list(...)`, `zip`, ...

One place says what a program can loop over and how much a loop may make:
`iterate` gives a Python iterator of values (lazily, so `zip(range(10**12), s)`
costs nothing until read), and `materialise` turns any iterable into a list
within the sequence budget, checking the size first when it is known (`list(range(
10**12))` is refused before anything is allocated) and the clock while it reads.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch

from ..core.errors import BudgetExceeded, ProgramError
from ..core.limits import range_length
from ..core.values import SandboxObject, type_name

_VIEWS = (type({}.keys()), type({}.values()), type({}.items()))
SIZED = (list, tuple, str, range, dict, set, frozenset, *_VIEWS)


class LazyIter(SandboxObject):
    """`zip(...)`, `map(...)`, a generator expression: items made as they are read.

    Single pass, as in Python: a second loop over it finds it empty.
    """

    def __init__(self, kind: str, items: Iterator[object]) -> None:
        self.kind = kind
        self.items = items

    def iterate(self, interp) -> Iterator[object]:
        return self.items

    def __repr__(self) -> str:
        return f"<{self.kind} object>"


def iterate(interp, value: object) -> Iterator[object]:
    """A Python iterator over the items of `value` (nothing counted yet)."""
    if isinstance(value, SIZED):
        return iter(value)
    if isinstance(value, torch.Tensor):
        return _tensor_rows(interp, value)
    if isinstance(value, SandboxObject):
        return value.iterate(interp)
    if isinstance(value, np.ndarray):
        raise ProgramError("Loop over a tensor instead of a numpy array.", python_type="TypeError")
    raise ProgramError(f"'{type_name(value)}' object is not iterable", python_type="TypeError")


def _tensor_rows(interp, tensor: torch.Tensor) -> Iterator[torch.Tensor]:
    if tensor.dim() == 0:
        raise ProgramError("iteration over a 0-d tensor", python_type="TypeError")
    ctx = interp.ctx
    for row in tensor:
        ctx.count_elements(row)
        ctx.tracer.record(row, (tensor,))
        yield row


def known_length(value: object) -> int | None:
    """How many items iterating `value` gives, when that is known without reading it."""
    if isinstance(value, range):
        return range_length(value)
    if isinstance(value, SIZED):
        return len(value)
    if isinstance(value, torch.Tensor):
        return value.shape[0] if value.dim() else None
    return None


def check_room(interp, length: int) -> None:
    limit = interp.ctx.budgets.sequence_length
    if length > limit:
        raise BudgetExceeded(
            f"A sequence of {length:,} items is past the limit of {limit:,}.",
            hint="Use a smaller range or fewer items.",
        )


def materialise(interp, value: object) -> list:
    """`list(value)`, bounded: refused by size first when the size is known."""
    length = known_length(value)
    ctx = interp.ctx
    if length is not None:
        check_room(interp, length)
        if isinstance(value, SIZED):
            ctx.count_items(length, references=True)
            return list(value)
    items: list[object] = []
    limit = ctx.budgets.sequence_length
    for item in iterate(interp, value):
        items.append(item)
        if len(items) > limit:
            check_room(interp, len(items))
        ctx.count_iteration()
    ctx.count_items(len(items), references=True)
    return items


def counted(interp, value: object) -> Iterator[object]:
    """Iterate `value`, counting each item as a loop iteration (sum, any, min, ...)."""
    count = interp.ctx.count_iteration
    for item in iterate(interp, value):
        count()
        yield item


def pairs(interp, value: object) -> list[tuple[object, object]]:
    """The (key, value) pairs of `dict(value)` / `d.update(value)`."""
    if isinstance(value, dict):
        return list(value.items())
    result = []
    for index, item in enumerate(materialise(interp, value)):
        entry = materialise(interp, item)
        if len(entry) != 2:
            raise ProgramError(
                f"dictionary update sequence element #{index} has length {len(entry)}; 2 is "
                "required",
                python_type="ValueError",
            )
        result.append((entry[0], entry[1]))
    return result
