"""The command line contract, through real subprocesses: `python -m playground ...`.

Every call starts a fresh Python that imports torch, so they all run at once in a
module fixture; the tests then read their results.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
import torch

import playground
from playground.cli import main
from playground.presets import TUTORIAL_FIRST, TUTORIAL_TRAINING

ROOT = Path(__file__).resolve().parent.parent
HAS_DOT = shutil.which("dot") is not None

RAGGED = "x = torch.tensor(1.)\ny = torch.tensor([[1, 2], [3]])\n"
NAN = "x = torch.tensor([float('nan'), float('inf'), 1.], requires_grad=True)\ny = x * 2\n"
CHAIN_OPS = 10_000
CHAIN = (
    "x = torch.tensor(1., requires_grad=True)\ny = x\n"
    f"for i in range({CHAIN_OPS}):\n    y = y * 1.0001\n"
)


WARNED = "w = torch.ones(2, requires_grad=True)\nz = w * 2\nprint(z.grad)\n"


def _calls(tmp: Path) -> dict[str, dict]:
    """The calls that need a real process: stdin bytes, PATH, pipes, the wrapper."""
    no_dot = tmp / "empty-bin"
    no_dot.mkdir()
    calls = {
        "eval stdin": {"args": ["eval", "-", "--json"], "stdin": TUTORIAL_FIRST},
        "eval refused": {"args": ["eval", "-", "--json"], "stdin": "x = 1\nimport os\n"},
        "eval invalid utf-8": {"args": ["eval", "-", "--json"], "stdin": b"x = 1\xff\xfe\n"},
        "eval warned": {"args": ["eval", "-"], "stdin": WARNED},
        "eval warned json": {"args": ["eval", "-", "--json"], "stdin": WARNED},
        "usage: unknown command": {"args": ["bogus"]},
        "graph dot": {"args": ["graph", "-", "--format", "dot"], "stdin": TUTORIAL_FIRST},
        "graph svg without dot": {
            "args": ["graph", "-", "--format", "svg"],
            "stdin": TUTORIAL_FIRST,
            "env": {"PATH": str(no_dot)},
        },
        "broken pipe": {"args": ["eval", "-", "--json"], "stdin": TUTORIAL_TRAINING, "pipe": 1},
    }
    if HAS_DOT:
        calls["graph svg"] = {"args": ["graph", "-", "--format", "svg"], "stdin": TUTORIAL_FIRST}
    return calls


def _invoke(call: dict) -> subprocess.CompletedProcess:
    stdin = call.get("stdin", b"")
    if isinstance(stdin, str):
        stdin = stdin.encode("utf-8")
    env = {**os.environ, **call.get("env", {})}
    command = [sys.executable, "-m", "playground", *call["args"]]
    if call.get("pipe"):
        # Standard output is a pipe nobody reads: the reader is already gone.
        read_end, write_end = os.pipe()
        os.close(read_end)
        try:
            done = subprocess.run(
                command, input=stdin, stdout=write_end, stderr=subprocess.PIPE,
                cwd=ROOT, env=env, timeout=180,
            )  # fmt: skip
        finally:
            os.close(write_end)
        return subprocess.CompletedProcess(command, done.returncode, b"", done.stderr)
    return subprocess.run(command, input=stdin, capture_output=True, cwd=ROOT, env=env, timeout=180)


@pytest.fixture(scope="module")
def cli(tmp_path_factory) -> dict[str, subprocess.CompletedProcess]:
    calls = _calls(tmp_path_factory.mktemp("cli"))
    with ThreadPoolExecutor(max_workers=4) as pool:
        done = dict(zip(calls, pool.map(_invoke, calls.values()), strict=True))
    return done


@pytest.fixture(scope="module")
def chain() -> dict[str, subprocess.CompletedProcess]:
    """`graph` of a 10,000-op chain, one process at a time.

    The program runs in ~0.3-0.8 s of the sandbox's 3 s, but on two busy cores beside
    other processes it can pass 3 s and be refused: such a run is tried again (twice).
    """
    calls = {
        "json": ["graph", "-", "--format", "json"],
        "dot": ["graph", "-", "--format", "dot"],
        "json 50": ["graph", "-", "--format", "json", "--max-nodes", "50"],
    }
    done = {}
    for name, args in calls.items():
        for _ in range(3):
            done[name] = _invoke({"args": args, "stdin": CHAIN})
            if b"ran longer than" not in done[name].stderr:
                break
    return done


def _json(done: subprocess.CompletedProcess) -> dict:
    def refuse(token: str) -> None:
        raise AssertionError(f"non-standard JSON token {token}")

    return json.loads(done.stdout.decode("utf-8"), parse_constant=refuse)


def _assert_contract(data: dict) -> None:
    """The exact shape the issue promises."""
    assert set(data) == {"ok", "error", "output", "warnings", "tensors", "graph"}
    assert isinstance(data["ok"], bool)
    for warning in data["warnings"]:
        assert set(warning) == {"line", "kind", "message"}
    assert isinstance(data["output"], str)
    if data["ok"]:
        assert data["error"] is None
    else:
        error = data["error"]
        assert isinstance(error["message"], str) and error["message"]
        assert error["line"] is None or isinstance(error["line"], int)
        assert error["col"] is None or isinstance(error["col"], int)
    assert isinstance(data["tensors"], dict)
    for name, info in data["tensors"].items():
        assert isinstance(name, str)
        assert {"value", "grad", "requires_grad", "is_leaf", "shape", "dtype"} <= set(info)
        assert isinstance(info["value"], int | float | list)
        assert info["grad"] is None or isinstance(info["grad"], int | float | list)
        assert isinstance(info["requires_grad"], bool)
        assert isinstance(info["is_leaf"], bool)
        assert all(isinstance(s, int) for s in info["shape"])
        assert isinstance(info["dtype"], str) and not info["dtype"].startswith("torch.")
        if info["shape"] == []:
            assert isinstance(info["value"], int | float)
    graph = data["graph"]
    if graph is not None:
        ids = set()
        for node in graph["nodes"]:
            assert isinstance(node["id"], str)
            assert isinstance(node["kind"], str)
            assert isinstance(node["label"], str)
            assert node["name"] is None or isinstance(node["name"], str)
            ids.add(node["id"])
        for edge in graph["edges"]:
            assert {"src", "dst"} <= set(edge)
            assert edge["src"] in ids and edge["dst"] in ids


@pytest.fixture
def inproc(capsys, monkeypatch):
    """`inproc(args, stdin)` -> (status, stdout, stderr) of `main` in this process."""

    def call(args: list[str], stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        status = main(args)
        out, err = capsys.readouterr()
        assert "Traceback" not in out and "Traceback" not in err
        return status, out, err

    return call


def test_no_call_ever_prints_a_traceback(cli):
    for name, done in cli.items():
        for stream in (done.stdout, done.stderr):
            assert b"Traceback" not in stream, (name, stream[-2000:])


def test_eval_json_of_the_tutorial(cli, ref):
    done = cli["eval stdin"]
    assert done.returncode == 0, done.stderr
    data = _json(done)
    _assert_contract(data)
    assert data["ok"] is True
    assert data["output"] == "dy/dx: None\ndy/dw: tensor(3.)\ndy/db: tensor(1.)\n"
    namespace, _ = ref.run(TUTORIAL_FIRST)
    assert set(data["tensors"]) == {"inputs", "targets", "x", "w", "b", "y"}
    for name in ("x", "w", "b", "y"):
        tensor = namespace[name]
        info = data["tensors"][name]
        assert info["value"] == tensor.item()
        assert info["requires_grad"] == tensor.requires_grad
        assert info["is_leaf"] == tensor.is_leaf
        assert info["shape"] == []
        assert info["dtype"] == "float32"
        grad = tensor.grad if tensor.is_leaf else None
        assert info["grad"] == (None if grad is None else grad.item())
    assert data["tensors"]["inputs"]["value"] == ref.crop_inputs
    assert data["tensors"]["targets"]["value"] == ref.crop_targets
    assert data["tensors"]["inputs"]["shape"] == [5, 3]
    labels = {n["label"] for n in data["graph"]["nodes"]}
    assert {"*", "+", "w", "b", "x", "y"} <= labels


def test_eval_json_of_a_refused_program(cli):
    done = cli["eval refused"]
    assert done.returncode == 1
    data = _json(done)
    _assert_contract(data)
    assert data["ok"] is False
    assert data["error"]["line"] == 2
    assert "import os" in data["error"]["message"]
    assert data["output"] == ""
    assert {"inputs", "targets"} <= set(data["tensors"])
    assert data["graph"] is None


def test_undecodable_stdin_fails_cleanly(cli):
    done = cli["eval invalid utf-8"]
    assert done.returncode == 1, done.stderr
    data = _json(done)
    _assert_contract(data)
    assert data["ok"] is False


def test_unknown_command_exits_2(cli):
    done = cli["usage: unknown command"]
    assert done.returncode == 2
    assert b"usage" in done.stderr
    assert done.stdout == b""


def test_graph_dot(cli):
    done = cli["graph dot"]
    assert done.returncode == 0
    text = done.stdout.decode()
    assert text.startswith("digraph")
    assert "MulBackward0" in text and "AddBackward0" in text


@pytest.mark.skipif(not HAS_DOT, reason="Graphviz `dot` is not installed")
def test_graph_svg(cli):
    done = cli["graph svg"]
    assert done.returncode == 0
    assert b"<svg" in done.stdout
    assert b"MulBackward0" in done.stdout


def test_graph_svg_without_graphviz_explains_and_exits_1(cli):
    done = cli["graph svg without dot"]
    assert done.returncode == 1
    assert b"Graphviz" in done.stderr
    assert done.stdout == b""


def test_closed_stdout_is_not_a_traceback(cli):
    done = cli["broken pipe"]
    assert done.returncode != 0
    assert b"Traceback" not in done.stderr
    assert b"Exception ignored" not in done.stderr


# -- the same entry point in-process: every other case, quickly ------------------------


def test_stdin_is_the_default_and_files_work(inproc, cli, tmp_path):
    expected = _json(cli["eval stdin"])
    status, out, _ = inproc(["eval", "--json"], TUTORIAL_FIRST)
    assert status == 0 and json.loads(out) == expected
    program = tmp_path / "tutorial.py"
    program.write_text(TUTORIAL_FIRST, encoding="utf-8")
    status, out, _ = inproc(["eval", str(program), "--json"])
    assert status == 0 and json.loads(out) == expected


def test_eval_json_of_the_training_block_matches_plain_pytorch(inproc, ref):
    status, out, _ = inproc(["eval", "-", "--json"], TUTORIAL_TRAINING)
    assert status == 0
    data = json.loads(out)
    _assert_contract(data)
    namespace, output = ref.run(TUTORIAL_TRAINING)
    assert data["output"] == output
    assert np.allclose(data["tensors"]["loss"]["value"], namespace["loss"].item())
    assert np.allclose(data["tensors"]["w"]["value"], namespace["w"].detach().numpy())
    assert data["tensors"]["w"]["shape"] == [2, 3]
    assert data["tensors"]["b"]["grad"] is not None


@pytest.mark.parametrize(
    ("source", "kind", "line", "words"),
    [
        (RAGGED, "runtime", 2, "expected sequence of length"),
        ("x = (\n", "syntax", 1, "Syntax error"),
        ("x = 1\ny = 9**9**9\n", "budget", 2, "too large"),
        ("y = nope\n", "unknown_name", 1, "nope"),
    ],
    ids=["runtime", "syntax", "budget", "unknown name"],
)
def test_eval_json_of_failing_programs(inproc, source, kind, line, words):
    status, out, _ = inproc(["eval", "-", "--json"], source)
    assert status == 1
    data = json.loads(out)
    _assert_contract(data)
    assert data["ok"] is False
    assert data["error"]["line"] == line
    assert data["error"].get("kind", kind) == kind
    assert words in data["error"]["message"]


def test_non_finite_values_are_still_valid_json(inproc):
    status, out, _ = inproc(["eval", "-", "--json"], NAN)
    assert status == 0

    def refuse(token: str) -> None:
        raise AssertionError(f"non-standard JSON token {token}")

    data = json.loads(out, parse_constant=refuse)
    _assert_contract(data)
    assert len(data["tensors"]["y"]["value"]) == 3


def test_null_bytes_and_binary_files_fail_cleanly(inproc, tmp_path):
    status, out, _ = inproc(["eval", "-", "--json"], "x = 1\x00\n")
    assert status == 1 and json.loads(out)["ok"] is False
    binary = tmp_path / "noise.bin"
    binary.write_bytes(bytes(range(256)) * 4)
    status, out, _ = inproc(["eval", str(binary), "--json"])
    assert status == 1
    _assert_contract(json.loads(out))


def test_eval_without_json_prints_the_program_output(inproc):
    status, out, _ = inproc(["eval", "-"], TUTORIAL_FIRST)
    assert status == 0
    assert out == "dy/dx: None\ndy/dw: tensor(3.)\ndy/db: tensor(1.)\n"
    status, out, err = inproc(["eval", "-"], "x = 1\ny = nope\n")
    assert status == 1
    assert "line 2" in err and "nope" in err


@pytest.mark.parametrize(
    "args",
    [[], ["eval", "--bogus"], ["graph", "-", "--format", "png"], ["eval", "-", "extra"]],
    ids=["no command", "unknown flag", "bad format", "extra argument"],
)
def test_bad_usage_exits_2_with_a_message(inproc, args):
    status, out, err = inproc(args, "x = 1\n")
    assert status == 2
    assert "usage" in err
    assert out == ""


def test_missing_file_and_directory_are_bad_usage(inproc, tmp_path):
    status, _, err = inproc(["eval", str(tmp_path / "missing.py"), "--json"])
    assert status == 2 and "cannot read" in err
    status, _, err = inproc(["eval", str(tmp_path), "--json"])
    assert status == 2 and "cannot read" in err


def test_help_exits_0(inproc):
    status, out, _ = inproc(["--help"])
    assert status == 0
    assert "eval" in out and "graph" in out


def test_graph_json_matches_the_eval_graph(inproc, cli):
    status, out, _ = inproc(["graph", "-", "--format", "json"], TUTORIAL_FIRST)
    assert status == 0
    graph = json.loads(out)
    expected = _json(cli["eval stdin"])["graph"]
    assert graph["nodes"] == expected["nodes"]
    assert graph["edges"] == expected["edges"]


def test_graph_raw_json(inproc):
    status, out, _ = inproc(["graph", "-", "--format", "json", "--raw"], TUTORIAL_FIRST)
    assert status == 0
    assert any(n.get("op") == "AccumulateGrad" for n in json.loads(out)["nodes"])


@pytest.mark.parametrize("source", ["import os\n", "x = 1\n"], ids=["refused", "no graph"])
def test_graph_without_a_graph_exits_1_with_a_message(inproc, source):
    status, out, err = inproc(["graph", "-", "--format", "dot"], source)
    assert status == 1
    assert err.startswith("error:")
    assert out == ""


def _plain_chain() -> tuple[float, int]:
    """Plain PyTorch: the chain's value and how many MulBackward0 nodes autograd built."""
    x = torch.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(CHAIN_OPS):
        y = y * 1.0001
    muls, fn = 0, y.grad_fn
    while fn is not None:
        muls += type(fn).__name__ == "MulBackward0"
        fn = next((f for f, _ in fn.next_functions if f is not None), None)
    return y.item(), muls


def test_graph_writes_every_node_of_a_long_chain(chain):
    done = chain["json"]
    assert done.returncode == 0, done.stderr[-2000:]
    graph = json.loads(done.stdout)
    value, muls = _plain_chain()
    assert muls == CHAIN_OPS
    assert graph["hidden"] == 0
    assert len(graph["nodes"]) >= CHAIN_OPS
    ops = [n for n in graph["nodes"] if n.get("op") == "MulBackward0"]
    assert len(ops) == muls
    (y,) = [n for n in graph["nodes"] if n["id"] == graph["root"]]
    assert y["name"] == "y"
    assert y["tensor"]["value"] == value  # the same float32 ops as plain PyTorch
    ids = {n["id"] for n in graph["nodes"]}
    assert all(e["src"] in ids and e["dst"] in ids for e in graph["edges"])
    assert len(graph["edges"]) >= len(graph["nodes"]) - 1  # connected: nothing cut off


def test_graph_dot_writes_every_node_of_a_long_chain(chain):
    done = chain["dot"]
    assert done.returncode == 0, done.stderr[-2000:]
    dot = done.stdout.decode("utf-8")
    assert dot.count("MulBackward0") == CHAIN_OPS
    assert "more nodes" not in dot


def test_graph_max_nodes_summarises_as_the_page_does(chain):
    done = chain["json 50"]
    assert done.returncode == 0, done.stderr[-2000:]
    small = json.loads(done.stdout)
    whole = json.loads(chain["json"].stdout)
    shown = [n for n in small["nodes"] if n["kind"] != "more"]
    assert len(shown) == 50
    assert small["hidden"] == len(whole["nodes"]) - 50
    assert [n["label"] for n in small["nodes"] if n["kind"] == "more"] == [
        f"… {small['hidden']:,} more nodes"
    ]
    page = playground.run(CHAIN, max_nodes=50).graph.to_json()  # what the page asks for
    assert small == page


@pytest.mark.parametrize("value", ["0", "-3", "many"])
def test_max_nodes_must_be_a_positive_number(inproc, value):
    status, out, err = inproc(["graph", "-", "--max-nodes", value], TUTORIAL_FIRST)
    assert status == 2
    assert out == ""
    assert "max-nodes" in err


def test_budgets_local_raises_the_limits_for_one_run(inproc):
    """Two million elements: past the hosted per-tensor budget, within the local one."""
    source = "x = torch.zeros(2000, 1000)\nprint(x.shape)\n"
    status, out, _ = inproc(["eval", "--json"], source)
    assert status == 1 and json.loads(out)["error"]["kind"] == "budget"
    status, out, _ = inproc(["eval", "--json", "--budgets", "local"], source)
    assert status == 0, out
    assert json.loads(out)["output"] == "torch.Size([2000, 1000])\n"


def test_budgets_profile_comes_from_the_environment(monkeypatch):
    from playground.sandbox.core import budgets

    monkeypatch.setenv("PLAYGROUND_BUDGETS", "local")
    assert budgets.budgets_from_environment() == budgets.LOCAL_BUDGETS
    monkeypatch.setenv("PLAYGROUND_BUDGETS", "")
    assert budgets.budgets_from_environment() == budgets.HOSTED_BUDGETS
    assert budgets.DEFAULT_BUDGETS == budgets.HOSTED_BUDGETS  # the tests run hosted


def test_eval_shows_pytorchs_warnings_on_stderr_and_in_the_json(cli, ref):
    warned: list[str] = []
    _, printed = ref.run(WARNED, warned=warned)
    text, data = cli["eval warned"], _json(cli["eval warned json"])
    assert text.returncode == 0 and data["ok"], text.stderr
    assert text.stdout.decode() == printed == data["output"]
    assert text.stderr.decode().splitlines() == warned
    assert [f"Line {w['line']}: {w['kind']}: {w['message']}" for w in data["warnings"]] == warned
