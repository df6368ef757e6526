"""What the long fuzz run of 2026-12-02 (issue 11's surface) found, kept fixed."""

from __future__ import annotations

import pytest

from playground import run


@pytest.mark.parametrize(
    "source", ["*a = [1, 2]\n", "def f(k):\n    *k = k\n", "for *x in [[1]]:\n    pass\n"]
)
def test_a_bare_starred_target_is_refused_as_python_refuses_it(source: str) -> None:
    with pytest.raises(SyntaxError):
        compile(source, "<test>", "exec")
    result = run(source)
    assert result.error is not None and result.error.kind == "not_allowed"
    assert "starred" in result.error.message


@pytest.mark.parametrize(
    "make",
    ["torch.empty(1000)", "torch.empty_like(a)", "torch.Tensor(1000)", "torch.empty(10, 100)"],
)
def test_uninitialised_tensors_never_show_an_earlier_runs_memory(make: str) -> None:
    """Plain `torch.empty` hands out memory as found: in a shared worker, what another
    student's run left there. The sandbox zero-fills it."""
    source = (
        f"a = torch.full((1000,), 7.0)\nb = a * 3\ndel b\nc = {make}\nprint(c.abs().sum().item())\n"
    )
    result = run(source)
    assert result.ok, result.error
    assert result.output == "0.0\n"
