"""The lab's training-loop record (`sandbox/loop_record.py`) against plain PyTorch.

Each program runs in the sandbox; its plain twin runs with real `exec` and appends,
at the end of every iteration of the outer loop, the values the record should hold.
"""

from __future__ import annotations

import json
import pickle
import time

import pytest
import torch

from playground import run
from playground.presets import TUTORIAL_TRAINING
from playground.sandbox import loop_record
from playground.sandbox.core.budgets import LOCAL_BUDGETS
from playground.sandbox.loop_record import MAX_POINTS, MAX_SERIES, MAX_TENSORS
from tests.plain_reference import run_plain

MARK = "# <- iteration ends"


def plain_trace(source: str, expression: str, after: str = MARK, indent: int = 4) -> list:
    """Run `source` with plain PyTorch, recording `expression` after the line holding
    `after` (the last line of the outer loop's body), at `indent` spaces."""
    lines = source.splitlines()
    at = next(i for i, line in enumerate(lines) if after in line)
    lines.insert(at + 1, " " * indent + f"trace.append({expression})")
    namespace, _ = run_plain("trace = []\n" + "\n".join(lines) + "\n")
    return namespace["trace"]


def record(source: str):
    result = run(source)
    assert result.ok, result.error
    assert result.loops is not None
    return result.loops


def test_tutorial_training_block_matches_plain_pytorch() -> None:
    loops = record(TUTORIAL_TRAINING)
    expected = plain_trace(
        TUTORIAL_TRAINING, "(loss.item(), w.tolist(), b.tolist())", after="b.grad.zero_()"
    )
    assert loops.iterations == tuple(range(100)) and loops.total == 100
    assert (
        loops.kind == "for"
        and loops.line == TUTORIAL_TRAINING.splitlines().index("for i in range(100):") + 1
    )
    assert loops.loss_name == "loss"
    assert list(loops.series["loss"]) == [loss for loss, _, _ in expected]
    assert loops.shapes["w"] == (2, 3) and loops.shapes["b"] == (2,)
    for k, (_, w, b) in enumerate(expected):
        assert loops.tensors["w"][k] == tuple(x for row in w for x in row)
        assert loops.tensors["b"][k] == tuple(b)
    # The data never changes in the loop: not "that iteration's numbers".
    assert "inputs" not in loops.tensors and "targets" not in loops.tensors


POLYNOMIAL = """\
import math
x = torch.linspace(-math.pi, math.pi, 200)
y = torch.sin(x)
a = torch.randn((), requires_grad=True)
b = torch.randn((), requires_grad=True)
c = torch.randn((), requires_grad=True)
d = torch.randn((), requires_grad=True)
learning_rate = 1e-6
for t in range(200):
    y_pred = a + b * x + c * x ** 2 + d * x ** 3
    loss = (y_pred - y).pow(2).sum()
    loss.backward()
    with torch.no_grad():
        for p in (a, b, c, d):
            p -= learning_rate * p.grad
            p.grad = None
    print(t, loss.item())  # <- iteration ends
"""


def test_polynomial_fit_matches_plain_pytorch() -> None:
    loops = record(POLYNOMIAL)
    expected = plain_trace(POLYNOMIAL, "(loss.item(), a.item(), d.item())")
    assert list(loops.series["loss"]) == [e[0] for e in expected]
    assert list(loops.series["a"]) == [e[1] for e in expected]
    assert list(loops.series["d"]) == [e[2] for e in expected]
    assert "learning_rate" not in loops.series  # bound before the loop, never changed
    assert "t" not in loops.series  # the loop counter is an int


NN_MODEL = """\
import torch.nn as nn
torch.manual_seed(3)
xs = torch.linspace(-1, 1, 32).unsqueeze(1)
ys = 3 * xs ** 2 - xs + 0.5
model = nn.Sequential(nn.Linear(1, 4), nn.Tanh(), nn.Linear(4, 1))
loss_fn = nn.MSELoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
for epoch in range(60):
    optimizer.zero_grad()
    loss = loss_fn(model(xs), ys)
    loss.backward()
    optimizer.step()  # <- iteration ends
print(loss.item())
"""


def test_nn_sequential_with_an_optimizer_matches_plain_pytorch() -> None:
    loops = record(NN_MODEL)
    expected = plain_trace(
        NN_MODEL, "(loss.item(), model[0].weight.flatten().tolist(), model[2].bias.item())"
    )
    assert list(loops.series["loss"]) == [e[0] for e in expected]
    assert [list(v) for v in loops.tensors["model.0.weight"]] == [e[1] for e in expected]
    assert loops.shapes["model.0.weight"] == (4, 1)
    assert [v[0] for v in loops.tensors["model.2.bias"]] == [e[2] for e in expected]
    assert loops.series["loss"][-1] < loops.series["loss"][0]


DATALOADER = """\
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
torch.manual_seed(5)
features = torch.randn(40, 3)
labels = features @ torch.tensor([[1.0], [-2.0], [0.5]])
loader = DataLoader(TensorDataset(features, labels), batch_size=8, shuffle=True)
model = nn.Linear(3, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
losses = []
for epoch in range(6):
    total = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item()
        losses.append(loss.item())
    mean_loss = total / len(loader)  # <- iteration ends
"""


def test_dataloader_loop_records_each_epoch_s_last_values() -> None:
    loops = record(DATALOADER)
    expected = plain_trace(DATALOADER, "(loss.item(), losses[-1], mean_loss, model.bias.item())")
    assert loops.iterations == tuple(range(6))
    assert list(loops.series["loss"]) == [e[0] for e in expected]  # the last batch's
    assert list(loops.series["losses"]) == [e[1] for e in expected]  # the list's newest
    assert list(loops.series["mean_loss"]) == [e[2] for e in expected]
    assert [v[0] for v in loops.tensors["model.bias"]] == [e[3] for e in expected]
    assert loops.loss_name == "loss"


WHILE_LOOP = """\
w = torch.tensor(5.0, requires_grad=True)
loss = (w - 2) ** 2
history = []
while loss.item() > 1e-3:
    loss = (w - 2) ** 2
    loss.backward()
    with torch.no_grad():
        w -= 0.1 * w.grad
        w.grad.zero_()
    history.append(loss.item())  # <- iteration ends
print(len(history))
"""


def test_while_loop_matches_plain_pytorch() -> None:
    loops = record(WHILE_LOOP)
    expected = plain_trace(WHILE_LOOP, "(loss.item(), w.item())")
    assert loops.kind == "while" and loops.total == len(expected)
    assert list(loops.series["loss"]) == [e[0] for e in expected]
    assert list(loops.series["w"]) == [e[1] for e in expected]
    assert list(loops.series["history"]) == [e[0] for e in expected]


IN_A_FUNCTION = """\
def fit(x, y, epochs):
    w = torch.zeros(3, requires_grad=True)
    for epoch in range(epochs):
        loss = ((x @ w - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w -= 1e-5 * w.grad
            w.grad.zero_()
        last = loss.item()  # <- iteration ends
    return w

weights = fit(inputs, targets[:, 0], 50)
print(weights)
"""


def test_loop_inside_a_function_called_from_the_top_level() -> None:
    loops = record(IN_A_FUNCTION)
    expected = plain_trace(IN_A_FUNCTION, "(loss.item(), w.tolist())", indent=8)
    assert loops.line == 3 and loops.total == 50
    assert list(loops.series["loss"]) == [e[0] for e in expected]
    assert list(loops.series["last"]) == [e[0] for e in expected]
    assert [list(v) for v in loops.tensors["w"]] == [e[1] for e in expected]


@pytest.mark.parametrize(
    "source",
    [
        "w = torch.tensor(4., requires_grad=True)\nx = torch.tensor(3.)\ny = w * x + 2\n",
        "for i in range(5):\n    print(i)\n",  # a loop, but nothing that trains
        "total = 0\nfor i in range(5):\n    total += i\n",  # ints are counters
        "x = [float(i) for i in range(5)]\n",  # a comprehension is not a loop statement
    ],
)
def test_no_record_without_a_loop_of_values(source: str) -> None:
    result = run(source)
    assert result.ok and result.loops is None


def test_a_loop_that_errors_halfway_keeps_the_iterations_before_the_error() -> None:
    source = (
        "w = torch.tensor(1.0, requires_grad=True)\n"
        "for i in range(10):\n"
        "    loss = (w * 3 - 1) ** 2\n"
        "    loss.backward()\n"
        "    with torch.no_grad():\n"
        "        w -= 0.05 * w.grad\n"
        "        w.grad.zero_()\n"
        "    if i == 6:\n"
        "        loss = torch.ones(2) @ torch.ones(3)\n"
    )
    result = run(source)
    assert not result.ok and result.error.line == 9
    loops = result.loops
    assert loops is not None and loops.failed
    assert loops.iterations == tuple(range(6)) and loops.total == 6
    plain = source.replace("    if i == 6:\n        loss = torch.ones(2) @ torch.ones(3)\n", "")
    plain = plain.replace("range(10)", "range(6)") + "    trace.append(loss.item())\n"
    namespace, _ = run_plain("trace = []\n" + plain)
    assert list(loops.series["loss"]) == namespace["trace"]


def test_break_keeps_the_iteration_it_ended() -> None:
    source = "x = 1.0\nfor i in range(100):\n    x = x / 2\n    if x < 0.01:\n        break\n"
    loops = record(source)
    namespace, _ = run_plain(source)
    assert loops.total == namespace["i"] + 1
    assert loops.series["x"][-1] == namespace["x"]


def test_a_hundred_thousand_iterations_stay_bounded(monkeypatch) -> None:
    reads = []
    real = loop_record.LoopRun.read
    monkeypatch.setattr(loop_record.LoopRun, "read", lambda self: reads.append(1) or real(self))
    source = "x = 0.0\nfor i in range(100000):\n    x = x * 0.999 + 1\n"
    start = time.monotonic()
    result = run(source, budgets=LOCAL_BUDGETS)  # 30 s: a busy machine is no failure here
    assert result.ok, result.error
    loops = result.loops
    seconds = time.monotonic() - start
    assert loops.total == 100000
    assert len(loops.iterations) <= MAX_POINTS + 1
    assert loops.iterations[-1] == 99999  # the final iteration is always kept
    stride = loops.iterations[1] - loops.iterations[0]
    assert stride == 128  # halved 7 times: 100,000 / 128 = 782 points
    assert list(loops.iterations[:-1]) == list(range(0, 100000, stride))
    # The reading is bounded, not one per iteration: ~1,000 + 500 per doubling.
    assert len(reads) < 1000 + 500 * 8
    namespace, _ = run_plain(source)
    assert loops.series["x"][-1] == namespace["x"]
    assert len(pickle.dumps(loops)) < 20_000
    assert seconds < 30  # generous: the point is it finishes at all on a busy machine


def test_caps_on_series_and_tensors() -> None:
    names = [f"v{k}" for k in range(20)]
    body = "".join(f"    {n} = float(i) * {k}\n" for k, n in enumerate(names))
    body += "".join(f"    t{k} = torch.ones(3) * i\n" for k in range(12))
    loops = record("for i in range(3):\n" + body)
    assert list(loops.series) == names[:MAX_SERIES]
    assert list(loops.tensors) == [f"t{k}" for k in range(MAX_TENSORS)]


def test_recording_changes_neither_output_nor_graph(monkeypatch) -> None:
    with_record = run(NN_MODEL)
    monkeypatch.setattr(loop_record.LoopRun, "end", lambda self: None)
    monkeypatch.setattr(loop_record.LoopRun, "finish", lambda self, failed: None)
    without = run(NN_MODEL)
    assert with_record.output == without.output == run_plain(NN_MODEL)[1]
    assert [n.label for n in with_record.graph.nodes] == [n.label for n in without.graph.nodes]


def test_record_survives_for_page_and_pickling() -> None:
    result = run(TUTORIAL_TRAINING, summarise=True)
    assert result.loops is not None
    again = pickle.loads(pickle.dumps(result))
    assert again.loops == result.loops
    data = again.loops.to_json()
    assert data["loss"] == "loss" and len(data["series"]["loss"]) == 100


def test_loss_name_prefers_loss_then_a_name_containing_it() -> None:
    source = "for i in range(3):\n    acc = i / 3\n    running_loss = 1.0 / (i + 1)\n"
    assert record(source).loss_name == "running_loss"
    assert record("for i in range(3):\n    acc = i / 3\n").loss_name == "acc"
    assert record(DATALOADER).loss_name == "loss"


def test_a_name_whose_shape_changes_has_no_value_in_those_iterations() -> None:
    source = "for i in range(4):\n    h = torch.ones(2 + i % 2) * i\n    loss = float(i)\n"
    loops = record(source)
    assert loops.series["loss"] == (0.0, 1.0, 2.0, 3.0)
    assert loops.shapes["h"] == (2,)
    assert loops.tensors["h"] == ((0.0, 0.0), None, (2.0, 2.0), None)


def test_a_model_of_many_modules_costs_each_read_a_bounded_walk(monkeypatch) -> None:
    """ReLUs appended to a ModuleList in the loop (the hostile corpus appends 100,000):
    reading the model's parameters walks its first 64 modules, not all of them.

    Counted, not timed: every walk of a model's modules is counted, and the reading
    clock never runs out, so every iteration is read whatever the machine's load."""
    walks: list[int] = []
    real_walk = torch.nn.Module.named_modules

    def counted_walk(self, *args, **kwargs):
        walks.append(0)
        for item in real_walk(self, *args, **kwargs):
            walks[-1] += 1
            yield item

    real_charge = loop_record.ReadingClock.charge
    monkeypatch.setattr(torch.nn.Module, "named_modules", counted_walk)
    monkeypatch.setattr(loop_record.ReadingClock, "charge", lambda self, s: real_charge(self, 0))
    source = (
        "linear = torch.nn.Linear(2, 1)\nlayers = torch.nn.ModuleList([linear])\n"
        "for i in range(600):\n    layers.append(torch.nn.ReLU())\n"
        "    with torch.no_grad():\n        linear.bias += 1\n"
        "    loss = linear.bias.item()\n"
    )
    loops = record(source)
    assert loops.iterations[-1] == 599  # every iteration read
    assert walks and max(walks) <= loop_record.MAX_MODULES + 1  # unbounded: up to 601
    last = loops.iterations[-1]
    losses = run_plain(source.replace("    loss = linear.bias.item()\n",
                                      "    loss = linear.bias.item()\n    seen.append(loss)\n")
                       .replace("linear = ", "seen = []\nlinear = ", 1))[0]["seen"]  # fmt: skip
    assert loops.series["loss"][-1] == losses[last]
    assert loops.tensors["layers.0.bias"][-1] == loops.tensors["linear.bias"][-1] == (losses[last],)


def test_reading_stops_once_it_has_taken_its_time(monkeypatch) -> None:
    real = loop_record.ReadingClock.charge
    # Every reading "takes" 0.2 s: iteration 0's two (lists, values) spend the 0.3 s.
    monkeypatch.setattr(loop_record.ReadingClock, "charge", lambda self, s: real(self, 0.2))
    loops = record("for i in range(50):\n    y = 0.5 ** i\n")
    assert loops.total == 50
    assert loops.iterations == (0,) and loops.series["y"] == (1.0,)


MANY_PARAMETERS = """
m = torch.nn.Sequential(*[torch.nn.Linear(1, 1) for _ in range(400)])
x = 0.0
for i in range(200000):
    x = x + 1.0
print('done', x)
"""


def test_reading_never_stretches_the_wall_budget_past_its_cap(monkeypatch) -> None:
    """400 models' parameters and 200,000 iterations: with the record the run ends as it
    does without (ok or stopped by the 3 s budget), never given more than 0.3 s."""
    from playground.sandbox.core.budgets import DEFAULT_BUDGETS

    start = time.monotonic()
    with_record = run(MANY_PARAMETERS, budgets=DEFAULT_BUDGETS)
    took = time.monotonic() - start
    monkeypatch.setattr(loop_record.LoopRun, "read", lambda self: None)
    start = time.monotonic()
    without = run(MANY_PARAMETERS, budgets=DEFAULT_BUDGETS)
    plain = time.monotonic() - start
    assert with_record.ok == without.ok
    assert took < max(plain, DEFAULT_BUDGETS.wall_seconds) + loop_record.MAX_SECONDS + 0.5


def test_the_clock_gives_back_at_most_its_cap() -> None:
    class Ctx:
        deadline = 10.0

    ctx = Ctx()
    clock = loop_record.ReadingClock(ctx)
    clock.charge(0.25)
    clock.charge(5.0)  # one slow read: only what is left of the cap is given back
    clock.charge(1.0)
    assert ctx.deadline == pytest.approx(10.0 + loop_record.MAX_SECONDS)
    assert not clock.left()


@pytest.mark.parametrize("count", [12, 20])
def test_constants_before_the_loop_take_no_series_place(count: int) -> None:
    constants = "".join(f"c{k} = {k + 0.5}\n" for k in range(count))
    source = constants + TUTORIAL_TRAINING
    loops = record(source)
    expected = plain_trace(source, "loss.item()", after="b.grad.zero_()")
    assert list(loops.series["loss"]) == expected
    assert not any(name.startswith("c") and name[1:].isdigit() for name in loops.series)


def test_a_name_bound_before_the_loop_is_backfilled_with_its_value_before_it() -> None:
    source = "lr = 0.5\nfor i in range(4):\n    if i == 2:\n        lr = lr / 2\n    y = float(i)\n"
    assert record(source).series["lr"] == (0.5, 0.5, 0.25, 0.25)


def test_two_long_names_cut_alike_are_two_series() -> None:
    first, second = "a" * 45 + "_first", "a" * 45 + "_second"
    source = f"{first} = 0.0\n{second} = 0.0\nfor i in range(5):\n"
    source += f"    {first} += 1.0\n    {second} -= 1.0\n"
    loops = record(source)
    assert len(loops.series) == 2
    assert all(len(name) <= loop_record.MAX_NAME for name in loops.series)
    firsts, seconds = loops.series.values()
    assert firsts == (1.0, 2.0, 3.0, 4.0, 5.0) and seconds == (-1.0, -2.0, -3.0, -4.0, -5.0)


def test_non_finite_numbers_go_to_the_page_as_python_prints_them() -> None:
    source = "x = 1e300\nfor i in range(4):\n    x = x * 1e3\n    z = -x\n    y = x - x\n"
    data = json.loads(json.dumps(record(source).to_json(), allow_nan=False))  # strict JSON
    assert data["series"]["x"] == [1e303, 1e306, "inf", "inf"]
    assert data["series"]["z"][2:] == ["-inf", "-inf"] and data["series"]["y"][3] == "nan"
    last = " ".join(str(data["series"][n][-1]) for n in ("x", "z", "y"))
    assert run_plain(source + "print(x, z, y)\n")[1] == last + "\n"


def test_the_largest_record_sent_to_the_page_stays_small() -> None:
    """12 series and 8 tensors of 16 elements over ~1,000 iterations: 2.84 MB of JSON
    before float32 precision and tensors at 100 kept iterations."""
    body = "".join(f"    series_with_long_name_{k:02d} = torch.rand(1).item()\n" for k in range(12))
    body += "".join(f"    tensor_with_a_long_name_{k:02d} = torch.rand(4, 4)\n" for k in range(8))
    loops = record("for i in range(999):\n" + body)
    assert len(loops.series) == 12 and len(loops.tensors) == 8 and len(loops.iterations) == 999
    data = loops.to_json()
    assert len(json.dumps(data)) < 500_000
    every = data["tensor_every"]
    name = "tensor_with_a_long_name_03"
    sent = data["tensors"][name]
    assert len(sent) <= loop_record.MAX_TENSOR_POINTS + 1
    at = [*range(0, 999, every)][: len(sent) - 1]
    for j, values in zip([*at, 998], sent, strict=True):
        assert values == pytest.approx(loops.tensors[name][j], rel=1e-7)
    loss = data["series"]["series_with_long_name_00"]
    assert loss == pytest.approx(loops.series["series_with_long_name_00"], rel=1e-7)
