"""The modules a program can import, and the names bound before its first line.

One table: `import x`, `import x.y as z` and `from x import name` all read it, so
what the vetting step accepts and what the interpreter binds cannot disagree.
A module's members may come from several files (each owns its part: `torch`'s
tensor functions, `torch.autograd.Function`), so each entry lists the functions
that make its members; a submodule (`torch.nn`) also appears as a member of its
parent (`torch.nn.Linear` works after `import torch`).
"""

from __future__ import annotations

from collections.abc import Callable

from .core.values import Namespace
from .nn.data_api import data_members, utils_members
from .nn.module_classes import autograd_members as function_members
from .nn.nn_api import init_members, nn_members
from .nn.optim_api import optim_members, scheduler_members
from .python.stdlib import math_members, random_members
from .tensors.torch_api import (
    autograd_members,
    cuda_members,
    functional_members,
    linalg_members,
    numpy_members,
    torch_members,
)

Members = Callable[[], dict[str, object]]

# Module name -> the functions that make its members. Fresh objects on every run.
IMPORTABLE: dict[str, tuple[Members, ...]] = {
    "torch": (torch_members,),
    "numpy": (numpy_members,),
    "torch.nn": (nn_members,),
    "torch.nn.functional": (functional_members,),
    "torch.nn.init": (init_members,),
    "torch.optim": (optim_members,),
    "torch.optim.lr_scheduler": (scheduler_members,),
    "torch.utils": (utils_members,),
    "torch.utils.data": (data_members,),
    "torch.autograd": (autograd_members, function_members),
    "torch.cuda": (cuda_members,),
    "torch.linalg": (linalg_members,),
    "math": (math_members,),
    "random": (random_members,),
}

# Bound before the first line runs, so the tutorial's code works without imports.
PRE_BOUND = {"torch": "torch", "np": "numpy", "numpy": "numpy"}


def make_modules() -> dict[str, Namespace]:
    """Every importable module for one run, submodules linked into their parents."""
    modules: dict[str, Namespace] = {}
    for name, makers in IMPORTABLE.items():
        members: dict[str, object] = {}
        for make in makers:
            members.update(make())
        modules[name] = Namespace(name, members)
    for name, module in modules.items():
        parent, _, child = name.rpartition(".")
        if parent in modules:
            modules[parent].members.setdefault(child, module)
    return modules


def bound_modules(modules: dict[str, Namespace]) -> dict[str, Namespace]:
    """`torch`, `np` and `numpy`, as a program sees them before any import."""
    return {name: modules[module] for name, module in PRE_BOUND.items()}
