"""What a page keeps of a run: every label it shows, and nothing much more.

The red team found a lab session holding two 61 MB results; `run(summarise=True)`
(what the pages ask their workers for) keeps values only where they are shown.
"""

from __future__ import annotations

import pickle

from playground import run
from playground.graph.render_dot import dot_source
from playground.graph.step_view import describe, grads_after
from playground.report import gradient_rows, inspector_rows

BIG = """
w = torch.randn(300, 400, requires_grad=True)
x = torch.randn(400, 2)
b = torch.zeros(2, requires_grad=True)
y = (w @ x + b).tanh()
loss = (y * y).mean()
loss.backward()
small = torch.tensor([1., 2., 3.], requires_grad=True)
"""


def _shown(result) -> tuple:
    """Every text the lab and the step-through show for a result."""
    graph, root = result.graph, result.graph.root
    steps = [describe(graph, step, root) for step in result.steps]
    grads = [grads_after(graph, result.steps, i) for i in range(len(result.steps))]
    return (
        dot_source(graph),
        dot_source(result.raw_graph),
        gradient_rows(result),
        inspector_rows(result),
        steps,
        grads,
    )


def test_the_page_shows_the_same_labels_from_the_summarised_result() -> None:
    full, page = run(BIG), run(BIG, summarise=True)
    assert full.ok and page.ok and full.steps
    assert _shown(page) == _shown(full)
    assert page.output == full.output


def test_the_summarised_result_is_small() -> None:
    full, page = run(BIG), run(BIG, summarise=True)
    full_bytes, page_bytes = len(pickle.dumps(full)), len(pickle.dumps(page))
    assert full_bytes > 1_000_000  # w and its gradient: 120,000 floats each
    assert page_bytes < 50_000, page_bytes


def test_small_tensors_keep_their_values() -> None:
    page = run(BIG, summarise=True)
    assert page.tensors["small"].value.tolist() == [1.0, 2.0, 3.0]
    assert page.tensors["w"].value.shape == (300, 400)  # a Summary keeps the shape
