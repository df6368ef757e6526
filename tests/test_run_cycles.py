"""A run leaves no reference cycles behind, so its tensors are freed when it returns.

In a worker, an erroring run kept its tensors alive through its error's traceback
until some later collection; runs piled up hundreds of MB and an honest program met
the memory ceiling (red team). The worker also collects after every task; this
checks the run itself, with the collector off.
"""

from __future__ import annotations

import gc

import pytest

from playground import run

PROGRAMS = {
    "an index error": "x = torch.ones(1000)\ny = x * 2\nz = y[5000]\n",
    "an unknown name": "x = torch.ones(1000, requires_grad=True)\ny = x.sum()\nz = nope\n",
    "a budget refusal": "x = torch.ones(1000)\nfor i in range(10**7):\n    x = x + 1\n",
    "a good run": "x = torch.ones(3, requires_grad=True)\ny = (x * x).sum()\ny.backward()\n",
}


@pytest.mark.parametrize("source", PROGRAMS.values(), ids=PROGRAMS.keys())
def test_a_run_leaves_no_cycles(source: str) -> None:
    run("x = 1")  # first-use caches are not the run's garbage
    gc.collect()
    gc.disable()
    try:
        run(source)
        assert gc.collect() == 0
    finally:
        gc.enable()
