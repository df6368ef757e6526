"""The per-run state of one sandboxed program: budgets, counters, output, RNG.

A fresh `RunContext` per run is the whole isolation story: nothing here is
module-level, so threads running different sessions never share it.
"""

from __future__ import annotations

import ctypes
import time

import numpy as np
import torch

from .budgets import Budgets
from .errors import BudgetExceeded
from .limits import check_dims, check_numel, shape_bound
from .text import printable
from .trace import Tracer

DEFAULT_SEED = 0


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
        self.elements = 0
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
        """Count a new tensor's (or view's) elements against the total budget.

        Views share memory, but each is copied when the run is described, so
        every tensor object a program can name is counted. The per-tensor limits are
        checked here again, after the fact, for the operations whose size is hard to
        predict (`arange` with an integer dtype, `.view(dtype)`).
        """
        if isinstance(result, torch.Tensor | np.ndarray):
            numel = result.numel() if isinstance(result, torch.Tensor) else result.size
            check_numel(numel, self.budgets)
            check_dims(result.ndim, self.budgets)
            if numel == 0:
                self._check_empty_shape(tuple(result.shape))
            # The budget is of 4-byte elements, so it also bounds memory: float64 counts twice.
            size = result.element_size() if isinstance(result, torch.Tensor) else result.itemsize
            self.elements += numel * max(1, size // 4)
            if self.elements > self.budgets.total_elements:
                raise BudgetExceeded(
                    f"The program created more than {self.budgets.total_elements:,} "
                    "tensor elements in total.",
                    hint="Use fewer loop iterations or smaller tensors "
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
        """Count the items of a new string or list against the same total budget.

        Each sequence is bounded on its own; this bounds how many a loop can make.
        A list or tuple item is an 8-byte reference, so `references` counts it twice
        (the budget is of 4-byte tensor elements, keeping memory bounded too).
        """
        self.items += count * (2 if references else 1)
        if self.items > self.budgets.total_elements:
            raise BudgetExceeded(
                f"The program built more than {self.budgets.total_elements:,} characters "
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
