"""The kinds of value a sandboxed program can hold besides plain data and tensors.

Each is our own small class, so no user program can reach a real Python
function, module or frame through it.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch

from .errors import NotAllowed, ProgramError


class SandboxObject:
    """A value of ours that answers attribute reads, writes and calls itself.

    The interpreter hands `obj.name`, `obj.name = value`, `obj(...)` and
    `class C(obj):` on any `SandboxObject` to these methods, so a new kind of value
    (a module of `torch.nn`, an optimizer, a user class) lives in its own module and
    allows only the names it lists. `interp` is the running `Interpreter`: its
    `call(fn, args, kwargs)` calls any callable value back (a user's `forward`).
    """

    kind = "object"  # the type name a learner sees in messages

    def get_attribute(self, interp, name: str) -> object:
        raise NotAllowed(f"Attribute `.{name}` of {self.kind} is not available.")

    def set_attribute(self, interp, name: str, value: object) -> None:
        raise NotAllowed(f"Cannot set attributes on {self.kind}.")

    def call(self, interp, args: list, kwargs: dict) -> object:
        raise ProgramError(f"{self.kind} is not callable.")

    def subclass(self, interp, name: str, members: dict[str, object]) -> SandboxObject:
        """`class name(self): ...` with the class body's names (methods are `Closure`s)."""
        raise NotAllowed(f"Classes cannot inherit from {self.kind}.")


@dataclass(frozen=True)
class Builtin:
    """An allow-listed function: `fn(ctx, args, kwargs)` plus its accepted keywords."""

    name: str
    fn: Callable
    keywords: frozenset[str] = frozenset()

    def __repr__(self) -> str:
        return f"<built-in function {self.name}>"


@dataclass(frozen=True)
class Namespace:
    """A module stand-in (`torch`, `np`) exposing only allow-listed members."""

    name: str
    members: dict[str, object]

    def __repr__(self) -> str:
        return f"<module '{self.name}'>"


@dataclass(frozen=True, eq=False)
class BoundMethod:
    """A tensor method picked from the allow-list, bound to its tensor."""

    target: torch.Tensor
    name: str

    def __repr__(self) -> str:
        return f"<method {self.name} of Tensor>"

    # As Python's bound methods: equal when bound to the very same object. A
    # field-wise `==` would compare the two tensors element-wise (any size).
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BoundMethod):
            return NotImplemented
        return self.target is other.target and self.name == other.name

    def __hash__(self) -> int:
        return hash((id(self.target), self.name))


# eq=False: functions compare by identity, as in Python. A field-wise `==` would
# compare default values and scopes in C, exponentially on shared nested lists.
@dataclass(eq=False)
class Closure:
    """A user `def`: its code, default values and the scope it was defined in."""

    node: ast.FunctionDef
    defaults: list[object]
    outer: dict[str, object] | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        return f"<function {self.node.name}>"


@dataclass(frozen=True)
class NoGrad:
    """What `torch.no_grad()` returns: only usable as a `with` context."""

    def __repr__(self) -> str:
        return "<torch.no_grad>"


@dataclass(frozen=True)
class NodeView:
    """An opaque view of a `grad_fn`: printable, never a way into autograd internals."""

    text: str

    def __repr__(self) -> str:
        return self.text


DTYPES = {
    "float32": torch.float32,
    "float": torch.float32,
    "float64": torch.float64,
    "double": torch.float64,
    "float16": torch.float16,
    "int64": torch.int64,
    "long": torch.int64,
    "int32": torch.int32,
    "int": torch.int32,
    "bool": torch.bool,
}
NUMPY_DTYPES = {"float32": np.float32, "float64": np.float64, "int64": np.int64}


def type_name(value: object) -> str:
    """The name a learner would expect for a value's type."""
    if isinstance(value, torch.Tensor):
        return "Tensor"
    if isinstance(value, Closure | Builtin | BoundMethod):
        return "function"
    if isinstance(value, SandboxObject):
        return value.kind
    return type(value).__name__
