"""Misplaced `return`/`break`/`continue` and repeated parameters are refused up front.

The reference is Python's own compiler: each program here is one `compile()`
rejects, and the playground must refuse it too, pointing at the same line, even
when the offending statement sits in a branch that never runs.
"""

from __future__ import annotations

import pytest

import playground

REFUSED_BY_PYTHON = {
    "return in a branch not taken": "x = 1\nif x > 5:\n    return 2\nprint(x)\n",
    "return at the top": "return 1\n",
    "break in a loop's else": "for i in range(2):\n    pass\nelse:\n    break\n",
    "continue in a def in a loop": "while False:\n    def f():\n        continue\n",
    "break in an if after a loop": "for i in range(2):\n    pass\nif False:\n    break\n",
    "repeated parameter": "def f(a, b, a):\n    return a\n",
}

ACCEPTED_BY_PYTHON = {
    "return in a def": "def f(t):\n    if t:\n        return 1\n    return 2\nprint(f(0))\n",
    "break and continue in loops": (
        "for i in range(4):\n    if i == 1:\n        continue\n    while True:\n        break\n"
    ),
    "def in a loop returns": (
        "for i in range(2):\n    def g(t):\n        return t * i\nprint(g(3))\n"
    ),
}


@pytest.mark.parametrize("source", REFUSED_BY_PYTHON.values(), ids=REFUSED_BY_PYTHON.keys())
def test_what_python_refuses_to_compile_is_refused_at_its_line(source):
    with pytest.raises(SyntaxError) as python:
        compile(source, "<program>", "exec")
    result = playground.run(source)
    assert not result.ok
    assert result.error.kind == "not_allowed", result.error
    assert result.error.line == python.value.lineno
    assert result.output == ""  # refused before any line ran


@pytest.mark.parametrize("source", ACCEPTED_BY_PYTHON.values(), ids=ACCEPTED_BY_PYTHON.keys())
def test_what_python_compiles_still_runs(source, ref):
    compile(source, "<program>", "exec")
    result = playground.run(source)
    assert result.ok, result.error
    assert result.output == ref.run(source)[1]
