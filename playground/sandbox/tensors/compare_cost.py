"""What a comparison (`==`, `<`, `in`, ...) may cost, checked before anything is compared.

Python compares lists item by item in C, and hands a tensor or array inside them to
PyTorch or NumPy, which broadcast it against the other side (or convert a nested list
into an array first) with no budget checks: `[y] == [x]` with shapes (1, 2000) and
(1000000, 1) allocates 2 GB before failing. So the comparison is walked first, the
way Python will walk it, and refused when too long or too large.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

import numpy as np
import torch

from ..core.context import RunContext
from ..core.errors import BudgetExceeded, NotAllowed
from ..core.limits import broadcast_numel, nested_numel, range_length

_TICK_STEPS = 4096  # steps between two clock checks
_TENSOR_STEPS = 1000  # a tensor compared with a number costs about a thousand int steps
_ARRAYS = torch.Tensor | np.ndarray
_CONTAINERS = list | tuple
_DEEP = list | tuple | torch.Tensor | np.ndarray  # anything else compares in O(1)


def check_compare(ctx: RunContext, op: ast.cmpop, left: object, right: object) -> None:
    """Refuse `left op right` if comparing would take or allocate too much."""
    if isinstance(op, ast.Is | ast.IsNot):
        return
    if not (isinstance(left, _DEEP | str) or isinstance(right, _DEEP | str | range)):
        return  # two numbers: the common case, free
    if isinstance(op, ast.In | ast.NotIn) and isinstance(right, range):
        _check_range_scan(ctx, left, right)
    elif not (isinstance(left, _ARRAYS) or isinstance(right, _ARRAYS)):
        _check_items(ctx, op, left, right)
    if not isinstance(op, ast.In | ast.NotIn) or isinstance(right, torch.Tensor):
        _check_pairs(ctx, [(left, right)], identical_match=False)
    elif isinstance(right, _CONTAINERS) and (
        isinstance(left, _DEEP) or any(issubclass(t, _DEEP) for t in set(map(type, right)))
    ):
        # `x in seq` compares each item with x; an item that *is* x matches at once.
        _check_pairs(ctx, ((item, left) for item in right), identical_match=True)


def _check_range_scan(ctx: RunContext, left: object, right: range) -> None:
    """`1.5 in range(2**62)` compares with every number of the range, in C.

    An int is found by arithmetic; anything else is compared with each number,
    and a tensor comparison costs about what a thousand of ints do.
    """
    if type(left) in (int, bool):
        return
    steps = range_length(right) * (_TENSOR_STEPS if isinstance(left, _ARRAYS) else 1)
    _refuse_past(ctx, steps)


def _check_items(ctx: RunContext, op: ast.cmpop, left: object, right: object) -> None:
    """Python compares nested lists in C, with no budget checks.

    Lists that share sub-lists (`a = [a, a]` in a loop) compare in exponential
    time, so bound the work first. (Tensors and arrays inside are sized by
    `_check_pairs`.)
    """
    limit = ctx.budgets.tensor_elements
    if isinstance(op, ast.In | ast.NotIn):
        cost = _compare_work(ctx, right, limit)
    else:
        cost = min(_compare_work(ctx, left, limit), _compare_work(ctx, right, limit))
    _refuse_past(ctx, cost)


def _refuse_past(ctx: RunContext, steps: int) -> None:
    limit = ctx.budgets.tensor_elements
    if steps > limit:
        raise BudgetExceeded(
            f"Comparing these values would take more than {limit:,} steps.",
            hint="Compare smaller lists, or tensors.",
        )


def _compare_work(ctx: RunContext, value: object, limit: int) -> int:
    """Items a comparison may visit in `value` (shared sub-lists counted each time)."""
    if not isinstance(value, _CONTAINERS | str):
        return 1
    work = 0
    stack = [value]
    while stack and work <= limit:
        item = stack.pop()
        work += 1
        if work % _TICK_STEPS == 0:
            ctx.tick()
        if isinstance(item, _CONTAINERS):
            work += len(item)  # also bounds the stack
            stack.extend(item)
        elif isinstance(item, str):
            work += len(item)
    return work


def _check_pairs(
    ctx: RunContext, pairs: Iterable[tuple[object, object]], identical_match: bool
) -> None:
    """Walk the pairs of items Python will compare, as Python does, and size each
    tensor or array comparison among them.

    Inside a list, Python takes an item identical to its partner as equal without
    comparing it (`identical_match`); at the top, `x == x` compares element-wise.
    Each distinct pair is walked once, so shared sub-lists cost no more than plain ones.
    """
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[object, object, bool]] = []
    steps = 0
    limit = ctx.budgets.tensor_elements
    for a, b in pairs:
        steps += 1
        if steps % _TICK_STEPS == 0:
            ctx.tick()
        if isinstance(a, _DEEP) or isinstance(b, _DEEP):
            stack.append((a, b, identical_match))
        while stack:
            a, b, shortcut = stack.pop()
            if (shortcut and a is b) or (id(a), id(b)) in seen:
                continue
            seen.add((id(a), id(b)))
            steps += 1
            if steps % _TICK_STEPS == 0:
                ctx.tick()
            _refuse_past(ctx, steps)
            if type(a) is type(b) and isinstance(a, _CONTAINERS):
                stack.extend(
                    (x, y, True)
                    for x, y in zip(a, b, strict=False)
                    if isinstance(x, _DEEP) or isinstance(y, _DEEP)
                )
            elif _pair_numel(ctx, a, b) > limit:
                raise NotAllowed("Comparing tensors this large is not supported.")


def _pair_numel(ctx: RunContext, a: object, b: object) -> int:
    """Elements PyTorch or NumPy allocate to compare `a` with `b` (0 for plain values)."""
    if isinstance(a, _ARRAYS) and isinstance(b, _ARRAYS):
        return max(broadcast_numel(tuple(a.shape), tuple(b.shape)), _size(a), _size(b))
    array, other = (a, b) if isinstance(a, _ARRAYS) else (b, a)
    if not isinstance(array, _ARRAYS):
        return 0
    if isinstance(array, torch.Tensor) and not isinstance(other, bool | int | float):
        return 0  # PyTorch compares a tensor only with numbers and tensors (else: False)
    if isinstance(other, _CONTAINERS | range):
        return _size(array) * _data_numel(ctx, other)  # NumPy converts it first
    return _size(array)


def _size(array: torch.Tensor | np.ndarray) -> int:
    return array.numel() if isinstance(array, torch.Tensor) else array.size


def _data_numel(ctx: RunContext, data: object) -> int:
    """Elements NumPy makes of `data`; past the budget, just more than it."""
    try:
        return nested_numel(data, ctx.budgets, ctx.tick)
    except BudgetExceeded:
        return ctx.budgets.tensor_elements + 1
