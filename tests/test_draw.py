"""`playground.graph.draw(tensor, params)`: the notebook API, on ordinary PyTorch code."""

from __future__ import annotations

import re
import shutil

import graphviz
import numpy as np
import pytest
import torch

import playground
from playground.graph.draw import draw
from playground.graph.render_dot import dot_source
from playground.presets import TUTORIAL_FIRST

_LABEL = re.compile(r'^\s*(n\d+) \[label="((?:[^"\\]|\\.)*)"', re.MULTILINE)
_NUMBER = re.compile(r"-?\d+(?:\.\d*)?(?:e[+-]?\d+)?")


def _labels(dot: graphviz.Digraph | str) -> dict[str, list[str]]:
    """Node id -> label lines, read back from the DOT text."""
    source = dot if isinstance(dot, str) else dot.source
    return {nid: label.split("\\n") for nid, label in _LABEL.findall(source)}


def _named(dot, name: str) -> list[str]:
    found = [lines for lines in _labels(dot).values() if lines[0] == name]
    assert len(found) == 1, (name, _labels(dot))
    return found[0]


def _numbers(text: str) -> np.ndarray:
    return np.array([float(n) for n in _NUMBER.findall(text)])


@pytest.fixture
def linear():
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        model = torch.nn.Linear(3, 2)
        x = torch.randn(4, 3)
    return model, model(x).pow(2).mean()


def test_draw_returns_a_digraph_named_by_params(linear):
    model, y = linear
    dot = draw(y, dict(model.named_parameters()))
    assert isinstance(dot, graphviz.Digraph)
    weight = _named(dot, "weight")
    bias = _named(dot, "bias")
    assert "2×3 · float32" in weight
    assert "2 · float32" in bias
    assert "requires_grad" in weight
    assert weight[-1] == "grad None"
    shown = _numbers(" ".join(weight[1:3]))
    assert np.allclose(shown, model.weight.detach().numpy().reshape(-1), rtol=1e-3)
    assert np.allclose(_numbers(bias[1]), model.bias.detach().numpy(), rtol=1e-3)


def test_draw_shows_gradients_after_backward(linear):
    model, y = linear
    y.backward()
    dot = draw(y, dict(model.named_parameters()))
    bias = _named(dot, "bias")
    assert bias[-1].startswith("grad ")
    assert np.allclose(_numbers(bias[-1]), model.bias.grad.numpy(), rtol=1e-3)
    weight_grad = _named(dot, "weight")[-1]
    first_row = model.weight.grad.numpy()[0]
    assert np.allclose(_numbers(weight_grad)[: len(first_row)], first_row, rtol=1e-3)


def test_draw_shows_ops_with_pytorch_names(linear):
    _model, y = linear
    lines = [line for label in _labels(draw(y)).values() for line in label]
    for name in ("MeanBackward0", "PowBackward0", "AddmmBackward0", "TBackward0"):
        assert name in lines
    assert "**" in lines and "mean" in lines


def test_draw_uses_the_same_labels_as_the_app(ref):
    namespace, _ = ref.run(TUTORIAL_FIRST)
    w, b, y = namespace["w"], namespace["b"], namespace["y"]
    notebook = draw(y, {"w": w, "b": b, "y": y})
    app = dot_source(playground.run(TUTORIAL_FIRST).graph)
    for name in ("w", "b", "y"):
        assert _named(notebook, name) == _named(app, name)
    # The notebook sees only what PyTorch keeps: the constant x is not in its graph.
    assert not [lines for lines in _labels(notebook).values() if lines[0] == "x"]


def test_draw_without_params_and_of_a_leaf():
    w = torch.tensor(2.0, requires_grad=True)
    unnamed = draw(w * 3)
    assert any("MulBackward0" in lines for lines in _labels(unnamed).values())
    leaf = draw(w, {"w": w})
    assert list(_labels(leaf).values()) == [_named(leaf, "w")]


def test_draw_raw_view_shows_accumulate_grad(linear):
    model, y = linear
    dot = draw(y, {"W": model.weight}, raw=True)
    text = dot.source
    assert "AccumulateGrad → W" in text
    assert "AddmmBackward0" in text


def test_draw_does_not_consume_the_graph():
    w = torch.tensor(2.0, requires_grad=True)
    y = (w * w).tanh()
    draw(y, {"w": w})
    draw(y, {"w": w}, raw=True)
    y.backward()  # still possible: drawing freed nothing
    fresh = torch.tensor(2.0, requires_grad=True)
    (fresh * fresh).tanh().backward()
    assert torch.equal(w.grad, fresh.grad)


def test_draw_max_nodes():
    x = torch.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(100):
        y = y * 1.01
    labels = _labels(draw(y, {"x": x}, max_nodes=10))
    assert len(labels) == 11
    assert any(lines[0].startswith("…") and "more nodes" in lines[0] for lines in labels.values())


def test_draw_summarises_a_long_loop_by_default():
    """As the lab does: graphviz would take minutes over every node of a long loop."""
    from playground.graph.model import DEFAULT_MAX_NODES

    x = torch.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(DEFAULT_MAX_NODES):
        y = y * 1.0001
    labels = _labels(draw(y, {"x": x}))
    assert len(labels) == DEFAULT_MAX_NODES + 1
    assert any("more nodes" in lines[0] for lines in labels.values())


@pytest.mark.parametrize("value", [3.0, [1.0], None])
def test_draw_of_something_else_says_it_wants_a_tensor(value):
    with pytest.raises(TypeError, match="takes a tensor"):
        draw(value)


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")
def test_drawing_renders_to_svg(linear):
    model, y = linear
    svg = draw(y, dict(model.named_parameters())).pipe(format="svg").decode()
    assert "<svg" in svg and "weight" in svg and "AddmmBackward0" in svg
