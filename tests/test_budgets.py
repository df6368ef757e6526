"""Budgets trip quickly, with their own clear error, before anything huge is made."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch

import playground

ROOT = Path(__file__).resolve().parent.parent
LIMIT_SECONDS = 3.5  # the 3 s wall budget plus room for one last operation
SMALL = playground.Budgets(wall_seconds=0.2)


@pytest.fixture(scope="module", autouse=True)
def _warm_up():
    """Pay PyTorch's one-time lazy imports before anything is timed."""
    playground.run("a = torch.ones(100, 1) * torch.ones(1, 100)\nb = a @ a\nc = a.pow(a)\n")
    torch.broadcast_shapes((2, 1), (1, 2))


def _run_timed(source: str, budgets: playground.Budgets | None = None):
    start = time.monotonic()
    result = playground.run(source) if budgets is None else playground.run(source, budgets)
    return result, time.monotonic() - start


# id -> (source, regex the message must match, line or None when the whole program is meant)
BUDGETS: dict[str, tuple[str, str, int | None]] = {
    "source over 20,000 chars": ("x = 1\n" * 4000, r"24,000 characters.*20,000", None),
    "200 nested parenthesised sums": (
        "x = " + "(1 + " * 200 + "1" + ")" * 200 + "\n",
        r"nest",
        1,
    ),
    "deeply nested lists": ("y = 1\nx = " + "[" * 150 + "]" * 150 + "\n", r"nest", 2),
    "deeply nested calls": ("x = " + "abs(" * 100 + "1" + ")" * 100 + "\n", r"nest", 1),
    "deeply nested blocks": (
        "".join("    " * i + "if True:\n" for i in range(70)) + "    " * 70 + "pass\n",
        r"nest",
        None,
    ),
    "too deep for the parser": ("x = " + "-" * 19000 + "1\n", r"nested too deeply", None),
    "too many syntax elements": (
        "x = [" + "a+a, " * 3900 + "]\n",
        r"more than 20,000 syntax elements",
        None,
    ),
    "9**9**9": ("x = 9**9**9\n", r"too large an integer", 1),
    "10**10**10": ("x = 1\ny = 10**10**10\n", r"too large an integer", 2),
    "int growing by multiplication": (
        "x = 2\nfor i in range(100):\n    x = x * x\n",
        r"more than 64 bits",
        3,
    ),
    "huge int literal squared": ("x = " + "9" * 4000 + "\ny = x * x\n", r"64 bits", 2),
    "'a'*10**9": ("s = 'a' * 10**9\n", r"1,000,000,000 items.*100,000", 1),
    "[0]*10**9": ("l = [0] * 10**9\n", r"1,000,000,000 items.*100,000", 1),
    "string doubling": (
        "s = 'a'\nfor i in range(40):\n    s = s + s\n",
        r"sequence.*100,000|100,000.*sequence|items",
        3,
    ),
    "f-string length": ("s = 'a' * 60000\nt = f'{s}{s}'\n", r"100,000", 2),
    "f-string width": ("x = f'{1:>1000000000}'\n", r"[Ww]idth", 1),
    "f-string precision": ("x = f'{1.5:.1000000000f}'\n", r"precision", 1),
    "torch.ones(10**5, 10**5)": (
        "x = torch.ones(10**5, 10**5)\n",
        r"10,000,000,000 elements.*1,000,000",
        1,
    ),
    "torch.zeros huge": ("x = torch.zeros((10**6, 10**6))\n", r"elements", 1),
    "torch.randn huge": ("x = torch.randn(10**4, 10**4, requires_grad=True)\n", r"elements", 1),
    "torch.full huge": ("x = torch.full((10**5, 10**5), 1.)\n", r"elements", 1),
    "torch.arange(1e12)": ("x = torch.arange(1e12)\n", r"elements", 1),
    "torch.arange tiny step": ("x = torch.arange(0, 1, 1e-12)\n", r"elements", 1),
    "torch.arange to infinity": ("x = torch.arange(float('inf'))\n", r"elements", 1),
    "torch.linspace huge": ("x = torch.linspace(0, 1, 10**9)\n", r"elements", 1),
    "for i in range(10**12)": (
        "for i in range(10**12):\n    pass\n",
        r"longer than 3 s|1,000,000 iterations",
        None,
    ),
    "while True": ("i = 0\nwhile True:\n    i = i + 1\n", r"longer than 3 s|iterations", None),
    "nested loops 10**4 x 10**4": (
        "for i in range(10**4):\n    for j in range(10**4):\n        pass\n",
        r"longer than 3 s|1,000,000 iterations",
        None,
    ),
    "recursion": ("def f(n):\n    return f(n + 1)\nf(0)\n", r"calls deep|recursi", None),
    "mutual recursion": (
        "def f(n):\n    return g(n)\ndef g(n):\n    return f(n)\nf(0)\n",
        r"calls deep|recursi",
        None,
    ),
    "outer-product broadcast": (
        "a = torch.ones(100000, 1)\nb = torch.ones(1, 100000)\nc = a * b\n",
        r"10,000,000,000 elements",
        3,
    ),
    "outer-product broadcast inline": (
        "x = torch.ones(100000,1) * torch.ones(1,100000)\n",
        r"elements",
        1,
    ),
    "in-place broadcast": ("a = torch.ones(1000, 1)\na += torch.ones(1, 100000)\n", r"", 2),
    "pow broadcast": (
        "a = torch.ones(1000, 1000)\nb = a.pow(torch.ones(1000, 1, 1))\n",
        r"elements",
        2,
    ),
    "huge matmul": (
        "a = torch.ones(1000000, 1)\nb = torch.ones(1, 1000000)\nc = a @ b\n",
        r"matrix product.*1,000,000,000,000 elements",
        3,
    ),
    "huge torch.matmul": (
        "a = torch.ones(1000000, 1)\nc = torch.matmul(a, a.t())\n",
        r"matrix product",
        2,
    ),
    "torch.tensor of a shared nest": (
        "x = torch.tensor([[0]*100000]*100000)\n",
        r"elements.*1,000,000",
        1,
    ),
    "np.array of a shared nest": ("x = np.array([[0.]*100000]*100000)\n", r"elements", 1),
    "tensor elements alive": (
        "x = torch.ones(10**6)\nl = []\nfor i in range(100):\n    l = l + [x * 2]\n",
        r"16,000,000 tensor elements",
        4,
    ),
    "a graph keeps its results alive": (
        "x = torch.ones(10**6, requires_grad=True)\ny = x\nfor i in range(100):\n    y = y.exp()\n",
        r"16,000,000 tensor elements",
        4,
    ),
    "comparisons count as elements": (
        "x = torch.ones(10**6)\nl = []\nfor i in range(10**5):\n    l = l + [x > 0]\n",
        r"16,000,000",
        4,
    ),
    "numpy arrays count as elements": (
        "x = torch.ones(10**6)\nl = []\nfor i in range(1000):\n    l = l + [np.array(x)]\n",
        r"16,000,000",
        4,
    ),
    "text built in a loop": (
        "s = 'a' * 99999\nl = []\nfor i in range(10**6):\n    l = [l, s + 'b']\n",
        r"16,000,000",
        4,
    ),
    "lists built in a loop": (
        "s = [0] * 99999\nl = []\nfor i in range(10**6):\n    l = [l, s + [1]]\n",
        r"16,000,000",
        4,
    ),
}


@pytest.mark.parametrize(("source", "pattern", "line"), BUDGETS.values(), ids=BUDGETS.keys())
def test_budget_trips_quickly_with_a_clear_error(source, pattern, line, ref):
    result, elapsed = _run_timed(source)
    ref.not_internal(result)
    assert result.error is not None, "expected a budget error"
    assert result.error.kind == "budget", result.error
    assert re.search(pattern, result.error.message), result.error.message
    assert elapsed < LIMIT_SECONDS, f"took {elapsed:.2f} s"
    if line is not None:
        assert result.error.line == line, result.error


def test_two_hundred_redundant_parentheses_are_harmless(ref):
    # Redundant parentheses add no nesting to the tree; either way, no crash.
    result, elapsed = _run_timed("x = " + "(" * 200 + "1" + ")" * 200 + "\n")
    ref.not_internal(result)
    assert elapsed < LIMIT_SECONDS
    more, _ = _run_timed("x = " + "(" * 1000 + "1" + ")" * 1000 + "\n")
    assert more.error is not None and more.error.kind in {"syntax", "budget"}
    assert more.error.message


def test_wall_time_budget_is_honoured():
    result, elapsed = _run_timed("i = 0\nwhile True:\n    i = i + 1\n", SMALL)
    assert result.error is not None and result.error.kind == "budget"
    assert "0.2 s" in result.error.message
    assert result.error.line is not None
    assert elapsed < 1.0


def test_wall_time_budget_inside_tensor_loop():
    source = "x = torch.ones(10)\nfor i in range(10**9):\n    x = x * 1.0\n"
    result, elapsed = _run_timed(source, SMALL)
    assert result.error is not None and result.error.kind == "budget"
    assert elapsed < 1.0


def test_wall_time_budget_inside_a_function_call_chain():
    source = "def f(n):\n    for i in range(10**9):\n        n = n + 1\n    return n\nf(0)\n"
    result, elapsed = _run_timed(source, SMALL)
    assert result.error is not None and result.error.kind == "budget"
    assert elapsed < 1.0


def test_torch_op_budget():
    budgets = playground.Budgets(torch_ops=100)
    source = "x = torch.tensor(1.)\nfor i in range(1000):\n    x = x + 1\n"
    result = playground.run(source, budgets)
    assert result.error is not None and result.error.kind == "budget"
    assert "100 tensor operations" in result.error.message
    assert result.error.line == 3


def test_loop_iteration_budget():
    budgets = playground.Budgets(loop_iterations=1000)
    result = playground.run("n = 0\nfor i in range(5000):\n    n = n + 1\n", budgets)
    assert result.error is not None and result.error.kind == "budget"
    assert "1,000 iterations" in result.error.message


def test_call_depth_budget_counts_calls():
    budgets = playground.Budgets(call_depth=5)
    source = "def f(n):\n    if n == 0:\n        return 0\n    return f(n - 1)\n"
    assert playground.run(source + "y = f(4)\n", budgets).ok
    deep = playground.run(source + "y = f(10)\n", budgets)
    assert deep.error is not None and deep.error.kind == "budget"
    assert "5 calls deep" in deep.error.message


def test_tensor_element_budget_is_configurable():
    budgets = playground.Budgets(tensor_elements=100)
    assert playground.run("x = torch.ones(10, 10)\n", budgets).ok
    result = playground.run("x = torch.ones(10, 11)\n", budgets)
    assert result.error is not None and result.error.kind == "budget"
    assert "110 elements" in result.error.message


def test_programs_within_budgets_still_run():
    source = (
        "x = torch.ones(1000, 1000)\n"  # exactly the per-tensor limit
        "y = (x @ x).sum()\n"
        "s = 'a' * 100000\n"
        "l = [0] * 100000\n"
        "n = 2 ** 62\n"
        "for i in range(1000):\n"
        "    n = n - 1\n"
    )
    result = playground.run(source, playground.Budgets(wall_seconds=60))
    assert result.ok, result.error


def test_budget_errors_leave_earlier_results_visible():
    result = playground.run(
        "a = torch.tensor(2., requires_grad=True)\nb = a * 3\nc = torch.ones(10**5, 10**5)\n"
    )
    assert result.error is not None and result.error.kind == "budget"
    assert {"a", "b"} <= set(result.tensors)
    assert result.graph is not None


# -- autograd graph depth: PyTorch frees long chains recursively ---------------------

DEEP = playground.Budgets(graph_depth=100)
DEEP_CHAINS = {
    "multiplication chain": "y = x * 1\nfor i in range(1000):\n    y = y * 1.0\n",
    ".T chain": "y = x.reshape(1, 1)\nfor i in range(1000):\n    y = y.T\n",
    "abs() chain": "y = x * 1\nfor i in range(1000):\n    y = abs(y)\n",
    "augmented assignment": "y = x * 1\nfor i in range(1000):\n    y += 1\n",
    "in-place on a view": "y = x * torch.ones(3)\nfor i in range(1000):\n    y[0] += 1\n",
    "item assignment": "y = x * torch.ones(3)\nfor i in range(1000):\n    y[1] = y[0] * 2\n",
    "iterating a tensor": (
        "y = x.reshape(1)\nfor i in range(1000):\n    for v in y:\n        y = v.reshape(1)\n"
    ),
    "unpacking a tensor": (
        "y = x.reshape(1)\nfor i in range(1000):\n    (v,) = y\n    y = v.reshape(1)\n"
    ),
    "vector @ matrix (3 nodes each)": (
        "y = x * torch.ones(2)\nM = torch.ones(2, 2)\nfor i in range(40):\n    y = y @ M\n"
    ),
}


@pytest.mark.parametrize("body", DEEP_CHAINS.values(), ids=DEEP_CHAINS.keys())
def test_graph_depth_budget_sees_every_way_to_grow_a_chain(body):
    source = "x = torch.tensor(1., requires_grad=True)\n" + body
    result = playground.run(source, DEEP)
    assert result.error is not None and result.error.kind == "budget", result.error
    assert "100 nodes deep" in result.error.message


SHALLOW = {
    "training loop": """\
w = torch.randn(2, 3, requires_grad=True)
b = torch.randn(2, requires_grad=True)
for i in range(500):
    preds = inputs @ w.t() + b
    diff = preds - targets
    loss = torch.sum(diff * diff) / diff.numel()
    loss.backward()
    with torch.no_grad():
        w -= w.grad * 1e-5
        b -= b.grad * 1e-5
        w.grad.zero_()
        b.grad.zero_()
""",
    "same tensor handed back": "y = x * 1\nfor i in range(1000):\n    y = y.float()\n",
    "many views of one tensor": (
        "y = x * torch.ones(3)\nfor i in range(1000):\n    s = y[0] + y[1]\n"
    ),
    "vector @ matrix, 30 times": (
        "y = x * torch.ones(2)\nM = torch.ones(2, 2)\nfor i in range(30):\n    y = y @ M\n"
    ),
}


@pytest.mark.parametrize("body", SHALLOW.values(), ids=SHALLOW.keys())
def test_graph_depth_budget_leaves_shallow_graphs_alone(body):
    source = "x = torch.tensor(1., requires_grad=True)\n" + body
    result = playground.run(source, DEEP)
    assert result.ok, result.error


def test_a_very_long_chain_is_refused_instead_of_crashing_the_process():
    # In a child process: without the depth budget, freeing this graph after the
    # run overflows the C stack (a segfault that would end the whole server).
    source = (
        "x = torch.tensor(1., requires_grad=True)\n"
        "y = x\n"
        "for i in range(60000):\n"
        "    y = y * 1.0\n"
        "y.backward()\n"
    )
    # A generous wall budget, so the chain really reaches its length however busy
    # the machine is (unless the depth budget stops it first).
    child = (
        "import sys, playground\n"
        "budgets = playground.Budgets(wall_seconds=100)\n"
        "result = playground.run(sys.stdin.read(), budgets)\n"
        "print(result.error.kind, result.error.message)\n"
        "del result\n"
        "print('survived')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", child],
        input=source,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=200,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines() == [
        "budget The autograd graph is more than 20,000 nodes deep.",
        "survived",
    ]


def test_freed_tensors_give_their_elements_back(ref):
    """Memory alive, not elements ever made: 100 MB made in a loop, 8 MB alive at a time."""
    source = "x = torch.ones(10**6)\nfor i in range(100):\n    y = x * 2\n    z = y.exp()\n"
    result = playground.run(source)
    assert result.ok, result.error
    ref.same_tensors(result, ref.run(source)[0])


def test_training_loop_of_2000_steps_on_2000_points_runs_within_the_budget(ref):
    """Issue 11, item 4: a long, ordinary training loop fits the hosted budgets."""
    source = (
        "x = torch.randn(2000, 1)\ny = 3 * x + 1 + 0.1 * torch.randn(2000, 1)\n"
        "w = torch.zeros(1, requires_grad=True)\nb = torch.zeros(1, requires_grad=True)\n"
        "for step in range(2000):\n    pred = x * w + b\n    loss = ((pred - y) ** 2).mean()\n"
        "    loss.backward()\n    with torch.no_grad():\n        w -= 0.05 * w.grad\n"
        "        b -= 0.05 * b.grad\n    w.grad.zero_()\n    b.grad.zero_()\n"
        "print(w, b, loss)\n"
    )
    result, elapsed = _run_timed(source)
    assert result.ok, result.error
    assert result.output == ref.run(source)[1]
    assert elapsed < 3.0


# -- describing a run costs no more than the run itself --------------------------------


def test_aliases_of_one_tensor_are_copied_once():
    source = "x = torch.ones(10**6)\n" + "".join(f"a{i} = x\n" for i in range(50))
    result, elapsed = _run_timed(source)
    assert result.ok, result.error
    assert len(result.tensors) == 53
    assert result.tensors["a7"].name == "a7"
    for i in range(50):
        assert np.shares_memory(result.tensors[f"a{i}"].value, result.tensors["x"].value)
    assert elapsed < LIMIT_SECONDS


@pytest.mark.parametrize("attr", ["T", "data"])
def test_views_made_by_attributes_count_as_elements(attr):
    source = "x = torch.ones(1000, 1000)\n" + "".join(f"a{i} = x.{attr}\n" for i in range(30))
    result = playground.run(source)
    assert result.error is not None and result.error.kind == "budget"
    assert "16,000,000 tensor elements" in result.error.message


def test_iterating_a_tensor_counts_its_rows_as_elements():
    source = (
        "x = torch.ones(10, 100000)\nl = []\nfor i in range(100):\n    for r in x:\n"
        "        l = l + [r]\n"
    )
    result = playground.run(source)
    assert result.error is not None and result.error.kind == "budget"
    assert "16,000,000 tensor elements" in result.error.message
