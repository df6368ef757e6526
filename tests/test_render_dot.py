"""DOT rendering: shared nodes are split so the browser's layout stays fast."""

from __future__ import annotations

import re

import playground
from playground.graph.render_dot import SPLIT_DEGREE, dot_source

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
