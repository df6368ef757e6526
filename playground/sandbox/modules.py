"""The modules a program can import, and the names they are bound to from the start.

One table: `import x`, `import x as y` and `from x import name` all read it, so
what the vetting step accepts and what the interpreter binds cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable

from .torch_api import make_numpy, make_torch
from .values import Namespace

# Module name -> factory of the `Namespace` a program sees. A fresh one per run.
IMPORTABLE: dict[str, Callable[[], Namespace]] = {
    "torch": make_torch,
    "numpy": make_numpy,
}

# Bound before the first line runs, so the tutorial's code works without imports.
PRE_BOUND = {"torch": "torch", "np": "numpy", "numpy": "numpy"}


def bound_modules() -> dict[str, Namespace]:
    """`torch`, `np` and `numpy`, as a program sees them before any import."""
    made = {module: IMPORTABLE[module]() for module in set(PRE_BOUND.values())}
    return {name: made[module] for name, module in PRE_BOUND.items()}
