"""Size checks made *before* an operation allocates anything.

A tree-walking interpreter is only as safe as its arithmetic: Python ints grow
without bound and sequences multiply, so every result size is predicted first.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import torch

from .budgets import Budgets
from .errors import BudgetExceeded


def check_numel(numel: int, budgets: Budgets, what: str = "A tensor") -> None:
    """Refuse a tensor result larger than the per-tensor budget."""
    if numel > budgets.tensor_elements:
        raise BudgetExceeded(
            f"{what} would have {numel:,} elements; the limit is {budgets.tensor_elements:,}.",
            hint="Use smaller shapes.",
        )


def shape_numel(shape: Iterable[int]) -> int:
    """Product of a shape without overflow surprises (Python ints are exact)."""
    return math.prod(int(s) for s in shape)


def check_int(value: int, budgets: Budgets) -> int:
    """Keep Python ints within `int_bits`, so arithmetic stays cheap."""
    if value.bit_length() > budgets.int_bits:
        raise BudgetExceeded(
            f"An integer needs more than {budgets.int_bits} bits.",
            hint="Very large integers are refused; use floats or tensors.",
        )
    return value


def check_int_pow(base: int, exponent: int, budgets: Budgets) -> None:
    """Predict the size of `base ** exponent` before computing it."""
    if exponent < 0 or abs(base) <= 1:
        return
    if exponent * math.log2(abs(base)) > budgets.int_bits:
        raise BudgetExceeded(
            f"{base} ** {exponent} is too large an integer (more than {budgets.int_bits} bits).",
            hint="Use floats, e.g. 10.0 ** 20, or tensors.",
        )


def check_repeat(length: int, times: int, budgets: Budgets) -> None:
    """Predict the length of `sequence * times`."""
    if length * max(times, 0) > budgets.sequence_length:
        raise BudgetExceeded(
            f"That would make a sequence of {length * times:,} items; the limit is "
            f"{budgets.sequence_length:,}.",
        )


def check_length(value: Sequence | str, budgets: Budgets) -> None:
    """Refuse strings, lists and tuples past the sequence budget."""
    if len(value) > budgets.sequence_length:
        raise BudgetExceeded(
            f"A sequence of {len(value):,} items is past the limit of {budgets.sequence_length:,}.",
        )


_SCALAR_TYPES = frozenset({int, float, bool})


def nested_numel(data: object, budgets: Budgets) -> int:
    """Count the scalars in nested lists, stopping once past the tensor budget.

    Lists may share sub-lists, so a short program can describe a huge nest;
    counting stops as soon as the budget is passed, so the walk itself is bounded.
    """
    count = 0
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list | tuple):
            # A row of plain numbers is counted at C speed, not item by item, so
            # even a nest past the budget is measured in milliseconds.
            if set(map(type, item)) <= _SCALAR_TYPES:
                count += len(item)
            else:
                stack.extend(item)
        else:
            count += item.numel() if isinstance(item, torch.Tensor) else 1
        if count > budgets.tensor_elements or len(stack) > budgets.tensor_elements:
            check_numel(max(count, len(stack)) + 1, budgets)
    return count


def broadcast_bound(a: torch.Tensor | object, b: torch.Tensor | object) -> int:
    """An upper bound on the elements of any binary op on `a` and `b`."""
    na = a.numel() if isinstance(a, torch.Tensor) else 1
    nb = b.numel() if isinstance(b, torch.Tensor) else 1
    return max(na, 1) * max(nb, 1)
