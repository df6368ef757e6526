"""`import math` and `import random`: the pure parts, bounded and private to the run.

`math` holds pure functions of numbers (a one-element tensor is taken as its
number, as Python's `math` does through `float()`). `random` is one
`random.Random` per run: every run's `random` module is made fresh by
`modules.make_modules`, so `random.seed(3)` in one program never touches
another's, nor Python's own global generator.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable

import torch

from ..core.context import RunContext
from ..core.errors import BudgetExceeded, ProgramError
from ..core.limits import check_int, range_length
from ..core.values import Builtin

Args = list[object]
Kwargs = dict[str, object]
_NUMBER = bool | int | float
MAX_FACTORIAL = 20  # 21! needs more than 64 bits


def _number(value: object, what: str) -> float | int:
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        return float(value)
    if not isinstance(value, _NUMBER):
        raise ProgramError(
            f"{what}: must be a real number, not {type(value).__name__}", python_type="TypeError"
        )
    return value


def _math_fn(name: str, arity: tuple[int, ...]) -> Builtin:
    fn = getattr(math, name)

    def call(ctx: RunContext, args: Args, kwargs: Kwargs) -> object:
        if len(args) not in arity:
            raise ProgramError(f"math.{name} takes {arity[0]} argument(s)", python_type="TypeError")
        result = fn(*(_number(a, f"math.{name}") for a in args))
        return check_int(result, ctx.budgets) if isinstance(result, int) else result

    return Builtin(f"math.{name}", call)


def _math_isclose(ctx: RunContext, args: Args, kwargs: Kwargs) -> bool:
    if len(args) != 2:
        raise ProgramError("math.isclose takes two numbers", python_type="TypeError")
    tolerances = {k: _number(v, "math.isclose") for k, v in kwargs.items()}
    return math.isclose(*(_number(a, "math.isclose") for a in args), **tolerances)


def _math_prod(ctx: RunContext, args: Args, kwargs: Kwargs) -> object:
    if len(args) != 1 or not isinstance(args[0], list | tuple | range):
        raise ProgramError("math.prod takes a list, tuple or range", python_type="TypeError")
    if len(args[0]) > ctx.budgets.sequence_length:
        raise BudgetExceeded("math.prod of that many numbers is not allowed.")
    result: object = kwargs.get("start", 1)
    for item in args[0]:
        result = result * _number(item, "math.prod")
        if isinstance(result, int):
            check_int(result, ctx.budgets)
    return result


def _math_factorial(ctx: RunContext, args: Args, kwargs: Kwargs) -> int:
    if len(args) != 1 or not isinstance(args[0], int):
        raise ProgramError("math.factorial takes one whole number", python_type="TypeError")
    if args[0] > MAX_FACTORIAL:
        raise BudgetExceeded(f"math.factorial({args[0]}) needs more than 64 bits.")
    return math.factorial(args[0])


def math_members() -> dict[str, object]:
    """The `math` module a program sees."""
    one = ("sqrt", "exp", "sin", "cos", "tan", "tanh", "sinh", "cosh", "asin", "acos", "atan",
           "floor", "ceil", "fabs", "trunc", "log2", "log10", "log1p", "expm1", "isfinite",
           "isnan", "isinf", "degrees", "radians", "erf", "gamma", "lgamma")  # fmt: skip
    members: dict[str, object] = {n: _math_fn(n, (1,)) for n in one}
    members.update({n: _math_fn(n, (2,)) for n in ("pow", "atan2", "hypot", "copysign", "fmod")})
    members.update({n: _math_fn(n, (2,)) for n in ("gcd", "lcm")})  # of 64-bit ints: cheap
    members["log"] = _math_fn("log", (1, 2))
    members["isclose"] = Builtin("math.isclose", _math_isclose, frozenset({"rel_tol", "abs_tol"}))
    members["prod"] = Builtin("math.prod", _math_prod, frozenset({"start"}))
    members["factorial"] = Builtin("math.factorial", _math_factorial)
    members.update(pi=math.pi, e=math.e, tau=math.tau, inf=math.inf, nan=math.nan)
    return members


# -- random ------------------------------------------------------------------------------------


def _whole(value: object, what: str) -> int:
    if not isinstance(value, int):
        raise ProgramError(f"{what} must be a whole number", python_type="TypeError")
    return value


def _population(ctx: RunContext, value: object) -> list | tuple | str | range:
    if not isinstance(value, list | tuple | str | range):
        raise ProgramError(
            "random: the population must be a list, tuple, string or range",
            python_type="TypeError",
        )
    return value


def random_members() -> dict[str, object]:
    """The `random` module of one run: its own generator.

    Until the program calls `random.seed`, it is seeded from the run's torch
    generator on first use (the run's seed, or the program's `torch.manual_seed`).
    """
    rng = random.Random()
    seeded = [False]

    def ready(ctx: RunContext) -> None:
        if not seeded[0]:
            rng.seed(ctx.generator.initial_seed())
            seeded[0] = True

    def seed(ctx: RunContext, args: Args, kwargs: Kwargs) -> None:
        if len(args) != 1 or not isinstance(args[0], int | float | str):
            raise ProgramError("random.seed takes one number or string", python_type="TypeError")
        if isinstance(args[0], str) and len(args[0]) > 1000:
            raise BudgetExceeded("random.seed: that string is too long.")
        if isinstance(args[0], int):
            check_int(args[0], ctx.budgets)
        rng.seed(args[0])
        seeded[0] = True

    def numbers(name: str, count: int, whole: bool = False) -> Callable:
        fn = getattr(rng, name)

        def call(ctx: RunContext, args: Args, kwargs: Kwargs) -> object:
            ready(ctx)
            if len(args) != count:
                raise ProgramError(
                    f"random.{name} takes {count} arguments", python_type="TypeError"
                )
            values = [_whole(a, f"random.{name}") if whole else _number(a, name) for a in args]
            return fn(*values)

        return call

    def randrange(ctx: RunContext, args: Args, kwargs: Kwargs) -> int:
        ready(ctx)
        if not 1 <= len(args) <= 3:
            raise ProgramError("random.randrange takes 1 to 3 arguments", python_type="TypeError")
        return rng.randrange(*(_whole(a, "random.randrange") for a in args))

    def choice(ctx: RunContext, args: Args, kwargs: Kwargs) -> object:
        ready(ctx)
        if len(args) != 1:
            raise ProgramError("random.choice takes one sequence", python_type="TypeError")
        return rng.choice(_population(ctx, args[0]))

    def shuffle(ctx: RunContext, args: Args, kwargs: Kwargs) -> None:
        ready(ctx)
        if len(args) != 1 or not isinstance(args[0], list):
            raise ProgramError("random.shuffle takes one list", python_type="TypeError")
        rng.shuffle(args[0])

    def sample(ctx: RunContext, args: Args, kwargs: Kwargs) -> list:
        ready(ctx)
        if len(args) != 2:
            raise ProgramError("random.sample takes a population and k", python_type="TypeError")
        population, k = _population(ctx, args[0]), _whole(args[1], "random.sample k")
        if k > ctx.budgets.sequence_length:
            raise BudgetExceeded(f"random.sample of {k:,} items is past the sequence limit.")
        size = range_length(population) if isinstance(population, range) else len(population)
        if not 0 <= k <= size:
            raise ProgramError(
                "Sample larger than population or is negative", python_type="ValueError"
            )
        ctx.count_items(k, references=True)
        return rng.sample(population, k)

    def choices(ctx: RunContext, args: Args, kwargs: Kwargs) -> list:
        ready(ctx)
        if len(args) != 1:
            raise ProgramError("random.choices takes one population", python_type="TypeError")
        k = _whole(kwargs.get("k", 1), "random.choices k")
        if k > ctx.budgets.sequence_length:
            raise BudgetExceeded(f"random.choices of {k:,} items is past the sequence limit.")
        ctx.count_items(max(k, 0), references=True)
        weights = kwargs.get("weights")
        if weights is not None and not isinstance(weights, list | tuple):
            raise ProgramError("random.choices: weights must be a list", python_type="TypeError")
        return rng.choices(_population(ctx, args[0]), weights=weights, k=k)

    members = {
        "seed": Builtin("random.seed", seed),
        "random": Builtin("random.random", numbers("random", 0)),
        "uniform": Builtin("random.uniform", numbers("uniform", 2)),
        "gauss": Builtin("random.gauss", numbers("gauss", 2)),
        "normalvariate": Builtin("random.normalvariate", numbers("normalvariate", 2)),
        "randint": Builtin("random.randint", numbers("randint", 2, whole=True)),
        "randrange": Builtin("random.randrange", randrange),
        "choice": Builtin("random.choice", choice),
        "shuffle": Builtin("random.shuffle", shuffle),
        "sample": Builtin("random.sample", sample),
        "choices": Builtin("random.choices", choices, frozenset({"k", "weights"})),
    }
    return members
