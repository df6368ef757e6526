"""`f"{x:>8.3f}"`, `"%5.2f" % x` and `"{:>8}".format(x)`, with bounded widths.

The three forms share one rule: no width or precision above `MAX_WIDTH` (Python
would happily pad to a billion characters), and values are turned into text by
the sandbox's bounded `to_text`, never by a format string reaching attributes
(`"{0.__class__}"`) or items (`"{0[a]}"`): a field is a position or a name only.
Each conversion spec is applied on its own by Python's `%`/`format` to a plain
value we chose, so nothing else of the format mini-languages is reachable.
"""

from __future__ import annotations

import re
import string

import numpy as np
import torch

from ..core.errors import BudgetExceeded, NotAllowed, ProgramError
from ..core.text import array_text, to_repr, to_text

MAX_WIDTH = 100
MAX_FIELDS = 1_000
_SPEC_NUMBER = re.compile(r"\d+")
_PERCENT = re.compile(
    r"%(?:\((?P<key>[^)]*)\))?(?P<flags>[-+ #0]*)(?P<width>\*|\d+)?"
    r"(?:\.(?P<precision>\*|\d+))?[hlL]?(?P<conv>[diouxXeEfFgGcrsa%])"
)
_PLAIN = bool | int | float | str | type(None)


def check_spec(spec: str) -> None:
    """Refuse widths and precisions above `MAX_WIDTH` (the f-string limit)."""
    if any(int(n) > MAX_WIDTH for n in _SPEC_NUMBER.findall(spec)):
        raise BudgetExceeded(f"Format widths and precisions above {MAX_WIDTH} are not allowed.")


def format_value(value: object, spec: str, conversion: str | None, interp) -> str:
    """`format(value, spec)` after `!r`/`!s`, as an f-string field does."""
    check_spec(spec)
    if conversion == "r":
        value = to_repr(value, interp=interp)
    elif conversion in ("s", "a") or isinstance(value, list | tuple | dict | set):
        value = to_text(value, interp=interp)
    elif not spec and isinstance(value, torch.Tensor | np.ndarray) and value.ndim:
        value = array_text(value)  # what `format` would do, summarised
    if not isinstance(value, _PLAIN | torch.Tensor):
        value = to_text(value, interp=interp)
    return format(value, spec)


def percent_format(template: str, values: object, interp) -> str:
    """`template % values`, one conversion at a time."""
    args = list(values) if type(values) is tuple else [values]
    mapping = values if isinstance(values, dict) else None
    parts: list[str] = []
    position = used = 0
    for match in _PERCENT.finditer(template):
        parts.append(_literal_percent(template[position : match.start()]))
        position = match.end()
        spec = match.group(0)
        if match.group("conv") == "%":
            parts.append("%")
            continue
        if "*" in spec:
            raise NotAllowed("`*` widths in % formatting are not supported; write the number.")
        check_spec(spec)
        key = match.group("key")
        if key is not None:
            if mapping is None:
                raise ProgramError("format requires a mapping", python_type="TypeError")
            value = mapping[key]
            spec = spec.replace(f"({key})", "", 1)
        else:
            if used >= len(args):
                raise ProgramError(
                    "not enough arguments for format string", python_type="TypeError"
                )
            value = args[used]
            used += 1
        parts.append(_one_percent(spec, match.group("conv"), value, interp))
    parts.append(_literal_percent(template[position:]))
    if mapping is None and used < len(args):
        raise ProgramError(
            "not all arguments converted during string formatting", python_type="TypeError"
        )
    return "".join(parts)


def _literal_percent(text: str) -> str:
    if "%" in text:
        raise ProgramError(
            "incomplete or unsupported format in % formatting", python_type="ValueError"
        )
    return text


def _one_percent(spec: str, conv: str, value: object, interp) -> str:
    if conv in "sa":
        return spec % (to_text(value, interp=interp),)
    if conv == "r":
        return (spec[:-1] + "s") % (to_repr(value, interp=interp),)
    size = value.size if isinstance(value, np.ndarray) else 0
    if isinstance(value, torch.Tensor):
        size = value.numel()
    if size == 1:
        value = value.item()
    if not isinstance(value, bool | int | float):
        raise ProgramError(
            f"%{conv} format: a real number is required, not {type(value).__name__}",
            python_type="TypeError",
        )
    return spec % (value,)


def str_format(template: str, args: list, kwargs: dict, interp) -> str:
    """`template.format(*args, **kwargs)` with positional and named fields only."""
    return _render(template, args, kwargs, interp, [0], 0)


def _render(template: str, args: list, kwargs: dict, interp, auto: list[int], depth: int) -> str:
    if depth > 1:
        raise ProgramError("Max string recursion exceeded", python_type="ValueError")
    try:
        fields = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ProgramError(str(exc), python_type="ValueError") from None
    if len(fields) > MAX_FIELDS:
        raise BudgetExceeded(f"A format string may have at most {MAX_FIELDS:,} fields.")
    parts: list[str] = []
    for literal, field, spec, conversion in fields:
        parts.append(literal)
        if field is None:
            continue
        value = _field_value(_field_key(field, auto), args, kwargs)
        if spec and "{" in spec:
            spec = _render(spec, args, kwargs, interp, auto, depth + 1)
        parts.append(format_value(value, spec or "", conversion, interp))
    return "".join(parts)


def _field_key(field: str, auto: list[int]) -> int | str:
    if field == "":
        auto[0] += 1
        return auto[0] - 1
    if field.isdigit():
        return int(field)
    if field.isidentifier():
        return field
    raise NotAllowed(
        f"The format field `{{{field}}}` is not supported: use a position or a name "
        "(no attributes or items)."
    )


def _field_value(key: int | str, args: list, kwargs: dict) -> object:
    if isinstance(key, int):
        if key >= len(args):
            raise ProgramError(
                f"Replacement index {key} out of range for positional args tuple",
                python_type="IndexError",
            )
        return args[key]
    if key not in kwargs:
        raise ProgramError(repr(key), python_type="KeyError")
    return kwargs[key]
