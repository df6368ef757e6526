"""No user program changes PyTorch's process-wide state.

A hosted app runs every visitor's program in one process, so grad mode, the
default dtype, the global RNG, the thread count, anomaly mode and inference mode
must be exactly as they were after any run: ended normally, refused, or failed
half-way inside `with torch.no_grad():`. Grad mode is per thread in PyTorch, so two
programs running at once must not see each other's `no_grad` either.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest
import torch

import playground
from playground.presets import PRESETS

QUICK = playground.Budgets(wall_seconds=0.3)  # for the programs that run out of time


def global_state() -> dict[str, object]:
    """Everything a program must leave as it found it."""
    return {
        "grad enabled": torch.is_grad_enabled(),
        "default dtype": torch.get_default_dtype(),
        "rng state": torch.get_rng_state().tolist(),
        "threads": torch.get_num_threads(),
        "anomaly": torch.is_anomaly_enabled(),
        "inference mode": torch.is_inference_mode_enabled(),
        "deterministic": torch.are_deterministic_algorithms_enabled(),
        "numpy rng": np.random.get_state()[1].tolist(),
    }


PROGRAMS: dict[str, str] = {
    **{f"preset: {preset.title}": preset.source for preset in PRESETS},
    "random numbers": "torch.manual_seed(123)\na = torch.randn(3)\nb = torch.rand(2, 2)\n",
    "random numbers, default seed": "a = torch.randn(1000)\n",
    "float64 tensors": "a = torch.tensor([1., 2.], dtype=torch.float64)\nb = a.double() * 2\n",
    "requires_grad_ and detach": (
        "a = torch.ones(2).requires_grad_()\nb = (a * 2).detach()\nc = (a * a).sum()\n"
        "c.backward()\n"
    ),
    "error inside no_grad": (
        "w = torch.ones(2, 3, requires_grad=True)\nwith torch.no_grad():\n    y = w @ w\n"
    ),
    "unknown name inside no_grad": "with torch.no_grad():\n    y = nope\n",
    "budget inside nested no_grad": (
        "with torch.no_grad():\n    with torch.no_grad():\n        x = torch.ones(10**5, 10**5)\n"
    ),
    "time out inside no_grad": "with torch.no_grad():\n    while True:\n        pass\n",
    "error in a function called inside no_grad": (
        "def f(a):\n    return a @ a\nwith torch.no_grad():\n    y = f(torch.ones(2, 3))\n"
    ),
    "backward inside no_grad": (
        "w = torch.tensor(2., requires_grad=True)\ny = w * w\nwith torch.no_grad():\n"
        "    y.backward()\n    w -= w.grad\n"
    ),
    "in-place on a leaf outside no_grad": ("w = torch.tensor(2., requires_grad=True)\nw -= 1\n"),
    "backward twice": (
        "w = torch.tensor(2., requires_grad=True)\ny = w * w\ny.backward()\ny.backward()\n"
    ),
    "refused: set_grad_enabled": "torch.set_grad_enabled(False)\n",
    "refused: set_default_dtype": "torch.set_default_dtype(torch.float64)\n",
    "refused: set_num_threads": "torch.set_num_threads(1)\n",
    "refused: set_detect_anomaly": "torch.autograd.set_detect_anomaly(True)\n",
    "refused: inference_mode": "with torch.inference_mode():\n    x = torch.ones(2)\n",
    "refused: global manual_seed through torch.random": "torch.random.manual_seed(1)\n",
    "refused: enable_grad inside no_grad": (
        "with torch.no_grad():\n    with torch.enable_grad():\n        pass\n"
    ),
}


@pytest.mark.parametrize("source", PROGRAMS.values(), ids=PROGRAMS.keys())
def test_a_run_leaves_torch_global_state_alone(source):
    before = global_state()
    playground.run(source, QUICK)
    assert global_state() == before
    playground.run(source, QUICK, float64=True)  # the gradient check's mode, too
    assert global_state() == before


def test_state_snapshot_notices_changes():
    """The comparison above can fail: each change below is seen."""
    before = global_state()
    with torch.no_grad():
        assert global_state() != before
    with torch.random.fork_rng(devices=[]):
        torch.randn(1)
        assert global_state() != before
    assert global_state() == before


def test_manual_seed_seeds_the_programs_own_generator(ref):
    source = "torch.manual_seed(7)\na = torch.randn(4)\nb = torch.rand(2)\n"
    before = torch.get_rng_state()
    result = playground.run(source)
    assert torch.equal(torch.get_rng_state(), before)
    assert result.ok, result.error
    namespace, _ = ref.run(source)
    ref.same_tensors(result, namespace)


def test_runs_in_a_thread_leave_the_main_threads_grad_mode_alone():
    before = global_state()
    worker = threading.Thread(target=playground.run, args=(PROGRAMS["error inside no_grad"],))
    worker.start()
    worker.join()
    assert global_state() == before


NO_GRAD_WHILE_LOOPING = """\
w = torch.tensor(2., requires_grad=True)
with torch.no_grad():
    s = w * 1
    for i in range(3000):
        s = s + 1
y = w * w * s
y.backward()
"""

GRAD_WHILE_LOOPING = """\
w = torch.tensor(3., requires_grad=True)
t = w * 1
for i in range(3000):
    t = t * 1.0001
t.backward()
"""


def test_no_grad_in_one_thread_does_not_reach_another(ref):
    """Grad mode is thread-local: each of two simultaneous runs sees only its own."""
    sources = [NO_GRAD_WHILE_LOOPING, GRAD_WHILE_LOOPING]
    budgets = playground.Budgets(wall_seconds=60)
    results: dict[int, list] = {0: [], 1: []}
    start = threading.Barrier(2)

    def work(index: int) -> None:
        start.wait()
        for _ in range(3):
            results[index].append(playground.run(sources[index], budgets))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    before = global_state()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert global_state() == before
    for index, source in enumerate(sources):
        namespace, _ = ref.run(source)
        for result in results[index]:
            assert result.ok, result.error
            ref.same_tensors(result, namespace)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("error inside no_grad", "runtime"),
        ("unknown name inside no_grad", "unknown_name"),
        ("budget inside nested no_grad", "budget"),
        ("time out inside no_grad", "budget"),
        ("error in a function called inside no_grad", "runtime"),
    ],
)
def test_the_no_grad_programs_really_fail_inside_the_block(name, kind):
    """So the state test above covers leaving `no_grad` by an error, not normally."""
    source = PROGRAMS[name]
    result = playground.run(source, QUICK)
    assert result.error is not None and result.error.kind == kind, result.error
    failing_line = source.splitlines()[result.error.line - 1]
    assert failing_line.startswith("    "), "the error must be inside the with block"
