"""`torch.nn` and `torch.nn.init` as a program sees them: real layers, checked first.

Each layer is a table entry: the arguments it takes (in positional order) and, for
the ones that own tensors, how many elements those will have, so
`nn.Linear(10**6, 10**6)` is refused before PyTorch allocates anything. Modules
are built while the run's private generator stands in for the global one, so
`torch.manual_seed(s)` then `nn.Linear(3, 2)` gives plain PyTorch's weights.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

from ..core.context import RunContext
from ..core.errors import NotAllowed, ProgramError
from ..core.limits import check_numel
from ..core.text import to_text
from ..core.values import Builtin, SandboxObject, check_keywords
from .module_classes import module_base
from .nn_values import (
    ModuleValue,
    bind,
    register_new,
    whole,
)  # fmt: skip
from .private_rng import private_rng

Args = list[object]
Kwargs = dict[str, object]
Bound = dict[str, object]

_PLAIN = bool | int | float | str | type(None) | torch.dtype


@dataclass(frozen=True)
class LayerSpec:
    """One constructor: its argument names and the elements its tensors will take."""

    cls: type[nn.Module]
    params: tuple[str, ...] = ()
    size: Callable[[Bound], int] | None = None
    tensors: tuple[str, ...] = ()  # arguments that may be tensors (a loss's `weight`)
    random: bool = False  # its constructor draws random numbers (initial weights)


class LayerClass(SandboxObject):
    """`nn.Linear` and friends: callable to make a layer, printable as the class."""

    kind = "class"

    def __init__(self, spec: LayerSpec) -> None:
        self.spec = spec

    def __repr__(self) -> str:
        cls = self.spec.cls
        return f"<class '{cls.__module__}.{cls.__qualname__}'>"

    def call(self, interp, args: Args, kwargs: Kwargs) -> ModuleValue:
        return ModuleValue(construct(interp.ctx, self.spec, args, kwargs))

    def subclass(self, interp, name: str, members: dict[str, object]) -> SandboxObject:
        raise NotAllowed(
            f"Classes cannot inherit from nn.{self.spec.cls.__name__} in the playground.",
            hint="Subclass nn.Module and create the layer in __init__.",
        )

    def instance_check(self, value: object) -> bool:
        """`isinstance(value, nn.Linear)`."""
        return isinstance(value, ModuleValue) and isinstance(value.module, self.spec.cls)


def construct(ctx: RunContext, spec: LayerSpec, args: Args, kwargs: Kwargs) -> nn.Module:
    """Check the arguments and the size, then build the layer on the run's generator."""
    name = f"nn.{spec.cls.__name__}"
    bound = bind(name, spec.params, args, kwargs)
    for key, value in bound.items():
        tensor = key in spec.tensors and isinstance(value, torch.Tensor)
        if not (isinstance(value, _PLAIN) or _int_tuple(value) or tensor):
            raise ProgramError(f"{name}: `{key}` cannot be {to_text(value)[:40]}.")
    if "dtype" in bound and bound["dtype"] not in (None, torch.float32, torch.float64):
        raise ProgramError(f"{name}: dtype must be torch.float32 or torch.float64.")
    if spec.size is not None:
        check_numel(spec.size(bound), ctx.budgets, f"The parameters of {name}")
    try:
        if spec.random:
            with private_rng(ctx):
                module = spec.cls(**bound)
        else:
            module = spec.cls(**bound)
    except AssertionError as exc:  # some constructors check with `assert`
        raise ProgramError(f"{name}: {exc or 'invalid arguments'}.") from None
    register_new(ctx, module)
    return module


def _int_tuple(value: object) -> bool:
    return isinstance(value, tuple | list) and all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    )


def _linear_size(bound: Bound) -> int:
    inputs = whole(bound.get("in_features"), "nn.Linear: in_features")
    outputs = whole(bound.get("out_features"), "nn.Linear: out_features")
    return inputs * outputs + outputs


def _embedding_size(bound: Bound) -> int:
    count = whole(bound.get("num_embeddings"), "nn.Embedding: num_embeddings")
    return count * whole(bound.get("embedding_dim"), "nn.Embedding: embedding_dim")


def _window(value: object, what: str) -> tuple[int, int]:
    """A kernel size, stride, padding or dilation: one whole number or two."""
    sizes = [value, value] if isinstance(value, int) else value
    if not _int_tuple(sizes) or len(sizes) != 2:
        raise ProgramError(f"{what} must be a whole number or a pair of them.")
    return whole(sizes[0], what), whole(sizes[1], what)


def _conv_size(bound: Bound) -> int:
    inputs = whole(bound.get("in_channels"), "nn.Conv2d: in_channels")
    outputs = whole(bound.get("out_channels"), "nn.Conv2d: out_channels")
    rows, cols = _window(bound.get("kernel_size"), "nn.Conv2d: kernel_size")
    groups = bound.get("groups", 1)
    if isinstance(groups, bool) or not isinstance(groups, int) or groups < 1:
        raise ProgramError("nn.Conv2d: groups must be a whole number of at least 1.")
    for key in ("stride", "dilation") + (("padding",) if "padding" in bound else ()):
        if key in bound and not (key == "padding" and bound[key] in ("same", "valid")):
            _window(bound[key], f"nn.Conv2d: {key}")
    return outputs * (inputs // groups) * rows * cols + outputs


def _pool_size(bound: Bound) -> int:
    for key in ("kernel_size", "stride", "padding", "dilation"):
        if bound.get(key) is not None:
            _window(bound[key], f"pooling {key}")
    return 0


def _norm_size(bound: Bound) -> int:
    return 4 * whole(bound.get("num_features"), "nn.BatchNorm1d: num_features")


def _layer_norm_size(bound: Bound) -> int:
    shape = bound.get("normalized_shape")
    sizes = [shape] if isinstance(shape, int) else shape
    if not _int_tuple(sizes) or not 1 <= len(sizes) <= 4:
        raise ProgramError("nn.LayerNorm: normalized_shape must be a size or 1 to 4 sizes.")
    return 2 * math.prod(whole(s, "nn.LayerNorm: normalized_shape") for s in sizes)


_INPLACE = ("inplace",)
_REDUCTION = ("reduction",)
LAYERS: dict[str, LayerSpec] = {
    "Linear": LayerSpec(
        nn.Linear, ("in_features", "out_features", "bias", "dtype"), _linear_size, random=True
    ),
    "Embedding": LayerSpec(
        nn.Embedding,
        ("num_embeddings", "embedding_dim", "padding_idx", "dtype"),
        _embedding_size,
        random=True,
    ),
    "BatchNorm1d": LayerSpec(
        nn.BatchNorm1d,
        ("num_features", "eps", "momentum", "affine", "track_running_stats"),
        _norm_size,
    ),
    "LayerNorm": LayerSpec(
        nn.LayerNorm, ("normalized_shape", "eps", "elementwise_affine", "bias"), _layer_norm_size
    ),
    "Conv2d": LayerSpec(
        nn.Conv2d,
        (
            "in_channels",
            "out_channels",
            "kernel_size",
            "stride",
            "padding",
            "dilation",
            "groups",
            "bias",
            "padding_mode",
            "dtype",
        ),
        _conv_size,
        random=True,
    ),
    "MaxPool2d": LayerSpec(
        nn.MaxPool2d, ("kernel_size", "stride", "padding", "dilation", "ceil_mode"), _pool_size
    ),
    "AvgPool2d": LayerSpec(
        nn.AvgPool2d,
        ("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad"),
        _pool_size,
    ),
    "ReLU": LayerSpec(nn.ReLU, _INPLACE),
    "ReLU6": LayerSpec(nn.ReLU6, _INPLACE),
    "Tanh": LayerSpec(nn.Tanh),
    "Sigmoid": LayerSpec(nn.Sigmoid),
    "Softmax": LayerSpec(nn.Softmax, ("dim",)),
    "LogSoftmax": LayerSpec(nn.LogSoftmax, ("dim",)),
    "Softplus": LayerSpec(nn.Softplus, ("beta", "threshold")),
    "GELU": LayerSpec(nn.GELU, ("approximate",)),
    "ELU": LayerSpec(nn.ELU, ("alpha", "inplace")),
    "SiLU": LayerSpec(nn.SiLU, _INPLACE),
    "LeakyReLU": LayerSpec(nn.LeakyReLU, ("negative_slope", "inplace")),
    "Identity": LayerSpec(nn.Identity),
    "Flatten": LayerSpec(nn.Flatten, ("start_dim", "end_dim")),
    "Dropout": LayerSpec(nn.Dropout, ("p", "inplace")),
    "MSELoss": LayerSpec(nn.MSELoss, _REDUCTION),
    "L1Loss": LayerSpec(nn.L1Loss, _REDUCTION),
    "SmoothL1Loss": LayerSpec(nn.SmoothL1Loss, ("reduction", "beta")),
    "HuberLoss": LayerSpec(nn.HuberLoss, ("reduction", "delta")),
    "CrossEntropyLoss": LayerSpec(
        nn.CrossEntropyLoss,
        ("weight", "ignore_index", "reduction", "label_smoothing"),
        tensors=("weight",),
    ),
    "NLLLoss": LayerSpec(nn.NLLLoss, ("weight", "ignore_index", "reduction"), tensors=("weight",)),
    "BCELoss": LayerSpec(nn.BCELoss, ("weight", "reduction"), tensors=("weight",)),
    "BCEWithLogitsLoss": LayerSpec(
        nn.BCEWithLogitsLoss,
        ("weight", "reduction", "pos_weight"),
        tensors=("weight", "pos_weight"),
    ),
}


class ContainerClass(SandboxObject):
    """`nn.Sequential(layer, ...)` and `nn.ModuleList([layer, ...])`."""

    kind = "class"

    def __init__(self, cls: type[nn.Sequential] | type[nn.ModuleList]) -> None:
        self.cls = cls

    def __repr__(self) -> str:
        return f"<class '{self.cls.__module__}.{self.cls.__qualname__}'>"

    def call(self, interp, args: Args, kwargs: Kwargs) -> ModuleValue:
        name = f"nn.{self.cls.__name__}"
        check_keywords(f"{name}()", kwargs, ("modules",) if self.cls is nn.ModuleList else ())
        if self.cls is nn.ModuleList:
            items = [*args, *kwargs.values()]
            if len(items) > 1:
                raise ProgramError("nn.ModuleList takes one list of modules.")
            layers = list(items[0]) if items and isinstance(items[0], list | tuple) else items
            if items and not isinstance(items[0], list | tuple):
                raise ProgramError("nn.ModuleList takes a list of modules.")
        else:
            layers = list(args)
        if not all(isinstance(layer, ModuleValue) for layer in layers):
            raise ProgramError(f"{name} takes modules (layers), e.g. nn.Linear(2, 3).")
        module = self.cls(*[layer.module for layer in layers]) if self.cls is nn.Sequential else (
            self.cls([layer.module for layer in layers])
        )  # fmt: skip
        register_new(interp.ctx, module)
        return ModuleValue(module)

    def subclass(self, interp, name: str, members: dict[str, object]) -> SandboxObject:
        raise NotAllowed(f"Classes cannot inherit from nn.{self.cls.__name__} in the playground.")

    def instance_check(self, value: object) -> bool:
        return isinstance(value, ModuleValue) and isinstance(value.module, self.cls)


def _parameter(ctx: RunContext, args: Args, kwargs: Kwargs) -> nn.Parameter:
    bound = bind("nn.Parameter", ("data", "requires_grad"), args, kwargs)
    data = bound.get("data")
    if not isinstance(data, torch.Tensor):
        raise ProgramError("nn.Parameter takes a tensor, e.g. nn.Parameter(torch.randn(3)).")
    requires_grad = bound.get("requires_grad", True)
    if not isinstance(requires_grad, bool):
        raise ProgramError("requires_grad must be True or False.")
    return nn.Parameter(data, requires_grad=requires_grad)


def nn_members() -> dict[str, object]:
    """The members of `torch.nn` (its `init` and `functional` come from `modules`)."""
    members: dict[str, object] = {name: LayerClass(spec) for name, spec in LAYERS.items()}
    members["Sequential"] = ContainerClass(nn.Sequential)
    members["ModuleList"] = ContainerClass(nn.ModuleList)
    members["Parameter"] = Builtin("torch.nn.Parameter", _parameter, frozenset({"requires_grad"}))
    members["Module"] = module_base()
    return members


# -- torch.nn.init ------------------------------------------------------------------

# name -> (accepted argument names after the tensor, draws random numbers)
INIT: dict[str, tuple[tuple[str, ...], bool]] = {
    "zeros_": ((), False),
    "ones_": ((), False),
    "constant_": (("val",), False),
    "eye_": ((), False),
    "uniform_": (("a", "b"), True),
    "normal_": (("mean", "std"), True),
    "trunc_normal_": (("mean", "std", "a", "b"), True),
    "xavier_uniform_": (("gain",), True),
    "xavier_normal_": (("gain",), True),
    "kaiming_uniform_": (("a", "mode", "nonlinearity"), True),
    "kaiming_normal_": (("a", "mode", "nonlinearity"), True),
    "orthogonal_": (("gain",), True),
}


def _init_fn(name: str, params: tuple[str, ...], random: bool) -> Callable:
    fn = getattr(nn.init, name)

    def initialise(ctx: RunContext, args: Args, kwargs: Kwargs) -> torch.Tensor:
        what = f"nn.init.{name}"
        bound = bind(what, ("tensor", *params), args, kwargs)
        tensor = bound.pop("tensor", None)
        if not isinstance(tensor, torch.Tensor):
            raise ProgramError(f"{what} takes a tensor first, e.g. {what}(layer.weight).")
        if not all(isinstance(v, bool | int | float | str) for v in bound.values()):
            raise ProgramError(f"{what} takes numbers (and names of nonlinearities).")
        extra = {"generator": ctx.generator} if random else {}
        return fn(tensor, **bound, **extra)

    return initialise


def _calculate_gain(ctx: RunContext, args: Args, kwargs: Kwargs) -> float:
    bound = bind("nn.init.calculate_gain", ("nonlinearity", "param"), args, kwargs)
    if not all(isinstance(v, str | int | float | type(None)) for v in bound.values()):
        raise ProgramError("nn.init.calculate_gain takes a nonlinearity name and a number.")
    return nn.init.calculate_gain(**bound)


def init_members() -> dict[str, object]:
    """The members of `torch.nn.init`: random ones draw from the run's generator."""
    members: dict[str, object] = {
        name: Builtin(f"torch.nn.init.{name}", _init_fn(name, params, random), frozenset(params))
        for name, (params, random) in INIT.items()
    }
    members["calculate_gain"] = Builtin(
        "torch.nn.init.calculate_gain", _calculate_gain, frozenset({"nonlinearity", "param"})
    )
    return members
