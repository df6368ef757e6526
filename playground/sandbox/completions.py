"""The names the code editor may suggest: exactly what the sandbox would run.

Built from the sandbox's own tables (the names every program starts with, the
importable modules and their members, the tensor methods and attributes), so a
suggestion can never be a name the allow-list refuses, and a name added to the
sandbox is suggested without touching the editor. The editor gets this as data
(`playground.ui.editor`); it resolves `torch.` / `nn.` / `x.` against it.
"""

from __future__ import annotations

from .core.values import Namespace
from .modules import IMPORTABLE, make_modules
from .python_api import make_builtins
from .tensors.catalogue import ATTRIBUTES
from .tensors.tensor_api import _ATTRIBUTES, METHODS

# Usual short names for modules (`import torch.nn as nn`); the editor also reads the
# program's own `import ... as ...` lines, these are what it assumes before them.
ALIASES = {
    "np": "numpy",
    "nn": "torch.nn",
    "F": "torch.nn.functional",
    "optim": "torch.optim",
    "init": "torch.nn.init",
}

Option = tuple[str, str]  # (name, kind): kind is one of CodeMirror's completion types


def _kind(name: str, value: object) -> str:
    if isinstance(value, Namespace):
        return "namespace"
    if name[:1].isupper():
        return "class"
    return "function" if callable(value) else "constant"


def _options(members: dict[str, object]) -> list[Option]:
    return sorted((n, _kind(n, v)) for n, v in members.items() if not n.startswith("_"))


def completions() -> dict[str, object]:
    """JSON-ready completion data: global names, module members, tensor members."""
    modules = make_modules()
    top_modules = {name.split(".")[0] for name in IMPORTABLE}
    names = make_builtins(modules)
    globals_ = _options(names) + [(m, "namespace") for m in sorted(top_modules - set(names))]
    attributes = sorted(set(ATTRIBUTES) | set(_ATTRIBUTES))
    tensor = sorted([(n, "method") for n in METHODS] + [(a, "property") for a in attributes])
    return {
        "globals": [list(o) for o in globals_],
        "modules": {
            name: [list(o) for o in _options(module.members)] for name, module in modules.items()
        },
        "aliases": dict(ALIASES),
        "tensor": [list(o) for o in tensor],
    }
