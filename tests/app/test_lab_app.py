"""AppTest: the Expression lab page, run headless in-process (no browser)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch
from editor_state import send_code, shown_code, shown_dot
from streamlit.testing.v1 import AppTest

import playground
from playground.presets import PRESETS, TUTORIAL_TRAINING
from playground.report import gradient_rows, inspector_rows
from playground.ui.widgets import as_plain_text

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def at() -> AppTest:
    os.chdir(ROOT)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    return app.run()


def _printed(at: AppTest) -> str:
    """The printed-output block (the other code blocks hold scripts and links)."""
    blocks = [c.value for c in at.code if not c.value.startswith(('"""', "http", "?"))]
    return blocks[-1]


def _dot(at: AppTest) -> str:
    return shown_dot(at)


def test_lands_on_the_lab_with_the_tutorial_graph(at: AppTest) -> None:
    assert not at.exception
    assert at.title[0].value == "Expression lab"
    assert shown_code(at) == PRESETS[0].source
    dot = _dot(at)
    for text in ("MulBackward0", "AddBackward0", "grad 3", "grad 1", "w\\n4", "x\\n3"):
        assert text in dot
    assert _printed(at) == "dy/dx: None\ndy/dw: tensor(3.)\ndy/db: tensor(1.)"


def test_gradient_table_matches_plain_pytorch(at: AppTest) -> None:
    w = torch.tensor(4.0, requires_grad=True)
    b = torch.tensor(5.0, requires_grad=True)
    (w * torch.tensor(3.0) + b).backward()
    table = at.table[0].value
    grads = dict(zip(table["gradient"], table[".grad"], strict=True))
    assert float(grads["dy/dw"]) == w.grad.item()
    assert float(grads["dy/db"]) == b.grad.item()
    assert grads["dy/dx"] == "None"


def test_leaf_input_rewrites_code_and_updates_graph(at: AppTest) -> None:
    at.number_input(key="leaf_w").set_value(10.0).run()
    assert "w = torch.tensor(10., requires_grad=True)" in shown_code(at)
    assert "y\\n35" in _dot(at)


def test_error_keeps_last_graph_marked_stale(at: AppTest) -> None:
    send_code(at, "x = torch.tensor(1.)\ny = w @")
    assert not at.exception
    assert at.error[0].value.startswith("Line 2: Syntax error")
    assert any("Stale" in w.value for w in at.warning)
    assert "MulBackward0" in _dot(at)


def test_runtime_error_has_hint_and_line(at: AppTest) -> None:
    code = "w = torch.ones(2, 3, requires_grad=True)\ny = (w * 2)\ny.backward()"
    send_code(at, code)
    assert at.error[0].value.startswith("Line 3:")
    assert "scalar outputs" in at.error[0].value
    assert "y.sum().backward()" in at.info[0].value


def test_pytorchs_warning_is_shown_under_the_output_with_its_line(at: AppTest) -> None:
    code = "w = torch.ones(2, requires_grad=True)\nz = w * 2\nprint(z.grad)"
    send_code(at, code)
    expected = playground.run(code).warnings
    assert len(expected) == 1
    assert _printed(at) == "None"
    assert [w.value for w in at.warning] == [as_plain_text(expected[0].text)]
    assert expected[0].text.startswith("Line 3: UserWarning: The .grad attribute")


def test_preset_picker_loads_program(at: AppTest) -> None:
    at.selectbox(key="lab_preset").select("Shared subexpression: a*a + a").run()
    assert "a * a + a" in shown_code(at)
    assert "grad 7" in _dot(at)


def test_training_block_runs_in_the_page(at: AppTest) -> None:
    send_code(at, TUTORIAL_TRAINING)
    assert not at.error
    dot = _dot(at)
    assert "MmBackward0" in dot and "inputs" in dot and "targets" in dot
    assert "grad_fn=<DivBackward0>" in _printed(at)


def test_raw_view_shows_accumulate_grad(at: AppTest) -> None:
    at.toggle(key="lab_raw").set_value(True).run()
    assert "AccumulateGrad" in _dot(at)


def test_svg_button_explains_when_graphviz_missing(
    at: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    at.run()
    assert any("Graphviz" in c.value for c in at.caption)


def test_step_through_shows_accumulation_and_ends_at_backwards_gradients(at: AppTest) -> None:
    at.selectbox(key="lab_preset").select("Shared subexpression: a*a + a").run()
    at.toggle(key="lab_stepping").set_value(True).run()
    assert any("Before backward()" in m.value for m in at.markdown)
    seen = []
    for _ in range(3):
        at.button(key="lab_next").click().run()
        seen += [m.value for m in at.markdown]
    assert not at.exception
    assert any("Paths meet" in line and "+=" in line for line in seen)
    a = torch.tensor(3.0, requires_grad=True)
    (a * a + a).backward()
    assert f"a.grad += {a.grad.item():g}" in " ".join(seen)
    assert at.success[0].value.startswith("Done")
    at.button(key="lab_prev").click().run()
    assert any("Step 2 of 3" in m.value for m in at.markdown)


def test_gradient_check_passes_on_the_tutorial_and_flags_a_hidden_path(at: AppTest) -> None:
    at.button(key="lab_gradcheck").click().run()
    assert at.success[0].value.startswith("All 2 differentiable elements agree")
    at.selectbox(key="lab_preset").select("Gradient check: .detach() hides a path").run()
    at.button(key="lab_gradcheck").click().run()
    assert not at.exception
    assert "disagree with finite differences" in at.error[0].value


def test_a_big_graph_is_summarised_and_can_be_expanded(at: AppTest) -> None:
    code = (
        "w = torch.tensor(1.01, requires_grad=True)\ny = w\n"
        "for i in range(300):\n    y = y * w + w\ny.backward()\n"
    )
    send_code(at, code)
    assert any("Large graph" in i.value for i in at.info)
    assert "more nodes" in _dot(at)
    shown = len(at.session_state["lab_result"].graph.nodes)
    at.button(key="lab_more").click().run()
    assert len(at.session_state["lab_result"].graph.nodes) == shown + 100
    at.button(key="lab_fewer").click().run()
    assert len(at.session_state["lab_result"].graph.nodes) == shown


def test_a_session_keeps_only_what_the_page_shows(at: AppTest) -> None:
    """A big program's result, as the session holds it, is summarised (red team: a
    lab session held two 61 MB results)."""
    import pickle

    program = (
        "w = torch.randn(500, 500, requires_grad=True)\nloss = (w * w).sum()\nloss.backward()\n"
    )
    send_code(at, program)
    assert not at.exception and "SumBackward0" in _dot(at)
    kept = at.session_state["lab_result"], at.session_state["lab_last_good"]
    assert len(pickle.dumps(kept)) < 100_000


def test_tables_are_built_once_per_result(at: AppTest) -> None:
    """A rerun that shows the same result reuses its tables; a new run builds new ones."""
    shown, (gradients, inspector) = at.session_state["lab_tables"]
    assert gradients.to_pylist() == gradient_rows(shown)
    assert inspector.to_pylist() == inspector_rows(shown)
    at.toggle(key="lab_raw").set_value(True).run()
    assert at.session_state["lab_tables"][1][0] is gradients
    at.number_input(key="leaf_w").set_value(10.0).run()
    assert at.session_state["lab_tables"][1][0] is not gradients
    w = torch.tensor(10.0, requires_grad=True)
    (w * torch.tensor(3.0) + torch.tensor(5.0)).backward()
    grads = dict(zip(at.table[0].value["gradient"], at.table[0].value[".grad"], strict=True))
    assert float(grads["dy/dw"]) == w.grad.item()
