"""Check autograd's gradients against central finite differences, in float64.

The program is run again in double precision with one leaf element nudged by ±h;
the change of the output it called `backward()` on estimates the derivative. Where
the left and right one-sided estimates disagree the function has a kink (relu,
abs at 0): there the derivative does not exist and PyTorch picks a subgradient,
which is explained rather than failed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .runner import RunResult, run

MAX_ELEMENTS = 200  # finite differences cost two runs per element
TOLERANCE = 1e-5
STEP = 1e-6


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


def check_gradients(source: str) -> GradCheck:
    """Compare every leaf's `.grad` with central differences of the program's output."""
    base = run(source, float64=True)
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
    checks = []
    for name, info in leaves.items():
        for index in np.ndindex(*info.shape):
            checks.append(_check_element(source, name, info.value, info.grad, index, base))
    failed = [c for c in checks if c.verdict == "fail"]
    kinks = [c for c in checks if c.verdict == "kink"]
    if failed:
        message = f"{len(failed)} of {len(checks)} elements disagree with finite differences."
    else:
        message = f"All {len(checks) - len(kinks)} differentiable elements agree."
    if kinks:
        message += f" {len(kinks)} sit on a kink (e.g. relu or abs at 0), where the "
        message += "derivative does not exist and PyTorch uses a subgradient."
    return GradCheck(not failed, message, STEP, tuple(checks))


def _unsuitable(base: RunResult) -> str | None:
    if not base.ok:
        return f"The program does not run: {base.error.message}"
    if base.backward_calls != 1 or base.output_value is None:
        return (
            "The gradient check needs a program that calls backward() exactly once, "
            "on a single number."
        )
    return None


def _check_element(source, name, value, grad, index, base) -> ElementCheck:
    h = STEP * max(1.0, abs(float(value[index])))
    outputs = {}
    for sign in (1, -1):
        nudged = value.astype(np.float64).copy()
        nudged[index] += sign * h
        result = run(source, float64=True, overrides={name: torch.from_numpy(nudged)})
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
