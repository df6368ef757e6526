"""The least-squares reference and the stable learning rate, checked by other routes.

The test's own computations use different algorithms than `least_squares`: normal
equations solved with `torch.linalg.solve`, the 1-D closed form, the Hessian from
autograd, singular values; and real training on both sides of the limit.
"""

from __future__ import annotations

import pytest
import torch

from playground.training import datasets
from playground.training.descent import TrainConfig, train
from playground.training.least_squares import loss_grid, optimum


def _mse64(x: torch.Tensor, y: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> float:
    diff = x.double() @ w.double().t() + b.double() - y.double()
    return float(torch.sum(diff * diff) / diff.numel())


def _random_data(seed: int, n: int, d: int, k: int) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, d, generator=g) * torch.linspace(1, 20, d)
    y = x @ torch.randn(d, k, generator=g) + torch.randn(n, k, generator=g)
    return x, y


def _datasets() -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    crops, line = datasets.crops(), datasets.line(points=50, noise=2.0, seed=4)
    return {
        "crops": (crops.x, crops.y),
        "line": (line.x, line.y),
        "random 30x4->3": _random_data(1, 30, 4, 3),
        "random 8x2->1": _random_data(2, 8, 2, 1),
    }


@pytest.mark.parametrize("name", list(_datasets()))
def test_optimum_solves_the_normal_equations(name):
    x, y = _datasets()[name]
    best = optimum(x, y)
    a = torch.column_stack([x.double(), torch.ones(len(x), dtype=torch.float64)])
    theta = torch.linalg.solve(a.T @ a, a.T @ y.double())  # (d + 1, k)
    torch.testing.assert_close(best.w.double(), theta[:-1].T, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(best.b.double(), theta[-1], rtol=1e-5, atol=1e-5)
    assert best.w.shape == (y.shape[1], x.shape[1]) and best.b.shape == (y.shape[1],)
    assert best.unique is True
    direct = _mse64(x, y, theta[:-1].T, theta[-1])
    assert best.loss == pytest.approx(direct, rel=1e-9, abs=1e-12)
    assert best.loss == pytest.approx(_mse64(x, y, best.w, best.b), rel=1e-5)


@pytest.mark.parametrize("name", list(_datasets()))
def test_no_parameters_beat_the_optimum(name):
    x, y = _datasets()[name]
    best = optimum(x, y)
    g = torch.Generator().manual_seed(0)
    w64, b64 = best.w.double(), best.b.double()
    for _ in range(20):
        w = w64 + 1e-3 * torch.randn(w64.shape, generator=g, dtype=torch.float64)
        b = b64 + 1e-3 * torch.randn(b64.shape, generator=g, dtype=torch.float64)
        assert _mse64(x, y, w, b) >= best.loss * (1 - 1e-9)


def test_one_input_optimum_is_the_textbook_slope_and_intercept():
    data = datasets.line(points=80, noise=0.7, a=-1.5, b=3.0, seed=2)
    x, y = data.x[:, 0].double(), data.y[:, 0].double()
    slope = ((x - x.mean()) * (y - y.mean())).sum() / ((x - x.mean()) ** 2).sum()
    intercept = y.mean() - slope * x.mean()
    best = optimum(data.x, data.y)
    assert float(best.w[0, 0]) == pytest.approx(float(slope), rel=1e-5)
    assert float(best.b[0]) == pytest.approx(float(intercept), rel=1e-5, abs=1e-6)


def test_optimum_agrees_with_torch_lstsq_on_float32_too():
    crops = datasets.crops()
    a = torch.cat([crops.x, torch.ones(5, 1)], dim=1).double()
    solution = torch.linalg.lstsq(a, crops.y.double(), driver="gelsy").solution
    best = optimum(crops.x, crops.y)
    torch.testing.assert_close(best.w, solution[:-1].T.float(), rtol=1e-4, atol=1e-4)
    torch.testing.assert_close(best.b, solution[-1].float(), rtol=1e-4, atol=1e-4)


def _autograd_max_lr(x: torch.Tensor, y: torch.Tensor) -> float:
    """2 / λmax of the Hessian of the tutorial's loss over every (w, b), from autograd."""
    x64, y64 = x.double(), y.double()
    k, d = y.shape[1], x.shape[1]

    def loss(params: torch.Tensor) -> torch.Tensor:
        w, b = params[: k * d].reshape(k, d), params[k * d :]
        diff = x64 @ w.t() + b - y64
        return torch.sum(diff * diff) / diff.numel()

    hessian = torch.autograd.functional.hessian(loss, torch.zeros(k * d + k, dtype=torch.float64))
    return 2.0 / float(torch.linalg.eigvals(hessian).real.max())


@pytest.mark.parametrize("name", list(_datasets()))
def test_max_stable_lr_is_two_over_the_hessians_largest_eigenvalue(name):
    x, y = _datasets()[name]
    best = optimum(x, y)
    assert best.max_stable_lr == pytest.approx(_autograd_max_lr(x, y), rel=1e-7)
    # the same from singular values: λmax(2/(n·k) AᵀA) = 2 σmax² / (n·k)
    a = torch.column_stack([x.double(), torch.ones(len(x), dtype=torch.float64)])
    sigma = float(torch.linalg.svdvals(a).max())
    assert best.max_stable_lr == pytest.approx(len(x) * y.shape[1] / sigma**2, rel=1e-7)


@pytest.mark.parametrize(
    ("name", "standardize"), [("crops", False), ("crops", True), ("line", False)]
)
def test_just_below_the_limit_converges_just_above_it_diverges(name, standardize):
    data = datasets.crops() if name == "crops" else datasets.line()
    x = data.x
    if standardize:
        x = (x - x.mean(dim=0)) / x.std(dim=0, unbiased=False)
    best = optimum(x, data.y)
    below = train(
        data, TrainConfig(lr=best.max_stable_lr * 0.95, epochs=700, standardize=standardize)
    )
    above = train(
        data, TrainConfig(lr=best.max_stable_lr * 1.05, epochs=700, standardize=standardize)
    )
    assert below.stopped_at is None
    assert below.losses[-1] < below.losses[0]
    assert below.losses[-1] >= best.loss * (1 - 1e-5)
    assert above.stop_reason == "diverged"
    assert above.losses[-2] > above.losses[0]  # it grew before overflowing


def test_a_constant_column_makes_the_optimum_not_unique():
    data = datasets.line(points=20, seed=3)
    x = torch.cat([data.x, torch.full((20, 1), 4.0)], dim=1)  # collinear with the bias
    best = optimum(x, data.y)
    assert best.unique is False
    # still a least-squares solution: as good as the fit without the constant column
    assert best.loss == pytest.approx(optimum(data.x, data.y).loss, rel=1e-9)
    assert best.loss == pytest.approx(_mse64(x, data.y, best.w, best.b), rel=1e-5)
    assert torch.isfinite(best.w).all() and torch.isfinite(best.b).all()


def test_duplicate_columns_make_the_optimum_not_unique():
    crops = datasets.crops()
    x = torch.cat([crops.x, crops.x[:, :1] * 2], dim=1)
    assert optimum(x, crops.y).unique is False
    assert optimum(crops.x, crops.y).unique is True


def test_loss_grid_equals_direct_computation():
    data = datasets.line(points=25, noise=1.5, seed=8)
    a_values = torch.linspace(-3, 5, 7, dtype=torch.float64)
    b_values = torch.linspace(-4, 2, 5, dtype=torch.float64)
    grid = loss_grid(data.x, data.y, a_values, b_values)
    assert grid.shape == (5, 7)
    for row, b in enumerate(b_values):
        for col, a in enumerate(a_values):
            direct = _mse64(data.x, data.y, a.reshape(1, 1), b.reshape(1))
            assert float(grid[row, col]) == pytest.approx(direct, rel=1e-12)


def test_loss_grid_is_lowest_near_the_optimum():
    data = datasets.line(points=40, seed=1)
    best = optimum(data.x, data.y)
    a0, b0 = float(best.w[0, 0]), float(best.b[0])
    a_values = torch.tensor([a0 - 0.5, a0, a0 + 0.5], dtype=torch.float64)
    b_values = torch.tensor([b0 - 0.5, b0, b0 + 0.5], dtype=torch.float64)
    grid = loss_grid(data.x, data.y, a_values, b_values)
    assert int(grid.argmin()) == 4  # the centre
    assert float(grid[1, 1]) == pytest.approx(best.loss, rel=1e-6)
