"""Size checks made *before* an operation allocates anything.

A tree-walking interpreter is only as safe as its arithmetic: Python ints grow
without bound and sequences multiply, so every result size is predicted first.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import torch

from .budgets import Budgets
from .errors import BudgetExceeded, ProgramError


def check_numel(numel: int, budgets: Budgets, what: str = "A tensor") -> None:
    """Refuse a tensor result larger than the per-tensor budget."""
    if numel > budgets.tensor_elements:
        raise BudgetExceeded(
            f"{what} would have {numel:,} elements; the limit is {budgets.tensor_elements:,}.",
            hint="Use smaller shapes.",
        )


def check_dims(dims: int, budgets: Budgets) -> None:
    """Refuse a tensor of more than `tensor_dims` dimensions before it is made.

    PyTorch's element-wise kernels take time quadratic in the number of dimensions:
    one `* 2` on a tensor of shape (1,) * 100000 takes about 20 s, in C.
    """
    if dims > budgets.tensor_dims:
        raise BudgetExceeded(
            f"A tensor would have {dims:,} dimensions; the limit is {budgets.tensor_dims}.",
            hint="Use fewer dimensions.",
        )


def shape_numel(shape: Iterable[int]) -> int:
    """Product of a shape without overflow surprises (Python ints are exact)."""
    return math.prod(int(s) for s in shape)


def shape_bound(shape: Iterable[int]) -> int:
    """The product of a shape with empty dimensions counted as 1.

    An empty tensor of shape (10**8, 0) costs nothing, but reducing its empty
    dimension (`.sum(1)`) or multiplying it by its transpose makes a full one.
    """
    return math.prod(max(int(s), 1) for s in shape)


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


_TICK_WORK = 1 << 16  # items read between two clock checks


def nested_numel(data: object, budgets: Budgets, tick: Callable[[], None] | None = None) -> int:
    """Count the scalars in nested lists, stopping once past the tensor budget.

    Lists may share sub-lists, so a short program can describe a huge nest: each
    distinct list is read once and its count remembered, and the walk stops once it
    has read more than the budget allows, so the walk itself is bounded. Empty rows
    count as one, as empty dimensions do in `shape_bound`: a million empty lists
    cost PyTorch seconds to read. A tensor, array, range or string inside counts at
    its real size: `[range(10**6)] * 300` is 300 million numbers to NumPy.
    """
    if not isinstance(data, list | tuple):
        return _leaf_numel(data)
    limit = budgets.tensor_elements
    counts: dict[int, int] = {}
    stack: list[tuple[list | tuple, bool]] = [(data, False)]
    expanding: set[int] = set()  # lists whose children are still being counted
    work = ticked = 0
    while stack:
        seq, expanded = stack.pop()
        if id(seq) in counts:
            continue
        work += len(seq)
        if tick is not None and work - ticked > _TICK_WORK:
            tick()
            ticked = work
        if set(map(type, seq)) <= _SCALAR_TYPES:  # counted at C speed
            counts[id(seq)] = max(len(seq), 1)
        elif expanded:
            counts[id(seq)] = max(sum(_child_numel(c, counts) for c in seq), 1)
            expanding.discard(id(seq))
        else:
            stack.append((seq, True))
            expanding.add(id(seq))
            children = {id(c): c for c in seq if isinstance(c, list | tuple)}
            if not expanding.isdisjoint(children):  # `l[0] = l`
                raise ProgramError("A list that contains itself cannot become a tensor.")
            stack.extend((c, False) for key, c in children.items() if key not in counts)
        if counts.get(id(seq), 0) > limit or work > 2 * limit:
            check_numel(max(counts.get(id(seq), 0), limit + 1), budgets)
    return counts[id(data)]


def _child_numel(item: object, counts: dict[int, int]) -> int:
    return counts[id(item)] if isinstance(item, list | tuple) else _leaf_numel(item)


def _leaf_numel(item: object) -> int:
    """The numbers (or 4-byte characters) a converter makes of one item."""
    if isinstance(item, torch.Tensor):
        return max(item.numel(), 1)
    if isinstance(item, np.ndarray):
        return max(item.size, 1)
    if isinstance(item, range):
        return max(range_length(item), 1)
    if isinstance(item, str):
        return max(len(item), 1)
    return 1


def range_length(values: range) -> int:
    """`len(values)`, which Python refuses past sys.maxsize: ceil((stop - start) / step)."""
    return max(0, -((values.start - values.stop) // values.step))


def broadcast_numel(*shapes: Sequence[int]) -> int:
    """Elements of the broadcast of `shapes` by PyTorch's rules; 0 when they clash.

    `torch.broadcast_shapes` imports sympy on its first call: about a second, and
    files read from disk while a program runs. A clash is left to the operation
    itself, which raises PyTorch's own error before allocating anything.
    """
    dims = []
    for axis in range(1, max(map(len, shapes), default=0) + 1):
        sizes = {shape[-axis] for shape in shapes if len(shape) >= axis} - {1}
        if len(sizes) > 1:
            return 0
        dims.append(sizes.pop() if sizes else 1)
    return math.prod(dims)


def matmul_numel(a: Sequence[int], b: Sequence[int]) -> int:
    """Elements of `a @ b` for tensors of these shapes; 0 when matmul would refuse them.

    Plain Python for the same reason as `broadcast_numel` (the meta device imports
    sympy too). A refused pair is left to PyTorch, which raises before allocating.
    """
    if not a or not b or a[-1] != b[0 if len(b) == 1 else -2]:
        return 0
    rows = a[-2] if len(a) >= 2 else 1
    cols = b[-1] if len(b) >= 2 else 1
    return broadcast_numel(tuple(a[:-2]), tuple(b[:-2])) * rows * cols


def broadcast_bound(a: torch.Tensor | object, b: torch.Tensor | object) -> int:
    """An upper bound on the elements of any binary op on `a` and `b`."""
    na = a.numel() if isinstance(a, torch.Tensor) else 1
    nb = b.numel() if isinstance(b, torch.Tensor) else 1
    return max(na, 1) * max(nb, 1)
