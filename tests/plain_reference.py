"""Plain-PyTorch reference helpers shared by the unit tests, the fuzz oracle and its script.

A regular module, not conftest: `tests/` and `tests/e2e/` each have a conftest.py, so
`from conftest import ...` resolves to whichever pytest loaded first.
The reference for every numeric check is plain PyTorch: the same trusted program is
run with real `exec` *in the test*, never a hard-coded number.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
import warnings

import numpy as np
import torch

# The tutorial's crop data, copied from the issue (not from the code under test).
CROP_INPUTS = [[73, 67, 43], [91, 88, 64], [87, 134, 58], [102, 43, 37], [69, 96, 70]]
CROP_TARGETS = [[56, 70], [81, 101], [119, 133], [22, 37], [103, 119]]


DOCUMENTED_KINDS = frozenset({"syntax", "not_allowed", "unknown_name", "budget", "runtime"})


def run_plain(
    source: str, seed: int = 0, warned: list[str] | None = None
) -> tuple[dict[str, object], str]:
    """Run a *trusted* program with real torch; return its globals and printed text.

    `warned` receives the warnings raised, as the playground promises to show them.

    The global RNG is seeded like the sandbox's private generator and restored
    afterwards, so the test process's torch state is left as it was.
    """
    out = io.StringIO()

    def _print(*args: object, sep: str = " ", end: str = "\n") -> None:
        out.write(sep.join(str(a) for a in args) + end)

    namespace: dict[str, object] = {
        "__name__": "__main__",  # classes print as a script's do: <class '__main__.C'>
        "torch": torch,
        "np": np,
        "numpy": np,
        "print": _print,
        "inputs": torch.tensor(CROP_INPUTS, dtype=torch.float32),
        "targets": torch.tensor(CROP_TARGETS, dtype=torch.float32),
    }
    with torch.random.fork_rng(devices=[]), _zero_filled_empty(), _warnings_to(warned):
        torch.manual_seed(seed)
        exec(compile(source, PROGRAM_FILE, "exec"), namespace)
    return namespace, out.getvalue()


PROGRAM_FILE = "<trusted test program>"
_TRIGGERED = re.compile(r"\s*\(Triggered internally at [^)]*\)\s*$")


@contextlib.contextmanager
def _warnings_to(warned: list[str] | None):
    """Warnings as the playground promises them, off stderr: `Line N: Kind: message`,
    N the program's innermost line running (found on the stack, not from the
    sandbox), once per (kind, message, line); deprecation warnings hidden, as Python
    hides them outside `__main__`."""
    warned = [] if warned is None else warned

    def show(message, category, filename, lineno, file=None, line=None) -> None:
        frame = sys._getframe(1)
        while frame is not None and frame.f_code.co_filename != PROGRAM_FILE:
            frame = frame.f_back
        at = None if frame is None else frame.f_lineno
        text = f"Line {at}: {category.__name__}: {_TRIGGERED.sub('', str(message))}"
        if text not in warned:
            warned.append(text)

    with warnings.catch_warnings():
        warnings.simplefilter("always")
        for category in (
            DeprecationWarning,
            PendingDeprecationWarning,
            ImportWarning,
            ResourceWarning,
        ):
            warnings.simplefilter("ignore", category)
        warnings.showwarning = show
        always = torch.is_warn_always_enabled()
        torch.set_warn_always(True)  # PyTorch's warn-once warnings, in every run
        try:
            yield
        finally:
            torch.set_warn_always(always)


@contextlib.contextmanager
def _zero_filled_empty():
    """`torch.empty` and `empty_like` zero-filled, as the sandbox makes them (it never
    hands a program memory an earlier run left behind); restored afterwards."""
    saved = torch.empty, torch.empty_like
    torch.empty, torch.empty_like = torch.zeros, torch.zeros_like
    try:
        yield
    finally:
        torch.empty, torch.empty_like = saved


def plain_tensors(namespace: dict[str, object]) -> dict[str, torch.Tensor]:
    """The tensors bound to top-level names of a plain run, and the parameters and
    buffers of its top-level models named by module path (`model.0.weight`), as the
    sandbox's run result names them."""
    found = {k: v for k, v in namespace.items() if isinstance(v, torch.Tensor)}
    for name, value in namespace.items():
        if isinstance(value, torch.nn.Module):
            for path, tensor in (*value.named_parameters(), *value.named_buffers()):
                found.setdefault(f"{name}.{path}", tensor)
    return found


def assert_same_tensors(result, namespace: dict[str, object]) -> None:
    """Every tensor of the sandbox run equals the plain run's: value, grad, flags."""
    expected = plain_tensors(namespace)
    assert set(result.tensors) == set(expected)
    for name, tensor in expected.items():
        info = result.tensors[name]
        assert info.shape == tuple(tensor.shape), name
        assert info.dtype == str(tensor.dtype).removeprefix("torch."), name
        assert info.requires_grad == tensor.requires_grad, name
        assert info.is_leaf == tensor.is_leaf, name
        got = torch.from_numpy(np.asarray(info.value)).reshape(tensor.shape)
        assert torch.allclose(got.double(), tensor.detach().double(), equal_nan=True), name
        grad = tensor.grad if (tensor.is_leaf or tensor.retains_grad) else None
        if grad is None:
            assert info.grad is None, name
        else:
            assert info.grad is not None, name
            got_grad = torch.from_numpy(np.asarray(info.grad)).reshape(grad.shape)
            assert torch.allclose(got_grad.double(), grad.double(), equal_nan=True), name


def assert_not_internal(result) -> None:
    """A failure must be one of the documented kinds, never a swallowed bug of ours."""
    if result.error is not None:
        assert result.error.kind in DOCUMENTED_KINDS, result.error
        assert "Internal error" not in result.error.message, result.error


def plain_loss_and_grads(x, y, w_now, b_now):
    """The tutorial's MSE loss of `x @ w.t() + b` at (w, b), and its gradients."""
    w = torch.tensor(w_now, dtype=torch.float32, requires_grad=True)
    b = torch.tensor(b_now, dtype=torch.float32, requires_grad=True)
    diff = x @ w.t() + b - y
    loss = torch.sum(diff * diff) / diff.numel()
    loss.backward()
    return loss.detach(), w.grad, b.grad
