"""Errors a user program can cause, as values the UI can show.

Every mistake a learner (or an attacker) can make ends as one of these, carrying a
message written for a person and the source location it points at. Nothing else
escapes `playground.run`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .text import printable


class PlaygroundError(Exception):
    """Base class: a message for a person, a location, and an optional hint."""

    kind = "error"

    def __init__(
        self,
        message: str,
        line: int | None = None,
        col: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col
        self.hint = hint

    def at(self, line: int | None, col: int | None) -> PlaygroundError:
        """Attach a location unless a more precise one is already known."""
        if self.line is None:
            self.line, self.col = line, col
        return self

    def info(self) -> ErrorInfo:
        """Freeze into plain data for results and JSON (text the page can encode)."""
        hint = None if self.hint is None else printable(self.hint)
        return ErrorInfo(self.kind, printable(self.message), self.line, self.col, hint)


class SyntaxProblem(PlaygroundError):
    """The text is not valid Python."""

    kind = "syntax"


class NotAllowed(PlaygroundError):
    """A construct, name, attribute or import outside the allow-list."""

    kind = "not_allowed"


class UnknownName(PlaygroundError):
    """A name that the program never bound."""

    kind = "unknown_name"


class BudgetExceeded(PlaygroundError):
    """A size, count, depth or time budget ran out."""

    kind = "budget"


class ProgramError(PlaygroundError):
    """The program itself failed: PyTorch or Python refused an operation.

    The only error a program's `try/except` can catch (never a budget, a refusal
    or the worker's stop). `python_type` is the name of the Python exception it
    stands for (`ValueError`, ...: what `except ValueError` matches); `raised` is
    the exception value a program's `raise` gave, so `except ... as e` gets it back.
    """

    kind = "runtime"

    def __init__(
        self,
        message: str,
        line: int | None = None,
        col: int | None = None,
        hint: str | None = None,
        *,
        python_type: str = "Exception",
        raised: object = None,
    ) -> None:
        super().__init__(message, line, col, hint)
        self.python_type = python_type
        self.raised = raised


@dataclass(frozen=True)
class ErrorInfo:
    """Plain-data form of a `PlaygroundError`."""

    kind: str
    message: str
    line: int | None
    col: int | None
    hint: str | None = None

    def to_json(self) -> dict:
        """The CLI contract's error object (plus kind and hint)."""
        return {
            "message": self.message,
            "line": self.line,
            "col": self.col,
            "kind": self.kind,
            "hint": self.hint,
        }
