"""Compile once, run many (issue 14): each node is compiled once per run, however
often a loop visits it, and the compiled closures behave as plain Python does."""

from __future__ import annotations

import ast

import pytest
from plain_reference import assert_same_tensors, run_plain

import playground
from playground.sandbox import interpreter
from playground.sandbox.parsing import parse

LOOP = """\
w = torch.randn(2, 3, requires_grad=True)
x = torch.ones(4, 3)
def model(v):
    return v @ w.t()
for i in range(40):
    loss = model(x).pow(2).mean()
    loss.backward()
    with torch.no_grad():
        w -= 0.01 * w.grad
        w.grad.zero_()
print(loss)
"""

RETURNS = """\
def sign(v):
    if v < 0:
        return -1
    elif v == 0:
        return 0
    return 1
def first_big(items, limit=2):
    for item in items:
        if item > limit:
            return item
def nothing():
    return
def nested(a):
    def inner(b):
        return a * b
    return inner(3) + inner(a)
def loop_return(n):
    total = 0
    while True:
        total += n
        if total > 10:
            return total
values = [sign(-3), sign(0), sign(2), first_big([1, 2, 5, 9]), first_big([0]), nothing()]
t = torch.tensor([1.0, -2.0], requires_grad=True)
def loss_of(v):
    y = (v * v).sum()
    return y
out = loss_of(t)
out.backward()
print(values, nested(4), loop_return(3), out, t.grad)
"""


def _nodes(source: str) -> int:
    return sum(isinstance(n, ast.stmt | ast.expr) for n in ast.walk(parse(source)))


def test_each_node_is_compiled_once_per_run_not_per_visit(monkeypatch) -> None:
    compiled: list[ast.AST] = []
    real = interpreter.compile_node

    def counting(node, code_of, handler):
        compiled.append(node)
        return real(node, code_of, handler)

    monkeypatch.setattr(interpreter, "compile_node", counting)
    result = playground.run(LOOP)
    assert result.ok, result.error
    assert len(compiled) == len(set(map(id, compiled)))  # no node twice
    # Every node of the tree, plus `w` read back for each `w -= ...`: not 40 times more.
    assert len(compiled) <= _nodes(LOOP) + 2


@pytest.mark.parametrize("source", [LOOP, RETURNS], ids=["training loop", "returns"])
def test_compiled_programs_print_and_compute_what_python_does(source: str) -> None:
    result = playground.run(source)
    assert result.ok, result.error
    scope, printed = run_plain(source)
    assert result.output == printed
    assert_same_tensors(result, scope)


def test_an_error_in_a_closing_return_names_its_line_and_column() -> None:
    result = playground.run("def f(v):\n    y = v + 1\n    return y.nosuch\nf(torch.ones(2))\n")
    assert not result.ok
    assert (result.error.line, result.error.col) == (3, 11)
