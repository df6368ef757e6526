"""The allow-list of tensor attributes and methods, with their size checks."""

from __future__ import annotations

import numpy as np
import torch

# `backward(gradient)` compares shapes with a helper whose first use imports sympy:
# files read and a global warnings filter added in the middle of a program's run.
# Paid here, when the sandbox is imported, instead.
import torch.fx.experimental.symbolic_shapes

from ..core.context import RunContext
from ..core.errors import NotAllowed, ProgramError
from ..core.limits import check_numel
from ..core.values import Builtin, check_keywords
from .backward_cost import check_backward_cost
from .backward_steps import all_nodes, recorded_backward
from .catalogue import METHOD_ENTRIES
from .torch_api import call_entry, check_device, check_plain, node_view

# Method name -> keyword arguments it accepts (the catalogue's rows for `tensor.name`).
METHODS: dict[str, frozenset[str]] = {name: e.keywords for name, e in METHOD_ENTRIES.items()}

SETTABLE = frozenset({"requires_grad", "grad", "data"})


def get_attribute(tensor: torch.Tensor, attr: str) -> object:
    """Read an allow-listed attribute; never `getattr` with an unchecked name."""
    if attr == "grad":
        return tensor.grad  # of a non-leaf: None, and PyTorch's warning says why
    if attr == "grad_fn":
        return None if tensor.grad_fn is None else node_view(tensor.grad_fn)
    getter = _ATTRIBUTES.get(attr)
    if getter is None:
        raise NotAllowed(f"`.{attr}` is not available on tensors in the playground.")
    return getter(tensor)


_ATTRIBUTES = {
    "data": lambda t: t.data,
    "shape": lambda t: t.shape,
    "T": lambda t: t.T,  # PyTorch's own (its warning on tensors not 2-D included)
    "requires_grad": lambda t: t.requires_grad,
    "is_leaf": lambda t: t.is_leaf,
    "retains_grad": lambda t: t.retains_grad,
    "is_cuda": lambda t: t.is_cuda,
    "dtype": lambda t: t.dtype,
    "ndim": lambda t: t.dim(),
    "device": lambda t: t.device,
    "mT": lambda t: t.mT,
}


def set_attribute(tensor: torch.Tensor, attr: str, value: object) -> None:
    """Assign `tensor.attr = value` for the few attributes a learner sets."""
    if attr not in SETTABLE:
        raise NotAllowed(f"`.{attr}` cannot be assigned in the playground.")
    if attr == "requires_grad" and not isinstance(value, bool):
        raise ProgramError("requires_grad must be True or False.")
    if attr in ("grad", "data") and not isinstance(value, torch.Tensor | type(None)):
        raise ProgramError(f".{attr} must be a tensor.")
    setattr(tensor, attr, value)


def call_method(
    ctx: RunContext, tensor: torch.Tensor, name: str, args: list, kwargs: dict
) -> object:
    """Call an allow-listed tensor method after checking its inputs and result size."""
    if kwargs:
        check_keywords(f"`.{name}()`", kwargs, METHODS[name])
    special = _SPECIAL.get(name)
    if special is not None:
        check_plain(list(args) + list(kwargs.values()), f".{name}()", ctx)
        return special(ctx, tensor, list(args), kwargs)
    entry = METHOD_ENTRIES[name]
    call = getattr(tensor, name)
    return call_entry(ctx, entry, call, [tensor, *args], kwargs, f".{name}()", bound=True)


def _to(ctx: RunContext, tensor: torch.Tensor, args: list, kwargs: dict) -> torch.Tensor:
    """`.to(dtype)`, `.to("cpu")`, `.to(device, dtype)`, `.to(other)`: the CPU only."""
    for value in [*args, kwargs.get("device")]:
        if isinstance(value, str | torch.device):
            check_device(value)
        elif not isinstance(value, torch.dtype | torch.Tensor | type(None)):
            raise ProgramError(".to() takes a dtype, a device or a tensor.")
    return tensor.to(*args, **kwargs)


_TYPE_NAMES = {
    f"torch.{legacy}": dtype
    for legacy, dtype in {
        "FloatTensor": torch.float32, "DoubleTensor": torch.float64,
        "HalfTensor": torch.float16, "LongTensor": torch.int64, "IntTensor": torch.int32,
        "ShortTensor": torch.int16, "CharTensor": torch.int8, "ByteTensor": torch.uint8,
        "BoolTensor": torch.bool,
    }.items()
}  # fmt: skip


def _type(ctx: RunContext, tensor: torch.Tensor, args: list, kwargs: dict) -> object:
    """`.type()` names the tensor type; `.type(torch.float64)` or a type name converts."""
    dtype = args[0] if args else kwargs.get("dtype")
    if dtype is None:
        return tensor.type()
    if isinstance(dtype, str):
        if dtype.startswith("torch.cuda."):
            check_device("cuda")
        if dtype not in _TYPE_NAMES:
            raise ProgramError(f"Unknown tensor type {dtype[:40]!r}; use e.g. torch.float32.")
        dtype = _TYPE_NAMES[dtype]
    if not isinstance(dtype, torch.dtype):
        raise ProgramError(".type() takes a dtype, e.g. x.type(torch.float64).")
    return tensor.type(dtype)


def _cpu(ctx: RunContext, tensor: torch.Tensor, args: list, kwargs: dict) -> torch.Tensor:
    if args:
        raise ProgramError(".cpu() takes no arguments here.")
    return tensor.cpu()


def _cuda(ctx: RunContext, tensor: torch.Tensor, args: list, kwargs: dict) -> None:
    check_device("cuda")


def _tolist(ctx: RunContext, tensor: torch.Tensor, args: list, kwargs: dict) -> object:
    """A nested list of Python numbers: each a 32-byte object, eight 4-byte items."""
    if args:
        raise ProgramError(".tolist() takes no arguments.")
    ctx.count_items(tensor.numel() * 8)
    return tensor.tolist()


def _numpy(ctx: RunContext, tensor: torch.Tensor, args: list, kwargs: dict) -> object:
    if args:
        raise ProgramError(".numpy() takes no arguments here.")
    array = tensor.numpy()
    ctx.count_elements(array)
    return array


def _view(ctx: RunContext, tensor: torch.Tensor, args: list, kwargs: dict) -> torch.Tensor:
    """`.view(shape)` and `.view(dtype)`: float64 -> bool is eight elements for each one."""
    if len(args) == 1 and isinstance(args[0], torch.dtype):
        check_numel(tensor.numel() * tensor.element_size() // args[0].itemsize, ctx.budgets)
        return tensor.view(args[0])
    entry = METHOD_ENTRIES["view"]
    return call_entry(ctx, entry, tensor.view, [tensor, *args], kwargs, ".view()", bound=True)


_SPECIAL = {
    "to": _to, "type": _type, "cpu": _cpu, "cuda": _cuda, "tolist": _tolist,
    "numpy": _numpy, "view": _view,
    "backward": lambda ctx, tensor, args, kwargs: _backward(ctx, tensor, args, kwargs),
}  # fmt: skip


STEP_THROUGH_NODES = 400  # larger graphs run backward without recording its steps


def _backward(ctx: RunContext, tensor: torch.Tensor, args: list, kwargs: dict) -> None:
    """`tensor.backward()`, recording the engine's steps when the graph is small."""
    if "inputs" in kwargs or "create_graph" in kwargs:
        check_backward_cost(ctx, tensor)
        tensor.backward(*args, **kwargs)
        return
    if args:
        kwargs = {"gradient": args[0], **kwargs}
    check_backward_cost(ctx, tensor)
    ctx.backward_root = tensor
    ctx.backward_calls += 1
    ctx.backward_events = []
    nodes = None
    if tensor.grad_fn is not None and all(ctx.final_iteration):
        nodes = all_nodes(tensor, STEP_THROUGH_NODES)
    if not nodes:
        tensor.backward(**kwargs)
        return
    ctx.backward_events = recorded_backward(tensor, nodes, **kwargs)


_ARRAY_ATTRIBUTES = {
    "shape": lambda a: a.shape,
    "dtype": lambda a: a.dtype,
    "ndim": lambda a: a.ndim,
    "size": lambda a: a.size,
    "T": lambda a: a.T,
}


def get_array_attribute(array: object, attr: str) -> object:
    """`a.shape`, `a.dtype`, `a.ndim`, `a.size`, `a.T` of a NumPy array, and nothing else.

    For the interpreter's attribute reads on `np.ndarray` values (a view from `.T` is
    counted by the caller, as a tensor's is).
    """
    getter = _ARRAY_ATTRIBUTES.get(attr)
    if getter is not None:
        return getter(array)
    if attr in ARRAY_METHODS:
        return Builtin(f"ndarray.{attr}", _array_method(array, attr), ARRAY_METHODS[attr])
    raise NotAllowed(f"`.{attr}` is not available on NumPy arrays in the playground.")


# NumPy array methods teaching code calls on what `.numpy()` gave it, and their keywords.
# Each result is at most as large as the array (`reshape` keeps its size).
ARRAY_METHODS: dict[str, frozenset[str]] = {
    "round": frozenset({"decimals"}), "tolist": frozenset(), "item": frozenset(),
    "copy": frozenset(), "flatten": frozenset(), "reshape": frozenset(),
    "sum": frozenset({"axis", "keepdims"}), "mean": frozenset({"axis", "keepdims"}),
    "max": frozenset({"axis", "keepdims"}), "min": frozenset({"axis", "keepdims"}),
    "argmax": frozenset({"axis"}), "argmin": frozenset({"axis"}), "astype": frozenset(),
}  # fmt: skip


def _array_method(array: np.ndarray, name: str):
    """`array.name(...)`, its arguments checked as plain data first."""

    def call(ctx: RunContext, args: list, kwargs: dict) -> object:
        check_plain([*args, *kwargs.values()], f"ndarray.{name}()", ctx)
        if name == "astype" and (len(args) != 1 or args[0] not in _ARRAY_DTYPES):
            raise ProgramError("astype takes one dtype: np.float32, np.float64 or np.int64.")
        if name == "reshape":
            sizes = args[0] if len(args) == 1 and isinstance(args[0], tuple | list) else args
            check_numel(abs(np.prod(sizes, dtype=object)), ctx.budgets)
        if name == "tolist":
            ctx.count_items(array.size, references=True)
        result = _ARRAY_CALLS[name](array, *args, **kwargs)
        ctx.count_op(result)
        return result

    return call


_ARRAY_DTYPES = (np.float32, np.float64, np.int64, "float32", "float64", "int64")
_ARRAY_CALLS = {
    "round": np.ndarray.round, "tolist": np.ndarray.tolist, "item": np.ndarray.item,
    "copy": np.ndarray.copy, "flatten": np.ndarray.flatten, "reshape": np.ndarray.reshape,
    "sum": np.ndarray.sum, "mean": np.ndarray.mean, "max": np.ndarray.max,
    "min": np.ndarray.min, "argmax": np.ndarray.argmax, "argmin": np.ndarray.argmin,
    "astype": np.ndarray.astype,
}  # fmt: skip
