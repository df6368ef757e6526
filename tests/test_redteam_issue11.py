"""The red team's findings on issue 11's surface (2026-12-02), kept fixed.

Expected output always comes from plain PyTorch running the same program.
"""

from __future__ import annotations

import pytest
from plain_reference import run_plain
from process_memory import status_kb

from playground import run

SAME_AS_PLAIN = {
    # `NodeView`'s `text` field hid SandboxObject's printing method: print(grad_fn) failed.
    "printing a grad_fn": (
        "x = torch.ones(1, requires_grad=True)\ng = (x * 2).grad_fn\n"
        "print(str(g).split(' at ')[0].rstrip('>'), f'{g}'.startswith('<MulBackward0'))\n"
    ),
    # An optimizer's param group is a dict to the program: its type, keys and items.
    "a param group is a dict": (
        "o = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)\n"
        "pg = o.param_groups[0]\nprint(type(pg), isinstance(pg, dict), pg.get('lr'))\n"
        "print([k for k, v in pg.items() if k == 'lr'])\npg.update({'lr': 0.5})\no.step()\n"
        "print(o.param_groups[0]['lr'])\n"
    ),
    "repeat_interleave of small sizes": (
        "print(torch.repeat_interleave(torch.tensor([1, 2, 3])))\n"
        "print(torch.tensor([1, 2]).repeat_interleave(torch.tensor([2, 3])))\n"
        "print(torch.tensor([[1., 2.], [3., 4.]]).repeat_interleave(3, dim=0))\n"
        "print(torch.tensor([[1, 2], [3, 4]]).repeat_interleave(2))\n"
    ),
}


@pytest.mark.parametrize("source", SAME_AS_PLAIN.values(), ids=SAME_AS_PLAIN.keys())
def test_prints_what_plain_pytorch_prints(source: str) -> None:
    result = run(source)
    assert result.ok, result.error
    assert result.output == run_plain(source)[1]


BOMBS = {
    "one repeat count": "r = torch.tensor([150000000])\ny = torch.repeat_interleave(r)\n",
    "a repeats tensor": (
        "y = torch.tensor([1., 2.]).repeat_interleave(torch.tensor([100000000, 50000000]))\n"
    ),
    "billions": "y = torch.repeat_interleave(torch.tensor([400000000, 400000000]))\n",
}


@pytest.mark.parametrize("source", BOMBS.values(), ids=BOMBS.keys())
def test_repeat_interleave_is_sized_from_its_repeats_before_allocating(source: str) -> None:
    """It allocated 1.45 GB (and tried 6.4 GB) before the size check spoke."""
    before = status_kb("VmHWM")
    result = run(source)
    assert result.error is not None and result.error.kind == "budget"
    assert "elements" in result.error.message
    assert status_kb("VmHWM") - before < 200_000  # kB: nothing near the result's size
