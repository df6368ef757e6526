"""User code in worker processes: same answers, OS-enforced limits, nobody else hurt.

Every expected result comes from `playground.run` in this process (itself checked
against plain PyTorch elsewhere); every stop is caused for real (a GIL-holding C
loop, a segmentation fault, an allocation past the ceiling, CPU burnt past its cap).
"""

from __future__ import annotations

import os
import threading
import time

import pytest
import worker_tasks
from process_memory import status_kb

from playground import run
from playground.isolated import (
    check_isolated,
    finish_check,
    finish_run,
    run_isolated,
    start_check,
    start_run,
)  # fmt: skip
from playground.isolation import Lane, WorkerPool, WorkerStopped
from playground.isolation.limits import Limits
from playground.presets import PRESETS

pytestmark = pytest.mark.timeout(180)


@pytest.fixture(scope="module")
def pool():
    workers = WorkerPool(workers=2, limits=Limits(memory_mb=256, cpu_seconds=4.0, wall_grace=1.0))
    workers.warm()
    yield workers
    workers.close()


@pytest.mark.parametrize("preset", PRESETS, ids=[p.title for p in PRESETS])
def test_a_run_in_a_worker_is_the_run_in_process(pool, preset):
    there = run_isolated(pool, preset.source, max_nodes=120)
    here = run(preset.source, max_nodes=120)
    assert there.to_json() == here.to_json()
    assert there.raw_graph.to_json() == here.raw_graph.to_json()
    assert repr(there.steps) == repr(here.steps)
    assert (there.backward_calls, there.output_value) == (here.backward_calls, here.output_value)


def test_a_lock_holding_program_is_killed_at_its_budget_and_the_worker_replaced(pool):
    start = time.monotonic()
    with pytest.raises(WorkerStopped) as stop:
        pool.call(worker_tasks.hold_the_lock, seconds=1.0)
    took = time.monotonic() - start
    assert stop.value.reason == "time" and "ran past 1 s" in stop.value.message
    assert took < 1.0 + pool.limits.wall_grace + 2.0
    assert run_isolated(pool, "print(1 + 1)").output == "2\n"


def test_a_segmentation_fault_is_a_message_and_the_next_run_works(pool):
    with pytest.raises(WorkerStopped) as stop:
        pool.call(worker_tasks.crash, seconds=3.0)
    assert stop.value.reason == "crash" and "segmentation fault" in stop.value.message
    assert run_isolated(pool, "print(3 * 3)").output == "9\n"


@pytest.mark.parametrize("task", [worker_tasks.allocate, worker_tasks.allocate_tensor])
def test_memory_past_the_ceiling_is_refused_by_the_kernel(pool, task):
    assert pool.call(task, 64, seconds=10.0) > 0  # well under the ceiling: fine
    with pytest.raises((WorkerStopped, RuntimeError)) as stop:
        pool.call(task, 1024, seconds=10.0)
    if isinstance(stop.value, WorkerStopped):
        assert stop.value.reason == "memory" and "256 MB" in stop.value.message
    else:
        assert "can't allocate memory" in str(stop.value)


def test_cpu_time_past_its_cap_stops_the_worker():
    pool = WorkerPool(workers=1, limits=Limits(cpu_seconds=1.0, wall_grace=30.0))
    try:
        with pytest.raises(WorkerStopped) as stop:
            pool.call(worker_tasks.burn_cpu, 20.0, seconds=20.0)
        assert stop.value.reason == "cpu"
        assert pool.call(worker_tasks.burn_cpu, 0.01, seconds=5.0) > 0
    finally:
        pool.close()


def test_a_new_run_in_a_lane_cancels_the_older_one(pool):
    lane = Lane(pool)
    older = lane.submit(worker_tasks.sleep, 30.0, seconds=60.0)
    time.sleep(0.3)  # let it start in a worker
    newer = lane.submit(worker_tasks.sleep, 0.01, seconds=5.0)
    assert pool.outcome(newer) == 0.01
    assert older.future.cancelled() or older.future.done()
    with pytest.raises(WorkerStopped) as stop:
        pool.outcome(older)
    assert stop.value.reason == "cancelled"


def test_a_newer_edit_stops_the_older_run_without_killing_its_worker():
    """A burst of edits must not churn workers: the older run stops at its next check."""
    single = WorkerPool(workers=1, limits=Limits(wall_grace=1.0))
    try:
        single.warm()
        before = single.call(os.getpid, seconds=5.0)
        lane = Lane(single)
        slow = "s = 0\nwhile True:\n    s += 1\n"
        older = start_run(lane, slow)
        time.sleep(0.5)  # running in the worker
        started = time.monotonic()
        newer = start_run(lane, "print(6 * 7)")
        assert finish_run(lane, newer).output == "42\n"
        assert time.monotonic() - started < 0.4  # well before a kill (SOFT_STOP_S)
        replaced = finish_run(lane, older)
        assert not replaced.ok and "replaced by a newer one" in replaced.error.message
        assert single.call(os.getpid, seconds=5.0) == before  # the same worker
    finally:
        single.close()


def test_a_newer_edit_stops_a_gradient_check_without_killing_its_worker():
    """The check runs the program hundreds of times; an edit ends it at its next
    statement, as it ends a run (red team: every click-then-edit killed a worker)."""
    single = WorkerPool(workers=1, limits=Limits(wall_grace=1.0))
    try:
        single.warm()
        before = single.call(os.getpid, seconds=5.0)
        lane = Lane(single)
        slow = (
            "w = torch.randn(10, 10, requires_grad=True)\nx = torch.randn(10, 10)\n"
            "h = x\nfor i in range(300):\n    h = torch.tanh(h @ w)\nh.sum().backward()\n"
        )
        check = start_check(lane, slow)
        time.sleep(0.5)  # checking in the worker
        started = time.monotonic()
        newer = start_run(lane, "print(6 * 7)")
        assert finish_run(lane, newer).output == "42\n"
        assert time.monotonic() - started < 0.4  # well before a kill (SOFT_STOP_S)
        stopped = finish_check(lane, check)
        assert not stopped.ok and "replaced by a newer run" in stopped.message
        assert single.call(os.getpid, seconds=5.0) == before  # the same worker
    finally:
        single.close()


def test_others_keep_running_while_one_student_holds_a_worker(pool):
    blocker = Lane(pool).submit(worker_tasks.hold_the_lock, seconds=4.0)
    times = []
    for _ in range(10):
        start = time.monotonic()
        assert run_isolated(pool, "x = torch.tensor(2.)\nprint(x * x)").output == "tensor(4.)\n"
        times.append(time.monotonic() - start)
    assert max(times) < 1.0, times
    with pytest.raises(WorkerStopped):
        pool.outcome(blocker)


def test_the_server_process_keeps_its_memory_when_a_worker_allocates(pool):
    """The allocation happens in the worker: this process's peak does not move."""
    before = status_kb("VmHWM")
    with pytest.raises((WorkerStopped, RuntimeError)):
        pool.call(worker_tasks.allocate_tensor, 2048, seconds=10.0)
    assert status_kb("VmHWM") - before < 50_000


def test_the_gradient_check_runs_in_a_worker(pool):
    source = "w = torch.tensor([1., 2.], requires_grad=True)\ny = (w * w).sum()\ny.backward()\n"
    report = check_isolated(pool, source)
    assert report.ok and len(report.checks) == 2


def test_many_threads_share_the_pool(pool):
    """Streamlit runs each session in a thread; results must not cross."""
    results: dict[int, str] = {}

    def student(n: int) -> None:
        results[n] = run_isolated(Lane(pool), f"print({n} * 7)").output

    threads = [threading.Thread(target=student, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {n: f"{n * 7}\n" for n in range(12)}


def test_the_command_line_runs_programs_in_a_worker_with_the_same_limits():
    """A program within the sandbox's budgets but over a small memory ceiling: the
    kernel stops the worker and the command still answers in JSON."""
    import json
    import os
    import subprocess
    import sys

    program = "a = torch.ones(1000000, dtype=torch.float64)\nb = a * 2\nc = a * 3\nd = a + b + c\n"
    command = [sys.executable, "-m", "playground", "eval", "-", "--json"]

    def cli(memory_mb: str) -> dict:
        env = {**os.environ, "PLAYGROUND_MEMORY_MB": memory_mb}
        done = subprocess.run(
            command, input=program, capture_output=True, text=True, env=env, timeout=120
        )
        return json.loads(done.stdout)

    assert cli("512") == json.loads(json.dumps(run(program).to_json()))
    small = cli("20")
    assert not small["ok"] and "used more than 20 MB" in small["error"]["message"]


def test_a_stopped_program_says_which_line_it_was_on(pool):
    """The lines run before the kill are written to shared memory as they run."""
    program = "x = torch.tensor(1.)\ny = x * 2\nwhile True:\n    y = y + 1\n"
    job = start_run(pool, program, seconds=0.5)  # the sandbox's own clock says 3 s
    result = finish_run(pool, job)
    assert not result.ok and "ran past 0.5 s" in result.error.message
    assert result.error.line in (3, 4)
    assert run_isolated(pool, "a = 1\nb = 2\nprint(a + b)").error is None


def test_workers_never_import_the_script_running_as_main(tmp_path, monkeypatch):
    """Under Streamlit `__main__` is whichever page is running when a worker starts;
    multiprocessing would import it in the worker (and run the page there)."""
    import sys
    import types

    page = tmp_path / "page.py"
    page.write_text("raise SystemExit('a worker imported the running page')\n")
    running = types.ModuleType("__main__")
    running.__file__ = str(page)
    monkeypatch.setitem(sys.modules, "__main__", running)
    pool = WorkerPool(workers=1)
    try:
        assert pool.call(worker_tasks.pid, seconds=30) > 0
        with pytest.raises(WorkerStopped):  # a replacement worker starts the same way
            pool.call(worker_tasks.crash, seconds=5)
        assert pool.call(worker_tasks.pid, seconds=30) > 0
    finally:
        pool.close()
