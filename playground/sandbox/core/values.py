"""The kinds of value a sandboxed program can hold besides plain data and tensors.

Each is our own small class, so no user program can reach a real Python
function, module or frame through it.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
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
        """`class name(self): ...` with the class body's names.

        `members` holds the body's names: methods as `Closure`s, `@staticmethod`
        functions as `StaticMethod`s, class attributes as plain values. The
        interpreter then sets each method's `Closure.owner` to the returned class,
        so a bare `super()` inside it asks that class's `super_of`.
        """
        raise NotAllowed(f"Classes cannot inherit from {self.kind}.")

    def super_of(self, interp, instance: object) -> object:
        """What `super()` is inside a method of this class, called on `instance`.

        The interpreter calls it for a bare `super()` (on the method's
        `Closure.owner`, with the method's first argument) and for
        `super(C, obj)` (on `C`). The result's attributes are read as usual.
        """
        raise NotAllowed("super() is not available here.")

    def instance_check(self, value: object) -> bool:
        """`isinstance(value, self)`: only classes answer it."""
        raise NotAllowed(f"isinstance() cannot test against {self.kind}.")

    def iterate(self, interp) -> Iterator[object]:
        """`for item in self:`, `list(self)`, unpacking: a Python iterator of values."""
        raise ProgramError(f"Cannot loop over {self.kind}.", python_type="TypeError")

    def length(self, interp) -> int:
        """`len(self)`."""
        raise ProgramError(f"{self.kind} has no len().", python_type="TypeError")

    def get_item(self, interp, index: object) -> object:
        """`self[index]`."""
        raise ProgramError(f"{self.kind} cannot be indexed.", python_type="TypeError")

    def set_item(self, interp, index: object, value: object) -> None:
        """`self[index] = value`."""
        raise ProgramError(f"Cannot assign into {self.kind}.", python_type="TypeError")

    def text(self, interp) -> str:
        """What `print` and `str()` show; a user class may run its `__str__`."""
        return str(self)

    def repr_text(self, interp) -> str:
        """What `repr()` and a list's printing show."""
        return repr(self)


@dataclass(frozen=True)
class Builtin:
    """An allow-listed function: `fn(ctx, args, kwargs)` plus its accepted keywords."""

    name: str
    fn: Callable
    keywords: frozenset[str] = frozenset()

    def __repr__(self) -> str:
        return f"<built-in function {self.name}>"


def check_keywords(what: str, kwargs: dict, allowed: tuple[str, ...] | frozenset[str]) -> None:
    """Refuse keyword arguments `what` (`sum()`, `` `.sum()` ``) does not take, naming the
    first: Python's TypeError, which the program can catch."""
    unknown = sorted(kwargs.keys() - allowed)
    if unknown:
        raise ProgramError(f"{what} does not accept `{unknown[0]}=` here.", python_type="TypeError")


class PyFunction(SandboxObject):
    """A Python built-in that may call back into the program (`sorted(key=f)`,
    `print` of an object with `__str__`): `fn(interp, args, kwargs)`.

    `keywords` lists the keyword arguments it takes (None: it checks them itself).
    """

    kind = "builtin_function_or_method"

    def __init__(self, name: str, fn: Callable, keywords: frozenset[str] | None = frozenset()):
        self.name = name
        self.fn = fn
        self.keywords = keywords

    def call(self, interp, args: list, kwargs: dict) -> object:
        if self.keywords is not None and kwargs:
            check_keywords(f"{self.name}()", kwargs, self.keywords)
        return self.fn(interp, args, kwargs)

    def __repr__(self) -> str:
        return f"<built-in function {self.name}>"


class PyType(PyFunction):
    """A built-in type used as a function (`list`, `int`) and by `isinstance`."""

    kind = "type"

    def __init__(self, name: str, fn: Callable, types: tuple[type, ...], keywords=frozenset()):
        super().__init__(name, fn, keywords)
        self.types = types

    def instance_check(self, value: object) -> bool:
        return isinstance(value, self.types)  # True is an int, torch.Size a tuple: as in Python

    def __repr__(self) -> str:
        return f"<class '{self.name}'>"


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
    """A user `def` or `lambda`: its code, default values and enclosing scopes.

    `outer` is the chain of enclosing function scopes, innermost first (a class
    body is not one of them, as in Python). `owner` is the class whose body
    defined the function (set by the interpreter after `class C(...):` ran, also
    for classes that another `SandboxObject.subclass` made): a bare `super()` in
    the method evaluates to `owner.super_of(interp, first_argument)`. To call a
    method, pass the instance as the first argument: `interp.call(fn, [obj, *args],
    kwargs)`.
    """

    node: ast.FunctionDef | ast.Lambda
    defaults: list[object]
    outer: tuple[dict[str, object], ...] = field(default=(), repr=False)
    owner: object | None = field(default=None, repr=False)
    kw_defaults: dict[str, object] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        return getattr(self.node, "name", "<lambda>")

    def __repr__(self) -> str:
        return f"<function {self.name}>"


@dataclass(eq=False)
class StaticMethod:
    """`@staticmethod def f(...)` in a class body: `function` is called as is."""

    function: Closure

    def __repr__(self) -> str:
        return f"<staticmethod {self.function.name}>"


@dataclass(frozen=True)
class NoGrad:
    """What `torch.no_grad()`, `torch.enable_grad()` and `torch.set_grad_enabled(flag)`
    return: usable as a `with` context or a function decorator, nothing else (calling
    `set_grad_enabled` as a statement would change the worker's mode for later runs)."""

    enabled: bool = False
    name: str = "no_grad"

    def __repr__(self) -> str:
        return f"<torch.{self.name}>"


class GradModeFunction(SandboxObject):
    """A `def` decorated with `@torch.no_grad()` (or `enable_grad`): runs in that mode."""

    kind = "function"

    def __init__(self, function: Closure, mode: NoGrad) -> None:
        self.function, self.mode = function, mode

    def call(self, interp, args: list, kwargs: dict) -> object:
        with torch.set_grad_enabled(self.mode.enabled):
            return interp.call(self.function, args, kwargs)

    def __repr__(self) -> str:
        return repr(self.function)


@dataclass(frozen=True)
class NodeView(SandboxObject):
    """An opaque view of a `grad_fn`: printable, its `name()`, never a way into
    autograd internals (`next_functions`, hooks, saved tensors stay refused)."""

    label: str  # not `text`: that name is SandboxObject's printing method
    op: str = ""

    kind = "Node"

    def get_attribute(self, interp, name: str) -> object:
        if name == "name":
            return Builtin("name", lambda ctx, args, kwargs: self.op)
        raise NotAllowed(f"`.{name}` of a grad_fn is not available in the playground.")

    def __repr__(self) -> str:
        return self.label


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
