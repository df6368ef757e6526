"""`python -m playground train ... --json` against the tutorial's loop in plain PyTorch.

A few cases run the real command in a subprocess (the contract as a user types it);
the flag grid calls `cli.main` in-process, which is the same code without paying for
another `import torch` each time.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from playground.cli import main
from playground.training import datasets

ROOT = Path(__file__).resolve().parents[1]


def plain_tutorial(
    inputs: torch.Tensor,
    targets: torch.Tensor,
    *,
    lr: float,
    epochs: int,
    seed: int,
    optimizer: str = "manual",
    batch_size: int | None = None,
    standardize: bool = False,
) -> tuple[list[float], torch.Tensor, torch.Tensor]:
    """The issue's reference loop: losses before each update, then the final w and b."""
    if standardize:
        inputs = (inputs - inputs.mean(dim=0)) / inputs.std(dim=0, unbiased=False)
    g = torch.Generator().manual_seed(seed)
    w = torch.randn(targets.shape[1], inputs.shape[1], generator=g, requires_grad=True)
    b = torch.randn(targets.shape[1], generator=g, requires_grad=True)

    def mse(t1: torch.Tensor, t2: torch.Tensor) -> torch.Tensor:
        diff = t1 - t2
        return torch.sum(diff * diff) / diff.numel()

    optimizers = {
        "sgd": lambda: torch.optim.SGD([w, b], lr=lr),
        "momentum": lambda: torch.optim.SGD([w, b], lr=lr, momentum=0.9),
        "adam": lambda: torch.optim.Adam([w, b], lr=lr),
    }
    opt = optimizers[optimizer]() if optimizer in optimizers else None

    def step(loss: torch.Tensor) -> None:
        loss.backward()
        if opt is not None:
            opt.step()
            opt.zero_grad()
            return
        with torch.no_grad():
            w.sub_(w.grad * lr)  # the tutorial's `w -= w.grad * lr`
            b.sub_(b.grad * lr)
            w.grad.zero_()
            b.grad.zero_()

    losses: list[float] = []
    for _ in range(epochs):
        full = batch_size is None or batch_size >= len(inputs)
        order = None if full else torch.randperm(len(inputs), generator=g)
        loss = mse(inputs @ w.t() + b, targets)
        losses.append(loss.item())
        if not math.isfinite(losses[-1]):
            break
        if order is None:
            step(loss)
        else:
            for batch in order.split(batch_size):
                step(mse(inputs[batch] @ w.t() + b, targets[batch]))
    return losses, w.detach(), b.detach()


def _crops(ref) -> tuple[torch.Tensor, torch.Tensor]:
    return (
        torch.tensor(ref.crop_inputs, dtype=torch.float32),
        torch.tensor(ref.crop_targets, dtype=torch.float32),
    )


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "playground", *args],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
    )


def _json_run(capsys, *args: str) -> dict:
    status = main(["train", *args, "--json"])
    out = capsys.readouterr()
    assert status == 0, out.err
    assert out.err == ""
    return json.loads(out.out)


def test_the_issues_command_equals_a_plain_pytorch_loop(ref):
    done = _cli("train", "--dataset", "crops", "--epochs", "100", "--lr", "1e-5", "--seed", "0",
                "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    result = json.loads(done.stdout)
    losses, w, b = plain_tutorial(*_crops(ref), lr=1e-5, epochs=100, seed=0)
    assert len(result["losses"]) == 100
    assert result["losses"] == losses
    assert result["params"]["w"] == w.tolist()
    assert result["params"]["b"] == b.tolist()
    assert torch.tensor(result["params"]["w"]).shape == (2, 3)
    assert result["losses"][-1] < result["losses"][0]


@pytest.mark.parametrize(
    "flags",
    [
        {"seed": 3, "lr": 2e-5, "epochs": 50},
        {"seed": 1, "lr": 1e-6, "epochs": 30, "optimizer": "sgd"},
        {"seed": 2, "lr": 1e-7, "epochs": 30, "optimizer": "momentum", "batch_size": 2},
        {"seed": 4, "lr": 0.1, "epochs": 40, "optimizer": "adam", "standardize": True},
        {"seed": 5, "lr": 0.05, "epochs": 40, "batch_size": 3, "standardize": True},
    ],
)
def test_crops_flags_follow_the_same_pattern(flags, ref, capsys):
    args = ["--dataset", "crops", "--seed", str(flags["seed"]), "--lr", str(flags["lr"]),
            "--epochs", str(flags["epochs"])]  # fmt: skip
    if "optimizer" in flags:
        args += ["--optimizer", flags["optimizer"]]
    if "batch_size" in flags:
        args += ["--batch-size", str(flags["batch_size"])]
    if flags.get("standardize"):
        args.append("--standardize")
    result = _json_run(capsys, *args)
    losses, w, b = plain_tutorial(*_crops(ref), **flags)
    assert result["losses"] == losses
    assert result["params"] == {"w": w.tolist(), "b": b.tolist()}
    assert result["stopped_at"] is None


def test_line_dataset_flags(capsys):
    result = _json_run(capsys, "--dataset", "line", "--points", "25", "--noise", "0.5",
                       "--slope", "-1.5", "--intercept", "3", "--data-seed", "7",
                       "--lr", "0.02", "--epochs", "60", "--seed", "2")  # fmt: skip
    data = datasets.line(points=25, noise=0.5, a=-1.5, b=3.0, seed=7)
    losses, w, b = plain_tutorial(data.x, data.y, lr=0.02, epochs=60, seed=2)
    assert result["losses"] == losses
    assert result["params"] == {"w": w.tolist(), "b": b.tolist()}
    assert abs(result["params"]["w"][0][0] - -1.5) < 0.3  # learns the slope


def test_csv_flags_train_on_the_chosen_columns(tmp_path, ref, capsys):
    rows = [
        [*x, *y, 1000 + i]
        for i, (x, y) in enumerate(zip(ref.crop_inputs, ref.crop_targets, strict=True))
    ]
    text = "temp,rain,hum,apples,oranges,id\n" + "\n".join(",".join(map(str, r)) for r in rows)
    path = tmp_path / "crops.csv"
    path.write_text(text + "\n", encoding="utf-8")
    result = _json_run(capsys, "--csv", str(path), "--x", "rain,temp", "--y", "oranges",
                       "--epochs", "40", "--lr", "1e-5", "--seed", "6")  # fmt: skip
    inputs, targets = _crops(ref)
    losses, w, b = plain_tutorial(inputs[:, [1, 0]], targets[:, [1]], lr=1e-5, epochs=40, seed=6)
    assert result["losses"] == losses
    assert result["params"] == {"w": w.tolist(), "b": b.tolist()}
    again = _json_run(capsys, "--dataset", "csv", "--csv", str(path), "--x", "rain,temp",
                      "--y", "oranges", "--epochs", "40", "--lr", "1e-5",
                      "--seed", "6")  # fmt: skip
    assert again == result


def test_divergence_is_reported_in_the_json(ref, capsys):
    result = _json_run(capsys, "--lr", "0.01", "--epochs", "200", "--seed", "1")
    losses, _, _ = plain_tutorial(*_crops(ref), lr=0.01, epochs=200, seed=1)
    assert result["stop_reason"] == "diverged"
    assert result["stopped_at"] == len(losses) - 1 == len(result["losses"]) - 1
    assert result["losses"][:-1] == losses[:-1]
    assert result["losses"][-1] in ("inf", "nan")  # JSON has no inf/NaN literals


def test_forget_zero_grad_flag_changes_the_run(capsys):
    normal = _json_run(capsys, "--lr", "1e-6", "--epochs", "30")
    forgot = _json_run(capsys, "--lr", "1e-6", "--epochs", "30", "--forget-zero-grad")
    assert forgot["losses"][:2] == normal["losses"][:2]  # one update in, they agree
    assert forgot["losses"][-1] != normal["losses"][-1]


def test_text_output_lists_every_epoch(ref, capsys):
    assert main(["train", "--epochs", "5"]) == 0
    lines = capsys.readouterr().out.splitlines()
    losses, _, _ = plain_tutorial(*_crops(ref), lr=1e-5, epochs=5, seed=0)
    assert len(lines) == 5
    for epoch, (line, loss) in enumerate(zip(lines, losses, strict=True)):
        assert line.split() == ["epoch", str(epoch), "loss", f"{loss:.6g}"]


@pytest.mark.parametrize(
    "args",
    [
        ["--epochs", "0"],
        ["--epochs", "100001"],
        ["--epochs", "ten"],
        ["--batch-size", "0"],
        ["--optimizer", "rmsprop"],
        ["--dataset", "mnist"],
        ["--lr", "fast"],
        ["--no-such-flag"],
    ],
)
def test_bad_flags_exit_2(args, capsys):
    assert main(["train", *args, "--json"]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert "error" in out.err and "Traceback" not in out.err


@pytest.mark.parametrize(
    ("content", "columns", "message"),
    [
        (b"a,b\n1,2\n3,oops\n", ("a", "b"), "Row 3, column 'b' is not a number"),
        (b"a,b\n1,2\n3,\n", ("a", "b"), "missing value"),
        (b"a,b\n1,2\n", ("a", "b"), "fewer than 2 data rows"),
        (b"", ("a", "b"), "empty"),
        (b"a,b\n1,2\n3,4\n", ("a", "c"), "No column named 'c'"),
        (b"a,b\n1,2\n3,4\n", ("a", "a"), "cannot be both an input and a target"),
        (b"a,b\n\xff,2\n3,4\n", ("a", "b"), "not UTF-8"),
    ],
)
def test_bad_csv_exits_1_with_the_reason(content, columns, message, tmp_path, capsys):
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    args = ["train", "--csv", str(path), "--x", columns[0], "--y", columns[1]]
    assert main([*args, "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] is False and message in result["error"]
    assert main(args) == 1
    out = capsys.readouterr()
    assert out.out == "" and out.err.startswith("error: ") and message in out.err


def test_csv_without_columns_or_file_exits_1(tmp_path, capsys):
    assert main(["train", "--dataset", "csv"]) == 1
    assert "--csv needs a FILE" in capsys.readouterr().err
    assert main(["train", "--csv", str(tmp_path / "missing.csv"), "--x", "a", "--y", "b"]) == 1
    assert "No such file" in capsys.readouterr().err


def test_oversized_csv_exits_1(tmp_path, capsys):
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * (datasets.MAX_CSV_BYTES // 4 + 1))
    assert main(["train", "--csv", str(path), "--x", "a", "--y", "b"]) == 1
    out = capsys.readouterr()
    assert out.err.strip() == "error: The file is larger than 5 MB." and out.out == ""


def test_bad_csv_exits_1_from_the_shell_without_a_traceback(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("a,b\n1,2\n3,4,5\n", encoding="utf-8")
    done = _cli("train", "--csv", str(path), "--x", "a", "--y", "b")
    assert done.returncode == 1
    assert done.stderr.strip() == "error: Row 3 has 3 cells but the header has 2."
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_constant_column_with_standardize_exits_1(tmp_path, capsys):
    path = tmp_path / "const.csv"
    path.write_text("a,c,y\n1,5,2\n2,5,4\n3,5,7\n", encoding="utf-8")
    args = ["train", "--csv", str(path), "--x", "a,c", "--y", "y", "--standardize", "--json"]
    assert main(args) == 1
    assert "constant input column" in json.loads(capsys.readouterr().out)["error"]
