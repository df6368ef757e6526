"""A real `torch.nn.Module` behind a facade: what `model.x` and `model(x)` may do.

The program holds a `ModuleValue`, never the module: its attributes are the
module's registered parameters, buffers and child modules (read from PyTorch's
own tables by key), a few plain settings (`in_features`), and the methods listed
in `METHODS`. Calling a built-in layer checks that the inputs are tensors and
predicts the result's size before PyTorch computes it; containers are run layer
by layer through the same checks, so every layer's result is counted and traced.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import torch
from torch import nn

from ..core.context import RunContext
from ..core.errors import BudgetExceeded, NotAllowed, ProgramError
from ..core.limits import broadcast_numel, check_numel, shape_bound
from ..core.text import array_text, to_text
from ..core.values import SandboxObject, check_keywords, type_name
from .private_rng import private_rng

Args = list[object]
Kwargs = dict[str, object]

# On a layer's output tensor: the layer that made it (read when the graph is drawn).
LAYER = "_playground_layer"
# Where a module keeps its facade (a plain instance attribute, invisible to PyTorch).
_VALUE = "_playground_value"
# Each module counts as this many list items against the run's total budget (8 KB:
# an empty `nn.Module` is a few kilobytes of dictionaries), so a loop cannot make
# millions; a run may make about 8,000.
MODULE_COST = 2000

# Settings a learner reads (`layer.in_features`); only plain data is handed back.
PLAIN_ATTRIBUTES = frozenset(
    {
        "in_features", "out_features", "num_embeddings", "embedding_dim", "padding_idx",
        "p", "inplace", "negative_slope", "dim", "start_dim", "end_dim", "reduction",
        "ignore_index", "label_smoothing", "eps", "momentum", "num_features",
        "normalized_shape", "affine", "training", "beta", "threshold", "alpha",
        "approximate", "delta", "elementwise_affine", "track_running_stats",
    }
)  # fmt: skip
_PLAIN = bool | int | float | str | type(None)


@dataclass(eq=False)
class Method(SandboxObject):
    """A method of one of our values, bound to it: `fn(interp, args, kwargs)`."""

    owner: str
    name: str
    fn: Callable[[object, Args, Kwargs], object]
    kind = "method"

    def call(self, interp, args: Args, kwargs: Kwargs) -> object:
        return self.fn(interp, args, kwargs)

    def __repr__(self) -> str:
        return f"<bound method {self.owner}.{self.name}>"


def bind(what: str, names: tuple[str, ...], args: Args, kwargs: Kwargs) -> dict[str, object]:
    """Positional and keyword arguments matched to `names`, as Python would."""
    if len(args) > len(names):
        raise ProgramError(
            f"{what}() takes at most {len(names)} arguments, got {len(args)}.",
            python_type="TypeError",
        )
    check_keywords(f"{what}()", kwargs, names)
    bound = dict(zip(names, args, strict=False))
    for key, value in kwargs.items():
        if key in bound:
            raise ProgramError(f"{what}() got `{key}` twice.")
        bound[key] = value
    return bound


def whole(value: object, what: str) -> int:
    """A size argument: a non-negative whole number (checked before anything is made)."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ProgramError(f"{what} must be a non-negative whole number.")
    return value


def check_flag(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise ProgramError(f"{what} must be True or False.")
    return value


def value_of(module: nn.Module) -> ModuleValue:
    """The program's handle on `module`: one per module, so `m[0] is m[0]`."""
    found = module.__dict__.get(_VALUE)
    if found is None:
        found = ModuleValue(module)
    return found


def register_new(ctx: RunContext, module: nn.Module) -> None:
    """Count a module the program just made, and its own tensors, against the budgets."""
    ctx.count_items(MODULE_COST)
    if ctx.float64:  # the gradient check runs everything in double precision
        module.double()
    for tensor in (*module.parameters(recurse=False), *module.buffers(recurse=False)):
        ctx.count_elements(tensor)


class ModuleValue(SandboxObject):
    """The facade of one real module (a layer, a loss, a container, a user's model)."""

    def __init__(self, module: nn.Module) -> None:
        self.module = module
        module.__dict__[_VALUE] = self

    @property
    def kind(self) -> str:  # type: ignore[override]
        return type(self.module).__name__

    def __repr__(self) -> str:
        return repr(self.module)

    # -- attributes -----------------------------------------------------------

    def get_attribute(self, interp, name: str) -> object:
        found = registered(self.module, name)
        if found is not NOT_REGISTERED:
            return found
        if name in METHODS:
            return Method(self.kind, name, _bound(METHODS[name], self))
        if name in LIST_METHODS and isinstance(self.module, nn.Sequential | nn.ModuleList):
            return Method(self.kind, name, _bound(LIST_METHODS[name], self))
        if name in PLAIN_ATTRIBUTES and name in vars(self.module):
            value = getattr(self.module, name)
            if isinstance(value, _PLAIN) or _is_int_tuple(value):
                return value
        raise NotAllowed(f"`.{name}` of {self.kind} is not available in the playground.")

    def set_attribute(self, interp, name: str, value: object) -> None:
        """`layer.weight = nn.Parameter(...)`, `model.fc = nn.Linear(...)`: as PyTorch."""
        module = self.module
        if name in module._parameters and isinstance(value, nn.Parameter | type(None)):
            setattr(module, name, value)
        elif name in module._modules and isinstance(value, ModuleValue):
            setattr(module, name, value.module)
        else:
            raise NotAllowed(
                f"`.{name}` of {self.kind} cannot be assigned in the playground.",
                hint="A layer's weight and bias take an nn.Parameter; define your own "
                "nn.Module subclass for other attributes.",
            )

    # -- calling, containers ----------------------------------------------------

    def call(self, interp, args: Args, kwargs: Kwargs) -> object:
        return call_module(interp, self.module, args, kwargs)

    def length(self, interp=None) -> int:
        """`len(model)` for Sequential and ModuleList."""
        return len(_container(self.module, "len()"))

    def get_item(self, interp, index: object) -> object:
        """`model[0]`, `model[-1]`, `model[1:]` (a new container, counted)."""
        module = _container(self.module, "Indexing")
        if isinstance(index, bool) or not isinstance(index, int | slice):
            raise ProgramError(f"{self.kind} indices must be whole numbers or slices.")
        found = module[index]
        if isinstance(index, slice):
            register_new(interp.ctx, found)
        return value_of(found)

    def iterate(self, interp) -> Iterator[object]:
        """`for layer in model:` over Sequential and ModuleList."""
        return iter([value_of(m) for m in _container(self.module, "Looping")])


def _is_int_tuple(value: object) -> bool:
    return isinstance(value, tuple) and all(isinstance(v, int) for v in value)


def _container(module: nn.Module, what: str) -> nn.Sequential | nn.ModuleList:
    if not isinstance(module, nn.Sequential | nn.ModuleList):
        raise ProgramError(f"{what} works on nn.Sequential and nn.ModuleList, not on "
                           f"{type(module).__name__}.")  # fmt: skip
    return module


NOT_REGISTERED = object()  # `registered`'s answer for a name in none of the tables


def registered(module: nn.Module, name: str) -> object:
    """A parameter, buffer or child module registered under `name` (None for a
    registered empty one: `nn.Linear(3, 1, bias=False).bias`), else `NOT_REGISTERED`.

    Read from PyTorch's own tables by key: a program's string never reaches `getattr`.
    """
    for table in (module._parameters, module._buffers):
        if name in table:
            return table[name]
    if name not in module._modules:
        return NOT_REGISTERED
    child = module._modules[name]
    return None if child is None else value_of(child)


def check_no_cycle(parent: nn.Module, child: nn.Module) -> None:
    """A module may not contain itself: printing or calling it would never end."""
    if any(m is parent for m in child.modules()):
        raise ProgramError(f"A {type(parent).__name__} cannot contain itself.")


def _bound(fn: Callable, owner: ModuleValue) -> Callable[[object, Args, Kwargs], object]:
    return lambda interp, args, kwargs: fn(interp, owner, args, kwargs)


# -- methods ------------------------------------------------------------------


class Generated(list):
    """What `model.parameters()` and friends give: PyTorch gives a generator, printed
    as `<generator object Module.parameters at 0x...>`; a list that prints the same
    loops, unpacks and converts as the generator would."""

    def __init__(self, name: str, items: object) -> None:
        super().__init__(items)
        self.name = name

    def __repr__(self) -> str:
        return f"<generator object Module.{self.name} at {id(self):#x}>"

    __str__ = __repr__


def _no_args(what: str, args: Args, kwargs: Kwargs) -> None:
    if args or kwargs:
        raise ProgramError(f"{what}() takes no arguments here.")


def _recurse(what: str, args: Args, kwargs: Kwargs) -> bool:
    bound = bind(what, ("recurse",), args, kwargs)
    return check_flag(bound.get("recurse", True), "recurse")


def _parameters(interp, owner: ModuleValue, args: Args, kwargs: Kwargs) -> list:
    # PyTorch gives a generator; a list loops and prints the same way in a program.
    return Generated("parameters", owner.module.parameters(_recurse("parameters", args, kwargs)))


def _named_parameters(interp, owner: ModuleValue, args: Args, kwargs: Kwargs) -> list:
    recurse = _recurse("named_parameters", args, kwargs)
    return Generated("named_parameters", owner.module.named_parameters(recurse=recurse))


def _buffers(interp, owner: ModuleValue, args: Args, kwargs: Kwargs) -> list:
    return Generated("buffers", owner.module.buffers(_recurse("buffers", args, kwargs)))


def _named_buffers(interp, owner: ModuleValue, args: Args, kwargs: Kwargs) -> list:
    recurse = _recurse("named_buffers", args, kwargs)
    return Generated("named_buffers", owner.module.named_buffers(recurse=recurse))


def _children(interp, owner: ModuleValue, args: Args, kwargs: Kwargs) -> list:
    _no_args("children", args, kwargs)
    return Generated("children", [value_of(m) for m in owner.module.children()])


def _named_children(interp, owner: ModuleValue, args: Args, kwargs: Kwargs) -> list:
    _no_args("named_children", args, kwargs)
    return Generated("named_children", [(n, value_of(m)) for n, m in owner.module.named_children()])


def _modules(interp, owner: ModuleValue, args: Args, kwargs: Kwargs) -> list:
    _no_args("modules", args, kwargs)
    return Generated("modules", [value_of(m) for m in owner.module.modules()])


def _named_modules(interp, owner: ModuleValue, args: Args, kwargs: Kwargs) -> list:
    _no_args("named_modules", args, kwargs)
    return Generated("named_modules", [(n, value_of(m)) for n, m in owner.module.named_modules()])


def _zero_grad(interp, owner: ModuleValue, args: Args, kwargs: Kwargs) -> None:
    bound = bind("zero_grad", ("set_to_none",), args, kwargs)
    owner.module.zero_grad(set_to_none=check_flag(bound.get("set_to_none", True), "set_to_none"))


def _train(interp, owner: ModuleValue, args: Args, kwargs: Kwargs) -> ModuleValue:
    bound = bind("train", ("mode",), args, kwargs)
    owner.module.train(check_flag(bound.get("mode", True), "mode"))
    return owner


def _eval(interp, owner: ModuleValue, args: Args, kwargs: Kwargs) -> ModuleValue:
    _no_args("eval", args, kwargs)
    owner.module.eval()
    return owner


def _requires_grad_(interp, owner: ModuleValue, args: Args, kwargs: Kwargs) -> ModuleValue:
    bound = bind("requires_grad_", ("requires_grad",), args, kwargs)
    owner.module.requires_grad_(check_flag(bound.get("requires_grad", True), "requires_grad"))
    return owner


def _forward(interp, owner: ModuleValue, args: Args, kwargs: Kwargs) -> object:
    return call_module(interp, owner.module, args, kwargs, hooks=False)


class StateDict(OrderedDict):
    """What `state_dict()` gives: names to detached tensors (sharing storage, as in
    PyTorch), printed as PyTorch's `OrderedDict` prints but with each tensor's text
    bounded (a parameter of shape (2,) * 19 would print half a million numbers)."""

    def __repr__(self) -> str:
        items = ", ".join(f"({key!r}, {array_text(value)})" for key, value in self.items())
        return f"OrderedDict([{items}])"

    __str__ = __repr__


def _state_dict(interp, owner: ModuleValue, args: Args, kwargs: Kwargs) -> StateDict:
    """A fresh mapping built from PyTorch's (whose `_metadata` and hooks stay behind)."""
    _no_args("state_dict", args, kwargs)
    return StateDict((k, v) for k, v in owner.module.state_dict().items())


def _load_state_dict(interp, owner: ModuleValue, args: Args, kwargs: Kwargs) -> object:
    bound = bind("load_state_dict", ("state_dict", "strict"), args, kwargs)
    state = bound.get("state_dict")
    if not isinstance(state, dict) or not all(
        isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in state.items()
    ):
        raise ProgramError("load_state_dict takes a dict of names to tensors (a state_dict()).")
    strict = check_flag(bound.get("strict", True), "strict")
    # PyTorch's answer prints as `<All keys matched successfully>`: its text is handed back.
    return repr(owner.module.load_state_dict(OrderedDict(state), strict=strict))


def _to(interp, owner: ModuleValue, args: Args, kwargs: Kwargs) -> ModuleValue:
    """`.to("cpu")`, `.to(torch.float64)`, `.to(device)`: CPU is the only device."""
    check_keywords("to()", kwargs, ("dtype", "device"))
    for arg in (*args, *kwargs.values()):
        if isinstance(arg, torch.dtype):
            if not arg.is_floating_point:
                raise ProgramError("nn.Module.to() takes a floating dtype.")
            owner.module.to(arg)
        elif not (arg == "cpu" if isinstance(arg, str) else _is_cpu(arg)):
            raise ProgramError(
                f"Only the CPU is available in the playground, not {to_text(arg)[:40]}."
            )
    return owner


def _is_cpu(value: object) -> bool:
    return isinstance(value, torch.device) and value.type == "cpu"


def _as(dtype: torch.dtype, name: str) -> Callable:
    def convert(interp, owner: ModuleValue, args: Args, kwargs: Kwargs) -> ModuleValue:
        _no_args(name, args, kwargs)
        owner.module.to(dtype)
        return owner

    return convert


def _cpu(interp, owner: ModuleValue, args: Args, kwargs: Kwargs) -> ModuleValue:
    _no_args("cpu", args, kwargs)
    return owner


def _apply(interp, owner: ModuleValue, args: Args, kwargs: Kwargs) -> ModuleValue:
    """`model.apply(fn)`: `fn` called on every submodule, children first, as PyTorch."""
    if len(args) != 1 or kwargs:
        raise ProgramError("apply() takes one function.")
    for module in _post_order(owner.module):
        interp.call(args[0], [value_of(module)], {})
    return owner


def _post_order(module: nn.Module) -> list[nn.Module]:
    """Submodules in the order `nn.Module.apply` visits them, without recursion."""
    order: list[nn.Module] = []
    seen: set[int] = set()
    stack: list[tuple[nn.Module, bool]] = [(module, False)]
    while stack:
        current, expanded = stack.pop()
        if expanded:
            order.append(current)
            continue
        if id(current) in seen:  # a layer shared by two containers is visited once
            continue
        seen.add(id(current))
        stack.append((current, True))
        stack.extend((c, False) for c in reversed(list(current.children())))
    return order


def _append(interp, owner: ModuleValue, args: Args, kwargs: Kwargs) -> ModuleValue:
    if len(args) != 1 or kwargs or not isinstance(args[0], ModuleValue):
        raise ProgramError("append() takes one module.")
    check_no_cycle(owner.module, args[0].module)
    owner.module.append(args[0].module)
    return owner


METHODS: dict[str, Callable] = {
    "parameters": _parameters, "named_parameters": _named_parameters,
    "buffers": _buffers, "named_buffers": _named_buffers,
    "children": _children, "named_children": _named_children,
    "modules": _modules, "named_modules": _named_modules,
    "zero_grad": _zero_grad, "train": _train, "eval": _eval,
    "requires_grad_": _requires_grad_, "forward": _forward,
    "state_dict": _state_dict, "load_state_dict": _load_state_dict,
    "to": _to, "cpu": _cpu, "float": _as(torch.float32, "float"),
    "double": _as(torch.float64, "double"), "apply": _apply,
}  # fmt: skip
LIST_METHODS: dict[str, Callable] = {"append": _append}


# -- calling a module -----------------------------------------------------------


def call_module(
    interp, module: nn.Module, args: Args, kwargs: Kwargs, hooks: bool = True
) -> object:
    """`module(*args)` for any module a program holds, through the checks.

    Containers run their layers one by one through here; a user's module runs its
    `forward` in the interpreter; a built-in layer gets tensors only, its result's
    size predicted first, and Dropout draws from the run's generator.
    """
    if isinstance(module, nn.Sequential):
        if len(args) != 1 or kwargs:
            raise ProgramError("nn.Sequential takes one input.", python_type="TypeError")
        result = args[0]
        for layer in module:
            result = call_module(interp, layer, [result], {})
        return result
    runner = getattr(type(module), "playground_forward", None)
    if runner is not None:  # a user's nn.Module subclass
        return runner(module, interp, args, kwargs, hooks)
    spec = LAYER_CALLS.get(type(module))
    if spec is None:
        raise ProgramError(f"{type(module).__name__} cannot be called.")
    return _call_layer(interp.ctx, module, spec, args, kwargs)


@dataclass(frozen=True)
class LayerCall:
    """How to check a call of one built-in layer type."""

    inputs: int  # how many tensors it takes
    predict: Callable[[nn.Module, Args], int]  # an upper bound on the result's elements
    random: bool = False  # draws from the RNG when training (Dropout)
    # Multiply-adds it will do, where that can far exceed its result's size (a
    # convolution reads a whole window for each output element), all of it in C.
    work: Callable[[nn.Module, Args], int] | None = None


# Multiply-adds one layer call may do, per element of the per-tensor budget: 200 x
# 1,000,000 is about a tenth of a second of one core.
WORK_PER_ELEMENT = 200


def _call_layer(ctx: RunContext, module: nn.Module, spec: LayerCall, args: Args, kwargs: Kwargs):
    name = type(module).__name__
    if kwargs or len(args) != spec.inputs or not all(isinstance(a, torch.Tensor) for a in args):
        count = "one tensor" if spec.inputs == 1 else f"{spec.inputs} tensors"
        got = ", ".join(type_name(a) for a in args) + (", keywords" if kwargs else "")
        raise ProgramError(f"{name} takes {count}, got ({got}).", python_type="TypeError")
    check_numel(spec.predict(module, args), ctx.budgets, f"The result of {name}")
    if spec.work is not None:
        work, limit = spec.work(module, args), ctx.budgets.tensor_elements * WORK_PER_ELEMENT
        if work > limit:
            raise BudgetExceeded(
                f"{name} would do {work:,} multiply-adds or comparisons; the limit is {limit:,}.",
                hint="Use smaller images, fewer channels or smaller kernels.",
            )
    if spec.random and module.training:
        with private_rng(ctx):
            result = module(*args)
    else:
        result = module(*args)
    ctx.count_op(result)
    operands = (*args, *module.parameters(recurse=False))
    ctx.tracer.record(result, operands)
    if isinstance(result, torch.Tensor):
        setattr(result, LAYER, module)  # the graph labels this op with the layer's name
    return result


def _same(module: nn.Module, args: Args) -> int:
    return args[0].numel()


def _linear(module: nn.Linear, args: Args) -> int:
    return shape_bound(args[0].shape[:-1]) * module.out_features


def _embedding(module: nn.Embedding, args: Args) -> int:
    return shape_bound(args[0].shape) * module.embedding_dim


def _two_inputs(module: nn.Module, args: Args) -> int:
    """A loss: at most the broadcast of its two inputs (reduction='none')."""
    a, b = args
    return max(a.numel(), b.numel(), broadcast_numel(a.shape, b.shape))


def _two(value: object) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else (int(value[0]), int(value[1]))


def _window_out(size: int, kernel: int, stride: int, padding: int, dilation: int, ceil: bool):
    """Output length of a convolution or pooling window sliding over `size`."""
    room = size + 2 * padding - dilation * (kernel - 1) - 1
    if room < 0 or stride < 1:
        return 0  # PyTorch refuses it before allocating
    return (-(-room // stride) if ceil else room // stride) + 1


def _grid(module: nn.Module, args: Args) -> tuple[int, int, int]:
    """(batch x channels in, output height, output width) for a 2-D window layer."""
    x = args[0]
    if x.dim() not in (3, 4):
        return 0, 0, 0  # PyTorch refuses other ranks
    height, width = x.shape[-2], x.shape[-1]
    kernel, stride = _two(module.kernel_size), _two(module.stride or module.kernel_size)
    dilation = _two(getattr(module, "dilation", 1))
    ceil = bool(getattr(module, "ceil_mode", False))
    padding = module.padding
    if padding == "same":
        return x.shape[0] if x.dim() == 4 else 1, height, width
    padding = (0, 0) if padding == "valid" else _two(padding)
    rows = _window_out(height, kernel[0], stride[0], padding[0], dilation[0], ceil)
    cols = _window_out(width, kernel[1], stride[1], padding[1], dilation[1], ceil)
    return x.shape[0] if x.dim() == 4 else 1, rows, cols


def _conv(module: nn.Conv2d, args: Args) -> int:
    batch, rows, cols = _grid(module, args)
    return batch * module.out_channels * rows * cols


def _conv_work(module: nn.Conv2d, args: Args) -> int:
    kernel = _two(module.kernel_size)
    return _conv(module, args) * (module.in_channels // module.groups) * kernel[0] * kernel[1]


def _pool(module: nn.Module, args: Args) -> int:
    batch, rows, cols = _grid(module, args)
    channels = args[0].shape[-3] if args[0].dim() in (3, 4) else 0
    return batch * channels * rows * cols if args[0].dim() == 4 else channels * rows * cols


def _pool_work(module: nn.Module, args: Args) -> int:
    kernel = _two(module.kernel_size)
    return _pool(module, args) * kernel[0] * kernel[1]


_ELEMENTWISE = (
    nn.ReLU, nn.ReLU6, nn.Tanh, nn.Sigmoid, nn.Softmax, nn.LogSoftmax, nn.Softplus,
    nn.GELU, nn.ELU, nn.SiLU, nn.LeakyReLU, nn.Identity, nn.Flatten, nn.BatchNorm1d,
    nn.LayerNorm,
)  # fmt: skip
_LOSSES = (
    nn.MSELoss, nn.L1Loss, nn.SmoothL1Loss, nn.HuberLoss, nn.CrossEntropyLoss, nn.NLLLoss,
    nn.BCELoss, nn.BCEWithLogitsLoss,
)  # fmt: skip
LAYER_CALLS: dict[type, LayerCall] = {
    nn.Linear: LayerCall(1, _linear),
    nn.Embedding: LayerCall(1, _embedding),
    nn.Dropout: LayerCall(1, _same, random=True),
    nn.Conv2d: LayerCall(1, _conv, work=_conv_work),
    nn.MaxPool2d: LayerCall(1, _pool, work=_pool_work),
    nn.AvgPool2d: LayerCall(1, _pool, work=_pool_work),
    **{cls: LayerCall(1, _same) for cls in _ELEMENTWISE},
    **{cls: LayerCall(2, _two_inputs) for cls in _LOSSES},
}


def owned_tensors(scope: dict[str, object]) -> list[tuple[str, torch.Tensor]]:
    """The parameters and buffers of the models a program left in `scope`, named by
    their module path (`model.0.weight`, `net.fc1.bias`), for the run's description."""
    found: list[tuple[str, torch.Tensor]] = []
    for name, value in scope.items():
        if isinstance(value, ModuleValue):
            module = value.module
            for path, tensor in (*module.named_parameters(), *module.named_buffers()):
                found.append((f"{name}.{path}", tensor))
    return found


def module_paths(scope: dict[str, object]) -> dict[int, str]:
    """`id(module)` -> its name in the program (`model.0`, `net.fc1`), for graph labels."""
    paths: dict[int, str] = {}
    for name, value in scope.items():
        if isinstance(value, ModuleValue):
            for path, module in value.module.named_modules(prefix=name):
                paths.setdefault(id(module), path)
    return paths


def layer_of(tensor: object) -> nn.Module | None:
    """The built-in layer whose call produced `tensor`, if one did."""
    return getattr(tensor, LAYER, None) if isinstance(tensor, torch.Tensor) else None
