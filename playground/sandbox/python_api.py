"""The Python built-ins a program may call (`print`, `range`, `len`, ...).

Each takes `(ctx, args, kwargs)` like every allow-listed function, checks its
arguments itself and bounds what it makes. The modules a program can name
(`torch`, `np`, ...) come from `modules`.
"""

from __future__ import annotations

import numpy as np
import torch

from .context import RunContext
from .errors import ProgramError
from .limits import check_int
from .modules import bound_modules, make_modules
from .text import to_text
from .values import Builtin

Args = list[object]
Kwargs = dict[str, object]

_NUMBER = bool | int | float


def _print(ctx: RunContext, args: Args, kwargs: Kwargs) -> None:
    sep = kwargs.get("sep", " ")
    end = kwargs.get("end", "\n")
    if not isinstance(sep, str | type(None)) or not isinstance(end, str | type(None)):
        raise ProgramError("print: sep and end must be strings.")
    sep = " " if sep is None else sep
    end = "\n" if end is None else end
    ctx.write(_print_text(args, sep, end, ctx.output_room()))


def _print_text(args: Args, sep: str, end: str, room: int) -> str:
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
        parts.append(to_text(arg))
        size += len(parts[-1]) + (len(sep) if index else 0)
    else:
        parts.append(end)
    return "".join(parts)


def _range(ctx: RunContext, args: Args, kwargs: Kwargs) -> range:
    if not 1 <= len(args) <= 3 or not all(
        isinstance(a, int) and not isinstance(a, bool) for a in args
    ):
        raise ProgramError("range takes one to three whole numbers.")
    return range(*args)


def _len(ctx: RunContext, args: Args, kwargs: Kwargs) -> int:
    if len(args) != 1:
        raise ProgramError("len takes one argument.")
    value = args[0]
    if isinstance(value, str | list | tuple | range | torch.Tensor | np.ndarray):
        return len(value)
    raise ProgramError(f"len() of {type(value).__name__} is not defined.")


def _float(ctx: RunContext, args: Args, kwargs: Kwargs) -> float:
    if len(args) != 1 or not isinstance(args[0], _NUMBER | str | torch.Tensor):
        raise ProgramError("float takes one number, string or one-element tensor.")
    return float(args[0])


def _int(ctx: RunContext, args: Args, kwargs: Kwargs) -> int:
    if len(args) != 1 or not isinstance(args[0], _NUMBER | str | torch.Tensor):
        raise ProgramError("int takes one number, string or one-element tensor.")
    if isinstance(args[0], str) and len(args[0]) > 30:
        raise ProgramError("int: that string is too long to be a 64-bit number.")
    return check_int(int(args[0]), ctx.budgets)


def _abs(ctx: RunContext, args: Args, kwargs: Kwargs) -> object:
    if len(args) != 1 or not isinstance(args[0], _NUMBER | torch.Tensor):
        raise ProgramError("abs takes one number or tensor.")
    return abs(args[0])


def _round(ctx: RunContext, args: Args, kwargs: Kwargs) -> object:
    if not 1 <= len(args) <= 2 or not isinstance(args[0], _NUMBER):
        raise ProgramError("round takes a number and optionally a number of digits.")
    if len(args) == 2 and (not isinstance(args[1], int) or abs(args[1]) > 30):
        raise ProgramError("round: digits must be a whole number between -30 and 30.")
    result = round(*args)
    return check_int(result, ctx.budgets) if isinstance(result, int) else result  # round(1e308)


def _builtin(name: str, fn, *keywords: str) -> Builtin:
    return Builtin(name, fn, frozenset(keywords))


def make_builtins() -> dict[str, object]:
    """The names every program starts with: Python built-ins and `torch`, `np`, `numpy`."""
    return {
        "print": _builtin("print", _print, "sep", "end"),
        "range": _builtin("range", _range),
        "len": _builtin("len", _len),
        "float": _builtin("float", _float),
        "int": _builtin("int", _int),
        "abs": _builtin("abs", _abs),
        "round": _builtin("round", _round),
        **bound_modules(make_modules()),
    }
