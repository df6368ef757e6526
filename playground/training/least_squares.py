"""Closed-form facts about linear regression, used as *reference* beside training.

Training itself always runs PyTorch autograd (see `descent`); these numbers only
answer "how good could it get?" and "how large may the learning rate be?".
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class Optimum:
    """The least-squares solution, its loss, and the largest stable learning rate."""

    w: torch.Tensor  # (k, d)
    b: torch.Tensor  # (k,)
    loss: float
    max_stable_lr: float
    unique: bool  # False when columns are collinear (e.g. a constant column)


def design(x: torch.Tensor) -> torch.Tensor:
    """`[x, 1]` in float64: the bias is the weight of a column of ones."""
    x64 = x.to(torch.float64)
    return torch.cat([x64, torch.ones(len(x64), 1, dtype=torch.float64)], dim=1)


def optimum(x: torch.Tensor, y: torch.Tensor) -> Optimum:
    """Solve min ||[x 1] θ - y||² and the stability limit of full-batch descent.

    The tutorial's loss is sum(diff²) / (n·k), whose Hessian with respect to each
    output's (w, b) is 2/(n·k) · AᵀA. Plain gradient descent converges exactly when
    lr < 2 / λ_max of that Hessian.
    """
    a = design(x)
    y64 = y.to(torch.float64)
    n, k = y64.shape
    solution = torch.linalg.lstsq(a, y64, driver="gelsd").solution  # (d + 1, k)
    diff = a @ solution - y64
    loss = float((diff * diff).sum() / diff.numel())
    hessian = 2.0 / (n * k) * (a.T @ a)
    eigen = torch.linalg.eigvalsh(hessian)
    unique = bool(torch.linalg.matrix_rank(a) == a.shape[1])
    return Optimum(
        w=solution[:-1].T.to(torch.float32),
        b=solution[-1].to(torch.float32),
        loss=loss,
        max_stable_lr=float(2.0 / eigen.max()),
        unique=unique,
    )


def loss_grid(
    x: torch.Tensor, y: torch.Tensor, a_values: torch.Tensor, b_values: torch.Tensor
) -> torch.Tensor:
    """MSE over a grid of (slope a, intercept b) for 1-D data: the loss landscape."""
    x64, y64 = x.to(torch.float64).reshape(1, 1, -1), y.to(torch.float64).reshape(1, 1, -1)
    preds = a_values.reshape(1, -1, 1) * x64 + b_values.reshape(-1, 1, 1)
    return ((preds - y64) ** 2).mean(dim=2)  # (len(b_values), len(a_values))
