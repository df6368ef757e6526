"""What recording a loop for the lab's chart costs: the same runs with and without it.

`benchmarks.sandbox_overhead` compares the sandbox with plain Python across processes,
where a shared machine's noise is larger than this part. Here, two measures:

* the time spent inside the recorder's calls (`LoopRun.begin`, `end`, `finish`, timed
  with `perf_counter` around each call), as a share of the run: robust to noise;
* the recorder switched off and on in one process (its calls made no-ops), runs
  interleaved so noise hits both alike; a busy machine still moves this by several %.

Programs: the tutorial's training block (100 iterations, every one read) and a
100,000-iteration loop of floats (read ~4,300 times, see `sandbox/loop_record.py`).

    python -m benchmarks.loop_record_overhead [--repeats N]
"""

from __future__ import annotations

import argparse
import statistics
import time

from playground import run
from playground.presets import TUTORIAL_TRAINING
from playground.sandbox import loop_record
from playground.sandbox.core.budgets import LOCAL_BUDGETS

LONG_LOOP = "x = 0.0\nfor i in range(100000):\n    x = x * 0.999 + 1\n"
SPENT = [0.0]  # seconds inside the recorder's calls, this run


def _timed_call(method):
    def call(*args, **kwargs):
        start = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            SPENT[0] += time.perf_counter() - start

    return call


REAL = (loop_record.LoopRun.begin, loop_record.LoopRun.end, loop_record.LoopRun.finish)
TIMED = tuple(_timed_call(m) for m in REAL)  # in separate runs: the timing costs too
OFF = (lambda self: None, lambda self: None, lambda self, failed: None)


def timed(source: str, recording: bool, inside: bool = False, **options) -> tuple[float, float]:
    """(seconds of the run, seconds of it inside the recorder when `inside`)."""
    methods = (TIMED if inside else REAL) if recording else OFF
    loop_record.LoopRun.begin, loop_record.LoopRun.end, loop_record.LoopRun.finish = methods
    SPENT[0] = 0.0
    start = time.perf_counter()
    result = run(source, **options)
    seconds = time.perf_counter() - start
    assert result.ok and (result.loops is not None) == recording, result.error
    return seconds, SPENT[0]


def compare(name: str, source: str, repeats: int, **options) -> None:
    times: dict[bool, list[float]] = {True: [], False: []}
    inside: list[float] = []
    for i in range(repeats):
        for recording in (True, False) if i % 2 else (False, True):
            times[recording].append(timed(source, recording, **options)[0])
        seconds, spent = timed(source, True, inside=True, **options)
        inside.append(spent / seconds)
    on, off = (statistics.median(times[r]) for r in (True, False))
    share = statistics.median(inside)
    print(
        f"| {name} | {share * 100:.1f} % | {off * 1e3:.2f} | {on * 1e3:.2f} "
        f"| {(on / off - 1) * 100:+.1f} % |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=60)
    args = parser.parse_args()
    print(f"median of {args.repeats} interleaved runs each")
    print("| program | time inside the recorder | ms without | ms with | with / without |")
    print("|---|---|---|---|---|")
    compare("tutorial training block (100 iterations)", TUTORIAL_TRAINING, args.repeats)
    compare(
        "100,000 iterations of floats (local budgets)",
        LONG_LOOP,
        max(3, args.repeats // 10),
        budgets=LOCAL_BUDGETS,
    )
    loop_record.LoopRun.begin, loop_record.LoopRun.end, loop_record.LoopRun.finish = REAL


if __name__ == "__main__":
    main()
