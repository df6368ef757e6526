"""The graph model: the real autograd graph, with names, values and constants."""

from __future__ import annotations

import contextlib
import inspect
import sys
import time

import numpy as np
import pytest
import torch

import playground
from playground.graph.draw import draw
from playground.graph.model import op_symbol
from playground.graph.render_dot import dot_source
from playground.presets import PRESETS, TUTORIAL_FIRST, TUTORIAL_TRAINING

SHARED = "a = torch.tensor(3., requires_grad=True)\ny = a * a + a\ny.backward()\n"


def _by_name(graph, name):
    nodes = [n for n in graph.nodes if n.name == name]
    assert len(nodes) == 1, f"{name!r} drawn {len(nodes)} times"
    return nodes[0]


def _ops(graph, label):
    return [n for n in graph.nodes if n.kind == "op" and n.label == label]


def _inputs_of(graph, node_id):
    return [e.src for e in graph.edges if e.dst == node_id]


def _outputs_of(graph, node_id):
    return [e.dst for e in graph.edges if e.src == node_id]


def _node(graph, node_id):
    return next(n for n in graph.nodes if n.id == node_id)


def _assert_well_formed(graph):
    ids = [n.id for n in graph.nodes]
    assert len(ids) == len(set(ids)), "node ids are unique"
    known = set(ids)
    for edge in graph.edges:
        assert edge.src in known and edge.dst in known, edge
    assert graph.root in known


# -- names, constants, ops -----------------------------------------------------------


def test_tutorial_graph_names_leaves_and_output():
    graph = playground.run(TUTORIAL_FIRST).graph
    _assert_well_formed(graph)
    assert _by_name(graph, "w").kind == "leaf"
    assert _by_name(graph, "b").kind == "leaf"
    y = _by_name(graph, "y")
    assert y.kind == "tensor"
    assert graph.root == y.id


def test_tutorial_constant_x_feeds_the_multiplication():
    graph = playground.run(TUTORIAL_FIRST).graph
    x = _by_name(graph, "x")
    assert x.kind == "constant"
    assert x.tensor is not None and not x.tensor.requires_grad and x.tensor.grad is None
    (mul,) = _ops(graph, "*")
    assert mul.op == "MulBackward0"
    assert _outputs_of(graph, x.id) == [mul.id]
    assert set(_inputs_of(graph, mul.id)) == {x.id, _by_name(graph, "w").id}


def test_op_nodes_carry_pytorch_names_and_math():
    graph = playground.run(TUTORIAL_FIRST).graph
    (add,) = _ops(graph, "+")
    assert add.op == "AddBackward0"
    # Each op produces exactly one tensor node, and `y` is the output of `+`.
    assert _outputs_of(graph, add.id) == [_by_name(graph, "y").id]
    for op in (n for n in graph.nodes if n.kind == "op"):
        assert len(_outputs_of(graph, op.id)) == 1
        assert op_symbol(op.op) == op.label


@pytest.mark.parametrize(
    ("node_name", "symbol"),
    [
        ("MulBackward0", "*"),
        ("AddBackward0", "+"),
        ("SubBackward0", "-"),
        ("DivBackward0", "/"),
        ("PowBackward0", "**"),
        ("MmBackward0", "@"),
        ("TanhBackward0", "tanh"),
        ("SumBackward0", "sum"),
        ("TBackward0", ".t()"),
        ("SigmoidBackward0", "sigmoid"),
    ],
)
def test_op_symbols(node_name, symbol):
    assert op_symbol(node_name) == symbol


def test_named_intermediates_and_their_values_match_plain_pytorch(ref):
    source = """\
x = torch.tensor(3.)
w = torch.tensor(4., requires_grad=True)
b = torch.tensor(5., requires_grad=True)
h = w * x
y = torch.tanh(h / 10 + b)
y.backward()
"""
    graph = playground.run(source).graph
    namespace, _ = ref.run(source)
    h = _by_name(graph, "h")
    assert h.kind == "tensor"
    assert np.allclose(h.tensor.value, namespace["h"].detach().numpy())
    y = _by_name(graph, "y")
    assert np.allclose(y.tensor.value, namespace["y"].detach().numpy())
    assert np.allclose(_by_name(graph, "w").tensor.grad, namespace["w"].grad.numpy())
    assert _ops(graph, "tanh")[0].op == "TanhBackward0"


def test_python_number_constants_are_shown():
    source = "w = torch.tensor(4., requires_grad=True)\ny = w * 2.5\n"
    graph = playground.run(source).graph
    (mul,) = _ops(graph, "*")
    constants = [n for n in graph.nodes if n.kind == "constant"]
    assert [c.label for c in constants] == ["2.5"]
    assert _outputs_of(graph, constants[0].id) == [mul.id]


def test_names_inside_functions_are_kept():
    graph = playground.run(TUTORIAL_TRAINING).graph
    names = {n.name for n in graph.nodes if n.name}
    assert {"loss", "preds", "diff", "w", "b", "inputs", "targets"} <= names
    assert _by_name(graph, "inputs").kind == "constant"
    assert _by_name(graph, "targets").kind == "constant"
    (matmul,) = _ops(graph, "@")
    assert _by_name(graph, "inputs").id in _inputs_of(graph, matmul.id)


def test_shared_subexpression_is_drawn_once_with_edges_into_both_ops():
    graph = playground.run(SHARED).graph
    _assert_well_formed(graph)
    a = _by_name(graph, "a")
    (mul,) = _ops(graph, "*")
    (add,) = _ops(graph, "+")
    targets = _outputs_of(graph, a.id)
    assert mul.id in targets and add.id in targets
    assert targets.count(mul.id) == 2  # a * a uses a twice
    assert sum(1 for n in graph.nodes if n.kind == "leaf") == 1


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.title)
def test_every_preset_graph_is_well_formed_and_labelled(preset):
    result = playground.run(preset.source)
    graph = result.graph
    _assert_well_formed(graph)
    assert not graph.raw
    for node in graph.nodes:
        assert node.kind in {"leaf", "constant", "op", "tensor"}
        if node.kind == "op":
            assert node.op and node.op.endswith(tuple("0123456789")) and node.label
        if node.kind == "leaf":
            assert node.name and node.tensor.requires_grad and node.tensor.is_leaf
    json = graph.to_json()
    for node in json["nodes"]:
        assert {"id", "kind", "label", "name"} <= set(node)
    for edge in json["edges"]:
        assert set(edge) == {"src", "dst"}


def test_leaf_gradients_in_the_graph_match_plain_pytorch(ref):
    for preset in PRESETS:
        graph = playground.run(preset.source).graph
        namespace, _ = ref.run(preset.source)
        for node in graph.nodes:
            if node.kind == "leaf":
                expected = namespace[node.name].grad
                assert np.allclose(node.tensor.grad, expected.numpy()), (preset.title, node.name)


# -- which tensor is drawn ---------------------------------------------------------


def test_graph_is_of_the_tensor_backward_was_last_called_on():
    source = "w = torch.tensor(2., requires_grad=True)\ny = w * 3\ny.backward()\nz = w + 100\n"
    result = playground.run(source)
    assert _node(result.graph, result.graph.root).name == "y"
    assert result.backward_called


def test_without_backward_the_last_assigned_tensor_with_a_grad_fn_is_drawn():
    source = "w = torch.tensor(2., requires_grad=True)\na = w * 3\nb = a + 1\nc = torch.ones(2)\n"
    result = playground.run(source)
    assert _node(result.graph, result.graph.root).name == "b"
    assert not result.backward_called


def test_no_graph_without_autograd():
    result = playground.run("x = torch.ones(2) * 3\n")
    assert result.ok and result.graph is None


def test_backward_on_a_leaf_draws_the_leaf():
    result = playground.run("w = torch.tensor(1., requires_grad=True)\nw.backward()\n")
    assert result.ok
    assert [n.kind for n in result.graph.nodes] == ["leaf"]


# -- the raw view -------------------------------------------------------------------


def test_raw_view_shows_accumulate_grad_nodes():
    raw = playground.run(TUTORIAL_FIRST).raw_graph
    assert raw.raw
    _assert_well_formed(raw)
    accumulate = [n for n in raw.nodes if n.op == "AccumulateGrad"]
    assert {n.name for n in accumulate} == {"w", "b"}
    assert all(n.kind == "autograd" for n in accumulate)
    assert {n.op for n in raw.nodes if n.kind == "autograd"} >= {"AddBackward0", "MulBackward0"}
    # PyTorch's view: no constants, no tensors other than the output.
    assert not [n for n in raw.nodes if n.kind == "constant"]
    assert _node(raw, raw.root).name == "y"


def test_raw_view_describes_saved_tensors_before_backward():
    source = "x = torch.tensor(3.)\nw = torch.tensor(4., requires_grad=True)\ny = w * x\n"
    raw = playground.run(source).raw_graph
    (mul,) = [n for n in raw.nodes if n.op == "MulBackward0"]
    assert any(item.startswith("other") for item in mul.saved)


def test_raw_shared_leaf_has_one_accumulate_grad():
    raw = playground.run(SHARED).raw_graph
    assert len([n for n in raw.nodes if n.op == "AccumulateGrad"]) == 1


# -- long chains: iterative walk -------------------------------------------------------


@contextlib.contextmanager
def _shallow_stack(extra: int = 150):
    """Allow only `extra` more frames: any recursive walk would fail loudly."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack(0)) + extra)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def _plain_chain(length: int) -> tuple[torch.Tensor, torch.Tensor]:
    x = torch.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(length):
        y = y * 1.0001
    return x, y


def test_build_graph_walks_a_10000_op_chain_iteratively():
    x, y = _plain_chain(10_000)
    start = time.monotonic()
    with _shallow_stack():
        graph = playground.build_graph(y, {id(x): "x"})
    assert time.monotonic() - start < 5
    ops = [n for n in graph.nodes if n.kind == "op"]
    assert len(ops) == 10_000
    assert all(n.op == "MulBackward0" for n in ops)
    assert _by_name(graph, "x").kind == "leaf"
    assert graph.hidden == 0
    with _shallow_stack():
        raw = playground.build_graph(y, {id(x): "x"}, raw=True)
    assert len([n for n in raw.nodes if n.kind == "autograd"]) == 10_001


def test_draw_handles_a_10000_op_chain():
    x, y = _plain_chain(10_000)
    y.backward()
    start = time.monotonic()
    with _shallow_stack():
        dot = draw(y, {"x": x}, max_nodes=None)  # every node (the default summarises)
    assert time.monotonic() - start < 5
    assert dot.source.count("MulBackward0") == 10_000
    assert "x\\n" in dot.source


def test_sandbox_long_loop_chain():
    source = (
        "x = torch.tensor(1., requires_grad=True)\n"
        "y = x\n"
        "for i in range(10000):\n"
        "    y = y * 1.0001\n"
        "y.backward()\n"
    )
    start = time.monotonic()
    with _shallow_stack(300):  # generous wall budget: a busy machine must not fail this
        result = playground.run(source, playground.Budgets(wall_seconds=60), max_nodes=None)
    assert time.monotonic() - start < 10
    assert result.ok, result.error
    assert len(_ops(result.graph, "*")) == 10_000
    x, y = _plain_chain(10_000)
    y.backward()
    assert np.allclose(result.tensors["x"].grad, x.grad.numpy())
    # The default cap on drawn nodes keeps the page responsive.
    default = playground.run(source, playground.Budgets(wall_seconds=60))
    assert default.graph.hidden > 0
    assert default.graph.nodes[-1].kind == "more"


# -- truncation -----------------------------------------------------------------------


def test_max_nodes_truncates_and_adds_a_more_node():
    source = (
        "x = torch.tensor(1., requires_grad=True)\n"
        "y = x\n"
        "for i in range(100):\n"
        "    y = y * 1.0001\n"
    )
    full = playground.run(source, max_nodes=None).graph
    small = playground.run(source, max_nodes=20).graph
    assert full.hidden == 0 and not [n for n in full.nodes if n.kind == "more"]
    assert small.hidden == len(full.nodes) - 20
    assert len(small.nodes) == 21
    more = small.nodes[-1]
    assert more.kind == "more"
    assert f"{small.hidden:,}" in more.label
    assert any(e.src == more.id for e in small.edges)
    _assert_well_formed(small)
    assert small.to_json()["hidden"] == small.hidden


def test_build_graph_max_nodes_on_plain_pytorch():
    x, y = _plain_chain(50)
    graph = playground.build_graph(y, {id(x): "x"}, max_nodes=10)
    assert graph.hidden > 0
    assert graph.nodes[-1].kind == "more"
    assert len(graph.nodes) == 11


# -- DOT ------------------------------------------------------------------------------


def test_dot_has_the_labels_of_the_app():
    dot = dot_source(playground.run(TUTORIAL_FIRST).graph)
    assert dot.startswith("digraph")
    for words in ("MulBackward0", "AddBackward0", "requires_grad", "grad None", "grad 3"):
        assert words in dot
    assert "x\\n3\\n" in dot  # the constant x with its value
    assert "dashed" in dot  # constants are drawn dashed


def test_dot_of_the_raw_view():
    dot = dot_source(playground.run(TUTORIAL_FIRST).raw_graph)
    assert "AccumulateGrad → w" in dot
    assert "AccumulateGrad → b" in dot


def test_huge_graphs_are_summarised_in_bounded_time():
    x = torch.tensor(1.0, requires_grad=True)
    level = [x * 1.0 for _ in range(40_000)]
    while len(level) > 1:
        pairs = range(0, len(level) - 1, 2)
        level = [level[i] + level[i + 1] for i in pairs] + level[len(level) - len(level) % 2 :]
    start = time.monotonic()
    friendly = playground.build_graph(level[0], max_nodes=100)
    raw = playground.build_graph(level[0], raw=True, max_nodes=100)
    assert time.monotonic() - start < 5
    for graph in (friendly, raw):
        assert len(graph.nodes) == 101
        assert graph.hidden >= 50_000
        assert graph.nodes[-1].kind == "more"
        assert "at least" in graph.nodes[-1].label
