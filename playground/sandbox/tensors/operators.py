"""Python operators (`+ - * / ** @ ...`) on sandbox values, with size checks first."""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable

import numpy as np
import torch

from ..core.context import RunContext
from ..core.errors import NotAllowed, ProgramError
from ..core.limits import (
    broadcast_bound,
    broadcast_numel,
    check_int,
    check_int_pow,
    check_length,
    check_numel,
    check_repeat,
    matmul_numel,
    shape_bound,
)
from ..core.values import type_name
from .compare_cost import check_compare
from .torch_api import check_matmul

BINARY: dict[type, tuple[str, Callable, Callable]] = {
    ast.Add: ("+", operator.add, operator.iadd),
    ast.Sub: ("-", operator.sub, operator.isub),
    ast.Mult: ("*", operator.mul, operator.imul),
    ast.Div: ("/", operator.truediv, operator.itruediv),
    ast.FloorDiv: ("//", operator.floordiv, operator.ifloordiv),
    ast.Mod: ("%", operator.mod, operator.imod),
    ast.Pow: ("**", operator.pow, operator.ipow),
    ast.MatMult: ("@", operator.matmul, operator.imatmul),
    # Boolean masks (`(x > 2) & (x < 7)`) and whole numbers; sizes as any binary op.
    ast.BitAnd: ("&", operator.and_, operator.iand),
    ast.BitOr: ("|", operator.or_, operator.ior),
    ast.BitXor: ("^", operator.xor, operator.ixor),
}

COMPARE: dict[type, Callable] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt,
    ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
    ast.Is: operator.is_, ast.IsNot: operator.is_not,
    ast.In: lambda a, b: operator.contains(b, a),
    ast.NotIn: lambda a, b: not operator.contains(b, a),
}  # fmt: skip

_NUMBER = bool | int | float
_SEQUENCE = str | list | tuple
_ARRAY = torch.Tensor | np.ndarray


def binary(
    ctx: RunContext, op: ast.operator, left: object, right: object, inplace: bool = False
) -> object:
    """`left op right` with PyTorch's semantics for tensors and bounded Python otherwise."""
    symbol, plain, in_place = BINARY[type(op)]
    if isinstance(left, torch.Tensor) or isinstance(right, torch.Tensor):
        fn = in_place if inplace and isinstance(left, torch.Tensor) else plain
        return _tensor_binary(ctx, symbol, fn, left, right)
    if isinstance(left, _NUMBER) and isinstance(right, _NUMBER):
        return _number_binary(ctx, symbol, plain, left, right)
    if isinstance(left, np.ndarray) or isinstance(right, np.ndarray):
        return _array_binary(ctx, symbol, plain, left, right)
    if symbol in ("+", "*") and (isinstance(left, _SEQUENCE) or isinstance(right, _SEQUENCE)):
        return _sequence_binary(ctx, symbol, plain, left, right)
    raise ProgramError(
        f"Unsupported operand types for {symbol}: {type_name(left)} and {type_name(right)}."
    )


def _tensor_binary(
    ctx: RunContext, symbol: str, fn: Callable, left: object, right: object
) -> object:
    for value in (left, right):
        if not isinstance(value, torch.Tensor | _NUMBER):
            raise ProgramError(
                f"Unsupported operand types for {symbol}: {type_name(left)} and {type_name(right)}."
            )
    if symbol == "@":
        if not (isinstance(left, torch.Tensor) and isinstance(right, torch.Tensor)):
            raise ProgramError("@ multiplies two tensors.")
        check_matmul(left, right, ctx)
    elif broadcast_bound(left, right) > ctx.budgets.tensor_elements:
        shapes = [v.shape for v in (left, right) if isinstance(v, torch.Tensor)]
        check_numel(broadcast_numel(*shapes), ctx.budgets)
    result = fn(left, right)
    ctx.count_op(result)
    ctx.tracer.record(result, (left, right))
    return result


def _array_binary(
    ctx: RunContext, symbol: str, fn: Callable, left: object, right: object
) -> np.ndarray:
    """NumPy arithmetic on arrays and numbers, sized like tensors' before computing."""
    shapes = []
    for value in (left, right):
        if isinstance(value, np.ndarray):
            shapes.append(value.shape)
        elif not isinstance(value, _NUMBER):
            raise ProgramError(
                f"Unsupported operand types for {symbol}: {type_name(left)} and {type_name(right)}."
            )
    if symbol == "@":
        if len(shapes) != 2:
            raise ProgramError("@ multiplies two arrays.")
        if shape_bound(shapes[0]) * shape_bound(shapes[1]) > ctx.budgets.tensor_elements:
            check_numel(matmul_numel(*shapes), ctx.budgets, "The matrix product")
    elif math.prod(shape_bound(s) for s in shapes) > ctx.budgets.tensor_elements:
        check_numel(broadcast_numel(*shapes), ctx.budgets)
    result = fn(left, right)  # NumPy's warnings (divide by zero): the program's, shown
    ctx.count_op(result)
    return result


def _number_binary(ctx: RunContext, symbol: str, fn: Callable, left: float, right: float) -> object:
    if symbol == "@":
        raise ProgramError("@ multiplies tensors, not numbers.")
    if symbol == "**" and isinstance(left, int) and isinstance(right, int):
        check_int_pow(left, right, ctx.budgets)
    result = fn(left, right)
    if isinstance(result, int):
        check_int(result, ctx.budgets)
    if isinstance(result, complex):
        raise NotAllowed(
            f"{_number_text(left)} {symbol} {_number_text(right)} is a complex number; "
            "the playground has no complex numbers.",
            hint="A negative number to a fractional power has no real value.",
        )
    return result


def _number_text(value: float) -> str:
    return f"({value})" if isinstance(value, int | float) and value < 0 else str(value)


def _sequence_binary(
    ctx: RunContext, symbol: str, fn: Callable, left: object, right: object
) -> object:
    if symbol == "*":
        seq, times = (left, right) if isinstance(left, _SEQUENCE) else (right, left)
        if not isinstance(times, int) or isinstance(times, bool):
            raise ProgramError(f"Can only repeat a {type_name(seq)} by a whole number.")
        check_repeat(len(seq), times, ctx.budgets)
        ctx.count_items(len(seq) * max(times, 0), references=not isinstance(seq, str))
        return fn(left, right)
    if type(left) is not type(right):
        raise ProgramError(
            f"Unsupported operand types for +: {type_name(left)} and {type_name(right)}."
        )
    check_repeat(len(left) + len(right), 1, ctx.budgets)
    ctx.count_items(len(left) + len(right), references=not isinstance(left, str))
    result = fn(left, right)
    check_length(result, ctx.budgets)
    return result


def unary(ctx: RunContext, op: ast.unaryop, value: object) -> object:
    """`-x`, `+x`, `~x`, `not x`."""
    if isinstance(op, ast.Not):
        return not truth(value)
    if not isinstance(value, torch.Tensor | np.ndarray | _NUMBER):
        raise ProgramError(f"Bad operand type for unary minus: {type_name(value)}.")
    if isinstance(op, ast.Invert):
        if isinstance(value, float):
            raise ProgramError("bad operand type for unary ~: 'float'", python_type="TypeError")
        result = ~value  # a bool tensor's NOT; a whole number's bits (as small as it)
    else:
        result = -value if isinstance(op, ast.USub) else +value
    if isinstance(value, torch.Tensor | np.ndarray):
        ctx.count_op(result)
        ctx.tracer.record(result, (value,))
    return result


def compare(ctx: RunContext, op: ast.cmpop, left: object, right: object) -> object:
    """One comparison of a chain; tensors compare element-wise as in PyTorch."""
    if isinstance(op, ast.In | ast.NotIn) and not isinstance(
        right, list | tuple | str | range | torch.Tensor
    ):
        raise ProgramError(f"`in` needs a sequence, not {type_name(right)}.")
    check_compare(ctx, op, left, right)
    result = COMPARE[type(op)](left, right)
    if isinstance(left, _ARRAY) or isinstance(right, _ARRAY):
        ctx.count_op(result)
    return result


def truth(value: object) -> bool:
    """Truthiness as Python has it (a tensor must have one element)."""
    return bool(value)
