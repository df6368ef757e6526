"""PyTorch's warnings reach the run's result, on the program's line, as plain PyTorch
raises them (the reference captures them from a real run, `plain_reference`); the
printed output stays what `print` wrote."""

from __future__ import annotations

import warnings

import pytest
import torch
from plain_reference import run_plain

import playground
from playground.sandbox.core.program_warnings import CUT_NOTE, MAX_WARNINGS

NON_LEAF_GRAD = """\
w = torch.ones(2, requires_grad=True)
for i in range(50):
    z = w * 2
    print(z.grad)
print('done')
"""

WARNING_PROGRAMS = {
    "non-leaf .grad in a loop": NON_LEAF_GRAD,
    "a loss whose target broadcasts": (
        "pred = torch.ones(3, 1, requires_grad=True)\n"
        "loss = torch.nn.functional.mse_loss(pred, torch.ones(3))\n"
        "print(loss)\n"
    ),
    "torch.tensor of a tensor": (
        "w = torch.ones(2, requires_grad=True)\nc = torch.tensor(w)\nprint(c)\n"
    ),
    "x.T of a vector (PyTorch warns once per process)": (
        "v = torch.ones(3, requires_grad=True)\nprint(v.T)\n"
    ),
    "a warning inside a function, then on the caller's line": (
        "w = torch.ones(2, requires_grad=True)\n"
        "def half(t):\n"
        "    u = t * 0.5\n"
        "    print(u.grad)\n"
        "    return u\n"
        "g = half(w).grad\n"
        "print(g)\n"
    ),
    "NumPy's arithmetic (divide by zero, overflow)": (
        "a = np.array([1.0, 0.0])\nprint(a / 0)\nprint(np.array([1e308]) * 10)\n"
    ),
    "a while loop's test, read again after its body": (
        "w = torch.ones(2, requires_grad=True)\n"
        "y = w * 2\n"
        "i = 0\n"
        "while y.grad is None and i < 3:\n"
        "    i += 1\n"
        "print(i)\n"
    ),
    "a lambda's body, on the lambda's line": (
        "grad_of = lambda t: t.grad\nw = torch.ones(2, requires_grad=True)\nprint(grad_of(w * 2))\n"
    ),
    "a generator expression read in another function": (
        "w = torch.ones(2, requires_grad=True)\n"
        "grads = ((w * k).grad for k in range(2))\n"
        "def consume(it):\n"
        "    n = 0\n"
        "    return list(it)\n"
        "print(consume(grads))\n"
    ),
}


@pytest.mark.parametrize("source", WARNING_PROGRAMS.values(), ids=WARNING_PROGRAMS.keys())
def test_warnings_are_the_ones_plain_pytorch_raises(source):
    result = playground.run(source)
    assert result.ok, result.error
    warned: list[str] = []
    _, printed = run_plain(source, warned=warned)
    assert warned  # the program does warn in plain PyTorch
    assert [w.text for w in result.warnings] == warned
    assert result.output == printed


def test_a_warning_names_its_line_once_however_often_the_loop_repeats_it():
    result = playground.run(NON_LEAF_GRAD)
    line = NON_LEAF_GRAD.splitlines().index("    print(z.grad)") + 1
    [warning] = result.warnings
    assert (warning.line, warning.kind) == (line, "UserWarning")
    assert warning.message.startswith("The .grad attribute of a Tensor that is not a leaf")
    assert "Triggered internally" not in warning.message
    assert result.output == "None\n" * 50 + "done\n"
    assert result.to_json()["warnings"] == [warning._asdict()]


def test_every_run_sees_a_warning_pytorch_gives_once_per_process():
    source = WARNING_PROGRAMS["x.T of a vector (PyTorch warns once per process)"]
    first, second = playground.run(source).warnings, playground.run(source).warnings
    assert [w.line for w in first] == [2]
    assert first == second


@pytest.mark.parametrize("source", [NON_LEAF_GRAD, NON_LEAF_GRAD + "y = nope\n"])
def test_a_run_leaves_the_processs_warning_state_as_it_found_it(source):
    filters, show = list(warnings.filters), warnings.showwarning
    always = torch.is_warn_always_enabled()
    playground.run(source)
    assert warnings.filters == filters
    assert warnings.showwarning is show
    assert torch.is_warn_always_enabled() == always


def test_a_program_warning_on_every_line_keeps_only_the_first_few():
    source = "w = torch.ones(2, requires_grad=True)\n" + "g = (w * 2).grad\n" * 60
    result = playground.run(source)
    assert result.ok, result.error
    *kept, note = result.warnings
    assert [w.line for w in kept] == list(range(2, 2 + MAX_WARNINGS))
    assert note.text == f"Note: {CUT_NOTE}"
