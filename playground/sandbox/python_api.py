"""The Python built-ins a program may call (`print`, `range`, `len`, ...).

Each takes `(ctx, args, kwargs)` like every allow-listed function, checks its
arguments itself and bounds what it makes. The modules a program can name
(`torch`, `np`, ...) come from `modules`.
"""

from __future__ import annotations

import torch

from .core.context import RunContext
from .core.errors import ProgramError
from .core.limits import check_int
from .core.values import Builtin, Namespace
from .modules import bound_modules, make_modules
from .python import pybuiltins
from .python.pyexceptions import BUILTIN_CLASSES

Args = list[object]
Kwargs = dict[str, object]

_NUMBER = bool | int | float


def _range(ctx: RunContext, args: Args, kwargs: Kwargs) -> range:
    if not 1 <= len(args) <= 3 or not all(
        isinstance(a, int) and not isinstance(a, bool) for a in args
    ):
        raise ProgramError("range takes one to three whole numbers.", python_type="TypeError")
    return range(*args)


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


def make_builtins(modules: dict[str, Namespace] | None = None) -> dict[str, object]:
    """The names every program starts with: Python built-ins and `torch`, `np`, `numpy`."""
    names: dict[str, object] = {
        "range": _builtin("range", _range),
        "abs": _builtin("abs", _abs),
        "round": _builtin("round", _round),
        **pybuiltins.make(),
        **BUILTIN_CLASSES,
    }
    names.update(bound_modules(make_modules() if modules is None else modules))
    return names
