"""Sandbox overhead: the tutorial's training block through `playground.run` vs plain Python.

The same text (`playground.presets.TUTORIAL_TRAINING`, 100 epochs on the 5x3 crop
data) runs two ways, interleaved in one process so machine noise hits both alike:

* sandbox: `playground.run(source)`: parse and vet, compile the tree to closures,
  interpret with budgets, the tracer and the loop record, then describe the result
  (snapshots, graph, backward steps), as the lab does;
* plain: `exec` of the same trusted text by CPython with `torch`, fresh `inputs` /
  `targets` bound and `torch.manual_seed(0)`; its `print` goes to a buffer, as the
  sandbox's does.

The ratio of medians is reported. Target (issue 14): <= 1.5x. `--split` adds where
the difference goes without a profiler's inflation: the sandbox run again with one
part of its bookkeeping made a no-op at a time (measurement only: the checks are
never off in the product), interleaved with the full run; what is left is the
interpreter itself (the compiled closures and the Python semantics they keep).
`--profile` adds cProfile's view.

    python -m benchmarks.sandbox_overhead [--quick] [--repeats N] [--split] [--profile]
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import pstats
import statistics
import time
from collections.abc import Iterator

import torch

from playground import run
from playground.presets import TUTORIAL_TRAINING
from playground.sandbox.core.context import RunContext
from playground.sandbox.core.trace import Tracer
from playground.sandbox.loop_record import LoopRun
from playground.training.datasets import crop_tensors

HEADER = "| run | ms per 100-epoch block | µs / epoch |"


def plain() -> str:
    """The preset as an ordinary Python program (trusted text: our own preset)."""
    scope: dict[str, object] = {"torch": torch, **crop_tensors()}
    torch.manual_seed(0)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(TUTORIAL_TRAINING, "<tutorial>", "exec"), scope)
    return out.getvalue()


def sandboxed() -> str:
    result = run(TUTORIAL_TRAINING)
    if not result.ok:
        raise SystemExit(f"the sandbox refused the preset: {result.error}")
    return result.output


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


# Non-overlapping parts of a sandbox run: (file, function) -> what it is.
SPLIT = {
    ("source_check.py", "parse_program"): "parse and vet the source",
    ("trace.py", "record"): "tracer: remember each op's operands and output",
    ("context.py", "count_op"): "budgets: count ops and elements, check the clock",
    ("loop_record.py", "end"): "loop record: read the loop's numbers per iteration",
    ("runner.py", "_describe"): "describe: snapshots, graph model, backward steps",
}

# The parts `--split` turns off one at a time: what -> [(owner, attribute)].
ABLATIONS = {
    "tracer (`Tracer.record`)": [(Tracer, "record")],
    "op and element counting (`count_op`, `count_elements`)": [
        (RunContext, "count_op"),
        (RunContext, "count_elements"),
    ],
    "clock and stop checks (`tick`)": [(RunContext, "tick")],
    "loop record (`LoopRun.begin`/`end`)": [(LoopRun, "begin"), (LoopRun, "end")],
}


@contextlib.contextmanager
def without(parts: list[tuple[type, str]]) -> Iterator[None]:
    """The sandbox with these methods doing nothing, for one measurement."""
    saved = [(owner, name, owner.__dict__[name]) for owner, name in parts]
    for owner, name in parts:
        setattr(owner, name, lambda *args, **kwargs: None)
    try:
        yield
    finally:
        for owner, name, method in saved:
            setattr(owner, name, method)


def split(repeats: int, plain_s: float) -> None:
    """Per-epoch cost of each part, as (full run) - (run without it), medians."""
    times: dict[str, list[float]] = {"full": [], **{k: [] for k in ABLATIONS}}
    for _ in range(repeats):
        times["full"].append(timed(sandboxed))
        for what, parts in ABLATIONS.items():
            with without(parts):
                times[what].append(timed(sandboxed))
    full = statistics.median(times["full"])
    print(f"\nwhere the difference goes (median of {repeats} interleaved runs each)")
    print("| part | µs / epoch | share of (sandbox - plain) |")
    print("|---|---|---|")
    gap = full - plain_s
    rest = gap
    for what in ABLATIONS:
        cost = full - statistics.median(times[what])
        rest -= cost
        print(f"| {what} | {cost * 1e4:.1f} | {cost / gap:.0%} |")
    print(
        f"| the rest: the interpreter and everything else | {rest * 1e4:.1f} | {rest / gap:.0%} |"
    )


def profile_sandbox(runs: int = 20, top: int = 12) -> None:
    """Where a sandbox run's time goes: a split table, then cProfile's top entries."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        sandboxed()
    profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text).strip_dirs()
    cumulative = {(f, name): ct for (f, _, name), (_, _, _, ct, _) in stats.stats.items()}
    total = cumulative[("runner.py", "run")]
    print(f"\ncost split of the sandbox run (cProfile, {runs} runs; profiling inflates Python)")
    print("| part | share of `run` |")
    print("|---|---|")
    rest = total
    for key, what in SPLIT.items():
        part = cumulative.get(key, 0.0)
        rest -= part
        print(f"| {what} | {part / total:.0%} |")
    print(f"| the rest: interpreter dispatch and the torch ops themselves | {rest / total:.0%} |")
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    print("\n".join(line for line in text.getvalue().splitlines() if line.strip()))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="a few repeats only (CI)")
    parser.add_argument("--repeats", type=int, default=100)
    parser.add_argument("--profile", action="store_true", help="cProfile the sandbox run")
    parser.add_argument("--split", action="store_true", help="measure each part's cost")
    args = parser.parse_args()
    repeats = 5 if args.quick else args.repeats
    # Both print the same final loss: the same program, the same seed, the same data.
    assert plain().splitlines()[-1] == sandboxed().splitlines()[-1], "outputs differ"
    times: dict[object, list[float]] = {plain: [], sandboxed: []}
    for i in range(repeats):
        order = list(times) if i % 2 == 0 else list(reversed(times))
        for fn in order:
            times[fn].append(timed(fn))
    b, s = (statistics.median(times[fn]) for fn in (plain, sandboxed))
    print(f"median of {repeats} interleaved runs each")
    print(HEADER)
    print("|---|---|---|")
    print(f"| plain Python + PyTorch (exec) | {b * 1e3:.2f} | {b * 1e4:.1f} |")
    print(f"| `playground.run` (sandbox) | {s * 1e3:.2f} | {s * 1e4:.1f} |")
    print(f"| **ratio sandbox / plain** | **{s / b:.2f}** (target <= 1.50) | |")
    if args.split or args.quick:
        split(repeats, b)
    if args.profile:
        profile_sandbox()


if __name__ == "__main__":
    main()
