"""Exception classes and values a program can raise and catch.

A program catches only *program* errors (`ProgramError`): what Python or PyTorch
raised for its mistakes, and what it raised itself. Budgets, refusals and the
worker's stops are other exceptions, which no `except` clause ever sees. An
exception value is our own object: printing it shows its message, `.args` its
arguments, and nothing leads to a traceback or a frame.
"""

from __future__ import annotations

import builtins

from ..core.errors import NotAllowed, ProgramError
from ..core.text import to_repr, to_text
from ..core.values import SandboxObject

# The Python exceptions a program can name, each with its parent.
NAMES = (
    "Exception", "ArithmeticError", "ZeroDivisionError", "OverflowError", "LookupError",
    "IndexError", "KeyError", "ValueError", "TypeError", "RuntimeError",
    "NotImplementedError", "AssertionError", "AttributeError", "StopIteration",
    "NameError", "UnboundLocalError",
)  # fmt: skip
MAX_MESSAGE = 2_000


class ExceptionClass(SandboxObject):
    """`ValueError`, or a program's `class MyError(ValueError): pass`."""

    kind = "type"

    def __init__(self, name: str, parent: ExceptionClass | None, user: bool = False) -> None:
        self.name = name
        self.parent = parent
        self.user = user

    def is_a(self, other: ExceptionClass) -> bool:
        cls: ExceptionClass | None = self
        while cls is not None:
            if cls is other:
                return True
            cls = cls.parent
        return False

    def call(self, interp, args: list, kwargs: dict) -> ExceptionValue:
        if kwargs:
            raise ProgramError(
                f"{self.name}() takes no keyword arguments.", python_type="TypeError"
            )
        return ExceptionValue(self, tuple(args))

    def subclass(self, interp, name: str, members: dict[str, object]) -> ExceptionClass:
        extra = [key for key in members if key != "__doc__"]
        if extra:
            raise NotAllowed(
                f"An exception class may only hold a docstring or `pass`, not `{extra[0]}`."
            )
        return ExceptionClass(name, self, user=True)

    def instance_check(self, value: object) -> bool:
        return isinstance(value, ExceptionValue) and value.cls.is_a(self)

    def get_attribute(self, interp, name: str) -> object:
        raise NotAllowed(f"Attribute `.{name}` of the class {self.name} is not available.")

    def __repr__(self) -> str:
        return f"<class '{'__main__.' if self.user else ''}{self.name}'>"


class ExceptionValue(SandboxObject):
    """One raised (or created) exception: its class and its arguments."""

    def __init__(self, cls: ExceptionClass, args: tuple) -> None:
        self.cls = cls
        self.args = args

    @property
    def kind(self) -> str:  # type: ignore[override]
        return self.cls.name

    def get_attribute(self, interp, name: str) -> object:
        if name == "args":
            return self.args
        raise NotAllowed(f"Attribute `.{name}` of {self.cls.name} is not available.")

    def message(self) -> str:
        """`str(e)`, as Python gives it, bounded."""
        if not self.args:
            return ""
        if len(self.args) == 1:
            arg = self.args[0]
            return (
                to_repr(arg, MAX_MESSAGE)
                if self.cls.name == "KeyError"
                else to_text(arg, MAX_MESSAGE)
            )
        return to_text(self.args, MAX_MESSAGE)

    def text(self, interp) -> str:
        return self.message()

    def repr_text(self, interp) -> str:
        return f"{self.cls.name}({to_text(self.args, MAX_MESSAGE)[1:-1].rstrip(',')})"

    def __repr__(self) -> str:
        return self.repr_text(None)

    def error(self) -> ProgramError:
        """The error that carries this exception up through the program."""
        text = self.message()
        message = f"{self.cls.name}: {text}" if text else self.cls.name
        return ProgramError(message, python_type=self.cls.name, raised=self)


def _make_classes() -> dict[str, ExceptionClass]:
    classes: dict[str, ExceptionClass] = {}
    for name in NAMES:
        parent = getattr(builtins, name).__bases__[0].__name__
        classes[name] = ExceptionClass(name, classes.get(parent))
    return classes


# Shared by every run: no program can change them (no attribute writes, no methods).
BUILTIN_CLASSES: dict[str, ExceptionClass] = _make_classes()


def python_type_of(exc: BaseException) -> str:
    """The nearest exception a program can name, for a real Python or PyTorch error."""
    for cls in type(exc).__mro__:
        if cls.__name__ in BUILTIN_CLASSES and getattr(builtins, cls.__name__, None) is cls:
            return cls.__name__
    return "Exception"


def caught_value(error: ProgramError) -> ExceptionValue:
    """The exception value `except ... as e` binds for `error`."""
    if isinstance(error.raised, ExceptionValue):
        return error.raised
    cls = BUILTIN_CLASSES.get(error.python_type, BUILTIN_CLASSES["Exception"])
    text = error.message
    prefix = f"{cls.name}: "
    if text.startswith(prefix):
        text = text[len(prefix) :]
    value = ExceptionValue(cls, (text,))
    error.raised = value
    return value


def matches(value: ExceptionValue, handler_type: object) -> bool:
    """Does `except handler_type` catch `value`?"""
    if isinstance(handler_type, tuple):
        return any(matches(value, t) for t in handler_type)
    if not isinstance(handler_type, ExceptionClass):
        raise ProgramError(
            "catching classes that do not inherit from Exception is not allowed",
            python_type="TypeError",
        )
    return value.cls.is_a(handler_type)


def to_raise(value: object) -> ProgramError:
    """The error for `raise value` (a class or an exception value)."""
    if isinstance(value, ExceptionClass):
        value = ExceptionValue(value, ())
    if not isinstance(value, ExceptionValue):
        return ProgramError("exceptions must derive from BaseException", python_type="TypeError")
    return value.error()


def from_python(exc: BaseException, message: str, hint: str | None) -> ProgramError:
    """A Python or PyTorch exception as a program error `except` can catch.

    The value caught keeps the exception's own arguments when they are plain data
    (`str(e)` is then what Python prints); anything else becomes its bounded text.
    """
    name = python_type_of(exc)
    args = exc.args
    if not all(isinstance(a, str | int | float | bool | type(None)) for a in args):
        args = (to_text(str(exc), MAX_MESSAGE),)
    args = tuple(a[:MAX_MESSAGE] if isinstance(a, str) else a for a in args)
    value = ExceptionValue(BUILTIN_CLASSES[name], args)
    return ProgramError(message, hint=hint, python_type=name, raised=value)
