"""Graph model -> Graphviz DOT, with the labels the app and notebooks share.

Every node carries a Graphviz `class` (its kind, plus `output`, `done`, `active`,
`shared`), which Graphviz copies into the SVG's `<g class="node ...">`: the browser's
graph view (playground/ui/graph_view.css) recolours nodes by class from the Streamlit
theme, so dark mode needs no rerun, while the colours written here stay the light ones
the DOT and SVG downloads show.

The DOT text is written here line by line rather than through `graphviz.Digraph.node`:
that library quotes every attribute of every node with several regular expressions,
which was 50-76 % of drawing time (benchmarks/RESULTS.md). Each node style's
attribute list is quoted once (cached) instead, and labels go through `quote`.
"""

from __future__ import annotations

import functools
import html

import graphviz

from .dot_text import HtmlLabel, a_list, edge_statement, node_statement, quote
from .model import Graph, GraphNode
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
GRAPH_ATTRS = {"rankdir": "LR", "nodesep": "0.25", "ranksep": "0.35"}
NODE_DEFAULTS = {"fontname": "Helvetica", "fontsize": "14"}
EDGE_DEFAULTS = {"color": "#666666", "arrowsize": "0.7"}
SHARED_COPY = {"fontsize": "11", "margin": "0.04"}
SPLIT_DEGREE = 3  # a node feeding more ops than this is drawn again beside each extra one
HEADER = (
    f"\tgraph [{a_list(GRAPH_ATTRS)}]\n",
    f"\tnode [{a_list(NODE_DEFAULTS)}]\n",
    f"\tedge [{a_list(EDGE_DEFAULTS)}]\n",
)


def render_dot(
    graph: Graph,
    title: str | None = None,
    active: str | None = None,
    done: frozenset[str] = frozenset(),
    grads: dict[str, str] | None = None,
    revealed: frozenset[str] = frozenset(),
) -> graphviz.Digraph:
    """A `graphviz.Digraph` of `graph`, laid out left to right (inputs first).

    A Digraph (not bare text) so notebooks display it and `.pipe`/`.render` work as with
    torchviz; its body holds our ready-made statements, one per line.

    For the backward step-through: `active` is the node being processed, `done` the
    ones already processed, `grads` the `.grad` line each tensor node will show at the
    end and `revealed` the nodes whose line is visible yet. Hidden lines are still
    there, written in the node's own fill colour, so every node keeps its size and
    the layout does not move between steps.
    """
    body = list(HEADER)
    if title:
        body.append(f"\t{a_list({'label': title, 'labelloc': 't', 'fontname': 'Helvetica'})}\n")
    styles: dict[str, dict[str, str]] = {}
    ids: dict[str, str] = {}  # node id -> quoted, for the edges
    for node in graph.nodes:
        attrs, attrs_text = _style(
            node.kind, node.id == graph.root, node.id in done, node.id == active
        )
        if grads is not None and node.id in grads and node.tensor is not None:
            colour = "#000000" if node.id in revealed else _fill(attrs)
            label = _html_label(node, grads[node.id], colour)
        else:
            label = node_label(node)
        ids[node.id] = quoted = quote(node.id)
        body.append(f"\t{quoted} [label={quote(label)}{attrs_text}]\n")
        styles[node.id] = attrs
    body += _edges(graph, styles, ids)
    dot = graphviz.Digraph("autograd")
    dot.body = body
    return dot


@functools.cache
def _style(kind: str, root: bool, done: bool, active: bool) -> tuple[dict[str, str], str]:
    """`node_style` and its quoted attribute text (space-led), made once per combination.

    The dict is shared between calls: read it, never change it."""
    attrs = node_style(kind, root, done, active)
    return attrs, f" {a_list(attrs)}" if attrs else ""


def node_style(kind: str, root: bool, done: bool, active: bool) -> dict[str, str]:
    """The attributes of a node of `kind`: the output, processed and active ones stand out."""
    attrs = dict(STYLES.get(kind, {}))
    attrs["class"] = node_class(kind, root, done, active)
    if root:
        attrs.update(ROOT_STYLE)
    if done:
        attrs.update(DONE_STYLE)
    if active:
        # Keep the node's own style words (rounded boxes stay rounded): the browser
        # morphs each node between steps and cannot morph one shape into another.
        words = [w for w in attrs.get("style", "").split(",") if w]
        if "filled" not in words:
            words.append("filled")
        attrs.update(ACTIVE_STYLE, style=",".join(words))
    return attrs


def node_class(kind: str, root: bool, done: bool, active: bool) -> str:
    """The node's classes in the SVG: its kind first, then the states it is in."""
    states = (("output", root), ("done", done), ("active", active))
    return " ".join([kind, *(name for name, on in states if on)])


def _edges(graph: Graph, styles: dict[str, dict[str, str]], ids: dict[str, str]) -> list[str]:
    """The edge statements; a node used by many ops (a weight reused by every layer)
    gets a small copy next to each further use instead of one long edge per use.

    Long edges from one node across many ranks are what makes Graphviz's layout blow up
    (a 150-node graph with one leaf feeding every op took seconds in the browser, 300
    nodes did not finish); copies keep the layout a chain.
    """
    lines: list[str] = []
    uses: dict[str, int] = {}
    names: dict[str, str] = {}
    for index, edge in enumerate(graph.edges):
        uses[edge.src] = uses.get(edge.src, 0) + 1
        if uses[edge.src] <= SPLIT_DEGREE or edge.src not in styles:
            src, dst = ids.get(edge.src) or quote(edge.src), ids.get(edge.dst) or quote(edge.dst)
            lines.append(f"\t{src} -> {dst}\n")
            continue
        names = names or {n.id: n.name or n.label for n in graph.nodes}
        copy = f"{edge.src}_use{index}"
        shared = {**styles[edge.src], **SHARED_COPY}
        shared["class"] = f"{shared.get('class', '')} shared".strip()
        attrs = a_list(shared)
        lines.append(node_statement(copy, f"{names[edge.src]} (shared)", attrs))
        lines.append(edge_statement(copy, edge.dst, "style=dashed"))
    return lines


def _fill(attrs: dict[str, str]) -> str:
    return attrs.get("fillcolor", "#ffffff") if "filled" in attrs.get("style", "") else "#ffffff"


def _html_label(node: GraphNode, grad: str, colour: str) -> HtmlLabel:
    """The usual lines, the last one (`grad …`) in `colour`; HTML-like DOT label."""
    lines = _tensor_lines(node.tensor, node.name)[:-1]
    body = "<BR/>".join(html.escape(line) for line in lines)
    return HtmlLabel(f'<{body}<BR/><FONT COLOR="{colour}">grad {html.escape(grad)}</FONT>>')


def dot_source(graph: Graph) -> str:
    """DOT text of `graph`."""
    return render_dot(graph).source


def node_label(node: GraphNode, grad: str | None = None) -> str:
    """Multi-line label text, lines joined by newlines. `grad` overrides .grad."""
    if node.kind == "op":
        return f"{node.label}\n{node.op}"
    if node.kind == "autograd":
        lines = [node.label, *node.saved]
        if node.tensor is not None:
            lines.append(f"grad {_grad_text(node.tensor)}")
        return "\n".join(lines)
    if node.tensor is None:
        return node.label
    return "\n".join(_tensor_lines(node.tensor, node.name, grad))


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
