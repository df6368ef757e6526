"""What recording a loop for the lab's chart costs: the same runs with and without it.

`benchmarks.sandbox_overhead` compares the sandbox with plain Python across processes,
where a shared machine's noise is larger than this part; here the recorder is switched
off and on in one process (its per-iteration calls made no-ops), runs interleaved, so
noise hits both alike. Programs: the tutorial's training block (100 iterations, every
one read) and a 100,000-iteration loop of floats (read ~4,300 times, see
`sandbox/loop_record.py`).

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
REAL = (loop_record.LoopRun.begin, loop_record.LoopRun.end, loop_record.LoopRun.finish)
OFF = (lambda self: None, lambda self: None, lambda self, failed: None)


def timed(source: str, recording: bool, **options) -> float:
    loop_record.LoopRun.begin, loop_record.LoopRun.end, loop_record.LoopRun.finish = (
        REAL if recording else OFF
    )
    start = time.perf_counter()
    result = run(source, **options)
    seconds = time.perf_counter() - start
    assert result.ok and (result.loops is not None) == recording, result.error
    return seconds


def compare(name: str, source: str, repeats: int, **options) -> None:
    times: dict[bool, list[float]] = {True: [], False: []}
    for i in range(repeats):
        for recording in (True, False) if i % 2 else (False, True):
            times[recording].append(timed(source, recording, **options))
    on, off = (statistics.median(times[r]) for r in (True, False))
    print(f"| {name} | {off * 1e3:.2f} | {on * 1e3:.2f} | {(on / off - 1) * 100:+.1f} % |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=60)
    args = parser.parse_args()
    print(f"median of {args.repeats} interleaved runs each")
    print("| program | ms without recording | ms with | cost |")
    print("|---|---|---|---|")
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
