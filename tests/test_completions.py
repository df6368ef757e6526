"""The editor's suggestions are names the sandbox runs, and the refused ones are absent."""

from __future__ import annotations

import json

import pytest

from playground.runner import run
from playground.sandbox.completions import completions

DATA = completions()


def _names(options: list[list[str]]) -> list[str]:
    return [name for name, _kind in options]


def _run_each(lines: list[str], setup: str = "") -> None:
    """Run every line as one program; a refused name fails with its own line."""
    source = setup + "\n".join(lines)
    result = run(source)
    if not result.ok:
        line = source.splitlines()[result.error.line - 1] if result.error.line else ""
        pytest.fail(f"{line!r}: {result.error.message}")


def test_is_json() -> None:
    assert json.loads(json.dumps(DATA)) == DATA


def test_every_global_name_runs() -> None:
    names = _names(DATA["globals"])
    assert {"print", "range", "torch", "np", "len", "math"} <= set(names)
    modules = set(DATA["modules"])
    _run_each([f"import {n}" if n in modules else f"v = {n}" for n in names])


@pytest.mark.parametrize("module", sorted(completions()["modules"]))
def test_every_module_member_runs(module: str) -> None:
    members = _names(DATA["modules"][module])
    assert members, module
    _run_each([f"v = m.{n}" for n in members], setup=f"import {module} as m\n")


def test_aliases_name_importable_modules() -> None:
    lines = [f"import {module} as {alias}" for alias, module in DATA["aliases"].items()]
    _run_each(lines)
    assert set(DATA["aliases"].values()) <= set(DATA["modules"])


def test_every_tensor_member_runs() -> None:
    members = _names(DATA["tensor"])
    assert {"backward", "grad", "sum", "shape", "item", "zero_", "requires_grad"} <= set(members)
    _run_each([f"v = t.{n}" for n in members], setup="t = torch.ones(2, 2, requires_grad=True)\n")


@pytest.mark.parametrize(
    ("where", "name", "program"),
    [
        ("globals", "eval", "v = eval"),
        ("globals", "open", "v = open"),
        ("globals", "__import__", "v = __import__"),
        ("torch", "load", "v = torch.load"),
        ("torch", "save", "v = torch.save"),
        ("tensor", "storage", "t = torch.ones(2)\nv = t.storage"),
        ("tensor", "__class__", "t = torch.ones(2)\nv = t.__class__"),
    ],
)
def test_refused_names_are_not_suggested(where: str, name: str, program: str) -> None:
    """The other direction: what the sandbox refuses never appears in the lists."""
    assert not run(program).ok, program  # the sandbox refuses it ...
    options = DATA["modules"][where] if where in DATA["modules"] else DATA[where]
    assert name not in _names(options)  # ... and the editor does not offer it


def test_kinds_are_codemirror_types() -> None:
    kinds = {"class", "constant", "function", "method", "namespace", "property"}
    everything = DATA["globals"] + DATA["tensor"]
    everything += [o for opts in DATA["modules"].values() for o in opts]
    assert {kind for _name, kind in everything} <= kinds
