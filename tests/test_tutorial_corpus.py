"""The tutorial corpus: programs in the idioms of public PyTorch teaching material.

Each file of `tests/tutorial_corpus/` is a whole program of ours (not copied from a
tutorial) whose first line says which group it belongs to (`# group: nn`). The
reference is plain Python + PyTorch running the same file: all programs run once per
test session in ONE subprocess (a fresh namespace each, `torch.manual_seed(0)` and
`random.seed(0)` first, so that the sandbox's default seed 0 matches), each twice to
prove the program itself is deterministic. Then every program runs through
`playground.run` and must succeed and print exactly the same text.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

import playground

CORPUS = Path(__file__).parent / "tutorial_corpus"
PROGRAMS = sorted(CORPUS.glob("[0-9][0-9]_*.py"))
GROUPS = (
    "tensors",
    "autograd",
    "nn",
    "optim",
    "custom_module",
    "custom_function",
    "training",
    "python",
)
MIN_PROGRAMS = 60
MIN_PER_GROUP = 4
# Plain Python must run each program well under the sandbox's 3 s budget, which is
# 3-5x slower than plain Python. CPU time, not wall time: the machine may be busy.
PLAIN_CPU_SECONDS = 0.5
GROUP_LINE = re.compile(r"^# group: (\w+)$")

# Runs in the subprocess: exec each file twice in a fresh namespace, stdout captured.
RUNNER = r"""
import contextlib, io, json, random, sys, time, traceback
import torch

def run_once(path):
    source = open(path, encoding="utf-8").read()
    torch.manual_seed(0)
    random.seed(0)
    out = io.StringIO()
    error = None
    start = time.process_time()
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(source, path, "exec"), {"__name__": "__main__"})
    except BaseException:
        error = traceback.format_exc(limit=3)
    return {"output": out.getvalue(), "error": error,
            "cpu_seconds": time.process_time() - start}

torch.set_num_threads(1)  # as in the playground's workers (isolation/limits.py)
results = {}
for path in sys.argv[1:]:
    results[path] = [run_once(path), run_once(path)]
sys.stdout.write(json.dumps(results))
"""


def _run_plain(paths: list[Path]) -> dict[str, list[dict]]:
    """Every program run twice by real Python + PyTorch, in one child process."""
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return json.loads(done.stdout)


@pytest.fixture(scope="session")
def plain_runs() -> dict[str, list[dict]]:
    """The plain-Python reference for the whole corpus, computed once per session."""
    return _run_plain(PROGRAMS)


@pytest.fixture
def one_thread() -> Iterator[None]:
    """Run the sandbox on one thread, as its workers do and as the plain run did.

    Tiny tensors gain nothing from a second thread, and on a busy machine the threads
    wait for each other (a 60x16 matmul then takes milliseconds); one thread on both
    sides also keeps the arithmetic the same.
    """
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _group(path: Path) -> str | None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = GROUP_LINE.match(first)
    return match.group(1) if match else None


def test_corpus_is_large_enough_and_covers_every_group() -> None:
    assert len(PROGRAMS) >= MIN_PROGRAMS
    groups = [_group(p) for p in PROGRAMS]
    assert None not in groups, "every program starts with `# group: <name>`"
    assert set(groups) <= set(GROUPS), set(groups) - set(GROUPS)
    for group in GROUPS:
        assert groups.count(group) >= MIN_PER_GROUP, group


def test_file_names_are_numbered_and_unique() -> None:
    numbers = [p.name[:2] for p in PROGRAMS]
    assert len(numbers) == len(set(numbers))
    assert all(re.fullmatch(r"\d\d_[a-z0-9_]+\.py", p.name) for p in PROGRAMS)


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: p.name)
def test_plain_python_runs_it_deterministically_and_fast(
    path: Path, plain_runs: dict[str, list[dict]]
) -> None:
    first, second = plain_runs[str(path)]
    assert first["error"] is None, first["error"]
    assert first["output"], "a corpus program prints its results"
    assert first["output"] == second["output"], "the program is not deterministic"
    assert min(first["cpu_seconds"], second["cpu_seconds"]) < PLAIN_CPU_SECONDS


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: p.name)
def test_sandbox_prints_what_plain_python_prints(
    path: Path, plain_runs: dict[str, list[dict]], one_thread: None
) -> None:
    expected = plain_runs[str(path)][0]
    assert expected["error"] is None, expected["error"]
    result = playground.run(path.read_text(encoding="utf-8"))
    assert result.ok, result.error
    assert result.output == expected["output"]


def test_survey_names_only_programs_that_exist() -> None:
    """docs/pytorch-survey.md's "corpus programs" column points at real files."""
    survey = Path(__file__).parents[1] / "docs" / "pytorch-survey.md"
    numbers = {p.name[:2] for p in PROGRAMS}
    named: set[str] = set()
    for line in survey.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) == 6 and re.fullmatch(r"\d\d(, \d\d)*", cells[3]):
            named.update(cells[3].split(", "))
    assert named, "the survey table lists corpus programs"
    assert named <= numbers, named - numbers
