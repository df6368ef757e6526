"""Python built-ins that read iterables or call back into the program.

`list`, `sorted(key=...)`, `map`, `print` of an object with `__str__`: each is a
`PyFunction` taking the running interpreter, so it can iterate any value of ours
(`pyiter`), call a program's function (`interp.call`, which counts the call depth
and checks the clock) and print as the program's own classes choose. Each bounds
what it builds by the sequence budget and counts what it reads.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator

import numpy as np
import torch

from ..core.errors import NotAllowed, ProgramError
from ..core.limits import check_int
from ..core.text import to_repr, to_text
from ..core.values import (
    BoundMethod,
    Builtin,
    Closure,
    Namespace,
    PyFunction,
    PyType,
    SandboxObject,
)  # fmt: skip
from ..tensors import operators
from .container_cost import check_hashable
from .pyiter import LazyIter, check_room, counted, iterate, known_length, materialise, pairs
from .pymethods import sort_items

Args = list[object]
Kwargs = dict[str, object]
_NUMBER = bool | int | float
_MISSING = object()


def _one(name: str, args: Args, low: int = 1, high: int = 1) -> None:
    if not low <= len(args) <= high:
        expected = str(low) if low == high else f"{low} to {high}"
        raise ProgramError(
            f"{name}() takes {expected} argument(s) ({len(args)} given)", python_type="TypeError"
        )


# -- printing and text ------------------------------------------------------------------------


def _print(interp, args: Args, kwargs: Kwargs) -> None:
    sep = kwargs.get("sep", " ")
    end = kwargs.get("end", "\n")
    if not isinstance(sep, str | type(None)) or not isinstance(end, str | type(None)):
        raise ProgramError("print: sep and end must be strings.", python_type="TypeError")
    sep = " " if sep is None else sep
    end = "\n" if end is None else end
    interp.ctx.write(print_text(interp, args, sep, end, interp.ctx.output_room()))


def print_text(interp, args: Args, sep: str, end: str, room: int) -> str:
    """What `print` writes, built only until it fills the output's remaining room.

    2,000 arguments joined by a 100,000-character `sep` would be 200 million
    characters, all of them cut away afterwards.
    """
    parts: list[str] = []
    size = 0
    for index, arg in enumerate(args):
        if size > room:
            break
        if index:
            parts.append(sep)
        parts.append(to_text(arg, interp=interp))
        size += len(parts[-1]) + (len(sep) if index else 0)
    else:
        parts.append(end)
    return "".join(parts)


def _str(interp, args: Args, kwargs: Kwargs) -> str:
    _one("str", args, 0, 1)
    text = to_text(args[0], interp=interp) if args else ""
    interp.ctx.count_items(len(text))
    return text


def _repr(interp, args: Args, kwargs: Kwargs) -> str:
    _one("repr", args)
    text = to_repr(args[0], interp=interp)
    interp.ctx.count_items(len(text))
    return text


# -- numbers --------------------------------------------------------------------------------


def _len(interp, args: Args, kwargs: Kwargs) -> int:
    _one("len", args)
    value = args[0]
    if isinstance(value, SandboxObject):
        return value.length(interp)
    length = known_length(value)
    if length is None and isinstance(value, np.ndarray):
        length = len(value)
    if length is None:
        raise ProgramError(
            f"object of type '{type(value).__name__}' has no len()", python_type="TypeError"
        )
    return length


def _float(interp, args: Args, kwargs: Kwargs) -> float:
    _one("float", args, 0, 1)
    if not args:
        return 0.0
    if not isinstance(args[0], _NUMBER | str | torch.Tensor | np.ndarray | np.generic):
        raise ProgramError(
            "float() takes one number, string or one-element tensor.", python_type="TypeError"
        )
    return float(args[0])


def _int(interp, args: Args, kwargs: Kwargs) -> int:
    _one("int", args, 0, 1)
    if not args:
        return 0
    if not isinstance(args[0], _NUMBER | str | torch.Tensor | np.ndarray | np.generic):
        raise ProgramError(
            "int() takes one number, string or one-element tensor.", python_type="TypeError"
        )
    if isinstance(args[0], str) and len(args[0]) > 30:
        raise ProgramError("int: that string is too long to be a 64-bit number.")
    return check_int(int(args[0]), interp.ctx.budgets)


def _bool(interp, args: Args, kwargs: Kwargs) -> bool:
    _one("bool", args, 0, 1)
    return operators.truth(args[0]) if args else False


# -- containers ----------------------------------------------------------------------------------


def _list(interp, args: Args, kwargs: Kwargs) -> list:
    _one("list", args, 0, 1)
    return materialise(interp, args[0]) if args else []


def _tuple(interp, args: Args, kwargs: Kwargs) -> tuple:
    _one("tuple", args, 0, 1)
    if args and type(args[0]) is tuple:
        return args[0]
    return tuple(materialise(interp, args[0])) if args else ()


def _set(interp, args: Args, kwargs: Kwargs) -> set:
    _one("set", args, 0, 1)
    items = materialise(interp, args[0]) if args else []
    for item in items:
        check_hashable(interp.ctx, item)
    return set(items)


def _dict(interp, args: Args, kwargs: Kwargs) -> dict:
    _one("dict", args, 0, 1)
    entries = pairs(interp, args[0]) if args else []
    entries += list(kwargs.items())
    check_room(interp, len(entries))
    for key, _ in entries:
        check_hashable(interp.ctx, key)
    interp.ctx.count_items(2 * len(entries), references=True)
    return dict(entries)


def _sorted(interp, args: Args, kwargs: Kwargs) -> list:
    _one("sorted", args)
    items = materialise(interp, args[0])
    return sort_items(interp, items, kwargs.get("key"), kwargs.get("reverse", False))


def _reversed(interp, args: Args, kwargs: Kwargs) -> LazyIter:
    _one("reversed", args)
    value = args[0]
    if isinstance(value, list | tuple | str | range | dict):
        return LazyIter(f"{type(value).__name__}_reverseiterator", reversed(value))
    raise ProgramError(
        f"'{type(value).__name__}' object is not reversible", python_type="TypeError"
    )


# -- lazy iterators ----------------------------------------------------------------------------


def _zip(interp, args: Args, kwargs: Kwargs) -> LazyIter:
    strict = kwargs.get("strict", False)
    sources = [iterate(interp, a) for a in args]
    return LazyIter("zip", zip(*sources, strict=bool(strict)))


def _enumerate(interp, args: Args, kwargs: Kwargs) -> LazyIter:
    _one("enumerate", args, 1, 2)
    start = args[1] if len(args) == 2 else kwargs.get("start", 0)
    if not isinstance(start, int):
        raise ProgramError("enumerate: start must be an integer", python_type="TypeError")
    return LazyIter(
        "enumerate", enumerate(iterate(interp, args[0]), check_int(start, interp.ctx.budgets))
    )


def _divmod(interp, args: Args, kwargs: Kwargs) -> tuple:
    """`divmod(a, b)` of two numbers: `(a // b, a % b)`, each checked as the operators are."""
    _one("divmod", args, 2, 2)
    a, b = args
    if not all(isinstance(v, bool | int | float) for v in (a, b)):
        raise ProgramError("divmod() takes two numbers", python_type="TypeError")
    ctx = interp.ctx
    return (operators.binary(ctx, ast.FloorDiv(), a, b), operators.binary(ctx, ast.Mod(), a, b))


def _map(interp, args: Args, kwargs: Kwargs) -> LazyIter:
    if len(args) < 2:
        raise ProgramError("map() must have at least two arguments.", python_type="TypeError")
    fn = args[0]
    sources = [iterate(interp, a) for a in args[1:]]

    def items() -> Iterator[object]:
        for values in zip(*sources, strict=False):
            yield interp.call(fn, list(values), {})

    return LazyIter("map", items())


def _filter(interp, args: Args, kwargs: Kwargs) -> LazyIter:
    _one("filter", args, 2, 2)
    fn, source = args[0], iterate(interp, args[1])

    def items() -> Iterator[object]:
        for item in source:
            keep = item if fn is None else interp.call(fn, [item], {})
            if operators.truth(keep):
                yield item

    return LazyIter("filter", items())


def _iter(interp, args: Args, kwargs: Kwargs) -> LazyIter:
    _one("iter", args)
    if isinstance(args[0], LazyIter):
        return args[0]
    kind = type(args[0]).__name__ if not isinstance(args[0], SandboxObject) else "iterator"
    return LazyIter(f"{kind}_iterator", iterate(interp, args[0]))


def _next(interp, args: Args, kwargs: Kwargs) -> object:
    _one("next", args, 1, 2)
    if not isinstance(args[0], LazyIter):
        raise ProgramError(
            f"'{type(args[0]).__name__}' object is not an iterator", python_type="TypeError"
        )
    interp.ctx.count_iteration()
    try:
        return next(args[0].items)
    except StopIteration:
        if len(args) == 2:
            return args[1]
        raise ProgramError("StopIteration", python_type="StopIteration") from None


# -- reductions ---------------------------------------------------------------------------------


def _sum(interp, args: Args, kwargs: Kwargs) -> object:
    _one("sum", args, 1, 2)
    total = args[1] if len(args) == 2 else kwargs.get("start", 0)
    if isinstance(total, str):
        raise ProgramError(
            "sum() can't sum strings [use ''.join(seq) instead]", python_type="TypeError"
        )
    add = ast.Add()
    for item in counted(interp, args[0]):
        total = operators.binary(interp.ctx, add, total, item)
    return total


def _any(interp, args: Args, kwargs: Kwargs) -> bool:
    _one("any", args)
    return any(operators.truth(item) for item in counted(interp, args[0]))


def _all(interp, args: Args, kwargs: Kwargs) -> bool:
    _one("all", args)
    return all(operators.truth(item) for item in counted(interp, args[0]))


def _extreme(name: str, op: ast.cmpop) -> Callable:
    def pick(interp, args: Args, kwargs: Kwargs) -> object:
        if not args:
            raise ProgramError(
                f"{name} expected at least 1 argument, got 0", python_type="TypeError"
            )
        key = kwargs.get("key")
        default = kwargs.get("default", _MISSING)
        items = counted(interp, args[0]) if len(args) == 1 else iter(args)
        best = best_key = _MISSING
        for item in items:
            item_key = item if key is None else interp.call(key, [item], {})
            if best is _MISSING or operators.truth(
                operators.compare(interp.ctx, op, item_key, best_key)
            ):
                best, best_key = item, item_key
        if best is _MISSING:
            if default is _MISSING:
                raise ProgramError(f"{name}() arg is an empty sequence", python_type="ValueError")
            return default
        return best

    return pick


# -- types ----------------------------------------------------------------------------------------


class TypeView(SandboxObject):
    """What `type(x)` gives for values that are not user classes: printable, comparable."""

    kind = "type"

    def __init__(self, text: str, python_type: type | None) -> None:
        self.text_ = text
        self.python_type = python_type

    def instance_check(self, value: object) -> bool:
        return self.python_type is not None and isinstance(value, self.python_type)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TypeView) and other.text_ == self.text_

    def __hash__(self) -> int:
        return hash(self.text_)

    def __repr__(self) -> str:
        return f"<class '{self.text_}'>"


_OUR_KINDS = {
    Closure: "function", Builtin: "builtin_function_or_method",
    BoundMethod: "builtin_function_or_method", Namespace: "module",
}  # fmt: skip


def _type(interp, args: Args, kwargs: Kwargs) -> object:
    if len(args) != 1:
        raise NotAllowed("Only `type(x)` with one argument is available (no new classes).")
    value = args[0]
    kind = _public_type(value)
    if kind.__module__ == "builtins" and kind.__name__ in interp.builtins:
        found = interp.builtins[kind.__name__]
        if isinstance(found, PyType):
            return found
    cls = getattr(value, "cls", None) if isinstance(value, SandboxObject) else None
    if isinstance(cls, SandboxObject):
        return cls  # an instance of a user class or an exception: its class
    if isinstance(value, SandboxObject):
        return TypeView(value.kind, None)
    if kind in _OUR_KINDS:
        return TypeView(_OUR_KINDS[kind], None)
    module = kind.__module__
    name = kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"
    return TypeView(name, kind)


def _public_type(value: object) -> type:
    """The type a program should see: our own dict and tuple subclasses (an
    optimizer's `param_groups` entries) are the built-in type they stand for."""
    kind = type(value)
    if kind.__module__.startswith("playground."):
        for base in (dict, list, tuple):
            if isinstance(value, base) and not isinstance(value, SandboxObject):
                return base
    return kind


def isinstance_of(value: object, cls: object) -> bool:
    """`isinstance(value, cls)` for the classes a program can name.

    A class of ours answers for itself (`SandboxObject.instance_check`: built-in
    types, user classes, exceptions, `torch.Tensor` if it is one); `torch.Tensor`
    as an allow-listed function is recognised by its name.
    """
    if isinstance(cls, tuple):
        return any(isinstance_of(value, c) for c in cls)
    if isinstance(cls, SandboxObject):
        return cls.instance_check(value)
    if isinstance(cls, Builtin) and cls.name in ("torch.Tensor", "torch.nn.Parameter"):
        return isinstance(value, torch.Tensor if cls.name == "torch.Tensor" else torch.nn.Parameter)
    raise ProgramError(
        "isinstance() arg 2 must be a type, a tuple of types, or a union",
        python_type="TypeError",
    )


def _isinstance(interp, args: Args, kwargs: Kwargs) -> bool:
    _one("isinstance", args, 2, 2)
    return isinstance_of(args[0], args[1])


def _type_fn(name: str, fn: Callable, types: tuple[type, ...], *keywords: str) -> PyType:
    return PyType(name, fn, types, frozenset(keywords))


def make() -> dict[str, object]:
    """The interpreter-aware built-ins, fresh for each run."""
    plain = {
        "print": (_print, ("sep", "end")), "len": (_len, ()), "repr": (_repr, ()),
        "sorted": (_sorted, ("key", "reverse")), "reversed": (_reversed, ()),
        "zip": (_zip, ("strict",)), "enumerate": (_enumerate, ("start",)),
        "map": (_map, ()), "filter": (_filter, ()), "iter": (_iter, ()), "next": (_next, ()),
        "sum": (_sum, ("start",)), "any": (_any, ()), "all": (_all, ()),
        "min": (_extreme("min", ast.Lt()), ("key", "default")),
        "max": (_extreme("max", ast.Gt()), ("key", "default")),
        "isinstance": (_isinstance, ()), "type": (_type, ()), "divmod": (_divmod, ()),
    }  # fmt: skip
    names: dict[str, object] = {
        name: PyFunction(name, fn, frozenset(kws)) for name, (fn, kws) in plain.items()
    }
    names.update(
        str=_type_fn("str", _str, (str,)),
        int=_type_fn("int", _int, (int,)),
        float=_type_fn("float", _float, (float,)),
        bool=_type_fn("bool", _bool, (bool,)),
        list=_type_fn("list", _list, (list,)),
        tuple=_type_fn("tuple", _tuple, (tuple,)),
        dict=_type_fn("dict", _dict, (dict,), *_ANY_KEYWORDS),
        set=_type_fn("set", _set, (set,)),
    )
    names["dict"].keywords = None  # dict(a=1, b=2): any keyword is a key
    return names


_ANY_KEYWORDS: tuple[str, ...] = ()
