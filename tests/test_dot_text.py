"""Our DOT text, checked by Graphviz itself: `dot` must read back every label exactly,
and our text must mean what the `graphviz` package would have written.

`render_dot` writes DOT lines directly instead of through `graphviz.Digraph.node` (it
was most of the drawing time). These tests make `dot -Tsvg` / `dot -Tcanon` the judge.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import xml.etree.ElementTree as ET

import graphviz
import pytest

import playground
from playground.graph.dot_text import quote
from playground.graph.model import Graph, GraphEdge, GraphNode
from playground.graph.render_dot import SPLIT_DEGREE, node_label, node_style, render_dot
from playground.presets import PRESETS

SVG = "{http://www.w3.org/2000/svg}"
TRICKY = [
    'say "hi"',
    "back\\slash and a literal \\n that is not a line break",
    "ends with a backslash \\",
    'quote at the end "',
    "x < y & z > w",
    "<b>looks like markup</b>",
    "∂ŷ/∂w — 日本語, ünïcödé",
    "first line\nsecond line",
    "graph",
    "Node",
    "-3.5",
    "n" + "very_long_name_" * 400,
]


def _dot(*args: str, source: str) -> str:
    """Run Graphviz's `dot`; fail locally-visible and in CI when it is missing."""
    binary = shutil.which("dot")
    if binary is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but Graphviz `dot` is not installed")
        pytest.skip("Graphviz `dot` is not installed")
    done = subprocess.run(
        [binary, *args], input=source.encode(), capture_output=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr.decode()
    assert b"syntax error" not in done.stderr, done.stderr.decode()
    return done.stdout.decode()


def _svg_text(source: str) -> dict[str, list[str]]:
    """Node id (its <title>) -> the lines of text Graphviz drew in it.

    A node's group is `<g class="node leaf shared">`: Graphviz puts our DOT `class` after
    its own `node`, so the group is found by that first word."""
    root = ET.fromstring(_dot("-Tsvg", source=source))
    found = {}
    for group in root.iter(f"{SVG}g"):
        if (group.get("class") or "").split()[:1] == ["node"]:
            title = group.find(f"{SVG}title").text
            found[title] = [t.text or "" for t in group.iter(f"{SVG}text")]
    return found


def _tricky_graph() -> Graph:
    """Every tricky text as a node label, and one of them as a node used by many ops."""
    nodes = [GraphNode(f"n{i}", "constant", text) for i, text in enumerate(TRICKY)]
    nodes.append(GraphNode("op node", "op", "x < y", op='Say"Backward0"'))
    edges = [GraphEdge(n.id, "op node") for n in nodes[:-1]]
    shared = nodes[0].id  # feeds more ops than SPLIT_DEGREE: drawn again as copies
    ops = [GraphNode(f"use{i}", "op", "*", op="MulBackward0") for i in range(SPLIT_DEGREE + 2)]
    edges += [GraphEdge(shared, op.id) for op in ops]
    return Graph(tuple(nodes + ops), tuple(edges), root="op node")


def test_quote_follows_dots_rules() -> None:
    assert quote("n12") == "n12" and quote("_a1") == "_a1" and quote("-3.5") == "-3.5"
    assert quote("graph") == '"graph"' and quote("Digraph") == '"Digraph"'
    assert quote("") == '""' and quote("1a") == '"1a"' and quote("é") == '"é"'
    assert quote('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'


def test_dot_reads_back_every_tricky_label_exactly() -> None:
    graph = _tricky_graph()
    drawn = _svg_text(render_dot(graph).source)
    for node in graph.nodes:
        assert drawn[node.id] == node_label(node).split("\n"), node.id
    copies = [lines for nid, lines in drawn.items() if "_use" in nid]
    uses = sum(e.src == graph.nodes[0].id for e in graph.edges)
    assert copies == [[f"{TRICKY[0]} (shared)"]] * (uses - SPLIT_DEGREE)


def test_step_through_html_labels_keep_their_text() -> None:
    result = playground.run("ŵ = torch.tensor(2., requires_grad=True)\ny = ŵ * ŵ\ny.backward()")
    assert result.ok, result.error
    graph = result.graph
    tensors = [n for n in graph.nodes if n.tensor is not None]
    grads = {n.id: '<4> & "four"' for n in tensors}
    dot = render_dot(graph, active=tensors[0].id, grads=grads, revealed=frozenset(grads))
    drawn = _svg_text(dot.source)
    for node in tensors:
        expected = [*node_label(node).split("\n")[:-1], 'grad <4> & "four"']
        assert drawn[node.id] == expected


def _reference(graph: Graph, **step) -> graphviz.Digraph:
    """What the graphviz package writes for the same drawing, node by node, with its
    own way of making text literal (`escape`: backslashes; `nohtml`: no markup)."""
    dot = graphviz.Digraph(
        "autograd", graph_attr={"rankdir": "LR", "nodesep": "0.25", "ranksep": "0.35"}
    )
    dot.attr("node", fontname="Helvetica", fontsize="14")
    dot.attr("edge", color="#666666", arrowsize="0.7")
    ours = render_dot(graph, **step)  # only to learn which labels became HTML
    html = {line.split(" ", 1)[0].strip() for line in ours.body if "label=<" in line}
    styles = {}
    for node in graph.nodes:
        flags = (node.id == graph.root, node.id in step.get("done", ()))
        attrs = node_style(node.kind, *flags, node.id == step.get("active"))
        styles[node.id] = attrs
        label = _literal(node_label(node))
        if node.id in html:  # the HTML label itself, as our renderer wrote it
            label = next(line for line in ours.body if line.startswith(f"\t{node.id} "))
            label = label.split("label=", 1)[1].rsplit(">", 1)[0] + ">"
            dot.node(node.id, label=label, **attrs)
        else:
            dot.node(node.id, label=label, **attrs)
    uses: dict[str, int] = {}
    for index, edge in enumerate(graph.edges):
        uses[edge.src] = uses.get(edge.src, 0) + 1
        if uses[edge.src] <= SPLIT_DEGREE:
            dot.edge(edge.src, edge.dst)
            continue
        node = next(n for n in graph.nodes if n.id == edge.src)
        text = _literal(f"{node.name or node.label} (shared)")
        copy = f"{edge.src}_use{index}"
        attrs = {**styles[edge.src], "class": f"{styles[edge.src]['class']} shared"}
        dot.node(copy, label=text, **attrs, fontsize="11", margin="0.04")
        dot.edge(copy, edge.dst, style="dashed")
    return dot


def _literal(text: str) -> str:
    """Plain text for the graphviz package: its `escape` (backslashes, no markup), with
    line breaks written as DOT's `\\n` as the old renderer did."""
    return graphviz.nohtml(graphviz.escape(text).replace("\n", "\\n"))


def _graphs() -> list[tuple[str, Graph]]:
    graphs = [("tricky labels", _tricky_graph())]
    for preset in PRESETS[:4]:
        result = playground.run(preset.source)
        graphs += [(preset.title, result.graph), (f"{preset.title} (raw)", result.raw_graph)]
    fan_in = "w = torch.tensor(1.01, requires_grad=True)\ny = w\nfor i in range(8):\n  y = y * w\n"
    graphs.append(("weight used by every op", playground.run(fan_in).graph))
    return graphs


@pytest.mark.parametrize(("title", "graph"), _graphs(), ids=[t for t, _ in _graphs()])
def test_same_meaning_as_the_graphviz_package(title: str, graph: Graph) -> None:
    ours = render_dot(graph).source
    theirs = _reference(graph).source
    assert _dot("-Tcanon", source=ours) == _dot("-Tcanon", source=theirs), title
    assert ours == theirs  # and in fact the very same text, line for line


def test_step_through_same_meaning_as_the_graphviz_package() -> None:
    graph = playground.run(PRESETS[0].source).graph
    tensors = [n.id for n in graph.nodes if n.tensor is not None]
    step = {
        "active": graph.nodes[0].id,
        "done": frozenset(tensors[:2]),
        "grads": dict.fromkeys(tensors, "1.5"),
        "revealed": frozenset(tensors[:1]),
    }
    ours = render_dot(graph, **step).source
    assert _dot("-Tcanon", source=ours) == _dot("-Tcanon", source=_reference(graph, **step).source)


def test_a_notebook_can_still_restyle_the_drawing() -> None:
    """Our defaults are statements in the body, so graphviz's `.attr` still overrides them."""
    dot = render_dot(playground.run(PRESETS[0].source).graph)
    dot.attr(rankdir="TB")
    dot.attr("graph", nodesep="1")
    canon = _dot("-Tcanon", source=dot.source)
    assert "rankdir=TB" in canon and "nodesep=1" in canon
    assert "rankdir=LR" not in canon
