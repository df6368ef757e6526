"""The folder tree is the architecture: each wing imports only what lies below it.

source -> sandbox -> graph -> training -> top-level modules -> pages (`playground/ui`);
`isolation` (worker processes) imports nothing of ours: it runs what it is handed.
"""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "playground"
# What each part of the core may import from the package; the pages may import anything.
ALLOWED = {
    "sandbox": {"sandbox"},
    "graph": {"sandbox", "graph"},
    "training": {"sandbox", "graph", "training"},
    "isolation": {"isolation"},  # callers hand it the function to run
}
SUBPACKAGES = sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py"))


def _imports(path: Path) -> set[str]:
    """Absolute module names `path` imports (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = path.relative_to(ROOT).with_suffix("").parts[:-1]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = list(here[: len(here) - node.level + 1]) if node.level else []
            module = ".".join([*base, *(node.module or "").split(".")]).strip(".")
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def _wing(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "playground" and len(parts) > 1 else None


def _core_files() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if "ui" not in p.relative_to(PACKAGE).parts]


def test_the_top_level_holds_at_most_twelve_modules():
    assert len(list(PACKAGE.glob("*.py"))) <= 12


@pytest.mark.parametrize("name", SUBPACKAGES)
def test_every_subpackage_says_what_it_owns_and_may_import(name):
    doc = ast.get_docstring(ast.parse((PACKAGE / name / "__init__.py").read_text()))
    assert doc and "May import" in doc, f"playground/{name}/__init__.py"


@pytest.mark.parametrize("wing", sorted(ALLOWED))
def test_a_wing_imports_only_the_wings_below_it(wing):
    for path in (PACKAGE / wing).rglob("*.py"):
        for module in _imports(path):
            if module == "playground" or module.startswith("playground."):
                target = _wing(module)
                assert target in ALLOWED[wing], f"{path.relative_to(ROOT)} imports {module}"


# Inside the sandbox: what each wing may import of the sandbox (its top level, the
# interpreter and the vetting, may import every wing).
SANDBOX = PACKAGE / "sandbox"
SANDBOX_ALLOWED = {
    "core": {"core"},
    "tensors": {"core", "tensors"},
    "python": {"core", "tensors", "python"},
    "nn": {"core", "nn"},
}


def test_the_sandbox_folder_holds_at_most_twelve_modules():
    assert len(list(SANDBOX.glob("*.py"))) <= 12


@pytest.mark.parametrize("wing", sorted(SANDBOX_ALLOWED))
def test_a_sandbox_wing_imports_only_the_wings_below_it(wing):
    for path in (SANDBOX / wing).rglob("*.py"):
        for module in _imports(path):
            parts = module.split(".")
            if parts[:2] == ["playground", "sandbox"] and len(parts) > 2:
                where = path.relative_to(ROOT)
                assert parts[2] in SANDBOX_ALLOWED[wing], f"{where} imports {module}"


def test_the_core_never_imports_streamlit_or_a_page():
    for path in _core_files():
        bad = {m for m in _imports(path) if m.split(".")[0] == "streamlit"}
        bad |= {m for m in _imports(path) if m.startswith("playground.ui")}
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_the_repository_stands_alone():
    """No tracked file points outside the repository. (static/graph.js is Graphviz's
    emscripten build: its virtual file system's /home/web_user is no machine's path.)"""
    pattern = r"\.\./shared|/work/|/root/|/home/"
    found = subprocess.run(
        ["git", "grep", "-n", "-E", pattern, "--", ".", ":!*.png", ":!tests/test_layout.py",
         ":!static/graph.js"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    ).stdout  # fmt: skip
    assert found == "", found
