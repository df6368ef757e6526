"""The allow-list: every torch, numpy and Python function a program may call.

Each entry checks its arguments and predicts the size of its result before
PyTorch allocates anything. Nothing here is looked up by a user-supplied string
except as a key into these tables.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch

from .context import RunContext
from .errors import NotAllowed, ProgramError
from .limits import (
    check_numel,
    matmul_numel,
    nested_numel,
    shape_bound,
    shape_numel,
)
from .text import to_text
from .values import DTYPES, NUMPY_DTYPES, Builtin, Namespace, NodeView, NoGrad

Args = list[object]
Kwargs = dict[str, object]

_NUMBER = bool | int | float
_TICK_ITEMS = 1 << 16  # list items read between two clock checks


def _dtype(kwargs: Kwargs) -> torch.dtype | None:
    value = kwargs.get("dtype")
    if value is None or isinstance(value, torch.dtype):
        return value
    if isinstance(value, str) and value in DTYPES:
        return DTYPES[value]
    raise ProgramError(f"Unknown dtype {to_text(value)!r}; use torch.float32 or 'float32'.")


def _requires_grad(kwargs: Kwargs) -> bool:
    value = kwargs.get("requires_grad", False)
    if not isinstance(value, bool):
        raise ProgramError("requires_grad must be True or False.")
    return value


def _sizes(args: Args, what: str) -> tuple[int, ...]:
    """Accept `f(2, 3)`, `f((2, 3))`, `f([2, 3])` and `f(t.shape)`."""
    if len(args) == 1 and isinstance(args[0], list | tuple):
        args = list(args[0])
    if not all(isinstance(s, int) and not isinstance(s, bool) for s in args):
        raise ProgramError(f"{what} takes whole-number sizes, e.g. {what}(2, 3).")
    if any(s < 0 for s in args):
        raise ProgramError(f"{what}: sizes cannot be negative.")
    return tuple(args)


def _creator(name: str, random: bool) -> Callable:
    factory = getattr(torch, name)

    def create(ctx: RunContext, args: Args, kwargs: Kwargs) -> torch.Tensor:
        size = _sizes(args, f"torch.{name}")
        check_numel(shape_numel(size), ctx.budgets)
        extra = {"generator": ctx.generator} if random else {}
        return factory(size, dtype=_dtype(kwargs), requires_grad=_requires_grad(kwargs), **extra)

    return create


def _full(ctx: RunContext, args: Args, kwargs: Kwargs) -> torch.Tensor:
    if len(args) != 2 or not isinstance(args[1], _NUMBER):
        raise ProgramError("torch.full takes a size and a fill value: torch.full((2, 3), 1.5).")
    size = _sizes([args[0]], "torch.full")
    check_numel(shape_numel(size), ctx.budgets)
    return torch.full(size, args[1], dtype=_dtype(kwargs), requires_grad=_requires_grad(kwargs))


def _numbers(args: Args, what: str) -> list[float | int]:
    if not all(isinstance(a, _NUMBER) for a in args):
        raise ProgramError(f"{what} takes numbers.")
    return list(args)


def _arange(ctx: RunContext, args: Args, kwargs: Kwargs) -> torch.Tensor:
    nums = _numbers(args, "torch.arange")
    if not 1 <= len(nums) <= 3:
        raise ProgramError("torch.arange takes (end), (start, end) or (start, end, step).")
    padded = [0, *nums, 1] if len(nums) == 1 else [*nums, 1]
    start, end, step = padded[:3]
    if step == 0:
        raise ProgramError("torch.arange: step must not be zero.")
    dtype = _dtype(kwargs)
    if _arange_count(start, end, step, dtype) > ctx.budgets.tensor_elements:
        check_numel(ctx.budgets.tensor_elements + 1, ctx.budgets)
    return torch.arange(start, end, step, dtype=dtype, requires_grad=_requires_grad(kwargs))


def _arange_count(start: float, end: float, step: float, dtype: torch.dtype | None) -> float:
    """How many elements `torch.arange` makes: for int64 it first truncates the
    bounds and step to integers (`arange(0, 1999999, 1.999999, dtype=int64)` counts
    in steps of 1), so both ways of counting are taken and the larger kept."""
    count = (end - start) / step
    count = math.ceil(count) if math.isfinite(count) else math.inf
    if dtype != torch.int64 or not all(map(math.isfinite, (start, end, step))):
        return count
    whole_step = int(step)
    if whole_step == 0:
        return count  # PyTorch refuses it
    return max(count, math.ceil((int(end) - int(start)) / whole_step))


def _linspace(ctx: RunContext, args: Args, kwargs: Kwargs) -> torch.Tensor:
    nums = _numbers(args, "torch.linspace")
    if len(nums) != 3 or not isinstance(nums[2], int):
        raise ProgramError("torch.linspace takes (start, end, steps) with whole steps.")
    check_numel(nums[2], ctx.budgets)
    return torch.linspace(
        nums[0], nums[1], nums[2], dtype=_dtype(kwargs), requires_grad=_requires_grad(kwargs)
    )


def _check_data(data: object, ctx: RunContext) -> None:
    if isinstance(data, np.ndarray):
        check_numel(data.size, ctx.budgets)
    elif not isinstance(data, _NUMBER | list | tuple | torch.Tensor):
        raise ProgramError(f"Cannot make a tensor from {to_text(data)[:40]}.")
    else:
        check_numel(nested_numel(data, ctx.budgets, ctx.tick), ctx.budgets)


def _tensor(ctx: RunContext, args: Args, kwargs: Kwargs) -> torch.Tensor:
    if len(args) != 1:
        raise ProgramError("torch.tensor takes one argument: the data.")
    data = args[0]
    _check_data(data, ctx)
    if isinstance(data, torch.Tensor):  # PyTorch's own advice, without its warning
        return (
            data.detach()
            .clone()
            .to(_dtype(kwargs) or data.dtype)
            .requires_grad_(_requires_grad(kwargs))
        )
    return torch.tensor(data, dtype=_dtype(kwargs), requires_grad=_requires_grad(kwargs))


def _np_array(ctx: RunContext, args: Args, kwargs: Kwargs) -> np.ndarray:
    if len(args) != 1:
        raise ProgramError("np.array takes one argument: the data.")
    _check_data(args[0], ctx)
    dtype = kwargs.get("dtype")
    if isinstance(dtype, str):
        dtype = NUMPY_DTYPES.get(dtype, "invalid")
    if dtype not in (None, np.float32, np.float64, np.int64):
        raise ProgramError("np.array: use dtype np.float32, np.float64 or 'float32'.")
    data = args[0]
    if isinstance(data, torch.Tensor):
        data = data.numpy()
    array = np.array(data, dtype=dtype)
    if array.dtype == object:
        raise ProgramError("np.array: the data must be numbers in a regular shape.")
    ctx.count_op(array)
    return array


def _from_numpy(ctx: RunContext, args: Args, kwargs: Kwargs) -> torch.Tensor:
    if len(args) != 1 or not isinstance(args[0], np.ndarray):
        raise ProgramError("torch.from_numpy takes one numpy array.")
    return torch.from_numpy(args[0])


def _tensor_fn(name: str) -> Callable:
    """torch.exp, torch.sum, ...: the first argument must be a tensor."""
    fn = getattr(torch, name)

    def call(ctx: RunContext, args: Args, kwargs: Kwargs) -> torch.Tensor:
        if not args or not isinstance(args[0], torch.Tensor):
            raise ProgramError(f"torch.{name} takes a tensor as its first argument.")
        check_plain(args[1:], f"torch.{name}", ctx)
        return fn(*args, **kwargs)

    return call


def _matmul(ctx: RunContext, args: Args, kwargs: Kwargs) -> torch.Tensor:
    if len(args) != 2 or not all(isinstance(a, torch.Tensor) for a in args):
        raise ProgramError("torch.matmul takes two tensors.")
    check_matmul(args[0], args[1], ctx)
    return torch.matmul(args[0], args[1])


def check_matmul(a: torch.Tensor, b: torch.Tensor, ctx: RunContext) -> None:
    """Predict the result's size from the shapes before computing."""
    # Bounds, not numel: (n, 0) @ (0, n) is a full n x n result.
    if shape_bound(a.shape) * shape_bound(b.shape) <= ctx.budgets.tensor_elements:
        return
    check_numel(matmul_numel(a.shape, b.shape), ctx.budgets, "The matrix product")


def _manual_seed(ctx: RunContext, args: Args, kwargs: Kwargs) -> None:
    if len(args) != 1 or not isinstance(args[0], int):
        raise ProgramError("torch.manual_seed takes one whole number.")
    if not 0 <= args[0] < 2**63:
        raise ProgramError("torch.manual_seed: the seed must be between 0 and 2**63 - 1.")
    ctx.generator.manual_seed(args[0])


def _no_grad(ctx: RunContext, args: Args, kwargs: Kwargs) -> NoGrad:
    if args:
        raise ProgramError("torch.no_grad() takes no arguments.")
    return NoGrad()


def check_plain(args: Args, what: str, ctx: RunContext) -> None:
    """Only data may be handed to torch: never functions, modules or contexts.

    Nested lists may share sub-lists (`a = [a, a]` sixty times), so each distinct
    list is read once, in order, with clock checks.
    """
    seen: set[int] = set()
    stack = list(reversed(args))
    read = 0
    while stack:
        arg = stack.pop()
        if isinstance(arg, list | tuple):
            if id(arg) not in seen:
                seen.add(id(arg))
                stack.extend(reversed(arg))
                read += len(arg)
                if read > _TICK_ITEMS:
                    ctx.tick()
                    read = 0
        elif not isinstance(arg, _NUMBER | str | type(None) | torch.Tensor | torch.dtype):
            raise ProgramError(f"{what} cannot take {to_text(arg)[:40]} as an argument.")


def _builtin(name: str, fn: Callable, *keywords: str) -> Builtin:
    return Builtin(name, fn, frozenset(keywords))


CREATION_KW = ("dtype", "requires_grad")
TORCH_NAMES = ("sum", "mean")
TORCH_UNARY = ("exp", "log", "sin", "cos", "tanh", "sigmoid", "relu", "abs", "sqrt")


def torch_members() -> dict[str, object]:
    """The members of the `torch` a program sees (its submodules come from `modules`)."""
    members: dict[str, object] = {
        "tensor": _builtin("torch.tensor", _tensor, *CREATION_KW),
        "full": _builtin("torch.full", _full, *CREATION_KW),
        "arange": _builtin("torch.arange", _arange, *CREATION_KW),
        "linspace": _builtin("torch.linspace", _linspace, *CREATION_KW),
        "from_numpy": _builtin("torch.from_numpy", _from_numpy),
        "matmul": _builtin("torch.matmul", _matmul),
        "manual_seed": _builtin("torch.manual_seed", _manual_seed),
        "no_grad": _builtin("torch.no_grad", _no_grad),
    }
    for name, random in (("randn", True), ("rand", True), ("zeros", False), ("ones", False)):
        members[name] = _builtin(f"torch.{name}", _creator(name, random), *CREATION_KW)
    for name in TORCH_NAMES:
        members[name] = _builtin(f"torch.{name}", _tensor_fn(name), "dim", "keepdim")
    for name in TORCH_UNARY:
        members[name] = _builtin(f"torch.{name}", _tensor_fn(name))
    for name, dtype in DTYPES.items():
        members[name] = dtype
    return members


def numpy_members() -> dict[str, object]:
    """The `np` a program sees: enough to build an array and hand it to torch."""
    members: dict[str, object] = {"array": _builtin("np.array", _np_array, "dtype")}
    members.update(NUMPY_DTYPES)
    return members


def refuse_member(namespace: Namespace, attr: str) -> NotAllowed:
    """The error for `torch.load`, `np.save` and every other missing member."""
    return NotAllowed(
        f"`{namespace.name}.{attr}` is not available in the playground.",
        hint="See the list of supported functions under 'What can I type?'.",
    )


def node_view(node: object) -> NodeView:
    """A printable stand-in for a `grad_fn`."""
    return NodeView(f"<{type(node).__name__} object>")
