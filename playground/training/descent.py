"""Gradient descent on linear regression, exactly as the tutorial writes it.

The loop is the tutorial's: predict with `x @ w.t() + b`, MSE loss, `backward()`,
update under `torch.no_grad()`, zero the gradients. Every epoch is recorded so the
page can replay it; nothing here re-derives a gradient by hand.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch

from .datasets import Dataset

OPTIMIZERS = ("manual", "sgd", "momentum", "adam")


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides a training run; equal configs give equal runs."""

    lr: float = 1e-5
    epochs: int = 100
    optimizer: str = "manual"
    batch_size: int | None = None  # None: full batch, as in the tutorial
    standardize: bool = False
    seed: int = 0
    forget_zero_grad: bool = False
    update_outside_no_grad: bool = False


@dataclass
class TrainRun:
    """Per-epoch history. Row e holds the state *before* epoch e's updates, and the
    gradients that epoch computed (of its last batch)."""

    losses: np.ndarray
    w: np.ndarray  # (epochs + 1, k, d): parameters before each epoch, then final
    b: np.ndarray  # (epochs + 1, k)
    grad_w: np.ndarray  # (epochs, k, d)
    grad_b: np.ndarray  # (epochs, k)
    grad_norm: np.ndarray  # (epochs,)
    stopped_at: int | None = None  # epoch at which training stopped early
    stop_reason: str | None = None
    x_mean: np.ndarray | None = field(default=None, repr=False)
    x_std: np.ndarray | None = field(default=None, repr=False)

    @property
    def epochs_run(self) -> int:
        """How many epochs have a recorded loss."""
        return len(self.losses)

    def to_json(self) -> dict:
        """The CLI contract: losses, and the final parameters."""
        return {
            "losses": [_json_float(v) for v in self.losses.tolist()],
            "params": {"w": self.w[-1].tolist(), "b": self.b[-1].tolist()},
            "stopped_at": self.stopped_at,
            "stop_reason": self.stop_reason,
        }


def _json_float(value: float) -> float | str:
    return value if math.isfinite(value) else str(value)


def standardize(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Columns scaled to mean 0 and standard deviation 1 (population std)."""
    mean = x.mean(dim=0)
    std = x.std(dim=0, unbiased=False)
    if bool((std == 0).any()):
        raise ValueError("A constant input column cannot be standardized.")
    return (x - mean) / std, mean, std


def init_params(k: int, d: int, seed: int) -> tuple[torch.Tensor, torch.Tensor, torch.Generator]:
    """The tutorial's `torch.randn` start, from a generator private to this run."""
    gen = torch.Generator().manual_seed(seed)
    w = torch.randn(k, d, generator=gen, requires_grad=True)
    b = torch.randn(k, generator=gen, requires_grad=True)
    return w, b, gen


def mse(preds: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """The tutorial's loss: mean of squared differences over every element."""
    diff = preds - targets
    return torch.sum(diff * diff) / diff.numel()


def _optimizer(config: TrainConfig, params: list[torch.Tensor]) -> torch.optim.Optimizer | None:
    if config.optimizer == "manual":
        return None
    if config.optimizer == "sgd":
        return torch.optim.SGD(params, lr=config.lr)
    if config.optimizer == "momentum":
        return torch.optim.SGD(params, lr=config.lr, momentum=0.9)
    if config.optimizer == "adam":
        return torch.optim.Adam(params, lr=config.lr)
    raise ValueError(f"Unknown optimizer {config.optimizer!r}; choose one of {OPTIMIZERS}.")


def _step(config: TrainConfig, opt, w: torch.Tensor, b: torch.Tensor) -> None:
    """Adjust the weights, then reset the gradients (steps 5 and 6 of the tutorial)."""
    if opt is not None:
        opt.step()
        if not config.forget_zero_grad:
            opt.zero_grad()
        return
    if config.update_outside_no_grad:  # the teaching mistake: PyTorch refuses it
        w -= w.grad * config.lr
    with torch.no_grad():
        w -= w.grad * config.lr
        b -= b.grad * config.lr
        if not config.forget_zero_grad:
            w.grad.zero_()
            b.grad.zero_()


def _batches(n: int, batch_size: int | None, gen: torch.Generator) -> list[torch.Tensor] | None:
    if batch_size is None or batch_size >= n:
        return None
    order = torch.randperm(n, generator=gen)
    return list(order.split(batch_size))


def train(data: Dataset, config: TrainConfig) -> TrainRun:
    """Run gradient descent, recording every epoch; stop early on a non-finite loss
    or an error PyTorch raises (the teaching mistakes rely on that)."""
    x, y = data.x, data.y
    x_mean = x_std = None
    if config.standardize:
        x, mean, std = standardize(x)
        x_mean, x_std = mean.numpy(), std.numpy()
    k, d, epochs = y.shape[1], x.shape[1], config.epochs
    w, b, gen = init_params(k, d, config.seed)
    opt = _optimizer(config, [w, b])
    rec = _Recorder(epochs, k, d)
    rec.params(0, w, b)
    for epoch in range(epochs):
        try:
            loss = _epoch(config, opt, x, y, w, b, gen, rec, epoch)
        except RuntimeError as exc:
            return rec.finish(epoch, str(exc).split("\n")[0], x_mean, x_std)
        if loss is None:
            return rec.finish(epoch, "diverged", x_mean, x_std)
        rec.params(epoch + 1, w, b)
    return rec.finish(None, None, x_mean, x_std)


def _epoch(config, opt, x, y, w, b, gen, rec: _Recorder, epoch: int) -> float | None:
    """One epoch; returns the loss before its updates, None when it is not finite."""
    batches = _batches(len(x), config.batch_size, gen)
    if batches is None:  # the tutorial's full batch: its loss is the epoch's loss
        loss = mse(x @ w.t() + b, y)
        value = rec.loss(epoch, loss)
        if value is None:
            return None
        loss.backward()
        rec.grads(epoch, w, b)
        _step(config, opt, w, b)
        return value
    with torch.no_grad():
        value = rec.loss(epoch, mse(x @ w.t() + b, y))
    if value is None:
        return None
    for index in batches:
        loss = mse(x[index] @ w.t() + b, y[index])
        loss.backward()
        rec.grads(epoch, w, b)
        _step(config, opt, w, b)
    return value


class _Recorder:
    """Preallocated history tensors, filled with in-place copies (cheap per epoch)."""

    def __init__(self, epochs: int, k: int, d: int) -> None:
        self.losses: list[float] = []
        self.w = torch.zeros(epochs + 1, k, d)
        self.b = torch.zeros(epochs + 1, k)
        self.grad_w = torch.zeros(epochs, k, d)
        self.grad_b = torch.zeros(epochs, k)

    def loss(self, epoch: int, loss: torch.Tensor) -> float | None:
        value = loss.item()
        self.losses.append(value)
        return value if math.isfinite(value) else None

    def params(self, row: int, w: torch.Tensor, b: torch.Tensor) -> None:
        self.w[row].copy_(w.detach())
        self.b[row].copy_(b.detach())

    def grads(self, row: int, w: torch.Tensor, b: torch.Tensor) -> None:
        self.grad_w[row].copy_(w.grad)
        self.grad_b[row].copy_(b.grad)

    def finish(self, stopped: int | None, reason: str | None, x_mean, x_std) -> TrainRun:
        n = len(self.losses)
        done = n if stopped is None else stopped  # epochs whose gradients exist
        gw, gb = self.grad_w[:done], self.grad_b[:done]
        norm = torch.sqrt(gw.pow(2).sum(dim=(1, 2)) + gb.pow(2).sum(dim=1))
        return TrainRun(
            losses=np.array(self.losses, dtype=np.float32),
            w=self.w[: done + 1].numpy(),
            b=self.b[: done + 1].numpy(),
            grad_w=gw.numpy(),
            grad_b=gb.numpy(),
            grad_norm=norm.numpy(),
            stopped_at=stopped,
            stop_reason=reason,
            x_mean=x_mean,
            x_std=x_std,
        )
