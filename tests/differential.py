"""Differential checks: the sandbox against plain PyTorch on the same program.

Shared by tests/test_fuzz.py and tests/fuzz_long.py, so the quick test and the long
run judge a program by exactly the same rules. Each check returns a `Verdict`
instead of asserting, so the long run can count failures and carry on.
"""

from __future__ import annotations

import re
import time
import traceback
from dataclasses import dataclass

import numpy as np
import torch
from plain_reference import DOCUMENTED_KINDS, plain_tensors, run_plain

import playground
from playground.sandbox.core.budgets import DEFAULT_BUDGETS, Budgets
from playground.sandbox.core.program_warnings import CUT_NOTE, MAX_WARNINGS

SLACK_SECONDS = 0.5  # how far past its wall-time budget a run may finish
ADDRESS = re.compile(r" at 0x[0-9a-f]+>")
PLAIN = "<trusted test program>"  # the file name conftest.run_plain compiles under


@dataclass(frozen=True)
class Verdict:
    """What happened to one program; `problem` is None unless it is a bug."""

    outcome: str  # "ok", "both_failed", "refused" or "sandbox_only"
    seconds: float
    problem: str | None = None
    error_kind: str | None = None


def check_valid(source: str, budgets: Budgets = DEFAULT_BUDGETS) -> Verdict:
    """A generated valid program: same result as plain PyTorch, or both fail."""
    result, seconds, problem = _timed_run(source, budgets)
    if problem is not None:
        return Verdict("crashed", seconds, problem)
    warned: list[str] = []
    try:
        namespace, output = run_plain(source, warned=warned)
    except Exception as exc:  # the reference refused it: the sandbox must too, there
        if result.ok:
            problem = f"plain PyTorch raised {type(exc).__name__}: {exc}; the sandbox ran it"
        else:
            problem = _error_problem(result, source) or _line_problem(result, exc)
        return Verdict("both_failed", seconds, problem, result.error and result.error.kind)
    if not result.ok:
        return Verdict("refused", seconds, f"plain PyTorch ran it; sandbox: {result.error}")
    return Verdict("ok", seconds, difference(result, namespace, output, warned))


def check_mutated(source: str, budgets: Budgets = DEFAULT_BUDGETS) -> Verdict:
    """A mutated program: a clear error, or (when accepted) plain PyTorch's result."""
    result, seconds, problem = _timed_run(source, budgets)
    if problem is not None:
        return Verdict("crashed", seconds, problem)
    if not result.ok:
        return Verdict("refused", seconds, _error_problem(result, source), result.error.kind)
    warned: list[str] = []
    try:
        namespace, output = run_plain(source, warned=warned)
    except SyntaxError as exc:  # Python refuses it before running a line: so must we
        return Verdict("ok", seconds, f"ran a program Python cannot compile: {exc}")
    except Exception:  # failed while running: nothing to compare
        return Verdict("sandbox_only", seconds)
    return Verdict("ok", seconds, difference(result, namespace, output, warned))


def _timed_run(source: str, budgets: Budgets) -> tuple[object, float, str | None]:
    start = time.perf_counter()
    try:
        result = playground.run(source, budgets)
    except BaseException as exc:  # run() promises never to raise: any escape is a bug
        return None, time.perf_counter() - start, f"run() raised {type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - start
    if seconds > budgets.wall_seconds + SLACK_SECONDS:
        return result, seconds, f"took {seconds:.2f} s (budget {budgets.wall_seconds:g} s)"
    return result, seconds, None


def _error_problem(result, source: str) -> str | None:
    """Why an error result is not a clear error, or None when it is one."""
    error = result.error
    if error is None:
        return "the run failed without an error"
    if not error.message.strip():
        return f"empty error message ({error.kind})"
    if error.kind not in DOCUMENTED_KINDS or "Internal error" in error.message:
        return f"undocumented error: {error.kind}: {error.message}"
    lines = source.count("\n") + 1  # as many as an editor shows
    if error.kind in ("syntax", "not_allowed") and not (
        error.line is not None and 1 <= error.line <= lines
    ):
        return f"{error.kind} error at line {error.line}, not in 1..{lines}: {error.message}"
    return None


def _line_problem(result, exc: Exception) -> str | None:
    """The sandbox must blame the line plain Python's traceback ends at."""
    lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename == PLAIN]
    if lines and result.error.line != lines[-1]:
        return f"failed at line {result.error.line}; PyTorch at line {lines[-1]}: {exc}"
    return None


def difference(result, namespace: dict, output: str, warned: list[str] | None = None) -> str | None:
    """The first way the sandbox's run differs from plain PyTorch's, or None (with
    `warned`, the plain run's warnings, the warnings too: the run keeps the first
    `MAX_WARNINGS`)."""
    expected = plain_tensors(namespace)
    if set(result.tensors) != set(expected):
        return f"tensor names differ: {sorted(set(result.tensors) ^ set(expected))}"
    for name, tensor in expected.items():
        problem = _tensor_difference(result.tensors[name], tensor)
        if problem is not None:
            return f"{name}: {problem}"
    # Python prints a function or method with its address (`<built-in method item of
    # Tensor object at 0x7f...>`); the sandbox prints its own stand-in on purpose.
    if result.output != output and not ADDRESS.search(output):
        return f"printed output differs:\n{result.output!r}\n!=\n{output!r}"
    shown = [w.text for w in result.warnings]
    if warned is not None and shown != _as_kept(warned):
        return f"warnings differ:\n{shown!r}\n!=\n{warned!r}"
    return None


def _as_kept(warned: list[str]) -> list[str]:
    """The plain run's warnings as a run keeps them: the first few, then a note."""
    if len(warned) <= MAX_WARNINGS:
        return warned
    return [*warned[:MAX_WARNINGS], f"Note: {CUT_NOTE}"]


def _tensor_difference(info, tensor: torch.Tensor) -> str | None:
    facts = (tuple(tensor.shape), str(tensor.dtype).removeprefix("torch."))
    leaf = _plain_is_leaf(tensor)
    flags = (tensor.requires_grad, info.is_leaf if leaf is None else leaf)
    if (info.shape, info.dtype) != facts or (info.requires_grad, info.is_leaf) != flags:
        return f"shape/dtype/flags {info.shape, info.dtype, info.requires_grad, info.is_leaf}"
    problem = _close("value", info.value, tensor.detach())
    if problem is not None:
        return problem
    grad = tensor.grad if (leaf is not False or tensor.retains_grad) else None
    if (grad is None) != (info.grad is None):
        return f"grad is {info.grad} in the sandbox, {grad} in PyTorch"
    return None if grad is None else _close("grad", info.grad, grad)


def _plain_is_leaf(tensor: torch.Tensor) -> bool | None:
    """PyTorch's `is_leaf`, or None where it refuses to say (a `no_grad` view whose
    base was changed in place): then there is no reference to compare with."""
    try:
        return tensor.is_leaf
    except RuntimeError:
        return None


def _close(what: str, got: np.ndarray, want: torch.Tensor) -> str | None:
    actual = torch.from_numpy(np.asarray(got)).reshape(want.shape)
    if actual.dtype == want.dtype and torch.equal(actual, want):
        return None  # identical, the common case (assert_close is slow; NaN goes below)
    try:
        torch.testing.assert_close(actual, want, equal_nan=True, check_dtype=True)
    except AssertionError as exc:
        return f"{what} differs: {exc}"
    return None
