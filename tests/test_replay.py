"""`training.replay`: the one call the gradient-descent page and the tour make."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from plain_reference import plain_loss_and_grads

from playground.training import datasets
from playground.training.descent import TrainConfig, train
from playground.training.replay import TOO_HIGH, fingerprint, replay


def test_replay_trains_exactly_what_train_trains():
    data, config = datasets.crops(), TrainConfig(epochs=30)
    shown = replay(data, config)
    direct = train(data, config)
    np.testing.assert_array_equal(shown.run.losses, direct.losses)
    np.testing.assert_array_equal(shown.run.w, direct.w)
    assert shown.config == config and not shown.lr_raised and shown.stop_message == ""
    assert shown.player.run_id == fingerprint(data, config)
    assert json.loads(json.dumps(shown.player.to_json(), allow_nan=False))["stop_message"] == ""


def test_too_high_trains_above_the_stable_limit_and_says_why_it_stopped():
    data = datasets.line(points=20, seed=3)
    shown = replay(data, TrainConfig(lr=0.01, epochs=500), lr_too_high=True)
    assert shown.lr_raised
    assert shown.config.lr == pytest.approx(shown.optimum.max_stable_lr * TOO_HIGH)
    assert shown.run.stop_reason == "diverged"
    assert f"epoch {shown.run.stopped_at}" in shown.stop_message
    assert f"{shown.optimum.max_stable_lr:.3g}" in shown.stop_message
    assert shown.player.stop_message == shown.stop_message
    assert shown.player.lr == shown.config.lr


def test_update_outside_no_grad_carries_pytorchs_own_error():
    shown = replay(datasets.crops(), TrainConfig(epochs=5, update_outside_no_grad=True))
    with pytest.raises(RuntimeError) as plain:
        w = torch.ones(2, requires_grad=True)
        (w * w).sum().backward()
        w -= w.grad * 0.1
    assert shown.run.stopped_at == 0
    assert str(plain.value).split("\n")[0] in shown.stop_message


def test_fingerprint_tells_settings_and_data_apart():
    crops, line = datasets.crops(), datasets.line(points=20)
    base = fingerprint(crops, TrainConfig())
    assert base == fingerprint(datasets.crops(), TrainConfig())
    assert base != fingerprint(crops, TrainConfig(seed=1))
    assert base != fingerprint(crops, TrainConfig(), lr_too_high=True)
    assert fingerprint(line, TrainConfig()) != fingerprint(datasets.line(points=21), TrainConfig())


def test_stable_lr_note_compares_raw_and_standardized_features():
    shown = replay(datasets.crops(), TrainConfig(epochs=3))
    assert f"{shown.optimum.max_stable_lr:.3g}" in shown.stable_lr_note
    assert "standardized ones" in shown.stable_lr_note
    assert "1,000× below" in replay(datasets.crops(), TrainConfig(lr=1e-7, epochs=3)).slow_lr_hint
    assert replay(datasets.crops(), TrainConfig(epochs=3)).slow_lr_hint == ""


def test_epoch_graph_gradients_are_plain_pytorchs():
    data = datasets.crops()
    shown = replay(data, TrainConfig(epochs=4, seed=2))
    epoch = 2
    loss, grad_w, grad_b = plain_loss_and_grads(
        data.x, data.y, shown.run.w[epoch].tolist(), shown.run.b[epoch].tolist()
    )
    nodes = {n.name: n for n in shown.epoch_graph(epoch).nodes if n.name}
    np.testing.assert_array_equal(nodes["w"].tensor.grad.reshape(grad_w.shape), grad_w.numpy())
    np.testing.assert_array_equal(nodes["b"].tensor.grad.reshape(grad_b.shape), grad_b.numpy())
    assert float(nodes["loss"].tensor.value) == loss.item()


def test_script_is_the_training_script_of_the_config_as_trained():
    shown = replay(datasets.line(points=10), TrainConfig(lr=0.01, epochs=50), lr_too_high=True)
    assert f"lr = {shown.config.lr!r}" in shown.script
