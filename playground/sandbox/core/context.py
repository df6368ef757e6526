"""The per-run state of one sandboxed program: budgets, counters, output, RNG.

A fresh `RunContext` per run is the whole isolation story: nothing here is
module-level, so threads running different sessions never share it.
"""

from __future__ import annotations

import ctypes
import time
import weakref

import numpy as np
import torch

from .budgets import Budgets
from .errors import BudgetExceeded
from .limits import check_dims, check_numel, shape_bound
from .text import printable
from .trace import Tracer

DEFAULT_SEED = 0
_TICKET = "_playground_alive"  # key of a tensor's (or autograd node's) ticket
# Tensors this small hold less data than their Python object does; the operation
# budget bounds how many there can be (200,000 x 64 bytes), so they go uncounted and
# the tutorial's loop, all small tensors, pays nothing for the meter.
_UNCOUNTED = 16


class AliveMeter:
    """Tensor elements alive now: tickets add to it when made, and give back when freed."""

    __slots__ = ("alive",)

    def __init__(self) -> None:
        self.alive = 0


class _Ticket:
    """Kept in a tensor's `__dict__` or an autograd node's `metadata`: freed with it.

    PyTorch keeps a tensor's Python object (and so this ticket) alive as long as C++
    holds the tensor (a graph saving an input, a leaf's accumulator); a node keeps
    its ticket as long as the graph holds the node, which covers the outputs a node
    saves for backward (`exp`, `tanh`, `softmax` keep their result).
    """

    __slots__ = ("meter", "size")

    def __init__(self, meter: AliveMeter, size: int) -> None:
        self.meter = meter
        self.size = size
        meter.alive += size

    def __del__(self) -> None:
        self.meter.alive -= self.size


def _release(meter: AliveMeter, size: int) -> None:
    meter.alive -= size


class RunContext:
    """Counters and resources for one run; every budget check goes through here."""

    def __init__(
        self,
        budgets: Budgets,
        seed: int = DEFAULT_SEED,
        float64: bool = False,
        overrides: dict[str, torch.Tensor] | None = None,
        line: ctypes.c_int | None = None,
        stop: ctypes.c_int | None = None,
    ) -> None:
        self.budgets = budgets
        # The line being run, kept where a watcher can read it after a crash (in a
        # worker, a slot of memory shared with the server); a plain int otherwise.
        self.line = ctypes.c_int() if line is None else line
        # Set by the server when the student has sent a newer edit: the run stops at
        # its next check instead of having its worker killed and replaced.
        self.stop = ctypes.c_int() if stop is None else stop
        # For the gradient check: new float tensors in double precision, and some
        # top-level leaves replaced by given values on their first assignment.
        self.float64 = float64
        self.overrides = dict(overrides or {})
        self.deadline = time.monotonic() + budgets.wall_seconds
        self.generator = torch.Generator().manual_seed(seed)
        self.tracer = Tracer(max_depth=budgets.graph_depth)
        self.ops = 0
        self.iterations = 0
        self.call_depth = 0
        self.meter = AliveMeter()
        self.items = 0
        self._output: list[str] = []
        self._output_chars = 0
        self.output_truncated = False
        self.backward_root: torch.Tensor | None = None
        self.backward_events: list = []  # the last backward's engine steps
        self.backward_calls = 0
        # One flag per enclosing `for`: is this its last iteration? backward() records
        # its steps only when every flag is True (a `while` cannot tell, so it records).
        self.final_iteration: list[bool] = []
        self.last_graph_tensor: torch.Tensor | None = None

    def tick(self) -> None:
        """Cooperative time check, called between statements and operations."""
        if self.stop.value:
            raise BudgetExceeded("This run was replaced by a newer one.")
        if time.monotonic() > self.deadline:
            raise BudgetExceeded(
                f"The program ran longer than {self.budgets.wall_seconds:g} s.",
                hint="Use fewer loop iterations or smaller tensors.",
            )

    def count_op(self, result: object = None) -> None:
        """Count one torch operation and the elements it produced."""
        self.ops += 1
        if self.ops > self.budgets.torch_ops:
            raise BudgetExceeded(
                f"The program ran more than {self.budgets.torch_ops:,} tensor operations.",
                hint="Use fewer loop iterations.",
            )
        self.count_elements(result)
        self.tick()

    def count_elements(self, result: object) -> None:
        """Count a new tensor's (or view's) elements while it is alive.

        Views share memory, but each is copied when the run is described, so every
        tensor object a program can name is counted, once, until it is freed (an
        autograd result until its node is freed). The per-tensor limits are checked
        here again, after the fact, for the operations whose size is hard to predict
        (`arange` with an integer dtype, `.view(dtype)`).
        """
        if isinstance(result, torch.Tensor):
            self._count_tensor(result)
        elif isinstance(result, np.ndarray):
            self._count_array(result)

    def _count_tensor(self, tensor: torch.Tensor) -> None:
        # Called for every result of every operation: the checks are inlined.
        budgets = self.budgets
        numel = tensor.numel()
        if numel > budgets.tensor_elements:
            check_numel(numel, budgets)
        if tensor.ndim > budgets.tensor_dims:
            check_dims(tensor.ndim, budgets)
        if numel <= _UNCOUNTED:
            if numel == 0:
                self._check_empty_shape(tuple(tensor.shape))
            return
        try:
            node = tensor.grad_fn
        except RuntimeError:  # some views of views changed in place (see `grad_fn_of`)
            node = None
        holder = tensor.__dict__ if node is None else node.metadata
        if _TICKET in holder:
            return
        # The budget is of 4-byte elements, so it also bounds memory: float64 counts twice.
        size = tensor.element_size()
        holder[_TICKET] = _Ticket(self.meter, numel if size <= 4 else numel * (size // 4))
        if self.meter.alive > budgets.alive_elements:
            self._check_alive()

    def _count_array(self, array: np.ndarray) -> None:
        check_numel(array.size, self.budgets)
        check_dims(array.ndim, self.budgets)
        size = array.size * max(1, array.itemsize // 4)
        self.meter.alive += size
        weakref.finalize(array, _release, self.meter, size)
        self._check_alive()

    def _check_alive(self) -> None:
        if self.meter.alive > self.budgets.alive_elements:
            raise BudgetExceeded(
                f"The program holds more than {self.budgets.alive_elements:,} "
                "tensor elements at once.",
                hint="Keep fewer or smaller tensors alive: every tensor a name or list "
                "holds counts, and so does each result of a graph not yet freed "
                "(a float64 element counts as two).",
            )

    def _check_empty_shape(self, shape: tuple[int, ...]) -> None:
        """An empty tensor is free, but reducing its empty dimension is not."""
        if shape_bound(shape) > self.budgets.tensor_elements:
            raise BudgetExceeded(
                f"An empty tensor of shape {shape} is refused: its other dimensions "
                f"multiply past the limit of {self.budgets.tensor_elements:,} elements.",
                hint="Use smaller shapes.",
            )

    def count_items(self, count: int, references: bool = False) -> None:
        """Count the items of a new string or list against the run's total.

        Each sequence is bounded on its own; this bounds how many a loop can make.
        A list or tuple item is an 8-byte reference, so `references` counts it twice
        (the budget is of 4-byte tensor elements, keeping memory bounded too).
        """
        self.items += count * (2 if references else 1)
        if self.items > self.budgets.total_items:
            raise BudgetExceeded(
                f"The program built more than {self.budgets.total_items:,} characters "
                "or list items in total.",
                hint="Use fewer loop iterations or shorter strings and lists "
                "(a list item counts as two).",
            )

    def count_iteration(self) -> None:
        """Count one loop iteration against the loop budget."""
        self.iterations += 1
        if self.iterations > self.budgets.loop_iterations:
            raise BudgetExceeded(
                f"Loops ran more than {self.budgets.loop_iterations:,} iterations.",
                hint="Use a smaller range().",
            )
        self.tick()

    def output_room(self) -> int:
        """Characters that may still be printed before the output is cut."""
        return self.budgets.output_chars - self._output_chars

    def write(self, text: str) -> None:
        """Append printed text, keeping at most `output_chars` of it."""
        text = printable(text)
        room = self.output_room()
        if room <= 0:
            self.output_truncated = True
            return
        if len(text) > room:
            text = text[:room]
            self.output_truncated = True
        self._output.append(text)
        self._output_chars += len(text)

    @property
    def output(self) -> str:
        """Everything printed so far."""
        text = "".join(self._output)
        if self.output_truncated:
            text += "\n[output truncated]\n"
        return text
