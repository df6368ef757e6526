"""How much one run of a user program may use.

One table, so the refusal messages, the docs and the tests agree on the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Budgets:
    """Limits for one sandboxed run. Checked before and while the program runs."""

    source_chars: int = 20_000
    ast_nodes: int = 20_000
    ast_depth: int = 60
    tensor_elements: int = 1_000_000
    total_elements: int = 16_000_000
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


DEFAULT_BUDGETS = Budgets()
