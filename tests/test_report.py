"""The gradient table and the inspector, checked against plain PyTorch."""

from __future__ import annotations

import re

import numpy as np
import pytest

import playground
from playground.presets import PRESETS, TUTORIAL_FIRST, TUTORIAL_TRAINING
from playground.report import gradient_rows, inspector_rows, root_name

_NUMBER = re.compile(r"-?\d+(?:\.\d*)?(?:e[+-]?\d+)?|-?inf|nan")


def _numbers(text: str) -> np.ndarray:
    return np.array([float(n) for n in _NUMBER.findall(text)])


def _close(text: str, tensor) -> bool:
    """The table shows 4 significant digits of every element."""
    expected = tensor.detach().double().numpy().reshape(-1)
    shown = _numbers(text)
    return shown.shape == expected.shape and np.allclose(shown, expected, rtol=1e-3, atol=0)


def test_tutorial_gradient_table(ref):
    result = playground.run(TUTORIAL_FIRST)
    namespace, _ = ref.run(TUTORIAL_FIRST)
    rows = {row["gradient"]: row for row in gradient_rows(result)}
    assert set(rows) == {"dy/dx", "dy/dw", "dy/db"}  # y itself, inputs, targets: not listed
    assert rows["dy/dx"][".grad"] == "None"
    assert "does not require grad" in rows["dy/dx"]["why"]
    assert _close(rows["dy/dw"][".grad"], namespace["w"].grad)
    assert _close(rows["dy/db"][".grad"], namespace["b"].grad)
    assert "backward()" in rows["dy/dw"]["why"]


def test_rows_are_in_program_order():
    result = playground.run(TUTORIAL_FIRST)
    assert [row["gradient"] for row in gradient_rows(result)] == ["dy/dx", "dy/dw", "dy/db"]


def test_non_leaf_rows_explain_why_grad_is_none():
    source = PRESETS[4].source  # x ** 2 then .sum()
    result = playground.run(source)
    rows = {row["gradient"]: row for row in gradient_rows(result)}
    assert root_name(result) == "s"
    assert rows["ds/dy"][".grad"] == "None"
    assert "retain_grad" in rows["ds/dy"]["why"]


def test_vector_gradients_match_plain_pytorch(ref):
    for preset in PRESETS:
        result = playground.run(preset.source)
        namespace, _ = ref.run(preset.source)
        root = root_name(result)
        for row in gradient_rows(result):
            name = row["gradient"].removeprefix(f"d{root}/d")
            tensor = namespace[name]
            grad = tensor.grad if (tensor.is_leaf or tensor.retains_grad) else None
            if grad is None:
                assert row[".grad"] == "None", (preset.title, name)
            else:
                assert _close(row[".grad"], grad), (preset.title, name, row)


def test_prebound_data_is_listed_only_when_the_graph_uses_it():
    tutorial = {row["name"] for row in inspector_rows(playground.run(TUTORIAL_FIRST))}
    assert "inputs" not in tutorial and "targets" not in tutorial
    training = {row["name"] for row in inspector_rows(playground.run(TUTORIAL_TRAINING))}
    assert {"inputs", "targets", "w", "b", "loss", "preds"} <= training


def test_inspector_rows_match_plain_pytorch(ref):
    result = playground.run(TUTORIAL_FIRST)
    namespace, _ = ref.run(TUTORIAL_FIRST)
    rows = {row["name"]: row for row in inspector_rows(result)}
    assert set(rows) == {"x", "w", "b", "y"}
    for name, row in rows.items():
        tensor = namespace[name]
        assert set(row) == {"name", "value", "shape", "dtype", "requires_grad", "is_leaf", "grad"}
        assert _close(row["value"], tensor)
        assert row["requires_grad"] == tensor.requires_grad
        assert row["is_leaf"] == tensor.is_leaf
        assert row["dtype"] == "float32"
        assert row["shape"] == "scalar"
        grad = tensor.grad if tensor.is_leaf else None
        assert (row["grad"] == "None") == (grad is None)
        if grad is not None:
            assert _close(row["grad"], grad)


def test_inspector_shapes_and_matrices(ref):
    result = playground.run(TUTORIAL_TRAINING)
    namespace, _ = ref.run(TUTORIAL_TRAINING)
    rows = {row["name"]: row for row in inspector_rows(result)}
    assert rows["w"]["shape"] == "2×3"
    assert rows["inputs"]["shape"] == "5×3"
    assert _close(rows["w"]["value"], namespace["w"])
    assert _close(rows["inputs"]["value"], namespace["inputs"])


def test_large_tensors_are_summarised():
    result = playground.run("big = torch.arange(100.)\n")
    (row,) = inspector_rows(result)
    assert "min" in row["value"] and "max" in row["value"] and "mean" in row["value"]
    assert row["shape"] == "100"


@pytest.mark.parametrize("source", ["", "x = torch.ones(2)\n", "x = (\n"])
def test_tables_without_a_graph(source):
    result = playground.run(source)
    assert root_name(result) == "out"
    for row in gradient_rows(result):
        assert row["gradient"].startswith("dout/d")
    assert all(row["name"] not in ("inputs", "targets") for row in inspector_rows(result))
