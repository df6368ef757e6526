"""Scalar leaves written as literals: found, and edited in place in the source."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import playground
from playground.leaves import find_scalar_leaves, literal_text, set_leaf_value
from playground.presets import PRESETS, TUTORIAL_FIRST, TUTORIAL_TRAINING


def _literal(source: str, leaf) -> str:
    line = source.splitlines()[leaf.line - 1].encode("utf-8")
    return line[leaf.col : leaf.end_col].decode("utf-8")


def test_tutorial_leaves_are_found_with_their_positions():
    leaves = find_scalar_leaves(TUTORIAL_FIRST)
    assert [(leaf.name, leaf.line, leaf.requires_grad) for leaf in leaves] == [
        ("x", 1, False),
        ("w", 2, True),
        ("b", 3, True),
    ]
    for leaf in leaves:
        assert float(_literal(TUTORIAL_FIRST, leaf)) == leaf.value
    assert [leaf.value for leaf in leaves] == [3.0, 4.0, 5.0]


def test_signs_ints_and_floats():
    source = (
        "a = torch.tensor(-3., requires_grad=True)\n"
        "b = torch.tensor(2)\n"
        "c = torch.tensor(+0.5, requires_grad=True)\n"
        "d = torch.tensor(1e-3)\n"
    )
    leaves = {leaf.name: leaf for leaf in find_scalar_leaves(source)}
    assert {name: leaf.value for name, leaf in leaves.items()} == {
        "a": -3.0,
        "b": 2.0,
        "c": 0.5,
        "d": 0.001,
    }
    assert _literal(source, leaves["a"]) == "-3."


@pytest.mark.parametrize(
    "source",
    [
        "v = torch.tensor([1., 2.], requires_grad=True)\n",  # not a scalar
        "s = torch.tensor(1. + 2.)\n",  # not a literal
        "k = 3.\ns = torch.tensor(k)\n",  # a name, not a literal
        "a = b = torch.tensor(1.)\n",  # two targets
        "def f():\n    w = torch.tensor(1.)\n",  # not top level
        "for i in range(2):\n    w = torch.tensor(1.)\n",  # not top level
        "w = torch.ones(1.)\n",  # not torch.tensor
        "w = tensor(1.)\n",  # not torch.tensor
        "w = torch.tensor('1')\n",  # a string
        "w = torch.tensor(True)\n",  # a bool is not a number box
        "w = torch.tensor(\n    1.)\n",  # fine: still one line for the literal
        "w = torch.tensor(1.,\n  requires_grad=True\n",  # unparsable
        "",
    ],
)
def test_only_top_level_scalar_literals_count(source):
    leaves = find_scalar_leaves(source)
    if source.startswith("w = torch.tensor(\n"):
        assert [leaf.name for leaf in leaves] == ["w"]
    else:
        assert leaves == []


def test_requires_grad_must_be_literally_true():
    leaves = find_scalar_leaves(
        "flag = True\nw = torch.tensor(1., requires_grad=flag)\n"
        "v = torch.tensor(1., requires_grad=False)\n"
    )
    assert [(leaf.name, leaf.requires_grad) for leaf in leaves] == [("w", False), ("v", False)]


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.title)
def test_every_preset_parses_for_leaves(preset):
    leaves = find_scalar_leaves(preset.source)
    for leaf in leaves:
        assert float(_literal(preset.source, leaf)) == leaf.value


def test_training_block_has_no_scalar_leaves():
    assert find_scalar_leaves(TUTORIAL_TRAINING) == []


def test_editing_a_leaf_changes_only_its_literal_and_reruns(ref):
    x, w, b = find_scalar_leaves(TUTORIAL_FIRST)
    edited = set_leaf_value(TUTORIAL_FIRST, x, 7.0)
    assert edited == TUTORIAL_FIRST.replace("torch.tensor(3.)", "torch.tensor(7.)")
    result = playground.run(edited)
    namespace, output = ref.run(edited)
    assert result.output == output
    ref.same_tensors(result, namespace)
    # The edited program's leaves read back the new value, the others unchanged.
    assert [leaf.value for leaf in find_scalar_leaves(edited)] == [7.0, w.value, b.value]


def test_editing_keeps_signs_and_other_lines():
    source = "a = torch.tensor(-3., requires_grad=True)\ny = a * a\n"
    (leaf,) = find_scalar_leaves(source)
    edited = set_leaf_value(source, leaf, 2.5)
    assert edited == "a = torch.tensor(2.5, requires_grad=True)\ny = a * a\n"
    again = set_leaf_value(edited, find_scalar_leaves(edited)[0], -0.125)
    assert again == "a = torch.tensor(-0.125, requires_grad=True)\ny = a * a\n"


def test_editing_with_non_ascii_names_and_crlf():
    source = "ω = torch.tensor(4., requires_grad=True)  # ångström\r\ny = ω * 2\r\n"
    (leaf,) = find_scalar_leaves(source)
    assert leaf.name == "ω"
    edited = set_leaf_value(source, leaf, 1.5)
    assert edited == source.replace("4.", "1.5", 1)


@pytest.mark.parametrize("separator", ["\u2028", "\x0c", "\x1c", "\u0085"])
def test_editing_when_earlier_lines_hold_unusual_line_separators(separator):
    # Python's tokenizer ends lines only at \n, \r\n and \r; str.splitlines() also
    # splits at these characters, which must not shift the edited line.
    source = f"# a note{separator}more\nw = torch.tensor(4., requires_grad=True)\ny = w * 2\n"
    (leaf,) = find_scalar_leaves(source)
    assert leaf.line == 2
    edited = set_leaf_value(source, leaf, 9.0)
    assert edited == source.replace("torch.tensor(4.", "torch.tensor(9.")


@pytest.mark.parametrize(
    ("value", "text"),
    [(4.0, "4."), (-3.0, "-3."), (0.5, "0.5"), (1e-05, "1e-05"), (0.0, "0.")],
)
def test_literal_text(value, text):
    assert literal_text(value) == text


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(st.floats(allow_nan=False, allow_infinity=False, width=32))
def test_literal_text_round_trips_through_the_sandbox(value):
    source = "w = torch.tensor(0., requires_grad=True)\n"
    (leaf,) = find_scalar_leaves(source)
    edited = set_leaf_value(source, leaf, value)
    (new_leaf,) = find_scalar_leaves(edited)
    assert new_leaf.value == value or (value == 0 and new_leaf.value == 0)
    assert math.copysign(1, new_leaf.value) == math.copysign(1, value)
    result = playground.run(edited)
    assert result.ok, result.error
