"""User classes: `class C:` and `class C(Base):` where `Base` is a user class.

A class and its instances are `SandboxObject`s holding plain dicts of members
and attributes, so a program never meets a real Python class, `__dict__`,
`__class__` or `__mro__`: the names it can reach are the ones it wrote (dunder
names are refused before the program runs, except the special methods listed
in `source_check.SPECIAL_METHODS`, which only this module calls).

Contract with the other kinds of class (`nn.Module`, `torch.autograd.Function`):
for `class C(Base):` where `Base` is a `SandboxObject` that is not a `UserClass`,
the interpreter calls `Base.subclass(interp, "C", members)` instead; either way
each method's `Closure.owner` is the class made, and a bare `super()` in it is
`owner.super_of(interp, self)`.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..core.errors import BudgetExceeded, ProgramError
from ..core.values import Closure, SandboxObject, StaticMethod

MAX_MEMBERS = 10_000  # attributes of one object: each `obj.name = v` counts


class UserClass(SandboxObject):
    """A class the program defined; its members are the names its body bound."""

    kind = "type"

    def __init__(self, name: str, base: UserClass | None, members: dict[str, object]) -> None:
        self.name = name
        self.base = base
        self.members = members

    def lookup(self, name: str) -> tuple[bool, object]:
        """(found, value) for `name` in this class or a base, nearest first."""
        cls: UserClass | None = self
        while cls is not None:
            if name in cls.members:
                return True, cls.members[name]
            cls = cls.base
        return False, None

    def get_attribute(self, interp, name: str) -> object:
        found, value = self.lookup(name)
        if not found:
            raise ProgramError(
                f"type object '{self.name}' has no attribute '{name}'",
                python_type="AttributeError",
            )
        return value.function if isinstance(value, StaticMethod) else value

    def set_attribute(self, interp, name: str, value: object) -> None:
        _check_room(self.members)
        self.members[name] = value

    def call(self, interp, args: list, kwargs: dict) -> UserInstance:
        instance = UserInstance(self)
        found, init = self.lookup("__init__")
        if found:
            if interp.call(init, [instance, *args], kwargs) is not None:
                raise ProgramError("__init__() should return None", python_type="TypeError")
        elif args or kwargs:
            raise ProgramError(f"{self.name}() takes no arguments", python_type="TypeError")
        return instance

    def subclass(self, interp, name: str, members: dict[str, object]) -> UserClass:
        return UserClass(name, self, members)

    def super_of(self, interp, instance: object) -> SuperView:
        if not self.instance_check(instance):
            raise ProgramError(
                "super(type, obj): obj must be an instance of type", python_type="TypeError"
            )
        return SuperView(self.base, instance)

    def instance_check(self, value: object) -> bool:
        if not isinstance(value, UserInstance):
            return False
        cls: UserClass | None = value.cls
        while cls is not None:
            if cls is self:
                return True
            cls = cls.base
        return False

    def __repr__(self) -> str:
        return f"<class '__main__.{self.name}'>"


class UserInstance(SandboxObject):
    """An object of a user class: its own attributes, then its class's members."""

    def __init__(self, cls: UserClass) -> None:
        self.cls = cls
        self.attributes: dict[str, object] = {}

    @property
    def kind(self) -> str:  # type: ignore[override]
        return self.cls.name

    def get_attribute(self, interp, name: str) -> object:
        if name in self.attributes:
            return self.attributes[name]
        found, value = self.cls.lookup(name)
        if not found:
            raise ProgramError(
                f"'{self.cls.name}' object has no attribute '{name}'",
                python_type="AttributeError",
            )
        return bind(value, self)

    def set_attribute(self, interp, name: str, value: object) -> None:
        if name not in self.attributes:
            _check_room(self.attributes)
        self.attributes[name] = value

    def special(self, name: str) -> Closure | None:
        """A special method (`__call__`, `__len__`, ...) the class defines, or None."""
        found, value = self.cls.lookup(name)
        return value if found and isinstance(value, Closure) else None

    def call(self, interp, args: list, kwargs: dict) -> object:
        method = self.special("__call__")
        if method is None:
            raise ProgramError(f"'{self.cls.name}' object is not callable", python_type="TypeError")
        return interp.call(method, [self, *args], kwargs)

    def length(self, interp) -> int:
        method = self.special("__len__")
        if method is None:
            return super().length(interp)
        result = interp.call(method, [self], {})
        if not isinstance(result, int) or isinstance(result, bool) or result < 0:
            raise ProgramError("__len__() should return an int >= 0", python_type="TypeError")
        return result

    def get_item(self, interp, index: object) -> object:
        method = self.special("__getitem__")
        if method is None:
            return super().get_item(interp, index)
        return interp.call(method, [self, index], {})

    def iterate(self, interp) -> Iterator[object]:
        """Python's old protocol: `__getitem__` with 0, 1, 2, ... until IndexError."""
        if self.special("__getitem__") is None:
            return super().iterate(interp)
        return _items_until_index_error(self, interp)

    def text(self, interp) -> str:
        method = self.special("__str__") or self.special("__repr__")
        return self._render(interp, method, "__str__")

    def repr_text(self, interp) -> str:
        return self._render(interp, self.special("__repr__"), "__repr__")

    def _render(self, interp, method: Closure | None, what: str) -> str:
        if method is None:
            return repr(self)
        result = interp.call(method, [self], {})
        if not isinstance(result, str):
            raise ProgramError(f"{what} returned non-string", python_type="TypeError")
        return result

    def __repr__(self) -> str:
        return f"<__main__.{self.cls.name} object>"


def _items_until_index_error(instance: UserInstance, interp) -> Iterator[object]:
    index = 0
    while True:
        try:
            item = instance.get_item(interp, index)
        except ProgramError as exc:
            if exc.python_type == "IndexError":
                return
            raise
        yield item
        index += 1


class BoundUserMethod(SandboxObject):
    """`obj.method`: the function with `obj` as its first argument."""

    kind = "method"

    def __init__(self, function: Closure, instance: object) -> None:
        self.function = function
        self.instance = instance

    def call(self, interp, args: list, kwargs: dict) -> object:
        return interp.call(self.function, [self.instance, *args], kwargs)

    def __repr__(self) -> str:
        return f"<bound method {self.function.name}>"


class SuperView(SandboxObject):
    """`super()` in a method: the base class's members, bound to the instance."""

    kind = "super"

    def __init__(self, start: UserClass | None, instance: UserInstance) -> None:
        self.start = start
        self.instance = instance

    def get_attribute(self, interp, name: str) -> object:
        if self.start is not None:
            found, value = self.start.lookup(name)
            if found:
                return bind(value, self.instance)
        if name == "__init__":
            return _OBJECT_INIT
        raise ProgramError(
            f"'super' object has no attribute '{name}'", python_type="AttributeError"
        )


class _ObjectInit(SandboxObject):
    """`object.__init__`: takes no arguments and does nothing."""

    kind = "method"

    def call(self, interp, args: list, kwargs: dict) -> None:
        if args or kwargs:
            raise ProgramError(
                "object.__init__() takes exactly one argument (the instance to initialize)",
                python_type="TypeError",
            )

    def __repr__(self) -> str:
        return "<method-wrapper '__init__' of object>"


_OBJECT_INIT = _ObjectInit()


def bind(value: object, instance: object) -> object:
    """A member read through an instance: methods bind, static methods do not."""
    if isinstance(value, Closure):
        return BoundUserMethod(value, instance)
    if isinstance(value, StaticMethod):
        return value.function
    return value


def _check_room(attributes: dict) -> None:
    if len(attributes) >= MAX_MEMBERS:
        raise BudgetExceeded(f"An object may have at most {MAX_MEMBERS:,} attributes.")
