"""Worker overhead: a program run in a worker process vs in this process.

The same programs (the lab's presets, the tutorial's training block) run both ways,
interleaved so machine noise hits both alike: `playground.run` here, and
`playground.isolated.run_isolated` through a warm `WorkerPool` (fork server with
torch imported, as the app starts it). Reported per program: median and p95 of
each, and the median difference. Target (isolation issue): <= 20 ms more at the
median. Also timed: starting the pool (fork server + workers, torch imported once),
and how long a killed worker takes to be replaced (the next run after a kill).

    python -m benchmarks.worker_overhead [--quick] [--repeats N]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time

from playground import run
from playground.isolated import run_isolated
from playground.isolation import WorkerPool, WorkerStopped
from playground.presets import PRESETS

LONG_LOOP = "x = torch.tensor(1.)\nwhile True:\n    x = x + 1\n"


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def main(argv: list[str] | None = None) -> None:
    """Print a Markdown table of in-process vs worker run times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few repeats, for the tests")
    parser.add_argument("--repeats", type=int, default=40)
    args = parser.parse_args(argv)
    repeats = 3 if args.quick else args.repeats
    start = time.perf_counter()
    pool = WorkerPool(workers=2)
    pool.warm()
    took = time.perf_counter() - start
    print(f"pool start (fork server, 2 workers, torch imported): {took:.2f} s")
    print()
    print("| program | in-process median / p95 (ms) | worker median / p95 (ms) | median + (ms) |")
    print("|---|---|---|---|")
    try:
        for preset in PRESETS:
            here, there = [], []
            for _ in range(repeats):
                here.append(_timed(lambda p=preset: run(p.source, max_nodes=120)))
                there.append(_timed(lambda p=preset: run_isolated(pool, p.source, max_nodes=120)))
            extra = statistics.median(there) - statistics.median(here)
            print(
                f"| {preset.title} | {statistics.median(here):.1f} / {_p95(here):.1f} "
                f"| {statistics.median(there):.1f} / {_p95(there):.1f} | {extra:+.1f} |"
            )
        _replacement(pool)
    finally:
        pool.close()


def _replacement(pool: WorkerPool) -> None:
    """A run stopped at its wall-clock budget, then how soon the next run answers."""
    start = time.perf_counter()
    with contextlib.suppress(WorkerStopped):
        pool.call(run, LONG_LOOP, seconds=0.5)
    killed = time.perf_counter() - start
    after = _timed(lambda: run_isolated(pool, "print(1)"))
    print()
    print(f"stopped at a 0.5 s budget after {killed:.2f} s; the next run took {after:.0f} ms")


if __name__ == "__main__":
    main()
