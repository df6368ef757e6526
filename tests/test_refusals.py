"""What the sandbox refuses, the mistakes it explains, and what it never touches.

Each refusal names the construct and the line; each learner mistake carries
PyTorch's own words; nothing a program does reaches the file system.
"""

from __future__ import annotations

import os
import sys
import threading

import pytest
import torch

import playground
from playground.presets import PRESETS, TUTORIAL_TRAINING

PRELUDE = "x = torch.tensor(3., requires_grad=True)\n"  # so most refusals sit on line 2

# id -> (source, kind, line, words the message must contain)
REFUSALS: dict[str, tuple[str, str, int, str]] = {
    "import os": ("import os\n", "not_allowed", 1, "import os"),
    "import sys after code": (PRELUDE + "import sys\n", "not_allowed", 2, "import sys"),
    "from torch import load": ("from torch import load\n", "not_allowed", 1, "torch.load"),
    "import torch.hub": ("import torch.hub\n", "not_allowed", 1, "torch.hub"),
    "import pickle as t": ("import pickle as t\n", "not_allowed", 1, "pickle"),
    "from os import path": ("from os import path\n", "not_allowed", 1, "os"),
    "relative import": ("from . import x\n", "not_allowed", 1, "Relative"),
    "import star": ("from math import *\n", "not_allowed", 1, "import *"),
    "__class__ attribute": (PRELUDE + "c = x.__class__\n", "not_allowed", 2, "__class__"),
    "_private attribute": (PRELUDE + "c = torch._C\n", "not_allowed", 2, "_C"),
    "single underscore method": (PRELUDE + "x._version\n", "not_allowed", 2, "_version"),
    "subclasses walk": (
        PRELUDE + "s = ().__class__.__base__.__subclasses__()\n",
        "not_allowed",
        2,
        "__",
    ),
    "getattr": (PRELUDE + "f = getattr(torch, 'load')\n", "not_allowed", 2, "getattr"),
    "eval": (PRELUDE + "eval('1 + 1')\n", "not_allowed", 2, "eval"),
    "exec": (PRELUDE + "exec('import os')\n", "not_allowed", 2, "exec"),
    "compile": (PRELUDE + "compile('1', 'f', 'eval')\n", "not_allowed", 2, "compile"),
    "open": (PRELUDE + "f = open('/etc/passwd')\n", "not_allowed", 2, "open"),
    "open in with": ("with open('x') as f:\n    pass\n", "not_allowed", 1, "open"),
    "globals": (PRELUDE + "g = globals()\n", "not_allowed", 2, "globals"),
    "locals": (PRELUDE + "g = locals()\n", "not_allowed", 2, "locals"),
    "vars": (PRELUDE + "g = vars(x)\n", "not_allowed", 2, "vars"),
    "type(x).__mro__": (PRELUDE + "t = type(x).__mro__\n", "not_allowed", 2, "__mro__"),
    "type with three arguments": (PRELUDE + "t = type('A', (), {})\n", "not_allowed", 2, "type"),
    "__builtins__": (PRELUDE + "b = __builtins__\n", "not_allowed", 2, "__builtins__"),
    "__import__": (PRELUDE + "m = __import__('os')\n", "not_allowed", 2, "__import__"),
    "class metaclass": (
        PRELUDE + "class A(metaclass=B):\n    pass\n",
        "not_allowed",
        2,
        "metaclass",
    ),
    "class two bases": (PRELUDE + "class A(B, C):\n    pass\n", "not_allowed", 2, "one class"),
    "class dunder method": (
        PRELUDE + "class A:\n    def __getattr__(self, n):\n        return 1\n",
        "not_allowed",
        3,
        "__getattr__",
    ),
    "class body loop": (
        PRELUDE + "class A:\n    for i in range(3):\n        pass\n",
        "not_allowed",
        3,
        "class body",
    ),
    "self.__dict__": (
        PRELUDE + "class A:\n    def f(self):\n        return self.__dict__\n",
        "not_allowed",
        4,
        "__dict__",
    ),
    "except*": (
        PRELUDE + "try:\n    pass\nexcept* ValueError:\n    pass\n",
        "not_allowed",
        2,
        "except*",
    ),
    "str.format attribute trick": (
        PRELUDE + "s = '{0.__class__}'.format(1)\n",
        "not_allowed",
        2,
        "format",
    ),
    "str methods": (PRELUDE + "s = 'abc'.encode()\n", "not_allowed", 2, "encode"),
    "list method": (PRELUDE + "s = [].__len__\n", "not_allowed", 2, "__len__"),
    "f-string attribute": (PRELUDE + "s = f'{x.__class__}'\n", "not_allowed", 2, "__class__"),
    "torch.load": (PRELUDE + "m = torch.load('model.pt')\n", "not_allowed", 2, "torch.load"),
    "torch.save": (PRELUDE + "torch.save(x, 'x.pt')\n", "not_allowed", 2, "torch.save"),
    "np.load": (PRELUDE + "a = np.load('a.npy')\n", "not_allowed", 2, "load"),
    "np.save": (PRELUDE + "np.save('a.npy', 1)\n", "not_allowed", 2, "save"),
    "torch.hub": (PRELUDE + "h = torch.hub\n", "not_allowed", 2, "torch.hub"),
    "torch.ops": (PRELUDE + "o = torch.ops\n", "not_allowed", 2, "torch.ops"),
    "torch.utils.cpp_extension": (
        PRELUDE + "u = torch.utils.cpp_extension\n",
        "not_allowed",
        2,
        "torch.utils.cpp_extension",
    ),
    "torch.enable_grad": (
        PRELUDE + "with torch.enable_grad() as mode:\n    pass\n",
        "not_allowed",
        2,
        "enable_grad",
    ),
    "tensor.tofile": (PRELUDE + "x.tofile('x.bin')\n", "not_allowed", 2, "tofile"),
    "tensor.untyped_storage": (
        PRELUDE + "a = x.untyped_storage()\n",
        "not_allowed",
        2,
        "untyped_storage",
    ),
    "grad_fn internals": (
        PRELUDE + "y = x * 2\nn = y.grad_fn.next_functions\n",
        "not_allowed",
        3,
        "next_functions",
    ),
    "attribute of a function": (PRELUDE + "f = print.x\n", "not_allowed", 2, ".x"),
    "setting shape": (PRELUDE + "x.shape = (1,)\n", "not_allowed", 2, "shape"),
    "unknown name": (PRELUDE + "y = x * nope\n", "unknown_name", 2, "nope"),
    "unknown function": (PRELUDE + "y = softmax(x)\n", "unknown_name", 2, "softmax"),
    "** kwargs of a number": (PRELUDE + "d = 1\nprint(**d)\n", "runtime", 3, "not iterable"),
    "def positional-only": (
        PRELUDE + "def f(a, /):\n    return 1\n",
        "not_allowed",
        2,
        "Positional-only",
    ),
    "lambda repeated parameter": (PRELUDE + "f = lambda a, a: a\n", "not_allowed", 2, "twice"),
    "decorator": (PRELUDE + "@print\ndef f():\n    pass\n", "not_allowed", 3, "Decorator"),
    "nonlocal at module level": (PRELUDE + "nonlocal x\n", "not_allowed", 2, "nonlocal"),
    "global of a forbidden name": (
        PRELUDE + "def f():\n    global eval\n",
        "not_allowed",
        3,
        "eval",
    ),
    "yield": (PRELUDE + "def f():\n    yield 1\n", "not_allowed", 3, "yield"),
    "walrus": (PRELUDE + "y = (z := 1)\n", "not_allowed", 2, ":="),
    "fullwidth eval": (PRELUDE + "ｅｖａｌ('1')\n", "not_allowed", 2, "eval"),
    "fullwidth __class__": (PRELUDE + "c = x.__ｃｌａｓｓ__\n", "not_allowed", 2, "__class__"),
    "fullwidth open": (PRELUDE + "f = ｏｐｅｎ('x')\n", "not_allowed", 2, "open"),
    "break outside a loop": ("x = 1\nif True:\n    break\n", "not_allowed", 3, "break"),
    "return outside a function": (PRELUDE + "return x\n", "not_allowed", 2, "return"),
    "continue in a function body": (
        "def f():\n    y = 1\n    continue\nf()\n",
        "not_allowed",
        3,
        "continue",
    ),
    "binding a forbidden name": (
        PRELUDE + "def eval(a):\n    return a\n",
        "not_allowed",
        2,
        "eval",
    ),
}


@pytest.mark.parametrize(
    ("source", "kind", "line", "words"), REFUSALS.values(), ids=REFUSALS.keys()
)
def test_refusal_names_the_construct_and_the_line(source, kind, line, words):
    result = playground.run(source)
    assert not result.ok
    assert result.error is not None
    assert result.error.kind == kind, result.error
    assert result.error.line == line, result.error
    assert words in result.error.message, result.error
    assert "Traceback" not in result.error.message
    # A refused program never ran a line: nothing it asked for exists.
    if kind == "not_allowed" and "nope" not in source:
        assert result.output == ""


def test_refusals_happen_before_anything_runs():
    result = playground.run("print('ran')\nimport os\n")
    assert result.error is not None and result.error.kind == "not_allowed"
    assert result.output == ""


def test_refused_json_carries_kind_line_and_column():
    data = playground.run(PRELUDE + "f = getattr(x, 'grad')\n").to_json()
    assert data["ok"] is False
    assert data["error"]["line"] == 2
    assert isinstance(data["error"]["col"], int)
    assert data["error"]["kind"] == "not_allowed"


# -- learner mistakes: clear messages, PyTorch's own words, the right line ------------


def _plain_error(ref, source: str) -> str:
    with pytest.raises((RuntimeError, ValueError, TypeError)) as info:
        ref.run(source)
    return str(info.value).split("\n\n")[0].strip()


MISTAKES: dict[str, tuple[str, int, str]] = {
    "shape mismatch in @": (
        "a = torch.ones(2, 3)\nb = torch.ones(2, 3)\nc = a @ b\n",
        3,
        "cannot be multiplied",
    ),
    "ragged tensor": ("x = 1\ny = torch.tensor([[1, 2], [3]])\n", 2, "expected sequence of length"),
    "backward on a non-scalar": (
        "x = torch.ones(3, requires_grad=True)\ny = x * 2\ny.backward()\n",
        3,
        "grad can be implicitly created only for scalar outputs",
    ),
    "backward twice": (
        "x = torch.tensor(2., requires_grad=True)\ny = x * x\ny.backward()\ny.backward()\n",
        4,
        "backward through the graph a second time",
    ),
    "in-place update of a leaf outside no_grad": (
        "w = torch.tensor(2., requires_grad=True)\ny = w * 3\ny.backward()\nw -= w.grad\n",
        4,
        "a leaf Variable that requires grad is being used in an in-place operation",
    ),
    "broadcast mismatch": (
        "a = torch.ones(3)\nb = torch.ones(4)\nc = a + b\n",
        3,
        "must match the size of tensor",
    ),
    "backward without requires_grad": (
        "a = torch.ones(3)\ns = a.sum()\ns.backward()\n",
        3,
        "does not require grad",
    ),
}


@pytest.mark.parametrize(("source", "line", "words"), MISTAKES.values(), ids=MISTAKES.keys())
def test_mistakes_carry_pytorchs_message_and_the_line(source, line, words, ref):
    result = playground.run(source)
    assert result.error is not None
    assert result.error.kind == "runtime", result.error
    assert result.error.line == line, result.error
    assert words in result.error.message
    assert _plain_error(ref, source) in result.error.message  # PyTorch's own words
    assert result.error.hint, "known mistakes come with a hint"
    assert "Traceback" not in result.error.message


def test_tutorial_training_without_no_grad_points_at_the_update(ref):
    source = TUTORIAL_TRAINING.replace(
        "    with torch.no_grad(): # stop tracking operations while adjusting\n", "    if True:\n"
    )
    assert source != TUTORIAL_TRAINING
    result = playground.run(source)
    assert result.error is not None and result.error.kind == "runtime"
    lines = source.splitlines()
    assert lines[result.error.line - 1].strip() == "w -= w.grad * 1e-5"
    assert _plain_error(ref, source) in result.error.message
    assert "no_grad" in result.error.hint


def test_syntax_error_points_at_the_line():
    result = playground.run("x = torch.tensor(3.)\nw = torch.tensor(4.\ny = w * x\n")
    assert result.error is not None and result.error.kind == "syntax"
    assert result.error.line == 2
    assert "Syntax error" in result.error.message


def test_syntax_error_has_a_column():
    result = playground.run("x = 1\ny = x * * 2\n")
    assert result.error.kind == "syntax"
    assert result.error.line == 2
    assert result.error.col is not None and result.error.col >= 0


def test_runtime_error_keeps_what_ran_before_it():
    result = playground.run("print('before')\nx = torch.tensor(1.)\ny = x @ x\nprint('after')\n")
    assert result.error is not None and result.error.line == 3
    assert result.output == "before\n"
    assert "x" in result.tensors


def test_error_inside_a_function_points_at_the_failing_line():
    source = "def f(a):\n    b = a * 2\n    return b @ a\nx = torch.ones(2, 3)\ny = f(x)\n"
    result = playground.run(source)
    assert result.error is not None and result.error.kind == "runtime"
    assert result.error.line == 3


# -- garbage input -------------------------------------------------------------------

GARBAGE: dict[str, tuple[str, str | None]] = {
    "null bytes": ("x = 1\x00\ny = 2\n", "syntax"),
    "only a null byte": ("\x00", "syntax"),
    "unterminated string": ("x = 'abc\n", "syntax"),
    "unterminated triple string": ('x = """abc\n', "syntax"),
    "tabs mixed with spaces": ("if True:\n\tx = 1\n        y = 2\n", "syntax"),
    "unexpected indent": ("x = 1\n    y = 2\n", "syntax"),
    "only comments": ("# just a comment\n# and another\n", None),
    "empty": ("", None),
    "only whitespace": ("   \n\n\t\n", None),
    "CRLF line ends": ("x = torch.tensor(1.)\r\ny = x * 2\r\n", None),
    "lone surrogate": ("x = '\ud800'\n", "syntax"),
    "byte order mark": ("\ufeffx = 1\n", "syntax"),  # as Python's own compile() says
    "control characters": ("x = 1\x1b[2J\x07\n", "syntax"),
    "right-to-left override": ("x = 1 # \u202e\n", None),
    "huge float literal": ("x = 1e400\ny = torch.tensor(x)\n", None),
    "huge int literal used": ("x = " + "9" * 4000 + "\ny = x * x\n", "budget"),
    "binary noise": (bytes(range(256)).decode("latin-1"), "syntax"),
}


@pytest.mark.parametrize(("source", "kind"), GARBAGE.values(), ids=GARBAGE.keys())
def test_garbage_input_gives_a_clear_result(source, kind, ref):
    result = playground.run(source)
    ref.not_internal(result)
    if kind is None:
        assert result.ok, result.error
    else:
        assert result.error is not None, "expected a refusal"
        assert result.error.kind == kind, result.error
        assert result.error.message


@pytest.mark.parametrize("source", ["", "# only a comment\n"], ids=["empty", "comments"])
def test_empty_programs_are_ok_with_no_graph(source):
    result = playground.run(source)
    assert result.ok
    assert result.graph is None
    assert result.output == ""
    assert set(result.tensors) == {"inputs", "targets"}


def test_line_numbers_of_syntax_errors_are_real_lines():
    source = "x = 1\n\n\n# comment\ny = 'unterminated\n"
    result = playground.run(source)
    assert result.error.kind == "syntax"
    assert result.error.line == 5


# -- no file system, process or network access -----------------------------------------

_WATCHED_PREFIXES = ("os.", "subprocess.", "socket.", "shutil.", "pty.", "ctypes.")
_WATCHED_EVENTS = {"open", "exec", "os.system", "webbrowser.open", "urllib.Request"}


class _AuditRecorder:
    """Collects sensitive audit events raised by one thread while recording is on.

    Audit hooks cannot be removed, so the hook is installed once and does nothing
    unless a test switches it on for its own thread.
    """

    def __init__(self) -> None:
        self.thread: int | None = None
        self.events: list[tuple[str, str]] = []
        sys.addaudithook(self._hook)

    def _hook(self, event: str, args: tuple) -> None:
        if self.thread is None or threading.get_ident() != self.thread:
            return
        if event in _WATCHED_EVENTS or event.startswith(_WATCHED_PREFIXES):
            self.events.append((event, repr(args)[:200]))

    def record(self, fn):
        self.events = []
        self.thread = threading.get_ident()
        try:
            return fn()
        finally:
            self.thread = None


@pytest.fixture(scope="module")
def audit() -> _AuditRecorder:
    return _AuditRecorder()


ESCAPE_ATTEMPTS = [
    *(source for source, *_ in REFUSALS.values()),
    "import os\nos.system('touch pwned')\n",
    "f = open('pwned', 'w')\nf.write('x')\n",
    "torch.save(torch.ones(2), 'pwned.pt')\n",
    "np.save('pwned.npy', np.array([1.]))\n",
    "x = torch.ones(2)\nx.tofile('pwned.bin')\n",
    "x = torch.from_file('pwned.bin')\n",
    "x = np.fromfile('pwned.bin')\n",
    "x = np.loadtxt('/etc/passwd')\n",
    "x = torch.tensor(1.)\nx.numpy().tofile('pwned')\n",
    "print(torch.hub.load('a', 'b'))\n",
    "x = torch.ones(2)\nx.storage()._write_file('pwned')\n",
    "ｏｐｅｎ('pwned', 'w')\n",
    "f'{open}'\n",
    "x = torch.randn(3, requires_grad=True)\ny = (x * x).sum()\ny.backward()\nprint(x.grad)\n",
]


def test_no_file_system_access_while_running(audit, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # Warm up: torch and numpy may open files lazily the first time an op runs.
    for preset in PRESETS:
        playground.run(preset.source)
    playground.run("x = torch.tensor(3.)\nprint(f'{x:.2f}', x.shape, x.dtype)\n")

    def run_all() -> list:
        return [playground.run(source) for source in ESCAPE_ATTEMPTS]

    results = audit.record(run_all)
    assert audit.events == []
    assert os.listdir(tmp_path) == []
    assert all(r.output == "" or "pwned" not in r.output for r in results)
    assert sum(not r.ok for r in results) >= len(ESCAPE_ATTEMPTS) - 1


def test_audit_recorder_sees_file_access(audit, tmp_path):
    """The recorder itself works: it would catch an `open` during a run."""
    target = tmp_path / "probe.txt"
    audit.record(lambda: target.write_text("x"))
    assert any(event == "open" for event, _ in audit.events)


def test_runs_do_not_leave_files_behind(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for preset in PRESETS:
        playground.run(preset.source)
    assert os.listdir(tmp_path) == []
    assert torch.is_grad_enabled()
