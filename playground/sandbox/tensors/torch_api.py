"""The `torch`, `torch.nn.functional`, `torch.autograd`, `torch.cuda` and `np` a program sees.

Most members come from the catalogue (`catalogue.py`): one generic caller checks
the arguments, predicts the result's size (`shapes.py`) and calls the real
function named in the table. Creation functions, randomness and devices have
their own code here. Nothing is looked up by a user-supplied string except as a
key into these tables.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch
import torch.nn.functional

from ..core.context import RunContext
from ..core.errors import NotAllowed, ProgramError
from ..core.limits import check_dims, check_numel, nested_numel, shape_numel
from ..core.text import to_text
from ..core.values import DTYPES, NUMPY_DTYPES, Builtin, Namespace, NodeView, NoGrad
from .backward_cost import check_backward_cost
from .catalogue import FREE_SIZES, FUNCTIONAL, FUNCTIONS, Entry
from .shapes import check_broadcast, check_call, check_matmul_shapes
from .torch_values import GeneratorObject, TensorType, seed_value, wrap_result

Args = list[object]
Kwargs = dict[str, object]

_NUMBER = bool | int | float
_TICK_ITEMS = 1 << 16  # list items read between two clock checks
_PLAIN = (*_NUMBER.__args__, str, type(None), torch.Tensor, torch.dtype, torch.device)

EXTRA_DTYPES = {
    "half": torch.float16, "bfloat16": torch.bfloat16, "int16": torch.int16,
    "short": torch.int16, "int8": torch.int8, "uint8": torch.uint8,
}  # fmt: skip


# -- arguments -------------------------------------------------------------------------


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
        elif not isinstance(arg, _PLAIN):
            raise ProgramError(f"{what} cannot take {to_text(arg)[:40]} as an argument.")


def check_device(value: object) -> None:
    """Only the CPU: a CUDA (or meta, ...) device gets a message saying so."""
    if isinstance(value, str):
        try:
            value = torch.device(value)
        except RuntimeError:
            raise ProgramError(f"Unknown device {value!r}; use 'cpu'.") from None
    if isinstance(value, torch.device) and value.type == "cpu":
        return
    if isinstance(value, torch.device) and value.type == "cuda":
        raise NotAllowed(
            f"The device {str(value)!r} is not available: the playground runs on the CPU "
            "only (torch.cuda.is_available() is False).",
            hint="Leave out device=, or use 'cpu'.",
        )
    raise NotAllowed(f"The device {to_text(value)[:40]!r} is not available; use 'cpu'.")


def prepare_kwargs(ctx: RunContext, entry: Entry, kwargs: Kwargs) -> Kwargs:
    """The run's generator for random entries; devices checked; our values unwrapped."""
    if "device" in kwargs:
        check_device(kwargs["device"])
    if not entry.random:
        return kwargs
    generator = kwargs.get("generator")
    if generator is None:
        return {**kwargs, "generator": ctx.generator}
    if not isinstance(generator, GeneratorObject):
        raise ProgramError("generator= takes a torch.Generator().")
    return {**kwargs, "generator": generator.real}


def call_entry(
    ctx: RunContext,
    entry: Entry,
    call: Callable,
    args: Args,
    kwargs: Kwargs,
    what: str,
    bound: bool = False,
) -> object:
    """Vet, size and call one catalogue entry; for a `bound` method `args[0]` is its tensor.

    The hot path of every training loop (`torch.sum`, `.t()`, `.zero_()`), so the
    checks that cannot apply are skipped rather than run empty.
    """
    if kwargs or entry.random:
        kwargs = prepare_kwargs(ctx, entry, kwargs)
        check_plain([v for k, v in kwargs.items() if k != "generator"], what, ctx)
    if len(args) > bound:
        check_plain(args[1:] if bound else args, what, ctx)
    if entry.size not in FREE_SIZES or len(args) > 1 + bound or kwargs:
        check_call(ctx.budgets, entry, call, args, kwargs)
    result = call(*args[1:], **kwargs) if bound else call(*args, **kwargs)
    if type(result) is torch.Tensor:
        return result
    return wrap_result(result)


def _generic(entry: Entry, fn: Callable, what: str) -> Callable:
    def call(ctx: RunContext, args: Args, kwargs: Kwargs) -> object:
        return call_entry(ctx, entry, fn, args, kwargs, what)

    return call


def _builtin(name: str, fn: Callable, *keywords: str) -> Builtin:
    return Builtin(name, fn, frozenset(keywords))


# -- creation ----------------------------------------------------------------------------


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


def _options(ctx: RunContext, kwargs: Kwargs, random: bool = False) -> Kwargs:
    """dtype, requires_grad and (for random creators) the generator, checked."""
    if "device" in kwargs:
        check_device(kwargs["device"])
    options: Kwargs = {"dtype": _dtype(kwargs), "requires_grad": _requires_grad(kwargs)}
    if random:
        generator = kwargs.get("generator")
        if generator is not None and not isinstance(generator, GeneratorObject):
            raise ProgramError("generator= takes a torch.Generator().")
        options["generator"] = ctx.generator if generator is None else generator.real
    return options


def _sizes(args: Args, what: str) -> tuple[int, ...]:
    """Accept `f(2, 3)`, `f((2, 3))`, `f([2, 3])` and `f(t.shape)`."""
    if len(args) == 1 and isinstance(args[0], list | tuple):
        args = list(args[0])
    if not all(isinstance(s, int) and not isinstance(s, bool) for s in args):
        raise ProgramError(f"{what} takes whole-number sizes, e.g. {what}(2, 3).")
    if any(s < 0 for s in args):
        raise ProgramError(f"{what}: sizes cannot be negative.")
    return tuple(args)


# `torch.empty` and its kin hand out memory as they find it: in a worker that is what an
# earlier run (another student's) left there. Here they are zero-filled; the values of
# uninitialised memory mean nothing anyway. (The fuzzer's plain reference does the same.)
_FILLED = {"empty": "zeros", "empty_like": "zeros_like"}


def _creator(name: str, random: bool) -> Callable:
    factory = getattr(torch, _FILLED.get(name, name))

    def create(ctx: RunContext, args: Args, kwargs: Kwargs) -> torch.Tensor:
        size = _checked_size(ctx, args, kwargs, f"torch.{name}")
        return factory(size, **_options(ctx, kwargs, random))

    return create


def _checked_size(ctx: RunContext, args: Args, kwargs: Kwargs, what: str) -> tuple[int, ...]:
    if "size" in kwargs:
        if args:
            raise ProgramError(f"{what}: give the size once.")
        args = [kwargs["size"]]
    size = _sizes(args, what)
    check_numel(shape_numel(size), ctx.budgets)
    return size


def _full(ctx: RunContext, args: Args, kwargs: Kwargs) -> torch.Tensor:
    args = [*args, *(kwargs[k] for k in ("size", "fill_value") if k in kwargs)]
    if len(args) != 2 or not isinstance(args[1], _NUMBER):
        raise ProgramError("torch.full takes a size and a fill value: torch.full((2, 3), 1.5).")
    size = _checked_size(ctx, [args[0]], {}, "torch.full")
    return torch.full(size, args[1], **_options(ctx, kwargs))


def _eye(ctx: RunContext, args: Args, kwargs: Kwargs) -> torch.Tensor:
    if not 1 <= len(args) <= 2 or not all(isinstance(a, int) for a in args):
        raise ProgramError("torch.eye takes one or two whole numbers: torch.eye(3).")
    if any(a < 0 for a in args):
        raise ProgramError("torch.eye: sizes cannot be negative.")
    rows, cols = args[0], args[-1]
    check_numel(rows * cols, ctx.budgets)
    return torch.eye(*args, **_options(ctx, kwargs))


def _numbers(args: Args, what: str) -> list[float | int]:
    if not all(isinstance(a, _NUMBER) for a in args):
        raise ProgramError(f"{what} takes numbers.")
    return list(args)


def _arange(ctx: RunContext, args: Args, kwargs: Kwargs) -> torch.Tensor:
    args = [*args, *(kwargs[k] for k in ("start", "end", "step") if k in kwargs)]
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
    return torch.arange(*nums, **_options(ctx, kwargs))


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
    args = [*args, *(kwargs[k] for k in ("start", "end", "steps") if k in kwargs)]
    nums = _numbers(args, "torch.linspace")
    if len(nums) != 3 or not isinstance(nums[2], int):
        raise ProgramError("torch.linspace takes (start, end, steps) with whole steps.")
    check_numel(nums[2], ctx.budgets)
    return torch.linspace(nums[0], nums[1], nums[2], **_options(ctx, kwargs))


def _check_data(data: object, ctx: RunContext) -> None:
    if isinstance(data, np.ndarray):
        check_numel(data.size, ctx.budgets)
    elif not isinstance(data, _NUMBER | list | tuple | torch.Tensor):
        raise ProgramError(f"Cannot make a tensor from {to_text(data)[:40]}.")
    else:
        check_numel(nested_numel(data, ctx.budgets, ctx.tick), ctx.budgets)


def _tensor(ctx: RunContext, args: Args, kwargs: Kwargs) -> torch.Tensor:
    if len(args) != 1:
        raise ProgramError("torch.tensor takes one argument: the data.", python_type="TypeError")
    data = args[0]
    _check_data(data, ctx)
    return torch.tensor(data, **_options(ctx, kwargs))  # of a tensor: PyTorch's warning too


def _as_tensor(ctx: RunContext, args: Args, kwargs: Kwargs) -> torch.Tensor:
    if len(args) != 1:
        raise ProgramError("torch.as_tensor takes one argument: the data.", python_type="TypeError")
    _check_data(args[0], ctx)
    if "device" in kwargs:
        check_device(kwargs["device"])
    return torch.as_tensor(args[0], dtype=_dtype(kwargs))


_LEGACY = {
    "Tensor": torch.float32, "FloatTensor": torch.float32, "DoubleTensor": torch.float64,
    "LongTensor": torch.int64, "IntTensor": torch.int32, "BoolTensor": torch.bool,
}  # fmt: skip


def _legacy(name: str) -> Callable:
    """`torch.Tensor([1, 2])` (data) or `torch.Tensor(2, 3)` (sizes, uninitialised)."""
    dtype = _LEGACY[name]

    def make(ctx: RunContext, args: Args, kwargs: Kwargs) -> torch.Tensor:
        if all(isinstance(a, int) and not isinstance(a, bool) for a in args):
            size = _checked_size(ctx, list(args), {}, f"torch.{name}")
            return torch.zeros(size, dtype=dtype)  # uninitialised in PyTorch: see _FILLED
        if len(args) == 1 and isinstance(args[0], torch.Size):
            return torch.zeros(_checked_size(ctx, list(args), {}, f"torch.{name}"), dtype=dtype)
        if len(args) != 1 or not isinstance(args[0], list | tuple):
            raise ProgramError(f"torch.{name} takes a list of numbers or whole-number sizes.")
        _check_data(args[0], ctx)
        return torch.tensor(args[0], dtype=dtype)

    return make


def _like(name: str, random: bool) -> Callable:
    factory = getattr(torch, _FILLED.get(name, name))

    def create(ctx: RunContext, args: Args, kwargs: Kwargs) -> torch.Tensor:
        if not args or not isinstance(args[0], torch.Tensor):
            raise ProgramError(f"torch.{name} takes a tensor as its first argument.")
        extra = [*args[1:], *(kwargs[k] for k in ("fill_value",) if k in kwargs)]
        if name == "full_like" and (len(extra) != 1 or not isinstance(extra[0], _NUMBER)):
            raise ProgramError("torch.full_like takes a tensor and a fill value.")
        if name != "full_like" and extra:
            raise ProgramError(f"torch.{name} takes one tensor.")
        options = _options(ctx, kwargs, random)
        if options["dtype"] is None:
            del options["dtype"]
        return factory(args[0], *extra, **options)

    return create


def _from_numpy(ctx: RunContext, args: Args, kwargs: Kwargs) -> torch.Tensor:
    if len(args) != 1 or not isinstance(args[0], np.ndarray):
        raise ProgramError("torch.from_numpy takes one numpy array.")
    return torch.from_numpy(args[0])


# -- randomness ------------------------------------------------------------------------


def _randint(ctx: RunContext, args: Args, kwargs: Kwargs) -> torch.Tensor:
    bounds = [*args, *(kwargs[k] for k in ("low", "high") if k in kwargs)]
    size = kwargs.get("size")
    if size is None and bounds and isinstance(bounds[-1], list | tuple):
        size = bounds.pop()
    if size is None or not 1 <= len(bounds) <= 2 or not all(isinstance(b, int) for b in bounds):
        raise ProgramError("torch.randint takes (high, size) or (low, high, size).")
    shape = _checked_size(ctx, [size], {}, "torch.randint")
    options = _options(ctx, kwargs, random=True)
    options.pop("requires_grad")
    if options["dtype"] is None:
        del options["dtype"]
    return torch.randint(*bounds, shape, **options)


def _randint_like(ctx: RunContext, args: Args, kwargs: Kwargs) -> torch.Tensor:
    if not args or not isinstance(args[0], torch.Tensor):
        raise ProgramError("torch.randint_like takes a tensor, then (high) or (low, high).")
    bounds = [*args[1:], *(kwargs[k] for k in ("low", "high") if k in kwargs)]
    if not 1 <= len(bounds) <= 2 or not all(isinstance(b, int) for b in bounds):
        raise ProgramError("torch.randint_like takes a tensor, then (high) or (low, high).")
    options = _options(ctx, kwargs, random=True)
    options.pop("requires_grad")
    if options["dtype"] is None:
        del options["dtype"]
    return torch.randint_like(args[0], *bounds, **options)


def _randperm(ctx: RunContext, args: Args, kwargs: Kwargs) -> torch.Tensor:
    if len(args) != 1 or not isinstance(args[0], int) or args[0] < 0:
        raise ProgramError("torch.randperm takes one whole number.")
    check_numel(args[0], ctx.budgets)
    options = _options(ctx, kwargs, random=True)
    if options["dtype"] is None:
        del options["dtype"]
    return torch.randperm(args[0], **options)


def _normal(ctx: RunContext, args: Args, kwargs: Kwargs) -> torch.Tensor:
    """`normal(mean, std, size)` with numbers, or element-wise with tensors."""
    args = [*args, *(kwargs[k] for k in ("mean", "std", "size") if k in kwargs)]
    check_plain(args, "torch.normal", ctx)
    options = _options(ctx, kwargs, random=True)
    if len(args) == 3:
        size = _checked_size(ctx, [args[2]], {}, "torch.normal")
        if options["dtype"] is None:
            del options["dtype"]
        return torch.normal(args[0], args[1], size, **options)
    tensors = [a for a in args if isinstance(a, torch.Tensor)]
    if len(args) != 2 or not tensors:
        raise ProgramError("torch.normal takes (mean, std, size) or tensors of means and stds.")
    check_broadcast(ctx.budgets, tensors)
    return torch.normal(args[0], args[1], generator=options["generator"])


def _manual_seed(ctx: RunContext, args: Args, kwargs: Kwargs) -> GeneratorObject:
    ctx.generator.manual_seed(seed_value(args, "torch.manual_seed"))
    return GeneratorObject(ctx.generator)


def _generator(ctx: RunContext, args: Args, kwargs: Kwargs) -> GeneratorObject:
    device = args[0] if args else kwargs.get("device", "cpu")
    if len(args) > 1:
        raise ProgramError("torch.Generator takes at most a device.")
    check_device(device)
    return GeneratorObject(torch.Generator())


def _device(ctx: RunContext, args: Args, kwargs: Kwargs) -> torch.device:
    if not 1 <= len(args) <= 2 or not isinstance(args[0], str):
        raise ProgramError("torch.device takes a device name: torch.device('cpu').")
    device = torch.device(*args)
    check_device(device)
    return device


def _no_grad(ctx: RunContext, args: Args, kwargs: Kwargs) -> NoGrad:
    if args:
        raise ProgramError("torch.no_grad() takes no arguments.")
    return NoGrad()


def _enable_grad(ctx: RunContext, args: Args, kwargs: Kwargs) -> NoGrad:
    if args:
        raise ProgramError("torch.enable_grad() takes no arguments.")
    return NoGrad(enabled=True, name="enable_grad")


def _set_grad_enabled(ctx: RunContext, args: Args, kwargs: Kwargs) -> NoGrad:
    mode = kwargs.get("mode", args[0] if len(args) == 1 else None)
    if not isinstance(mode, bool) or len(args) + len(kwargs) != 1:
        raise ProgramError(
            "torch.set_grad_enabled takes one argument: True or False.", python_type="TypeError"
        )
    return NoGrad(enabled=mode, name="set_grad_enabled")


def _is_tensor(ctx: RunContext, args: Args, kwargs: Kwargs) -> bool:
    if len(args) != 1:
        raise ProgramError("torch.is_tensor takes one argument.", python_type="TypeError")
    return isinstance(args[0], torch.Tensor)


_SPECIAL: dict[str, Callable] = {
    "tensor": _tensor, "as_tensor": _as_tensor, "full": _full, "eye": _eye,
    "arange": _arange, "linspace": _linspace, "from_numpy": _from_numpy,
    "randint": _randint, "randint_like": _randint_like, "randperm": _randperm,
    "normal": _normal, "manual_seed": _manual_seed, "Generator": _generator,
    "device": _device, "no_grad": _no_grad, "enable_grad": _enable_grad,
    "set_grad_enabled": _set_grad_enabled, "is_tensor": _is_tensor,
    **{n: _creator(n, False) for n in ("zeros", "ones", "empty")},
    **{n: _creator(n, True) for n in ("rand", "randn")},
    **{n: _like(n, False) for n in ("zeros_like", "ones_like", "empty_like", "full_like")},
    **{n: _like(n, True) for n in ("rand_like", "randn_like")},
}  # fmt: skip


# -- matrix products (also used by `@`) ----------------------------------------------------


def check_matmul(a: torch.Tensor, b: torch.Tensor, ctx: RunContext) -> None:
    """Predict the result's size from the shapes before computing."""
    check_matmul_shapes(ctx.budgets, a.shape, b.shape)


# -- torch.nn.functional: the ones with their own code -----------------------------------


def dropout(ctx: RunContext, x: torch.Tensor, p: float, training: bool) -> torch.Tensor:
    """`F.dropout` as PyTorch computes it on the CPU, with the run's generator.

    ATen's CPU dropout draws a Bernoulli mask into a tensor like `x`, scales it by
    1 / (1 - p) and multiplies: the same draws from the same seed, and the same
    `MulBackward0` node.
    """
    if not isinstance(p, _NUMBER) or not 0 <= p <= 1:
        raise ProgramError(f"dropout probability has to be between 0 and 1, but got {p}")
    if p == 0 or not training or x.numel() == 0:
        return x
    if p == 1:
        return x * torch.zeros((), dtype=x.dtype)
    noise = torch.empty_like(x).bernoulli_(1 - p, generator=ctx.generator)
    noise.div_(1 - p)
    return x * noise


def _dropout(ctx: RunContext, args: Args, kwargs: Kwargs) -> torch.Tensor:
    if not args or not isinstance(args[0], torch.Tensor) or len(args) > 3:
        raise ProgramError("F.dropout takes a tensor, then p and training.")
    p = args[1] if len(args) > 1 else kwargs.get("p", 0.5)
    training = args[2] if len(args) > 2 else kwargs.get("training", True)
    if kwargs.get("inplace"):
        raise NotAllowed("F.dropout(..., inplace=True) is not available; leave it out.")
    return dropout(ctx, args[0], p, bool(training))


def _one_hot(ctx: RunContext, args: Args, kwargs: Kwargs) -> torch.Tensor:
    """One column per class: `numel x classes` elements, the classes counted first."""
    if not args or not isinstance(args[0], torch.Tensor) or len(args) > 2:
        raise ProgramError("F.one_hot takes a tensor of class indices and num_classes.")
    x = args[0]
    classes = args[1] if len(args) > 1 else kwargs.get("num_classes", -1)
    if not isinstance(classes, int):
        raise ProgramError("F.one_hot: num_classes must be a whole number.")
    if classes == -1 and x.numel() and x.dtype == torch.int64:
        classes = int(x.max()) + 1
    check_numel(x.numel() * max(classes, 1), ctx.budgets)
    return torch.nn.functional.one_hot(x, args[1] if len(args) > 1 else classes)


_FUNCTIONAL_SPECIAL: dict[str, Callable] = {"dropout": _dropout, "one_hot": _one_hot}


# -- torch.autograd and torch.cuda ---------------------------------------------------------


def _autograd_grad(ctx: RunContext, args: Args, kwargs: Kwargs) -> tuple:
    """`torch.autograd.grad(outputs, inputs, ...)`, its cost checked as backward()'s is."""
    names = ("outputs", "inputs", "grad_outputs")
    values = dict(zip(names, args, strict=False))
    values.update({k: v for k, v in kwargs.items() if k in names})
    check_plain(list(values.values()), "torch.autograd.grad", ctx)
    outputs = values.get("outputs")
    roots = outputs if isinstance(outputs, list | tuple) else [outputs]
    if not roots or not all(isinstance(r, torch.Tensor) for r in roots):
        raise ProgramError("torch.autograd.grad takes outputs (tensors) and inputs (tensors).")
    for root in roots:
        check_backward_cost(ctx, root)
    options = {k: v for k, v in kwargs.items() if k not in names}
    for key, value in options.items():
        if not isinstance(value, bool | type(None)):
            raise ProgramError(f"torch.autograd.grad: {key} must be True, False or None.")
    return torch.autograd.grad(**values, **options)


# -- the members of each module -------------------------------------------------------------


def torch_members() -> dict[str, object]:
    """The members of the `torch` a program sees (its submodules come from `modules`)."""
    members: dict[str, object] = {}
    for name, entry in FUNCTIONS.items():
        special = _SPECIAL.get(name)
        what = f"torch.{name}"
        if name in _LEGACY:
            members[name] = TensorType(name, _legacy(name))
        elif special is not None:
            members[name] = Builtin(what, special, entry.keywords)
        else:
            members[name] = Builtin(
                what, _generic(entry, getattr(torch, name), what), entry.keywords
            )
    members.update(DTYPES)
    members.update(EXTRA_DTYPES)
    return members


def functional_members() -> dict[str, object]:
    """`torch.nn.functional`: plain tensor functions (layers are `torch.nn`'s)."""
    members: dict[str, object] = {}
    for name, entry in FUNCTIONAL.items():
        what = f"torch.nn.functional.{name}"
        special = _FUNCTIONAL_SPECIAL.get(name)
        fn = special or _generic(entry, getattr(torch.nn.functional, name), what)
        members[name] = Builtin(what, fn, entry.keywords)
    return members


def autograd_members() -> dict[str, object]:
    """`torch.autograd.grad` (custom `Function`s come from another module)."""
    keywords = ("outputs", "inputs", "grad_outputs", "retain_graph", "create_graph",
                "allow_unused", "materialize_grads")  # fmt: skip
    return {"grad": _builtin("torch.autograd.grad", _autograd_grad, *keywords)}


def cuda_members() -> dict[str, object]:
    """`torch.cuda`: there is none in the playground, and it says so."""
    return {
        "is_available": _builtin("torch.cuda.is_available", lambda ctx, a, k: False),
        "device_count": _builtin("torch.cuda.device_count", lambda ctx, a, k: 0),
    }


# -- numpy ---------------------------------------------------------------------------------


def _np_array(ctx: RunContext, args: Args, kwargs: Kwargs) -> np.ndarray:
    if len(args) != 1:
        raise ProgramError("np.array takes one argument: the data.", python_type="TypeError")
    _check_data(args[0], ctx)
    dtype = _np_dtype(kwargs, "np.array")
    data = args[0]
    if isinstance(data, torch.Tensor):
        data = data.numpy()
    array = np.array(data, dtype=dtype)
    if array.dtype == object:
        raise ProgramError("np.array: the data must be numbers in a regular shape.")
    ctx.count_op(array)
    return array


def numpy_members() -> dict[str, object]:
    """The `np` a program sees: enough to build an array and hand it to torch."""
    members: dict[str, object] = {"array": _builtin("np.array", _np_array, "dtype")}
    members["linspace"] = _builtin("np.linspace", _np_linspace, "dtype")
    members["arange"] = _builtin("np.arange", _np_arange, "dtype")
    for name in ("zeros", "ones"):
        members[name] = _builtin(f"np.{name}", _np_filled(name), "dtype")
    for name in NUMPY_UNARY:
        members[name] = _builtin(f"np.{name}", _np_unary(name))
    members.update(NUMPY_DTYPES)
    return members


# Element-wise NumPy functions of the "numpy warm-up" idiom: as large as their input.
NUMPY_UNARY = ("sin", "cos", "tan", "exp", "log", "sqrt", "square", "abs", "tanh")


def _np_unary(name: str) -> Callable:
    fn = getattr(np, name)

    def call(ctx: RunContext, args: Args, kwargs: Kwargs) -> object:
        if len(args) != 1 or not isinstance(args[0], np.ndarray | bool | int | float):
            raise ProgramError(f"np.{name} takes one array or number.")
        result = fn(args[0])
        ctx.count_op(result)
        return result

    return call


def linalg_members() -> dict[str, object]:
    """`torch.linalg.norm`: the one `torch.linalg` function teaching code reaches for."""
    return {"norm": _builtin("torch.linalg.norm", _linalg_norm, "ord", "dim", "keepdim")}


def _linalg_norm(ctx: RunContext, args: Args, kwargs: Kwargs) -> torch.Tensor:
    if not args or not isinstance(args[0], torch.Tensor):
        raise ProgramError("torch.linalg.norm takes a tensor.")
    check_plain([*args[1:], *kwargs.values()], "torch.linalg.norm", ctx)
    return torch.linalg.norm(*args, **kwargs)  # at most as large as its input


def _np_dtype(kwargs: Kwargs, what: str) -> object:
    """The one dtype check of every NumPy constructor: None or a float/int64 dtype."""
    dtype = kwargs.get("dtype")
    if isinstance(dtype, str):
        dtype = NUMPY_DTYPES.get(dtype, "invalid")
    if dtype not in (None, np.float32, np.float64, np.int64):
        raise ProgramError(f"{what}: use dtype np.float32, np.float64, np.int64 or 'float32'.")
    return dtype


def _np_linspace(ctx: RunContext, args: Args, kwargs: Kwargs) -> np.ndarray:
    nums = _numbers(args, "np.linspace")
    if not 2 <= len(nums) <= 3 or (len(nums) == 3 and not isinstance(nums[2], int)):
        raise ProgramError("np.linspace takes (start, stop) or (start, stop, num).")
    count = nums[2] if len(nums) == 3 else 50
    check_numel(count, ctx.budgets)
    result = np.linspace(nums[0], nums[1], count, dtype=_np_dtype(kwargs, "np.linspace"))
    ctx.count_op(result)
    return result


def _np_arange(ctx: RunContext, args: Args, kwargs: Kwargs) -> np.ndarray:
    nums = _numbers(args, "np.arange")
    if not 1 <= len(nums) <= 3:
        raise ProgramError("np.arange takes (stop), (start, stop) or (start, stop, step).")
    start, stop, step = ([0, *nums, 1] if len(nums) == 1 else [*nums, 1])[:3]
    if step == 0:
        raise ProgramError("np.arange: step must not be zero.")
    if _arange_count(start, stop, step, None) > ctx.budgets.tensor_elements:
        check_numel(ctx.budgets.tensor_elements + 1, ctx.budgets)
    result = np.arange(start, stop, step, dtype=_np_dtype(kwargs, "np.arange"))
    ctx.count_op(result)
    return result


def _np_filled(name: str) -> Callable:
    def make(ctx: RunContext, args: Args, kwargs: Kwargs) -> np.ndarray:
        size = _sizes(args, f"np.{name}")
        check_numel(shape_numel(size), ctx.budgets)
        check_dims(len(size), ctx.budgets)
        dtype = _np_dtype(kwargs, f"np.{name}") or float
        result = (np.zeros if name == "zeros" else np.ones)(size, dtype=dtype)
        ctx.count_op(result)
        return result

    return make


def refuse_member(namespace: Namespace, attr: str) -> NotAllowed:
    """The error for `torch.load`, `np.save` and every other missing member."""
    return NotAllowed(
        f"`{namespace.name}.{attr}` is not available in the playground.",
        hint="See the list of supported functions under 'What can I type?'.",
    )


def node_view(node: object) -> NodeView:
    """A printable stand-in for a `grad_fn`."""
    name = type(node).__name__
    return NodeView(f"<{name} object>", name)


CREATORS = frozenset(f"torch.{n}" for n in (*_SPECIAL, *_LEGACY) if n not in (
    "manual_seed", "Generator", "device", "no_grad", "enable_grad", "set_grad_enabled",
    "is_tensor"))  # fmt: skip
