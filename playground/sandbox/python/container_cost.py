"""What hashing and comparing dicts, sets and tuples may cost, checked first.

`compare_cost` bounds comparisons of lists, tuples and tensors. Dicts and sets
add two ways to make C work for a long time: hashing a tuple that shares its
sub-tuples (`t = (t, t)` sixty times) hashes 2**60 items, and comparing two
dicts compares their values in C, with no budget check. Both are walked here
first, counting shared parts each time they would be visited, as Python will.
"""

from __future__ import annotations

import numpy as np
import torch

from ..core.context import RunContext
from ..core.errors import BudgetExceeded, NotAllowed

_VIEWS = (type({}.keys()), type({}.values()), type({}.items()))
_MAPPINGS = (dict, set, frozenset, *_VIEWS)
_CONTAINERS = (list, tuple, *_MAPPINGS)
_TICK_STEPS = 4096


def _refuse(ctx: RunContext, what: str) -> BudgetExceeded:
    return BudgetExceeded(
        f"{what} these values would take more than {ctx.budgets.tensor_elements:,} steps.",
        hint="Use smaller or less nested values.",
    )


def check_hashable(ctx: RunContext, key: object) -> None:
    """Refuse hashing a tuple whose nested items are too many to visit."""
    if type(key) is not tuple:
        return
    limit = ctx.budgets.tensor_elements
    work = 0
    stack: list[object] = [key]
    while stack:
        item = stack.pop()
        work += 1
        if type(item) is tuple:
            work += len(item)
            stack.extend(i for i in item if type(i) is tuple)
        if work > limit:
            raise _refuse(ctx, "Hashing")
        if work % _TICK_STEPS == 0:
            ctx.tick()


def is_container(value: object) -> bool:
    return type(value) in _CONTAINERS


def check_container_compare(ctx: RunContext, left: object, right: object) -> None:
    """Bound a comparison that may involve dicts or sets anywhere inside.

    Lists and tuples of plain data are `compare_cost`'s; once a dict or set is
    involved, tensors inside are refused (their pairing follows keys, not
    positions) and the visits are counted on both sides.
    """
    left_work, left_mapping, left_array = _walk(ctx, left)
    right_work, right_mapping, right_array = _walk(ctx, right)
    if not (left_mapping or right_mapping):
        return
    if left_array or right_array:
        raise NotAllowed("Comparing dicts or sets that hold tensors is not supported.")
    if min(left_work, right_work) > ctx.budgets.tensor_elements:
        raise _refuse(ctx, "Comparing")


def _walk(ctx: RunContext, value: object) -> tuple[int, bool, bool]:
    """(visits, a dict or set was met, a tensor or array was met), stopping past the limit."""
    limit = ctx.budgets.tensor_elements
    work = 0
    mapping = array = False
    stack = [value]
    while stack and work <= limit:
        item = stack.pop()
        work += 1
        if work % _TICK_STEPS == 0:
            ctx.tick()
        kind = type(item)
        if kind in _CONTAINERS:
            work += len(item)
            if kind is dict:
                mapping = True
                stack.extend(item.keys())
                stack.extend(item.values())
            else:
                mapping = mapping or kind in _MAPPINGS
                stack.extend(item)
        elif isinstance(item, torch.Tensor | np.ndarray):
            array = True
    return work, mapping, array
