"""The core's calls on untrusted code, run in a worker process the server can kill.

`run_isolated` and `check_isolated` give the same answers as `runner.run` and
`gradcheck.check_gradients`; when the worker is stopped (past its time, over its
memory, crashed in PyTorch's C code) the answer is an error result that says so,
and only the student who ran the program sees it.
"""

from __future__ import annotations

from .gradcheck import TOTAL_SECONDS, GradCheck, check_gradients
from .isolation import Job, Lane, WorkerPool, WorkerStopped
from .isolation.stops import out_of_memory
from .runner import RunResult, run
from .sandbox.core.budgets import DEFAULT_BUDGETS, Budgets
from .sandbox.core.errors import ErrorInfo

Runner = WorkerPool | Lane
OUT_OF_MEMORY = "can't allocate memory"  # torch's words when the address-space cap is hit
GRADCHECK_SECONDS = TOTAL_SECONDS + 3.0  # its own total, then describing its last run


def start_run(
    runner: Runner,
    source: str,
    budgets: Budgets = DEFAULT_BUDGETS,
    seconds: float | None = None,
    **options,
) -> Job:
    """Start `run(source, ...)` in a worker; collect the answer with `finish_run`.

    The worker is killed `seconds` (default: the program's time budget) plus a grace
    after it starts; the grace covers describing the result, up to the lab's 600 nodes.
    """
    seconds = budgets.wall_seconds if seconds is None else seconds
    return runner.submit(run, source, budgets, seconds=seconds, line_slot=True, **options)


def finish_run(runner: Runner, job: Job) -> RunResult:
    """The run's result, or an error result when its worker was stopped."""
    pool = runner.pool if isinstance(runner, Lane) else runner
    try:
        result = pool.outcome(job)
    except WorkerStopped as stop:
        return stopped_result(stop, job.seconds)
    if result.error is not None and OUT_OF_MEMORY in result.error.message:
        return stopped_result(out_of_memory(pool.limits), job.seconds)
    return result


def run_isolated(runner: Runner, source: str, **options) -> RunResult:
    """`run(source, ...)` in a worker, waiting for the answer."""
    return finish_run(runner, start_run(runner, source, **options))


def start_check(runner: Runner, source: str) -> Job:
    """Start the gradient check in a worker, bounded as a whole."""
    return runner.submit(check_gradients, source, seconds=GRADCHECK_SECONDS, line_slot=True)


def finish_check(runner: Runner, job: Job) -> GradCheck:
    """The check's report, or one saying why its worker was stopped."""
    pool = runner.pool if isinstance(runner, Lane) else runner
    try:
        return pool.outcome(job)
    except WorkerStopped as stop:
        return GradCheck(False, stop.message, 0.0)


def check_isolated(runner: Runner, source: str) -> GradCheck:
    """The gradient check in a worker, waiting for the answer."""
    return finish_check(runner, start_check(runner, source))


def stopped_result(stop: WorkerStopped, seconds: float) -> RunResult:
    """An error result for a program whose worker was stopped."""
    kind = "runtime" if stop.reason == "crash" else "budget"
    return RunResult(
        ok=False,
        error=ErrorInfo(kind, stop.message, stop.line, None),
        output="",
        tensors={},
        graph=None,
        seconds_budget=seconds,
    )
