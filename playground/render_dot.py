"""Graph model -> Graphviz DOT, with the labels the app and notebooks share."""

from __future__ import annotations

import html

import graphviz

from .graph import Graph, GraphNode
from .tensor_info import TensorInfo, shape_text, value_text

STYLES = {
    "leaf": {"shape": "box", "style": "rounded,filled", "fillcolor": "#d8f0d2", "color": "#2e7d32"},
    "constant": {
        "shape": "box",
        "style": "rounded,filled,dashed",
        "fillcolor": "#f2f2f2",
        "color": "#777777",
    },
    "tensor": {"shape": "box", "style": "rounded", "color": "#555555"},
    "op": {"shape": "ellipse", "style": "filled", "fillcolor": "#fff1c1", "color": "#b8860b"},
    "autograd": {"shape": "box", "style": "filled", "fillcolor": "#e8eefc", "color": "#3f5fa8"},
    "more": {"shape": "note", "style": "filled", "fillcolor": "#fde2e2", "color": "#b00020"},
}
ROOT_STYLE = {
    "penwidth": "2.5",
    "color": "#1a4fd6",
    "style": "rounded,filled",
    "fillcolor": "#dbe6ff",
}


ACTIVE_STYLE = {"fillcolor": "#ffb300", "penwidth": "3", "color": "#b35900"}
DONE_STYLE = {"penwidth": "2.5", "color": "#b35900"}


def render_dot(
    graph: Graph,
    title: str | None = None,
    active: str | None = None,
    done: frozenset[str] = frozenset(),
    grads: dict[str, str] | None = None,
    revealed: frozenset[str] = frozenset(),
) -> graphviz.Digraph:
    """A `graphviz.Digraph` of `graph`, laid out left to right (inputs first).

    For the backward step-through: `active` is the node being processed, `done` the
    ones already processed, `grads` the `.grad` line each tensor node will show at the
    end and `revealed` the nodes whose line is visible yet. Hidden lines are still
    there, written in the node's own fill colour, so every node keeps its size and
    the layout does not move between steps.
    """
    dot = graphviz.Digraph(
        "autograd", graph_attr={"rankdir": "LR", "nodesep": "0.25", "ranksep": "0.35"}
    )
    dot.attr("node", fontname="Helvetica", fontsize="14")
    dot.attr("edge", color="#666666", arrowsize="0.7")
    if title:
        dot.attr(label=title, labelloc="t", fontname="Helvetica")
    styles: dict[str, dict[str, str]] = {}
    for node in graph.nodes:
        attrs = dict(STYLES.get(node.kind, {}))
        if node.id == graph.root:
            attrs.update(ROOT_STYLE)
        if node.id in done:
            attrs.update(DONE_STYLE)
        if node.id == active:
            # Keep the node's own style words (rounded boxes stay rounded): the browser
            # morphs each node between steps and cannot morph one shape into another.
            words = [w for w in attrs.get("style", "").split(",") if w]
            if "filled" not in words:
                words.append("filled")
            attrs.update(ACTIVE_STYLE, style=",".join(words))
        if grads is not None and node.id in grads and node.tensor is not None:
            colour = "#000000" if node.id in revealed else _fill(attrs)
            label = _html_label(node, grads[node.id], colour)
        else:
            label = node_label(node)
        dot.node(node.id, label=label, **attrs)
        styles[node.id] = attrs
    _edges(dot, graph, styles)
    return dot


SPLIT_DEGREE = 3  # a node feeding more ops than this is drawn again beside each extra one


def _edges(dot: graphviz.Digraph, graph: Graph, styles: dict[str, dict[str, str]]) -> None:
    """Draw the edges; a node used by many ops (a weight reused by every layer) gets a
    small copy next to each further use instead of one long edge per use.

    Long edges from one node across many ranks are what makes Graphviz's layout blow up
    (a 150-node graph with one leaf feeding every op took seconds in the browser, 300
    nodes did not finish); copies keep the layout a chain.
    """
    uses: dict[str, int] = {}
    names = {n.id: n.name or n.label for n in graph.nodes}
    for index, edge in enumerate(graph.edges):
        uses[edge.src] = uses.get(edge.src, 0) + 1
        if uses[edge.src] <= SPLIT_DEGREE or edge.src not in styles:
            dot.edge(edge.src, edge.dst)
            continue
        copy = f"{edge.src}_use{index}"
        attrs = {**styles[edge.src], "fontsize": "11", "margin": "0.04"}
        dot.node(copy, label=f"{names[edge.src]} (shared)", **attrs)
        dot.edge(copy, edge.dst, style="dashed")


def _fill(attrs: dict[str, str]) -> str:
    return attrs.get("fillcolor", "#ffffff") if "filled" in attrs.get("style", "") else "#ffffff"


def _html_label(node: GraphNode, grad: str, colour: str) -> str:
    """The usual lines, the last one (`grad …`) in `colour`; HTML-like DOT label."""
    lines = _tensor_lines(node.tensor, node.name)[:-1]
    body = "<BR/>".join(html.escape(line) for line in lines)
    return f'<{body}<BR/><FONT COLOR="{colour}">grad {html.escape(grad)}</FONT>>'


def dot_source(graph: Graph) -> str:
    """DOT text of `graph`."""
    return render_dot(graph).source


def node_label(node: GraphNode, grad: str | None = None) -> str:
    """Multi-line label text; lines are joined with DOT's `\\n`. `grad` overrides .grad."""
    if node.kind == "op":
        return f"{node.label}\\n{node.op}"
    if node.kind == "autograd":
        lines = [node.label, *node.saved]
        if node.tensor is not None:
            lines.append(f"grad {_grad_text(node.tensor)}")
        return "\\n".join(lines)
    if node.tensor is None:
        return node.label
    return "\\n".join(_tensor_lines(node.tensor, node.name, grad))


def _tensor_lines(info: TensorInfo, name: str | None, grad: str | None = None) -> list[str]:
    lines = [name] if name else []
    lines += value_text(info.value, info.shape).split("\n")
    lines.append(f"{shape_text(info.shape)} · {info.dtype}")
    if info.requires_grad:
        lines.append("requires_grad")
    lines.append(f"grad {_grad_text(info) if grad is None else grad}")
    return lines


def _grad_text(info: TensorInfo) -> str:
    if info.grad is None:
        return "None"
    text = value_text(info.grad, info.shape)
    return (
        text.replace("\n", " ")
        if "\n" in text and len(text) < 40
        else text.split("\n")[0] + (" …" if "\n" in text else "")
    )
