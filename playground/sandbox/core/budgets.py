"""How much one run of a user program may use.

One table, so the refusal messages, the docs and the tests agree on the numbers.
Two profiles: `hosted` (the defaults, for strangers sharing a server) and `local`
(one person on their own machine, who may train longer on more data). The
environment variable `PLAYGROUND_BUDGETS=local` makes `local` the default of a
process (the app, a notebook); `python -m playground eval --budgets local` does
the same for one command.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Budgets:
    """Limits for one sandboxed run. Checked before and while the program runs."""

    source_chars: int = 20_000
    ast_nodes: int = 20_000
    ast_depth: int = 60
    tensor_elements: int = 1_000_000
    # Tensor elements alive at once: every tensor the program can reach, and every
    # autograd node's output (what a graph may keep for backward()). Given back
    # when they are freed, so a long training loop costs what one step keeps.
    alive_elements: int = 16_000_000
    # Characters and list items built over the whole run (Python's str and list
    # cannot be watched for being freed, so these are counted once made).
    total_items: int = 16_000_000
    torch_ops: int = 200_000
    loop_iterations: int = 1_000_000
    call_depth: int = 40
    # PyTorch 2.x frees a long autograd chain recursively once Python has seen its
    # nodes (as the tracer and graph walk do): ~45,000 nodes overflow an 8 MB stack.
    graph_depth: int = 20_000
    wall_seconds: float = 3.0
    int_bits: int = 64
    sequence_length: int = 100_000
    output_chars: int = 100_000
    # Element-wise kernels slow down with the square of the rank: (1,) * 100000 takes 20 s.
    tensor_dims: int = 100
    # Gradient elements one backward() may write. Each `x[i, j]` of a big `x` sends
    # back a gradient as large as `x`, in C, where no clock check can stop it.
    backward_elements: int = 100_000_000


HOSTED_BUDGETS = Budgets()

# One user on their own machine: ten times the sizes, counts and time. The graph
# depth stays (it guards the process's stack, not fairness).
LOCAL_BUDGETS = replace(
    HOSTED_BUDGETS,
    tensor_elements=10_000_000,
    alive_elements=160_000_000,
    total_items=160_000_000,
    torch_ops=2_000_000,
    loop_iterations=10_000_000,
    wall_seconds=30.0,
    backward_elements=1_000_000_000,
)

PROFILES = {"hosted": HOSTED_BUDGETS, "local": LOCAL_BUDGETS}
ENVIRONMENT_VARIABLE = "PLAYGROUND_BUDGETS"


def budgets_named(name: str) -> Budgets:
    """The budgets of a profile by name (`hosted` or `local`)."""
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown budgets {name!r}; choose one of {', '.join(PROFILES)}") from None


def budgets_from_environment() -> Budgets:
    """`PLAYGROUND_BUDGETS` (hosted when unset): read once, when the sandbox is imported."""
    return budgets_named(os.environ.get(ENVIRONMENT_VARIABLE, "hosted") or "hosted")


DEFAULT_BUDGETS = budgets_from_environment()
