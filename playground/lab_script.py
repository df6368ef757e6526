"""The lab's program as a self-contained script for plain Python + PyTorch.

The sandbox pre-binds the crop data and seeds a private generator with 0; the
script does the same with ordinary PyTorch, so it prints what the lab printed.
"""

from __future__ import annotations

import ast

from .sandbox.core.context import DEFAULT_SEED
from .sandbox.parsing import parse
from .training.datasets import CROP_INPUTS, CROP_TARGETS


def _names(source: str) -> set[str]:
    try:
        return {n.id for n in ast.walk(parse(source)) if isinstance(n, ast.Name)}
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()


def lab_script(source: str) -> str:
    """`source` with the imports, data and seed the playground provides implicitly."""
    used = _names(source)
    lines = [
        '"""Exported from Autograd Playground\'s expression lab. Run: python this_file.py"""',
        "",
        "import numpy as np  # noqa: F401  (the playground always provides np)",
        "import torch",
        "",
        f"torch.manual_seed({DEFAULT_SEED})  # the playground seeds every run with {DEFAULT_SEED}",
    ]
    if "inputs" in used:
        lines.append(f"inputs = torch.tensor({CROP_INPUTS}, dtype=torch.float32)")
    if "targets" in used:
        lines.append(f"targets = torch.tensor({CROP_TARGETS}, dtype=torch.float32)")
    lines += ["", "# --- your program ---", source.rstrip("\n"), ""]
    return "\n".join(lines)
