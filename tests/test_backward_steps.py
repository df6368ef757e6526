"""The backward step-through replays PyTorch's own numbers, ending at `.grad`."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import playground
from playground.graph.model import build_graph_with_ids
from playground.graph.step_view import describe, grads_after
from playground.presets import PRESETS
from playground.sandbox.tensors.backward_steps import (
    all_nodes,
    local_derivative,
    recorded_backward,
    to_steps,
)

UNARY = [torch.tanh, torch.sigmoid, torch.sin, lambda t: t * t]
BINARY = [torch.add, torch.sub, torch.mul, lambda a, b: a * b + a]


@st.composite
def expressions(draw):
    """A random recipe of unary/binary ops over three leaves, applied by `build`."""
    return draw(
        st.lists(
            st.tuples(
                st.integers(0, len(UNARY) + len(BINARY) - 1),
                st.integers(0, 10),
                st.integers(0, 10),
            ),
            min_size=1,
            max_size=12,
        )
    ), draw(st.lists(st.floats(-2, 2), min_size=3, max_size=3))


def build(recipe, values, shape=()):
    leaves = [torch.full(shape, v, dtype=torch.float64, requires_grad=True) for v in values]
    pool = list(leaves)
    for op, i, j in recipe:
        a, b = pool[i % len(pool)], pool[j % len(pool)]
        pool.append(UNARY[op](a) if op < len(UNARY) else BINARY[op - len(UNARY)](a, b))
    out = pool[-1].sum() if shape else pool[-1]
    return leaves, out


def plain_grads(recipe, values, shape=()):
    leaves, out = build(recipe, values, shape)
    if out.grad_fn is None:
        return None
    return torch.autograd.grad(out, leaves, allow_unused=True)


@settings(max_examples=150, deadline=None)
@given(expressions(), st.sampled_from([(), (3,)]))
def test_stepping_ends_with_the_gradients_backward_gives(expr, shape) -> None:
    recipe, values = expr
    expected = plain_grads(recipe, values, shape)
    leaves, out = build(recipe, values, shape)
    if expected is None:
        return
    events = recorded_backward(out, all_nodes(out, 1000))
    accumulated = {
        id(e.node.variable): e.arrived[0]
        for e in events
        if type(e.node).__name__ == "AccumulateGrad"
    }
    for leaf, grad in zip(leaves, expected, strict=True):
        if grad is None:
            assert id(leaf) not in accumulated
        else:
            np.testing.assert_allclose(accumulated[id(leaf)], grad.numpy(), rtol=1e-12)
            np.testing.assert_allclose(leaf.grad.numpy(), grad.numpy(), rtol=1e-12)


@settings(max_examples=100, deadline=None)
@given(expressions())
def test_every_sent_gradient_is_what_the_child_receives(expr) -> None:
    """Contributions collected for a node sum to what the engine handed it."""
    recipe, values = expr
    _, out = build(recipe, values)
    if out.grad_fn is None:
        return
    events = recorded_backward(out, all_nodes(out, 1000))
    steps = to_steps(events, {e.node: str(i) for i, e in enumerate(events)})
    for step in steps[1:]:
        total = sum(v for _, v in step.contributions)
        np.testing.assert_allclose(total, step.arrived, rtol=1e-9, atol=1e-12)


def test_shared_subexpression_shows_the_accumulation() -> None:
    a = torch.tensor(3.0, requires_grad=True)
    y = a * a + a
    graph, ids = build_graph_with_ids(y, {id(a): "a", id(y): "y"})
    steps = to_steps(recorded_backward(y, all_nodes(y, 100)), ids)
    reference = torch.tensor(3.0, requires_grad=True)
    (reference * reference + reference).backward()
    last = steps[-1]
    assert last.op == "AccumulateGrad"
    assert len(last.contributions) == 3
    assert float(last.arrived) == reference.grad.item()
    text = " ".join(describe(graph, last, "y"))
    assert "Paths meet" in text and "+=" in text
    leaf = next(n.id for n in graph.nodes if n.name == "a")
    assert grads_after(graph, steps, len(steps) - 1)[leaf] == "7"
    assert leaf not in grads_after(graph, steps, 0)


def test_matrix_steps_carry_shapes() -> None:
    x = torch.arange(6.0).reshape(3, 2)
    w = torch.ones(4, 2, requires_grad=True)
    out = (x @ w.t()).sum()
    steps = to_steps(recorded_backward(out, all_nodes(out, 100)), {})
    reference = torch.ones(4, 2, requires_grad=True)
    (x @ reference.t()).sum().backward()
    assert steps[-1].arrived.shape == (4, 2)
    np.testing.assert_allclose(steps[-1].arrived, reference.grad.numpy())


def test_local_derivative_is_defined_only_element_wise() -> None:
    assert local_derivative(np.array(2.0), np.array(6.0)) == 3.0
    assert local_derivative(np.zeros(2), np.ones(2)) is None
    assert local_derivative(np.ones(2), np.ones((2, 2))) is None


# The training loop zeroes .grad after its last backward(), so its .grad is not what
# that backward produced; every other preset leaves the gradients in place.
ONE_BACKWARD = [p for p in PRESETS if "zero_" not in p.source]


@pytest.mark.parametrize("preset", ONE_BACKWARD, ids=lambda p: p.title)
def test_sandbox_steps_end_with_each_presets_gradients(preset) -> None:
    result = playground.run(preset.source)
    assert result.ok and result.steps
    names = {n.id: n.name for n in result.graph.nodes}
    stored = {names[s.node_id]: s.arrived for s in result.steps if s.op == "AccumulateGrad"}
    assert stored, "no leaf was reached"
    for name, grad in stored.items():
        np.testing.assert_allclose(grad, result.tensors[name].grad, rtol=1e-6)


def test_in_a_loop_only_the_last_iterations_backward_is_recorded() -> None:
    source = (
        "w = torch.tensor(2., requires_grad=True)\n"
        "for i in range(50):\n    y = w * w * (i + 1)\n    y.backward()\n"
    )
    result = playground.run(source)
    leaf = next(s for s in result.steps if s.op == "AccumulateGrad")
    w = torch.tensor(2.0, requires_grad=True)
    (w * w * 50).backward()  # the 50th iteration alone
    assert float(leaf.arrived) == w.grad.item()
    assert len(result.steps) == 3


def test_a_loop_left_early_records_no_steps_rather_than_wrong_ones() -> None:
    source = (
        "w = torch.tensor(1., requires_grad=True)\n"
        "for i in range(5):\n    y = w * i\n    y.backward()\n    if i == 1:\n        break\n"
    )
    result = playground.run(source)
    assert result.ok and result.backward_called and result.steps == ()
