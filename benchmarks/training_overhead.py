"""Cost of recording every epoch: `descent.train` vs the bare tutorial loop.

Both run the tutorial's 100 full-batch epochs on the crop data, interleaved in
one process so machine noise hits both alike; the ratio of medians is reported.
Target (issue 3): ratio <= 1.3.

    python -m benchmarks.training_overhead [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from playground.training import datasets
from playground.training.descent import TrainConfig, train


def bare_loop(inputs: torch.Tensor, targets: torch.Tensor, epochs: int) -> None:
    """The tutorial's second code block, verbatim apart from the seeded generator."""
    g = torch.Generator().manual_seed(0)
    w = torch.randn(2, 3, generator=g, requires_grad=True)
    b = torch.randn(2, generator=g, requires_grad=True)

    def model(x):
        return x @ w.t() + b

    def mse(t1, t2):
        diff = t1 - t2
        return torch.sum(diff * diff) / diff.numel()

    for _ in range(epochs):
        preds = model(inputs)
        loss = mse(preds, targets)
        loss.backward()
        with torch.no_grad():
            w -= w.grad * 1e-5
            b -= b.grad * 1e-5
            w.grad.zero_()
            b.grad.zero_()


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="a few repeats only (CI)")
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args()
    repeats = 5 if args.quick else args.repeats
    data = datasets.crops()
    config = TrainConfig()
    bare, recorded = [], []
    for _ in range(repeats):
        bare.append(timed(lambda: bare_loop(data.x, data.y, config.epochs)))
        recorded.append(timed(lambda: train(data, config)))
    b, r = statistics.median(bare), statistics.median(recorded)
    per_epoch = 1e6 / config.epochs
    print(f"bare tutorial loop : {b * per_epoch:7.1f} us/epoch (median of {repeats})")
    print(f"descent.train      : {r * per_epoch:7.1f} us/epoch (median of {repeats})")
    print(f"ratio train / bare : {r / b:.2f}  (target <= 1.30)")


if __name__ == "__main__":
    main()
