"""What the gradient-descent player needs, as plain JSON-ready data.

The browser replays a finished `TrainRun` frame by frame, so the payload holds
every epoch's loss and parameters plus the data to draw the fit against.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np
import torch

from .datasets import Dataset
from .descent import TrainConfig, TrainRun, standardize
from .least_squares import Optimum, loss_grid, optimum

MAX_POINTS = 400  # points drawn in the fit view; training always uses every row
GRID = 60


def model_inputs(data: Dataset, config: TrainConfig) -> torch.Tensor:
    """The inputs the model actually sees (standardized when asked)."""
    return standardize(data.x)[0] if config.standardize else data.x


def reference(data: Dataset, config: TrainConfig) -> Optimum:
    """Least-squares optimum and stable learning rate for the inputs as trained."""
    return optimum(model_inputs(data, config), data.y)


def _finite(values: np.ndarray) -> list:
    """JSON has no NaN/inf: they become None (plotly leaves a gap)."""
    return [float(v) if math.isfinite(v) else None for v in np.asarray(values, dtype=float).ravel()]


@dataclass(frozen=True)
class PlayerData:
    """What the browser's player replays: every epoch plus the data to draw against.

    All fields are plain JSON values (no NaN or inf: those become null), so
    `to_json()` is the component's argument as it is.
    """

    run_id: str
    losses: list
    w: list
    b: list
    grad_norm: list
    lr: float
    optimum_loss: float
    optimum_w: list
    optimum_b: list
    x: list
    y: list
    x_names: list[str]
    y_names: list[str]
    stopped_at: int | None
    stop_message: str
    one_d: bool
    landscape: dict | None = None

    def to_json(self) -> dict:
        """The player's data as a dict of the fields themselves (they are JSON values
        already): `asdict` deep-copied every list, 5 ms a run on a busy machine."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def player_data(
    data: Dataset,
    config: TrainConfig,
    run: TrainRun,
    best: Optimum,
    run_id: str,
    stop_message: str = "",
) -> PlayerData:
    """Everything the player draws for `run`, JSON-ready."""
    x = model_inputs(data, config)
    keep = _sample(len(x))
    one_d = x.shape[1] == 1 and data.y.shape[1] == 1
    return PlayerData(
        run_id=run_id,
        losses=_finite(run.losses),
        w=_clean(run.w),
        b=_clean(run.b),
        grad_norm=_finite(run.grad_norm),
        lr=config.lr,
        optimum_loss=best.loss,
        optimum_w=best.w.tolist(),
        optimum_b=best.b.tolist(),
        x=x[keep].tolist(),
        y=data.y[keep].tolist(),
        x_names=list(data.x_names),
        y_names=list(data.y_names),
        stopped_at=run.stopped_at,
        stop_message=stop_message,
        one_d=one_d,
        landscape=landscape(x, data.y, run, best) if one_d else None,
    )


def _clean(array: np.ndarray) -> list:
    return np.nan_to_num(array, nan=0.0, posinf=1e30, neginf=-1e30).round(6).tolist()


def _sample(n: int) -> torch.Tensor:
    if n <= MAX_POINTS:
        return torch.arange(n)
    return torch.linspace(0, n - 1, MAX_POINTS).long()


def landscape(x: torch.Tensor, y: torch.Tensor, run: TrainRun, best: Optimum) -> dict:
    """Loss over a grid of (a, b) covering the optimum and the descent's path."""
    path_a = run.w[:, 0, 0]
    path_b = run.b[:, 0]
    finite = (
        np.isfinite(path_a) & np.isfinite(path_b) & (np.abs(path_a) < 1e6) & (np.abs(path_b) < 1e6)
    )
    a_all = np.append(path_a[finite], float(best.w[0, 0]))
    b_all = np.append(path_b[finite], float(best.b[0]))
    a_values = _span(a_all)
    b_values = _span(b_all)
    z = loss_grid(x, y, torch.tensor(a_values), torch.tensor(b_values))
    return {
        "a": a_values.tolist(),
        "b": b_values.tolist(),
        "z": np.log10(z.numpy() + 1e-12).round(4).tolist(),
    }


def _span(values: np.ndarray) -> np.ndarray:
    low, high = float(values.min()), float(values.max())
    pad = max((high - low) * 0.25, 1.0)
    return np.linspace(low - pad, high + pad, GRID)
