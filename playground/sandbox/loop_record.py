"""The numbers of a program's training loop, iteration by iteration, for the lab's chart.

Teachers demonstrate "watch the loss fall" with their own loop, so the interpreter
tells this module when an outermost loop (one not inside another loop, wherever it
is written: at the top level or in a function the top level calls) starts, ends an
iteration and stops. At the end of an iteration it reads, from the scope the loop
runs in:

* *series*: Python floats and tensors of one element (`loss`), and the newest number
  of each list that grew during the iteration (`losses.append(loss.item())`);
* *small tensors*: tensors of 2 to 16 elements (`w`, `b`, `preds`) and the parameters
  of the program's models up to 16 elements (`model.0.weight`).

Ints are not read: they are loop counters and counts, not values that train.
A name bound before the loop (the learning rate, the data) takes a place only once its
value differs from its value before the loop (its earlier iterations get that value),
so constants never crowd out `loss`. Values are read with `item()` / `tolist()`,
which read a tensor's data without making a tensor or an autograd node, outside the
program's budgets, and the time the reading takes is given back to the program's
clock. A value that cannot be read is skipped; nothing here raises into the program.

Bounded, whatever the loop's length: at most `MAX_POINTS` iterations are kept. Every
iteration is read until then; then every other kept one is dropped and only every
second iteration read, and so on (kept: 0, s, 2s, ... for a stride s that doubles),
plus always the final one. At most `MAX_SERIES` series and `MAX_TENSORS` small
tensors are followed (the first met), names cut at `MAX_NAME` characters (kept
distinct), and reading stops for the rest of the run once it has taken `MAX_SECONDS`,
which is all the time given back to the program's deadline.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import torch

from .core.trace import grad_fn_of
from .nn.nn_values import ModuleValue

MAX_POINTS = 1000
MAX_SERIES = 12
MAX_TENSORS = 8
MAX_TENSOR_POINTS = 100  # kept iterations of the small tensors sent to the page
MAX_TENSOR_ELEMENTS = 16
MAX_NAME = 40
MAX_MODULES = 64  # of one model, read for its parameters
MAX_BEFORE = 200  # names bound before a loop that are looked at for their values
MAX_SECONDS = 0.3  # of reading in one run (a tenth of the hosted time budget)
_NUMBER_DTYPES = frozenset(
    {torch.float16, torch.bfloat16, torch.float32, torch.float64}
    | {torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8, torch.bool}
)


@dataclass(frozen=True)
class LoopRecord:
    """One loop's numbers at its kept iterations; plain data, small enough to pickle.

    `series[name][j]` and `tensors[name][j]` are the values at the end of iteration
    `iterations[j]` (None where the name was not bound yet); `shapes[name]` is a
    small tensor's shape.
    """

    line: int
    kind: str  # "for" or "while"
    iterations: tuple[int, ...]
    total: int  # iterations run (the last kept one is total - 1 unless it failed)
    series: dict[str, tuple[float | None, ...]]
    tensors: dict[str, tuple[tuple[float, ...] | None, ...]]
    shapes: dict[str, tuple[int, ...]] = field(default_factory=dict)
    failed: bool = False  # the loop stopped with an error; its last iteration is not kept

    @property
    def loss_name(self) -> str:
        """The series that is "the loss": `loss` itself, else the first name containing
        "loss" (`losses`, `running_loss`), else the first series."""
        names = list(self.series)
        if "loss" in names:
            return "loss"
        return next((n for n in names if "loss" in n.lower()), names[0])

    def to_json(self) -> dict:
        """For the browser, once per run, so kept small (at most ~0.3 MB): numbers at
        float32's precision (the page shows six digits), non-finite ones as the strings
        "inf", "-inf", "nan" (JSON has none; null is "not bound yet"), and the small
        tensors at every `tensor_every`-th kept iteration only (and the last), at most
        `MAX_TENSOR_POINTS` of them."""
        kept = len(self.iterations)
        every = max(1, -(-kept // MAX_TENSOR_POINTS))
        at = [*range(0, kept, every)]
        if at and at[-1] != kept - 1:
            at.append(kept - 1)
        return {
            "line": self.line,
            "kind": self.kind,
            "iterations": list(self.iterations),
            "total": self.total,
            "failed": self.failed,
            "loss": self.loss_name,
            "series": {n: [_json(v) for v in vs] for n, vs in self.series.items()},
            "tensor_every": every,
            "tensors": {
                n: [None if vs[j] is None else [_json(x) for x in vs[j]] for j in at]
                for n, vs in self.tensors.items()
            },
            "shapes": {n: list(s) for n, s in self.shapes.items()},
        }


def _json(value: float | None) -> float | str | None:
    if value is None:
        return None
    if not math.isfinite(value):
        return str(value)  # "inf", "-inf", "nan": as Python prints them
    return float(f"{value:.8g}")  # float32's precision: a third of the characters


def _number(value: object) -> float | None:
    """A float, or a one-element number tensor as float; None for anything else."""
    if type(value) is float:
        return value  # type: ignore[return-value]
    if isinstance(value, torch.Tensor):
        if value.numel() == 1 and value.dtype in _NUMBER_DTYPES and not value.is_meta:
            return float(value.item())  # reads the data only, as `_flat`
        return None
    if isinstance(value, float | np.floating):
        return float(value)
    return None


def _same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


def _newest(items: list) -> float | None:
    """A grown list's newest element, if it is a number (ints count here)."""
    value = items[-1]
    if type(value) is int:
        return float(value)
    return _number(value)


def _small(value: torch.Tensor) -> bool:
    return (
        1 < value.numel() <= MAX_TENSOR_ELEMENTS
        and value.dtype in _NUMBER_DTYPES
        and not value.is_meta
    )


def _flat(tensor: torch.Tensor) -> tuple[float, ...]:
    """A small tensor's values in order. `tolist()` reads the data only (no autograd
    node, no new tensor): a tenth of the time of `detach().reshape(-1)`."""
    values = tensor.tolist()
    if tensor.ndim == 2:
        values = [x for row in values for x in row]
    elif tensor.ndim > 2:
        values = tensor.detach().reshape(-1).tolist()
    if tensor.dtype.is_floating_point:
        return tuple(values)
    return tuple(float(x) for x in values)


def _parameters(module: torch.nn.Module, name: str) -> Iterator[tuple[str, torch.Tensor]]:
    """A model's parameters by path (`model.0.weight`), from its first `MAX_MODULES`
    modules only: a `ModuleList` of 100,000 layers costs each read no more than 64."""
    for count, (path, sub) in enumerate(module.named_modules(prefix=name)):
        if count >= MAX_MODULES:
            return
        yield from sub.named_parameters(prefix=path, recurse=False)


class ReadingClock:
    """The time a run's loop reading took: given back to the program's deadline, up to
    `MAX_SECONDS` in all; past that, reading stops (the record keeps what it has)."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.spent = 0.0

    def left(self) -> bool:
        return self.spent < MAX_SECONDS

    def charge(self, seconds: float) -> None:
        given = min(seconds, max(MAX_SECONDS - self.spent, 0.0))  # never past the cap
        self.spent += seconds
        self.ctx.deadline += given


class LoopRun:
    """The record of one running outermost loop."""

    def __init__(self, clock: ReadingClock, scope: dict, line: int, kind: str) -> None:
        self.clock = clock
        self.scope = scope
        self.line, self.kind = line, kind
        self.before = set(scope)  # names bound before the loop
        self.index = -1  # the iteration running
        self.stride = 1
        self.iterations: list[int] = []
        self.series: dict[str, list[float | None]] = {}
        self.tensors: dict[str, list[tuple[float, ...] | None]] = {}
        self.shapes: dict[str, tuple[int, ...]] = {}
        self.lengths: dict[str, tuple[int, int]] = {}  # list name -> (id, length)
        self.leaves: dict[str, tuple[torch.Tensor, int, tuple[float, ...]]] = {}
        self.labels: dict[str, str] = {}  # a name -> its (cut, distinct) label
        self.moved: set[str] = set()  # labels of names taken once they left their value
        # Names bound before the loop (the data, lr, ...) take a series or tensor place
        # only once their value differs from the one before the loop: constants must
        # not take the places of `loss`, `w` and `b`. Their earlier iterations are
        # filled with that value, which is what it was.
        start = time.monotonic()
        self.numbers: dict[str, float] = {}
        self.data: dict[str, tuple[torch.Tensor, int, tuple[float, ...]]] = {}
        for n, v in itertools.islice(scope.items(), MAX_BEFORE):
            try:
                if isinstance(v, torch.Tensor):
                    if _small(v):
                        self.data[n] = (v, v._version, _flat(v))
                else:
                    number = _number(v)
                    if number is not None:
                        self.numbers[n] = number
            except Exception:
                continue
        self.looked = time.monotonic() - start  # charged with the first iteration's look

    def begin(self) -> None:
        """An iteration starts: remember the lists' lengths if it will be read."""
        self.index += 1
        if self.index % self.stride == 0 and self.clock.left():
            start = time.monotonic()
            self.lengths = {n: (id(v), len(v)) for n, v in self.scope.items() if type(v) is list}
            self.clock.charge(time.monotonic() - start + self.looked)
            self.looked = 0.0

    def end(self) -> None:
        """An iteration ran through (or continued): read it if it is kept."""
        if self.index % self.stride == 0:
            self.read()
            if len(self.iterations) >= MAX_POINTS:
                self._halve()

    def read(self) -> None:
        """Read the scope as the end of iteration `index`."""
        if (self.iterations and self.iterations[-1] == self.index) or not self.clock.left():
            return
        start = time.monotonic()
        position = len(self.iterations)
        for name, value in self.scope.items():
            try:
                self._read(name, value, position)
            except Exception:  # reading must never change how the program runs
                continue  # an odd value (sparse, ...): that name has no value here
        self.iterations.append(self.index)
        kept = len(self.iterations)
        for values in (*self.series.values(), *self.tensors.values()):
            if len(values) != kept:  # not bound now (None), or read twice (names cut)
                del values[kept:]
                values.extend([None] * (kept - len(values)))
        self.clock.charge(time.monotonic() - start)

    def _read(self, name: str, value: object, position: int) -> None:
        if type(value) is list:
            was = self.lengths.get(name)
            if was is not None and was[0] == id(value) and len(value) > was[1]:
                number = _newest(value)
                if number is not None:
                    self._number(name, number, position)
        elif isinstance(value, torch.Tensor) and _small(value):
            data = self.data.get(name)
            if data is None or data[0] is not value or data[1] != value._version:
                self._tensor(name, value, position, None if data is None else data[2])
        elif isinstance(value, ModuleValue):
            for path, tensor in _parameters(value.module, name):
                if tensor.numel() <= MAX_TENSOR_ELEMENTS and tensor.dtype in _NUMBER_DTYPES:
                    self._tensor(path, tensor, position)
        else:
            number = _number(value)
            if number is not None:
                self._number(name, number, position)

    def _label(self, name: str, table: dict) -> str | None:
        """`name` cut to `MAX_NAME` characters, distinct from the other names' labels
        (two long names cut alike are two series); None when `table` is full."""
        label = self.labels.get(name)
        if label is not None:
            return label
        if len(table) >= (MAX_SERIES if table is self.series else MAX_TENSORS):
            return None
        label, k = name[:MAX_NAME], 1
        taken = set(self.labels.values())
        while label in taken:
            k += 1
            label = f"{name[: MAX_NAME - len(str(k)) - 1]}~{k}"
        self.labels[name] = label
        return label

    def _number(self, name: str, number: float, position: int) -> None:
        values = self.series.get(self.labels.get(name, ""))
        if values is None:
            before = self.numbers.get(name)
            if before is not None and _same(number, before):
                return  # unchanged since before the loop: not (yet) a series
            label = self._label(name, self.series)
            if label is None:
                return
            values = self.series[label] = [before] * position
            if before is not None:
                self.moved.add(label)
        values.append(number)

    def _tensor(
        self, name: str, tensor: torch.Tensor, position: int, before: tuple | None = None
    ) -> None:
        values = self.tensors.get(self.labels.get(name, ""))
        if values is None:
            label = self._label(name, self.tensors)
            if label is None:
                return
            values = self.tensors[label] = [before] * position
            if before is not None:
                self.moved.add(label)
            self.shapes[label] = tuple(tensor.shape)
            name = label
        else:
            name = self.labels[name]
            if tensor.shape != self.shapes[name]:
                return  # a name now bound to another shape: no value here
        if tensor._base is not None or grad_fn_of(tensor) is not None:
            values.append(_flat(tensor))
            return
        # A leaf (data, parameters) is read again only when changed in place: the
        # data never is. Holding it is free: tensors this small are not metered (and
        # a view, which could hold a large base's memory, is not held).
        seen = self.leaves.get(name)
        if seen is None or seen[0] is not tensor or seen[1] != tensor._version:
            seen = self.leaves[name] = (tensor, tensor._version, _flat(tensor))
        values.append(seen[2])

    def _halve(self) -> None:
        """Keep every other kept iteration (those on the doubled stride)."""
        self.stride *= 2
        keep = [j for j, k in enumerate(self.iterations) if k % self.stride == 0]
        self.iterations = [self.iterations[j] for j in keep]
        for table in (self.series, self.tensors):
            for name, values in table.items():
                table[name] = [values[j] for j in keep]

    def finish(self, failed: bool) -> LoopRecord | None:
        """The record, or None when the loop produced no series to chart.

        The final iteration is always kept (also one ended by `break` or `return`);
        of a loop stopped by an error, the iterations read before the error are.
        """
        if not failed and self.index >= 0:
            self.read()
        changed = self._changed()
        series = {n: tuple(v) for n, v in self.series.items() if n in changed}
        if not series or not self.iterations:
            return None
        return LoopRecord(
            line=self.line,
            kind=self.kind,
            iterations=tuple(self.iterations),
            total=self.index + (0 if failed else 1),
            series=series,
            tensors={n: tuple(v) for n, v in self.tensors.items() if n in changed},
            shapes={n: s for n, s in self.shapes.items() if n in changed},
            failed=failed,
        )

    def _changed(self) -> set[str]:
        """Names bound in the loop, or whose value changed in it (not the data, lr)."""
        changed = set(self.moved)
        for table in (self.series, self.tensors):
            for name, values in table.items():
                if name.partition(".")[0] not in self.before or len(set(values)) > 1:
                    changed.add(name)
        return changed


class LoopRecorder:
    """Follows the outermost loops of one run and keeps the one most worth a chart.

    Owned by the run's interpreter (nothing here is shared between runs). The
    interpreter wraps each loop statement in `with recorder.following(...) as loop:`
    and calls `loop.begin()` / `loop.end()` around each iteration when `loop` is not
    None (an inner loop gets None: its iterations belong to the outer one's).
    """

    def __init__(self, ctx, jumps: type[BaseException]) -> None:
        self.clock = ReadingClock(ctx)
        self.jumps = jumps  # `return`/`break` unwinding a loop: it ended, it did not fail
        self.depth = 0
        self.current: LoopRun | None = None
        self.best: LoopRecord | None = None

    def following(self, scope: dict, line: int, kind: str) -> LoopRecorder:
        """A loop statement starts (`kind` "for" or "while"), in `scope`."""
        self.depth += 1
        if self.depth == 1:
            self.current = LoopRun(self.clock, scope, line, kind)
        return self

    def __enter__(self) -> LoopRun | None:
        return self.current if self.depth == 1 else None

    def __exit__(self, kind, error, traceback) -> None:
        self.depth -= 1
        if self.depth or self.current is None:
            return
        loop, self.current = self.current, None
        try:
            record = loop.finish(failed=kind is not None and not issubclass(kind, self.jumps))
        except Exception:  # a bug here must not replace the program's own outcome
            record = None
        if record is not None and (self.best is None or _rank(record) > _rank(self.best)):
            self.best = record


def _rank(record: LoopRecord) -> tuple[bool, int]:
    """Prefer a loop with a loss, then the longer one (the first of equals)."""
    return any("loss" in n.lower() for n in record.series), len(record.iterations)
