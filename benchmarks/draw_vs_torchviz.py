"""Graph extraction + DOT: `playground.graph.draw.draw` vs torchviz's `make_dot`.

Every graph is built once by plain PyTorch (no sandbox), then both tools turn the
same autograd graph into DOT text (`.source`), interleaved sample by sample (the
order alternates) so machine noise hits both alike. Each sample times enough calls
to last a few milliseconds; the garbage collector is off inside a sample, as in
`timeit`. The table gives the median per call and the ratio of medians.
Target (issue 6): ours <= 1.0x torchviz wherever torchviz works, although ours
carries names, values and gradients; the 10,000-op chain in <= 1 s.

torchviz walks `next_functions` recursively, so deep graphs raise RecursionError
there (at Python's default recursion limit); the table says so.

    python -m benchmarks.draw_vs_torchviz [--quick] [--repeats N] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torchviz  # dev dependency, see requirements-dev.txt

from playground.graph.draw import draw
from playground.graph.model import build_graph
from playground.training import datasets

HEADER = (
    "| graph | autograd nodes | ours (ms) | of which build_graph (ms) | torchviz (ms) "
    "| ours / torchviz | DOT statements ours / torchviz |"
)
SAMPLE_SECONDS = 0.005  # each sample repeats the call until it lasts about this long


@dataclass
class Case:
    name: str
    output: torch.Tensor
    params: dict[str, torch.Tensor]


def tutorial_first() -> Case:
    x = torch.tensor(3.0)
    w = torch.tensor(4.0, requires_grad=True)
    b = torch.tensor(5.0, requires_grad=True)
    y = w * x + b
    y.backward()
    return Case("tutorial y = w*x + b", y, {"x": x, "w": w, "b": b})


def tutorial_mse() -> Case:
    data = datasets.crop_tensors()
    torch.manual_seed(0)
    w = torch.randn(2, 3, requires_grad=True)
    b = torch.randn(2, requires_grad=True)
    preds = data["inputs"] @ w.t() + b
    diff = preds - data["targets"]
    loss = torch.sum(diff * diff) / diff.numel()
    loss.backward()
    return Case("tutorial MSE loss (5x3 crops)", loss, {"w": w, "b": b})


def mlp(depth: int, width: int = 8) -> Case:
    torch.manual_seed(0)
    layers: list[torch.nn.Module] = []
    for _ in range(depth):
        layers += [torch.nn.Linear(width, width), torch.nn.Tanh()]
    model = torch.nn.Sequential(*layers)
    out = model(torch.randn(4, width)).sum()
    out.backward()
    return Case(f"tanh MLP {width} wide x {depth} deep", out, dict(model.named_parameters()))


def chain(ops: int) -> Case:
    x = torch.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(ops):
        y = y * 1.0001
    y.backward()
    return Case(f"chain of {ops:,} ops", y, {"x": x})


def count_nodes(output: torch.Tensor) -> int:
    """Autograd nodes reachable from the output (AccumulateGrad included)."""
    seen, stack = {output.grad_fn}, [output.grad_fn]
    while stack:
        for child, _ in stack.pop().next_functions:
            if child is not None and child not in seen:
                seen.add(child)
                stack.append(child)
    return len(seen)


def dot_statements(source: str) -> int:
    """Node, edge and attribute statements in DOT made by the graphviz package (tab-led)."""
    return sum(line.startswith("\t") for line in source.splitlines())


def ours(case: Case) -> str:
    return draw(case.output, params=case.params).source


def walk_only(case: Case) -> object:
    """The graph model alone, as `draw` builds it, without the DOT text."""
    return build_graph(case.output, {id(t): name for name, t in case.params.items()})


def theirs(case: Case) -> str:
    return torchviz.make_dot(case.output, params=case.params).source


def sample(fn: Callable[[Case], str], case: Case, calls: int) -> float:
    """Seconds per call over `calls` back-to-back calls, GC off (as timeit does)."""
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(calls):
            fn(case)
        return (time.perf_counter() - start) / calls
    finally:
        gc.enable()


def compare(case: Case, repeats: int) -> tuple[float, float, float | None]:
    """Median seconds per call: ours, our graph walk alone, torchviz (None: RecursionError)."""
    ours(case)  # warm up; also fixes how many calls make one sample
    once = sample(ours, case, 1)
    try:
        theirs(case)
        works = True
    except RecursionError:
        works = False
    calls = max(1, round(SAMPLE_SECONDS / max(once, 1e-7)))
    mine, walk, other = [], [], []
    for i in range(repeats):
        order = (0, 1, 2) if i % 2 == 0 else (2, 1, 0)
        for which in order:
            if which == 0:
                mine.append(sample(ours, case, calls))
            elif which == 1:
                walk.append(sample(walk_only, case, calls))
            elif works:
                other.append(sample(theirs, case, calls))
    median = statistics.median
    return median(mine), median(walk), median(other) if works else None


def profile_ours(case: Case, calls: int) -> None:
    """Where `draw(...).source` spends its time on `case` (cProfile, cumulative)."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        ours(case)
    profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs().stats
    cumulative: dict[tuple[str, str], float] = {}
    for (file, _, name), (_, _, _, ct, _) in stats.items():
        cumulative[(file, name)] = cumulative.get((file, name), 0.0) + ct
    total = cumulative[("draw.py", "draw")]
    walk = cumulative[("model.py", "build_graph")]
    labels = cumulative.get(("render_dot.py", "node_label"), 0.0)
    quoting = cumulative.get(("dot_text.py", "quote"), 0.0)
    rest = total - walk - labels - quoting
    print(
        f"| {case.name} | {walk / total:.0%} | {labels / total:.0%} | {quoting / total:.0%} "
        f"| {rest / total:.0%} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="few repeats, small graphs (CI)")
    parser.add_argument("--repeats", type=int, default=31)
    parser.add_argument("--profile", action="store_true", help="where our time goes")
    args = parser.parse_args()
    repeats = 3 if args.quick else args.repeats
    builders: list[Callable[[], Case]] = [tutorial_first, tutorial_mse, lambda: mlp(3)]
    if args.quick:
        builders += [lambda: chain(10), lambda: chain(1_000)]
    else:
        builders += [lambda: mlp(30)] + [
            lambda n=n: chain(n) for n in (10, 100, 300, 1_000, 10_000)
        ]
    print(f"median of {repeats} interleaved samples; recursion limit {sys.getrecursionlimit()}")
    print(HEADER)
    print("|---|---|---|---|---|---|---|")
    for build in builders:
        case = build()
        mine, walk, other = compare(case, repeats)
        if other is None:
            theirs_text, ratio = "RecursionError", "— (torchviz fails)"
        else:
            theirs_text, ratio = f"{other * 1e3:.3f}", f"**{mine / other:.2f}**"
        nodes = count_nodes(case.output)
        statements = dot_statements(ours(case))
        try:
            lines_text = f"{statements:,} / {dot_statements(theirs(case)):,}"
        except RecursionError:
            lines_text = f"{statements:,} / —"
        print(
            f"| {case.name} | {nodes:,} | {mine * 1e3:.3f} | {walk * 1e3:.3f} "
            f"| {theirs_text} | {ratio} | {lines_text} |"
        )
        sys.stdout.flush()
    if args.profile:
        print("\nwhere draw(...).source spends its time (cProfile, cumulative)")
        print(
            "| graph | graph walk (build_graph) | labels (node_label) "
            "| quoting (dot_text.quote) | rest of render_dot, .source |"
        )
        print("|---|---|---|---|---|")
        for case, calls in ((tutorial_first(), 200), (mlp(3), 100), (chain(1_000), 5)):
            profile_ours(case, calls)


if __name__ == "__main__":
    main()
