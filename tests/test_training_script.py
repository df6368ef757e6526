"""The exported script, run with plain Python, reproduces `descent.train`'s losses.

Each script runs in a fresh interpreter (`sys.executable -c script`) from an empty
directory, so it can only use PyTorch, never this project. The scripts start
together (two at a time) in a module fixture because each one imports torch.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from playground.training import datasets
from playground.training.descent import TrainConfig, train
from playground.training.least_squares import optimum
from playground.training.script import training_script

CSV = (
    b'temp "C",rain\\mm,"hum\nidity",apples,oranges\n'
    b"73,67,43,56,70\n91,88,64,81,101\n87,134,58,119,133\n102,43,37,22,37\n"
    b"69,96,70,103,119\n80,70,50,60,80\n"
)


def _data(name: str) -> datasets.Dataset:
    if name == "crops":
        return datasets.crops()
    if name == "line":
        return datasets.line(points=30, noise=0.5, a=1.5, b=2.0, seed=3)
    header, _ = datasets.read_csv(CSV)
    return datasets.from_csv(CSV, header[:3], header[3:])


def _diverging_lr() -> float:
    crops = datasets.crops()
    return optimum(crops.x, crops.y).max_stable_lr * 1.6


CASES = {
    "crops tutorial": ("crops", TrainConfig()),
    "crops sgd batch 2 standardized": (
        "crops",
        TrainConfig(lr=0.05, epochs=40, optimizer="sgd", batch_size=2, standardize=True, seed=1),
    ),
    "crops batch 8 (one batch of all rows)": (
        "crops",
        TrainConfig(lr=1e-5, epochs=50, batch_size=8, seed=2),
    ),
    "crops adam standardized": (
        "crops",
        TrainConfig(lr=0.1, epochs=60, optimizer="adam", standardize=True, seed=3),
    ),
    "crops forget zero_grad": ("crops", TrainConfig(lr=1e-6, epochs=50, forget_zero_grad=True)),
    "crops diverging lr": ("crops", TrainConfig(lr=_diverging_lr(), epochs=300, seed=4)),
    "line momentum batch 4 forget zero_grad": (
        "line",
        TrainConfig(
            lr=0.001, epochs=30, optimizer="momentum", batch_size=4, forget_zero_grad=True, seed=6
        ),
    ),
    "csv adam batch 3 standardized": (
        "csv",
        TrainConfig(lr=0.05, epochs=40, optimizer="adam", batch_size=3, standardize=True, seed=7),
    ),
}
OUTSIDE = ("crops", TrainConfig(epochs=10, update_outside_no_grad=True))


# The tutorial's script runs alone, exactly as a user would: `python -c script`.
ALONE = "crops tutorial"

# The rest run one after another in a single plain interpreter, each with fresh globals
# (as `python script.py` would give it), so the grid pays for `import torch` only once.
# A failing script reports its exception and the line it failed on.
BATCH_RUNNER = """
import contextlib, io, json, sys, traceback
out = {}
for name, script in json.load(sys.stdin).items():
    buffer = io.StringIO()
    try:
        with contextlib.redirect_stdout(buffer):
            exec(compile(script, "<string>", "exec"), {"__name__": "__main__"})
        out[name] = {"stdout": buffer.getvalue(), "error": None}
    except Exception as exc:
        line = traceback.extract_tb(exc.__traceback__)[-1].lineno
        error = f'File "<string>", line {line}\\n{type(exc).__name__}: {exc}'
        out[name] = {"stdout": buffer.getvalue(), "error": error}
print(json.dumps(out))
"""


def _run(args: list[str], cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # no playground here
    return subprocess.run(
        [sys.executable, *args], input=stdin, capture_output=True, text=True,
        timeout=300, cwd=cwd, env=env,
    )  # fmt: skip


def _batch(scripts: dict[str, str], cwd: Path) -> dict[str, SimpleNamespace]:
    done = _run(["-c", BATCH_RUNNER], cwd, stdin=json.dumps(scripts))
    assert done.returncode == 0, done.stderr
    return {
        name: SimpleNamespace(
            returncode=0 if item["error"] is None else 1,
            stdout=item["stdout"],
            stderr=item["error"] or "",
        )
        for name, item in json.loads(done.stdout.strip().splitlines()[-1]).items()
    }


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict[str, object]:
    cwd = tmp_path_factory.mktemp("export")
    scripts = {name: training_script(_data(d), config) for name, (d, config) in CASES.items()}
    scripts["outside"] = training_script(_data(OUTSIDE[0]), OUTSIDE[1])
    with ThreadPoolExecutor(max_workers=2) as pool:
        alone = pool.submit(_run, ["-c", scripts[ALONE]], cwd)
        batch = pool.submit(_batch, {n: s for n, s in scripts.items() if n != ALONE}, cwd)
        found = {ALONE: alone.result(), **batch.result()}
    assert set(found) == {*CASES, "outside"}
    return found


def _printed_losses(result: subprocess.CompletedProcess) -> list[float]:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", list(CASES))
def test_exported_script_reproduces_the_runs_losses(name, results):
    dataset, config = CASES[name]
    run = train(_data(dataset), config)
    printed = _printed_losses(results[name])
    assert len(printed) == run.epochs_run
    np.testing.assert_array_equal(
        np.array(printed, dtype=np.float64), run.losses.astype(np.float64)
    )


def test_the_diverging_script_stops_on_the_same_epoch(results):
    _, config = CASES["crops diverging lr"]
    run = train(datasets.crops(), config)
    assert run.stop_reason == "diverged"
    printed = _printed_losses(results["crops diverging lr"])
    assert len(printed) == run.epochs_run == run.stopped_at + 1 < config.epochs
    assert not math.isfinite(printed[-1]) and all(math.isfinite(v) for v in printed[:-1])
    assert "diverged" in results["crops diverging lr"].stdout.splitlines()


def test_the_forgetful_script_shows_growing_gradients(results):
    _, config = CASES["crops forget zero_grad"]
    run = train(datasets.crops(), config)
    assert run.grad_norm[-1] > 3 * run.grad_norm[0]
    assert _printed_losses(results["crops forget zero_grad"]) == run.losses.tolist()


def test_update_outside_no_grad_script_fails_with_pytorchs_error(results):
    w = torch.randn(2, 3, requires_grad=True)
    (w * w).sum().backward()
    with pytest.raises(RuntimeError) as caught:
        w -= w.grad * 1e-5
    message = str(caught.value).split("\n")[0]
    result = results["outside"]
    assert result.returncode != 0
    assert f"RuntimeError: {message}" in result.stderr
    script = training_script(_data(OUTSIDE[0]), OUTSIDE[1])
    line = int(re.search(r'File "<string>", line (\d+)', result.stderr).group(1))
    assert script.splitlines()[line - 1].strip().startswith("w -= w.grad * lr  # mistake")
    run = train(datasets.crops(), OUTSIDE[1])
    assert run.stop_reason == message and run.stopped_at == 0


@pytest.mark.parametrize("name", ["crops tutorial", "csv adam batch 3 standardized"])
def test_script_is_standalone_and_names_the_settings(name):
    dataset, config = CASES[name]
    script = training_script(_data(dataset), config)
    assert "playground" not in script.replace("Autograd Playground", "")
    assert f"torch.Generator().manual_seed({config.seed})" in script
    assert f"lr = {config.lr!r}" in script
    assert f"for epoch in range({config.epochs}):" in script
    compile(script, "<exported>", "exec")


def test_script_embeds_the_data_exactly():
    data = datasets.line(points=12, noise=0.3, seed=11)
    namespace: dict[str, object] = {}
    script = training_script(data, TrainConfig(epochs=0))
    with torch.random.fork_rng(devices=[]):
        exec(compile(script, "<exported>", "exec"), namespace)  # prints "[]"
    assert torch.equal(namespace["inputs"], data.x)
    assert torch.equal(namespace["targets"], data.y)


def test_csv_column_names_cannot_break_the_script():
    """Quotes, backslashes, NUL and line breaks in CSV headers stay inside the docstring."""
    raw = b'"a\x00z\nq""""""",c\\d,"it\'s ""x"""\n1,2,3\n3,5,4\n6,1,9\n'
    header, _ = datasets.read_csv(raw)
    data = datasets.from_csv(raw, header[:2], header[2:])
    script = training_script(data, TrainConfig(epochs=3))
    namespace: dict[str, object] = {}
    exec(compile(script, "<exported>", "exec"), namespace)
    assert all(name in namespace["__doc__"] for name in header)
