"""Long fuzzing run: generated and mutated programs, each checked against plain PyTorch.

    python tests/fuzz_long.py --cases 100000 --seed 1     # writes docs/fuzz.md
    python tests/fuzz_long.py --quick --out /tmp/fuzz.md   # a smoke run (the test uses it)

It lives beside what it uses (as a script, its own folder is first on `sys.path`) and
imports `playground` as installed (`pip install -e .`, which requirements-dev.txt does);
pytest does not collect it (its name does not start with `test_`).

Half the cases are valid programs from tests/program_grammar.py, half are mutants
of one. Decisions come from a `random.Random` seeded by (seed, case number), not
from Hypothesis, because Hypothesis's engine costs more per program than the
sandbox does; any case is reproduced by its number. Failures are grouped by what
went wrong and each group's first program is minimised by deleting lines and
characters while the same problem remains. Judging is tests/differential.py's,
the same rules as tests/test_fuzz.py.
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import platform
import random
import re
import shlex
import sys
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import torch
from differential import Verdict, check_mutated, check_valid
from program_grammar import RandomChoices, mutate, write_valid

ROOT = Path(__file__).resolve().parents[1]

QUICK_CASES = 200
MINIMISE_CHECKS = 300  # re-runs allowed per failure while shrinking it
MINIMISE_SECONDS = 60.0  # and time: a too-slow failure costs seconds per re-run

# Bugs earlier runs found, fixed in the core, each with a regression test.
FOUND_BEFORE = (
    "- A null byte anywhere in the program gave a syntax error with no line (CPython 3.11's "
    "parser gives none). Fixed in `playground/sandbox/source_check.py`, which now finds the byte "
    "itself; regression test `test_a_null_byte_is_a_syntax_error_pointing_at_it` in "
    "`tests/test_fuzz.py`. Found by `tests/test_fuzz.py` on its first run.",
    "- `run()` raised (instead of returning a result) for a program that keeps a view made "
    "under `torch.no_grad()` of a leaf that is later updated in place, as the tutorial's "
    "training loop does: PyTorch raises a RuntimeError when asked such a view's `is_leaf`, "
    "and describing the run asked. The program itself runs in plain PyTorch. Fixed in "
    "`playground/graph/tensor_info.py` (`is_leaf`); regression test "
    "`test_a_no_grad_view_of_a_leaf_updated_in_place_is_described`. Found by a 2,000-case "
    "run of this script (case #780, valid).",
    "- The sandbox ran programs Python refuses to compile: `return` outside a function, "
    "`break`/`continue` outside a loop (only caught if that line ran, so never in a branch "
    "not taken) and `def f(a, a)`. Now refused before the program starts by "
    "`playground/sandbox/placement.py`, at the line; tests in `tests/test_placement.py` (Python's "
    "`compile` is the reference) and `test_a_return_in_a_branch_not_taken_is_refused`. "
    "Found early in the long run (case #1919, a mutant with a line moved under `else:`, "
    "counted as `sandbox_only`); `tests/differential.py` now counts a program the sandbox "
    "runs but Python cannot compile as a failure.",
    "- `x.T` built a `TBackward0` node for tensors of up to 2 dimensions, where PyTorch "
    "builds `PermuteBackward0`, so the graph named a node PyTorch never made and "
    "`print(x.T)` differed from plain PyTorch. Fixed in "
    "`playground/sandbox/tensors/tensor_api.py`; regression test "
    "`test_dot_t_builds_the_node_pytorch_builds`. Found by the 82,215-case run "
    "(case #23194, valid).",
    "- Fixed by other work: a program stopped by the 3 s budget while building an ever "
    "longer autograd chain (a `while` loop whose counter a mutation broke) was answered "
    "0.5-2 s late: "
    "describing it still walked up to 50,000 hidden graph nodes "
    "(`graph.HIDDEN_COUNT_LIMIT`) after the budget ran out (1.2 s of 4.3 s in one profiled "
    "case). Found by the 82,215-case run (16 mutants, case #1187 first). Commit "
    "f7e1b31 (another piece of work) now counts at most 600 hidden nodes for a refused "
    "run; the minimised program is answered in 3.06 s.",
)


@dataclass
class Tally:
    """Everything the report shows, accumulated case by case."""

    cases: int = 0
    outcomes: Counter = field(default_factory=Counter)  # (kind of case, outcome)
    error_kinds: Counter = field(default_factory=Counter)
    failures: dict[str, tuple[int, str, str]] = field(default_factory=dict)
    failure_count: int = 0
    slowest: tuple[float, int, str, str] = (0.0, -1, "", "")
    seconds: list[float] = field(default_factory=list)

    def add(self, index: int, kind: str, source: str, verdict: Verdict) -> None:
        self.cases += 1
        self.outcomes[(kind, verdict.outcome)] += 1
        if verdict.error_kind:
            self.error_kinds[verdict.error_kind] += 1
        self.seconds.append(verdict.seconds)
        if verdict.seconds > self.slowest[0]:
            self.slowest = (verdict.seconds, index, kind, source)
        if verdict.problem is not None:
            self.failure_count += 1
            self.failures.setdefault(signature(verdict), (index, kind, source))


def signature(verdict: Verdict) -> str:
    """What a failure is, without the numbers that vary from program to program."""
    first = "".join((verdict.problem or "").splitlines()[:1])
    return verdict.outcome + ": " + re.sub(r"\d+(\.\d+)?", "N", first)[:120]


def case(seed: int, index: int) -> tuple[str, str]:
    """The program of case `index`: even cases valid, odd ones mutated."""
    pick = RandomChoices(random.Random(seed * 1_000_003 + index))
    source = write_valid(pick)
    return ("valid", source) if index % 2 == 0 else ("mutated", mutate(pick, source))


def judge(kind: str, source: str) -> Verdict:
    return check_valid(source) if kind == "valid" else check_mutated(source)


def minimise(kind: str, source: str, wanted: str) -> str:
    """Delete lines, then shrinking runs of characters, while the failure stays the same."""
    checks = 0
    stop = time.perf_counter() + MINIMISE_SECONDS

    def still_fails(candidate: str) -> bool:
        nonlocal checks
        checks += 1 if time.perf_counter() < stop else MINIMISE_CHECKS
        return signature(judge(kind, candidate)) == wanted

    for unit in ("line", "char"):
        parts = source.splitlines(keepends=True) if unit == "line" else list(source)
        size = max(len(parts) // 2, 1)
        while size >= 1 and checks < MINIMISE_CHECKS:
            start = 0
            while start < len(parts) and checks < MINIMISE_CHECKS:
                candidate = parts[:start] + parts[start + size :]
                if candidate and still_fails("".join(candidate)):
                    parts = candidate
                else:
                    start += size
            size //= 2
        source = "".join(parts)
    return source


def run_cases(cases: int, seed: int, max_minutes: float) -> tuple[Tally, float]:
    """Run cases 0..cases-1, or as many as fit in `max_minutes` (the report says which)."""
    tally = Tally()
    started = time.perf_counter()
    for index in range(cases):
        if time.perf_counter() - started > max_minutes * 60:
            break
        kind, source = case(seed, index)
        tally.add(index, kind, source, judge(kind, source))
        if (index + 1) % 1000 == 0:
            rate = (index + 1) / (time.perf_counter() - started)
            print(f"{index + 1:,} cases, {tally.failure_count} failures, {rate:.0f}/s", flush=True)
    return tally, time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(q * len(ordered)), len(ordered) - 1)] if ordered else 0.0


def fence(text: str, limit: int = 2500) -> str:
    """A program as a Markdown code block, cut if long; control characters made visible.

    Fenced as `text`, not `python`: the cases are kept byte for byte as the fuzzer
    wrote them, and `ruff format` would otherwise rewrite Python blocks in Markdown.
    """
    shown = text if len(text) <= limit else text[:limit] + "\n# ... (cut)\n"
    shown = shown.replace("\x00", "\\x00")
    return "```text\n" + shown.rstrip("\n") + "\n```\n"


def report(
    tally: Tally, wall: float, minimised: dict[str, str], command: str, requested: int
) -> str:
    seconds, index, kind, source = tally.slowest
    lines = [
        "# Fuzzing the sandbox",
        "",
        "Grammar-aware fuzzing with differential testing: programs written by "
        "`tests/program_grammar.py` (valid ones, and mutants of them), each run by "
        "`playground.run` and by plain PyTorch and judged by `tests/differential.py`.",
        "A valid program must give plain PyTorch's values, gradients and printed output, "
        "or fail in both; a mutant must get a clear error (documented kind, a message, a "
        "line for syntax and allow-list refusals) or, when accepted and plain PyTorch runs "
        "it too, the same results. Every run must finish within its 3 s budget + 0.5 s.",
        "",
        f"Command: `{command}`  ",
        f"Date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC  ",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores (shared), "
        f"Python {platform.python_version()}, torch {torch.__version__}",
        "",
        "## Figures",
        "",
        "| figure | value |",
        "|---|---|",
        f"| cases run | {tally.cases:,} of {requested:,} asked for |",
        f"| valid programs / mutants | {_of(tally, 'valid'):,} / {_of(tally, 'mutated'):,} |",
        f"| failures (bugs) | {tally.failure_count:,} in {len(tally.failures)} kinds |",
        f"| wall time | {wall:,.0f} s ({tally.cases / max(wall, 1e-9):,.0f} cases/s) |",
        f"| run time per case, median / p99 | {percentile(tally.seconds, 0.5) * 1e3:.1f} ms / "
        f"{percentile(tally.seconds, 0.99) * 1e3:.1f} ms |",
        f"| slowest case | #{index} ({kind}), {seconds:.2f} s |",
        "",
        "| case | outcome | count |",
        "|---|---|---|",
        *(f"| {k} | {o} | {n:,} |" for (k, o), n in sorted(tally.outcomes.items())),
        "",
        "Outcomes: `ok` ran and matched plain PyTorch; `both_failed` a valid program "
        "PyTorch itself rejects, refused by the sandbox too; `refused` a clear error; "
        "`sandbox_only` a mutant the sandbox ran but plain Python could not (nothing to "
        "compare).",
        "",
        "| error kind (mutants and failing valid programs) | count |",
        "|---|---|",
        *(f"| {k} | {n:,} |" for k, n in tally.error_kinds.most_common()),
        "",
        "## Failures in this run",
        "",
    ]
    if not tally.failures:
        lines += ["None.", ""]
    for sig, (number, case_kind, _) in tally.failures.items():
        lines += [f"- `{sig}` (first: case #{number}, {case_kind}); minimised:", ""]
        lines += [fence(minimised[sig])]
    lines += ["## Slowest case", "", fence(source), "## Bugs found by fuzzing", "", *FOUND_BEFORE]
    return "\n".join(lines) + "\n"


def _of(tally: Tally, kind: str) -> int:
    return sum(n for (k, _), n in tally.outcomes.items() if k == kind)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_CASES} cases only")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "fuzz.md")
    parser.add_argument(
        "--max-minutes", type=float, default=math.inf, help="stop early; the report says so"
    )
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")  # plain PyTorch's UserWarnings on odd programs
    cases = QUICK_CASES if args.quick else args.cases
    tally, wall = run_cases(cases, args.seed, args.max_minutes)
    minimised = {
        sig: minimise(kind, source, sig) for sig, (_, kind, source) in tally.failures.items()
    }
    command = "python tests/fuzz_long.py " + " ".join(map(shlex.quote, argv or sys.argv[1:]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report(tally, wall, minimised, command.strip(), cases))
    print(f"{tally.cases:,} cases, {tally.failure_count} failures; wrote {args.out}")
    return 1 if tally.failure_count else 0


if __name__ == "__main__":
    raise SystemExit(main())
