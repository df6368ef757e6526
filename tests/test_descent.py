"""`descent.train` against the tutorial's loop written out in plain PyTorch, in the test.

The reference loops below follow the issue's "Behaviour that must hold": a private
`torch.Generator().manual_seed(seed)`, `w = torch.randn(k, d, ...)` then
`b = torch.randn(k, ...)`, `model(x) = x @ w.t() + b`, the tutorial's `mse`, and the
update under `torch.no_grad()` followed by `grad.zero_()` (or `torch.optim`).
"""

from __future__ import annotations

import math
import threading

import numpy as np
import pytest
import torch

from playground.training import datasets
from playground.training.descent import TrainConfig, train
from playground.training.least_squares import optimum

LEAF_IN_PLACE = "a leaf Variable that requires grad"


def _mse(t1: torch.Tensor, t2: torch.Tensor) -> torch.Tensor:
    diff = t1 - t2
    return torch.sum(diff * diff) / diff.numel()


def _standardized(x: torch.Tensor) -> torch.Tensor:
    return (x - x.mean(dim=0)) / x.std(dim=0, unbiased=False)


def plain_loop(
    inputs: torch.Tensor,
    targets: torch.Tensor,
    *,
    lr: float,
    epochs: int,
    seed: int,
    optimizer: str = "manual",
    batch_size: int | None = None,
    standardize: bool = False,
    forget_zero_grad: bool = False,
) -> dict:
    """The tutorial's training, in plain PyTorch; losses are taken before each epoch's update."""
    if standardize:
        inputs = _standardized(inputs)
    g = torch.Generator().manual_seed(seed)
    w = torch.randn(targets.shape[1], inputs.shape[1], generator=g, requires_grad=True)
    b = torch.randn(targets.shape[1], generator=g, requires_grad=True)

    def model(x: torch.Tensor) -> torch.Tensor:
        return x @ w.t() + b

    opt = {
        "manual": lambda: None,
        "sgd": lambda: torch.optim.SGD([w, b], lr=lr),
        "momentum": lambda: torch.optim.SGD([w, b], lr=lr, momentum=0.9),
        "adam": lambda: torch.optim.Adam([w, b], lr=lr),
    }[optimizer]()

    def update() -> None:
        nonlocal w, b  # `w -= ...` below is the tutorial's in-place update
        if opt is not None:
            opt.step()
            if not forget_zero_grad:
                opt.zero_grad()
            return
        with torch.no_grad():
            w -= w.grad * lr
            b -= b.grad * lr
            if not forget_zero_grad:
                w.grad.zero_()
                b.grad.zero_()

    n = len(inputs)
    losses, ws, bs, grads_w = [], [w.detach().clone()], [b.detach().clone()], []
    for _ in range(epochs):
        if batch_size is None or batch_size >= n:
            loss = _mse(model(inputs), targets)
            losses.append(loss.item())
            if not math.isfinite(losses[-1]):
                break
            loss.backward()
            grads_w.append(w.grad.clone())
            update()
        else:
            order = torch.randperm(n, generator=g)
            with torch.no_grad():
                losses.append(_mse(model(inputs), targets).item())
            if not math.isfinite(losses[-1]):
                break
            for batch in order.split(batch_size):
                loss = _mse(model(inputs[batch]), targets[batch])
                loss.backward()
                last_grad = w.grad.clone()  # the run records the last batch's
                update()
            grads_w.append(last_grad)
        ws.append(w.detach().clone())
        bs.append(b.detach().clone())
    return {"losses": losses, "w": ws, "b": bs, "grad_w": grads_w}


def _assert_run_is_plain(run, plain: dict) -> None:
    """Same losses, same parameters every epoch: bit for bit."""
    np.testing.assert_array_equal(run.losses, np.array(plain["losses"], dtype=np.float32))
    assert len(run.w) == len(plain["w"])
    for row, (w, b) in enumerate(zip(plain["w"], plain["b"], strict=True)):
        assert torch.equal(torch.from_numpy(run.w[row]), w), f"w before epoch {row}"
        assert torch.equal(torch.from_numpy(run.b[row]), b), f"b before epoch {row}"


@pytest.mark.parametrize("seed", [0, 1, 7, 12345])
@pytest.mark.parametrize("lr", [1e-5, 3e-5, 1e-6])
def test_tutorial_loop_on_crops_equals_plain_pytorch(seed, lr, ref):
    inputs = torch.tensor(ref.crop_inputs, dtype=torch.float32)
    targets = torch.tensor(ref.crop_targets, dtype=torch.float32)
    run = train(datasets.crops(), TrainConfig(lr=lr, epochs=100, seed=seed))
    plain = plain_loop(inputs, targets, lr=lr, epochs=100, seed=seed)
    assert run.stopped_at is None and run.stop_reason is None
    assert run.epochs_run == 100
    _assert_run_is_plain(run, plain)
    assert plain["losses"][-1] < plain["losses"][0]  # the tutorial's loop does learn


def test_recorded_gradients_are_the_ones_backward_computed(ref):
    inputs = torch.tensor(ref.crop_inputs, dtype=torch.float32)
    targets = torch.tensor(ref.crop_targets, dtype=torch.float32)
    run = train(datasets.crops(), TrainConfig(epochs=20, seed=3))
    plain = plain_loop(inputs, targets, lr=1e-5, epochs=20, seed=3)
    assert run.grad_w.shape == (20, 2, 3) and run.grad_b.shape == (20, 2)
    for epoch, grad in enumerate(plain["grad_w"]):
        assert torch.equal(torch.from_numpy(run.grad_w[epoch]), grad)
    # the recorded update is the tutorial's: w_next = w - lr * w.grad (float32)
    w_next = torch.from_numpy(run.w[0]) - torch.from_numpy(run.grad_w[0]) * 1e-5
    assert torch.equal(torch.from_numpy(run.w[1]), w_next)
    norm = torch.sqrt(
        torch.from_numpy(run.grad_w).pow(2).sum(dim=(1, 2))
        + torch.from_numpy(run.grad_b).pow(2).sum(dim=1)
    )
    torch.testing.assert_close(torch.from_numpy(run.grad_norm), norm)


def test_json_contract_holds_final_params(ref):
    run = train(datasets.crops(), TrainConfig(epochs=10, seed=2))
    plain = plain_loop(
        torch.tensor(ref.crop_inputs, dtype=torch.float32),
        torch.tensor(ref.crop_targets, dtype=torch.float32),
        lr=1e-5,
        epochs=10,
        seed=2,
    )
    data = run.to_json()
    assert data["losses"] == plain["losses"]
    assert data["params"]["w"] == plain["w"][-1].tolist()
    assert data["params"]["b"] == plain["b"][-1].tolist()
    assert data["stopped_at"] is None and data["stop_reason"] is None


@pytest.mark.parametrize(
    ("optimizer", "lr", "standardize"),
    [("sgd", 1e-5, False), ("momentum", 1e-6, False), ("adam", 0.1, False), ("adam", 0.05, True)],
)
def test_torch_optim_optimizers_equal_plain_loops(optimizer, lr, standardize, ref):
    inputs = torch.tensor(ref.crop_inputs, dtype=torch.float32)
    targets = torch.tensor(ref.crop_targets, dtype=torch.float32)
    config = TrainConfig(lr=lr, epochs=60, optimizer=optimizer, standardize=standardize, seed=4)
    run = train(datasets.crops(), config)
    plain = plain_loop(
        inputs,
        targets,
        lr=lr,
        epochs=60,
        seed=4,
        optimizer=optimizer,
        standardize=standardize,
    )
    assert run.stopped_at is None
    _assert_run_is_plain(run, plain)


def test_adam_differs_from_plain_sgd():
    """The optimizer setting is not ignored."""
    adam = train(datasets.crops(), TrainConfig(lr=0.1, epochs=5, optimizer="adam"))
    sgd = train(datasets.crops(), TrainConfig(lr=0.1, epochs=5, optimizer="sgd"))
    assert adam.losses[1] != sgd.losses[1]


@pytest.mark.parametrize(
    ("dataset", "batch_size", "optimizer", "lr"),
    [
        ("crops", 1, "manual", 1e-6),
        ("crops", 2, "sgd", 1e-6),
        ("crops", 3, "momentum", 1e-7),
        ("crops", 5, "manual", 1e-5),  # one batch of every row: the full batch
        ("crops", 64, "manual", 1e-5),
        ("line", 8, "manual", 0.01),
        ("line", 7, "adam", 0.05),
    ],
)
def test_mini_batches_shuffle_from_the_runs_generator(dataset, batch_size, optimizer, lr):
    data = datasets.crops() if dataset == "crops" else datasets.line(points=30, seed=5)
    config = TrainConfig(lr=lr, epochs=25, optimizer=optimizer, batch_size=batch_size, seed=9)
    run = train(data, config)
    plain = plain_loop(
        data.x, data.y, lr=lr, epochs=25, seed=9, optimizer=optimizer, batch_size=batch_size
    )
    assert run.stopped_at is None
    _assert_run_is_plain(run, plain)


def test_mini_batches_change_the_run():
    full = train(datasets.crops(), TrainConfig(lr=1e-6, epochs=5))
    small = train(datasets.crops(), TrainConfig(lr=1e-6, epochs=5, batch_size=2))
    assert full.losses[0] == small.losses[0]  # same start
    assert full.losses[-1] != small.losses[-1]


@pytest.mark.parametrize("seed", [0, 5])
def test_standardized_features_equal_plain_loop(seed, ref):
    inputs = torch.tensor(ref.crop_inputs, dtype=torch.float32)
    targets = torch.tensor(ref.crop_targets, dtype=torch.float32)
    run = train(datasets.crops(), TrainConfig(lr=0.1, epochs=80, standardize=True, seed=seed))
    plain = plain_loop(inputs, targets, lr=0.1, epochs=80, seed=seed, standardize=True)
    _assert_run_is_plain(run, plain)
    mean, std = inputs.mean(dim=0), inputs.std(dim=0, unbiased=False)
    assert np.array_equal(run.x_mean, mean.numpy()) and np.array_equal(run.x_std, std.numpy())
    # standardized, lr 0.1 is stable and reaches the optimum; on raw features it diverges
    best = optimum(_standardized(inputs), targets)
    longer = train(datasets.crops(), TrainConfig(lr=0.1, epochs=400, standardize=True, seed=seed))
    assert longer.losses[-1] == pytest.approx(best.loss, rel=1e-3)
    raw = train(datasets.crops(), TrainConfig(lr=0.1, epochs=80, seed=seed))
    assert raw.stop_reason == "diverged"


def test_standardize_refuses_a_constant_column():
    data = datasets.Dataset(
        "const",
        torch.tensor([[1.0, 2.0], [1.0, 3.0], [1.0, 5.0]]),
        torch.ones(3, 1),
        ("a", "b"),
        ("y",),
    )
    with pytest.raises(ValueError, match="constant input column"):
        train(data, TrainConfig(standardize=True, epochs=2))


def test_training_leaves_the_data_untouched():
    data = datasets.crops()
    x, y = data.x.clone(), data.y.clone()
    train(data, TrainConfig(epochs=5, standardize=True, batch_size=2))
    assert torch.equal(data.x, x) and torch.equal(data.y, y)


def test_unknown_optimizer_is_refused():
    with pytest.raises(ValueError, match="Unknown optimizer"):
        train(datasets.crops(), TrainConfig(optimizer="rmsprop", epochs=1))


@pytest.mark.parametrize("dataset", ["crops", "line"])
def test_above_the_stable_rate_training_stops_on_the_first_non_finite_loss(dataset):
    data = datasets.crops() if dataset == "crops" else datasets.line()
    lr = optimum(data.x, data.y).max_stable_lr * 1.5
    run = train(data, TrainConfig(lr=lr, epochs=1000, seed=1))
    plain = plain_loop(data.x, data.y, lr=lr, epochs=1000, seed=1)
    assert run.stop_reason == "diverged"
    assert not math.isfinite(plain["losses"][-1])
    assert run.stopped_at == len(plain["losses"]) - 1 == run.epochs_run - 1 < 1000
    assert np.isfinite(run.losses[:-1]).all() and not np.isfinite(run.losses[-1])
    assert run.losses[:-1].tolist() == plain["losses"][:-1]
    # parameters before every recorded epoch, gradients of every completed one
    assert len(run.w) == len(run.b) == run.epochs_run
    assert len(run.grad_w) == len(run.grad_norm) == run.stopped_at
    assert run.to_json()["losses"][-1] in ("inf", "nan")


@pytest.mark.parametrize("dataset", ["crops", "line"])
def test_below_the_stable_rate_training_converges_towards_the_optimum(dataset):
    data = datasets.crops() if dataset == "crops" else datasets.line()
    best = optimum(data.x, data.y)
    run = train(data, TrainConfig(lr=best.max_stable_lr * 0.9, epochs=800, seed=1))
    assert run.stopped_at is None and np.isfinite(run.losses).all()
    assert run.losses[-1] < run.losses[0] / 10
    assert run.losses[-1] >= best.loss * (1 - 1e-5)  # nothing beats least squares
    assert run.losses[-1] <= best.loss * 1.2


def _grad_norms(config: TrainConfig) -> np.ndarray:
    return train(datasets.crops(), config).grad_norm


def test_forgetting_zero_grad_makes_gradients_accumulate(ref):
    config = TrainConfig(lr=1e-6, epochs=40, forget_zero_grad=True)
    run = train(datasets.crops(), config)
    normal = train(datasets.crops(), TrainConfig(lr=1e-6, epochs=40))
    plain = plain_loop(
        torch.tensor(ref.crop_inputs, dtype=torch.float32),
        torch.tensor(ref.crop_targets, dtype=torch.float32),
        lr=1e-6,
        epochs=40,
        seed=0,
        forget_zero_grad=True,
    )
    _assert_run_is_plain(run, plain)
    for epoch, grad in enumerate(plain["grad_w"]):
        assert torch.equal(torch.from_numpy(run.grad_w[epoch]), grad)
    assert run.grad_norm[0] == normal.grad_norm[0]  # the first backward is the same
    assert run.grad_norm[-1] > 5 * run.grad_norm[0]
    assert run.grad_norm[-1] > 5 * normal.grad_norm[-1]
    assert normal.grad_norm[-1] < normal.grad_norm[0]


@pytest.mark.parametrize("optimizer", ["sgd", "momentum"])
def test_forgetting_optimizer_zero_grad_also_accumulates(optimizer, ref):
    config = TrainConfig(lr=1e-7, epochs=30, optimizer=optimizer, forget_zero_grad=True)
    run = train(datasets.crops(), config)
    plain = plain_loop(
        torch.tensor(ref.crop_inputs, dtype=torch.float32),
        torch.tensor(ref.crop_targets, dtype=torch.float32),
        lr=1e-7,
        epochs=30,
        seed=0,
        optimizer=optimizer,
        forget_zero_grad=True,
    )
    _assert_run_is_plain(run, plain)
    assert run.grad_norm[-1] > run.grad_norm[0]


def _pytorch_leaf_message() -> str:
    """What PyTorch itself says for the tutorial's update without `torch.no_grad()`."""
    w = torch.randn(2, 3, generator=torch.Generator().manual_seed(0), requires_grad=True)
    (w * w).sum().backward()
    with pytest.raises(RuntimeError) as caught:
        w -= w.grad * 1e-5
    return str(caught.value).split("\n")[0]


def test_update_outside_no_grad_stops_at_epoch_zero_with_pytorchs_error():
    message = _pytorch_leaf_message()
    assert LEAF_IN_PLACE in message
    run = train(datasets.crops(), TrainConfig(epochs=100, update_outside_no_grad=True))
    assert run.stopped_at == 0
    assert run.stop_reason == message
    assert run.epochs_run == 1 and math.isfinite(run.losses[0])
    assert len(run.w) == 1 and len(run.grad_w) == 0 and len(run.grad_norm) == 0
    normal = train(datasets.crops(), TrainConfig(epochs=1))
    assert run.losses[0] == normal.losses[0]
    assert np.array_equal(run.w[0], normal.w[0])  # the refused update changed nothing


def test_update_outside_no_grad_with_mini_batches_also_stops():
    run = train(datasets.crops(), TrainConfig(batch_size=2, update_outside_no_grad=True))
    assert run.stopped_at == 0 and run.stop_reason == _pytorch_leaf_message()


@pytest.mark.parametrize("batch_size", [None, 2])
def test_training_leaves_the_global_torch_rng_alone(batch_size):
    torch.manual_seed(1234)
    state = torch.get_rng_state()
    expected_next = torch.rand(3)
    torch.set_rng_state(state)
    train(datasets.crops(), TrainConfig(epochs=20, seed=8, batch_size=batch_size))
    train(datasets.line(points=50, seed=3), TrainConfig(lr=0.01, epochs=5, batch_size=batch_size))
    assert torch.equal(torch.get_rng_state(), state)
    assert torch.equal(torch.rand(3), expected_next)


def test_global_seed_does_not_change_a_run():
    config = TrainConfig(epochs=10, seed=6, batch_size=2, lr=1e-6)
    torch.manual_seed(0)
    first = train(datasets.crops(), config)
    torch.manual_seed(99)
    torch.rand(10)
    second = train(datasets.crops(), config)
    assert first.losses.tolist() == second.losses.tolist()
    assert np.array_equal(first.w, second.w)


def test_seeds_give_different_starts():
    a = train(datasets.crops(), TrainConfig(epochs=1, seed=1))
    b = train(datasets.crops(), TrainConfig(epochs=1, seed=2))
    assert not np.array_equal(a.w[0], b.w[0])


def test_two_students_training_at_once_get_their_own_runs():
    """Two threads with different seeds, started together: each gets its sequential result."""
    data = datasets.line(points=60, seed=1)
    configs = [
        TrainConfig(lr=0.002, epochs=30, batch_size=6, seed=seed, optimizer="momentum")
        for seed in (11, 22)
    ]
    expected = [train(data, config) for config in configs]
    results: dict[int, object] = {}
    start = threading.Barrier(2)

    def student(index: int) -> None:
        start.wait()
        results[index] = train(datasets.line(points=60, seed=1), configs[index])

    threads = [threading.Thread(target=student, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert set(results) == {0, 1}
    for index in range(2):
        assert results[index].losses.tolist() == expected[index].losses.tolist()
        assert np.array_equal(results[index].w, expected[index].w)
    assert results[0].losses.tolist() != results[1].losses.tolist()
