"""The player's data and the epoch's autograd graph, checked against plain PyTorch."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
import torch
from plain_reference import plain_loss_and_grads

from playground.training import datasets
from playground.training.descent import TrainConfig, train
from playground.training.least_squares import loss_grid, optimum
from playground.training.loss_graph import loss_graph
from playground.training.player_data import GRID, MAX_POINTS, model_inputs, player_data, reference


def _payload(data: datasets.Dataset, config: TrainConfig) -> tuple[dict, object]:
    run = train(data, config)
    return player_data(data, config, run, reference(data, config), "id").to_json(), run


def _strict_json(value: dict) -> dict:
    return json.loads(json.dumps(value, allow_nan=False))


@pytest.mark.parametrize(
    ("name", "config"),
    [
        ("crops", TrainConfig(epochs=50)),
        ("crops", TrainConfig(lr=0.05, epochs=50, standardize=True, optimizer="adam")),
        ("crops", TrainConfig(lr=1e-3, epochs=300)),  # diverges
        ("line", TrainConfig(lr=0.05, epochs=60)),
        ("line", TrainConfig(lr=0.5, epochs=600)),  # diverges
        ("crops", TrainConfig(epochs=5, update_outside_no_grad=True)),
        ("crops", TrainConfig(lr=1e-5, epochs=300, forget_zero_grad=True)),
    ],
)
def test_payload_is_strict_json_even_for_failed_runs(name, config):
    data = datasets.crops() if name == "crops" else datasets.line()
    info, run = _payload(data, config)
    back = _strict_json(info)
    assert len(back["losses"]) == run.epochs_run
    assert len(back["w"]) == len(run.w) and len(back["b"]) == len(run.b)
    assert back["stopped_at"] == run.stopped_at
    assert back["lr"] == config.lr
    for value, loss in zip(back["losses"], run.losses.tolist(), strict=True):
        assert value == (loss if np.isfinite(loss) else None)
    assert np.allclose(np.array(back["w"]), np.nan_to_num(run.w, posinf=1e30, neginf=-1e30),
                       atol=1e-6, rtol=1e-6)  # fmt: skip


def test_diverged_run_turns_its_last_loss_into_null():
    data = datasets.line()
    config = TrainConfig(lr=optimum(data.x, data.y).max_stable_lr * 2, epochs=500)
    info, run = _payload(data, config)
    assert run.stop_reason == "diverged"
    back = _strict_json(info)
    assert back["losses"][-1] is None
    assert all(v is not None for v in back["losses"][:-1])
    assert back["stopped_at"] == len(back["losses"]) - 1


def test_payload_carries_the_optimum_and_the_data():
    data = datasets.crops()
    config = TrainConfig(epochs=10)
    info, _ = _payload(data, config)
    best = optimum(data.x, data.y)
    assert info["optimum_loss"] == best.loss
    assert info["optimum_w"] == best.w.tolist() and info["optimum_b"] == best.b.tolist()
    assert info["x"] == data.x.tolist() and info["y"] == data.y.tolist()
    assert info["x_names"] == list(data.x_names) and info["y_names"] == list(data.y_names)
    assert info["one_d"] is False and info["landscape"] is None


def test_standardized_payload_shows_the_inputs_the_model_sees():
    data = datasets.crops()
    config = TrainConfig(lr=0.1, epochs=10, standardize=True)
    info, _ = _payload(data, config)
    x = data.x
    expected = (x - x.mean(dim=0)) / x.std(dim=0, unbiased=False)
    torch.testing.assert_close(torch.tensor(info["x"]), expected)
    assert torch.equal(model_inputs(data, config), torch.tensor(info["x"]))
    assert info["optimum_loss"] == pytest.approx(optimum(expected, data.y).loss, rel=1e-9)
    assert reference(data, config).max_stable_lr != reference(data, TrainConfig()).max_stable_lr


def test_one_d_flag_needs_one_input_and_one_target():
    line_info, _ = _payload(datasets.line(points=20), TrainConfig(lr=0.01, epochs=5))
    assert line_info["one_d"] is True and line_info["landscape"] is not None
    csv = b"a,b,c\n1,2,3\n2,1,5\n3,4,4\n4,3,8\n"
    two_out = datasets.from_csv(csv, ["a"], ["b", "c"])
    two_in = datasets.from_csv(csv, ["a", "b"], ["c"])
    for data in (two_out, two_in):
        info, _ = _payload(data, TrainConfig(lr=0.01, epochs=5))
        assert info["one_d"] is False and info["landscape"] is None


@pytest.mark.parametrize("lr", [0.05, 0.25])  # converging, diverging
def test_landscape_is_a_grid_around_the_path_and_the_optimum(lr):
    data = datasets.line(points=30, seed=2)
    config = TrainConfig(lr=lr, epochs=200, seed=1)
    info, run = _payload(data, config)
    land = _strict_json(info)["landscape"]
    a, b, z = np.array(land["a"]), np.array(land["b"]), np.array(land["z"])
    assert a.shape == b.shape == (GRID,) and z.shape == (GRID, GRID)
    assert np.all(np.diff(a) > 0) and np.all(np.diff(b) > 0)
    best = optimum(data.x, data.y)
    assert a[0] < float(best.w[0, 0]) < a[-1] and b[0] < float(best.b[0]) < b[-1]
    path_a, path_b = run.w[:, 0, 0], run.b[:, 0]
    shown = np.isfinite(path_a) & (np.abs(path_a) < 1e6) & (np.abs(path_b) < 1e6)
    assert shown[0]
    assert a[0] < path_a[shown].min() and path_a[shown].max() < a[-1]
    assert b[0] < path_b[shown].min() and path_b[shown].max() < b[-1]
    # z is log10 of the loss at each (a, b), rows over b, columns over a
    direct = torch.stack([
        torch.stack([
            ((av * data.x.double() + bv - data.y.double()) ** 2).mean() for av in a
        ]) for bv in b[:: GRID // 6]
    ])  # fmt: skip
    np.testing.assert_allclose(z[:: GRID // 6], np.log10(direct.numpy() + 1e-12), atol=1e-4)
    grid = loss_grid(data.x, data.y, torch.tensor(a), torch.tensor(b))
    np.testing.assert_allclose(z, np.log10(grid.numpy() + 1e-12), atol=1e-4)


def test_many_points_are_sampled_to_at_most_max_points():
    data = datasets.line(points=2000, seed=1)
    info, _ = _payload(data, TrainConfig(lr=0.01, epochs=3))
    assert len(info["x"]) == len(info["y"]) == MAX_POINTS
    assert info["x"][0] == data.x[0].tolist() and info["x"][-1] == data.x[-1].tolist()
    rows = {(tuple(x), tuple(y)) for x, y in zip(data.x.tolist(), data.y.tolist(), strict=True)}
    for x, y in zip(info["x"], info["y"], strict=True):
        assert (tuple(x), tuple(y)) in rows  # pairs stay together
    assert len({tuple(x) for x in info["x"]}) == MAX_POINTS  # no point drawn twice
    small = datasets.line(points=MAX_POINTS, seed=1)
    small_info, _ = _payload(small, TrainConfig(lr=0.01, epochs=3))
    assert small_info["x"] == small.x.tolist()


def _nodes(graph) -> dict:
    return {node.name: node for node in graph.nodes if node.name}


@pytest.mark.parametrize("name", ["crops", "line"])
def test_loss_graph_has_the_leaves_constants_and_plain_gradients(name):
    data = datasets.crops() if name == "crops" else datasets.line(points=12)
    run = train(data, TrainConfig(lr=1e-5 if name == "crops" else 0.05, epochs=4, seed=3))
    epoch = 3
    w_now, b_now = run.w[epoch].tolist(), run.b[epoch].tolist()
    graph = loss_graph(data.x, data.y, w_now, b_now)
    nodes = _nodes(graph)
    assert nodes["w"].kind == "leaf" and nodes["b"].kind == "leaf"
    assert nodes["inputs"].kind == "constant" and nodes["targets"].kind == "constant"
    loss, w_grad, b_grad = plain_loss_and_grads(data.x, data.y, w_now, b_now)
    np.testing.assert_array_equal(nodes["w"].tensor.value.reshape(w_grad.shape), np.array(w_now,
                                  dtype=np.float32))  # fmt: skip
    np.testing.assert_array_equal(nodes["w"].tensor.grad.reshape(w_grad.shape), w_grad.numpy())
    np.testing.assert_array_equal(nodes["b"].tensor.grad.reshape(b_grad.shape), b_grad.numpy())
    assert float(nodes["loss"].tensor.value) == loss.item() == pytest.approx(run.losses[epoch])
    # the graph's gradients are the ones training recorded for that epoch
    np.testing.assert_array_equal(nodes["w"].tensor.grad.reshape(w_grad.shape), run.grad_w[epoch])
    assert graph.root is not None
    ops = {node.label for node in graph.nodes if node.kind == "op"}
    assert ops == {".t()", "@", "+", "-", "*", "sum", "/"}  # the tutorial's forward pass
    json.dumps(graph.to_json(), allow_nan=False)


def test_loss_graph_does_not_touch_the_data():
    data = datasets.crops()
    x, y = data.x.clone(), data.y.clone()
    loss_graph(data.x, data.y, [[0.1, 0.2, 0.3], [0.0, -0.1, 0.2]], [0.5, -0.5])
    assert torch.equal(data.x, x) and torch.equal(data.y, y)
    assert data.x.grad is None and not data.x.requires_grad


def test_the_speed_select_offers_600_epochs_per_second_and_the_default():
    """The player's speeds, as its HTML offers them: rising, up to at least 600 epochs/s
    (a 5,000-epoch run in about 8 s), with the default among them and selected."""
    from playground.ui.player import DEFAULT_SPEED, HTML, SPEEDS

    offered = [int(v) for v in re.findall(r'<option value="(\d+)"', HTML)]
    assert offered == list(SPEEDS) == sorted(set(offered))
    assert offered[-1] >= 600
    assert f'<option value="{DEFAULT_SPEED}" selected>' in HTML
    assert HTML.count(" selected>") == 1
