"""Warnings a program causes, kept with the line that caused them.

PyTorch warns about things a learner should see: reading `.grad` of a tensor that is
not a leaf (the value is None, and the warning says why), copying a tensor with
`torch.tensor(t)`, a loss whose shapes broadcast. Plain Python prints them on stderr;
left alone here they went to the worker's stderr, which nobody reads, and formatting
them made Python open PyTorch's source files to quote a line. Now each becomes a
`ProgramWarning` of the run's result, shown by the page beside the printed output
(kept apart from it, so printed tensors stay as `print` wrote them and a long
warning can wrap).

Each distinct warning is kept once per line of the program (a loop does not repeat
it), as Python's default filter shows it once per place, and at most
`MAX_WARNINGS` of them, then a note that more followed. Deprecation and import
warnings stay hidden, as Python hides them outside `__main__`: they are about
PyTorch's internals.

PyTorch warns about some things only once per process (`TORCH_WARN_ONCE`); a worker
runs many programs, so `torch.set_warn_always` is on during a run, and every run
sees its own warnings. That switch and `warnings.catch_warnings` are process-wide
state swapped for the run: a worker runs one program at a time, and so does a
notebook; two runs in threads of one process would share it (the server runs none).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

import torch

from .context import RunContext
from .text import printable

MAX_WARNINGS = 20
CUT_NOTE = f"More warnings followed; the first {MAX_WARNINGS} are shown."
MAX_SEEN = 50 * MAX_WARNINGS  # raw messages looked at (they may differ past MAX_MESSAGE)
MAX_MESSAGE = 1_000
# PyTorch's C++ warnings end with where they were raised in its build tree.
_TRIGGERED = re.compile(r"\s*\(Triggered internally at [^)]*\)\s*$")
_HIDDEN = (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning)


class ProgramWarning(NamedTuple):
    """One warning: the program's line running when it came, its kind, its message."""

    line: int | None
    kind: str
    message: str

    @property
    def text(self) -> str:
        """As the page and the CLI print it: `Line 5: UserWarning: ...`."""
        where = f"Line {self.line}: " if self.line else ""
        return f"{where}{self.kind}: {self.message}"


@contextmanager
def caught_warnings(ctx: RunContext, into: list[ProgramWarning]) -> Iterator[None]:
    """Within the block, warnings are appended to `into`, once per (kind, message, line)."""

    seen: set[tuple[type, str, int]] = set()  # as raised: a repeat costs one lookup

    def show(message, category, filename, lineno, file=None, line=None) -> None:
        raw = (category, str(message), ctx.line.value)
        if raw in seen or len(into) > MAX_WARNINGS or len(seen) > MAX_SEEN:
            return  # a repeat, or the list is already cut
        seen.add(raw)
        text = printable(_TRIGGERED.sub("", raw[1])[:MAX_MESSAGE])
        warning = ProgramWarning(raw[2] or None, category.__name__, text)
        if warning not in into:
            full = len(into) == MAX_WARNINGS
            into.append(ProgramWarning(None, "Note", CUT_NOTE) if full else warning)

    always = torch.is_warn_always_enabled()
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        for category in _HIDDEN:
            warnings.simplefilter("ignore", category)
        warnings.showwarning = show
        torch.set_warn_always(True)  # PyTorch's warn-once warnings: in every run, not once
        try:
            yield
        finally:
            torch.set_warn_always(always)
