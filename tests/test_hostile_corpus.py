"""Every hostile or broken program in the corpus gets its refusal, and nothing else.

For each case of `hostile_corpus.CORPUS`: the right error kind, line and words;
within the wall budget plus 0.5 s; under 100 MB of memory growth; and no file,
process or network access while the sandbox runs (an audit hook, on only for that
run's thread, inside a fresh empty working directory that must stay empty).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import playground
from playground.presets import PRESETS

sys.path.insert(0, str(Path(__file__).resolve().parent))
import process_memory
from hostile_corpus import ANY_LINE, CORPUS, Case

ROOT = Path(__file__).resolve().parent.parent
MEMORY_LIMIT_MB = 100
SLACK_SECONDS = 0.5
_WATCHED_PREFIXES = ("os.", "subprocess.", "socket.", "shutil.", "ctypes.", "pty.", "urllib.")
_WATCHED_EVENTS = frozenset({"open", "exec", "webbrowser.open"})


class _Audit:
    """Sensitive audit events raised by one thread while it is switched on.

    `sys.addaudithook` hooks cannot be removed, so one hook is installed for the
    module and does nothing unless the current thread has switched recording on.
    """

    def __init__(self) -> None:
        self._local = threading.local()
        self.events: list[tuple[str, str]] = []
        sys.addaudithook(self._hook)

    def _hook(self, event: str, args: tuple) -> None:
        if not getattr(self._local, "on", False):
            return
        if event in _WATCHED_EVENTS or event.startswith(_WATCHED_PREFIXES):
            self.events.append((event, repr(args)[:200]))

    def record(self, fn):
        """Call `fn()` with recording on for this thread; return its result."""
        self.events = []
        self._local.on = True
        try:
            return fn()
        finally:
            self._local.on = False


def measure(audit: _Audit, fn) -> tuple[object, float, float]:
    """Run `fn` audited; return its result, its wall time and its peak RSS growth in MB."""
    return process_memory.measure(lambda: audit.record(fn))


@pytest.fixture(scope="module")
def audit() -> _Audit:
    """The module's one audit hook, after PyTorch's lazy imports have been paid."""
    for preset in PRESETS:
        playground.run(preset.source)
    playground.run(
        "a = torch.ones(100, 1) * torch.ones(1, 100)\nb = a @ a\nc = a.pow(a)\n"
        "d = torch.ones(2000, 1) @ torch.ones(1, 2000)\ne = torch.zeros(0) < 1\n"
        "print(f'{a.sum():.2f}', a.shape, a.dtype, np.array([1.]))\n"
    )
    return _Audit()


REQUIRED_IDS = {
    # The list, item by item.
    "subclasses walk", "x.__class__", "type(x)", "getattr", "str.format attribute trick",
    "globals()", "generator gi_frame", "exception traceback frame", "torch.load", "torch.save",
    "np.load", "np.save", "x.tofile", "torch.hub", "torch.ops", "torch.utils", "torch.classes",
    "torch.library", "importlib name", "__builtins__", "9**9**9", "10**10**10", "'a'*10**9",
    "torch.ones(10**5, 10**5)", "torch.arange(1e12)", "range(10**12)",
    "nested loops 10**4 x 10**4", "recursion through def", "a million-line program",
    "200 nested parentheses", "100 KB of +", "null bytes", "cyrillic а in a name",
    "tabs mixed with spaces", "unterminated string", "only comments", "empty input",
}  # fmt: skip


def test_corpus_is_large_and_ids_are_unique():
    ids = [case.id for case in CORPUS]
    assert len(CORPUS) >= 150
    assert len(set(ids)) == len(ids)
    assert len({case.source for case in CORPUS}) == len(CORPUS), "duplicate programs"
    assert set(ids) >= REQUIRED_IDS, REQUIRED_IDS - set(ids)


@pytest.mark.parametrize("case", CORPUS, ids=[case.id for case in CORPUS])
def test_hostile_program_is_refused_cleanly(case: Case, audit, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    budget = playground.Budgets().wall_seconds
    result, elapsed, growth_mb = measure(audit, lambda: playground.run(case.source))

    assert audit.events == [], "the program reached the file system, a process or the network"
    assert os.listdir(tmp_path) == []
    assert elapsed <= budget + SLACK_SECONDS, f"took {elapsed:.2f} s"
    assert growth_mb < MEMORY_LIMIT_MB, f"memory grew by {growth_mb:.0f} MB"
    if case.kind is None:
        assert result.ok, result.error
        return
    error = result.error
    assert not result.ok and error is not None
    assert error.kind == case.kind, error
    _assert_line(case, error.line)
    for word in case.words:
        assert word in error.message, error
    assert "Traceback" not in error.message and "Internal error" not in error.message
    if case.kind in ("not_allowed", "syntax") and "print" not in case.source:
        assert result.output == "", "a refused program must not have run"


def _assert_line(case: Case, line: int | None) -> None:
    if case.line == ANY_LINE:
        assert line is not None and 1 <= line <= case.source.count("\n") + 1, line
    else:
        assert line == case.line, f"line {line}, expected {case.line}"


# -- the instruments can fail ---------------------------------------------------------


def test_audit_sees_an_open_only_while_recording(audit, tmp_path):
    probe = tmp_path / "probe.txt"
    probe.write_text("x")  # not recording: ignored
    audit.record(probe.read_text)
    assert any(event == "open" for event, _ in audit.events)
    audit.record(lambda: os.listdir(tmp_path))
    assert any(event.startswith("os.") for event, _ in audit.events)


def test_audit_ignores_other_threads(audit, tmp_path):
    probe = tmp_path / "probe.txt"
    probe.write_text("x")

    def other_thread() -> None:
        worker = threading.Thread(target=probe.read_text)
        worker.start()
        worker.join()

    audit.record(other_thread)
    assert not any(event == "open" for event, _ in audit.events)


def test_memory_meter_sees_a_large_allocation(audit):
    def allocate() -> int:
        block = bytearray(200 * 1024 * 1024)
        block[::4096] = b"x" * len(block[::4096])  # touch every page
        return len(block)

    _, _, growth_mb = measure(audit, allocate)
    assert growth_mb > 150


def test_timing_is_measured_around_the_run(audit):
    budgets = playground.Budgets(wall_seconds=0.3, loop_iterations=10**12)  # time runs out
    result, elapsed, _ = measure(audit, lambda: playground.run("while True:\n    pass\n", budgets))
    assert result.error is not None and "0.3 s" in result.error.message
    assert elapsed >= budgets.wall_seconds


# -- the fixes the corpus needed leave ordinary programs alone ---------------------------

ORDINARY = """\
a = [1, 2] == [1, 2]
b = 3 in range(10)
c = 2.0 in [1, 2.0]
d = 'b' in 'abc'
e = [[1, [2]], 3] == [[1, [2]], 3]
s = [1, 2, 3, 4][1:3]
t = 'hello'[::2]
print(a, b, c, d, e, s, t, 1.5 in range(3))
z = torch.zeros(0, 3).sum(0)
m = torch.zeros(3, 0) @ torch.zeros(0, 3)
w = torch.ones(2, 3, requires_grad=True)
loss = (w @ torch.ones(3, 4)).sum() + m.sum()
loss.backward()
"""


def test_ordinary_comparisons_slices_and_empty_tensors_still_work(ref):
    result = playground.run(ORDINARY)
    assert result.ok, result.error
    namespace, printed = ref.run(ORDINARY)
    assert result.output == printed
    ref.same_tensors(result, namespace)


def test_a_syntax_error_never_reads_the_file_named_like_the_source(audit, tmp_path, monkeypatch):
    # CPython re-reads a syntax error's line from a file named after the parse's
    # filename; one planted in the working directory must not be read.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "<unknown>").write_text("SECRET\nSECRET\n")
    result = audit.record(lambda: playground.run("x = 1\n    y = 2\n"))
    assert result.error is not None and result.error.kind == "syntax"
    assert audit.events == []
    assert "SECRET" not in repr(result.error)


FRESH_PROCESS = """\
import sys
import playground
playground.run("x = torch.tensor([1., 2.]) * 2\\n")  # an ordinary first run
events = []
sys.addaudithook(lambda event, args: event == "open" and events.append(args[0]))
result = playground.run(sys.stdin.read())
print(result.error.kind if result.error else "ok", len(events), events[:3])
"""


@pytest.mark.parametrize(
    "source",
    [
        "x = torch.ones(10**5, 1) * torch.ones(1, 10**5)\n",
        "a = torch.ones(1000, 1000)\nb = a.pow(torch.ones(1000, 1, 1))\n",
        "a = torch.ones(10**6, 1)\nc = a @ a.t()\n",
    ],
    ids=["broadcast", "pow", "matmul"],
)
def test_size_checks_import_nothing_in_a_fresh_process(source, tmp_path):
    """The first big operation of a server's life reads no file (no lazy imports)."""
    done = subprocess.run(
        [sys.executable, "-c", FRESH_PROCESS],
        input=source,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split(" ", 2)[:2] == ["budget", "0"], done.stdout
