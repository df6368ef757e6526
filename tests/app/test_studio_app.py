"""AppTest: the Gradient descent page, run headless in-process (no browser).

The player itself is a browser component (tested end to end elsewhere); here we check
what the server computes for it: the run kept per session, the messages, the script.
"""

from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path

import pytest
import streamlit as st
import torch
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from playground.training import datasets  # noqa: E402
from playground.training.descent import TrainConfig  # noqa: E402
from playground.training.least_squares import optimum  # noqa: E402
from playground.training.script import training_script  # noqa: E402

PAGE = ROOT / "playground" / "ui" / "gradient_descent.py"


@pytest.fixture
def at() -> AppTest:
    os.chdir(ROOT)
    app = AppTest.from_file(str(PAGE), default_timeout=60)
    return app.run()


def plain_losses(
    inputs: torch.Tensor, targets: torch.Tensor, lr: float, epochs: int, seed: int = 0
) -> list[float]:
    """The tutorial's loop in plain PyTorch, with the issue's seeded generator."""
    g = torch.Generator().manual_seed(seed)
    w = torch.randn(targets.shape[1], inputs.shape[1], generator=g, requires_grad=True)
    b = torch.randn(targets.shape[1], generator=g, requires_grad=True)
    losses = []
    for _ in range(epochs):
        diff = inputs @ w.t() + b - targets
        loss = torch.sum(diff * diff) / diff.numel()
        losses.append(loss.item())
        if not math.isfinite(losses[-1]):
            break
        loss.backward()
        with torch.no_grad():
            w.sub_(w.grad * lr)
            b.sub_(b.grad * lr)
            w.grad.zero_()
            b.grad.zero_()
    return losses


def _crops(ref) -> tuple[torch.Tensor, torch.Tensor]:
    return (
        torch.tensor(ref.crop_inputs, dtype=torch.float32),
        torch.tensor(ref.crop_targets, dtype=torch.float32),
    )


def _run(at: AppTest):
    shown = at.session_state["gd_replay"]
    return shown.run, shown.optimum, shown.player.run_id


def _errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def test_page_loads_with_the_tutorials_run(at: AppTest, ref) -> None:
    assert not at.exception
    assert at.title[0].value == "Gradient descent"
    assert _errors(at) == []
    run, best, _ = _run(at)
    assert run.losses.tolist() == plain_losses(*_crops(ref), lr=1e-5, epochs=100)
    assert run.stopped_at is None
    assert best.loss == optimum(*_crops(ref)).loss
    buttons = at.get("download_button")
    assert len(buttons) == 1 and buttons[0].proto.label == "Download PyTorch script"
    assert at.code[0].value.strip() == training_script(datasets.crops(), TrainConfig()).strip()
    assert any("Largest stable learning rate" in i.value for i in at.info)


def test_rerun_without_changes_reuses_the_run(at: AppTest) -> None:
    _, _, run_id = _run(at)
    at.run()
    assert not at.exception
    assert _run(at)[2] == run_id


def _player_data(at: AppTest) -> dict:
    (element,) = [e for e in at.get("bidi_component") if e.proto.id.endswith("-gd_player")]
    return json.loads(element.proto.json)


def test_the_player_gets_its_run_as_json_made_once_per_run(at: AppTest) -> None:
    """The run goes as JSON text made once: a rerun sends the very same text again."""
    player = at.session_state["gd_replay"].player
    sent = _player_data(at)
    assert sent["run_id"] == player.run_id
    assert json.loads(sent["json"]) == json.loads(json.dumps(player.to_json()))
    source, text = at.session_state["gd_player_json"]
    assert source is player and text == sent["json"]
    at.run()
    assert at.session_state["gd_player_json"][1] is text
    at.sidebar.select_slider(key="gd_lr").set_value(2e-5).run()
    assert json.loads(_player_data(at)["json"])["lr"] == 2e-5
    assert at.session_state["gd_player_json"][1] is not text


def test_changing_the_learning_rate_retrains(at: AppTest, ref) -> None:
    _, _, before = _run(at)
    at.sidebar.select_slider(key="gd_lr").set_value(2e-5).run()
    assert not at.exception
    run, _, after = _run(at)
    assert after != before
    assert run.losses.tolist() == plain_losses(*_crops(ref), lr=2e-5, epochs=100)
    assert "lr = 2e-05" in at.code[0].value


def test_epochs_optimizer_batch_and_standardize_reach_the_run(at: AppTest) -> None:
    at.sidebar.select_slider(key="gd_lr").set_value(0.1)
    at.sidebar.number_input(key="gd_epochs").set_value(30)
    at.sidebar.selectbox(key="gd_opt").set_value("adam")
    at.sidebar.selectbox(key="gd_batch").set_value(2)
    at.sidebar.toggle(key="gd_std").set_value(True)
    at.sidebar.number_input(key="gd_seed").set_value(7)
    at.run()
    assert not at.exception
    run, best, _ = _run(at)
    config = TrainConfig(lr=0.1, epochs=30, optimizer="adam", batch_size=2, standardize=True,
                         seed=7)  # fmt: skip
    assert at.code[0].value.strip() == training_script(datasets.crops(), config).strip()
    assert run.epochs_run == 30 and run.stopped_at is None
    x = datasets.crops().x
    standardized = (x - x.mean(dim=0)) / x.std(dim=0, unbiased=False)
    assert best.loss == pytest.approx(optimum(standardized, datasets.crops().y).loss, rel=1e-12)


def test_learning_rate_too_high_shows_the_divergence_message(at: AppTest) -> None:
    at.sidebar.checkbox(key="gd_high").check().run()
    assert not at.exception
    run, best, _ = _run(at)
    assert run.stop_reason == "diverged"
    limit = optimum(*(datasets.crops().x, datasets.crops().y)).max_stable_lr
    assert best.max_stable_lr == pytest.approx(limit, rel=1e-12)
    errors = _errors(at)
    assert len(errors) == 1
    assert f"Training stopped at epoch {run.stopped_at}" in errors[0]
    assert "2/λmax" in errors[0] and f"{limit:.3g}" in errors[0]
    assert any("1.6 × the stable limit" in w.value for w in at.warning)


def test_update_outside_no_grad_shows_pytorchs_error(at: AppTest) -> None:
    w = torch.randn(2, 3, requires_grad=True)
    (w * w).sum().backward()
    with pytest.raises(RuntimeError) as caught:
        w -= w.grad * 1e-5
    message = str(caught.value).split("\n")[0]
    at.sidebar.checkbox(key="gd_outside").check().run()
    assert not at.exception
    run, _, _ = _run(at)
    assert run.stopped_at == 0 and run.stop_reason == message
    errors = _errors(at)
    assert len(errors) == 1
    assert "stopped training at epoch 0" in errors[0] and message in errors[0]
    assert "torch.no_grad()" in errors[0]


def test_forget_zero_grad_shows_the_growing_gradient_norm(at: AppTest) -> None:
    at.sidebar.checkbox(key="gd_forget").check().run()
    assert not at.exception
    run, _, _ = _run(at)
    assert run.grad_norm[-1] > run.grad_norm[0]
    assert any("keep growing" in c.value for c in at.caption)
    assert any("mistake: the gradients are never zeroed" in c.value for c in at.code)


def test_line_dataset_trains_and_follows_its_settings(at: AppTest) -> None:
    at.sidebar.radio(key="gd_dataset").set_value("Line y = a·x + b").run()
    assert not at.exception
    run, _, _ = _run(at)
    data = datasets.line(40, 1.0, 2.0, -1.0, 0)
    assert run.losses.tolist() == plain_losses(data.x, data.y, lr=1e-5, epochs=100)
    at.sidebar.slider(key="gd_points").set_value(100)
    at.sidebar.select_slider(key="gd_lr").set_value(0.05)
    at.run()
    assert not at.exception
    run, best, _ = _run(at)
    data = datasets.line(100, 1.0, 2.0, -1.0, 0)
    assert run.losses.tolist() == plain_losses(data.x, data.y, lr=0.05, epochs=100)
    assert best.loss == pytest.approx(optimum(data.x, data.y).loss, rel=1e-12)
    assert run.losses[-1] == pytest.approx(best.loss, rel=1e-3)
    assert at.get("download_button")


def test_new_data_button_changes_the_line(at: AppTest) -> None:
    at.sidebar.radio(key="gd_dataset").set_value("Line y = a·x + b").run()
    first = _run(at)[0].losses[0]
    at.sidebar.button(key="gd_regen").click().run()
    assert not at.exception
    assert at.session_state["gd_data_seed"] == 1
    data = datasets.line(40, 1.0, 2.0, -1.0, 1)
    run = _run(at)[0]
    assert run.losses[0] != first
    assert run.losses.tolist() == plain_losses(data.x, data.y, lr=1e-5, epochs=100)


def test_csv_mode_without_a_file_keeps_the_last_data(at: AppTest) -> None:
    _, _, run_id = _run(at)
    at.sidebar.radio(key="gd_dataset").set_value("Upload CSV").run()
    assert not at.exception
    assert any("Showing the last data set" in w.value for w in at.warning)
    assert _run(at)[2] == run_id


def test_a_constant_column_gives_a_message_not_a_crash(at: AppTest) -> None:
    constant = b"a,c,y\n1,5,2\n2,5,4\n3,5,7\n4,5,9\n"
    at.session_state["gd_last_data"] = datasets.from_csv(constant, ["a", "c"], ["y"])
    at.sidebar.radio(key="gd_dataset").set_value("Upload CSV").run()
    assert not at.exception
    assert not _run(at)[1].unique


def test_students_asking_for_the_same_run_share_one_training(monkeypatch) -> None:
    """A class opening one lesson trains once; each session still gets its own copy."""
    import playground.training.replay

    calls: list[TrainConfig] = []
    real_train = playground.training.replay.train

    def counting_train(data, config):
        calls.append(config)
        return real_train(data, config)

    monkeypatch.setattr(playground.training.replay, "train", counting_train)
    st.cache_data.clear()
    os.chdir(ROOT)
    first = AppTest.from_file(str(PAGE), default_timeout=60).run()
    second = AppTest.from_file(str(PAGE), default_timeout=60).run()
    assert not first.exception and not second.exception
    assert len(calls) == 1
    run_1, run_2 = _run(first)[0], _run(second)[0]
    assert run_1 is not run_2 and run_1.losses.tolist() == run_2.losses.tolist()
    second.sidebar.select_slider(key="gd_lr").set_value(2e-5).run()
    assert not second.exception
    assert [c.lr for c in calls] == [1e-5, 2e-5]
    assert _run(first)[0].losses.tolist() == run_1.losses.tolist()
