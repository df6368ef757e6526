"""Result sizes of catalogue calls, predicted before PyTorch allocates anything.

Cheap rules for the common kinds (same size, reductions, views, broadcasting,
matrix products); for the rest, the same call on `meta` tensors, which carry a
shape and a dtype but no data, so PyTorch's own shape logic answers without
allocating. Data-dependent sizes (`nonzero`) are counted from the data first.
The meta path is warmed up when this module is imported, so no file is read
while a program runs.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from ..core.budgets import Budgets
from ..core.errors import BudgetExceeded
from ..core.limits import broadcast_numel, check_dims, check_numel, matmul_numel, shape_bound
from .catalogue import FREE_SIZES, TENSOR_ENTRIES, Entry, Size


def tensors_in(values: list | tuple) -> list[torch.Tensor]:
    """The tensors among call arguments, one level into lists (`torch.cat([a, b])`)."""
    found = []
    for value in values:
        if isinstance(value, torch.Tensor):
            found.append(value)
        elif isinstance(value, list | tuple):
            found.extend(v for v in value if isinstance(v, torch.Tensor))
    return found


def check_call(budgets: Budgets, entry: Entry, call: Callable, args: list, kwargs: dict) -> None:
    """Refuse the call if its result would pass the per-tensor budget.

    `call(*args, **kwargs)` is the real operation (a method already bound to its
    tensor has that tensor first in `args` here, for the size rules).
    """
    kind = entry.size
    if kind in FREE_SIZES:
        # `torch.max(a, b)`, `x.add_(y)`: a second tensor operand broadcasts against the first.
        tensors = tensors_in([*args, *kwargs.values()])
        if len(tensors) > 1:
            check_broadcast(budgets, tensors)
        return
    if entry.name == "repeat_interleave":  # its size is in the data of a repeats tensor
        _check_repeat_interleave(budgets, args, kwargs)
        return
    if kind is Size.NONZERO or (entry.name == "where" and len(args) == 1 and not kwargs):
        _check_nonzero(budgets, args)  # `torch.where(cond)` is `nonzero(as_tuple=True)`
    elif kind is Size.VIEW:
        _check_view_rank(budgets, args)
    elif kind is Size.BROADCAST:
        check_broadcast(budgets, tensors_in([*args, *kwargs.values()]))
    elif kind is Size.MATMUL:
        a, b = [*tensors_in(args), None, None][:2]
        if a is not None and b is not None:
            check_matmul_shapes(budgets, a.shape, b.shape)
    elif kind is Size.OUTER:
        sizes = [t.numel() for t in tensors_in(args)]
        check_numel(math.prod(sizes), budgets, "The outer product")
    elif kind is Size.PIECES:
        _check_pieces(budgets, entry.name, args, kwargs)
    elif kind is Size.META:
        check_meta(budgets, call, args[1:] if _bound(call) else args, kwargs, args)


def _bound(call: Callable) -> bool:
    return getattr(call, "__self__", None) is not None and isinstance(call.__self__, torch.Tensor)


def check_broadcast(budgets: Budgets, tensors: list[torch.Tensor]) -> None:
    """Element-wise results are the broadcast of their inputs (empty dims count as 1)."""
    if math.prod(shape_bound(t.shape) for t in tensors) <= budgets.tensor_elements:
        return
    numel = broadcast_numel(*(tuple(max(s, 1) for s in t.shape) for t in tensors))
    check_numel(numel, budgets)


def check_matmul_shapes(budgets: Budgets, a: torch.Size, b: torch.Size) -> None:
    """Bounds, not numel: (n, 0) @ (0, n) is a full n x n result."""
    if shape_bound(a) * shape_bound(b) <= budgets.tensor_elements:
        return
    check_numel(matmul_numel(a, b), budgets, "The matrix product")


def _check_view_rank(budgets: Budgets, args: list) -> None:
    """`reshape(1, 1, ..., 1)` with a hundred thousand ones: the rank, before PyTorch."""
    sizes = args[1:]
    if len(sizes) == 1 and isinstance(sizes[0], list | tuple):
        sizes = sizes[0]
    check_dims(len(sizes), budgets)


def _check_repeat_interleave(budgets: Budgets, args: list, kwargs: dict) -> None:
    """`repeat_interleave`'s result is the sum of its repeats (times the other
    dimensions): meta tensors cannot know it, so it is read from the data (red team:
    `torch.repeat_interleave(torch.tensor([150000000]))` allocated 1.45 GB first)."""
    source = args[0] if args else kwargs.get("input")
    repeats = args[1] if len(args) > 1 else kwargs.get("repeats")
    dim = args[2] if len(args) > 2 else kwargs.get("dim")
    if not isinstance(source, torch.Tensor):
        return  # PyTorch refuses it
    if repeats is None:  # `torch.repeat_interleave(r)`: each index i, r[i] times
        check_numel(int(source.clamp(min=0).sum()) if source.numel() else 0, budgets)
        return
    if isinstance(repeats, torch.Tensor) and repeats.numel() != 1:
        count = int(repeats.clamp(min=0).sum()) if repeats.numel() else 0
    elif isinstance(repeats, torch.Tensor | int) and not isinstance(repeats, bool):
        along = source.numel() if dim is None or source.dim() == 0 else _extent(source, dim)
        count = max(int(repeats), 0) * along
    else:
        return  # PyTorch refuses it
    if dim is None or source.dim() == 0:
        total = count
    else:
        total = count * (source.numel() // max(_extent(source, dim), 1))
    check_numel(total, budgets)


def _extent(tensor: torch.Tensor, dim: object) -> int:
    if isinstance(dim, int) and -tensor.dim() <= dim < tensor.dim():
        return tensor.shape[dim]
    return 1


def _check_nonzero(budgets: Budgets, args: list) -> None:
    """`nonzero` makes one row of indices per nonzero element: count them first."""
    source = args[0]
    if isinstance(source, torch.Tensor):
        rows = int(torch.count_nonzero(source))
        check_numel(rows * max(source.dim(), 1), budgets, "The indices of the nonzero elements")


def _check_pieces(budgets: Budgets, name: str, args: list, kwargs: dict) -> None:
    """`split(1)` of a million elements is a million tensor objects: count the pieces."""
    tensor = args[0]
    if not isinstance(tensor, torch.Tensor) or tensor.dim() == 0:
        return
    dim = kwargs.get("dim", args[2] if len(args) > 2 else 0)
    if not isinstance(dim, int) or not -tensor.dim() <= dim < tensor.dim():
        return  # PyTorch says what is wrong
    length = tensor.shape[dim]
    pieces = length
    if name in ("split", "chunk"):
        key = "split_size_or_sections" if name == "split" else "chunks"
        spec = kwargs.get(key, args[1] if len(args) > 1 else None)
        if isinstance(spec, list | tuple):
            pieces = len(spec)
        elif isinstance(spec, int) and spec > 0:
            pieces = -(-length // spec) if name == "split" else min(spec, length)
    if pieces > budgets.sequence_length:
        raise BudgetExceeded(
            f"`{name}` would make {pieces:,} tensors; the limit is {budgets.sequence_length:,}.",
            hint="Use fewer, larger pieces.",
        )


def to_meta(value: object) -> object:
    """A tensor's shape-only twin (lists and tuples converted item by item)."""
    if isinstance(value, torch.Tensor):
        return torch.empty(value.shape, dtype=value.dtype, device="meta")
    if isinstance(value, list | tuple):
        return type(value)(to_meta(v) for v in value)
    return value


def check_meta(
    budgets: Budgets, call: Callable, args: list, kwargs: dict, all_args: list | None = None
) -> None:
    """Run the call on meta tensors and check every tensor it would return.

    A call the meta device cannot run (a wrong shape, a missing kernel) is left to
    the real operation, which raises PyTorch's own error before allocating.
    """
    kwargs = {k: v for k, v in kwargs.items() if k != "generator"}
    if _bound(call):
        meta_self = to_meta(call.__self__)
        meta_call = getattr(meta_self, call.__name__)
    else:
        meta_call = call
    try:
        result = meta_call(*to_meta(list(args)), **to_meta_dict(kwargs))
    except BudgetExceeded:
        raise
    except Exception:
        return
    for tensor in _result_tensors(result):
        check_numel(tensor.numel(), budgets)
        check_dims(tensor.dim(), budgets)


def to_meta_dict(kwargs: dict) -> dict:
    return {k: to_meta(v) for k, v in kwargs.items()}


def _result_tensors(result: object) -> list[torch.Tensor]:
    if isinstance(result, torch.Tensor):
        return [result]
    if isinstance(result, list | tuple):
        return [r for r in result if isinstance(r, torch.Tensor)]
    return []


# -- indexing ------------------------------------------------------------------------


_INDEX_ITEMS = 1_000_000


def index_list(value: list) -> bool:
    """A list index PyTorch reads as an index tensor: ints or bools, nested evenly."""
    stack = [value]
    count = 0
    while stack:
        item = stack.pop()
        count += 1
        if count > _INDEX_ITEMS:  # shared sub-lists: `[[0] * 10**5] * 10**5`
            return False
        if isinstance(item, list):
            stack.extend(item)
        elif not isinstance(item, int):
            return False
    return True


def _advanced(part: object) -> bool:
    return isinstance(part, torch.Tensor | list)


def check_index(budgets: Budgets, tensor: torch.Tensor, index: object) -> None:
    """`x[i]` with index tensors, lists or masks: the result's size, before indexing.

    Plain indices (ints, slices, None, `...`) make views. An index tensor makes one
    element per index (times the dimensions it leaves), a mask one per True element:
    a cheap bound first, the exact shape from meta tensors when the bound is large.
    """
    parts = index if isinstance(index, tuple) else (index,)
    advanced = [p for p in parts if _advanced(p)]
    if not advanced:
        check_dims(tensor.dim() + sum(p is None for p in parts), budgets)
        return
    factor = 1
    for part in advanced:
        if isinstance(part, torch.Tensor) and part.dtype != torch.bool:
            factor *= shape_bound(part.shape)
        elif isinstance(part, list):
            factor *= _list_numel(part)
    if shape_bound(tensor.shape) * factor <= budgets.tensor_elements:
        return
    try:
        meta_index: list[object] = []
        for part in parts:
            meta_index.extend(_meta_index_part(part))
        result = to_meta(tensor)[tuple(meta_index)]
    except (IndexError, RuntimeError, TypeError, ValueError):
        return  # the real indexing raises PyTorch's own error
    check_numel(result.numel(), budgets, "The indexed tensor")
    check_dims(result.dim(), budgets)


def _list_numel(part: list) -> int:
    try:
        return max(torch.as_tensor(part).numel(), 1)
    except (RuntimeError, TypeError, ValueError):
        return 1  # ragged: PyTorch refuses it


def _meta_index_part(part: object) -> list[object]:
    """An index part on the meta device; a mask becomes one index per dimension it covers."""
    if isinstance(part, list):
        part = torch.as_tensor(part)
    if not isinstance(part, torch.Tensor):
        return [part]
    if part.dtype == torch.bool:
        count = int(torch.count_nonzero(part))
        return [torch.empty(count, dtype=torch.long, device="meta")] * max(part.dim(), 1)
    return [torch.empty(part.shape, dtype=torch.long, device="meta")]


# -- warm-up -------------------------------------------------------------------------

_WARM_ARGS: dict[str, tuple] = {
    "expand": (2, 3),
    "expand_as": (torch.empty(2, 3, device="meta"),),
    "repeat": (2, 1),
    "broadcast_to": ((2, 3),),
    "tile": ((2,),),
    "index_select": (0, torch.zeros(2, dtype=torch.long, device="meta")),
    "gather": (1, torch.zeros(1, 3, dtype=torch.long, device="meta")),
    "multinomial": (2,),
}


_STACKERS = frozenset(("cat", "concat", "concatenate", "stack", "hstack", "vstack"))


def warm_up() -> None:
    """Run every meta-sized entry once, so its first use in a run reads no file (some
    import `torch._dynamo`); called once per process by `sandbox.warm`."""
    x = torch.empty(1, 3, device="meta")
    for entry in TENSOR_ENTRIES:
        if entry.size is not Size.META:
            continue
        try:
            if entry.name in _STACKERS:
                getattr(torch, entry.name)([x, x])
            elif entry.method:
                getattr(x, entry.name)(*_WARM_ARGS.get(entry.name, ()))
            else:
                getattr(torch, entry.name)(x, *_WARM_ARGS.get(entry.name, ()))
        except (RuntimeError, TypeError, ValueError, NotImplementedError):
            pass
    functional = torch.nn.functional
    functional.pad(x, (1, 1))
    functional.linear(x, torch.empty(2, 3, device="meta"), torch.empty(2, device="meta"))
    x[torch.empty(2, dtype=torch.long, device="meta")]
