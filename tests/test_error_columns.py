"""Error columns count characters, as the editor's marker and a learner do.

`ast` gives UTF-8 byte offsets; the expected column here is found by searching the
source text for the word the error is about, so a byte column fails these tests.
"""

from __future__ import annotations

import pytest

import playground

CASES = [
    # (program, kind, the text the error must point at)
    ("s = 'ππππππ'; t = nope + 1\n", "unknown_name", "nope"),
    ("s = '😀é'; t = missing\n", "unknown_name", "missing"),
    ("s = 'ππ'; import os\n", "not_allowed", "import os"),
    ("x = 'ππ'\ny = 1\nz = '日本' + undefined_name\n", "unknown_name", "undefined_name"),
    ("import torch\ns = 'π'; torch.ones(2) @ torch.ones(3)\n", "runtime", "torch.ones(2) @"),
    # SyntaxError.offset already counts characters: it must stay right.
    ("s = 'ππππ' ; x = 1 +* 2\n", "syntax", "* 2"),
]


@pytest.mark.parametrize(("source", "kind", "target"), CASES)
def test_the_error_column_is_the_character_where_the_problem_is(source, kind, target):
    error = playground.run(source).error
    assert error is not None and error.kind == kind, error
    line_text = source.split("\n")[error.line - 1]
    assert error.col == line_text.index(target), (error, line_text[error.col :])


def test_an_ascii_program_keeps_its_columns():
    error = playground.run("a = 1\nb = a + nope\n").error
    assert (error.line, error.col) == (2, 8)
