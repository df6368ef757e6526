"""Methods of `str`, `list`, `dict`, `set` and `tuple` a program may call.

Dispatched by the value's exact type through these tables (never `getattr` with
the program's name), each bounded: growing a list or string checks the
sequence budget first and counts the new items, `sort` and `index` bound the
comparisons they will make, and a dict or set key is checked before hashing.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable

from ..core.errors import BudgetExceeded, NotAllowed, ProgramError
from ..core.values import SandboxObject, type_name
from ..tensors.compare_cost import check_compare
from .container_cost import check_container_compare, check_hashable, is_container
from .formatting import MAX_WIDTH, str_format

Method = Callable[..., object]  # (interp, target, args, kwargs) -> result


class PyMethod(SandboxObject):
    """`"a,b".split` or `items.append`: an allow-listed method bound to its value."""

    kind = "builtin_function_or_method"

    def __init__(self, target: object, name: str, fn: Method) -> None:
        self.target = target
        self.name = name
        self.fn = fn

    def call(self, interp, args: list, kwargs: dict) -> object:
        return self.fn(interp, self.target, args, kwargs)

    def __repr__(self) -> str:
        return f"<built-in method {self.name} of {type(self.target).__name__} object>"


def _table(value: object) -> dict[str, Method] | None:
    """The methods of `value`'s type; our dict subclasses (param groups, state dicts)
    have a dict's."""
    table = TABLES.get(type(value))
    if table is None and isinstance(value, dict) and not isinstance(value, SandboxObject):
        return TABLES[dict]
    return table


def method_of(value: object, name: str) -> PyMethod:
    """The method `name` of a Python value, or a clear refusal."""
    table = _table(value)
    if table is None or name not in table:
        raise NotAllowed(f"`.{name}` of {type_name(value)} is not available in the playground.")
    return PyMethod(value, name, table[name])


def has_methods(value: object) -> bool:
    return _table(value) is not None


def python_get_item(interp, container: object, key: object) -> object:
    """`container[key]` for a dict or one of our objects (a user class's `__getitem__`)."""
    if isinstance(container, SandboxObject):
        return container.get_item(interp, key)
    check_hashable(interp.ctx, key)
    return container[key]


def python_set_item(interp, container: object, key: object, value: object) -> None:
    """`container[key] = value` for a dict or one of our objects."""
    if isinstance(container, SandboxObject):
        container.set_item(interp, key, value)
        return
    check_hashable(interp.ctx, key)
    if key not in container:
        _grow(interp, len(container) + 1, 2)
    container[key] = value


# -- helpers ------------------------------------------------------------------------------


def _args(name: str, args: list, kwargs: dict, low: int, high: int, keywords=()) -> None:
    if not low <= len(args) <= high:
        raise ProgramError(f"{name}() takes {low} to {high} arguments", python_type="TypeError")
    unknown = set(kwargs) - set(keywords)
    if unknown:
        raise ProgramError(
            f"{name}() got an unexpected keyword argument '{sorted(unknown)[0]}'",
            python_type="TypeError",
        )


def _room(interp, length: int, references: bool) -> None:
    """A sequence may grow to `length` items: check the budget and count the new ones."""
    budgets = interp.ctx.budgets
    if length > budgets.sequence_length:
        raise BudgetExceeded(
            f"A sequence of {length:,} items is past the limit of {budgets.sequence_length:,}."
        )


def _grow(interp, new_length: int, added: int, references: bool = True) -> None:
    _room(interp, new_length, references)
    interp.ctx.count_items(max(added, 0), references=references)


def _string(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise ProgramError(f"{what} must be str, not {type_name(value)}", python_type="TypeError")
    return value


def _whole(value: object, what: str) -> int:
    if not isinstance(value, int):
        raise ProgramError(f"{what} must be an integer", python_type="TypeError")
    return value


def _items(interp, value: object) -> list:
    """Materialise an iterable argument within the sequence budget."""
    return interp.materialise(value)


# -- str -------------------------------------------------------------------------------------


def _str_simple(name: str) -> Method:
    fn = getattr(str, name)

    def call(interp, target: str, args: list, kwargs: dict) -> object:
        _args(name, args, kwargs, 0, 0)
        result = fn(target)
        if isinstance(result, str):
            _grow(interp, len(result), len(result), references=False)
        return result

    return call


def _str_strip(name: str) -> Method:
    fn = getattr(str, name)

    def call(interp, target: str, args: list, kwargs: dict) -> str:
        _args(name, args, kwargs, 0, 1)
        chars = args[0] if args else None
        if chars is not None:
            _string(chars, f"{name} arg")
        return fn(target, chars)

    return call


def _str_affix(name: str) -> Method:
    fn = getattr(str, name)

    def call(interp, target: str, args: list, kwargs: dict) -> bool:
        _args(name, args, kwargs, 1, 1)
        affix = args[0]
        if isinstance(affix, tuple):
            affix = tuple(_string(a, name) for a in affix)
        else:
            _string(affix, f"{name} arg")
        return fn(target, affix)

    return call


def _str_search(name: str) -> Method:
    fn = getattr(str, name)

    def call(interp, target: str, args: list, kwargs: dict) -> int:
        _args(name, args, kwargs, 1, 3)
        _string(args[0], f"{name} arg")
        for bound in args[1:]:
            if bound is not None:
                _whole(bound, "slice indices")
        return fn(target, *args)

    return call


def _str_pad(name: str) -> Method:
    fn = getattr(str, name)

    def call(interp, target: str, args: list, kwargs: dict) -> str:
        _args(name, args, kwargs, 1, 1 if name == "zfill" else 2)
        width = _whole(args[0], f"{name} width")
        if width > MAX_WIDTH and width > len(target):
            raise BudgetExceeded(f"Format widths and precisions above {MAX_WIDTH} are not allowed.")
        if len(args) == 2:
            _string(args[1], f"{name} fill character")
        result = fn(target, *args)
        interp.ctx.count_items(len(result))
        return result

    return call


def _str_split(name: str) -> Method:
    fn = getattr(str, name)

    def call(interp, target: str, args: list, kwargs: dict) -> list:
        _args(name, args, kwargs, 0, 2, ("sep", "maxsplit"))
        sep = kwargs.get("sep", args[0] if args else None)
        maxsplit = kwargs.get("maxsplit", args[1] if len(args) > 1 else -1)
        if sep is not None:
            _string(sep, "sep")
        result = fn(target, sep, _whole(maxsplit, "maxsplit"))
        _grow(interp, len(result), len(result) + len(target))
        return result

    return call


def _str_join(interp, target: str, args: list, kwargs: dict) -> str:
    _args("join", args, kwargs, 1, 1)
    parts = _items(interp, args[0])
    for index, part in enumerate(parts):
        if not isinstance(part, str):
            raise ProgramError(
                f"sequence item {index}: expected str instance, {type_name(part)} found",
                python_type="TypeError",
            )
    length = sum(map(len, parts)) + len(target) * max(len(parts) - 1, 0)
    _grow(interp, length, length, references=False)
    return target.join(parts)


def _str_replace(interp, target: str, args: list, kwargs: dict) -> str:
    _args("replace", args, kwargs, 2, 3)
    old, new = _string(args[0], "replace arg 1"), _string(args[1], "replace arg 2")
    count = _whole(args[2], "count") if len(args) == 3 else -1
    found = target.count(old) if old else len(target) + 1
    if count >= 0:
        found = min(found, count)
    length = len(target) + found * (len(new) - len(old))
    _grow(interp, length, length, references=False)
    return target.replace(old, new, count)


def _str_format(interp, target: str, args: list, kwargs: dict) -> str:
    result = str_format(target, args, kwargs, interp)
    _grow(interp, len(result), len(result), references=False)
    return result


def _str_count(interp, target: str, args: list, kwargs: dict) -> int:
    _args("count", args, kwargs, 1, 1)
    return target.count(_string(args[0], "count arg"))


# -- list and tuple ----------------------------------------------------------------------------


def _list_append(interp, target: list, args: list, kwargs: dict) -> None:
    _args("append", args, kwargs, 1, 1)
    _grow(interp, len(target) + 1, 1)
    target.append(args[0])


def _list_extend(interp, target: list, args: list, kwargs: dict) -> None:
    _args("extend", args, kwargs, 1, 1)
    items = _items(interp, args[0])
    _grow(interp, len(target) + len(items), len(items))
    target.extend(items)


def _list_insert(interp, target: list, args: list, kwargs: dict) -> None:
    _args("insert", args, kwargs, 2, 2)
    _grow(interp, len(target) + 1, 1)
    target.insert(_whole(args[0], "insert index"), args[1])


def _list_pop(interp, target: list, args: list, kwargs: dict) -> object:
    _args("pop", args, kwargs, 0, 1)
    return target.pop(*(_whole(a, "pop index") for a in args))


def _scan(interp, target: list | tuple, value: object) -> None:
    """`index`, `count`, `remove` compare `value` with every item: as `in` does."""
    check_compare(interp.ctx, ast.In(), value, target)
    if is_container(value) or any(is_container(i) for i in target[:1]):
        check_container_compare(interp.ctx, value, target)


def _seq_index(interp, target: list | tuple, args: list, kwargs: dict) -> int:
    _args("index", args, kwargs, 1, 3)
    _scan(interp, target, args[0])
    return target.index(args[0], *(_whole(a, "index bound") for a in args[1:]))


def _seq_count(interp, target: list | tuple, args: list, kwargs: dict) -> int:
    _args("count", args, kwargs, 1, 1)
    _scan(interp, target, args[0])
    return target.count(args[0])


def _list_remove(interp, target: list, args: list, kwargs: dict) -> None:
    _args("remove", args, kwargs, 1, 1)
    _scan(interp, target, args[0])
    target.remove(args[0])


def _list_sort(interp, target: list, args: list, kwargs: dict) -> None:
    _args("sort", args, kwargs, 0, 0, ("key", "reverse"))
    target[:] = sort_items(interp, target, kwargs.get("key"), kwargs.get("reverse", False))


def _list_reverse(interp, target: list, args: list, kwargs: dict) -> None:
    _args("reverse", args, kwargs, 0, 0)
    target.reverse()


def _copy(interp, target: list | dict | set, args: list, kwargs: dict) -> object:
    _args("copy", args, kwargs, 0, 0)
    interp.ctx.count_items(len(target), references=True)
    return target.copy()


def _clear(interp, target: list | dict | set, args: list, kwargs: dict) -> None:
    _args("clear", args, kwargs, 0, 0)
    target.clear()


_PLAIN_KEYS = frozenset({int, float, bool, str})


def sort_items(interp, items: list, key: object, reverse: object) -> list:
    """`sorted(items, key=key, reverse=reverse)` with its comparisons bounded.

    Plain numbers and strings sort in C; anything else (tensors, lists) is compared
    through `check_compare` first, one pair at a time, with the clock checked.
    """
    if not isinstance(reverse, bool | int):
        raise ProgramError("reverse must be a bool", python_type="TypeError")
    keys = items if key is None else [interp.call(key, [item], {}) for item in items]
    if set(map(type, keys)) <= _PLAIN_KEYS:
        order = sorted(range(len(keys)), key=keys.__getitem__, reverse=bool(reverse))
        return [items[i] for i in order]
    ctx = interp.ctx
    lt = ast.Lt()

    def compare(i: int, j: int) -> int:
        ctx.tick()
        a, b = keys[i], keys[j]
        check_compare(ctx, lt, a, b)
        if is_container(a) or is_container(b):
            check_container_compare(ctx, a, b)
        return -1 if a < b else (1 if b < a else 0)

    order = sorted(range(len(keys)), key=functools.cmp_to_key(compare), reverse=bool(reverse))
    return [items[i] for i in order]


# -- dict and set -----------------------------------------------------------------------------


def _dict_view(name: str) -> Method:
    fn = getattr(dict, name)

    def call(interp, target: dict, args: list, kwargs: dict) -> object:
        _args(name, args, kwargs, 0, 0)
        return fn(target)

    return call


def _dict_get(interp, target: dict, args: list, kwargs: dict) -> object:
    _args("get", args, kwargs, 1, 2)
    check_hashable(interp.ctx, args[0])
    return target.get(*args)


def _dict_pop(interp, target: dict, args: list, kwargs: dict) -> object:
    _args("pop", args, kwargs, 1, 2)
    check_hashable(interp.ctx, args[0])
    return target.pop(*args)


def _dict_setdefault(interp, target: dict, args: list, kwargs: dict) -> object:
    _args("setdefault", args, kwargs, 1, 2)
    check_hashable(interp.ctx, args[0])
    if args[0] not in target:
        _grow(interp, len(target) + 1, 2)
    return target.setdefault(*args)


def _dict_update(interp, target: dict, args: list, kwargs: dict) -> None:
    if len(args) > 1:
        raise ProgramError("update expected at most 1 argument", python_type="TypeError")
    pairs = interp.pairs(args[0]) if args else []
    pairs += list(kwargs.items())
    _grow(interp, len(target) + len(pairs), 2 * len(pairs))
    for key, value in pairs:
        check_hashable(interp.ctx, key)
        target[key] = value


def _dict_popitem(interp, target: dict, args: list, kwargs: dict) -> object:
    _args("popitem", args, kwargs, 0, 0)
    return target.popitem()


def _set_add(interp, target: set, args: list, kwargs: dict) -> None:
    _args("add", args, kwargs, 1, 1)
    check_hashable(interp.ctx, args[0])
    _grow(interp, len(target) + 1, 1)
    target.add(args[0])


def _set_one(name: str) -> Method:
    fn = getattr(set, name)

    def call(interp, target: set, args: list, kwargs: dict) -> object:
        _args(name, args, kwargs, 1, 1)
        check_hashable(interp.ctx, args[0])
        return fn(target, args[0])

    return call


def _set_many(name: str, grows: bool) -> Method:
    fn = getattr(set, name)

    def call(interp, target: set, args: list, kwargs: dict) -> object:
        _args(name, args, kwargs, 0, 8)
        others = [_hashed(interp, _items(interp, a)) for a in args]
        total = len(target) + sum(map(len, others))
        if grows or not name.endswith("update"):
            _grow(interp, total, total)
        return fn(target, *others)

    return call


def _hashed(interp, items: list) -> list:
    for item in items:
        check_hashable(interp.ctx, item)
    return items


def _set_pop(interp, target: set, args: list, kwargs: dict) -> object:
    _args("pop", args, kwargs, 0, 0)
    return target.pop()


_STR: dict[str, Method] = {
    "format": _str_format, "join": _str_join, "replace": _str_replace, "count": _str_count,
    **{n: _str_simple(n) for n in (
        "upper", "lower", "title", "capitalize", "swapcase", "isdigit", "isalpha",
        "isalnum", "isspace", "isupper", "islower", "isnumeric", "isdecimal", "isidentifier",
        "splitlines",
    )},
    **{n: _str_strip(n) for n in ("strip", "lstrip", "rstrip")},
    **{n: _str_affix(n) for n in ("startswith", "endswith")},
    **{n: _str_search(n) for n in ("find", "rfind", "index", "rindex")},
    **{n: _str_pad(n) for n in ("center", "ljust", "rjust", "zfill")},
    **{n: _str_split(n) for n in ("split", "rsplit")},
}  # fmt: skip

_LIST: dict[str, Method] = {
    "append": _list_append, "extend": _list_extend, "insert": _list_insert, "pop": _list_pop,
    "index": _seq_index, "count": _seq_count, "remove": _list_remove, "sort": _list_sort,
    "reverse": _list_reverse, "copy": _copy, "clear": _clear,
}  # fmt: skip

_DICT: dict[str, Method] = {
    "items": _dict_view("items"), "keys": _dict_view("keys"), "values": _dict_view("values"),
    "get": _dict_get, "pop": _dict_pop, "setdefault": _dict_setdefault,
    "update": _dict_update, "popitem": _dict_popitem, "copy": _copy, "clear": _clear,
}  # fmt: skip

_SET: dict[str, Method] = {
    "add": _set_add, "discard": _set_one("discard"), "remove": _set_one("remove"),
    "pop": _set_pop, "copy": _copy, "clear": _clear,
    "union": _set_many("union", True), "update": _set_many("update", True),
    "intersection": _set_many("intersection", False),
    "difference": _set_many("difference", False),
    "symmetric_difference": _set_many("symmetric_difference", True),
    "issubset": _set_many("issubset", False), "issuperset": _set_many("issuperset", False),
    "isdisjoint": _set_many("isdisjoint", False),
}  # fmt: skip

TABLES: dict[type, dict[str, Method]] = {
    str: _STR,
    list: _LIST,
    tuple: {"index": _seq_index, "count": _seq_count},
    dict: _DICT,
    set: _SET,
}
