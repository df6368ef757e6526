"""DOT rendering: shared nodes are split so the browser's layout stays fast; every node
carries classes the graph view colours by."""

from __future__ import annotations

import re
import shutil

import pytest

import playground
from playground.graph.render_dot import SPLIT_DEGREE, dot_source, render_dot
from playground.presets import preset_source

FAN_IN = (
    "w = torch.tensor(1.01, requires_grad=True)\ny = w\n"
    "for i in range(60):\n    y = y * w + w\ny.backward()\n"
)


def _out_degrees(dot: str) -> dict[str, int]:
    degrees: dict[str, int] = {}
    for src in re.findall(r"^\s*(\w+) -> \w+", dot, flags=re.M):
        degrees[src] = degrees.get(src, 0) + 1
    return degrees


def test_a_weight_used_by_every_op_is_drawn_beside_each_use() -> None:
    result = playground.run(FAN_IN)
    leaf = next(n.id for n in result.graph.nodes if n.name == "w")
    uses = sum(1 for e in result.graph.edges if e.src == leaf)
    assert uses > SPLIT_DEGREE
    dot = dot_source(result.graph)
    assert max(_out_degrees(dot).values()) <= SPLIT_DEGREE
    assert dot.count("w (shared)") == uses - SPLIT_DEGREE
    # Every use is still drawn: as an edge from w or from one of its copies.
    edges_into_ops = len(re.findall(rf"^\s*{leaf}(_use\d+)? -> ", dot, flags=re.M))
    assert edges_into_ops == uses


def test_small_graphs_are_unchanged() -> None:
    result = playground.run("a = torch.tensor(3., requires_grad=True)\ny = a * a + a")
    assert "(shared)" not in dot_source(result.graph)


# ---------------------------------------------------------------- node classes
# The graph view recolours nodes from the theme by these classes (graph_view.css);
# Graphviz copies a node's `class` into its SVG group.

NEURON = preset_source("Tanh neuron")


def _classes(dot: str) -> dict[str, set[str]]:
    """Node id -> its classes, read from the DOT's node statements."""
    found = re.findall(r'^\s*(\w+) \[label=.* class=("[^"]*"|\w+)', dot, flags=re.M)
    return {node: set(cls.strip('"').split()) for node, cls in found}


def test_every_node_has_its_kind_as_a_class_and_the_output_is_marked() -> None:
    result = playground.run(NEURON)
    classes = _classes(dot_source(result.graph))
    assert set(classes) == {n.id for n in result.graph.nodes}
    for node in result.graph.nodes:
        assert node.kind in classes[node.id], (node.id, classes[node.id])
        assert ("output" in classes[node.id]) == (node.id == result.graph.root)
    kinds = {n.kind for n in result.graph.nodes}
    assert {"leaf", "constant", "op"} <= kinds  # the neuron has every friendly kind


def test_the_raw_view_marks_pytorch_nodes() -> None:
    graph = playground.run(NEURON).raw_graph
    classes = _classes(dot_source(graph))
    assert {n.id for n in graph.nodes if n.kind == "autograd"} == {
        node for node, cls in classes.items() if "autograd" in cls
    }
    assert any(n.kind == "autograd" for n in graph.nodes)


def test_step_states_are_classes_and_the_colours_stay_for_downloads() -> None:
    result = playground.run(NEURON)
    ids = [n.id for n in result.graph.nodes]
    dot = render_dot(result.graph, active=ids[0], done=frozenset(ids[1:3])).source
    classes = _classes(dot)
    assert "active" in classes[ids[0]] and "done" not in classes[ids[0]]
    assert all("done" in classes[i] and "active" not in classes[i] for i in ids[1:3])
    assert not any({"active", "done"} & classes[i] for i in ids[3:])
    assert 'fillcolor="#ffb300"' in dot  # the light colours the downloads show


def test_shared_copies_keep_their_kind_and_say_they_are_copies() -> None:
    result = playground.run(FAN_IN)
    classes = _classes(dot_source(result.graph))
    copies = {node: cls for node, cls in classes.items() if "_use" in node}
    assert copies
    assert all({"leaf", "shared"} <= cls for cls in copies.values()), copies


def test_graphviz_copies_the_classes_into_the_svg() -> None:
    if shutil.which("dot") is None:
        pytest.skip("needs Graphviz's dot (the browser's wasm build is tested in e2e)")
    result = playground.run(NEURON)
    svg = render_dot(result.graph).pipe(format="svg").decode()
    assert re.search(r'<g id="node\d+" class="node leaf">', svg)
    assert re.search(r'<g id="node\d+" class="node tensor output">', svg)
