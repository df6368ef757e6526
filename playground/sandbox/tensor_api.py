"""The allow-list of tensor attributes and methods, with their size checks."""

from __future__ import annotations

import torch

# `backward(gradient)` compares shapes with a helper whose first use imports sympy:
# files read and a global warnings filter added in the middle of a program's run.
# Paid here, when the sandbox is imported, instead.
import torch.fx.experimental.symbolic_shapes

from .backward_cost import check_backward_cost
from .backward_steps import all_nodes, recorded_backward
from .context import RunContext
from .errors import NotAllowed, ProgramError
from .limits import broadcast_bound, broadcast_numel, check_dims, check_numel
from .torch_api import check_plain, node_view

# Method name -> keyword arguments it accepts.
METHODS: dict[str, frozenset[str]] = {
    name: frozenset(kws)
    for name, kws in {
        "t": (), "sum": ("dim", "keepdim"), "mean": ("dim", "keepdim"), "pow": (),
        "exp": (), "log": (), "tanh": (), "sigmoid": (), "relu": (), "abs": (),
        "sqrt": (), "sin": (), "cos": (), "backward": ("retain_graph", "gradient"),
        "zero_": (), "item": (), "numel": (), "retain_grad": (), "detach": (),
        "requires_grad_": ("requires_grad",), "reshape": (), "view": (), "size": (),
        "dim": (), "clone": (), "float": (), "double": (), "square": (), "neg": (),
        "norm": ("dim", "keepdim"),
    }.items()
}  # fmt: skip

SETTABLE = frozenset({"requires_grad", "grad", "data"})


def get_attribute(tensor: torch.Tensor, attr: str) -> object:
    """Read an allow-listed attribute; never `getattr` with an unchecked name."""
    if attr == "grad":
        # Reading .grad of a non-leaf only earns a warning from PyTorch; answer
        # None directly (the same value) so stderr stays quiet.
        if not tensor.is_leaf and not tensor.retains_grad:
            return None
        return tensor.grad
    if attr == "grad_fn":
        return None if tensor.grad_fn is None else node_view(tensor.grad_fn)
    getter = _ATTRIBUTES.get(attr)
    if getter is None:
        raise NotAllowed(f"`.{attr}` is not available on tensors in the playground.")
    return getter(tensor)


_ATTRIBUTES = {
    "data": lambda t: t.data,
    "shape": lambda t: t.shape,
    # What `t.T` does in PyTorch (a PermuteBackward0 node at every rank), without its
    # deprecation warning on tensors that are not 2-D.
    "T": lambda t: t.permute(tuple(reversed(range(t.dim())))),
    "requires_grad": lambda t: t.requires_grad,
    "is_leaf": lambda t: t.is_leaf,
    "dtype": lambda t: t.dtype,
    "ndim": lambda t: t.dim(),
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
    """Call an allow-listed tensor method after checking its inputs."""
    allowed = METHODS[name]
    unknown = set(kwargs) - allowed
    if unknown:
        raise ProgramError(f"`.{name}()` does not accept `{sorted(unknown)[0]}=` here.")
    check_plain(list(args) + list(kwargs.values()), f".{name}()", ctx)
    if name == "pow" and args and broadcast_bound(tensor, args[0]) > ctx.budgets.tensor_elements:
        check_numel(
            broadcast_numel(tensor.shape, getattr(args[0], "shape", ())),
            ctx.budgets,
        )
    if name in ("reshape", "view"):
        _check_new_shape(ctx, tensor, args)
    if name == "backward":
        return _backward(ctx, tensor, args, kwargs)
    return getattr(tensor, name)(*args, **kwargs)


def _check_new_shape(ctx: RunContext, tensor: torch.Tensor, args: list) -> None:
    """`.reshape(...)` / `.view(...)`: the rank, and the elements of `.view(dtype)`."""
    if len(args) == 1 and isinstance(args[0], torch.dtype):
        # float64 -> bool: eight elements for each one.
        check_numel(tensor.numel() * tensor.element_size() // args[0].itemsize, ctx.budgets)
        return
    sizes = args[0] if len(args) == 1 and isinstance(args[0], list | tuple) else args
    check_dims(len(sizes), ctx.budgets)


STEP_THROUGH_NODES = 400  # larger graphs run backward without recording its steps


def _backward(ctx: RunContext, tensor: torch.Tensor, args: list, kwargs: dict) -> None:
    """`tensor.backward()`, recording the engine's steps when the graph is small."""
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
