"""The graph model: PyTorch's autograd graph as plain, serialisable data.

Structure comes from the real graph (`grad_fn` / `next_functions`), walked with an
explicit queue so a 10,000-op chain is no deeper for us than a single op. Values of
intermediate results and constants come from the interpreter's `Tracer`, because
PyTorch's graph keeps neither.
"""

from __future__ import annotations

import functools
import re
from collections import deque
from dataclasses import dataclass, field

import torch

from ..sandbox.core.trace import Tracer, grad_fn_of
from ..sandbox.nn.nn_values import layer_of
from .tensor_info import JsonBudget, Snapshots, TensorInfo

SYMBOLS = {
    "Add": "+", "Sub": "-", "Rsub": "-", "Mul": "*", "Div": "/", "Pow": "**",
    "Mm": "@", "Mv": "@", "Dot": "@", "Bmm": "@", "Matmul": "@", "Neg": "-x",
    "T": ".t()", "Permute": ".T", "Transpose": ".T", "View": "view", "Reshape": "reshape",
    "UnsafeView": "reshape", "Select": "[i]", "Slice": "[a:b]", "Sum": "sum",
    "Mean": "mean", "LinalgVectorNorm": "norm", "Norm": "norm", "ToCopy": "to dtype",
    "Addmm": "x @ W.T + b",
}  # fmt: skip
# Past this many hidden nodes the walk stops counting, so a huge graph is described
# in bounded time after its program ran.
HIDDEN_COUNT_LIMIT = 50_000
# Graphs larger than this are drawn nearest-the-output first, the rest summarised.
DEFAULT_MAX_NODES = 5_000
_STEM = re.compile(r"^(.*?)Backward\d*$")
_NEW = object()  # "no entry yet" (an entry can be None: hidden past the size limit)


@dataclass(frozen=True)
class GraphNode:
    """One box or circle of the drawing."""

    id: str
    kind: str  # leaf | constant | op | tensor | autograd | more
    label: str
    name: str | None = None
    op: str | None = None
    tensor: TensorInfo | None = None
    saved: tuple[str, ...] = ()

    def to_json(self, budget: JsonBudget | None = None) -> dict:
        """Contract fields plus what a renderer elsewhere would need."""
        data = {"id": self.id, "kind": self.kind, "label": self.label, "name": self.name}
        if self.op is not None:
            data["op"] = self.op
        if self.tensor is not None:
            data["tensor"] = self.tensor.to_json(budget)
        if self.saved:
            data["saved"] = list(self.saved)
        return data


@dataclass(frozen=True)
class GraphEdge:
    """Data flows from `src` into `dst` (the forward direction)."""

    src: str
    dst: str


@dataclass(frozen=True)
class Graph:
    """Nodes in breadth-first order from the output, so the first N are the nearest."""

    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    root: str | None
    raw: bool = False
    hidden: int = 0

    def to_json(self, budget: JsonBudget | None = None) -> dict:
        """The CLI contract's graph object; its tensors' values share one `budget`."""
        budget = budget or JsonBudget()
        return {
            "nodes": [n.to_json(budget) for n in self.nodes],
            "edges": [{"src": e.src, "dst": e.dst} for e in self.edges],
            "root": self.root,
            "raw": self.raw,
            "hidden": self.hidden,
        }


@functools.lru_cache(maxsize=1024)
def op_symbol(node_name: str) -> str:
    """`MulBackward0` -> `*`: the math a learner wrote."""
    match = _STEM.match(node_name)
    stem = match.group(1) if match else node_name
    return SYMBOLS.get(stem, stem.lower())


@dataclass
class _Builder:
    names: dict[int, str]
    tracer: Tracer | None
    max_nodes: int | None
    nodes: list[GraphNode] = field(default_factory=list)
    edges: list[GraphEdge] = field(default_factory=list)
    ids: dict[object, str] = field(default_factory=dict)
    hidden: int = 0
    count_limit: int = HIDDEN_COUNT_LIMIT
    snapshots: Snapshots = field(default_factory=Snapshots)
    layers: dict[int, str] = field(default_factory=dict)  # id(nn.Module) -> `model.0`

    def full(self) -> bool:
        return self.max_nodes is not None and len(self.nodes) >= self.max_nodes

    def done(self) -> bool:
        """Stop walking once the hidden part is past counting (bounded time)."""
        return self.full() and self.hidden >= self.count_limit

    def add(self, key: object, node_factory) -> str | None:
        """Add a node once per key; None when over the size limit."""
        known = self.ids.get(key, _NEW)
        if known is not _NEW:
            return known
        if self.full():
            self.hidden += 1
            self.ids[key] = None
            return None
        node = node_factory(f"n{len(self.nodes)}")
        self.ids[key] = node.id
        self.nodes.append(node)
        return node.id

    def edge(self, src: str | None, dst: str | None) -> None:
        if src is not None and dst is not None:
            self.edges.append(GraphEdge(src, dst))

    def tensor_node(self, tensor: torch.Tensor, kind: str) -> str | None:
        name = self.names.get(id(tensor))
        return self.add(
            ("tensor", id(tensor)),
            lambda nid: GraphNode(
                nid, kind, name or "", name, tensor=self.snapshots.get(tensor, name)
            ),
        )

    def number_node(self, number: object) -> str | None:
        return self.add(
            ("number", len(self.nodes), self.hidden),
            lambda nid: GraphNode(nid, "constant", str(number)),
        )

    def finish(self, root: str | None, raw: bool) -> Graph:
        if self.hidden and self.nodes:
            counted = "at least " if self.hidden >= self.count_limit else ""
            label = f"… {counted}{self.hidden:,} more nodes"
            more = GraphNode(f"n{len(self.nodes)}", "more", label)
            self.nodes.append(more)
            self.edges.append(GraphEdge(more.id, self.nodes[0].id))
        return Graph(tuple(self.nodes), tuple(self.edges), root, raw, self.hidden)


def build_graph(
    root: torch.Tensor,
    names: dict[int, str] | None = None,
    tracer: Tracer | None = None,
    raw: bool = False,
    max_nodes: int | None = None,
    count_limit: int = HIDDEN_COUNT_LIMIT,
    snapshots: Snapshots | None = None,
    layers: dict[int, str] | None = None,
) -> Graph:
    """The graph of everything `root` was computed from.

    `names` maps `id(tensor)` to the program's variable names; `tracer` supplies
    intermediate values and constants; `raw` shows PyTorch's own view instead
    (AccumulateGrad nodes, saved tensors, no constants). Past `max_nodes`, the rest
    is counted up to `count_limit` ("at least ... more nodes"), which bounds the time.
    `snapshots` shares the copies of tensors with other descriptions of the same run.
    `layers` names the program's modules (`id(module)` -> `model.0`): the op that gave
    a layer's output is labelled with it (`model.0: x @ W.T + b`).
    """
    builder = _builder(names, tracer, max_nodes, count_limit, snapshots, layers)
    return _raw_walk(builder, root) if raw else _friendly_walk(builder, root)


def build_graph_with_ids(
    root: torch.Tensor,
    names: dict[int, str] | None = None,
    tracer: Tracer | None = None,
    raw: bool = False,
    max_nodes: int | None = None,
    count_limit: int = HIDDEN_COUNT_LIMIT,
    snapshots: Snapshots | None = None,
    layers: dict[int, str] | None = None,
) -> tuple[Graph, dict[object, str | None]]:
    """`build_graph`, plus which graph node shows each autograd node.

    An AccumulateGrad node is shown by its leaf tensor (friendly view). The map holds
    autograd objects, so use it at once (e.g. for the backward steps) and drop it.
    """
    builder = _builder(names, tracer, max_nodes, count_limit, snapshots, layers)
    graph = _raw_walk(builder, root) if raw else _friendly_walk(builder, root)
    shown: dict[object, str | None] = {}
    for key, node_id in builder.ids.items():
        if key[0] == "op":
            shown[key[1]] = node_id
    if not raw:
        for node in list(shown):
            for child, _ in node.next_functions:
                if child is not None and type(child).__name__ == "AccumulateGrad":
                    shown[child] = builder.ids.get(("tensor", id(child.variable)))
    return graph, shown


def _builder(
    names: dict[int, str] | None,
    tracer: Tracer | None,
    max_nodes: int | None,
    count_limit: int,
    snapshots: Snapshots | None,
    layers: dict[int, str] | None = None,
) -> _Builder:
    return _Builder(
        names or {},
        tracer,
        max_nodes,
        count_limit=count_limit,
        snapshots=snapshots or Snapshots(),
        layers=layers or {},
    )


def _leaf_kind(tensor: torch.Tensor) -> str:
    return "leaf" if tensor.requires_grad else "constant"


def _friendly_walk(b: _Builder, root: torch.Tensor) -> Graph:
    # A view whose history PyTorch refuses to show (see `grad_fn_of`) is drawn alone.
    root_fn = grad_fn_of(root)
    if root_fn is None:
        return b.finish(b.tensor_node(root, _leaf_kind(root)), raw=False)
    queue = deque([root_fn])
    outputs = {root_fn: root}
    root_id = None
    while queue and not b.done():
        fn = queue.popleft()
        record = b.tracer.lookup(fn) if b.tracer else None
        out = outputs.get(fn)
        if out is None and record is not None:
            out = record.output
        layer = b.layers.get(id(layer_of(out))) if b.layers else None
        op_id = b.add(("op", fn), lambda nid, fn=fn, layer=layer: _op_node(nid, fn, layer))
        out_id = _output_node(b, fn, out)
        root_id = root_id or out_id
        b.edge(op_id, out_id)
        for child, _ in fn.next_functions:
            if child is None:
                continue
            if type(child).__name__ == "AccumulateGrad":
                b.edge(b.tensor_node(child.variable, "leaf"), op_id)
                continue
            new = ("out", child) not in b.ids
            b.edge(_output_node(b, child, _traced_output(b, child)), op_id)
            if new:
                queue.append(child)
        for operand in record.operands if record else ():
            if isinstance(operand, torch.Tensor) and not operand.requires_grad:
                b.edge(b.tensor_node(operand, "constant"), op_id)
            elif isinstance(operand, bool | int | float):
                b.edge(b.number_node(operand), op_id)
    return b.finish(root_id, raw=False)


def _traced_output(b: _Builder, fn: object) -> torch.Tensor | None:
    record = b.tracer.lookup(fn) if b.tracer else None
    return record.output if record else None


def _op_node(nid: str, fn: object, layer: str | None = None) -> GraphNode:
    """An operation's circle: its math, after the layer that ran it when one did."""
    name = fn.name()
    symbol = op_symbol(name)
    return GraphNode(nid, "op", f"{layer}: {symbol}" if layer else symbol, op=name)


def _output_node(b: _Builder, fn: object, out: torch.Tensor | None) -> str | None:
    """The tensor an op produced; one node per op even when its value is unknown."""
    if out is None:
        return b.add(("out", fn), lambda nid: GraphNode(nid, "tensor", "(value not kept)"))
    key = ("out", fn)
    if key not in b.ids:
        name = b.names.get(id(out)) or (b.tracer.name_of(fn) if b.tracer else None)
        b.ids[("tensor", id(out))] = b.add(
            key,
            lambda nid: GraphNode(
                nid, "tensor", name or "", name, tensor=b.snapshots.get(out, name)
            ),
        )
    return b.ids[key]


def _raw_walk(b: _Builder, root: torch.Tensor) -> Graph:
    root_fn = grad_fn_of(root)
    root_id = b.tensor_node(root, "tensor" if root_fn else _leaf_kind(root))
    if root_fn is None:
        return b.finish(root_id, raw=True)
    queue = deque([root_fn])
    b.edge(b.add(("op", root_fn), lambda nid: _raw_node(nid, root_fn, b)), root_id)
    while queue and not b.done():
        fn = queue.popleft()
        fn_id = b.ids[("op", fn)]
        for child, _ in fn.next_functions:
            if child is None:
                continue
            new = ("op", child) not in b.ids
            b.edge(b.add(("op", child), lambda nid, c=child: _raw_node(nid, c, b)), fn_id)
            if new:
                queue.append(child)
    return b.finish(root_id, raw=True)


def _raw_node(nid: str, fn: object, b: _Builder) -> GraphNode:
    name = fn.name()
    if name.startswith("torch::autograd::AccumulateGrad") or type(fn).__name__ == "AccumulateGrad":
        var = fn.variable
        var_name = b.names.get(id(var))
        label = "AccumulateGrad" + (f" → {var_name}" if var_name else "")
        return GraphNode(
            nid, "autograd", label, var_name, "AccumulateGrad", b.snapshots.get(var, var_name)
        )
    return GraphNode(nid, "autograd", name, op=name, saved=_saved(fn))


def _saved(fn: object) -> tuple[str, ...]:
    """Describe the tensors and values PyTorch saved for this node's backward."""
    items = []
    for attr in dir(fn):
        if not attr.startswith("_saved_"):
            continue
        try:
            value = getattr(fn, attr)
        except RuntimeError:
            items.append(f"{attr[7:]}: (freed by backward)")
            continue
        if isinstance(value, torch.Tensor):
            items.append(f"{attr[7:]}: tensor {tuple(value.shape)}")
        elif value is not None:
            items.append(f"{attr[7:]}: {str(value)[:30]}")
    return tuple(items)
