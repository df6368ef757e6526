"""Values of ours that stand for torch objects a program may hold.

`torch.Generator()`, `torch.Tensor` (a callable type), the named tuples that
`max(dim=...)` and `sort` return. Each is a `SandboxObject`, so the interpreter
asks it for attributes and calls instead of reaching the real object's.
"""

from __future__ import annotations

import functools

import torch

from ..core.errors import NotAllowed, ProgramError
from ..core.values import Builtin, SandboxObject


class GeneratorObject(SandboxObject):
    """`torch.Generator()`: a real generator, private to the run, with `manual_seed`."""

    kind = "Generator"

    def __init__(self, real: torch.Generator) -> None:
        self.real = real

    def get_attribute(self, interp, name: str) -> object:
        if name == "manual_seed":
            return Builtin("Generator.manual_seed", self._manual_seed)
        if name == "initial_seed":
            return Builtin("Generator.initial_seed", lambda ctx, a, k: self.real.initial_seed())
        if name == "device":
            return self.real.device
        return super().get_attribute(interp, name)

    def _manual_seed(self, ctx, args: list, kwargs: dict) -> GeneratorObject:
        self.real.manual_seed(seed_value(args, "Generator.manual_seed"))
        return self

    def __repr__(self) -> str:
        return "<torch._C.Generator object>"


def seed_value(args: list, what: str) -> int:
    """The one whole-number argument of `manual_seed`, in PyTorch's range."""
    if len(args) != 1 or not isinstance(args[0], int) or isinstance(args[0], bool):
        raise ProgramError(f"{what} takes one whole number.")
    if not -(2**63) <= args[0] < 2**64:
        raise ProgramError(f"{what}: the seed must fit in 64 bits.")
    return args[0]


class ReturnTuple(tuple, SandboxObject):
    """`torch.return_types.max(values=..., indices=...)`: a tuple with named fields.

    Prints as PyTorch prints it; `.values` and `.indices` (the fields PyTorch
    declares for this result) are the only attributes.
    """

    kind = "torch.return_types"

    def __new__(cls, real: tuple) -> ReturnTuple:
        made = super().__new__(cls, real)
        made.real = real
        made.fields = dict(zip(field_names(type(real)), real, strict=False))
        return made

    def get_attribute(self, interp, name: str) -> object:
        if name in self.fields:
            return self.fields[name]
        return super().get_attribute(interp, name)

    # Indexing, looping and unpacking as the tuple it is (`torch.max(x, 1)[0]`).
    def get_item(self, interp, index: object) -> object:
        if isinstance(index, bool) or not isinstance(index, int | slice):
            raise ProgramError("tuple indices must be integers or slices", python_type="TypeError")
        return tuple.__getitem__(self, index)

    def iterate(self, interp):
        return iter(tuple(self))

    def length(self, interp=None) -> int:
        return tuple.__len__(self)

    def __str__(self) -> str:
        return str(self.real)

    __repr__ = __str__


_TUPLE_MEMBERS = frozenset(("count", "index", "n_fields", "n_sequence_fields", "n_unnamed_fields"))


@functools.cache
def field_names(kind: type) -> tuple[str, ...]:
    """The field names of a `torch.return_types` type, in order (a fixed set of types)."""
    names = [n for n in dir(kind) if not n.startswith("_") and n not in _TUPLE_MEMBERS]
    sample = kind(tuple(range(len(names))))
    return tuple(sorted(names, key=lambda n: getattr(sample, n)))


def wrap_result(result: object) -> object:
    """Hand PyTorch's named tuples to the program as `ReturnTuple`s."""
    if isinstance(result, tuple) and type(result).__module__ == "torch.return_types":
        return ReturnTuple(result)
    return result


class TensorType(SandboxObject):
    """`torch.Tensor` (and `torch.FloatTensor`, ...): the legacy constructor, callable."""

    kind = "type"
    python_type = torch.Tensor  # what `isinstance(x, torch.Tensor)` checks against

    def __init__(self, name: str, make) -> None:
        self.name = name
        self.make = make

    def call(self, interp, args: list, kwargs: dict) -> object:
        if kwargs:
            raise ProgramError(f"torch.{self.name}() takes no keyword arguments here.")
        result = self.make(interp.ctx, args, kwargs)
        if interp.ctx.float64 and result.dtype == torch.float32:  # the gradient check
            result = result.double()
        interp.ctx.count_op(result)
        return result

    def get_attribute(self, interp, name: str) -> object:
        raise NotAllowed(f"`torch.{self.name}.{name}` is not available in the playground.")

    def instance_check(self, value: object) -> bool:
        """`isinstance(x, torch.Tensor)`."""
        return isinstance(value, self.python_type)

    def __repr__(self) -> str:
        return f"<class 'torch.{self.name}'>"
