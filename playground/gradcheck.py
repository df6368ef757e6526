"""Check autograd's gradients against central finite differences, in float64.

The program is run again in double precision with one leaf element nudged by ±h;
the change of the output it called `backward()` on estimates the derivative. Where
the left and right one-sided estimates disagree the function has a kink (relu,
abs at 0): there the derivative does not exist and PyTorch picks a subgradient,
which is explained rather than failed.
"""

from __future__ import annotations

import ctypes
import time
from dataclasses import dataclass, replace
from functools import partial

import numpy as np
import torch

from .runner import RunResult, run
from .sandbox.core.budgets import DEFAULT_BUDGETS

MAX_ELEMENTS = 200  # finite differences cost two runs per element
# The whole check, first run included: 200 elements of a program that runs for its
# full 3 s would otherwise take 20 minutes. Past it, the elements not yet checked
# are left out and the message says how many were.
TOTAL_SECONDS = 5.0
TOLERANCE = 1e-5
STEP = 1e-6
REPLACED = "This check was replaced by a newer run."


@dataclass(frozen=True)
class ElementCheck:
    """One element of one leaf: both derivatives and the verdict."""

    leaf: str
    index: tuple[int, ...]
    autograd: float
    numeric: float
    relative_error: float
    verdict: str  # pass | fail | kink


@dataclass(frozen=True)
class GradCheck:
    """The whole check, or why it could not be made."""

    ok: bool
    message: str
    step: float
    checks: tuple[ElementCheck, ...] = ()


def check_gradients(
    source: str,
    total_seconds: float = TOTAL_SECONDS,
    *,
    line: ctypes.c_int | None = None,
    stop: ctypes.c_int | None = None,
) -> GradCheck:
    """Compare every leaf's `.grad` with central differences of the program's output.

    Stops after `total_seconds` (each run's own time budget is cut to what is left),
    reporting how many of the elements it checked. In a worker, `line` and `stop` are
    its shared cells (see `runner.run`): a newer edit ends the check at the next
    statement of its current run, instead of the worker being killed and replaced.
    """
    from .sandbox import warm  # noqa: F401  (PyTorch's lazy imports, before the clock starts)

    deadline = time.monotonic() + total_seconds
    stop = ctypes.c_int() if stop is None else stop
    run_here = partial(run, line=line, stop=stop)
    base = run_here(source, float64=True)
    if stop.value:
        return GradCheck(False, REPLACED, STEP)
    problem = _unsuitable(base)
    if problem:
        return GradCheck(False, problem, STEP)
    leaves = {
        name: info for name, info in base.tensors.items()
        if info.is_leaf and info.requires_grad and info.grad is not None
    }  # fmt: skip
    total = sum(info.value.size for info in leaves.values())
    if total > MAX_ELEMENTS:
        return GradCheck(False, f"{total} leaf elements: the check is limited to "
                         f"{MAX_ELEMENTS} (two runs of the program each).", STEP)  # fmt: skip
    elements = [(name, info, i) for name, info in leaves.items() for i in np.ndindex(*info.shape)]
    checks = []
    for name, info, index in elements:
        check = _check_element(run_here, source, (name, info, index), base, deadline)
        if stop.value:
            return GradCheck(False, REPLACED, STEP)
        if check is None:
            break
        checks.append(check)
    ok = not _failed(checks) and (bool(checks) or total == 0)
    return GradCheck(ok, _message(checks, total, total_seconds), STEP, tuple(checks))


def _failed(checks: list[ElementCheck]) -> list[ElementCheck]:
    return [c for c in checks if c.verdict == "fail"]


def _message(checks: list[ElementCheck], total: int, seconds: float) -> str:
    failed = _failed(checks)
    kinks = [c for c in checks if c.verdict == "kink"]
    if failed:
        message = f"{len(failed)} of {len(checks)} elements disagree with finite differences."
    else:
        message = f"All {len(checks) - len(kinks)} differentiable elements agree."
    if kinks:
        message += f" {len(kinks)} sit on a kink (e.g. relu or abs at 0), where the "
        message += "derivative does not exist and PyTorch uses a subgradient."
    if len(checks) < total:
        message += (
            f" Checked {len(checks)} of {total} elements: the check stops after "
            f"{seconds:g} s (two runs of the program per element)."
        )
    return message


def _unsuitable(base: RunResult) -> str | None:
    if not base.ok:
        return f"The program does not run: {base.error.message}"
    if base.backward_calls != 1 or base.output_value is None:
        return (
            "The gradient check needs a program that calls backward() exactly once, "
            "on a single number."
        )
    return None


def _check_element(run_here, source, element, base, deadline) -> ElementCheck | None:
    """One element's verdict, or None when the time left cannot cover its two runs."""
    name, info, index = element
    value, grad = info.value, info.grad
    h = STEP * max(1.0, abs(float(value[index])))
    outputs = {}
    for sign in (1, -1):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        nudged = value.astype(np.float64).copy()
        nudged[index] += sign * h
        seconds = min(DEFAULT_BUDGETS.wall_seconds, remaining)
        budgets = replace(DEFAULT_BUDGETS, wall_seconds=seconds)
        result = run_here(source, budgets, float64=True, overrides={name: torch.from_numpy(nudged)})
        if not result.ok and time.monotonic() >= deadline:
            return None  # cut short by the check's own deadline, not the program's fault
        outputs[sign] = result.output_value if result.ok else float("nan")
    f0 = base.output_value
    numeric = (outputs[1] - outputs[-1]) / (2 * h)
    right, left = (outputs[1] - f0) / h, (f0 - outputs[-1]) / h
    autograd = float(grad[index])
    scale = max(abs(autograd), abs(numeric), 1e-8)
    error = abs(autograd - numeric) / scale
    if error <= TOLERANCE:
        verdict = "pass"
    elif abs(right - left) > 100 * TOLERANCE * max(abs(right), abs(left), 1.0):
        verdict = "kink"
    else:
        verdict = "fail"
    return ElementCheck(name, tuple(int(i) for i in index), autograd, numeric, error, verdict)
