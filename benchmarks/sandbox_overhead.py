"""Sandbox overhead: the tutorial's training block through `playground.run` vs plain Python.

The same text (`playground.presets.TUTORIAL_TRAINING`, 100 epochs on the 5x3 crop
data) runs three ways, interleaved in one process so machine noise hits both alike:

* sandbox: `playground.run(source)`: parse and vet, interpret with budgets and the
  tracer, then describe the result (snapshots, graph, backward steps), as the lab does;
* plain + recording: the same, but each `loss.backward()` goes through the sandbox's
  step recorder (`backward_steps.recorded_backward`), to isolate that part's cost;
* plain: `exec` of the same trusted text by CPython with `torch`, fresh `inputs` /
  `targets` bound and `torch.manual_seed(0)`; its `print` goes to a buffer, as the
  sandbox's does.

The ratio of medians is reported. Target (issue 6): <= 1.5x. Above 1.5x (or with
`--profile`) it adds where the sandbox's time goes: a split and cProfile's top entries.

    python -m benchmarks.sandbox_overhead [--quick] [--repeats N] [--profile]
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import pstats
import statistics
import time

import torch

from playground import run
from playground.presets import TUTORIAL_TRAINING
from playground.sandbox.tensors.backward_steps import all_nodes, recorded_backward
from playground.sandbox.tensors.tensor_api import STEP_THROUGH_NODES
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


def plain_recorded() -> str:
    """Plain, but every `backward()` records its steps as the sandbox's does: that
    cost alone, without the interpreter and without profiler inflation."""

    def record(loss: torch.Tensor) -> None:
        recorded_backward(loss, all_nodes(loss, STEP_THROUGH_NODES))

    source = TUTORIAL_TRAINING.replace("loss.backward()", "record(loss)")
    scope: dict[str, object] = {"torch": torch, "record": record, **crop_tensors()}
    torch.manual_seed(0)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, "<tutorial>", "exec"), scope)
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
    ("backward_steps.py", "hook"): "backward hooks: copy every node's gradients, every epoch",
    ("trace.py", "record"): "tracer: remember each op's operands and output",
    ("context.py", "count_op"): "budgets: count ops and elements, check the clock",
    ("runner.py", "_describe"): "describe: snapshots, graph model, backward steps",
}


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
    args = parser.parse_args()
    repeats = 5 if args.quick else args.repeats
    # Both print the same final loss: the same program, the same seed, the same data.
    assert plain().splitlines()[-1] == sandboxed().splitlines()[-1], "outputs differ"
    times: dict[object, list[float]] = {plain: [], plain_recorded: [], sandboxed: []}
    for i in range(repeats):
        order = list(times) if i % 2 == 0 else list(reversed(times))
        for fn in order:
            times[fn].append(timed(fn))
    b, r, s = (statistics.median(times[fn]) for fn in (plain, plain_recorded, sandboxed))
    print(f"median of {repeats} interleaved runs each")
    print(HEADER)
    print("|---|---|---|")
    print(f"| plain Python + PyTorch (exec) | {b * 1e3:.2f} | {b * 1e4:.1f} |")
    print(
        f"| plain + the sandbox's per-epoch backward recording (hooks) "
        f"| {r * 1e3:.2f} | {r * 1e4:.1f} |"
    )
    print(f"| `playground.run` (sandbox) | {s * 1e3:.2f} | {s * 1e4:.1f} |")
    print(f"| **ratio sandbox / plain** | **{s / b:.2f}** (target <= 1.50) | |")
    print(f"| ratio plain + recording / plain | {r / b:.2f} | |")
    if args.profile or (not args.quick and s / b > 1.5):
        profile_sandbox()


if __name__ == "__main__":
    main()
