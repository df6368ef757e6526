"""Grammar-aware fuzzing with differential testing (issue 5).

Programs come from tests/program_grammar.py; each is judged by tests/differential.py
against the same program run by plain PyTorch. A few hundred examples here, with
a fixed derandomised seed so CI sees the same programs every time; the long run
(100,000 cases, figures in docs/fuzz.md) is `python tests/fuzz_long.py`.
"""

from __future__ import annotations

import random

import pytest
from differential import check_mutated, check_valid, difference
from hypothesis import HealthCheck, given, settings
from program_grammar import RandomChoices, mutate, mutated_programs, valid_programs, write_valid

import playground

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(valid_programs())
def test_valid_programs_give_plain_pytorchs_values_and_gradients(source):
    verdict = check_valid(source)
    assert verdict.problem is None, f"{verdict.outcome}: {verdict.problem}\n{source}"
    assert verdict.outcome in ("ok", "both_failed")


@FUZZ
@given(mutated_programs())
def test_mutated_programs_fail_clearly_or_match_plain_pytorch(source):
    verdict = check_mutated(source)
    assert verdict.problem is None, f"{verdict.outcome}: {verdict.problem}\n{source!r}"


def test_the_grammar_writes_programs_that_run():
    """Most generated programs must run, or the differential check compares nothing."""
    pick = RandomChoices(random.Random(5))
    outcomes = [check_valid(write_valid(pick)).outcome for _ in range(60)]
    assert outcomes.count("ok") >= 54, outcomes


def test_the_mutations_reach_every_kind_of_error():
    """Mutants must exercise the refusals, not only harmless edits."""
    pick = RandomChoices(random.Random(7))
    kinds = {check_mutated(mutate(pick, write_valid(pick))).error_kind for _ in range(150)}
    assert {"syntax", "not_allowed", "unknown_name", "runtime"} <= kinds, kinds


def test_the_oracle_notices_a_wrong_gradient(ref):
    """The differential check can fail: a different program's gradient is caught."""
    cube = "w = torch.tensor(2., requires_grad=True)\n(w * w * w).backward()\n"
    result = playground.run(cube.replace("w * w * w", "w * w"))
    namespace, output = ref.run(cube)
    assert "grad differs" in (difference(result, namespace, output) or "")


# -- regressions the fuzzer found ------------------------------------------------


@pytest.mark.parametrize(
    ("source", "line", "col"),
    [
        ("w1 = torch.ones(2)\nw\x002 = 1\n", 2, 1),  # a mutant: a null byte inside a name
        ("\x00", 1, 0),
        ("x = 1\n\nab\x00c = 3", 3, 2),
    ],
)
def test_a_null_byte_is_a_syntax_error_pointing_at_it(source, line, col):
    result = playground.run(source)
    assert result.error.kind == "syntax"
    assert (result.error.line, result.error.col) == (line, col)
    assert check_mutated(source).problem is None


def test_a_no_grad_view_of_a_leaf_updated_in_place_is_described(ref):
    """Minimised from case #780 of tests/fuzz_long.py: run() raised, because PyTorch
    refuses to say whether such a view is a leaf, though the program ran fine."""
    source = (
        "w = torch.randn(2, 3, requires_grad=True)\n"
        "with torch.no_grad():\n"
        "    d = w[0]\n"
        "w.sum().backward()\n"
        "with torch.no_grad():\n"
        "    w -= 0.01 * w.grad\n"
    )
    result = playground.run(source)
    assert result.ok, result.error
    namespace, _ = ref.run(source)
    assert result.tensors["d"].value.tolist() == namespace["d"].tolist()
    assert check_valid(source).problem is None


def test_a_return_in_a_branch_not_taken_is_refused():
    """Minimised from case #1919 of tests/fuzz_long.py (a line moved under `else:`): the
    sandbox ran a program Python refuses to compile."""
    source = "x = 1\nif x > 5:\n    return 2\n"
    verdict = check_mutated(source)
    assert verdict.problem is None, verdict.problem
    assert (verdict.outcome, verdict.error_kind) == ("refused", "not_allowed")


@pytest.mark.filterwarnings(
    "ignore:The use of `x.T`:UserWarning", "ignore:Tensor.T is deprecated:UserWarning"
)
@pytest.mark.parametrize("shape", ["()", "3", "2, 3", "2, 3, 2"])
def test_dot_t_builds_the_node_pytorch_builds(shape, ref):
    """Minimised from case #23194 of tests/fuzz_long.py: `.T` made a TBackward0 node where
    PyTorch makes PermuteBackward0, so the graph and `print` differed."""
    source = f"w = torch.ones({shape}, requires_grad=True)\nh = (w * 2).T\nprint(h)\n"
    result = playground.run(source)
    assert result.ok, result.error
    namespace, output = ref.run(source)
    assert result.output == output
    assert result.graph.nodes[0].op == namespace["h"].grad_fn.name()
    assert check_valid(source).problem is None


def test_both_fail_at_the_same_line_inside_a_def():
    """When both fail, the sandbox must point where Python's traceback ends (in a def)."""
    source = "def f(t):\n    return t.view(6)\n\nw = torch.ones(2, 3).t()\ny = f(w)\n"
    assert check_valid(source).problem is None
    assert playground.run(source).error.line == 2


def test_printing_a_method_is_not_a_difference(ref):
    """From case #27475 of the seed-2 re-run: `print(loss.item)` shows an address in
    Python and the sandbox's stand-in; values and gradients are still compared."""
    source = "w = torch.ones(2, requires_grad=True)\nloss = (w * 3).sum()\nprint(loss.item)\n"
    assert check_mutated(source).problem is None
    wrong = source + "loss.backward()\n"
    result = playground.run(wrong.replace("w * 3", "w * 4"))
    namespace, output = ref.run(wrong)
    assert "grad differs" in (difference(result, namespace, output) or "")
