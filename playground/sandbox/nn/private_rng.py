"""Run PyTorch code that draws from the global RNG on the run's private generator.

`nn.Linear(3, 2)` initialises its weights, `nn.Dropout` draws its mask and a
`DataLoader` draws its seeds from PyTorch's *global* generator. A program's
randomness must come from its own generator (`ctx.generator`, which
`torch.manual_seed` seeds), so that the same seed gives the same weights as plain
PyTorch and no run changes another's numbers. For the few calls that draw, the
private generator's state is moved into the global one and back afterwards.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import torch

from ..core.context import RunContext

# The global generator is one per process: two threads swapping their states in at
# once would draw each other's numbers. Runs in workers are one per process; tests
# and the in-process fallback may run several threads, hence the lock.
_GLOBAL_RNG = threading.Lock()


@contextmanager
def private_rng(ctx: RunContext) -> Iterator[None]:
    """Inside, the global CPU generator *is* the run's generator; outside, untouched.

    Only PyTorch's own code runs inside (never a program's), so this never nests.
    """
    with _GLOBAL_RNG:
        saved = torch.default_generator.get_state()
        torch.default_generator.set_state(ctx.generator.get_state())
        try:
            yield
        finally:
            ctx.generator.set_state(torch.default_generator.get_state())
            torch.default_generator.set_state(saved)
