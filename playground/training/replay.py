"""One call for everything a page shows about a training run: `replay(data, config)`.

The gradient-descent page and the tour's last stop show the same things: the run,
the least-squares reference, the stable learning rate, why training stopped, and
the player's data. Sequencing those calls is a decision of the core, so pages ask
this one question and lay out the answer.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from ..graph.model import Graph
from .datasets import Dataset
from .descent import TrainConfig, TrainRun, train
from .least_squares import Optimum
from .loss_graph import loss_graph
from .player_data import PlayerData, model_inputs, player_data, reference
from .script import training_script

TOO_HIGH = 1.6  # "learning rate too high" trains at this multiple of the stable limit
SLOW = 1000  # an lr this many times below the limit barely moves the loss


@dataclass(frozen=True)
class Replay:
    """A finished training run and what is said about it, ready to lay out."""

    data: Dataset
    config: TrainConfig  # as trained: the lr is raised when "too high" was asked for
    run: TrainRun
    optimum: Optimum
    player: PlayerData
    stop_message: str  # empty when every epoch ran
    lr_raised: bool  # True when the lr was set above the stable limit on purpose
    stable_lr_note: str  # the stable limit, raw against standardized features
    slow_lr_hint: str  # empty unless the lr is far below the limit

    def epoch_graph(self, epoch: int) -> Graph:
        """The autograd graph of epoch `epoch`'s loss, after its `backward()`."""
        x = model_inputs(self.data, self.config)
        w, b = self.run.w[epoch].tolist(), self.run.b[epoch].tolist()
        return loss_graph(x, self.data.y, w, b)

    @property
    def script(self) -> str:
        """A plain PyTorch script that reproduces this run's loss curve."""
        return training_script(self.data, self.config)


def fingerprint(data: Dataset, config: TrainConfig, lr_too_high: bool = False) -> str:
    """A short id equal for equal data and settings: a run is a pure function of them."""
    digest = hashlib.sha1(repr((config, lr_too_high)).encode())
    digest.update(data.x.numpy().tobytes())
    digest.update(data.y.numpy().tobytes())
    return digest.hexdigest()[:16]


def replay(data: Dataset, config: TrainConfig, lr_too_high: bool = False) -> Replay:
    """Train on `data` and describe the run; `ValueError` for inputs that cannot be
    standardized (a constant column)."""
    run_id = fingerprint(data, config, lr_too_high)
    best = reference(data, config)
    if lr_too_high:
        config = replace(config, lr=best.max_stable_lr * TOO_HIGH)
    run = train(data, config)
    message = stop_message(run, config, best) if run.stopped_at is not None else ""
    return Replay(
        data=data,
        config=config,
        run=run,
        optimum=best,
        player=player_data(data, config, run, best, run_id, message),
        stop_message=message,
        lr_raised=lr_too_high,
        stable_lr_note=_stable_lr_note(data, config, best),
        slow_lr_hint=_slow_lr_hint(config, best),
    )


def stop_message(run: TrainRun, config: TrainConfig, best: Optimum) -> str:
    """Why training stopped early, in the learner's terms."""
    if run.stop_reason == "diverged":
        return (
            f"Training stopped at epoch {run.stopped_at}: the loss became infinite or NaN. "
            f"The learning rate {config.lr:g} is too large for this data — plain gradient "
            f"descent is stable only below 2/λmax of the loss's Hessian = "
            f"{best.max_stable_lr:.3g}."
        )
    return (
        f"PyTorch stopped training at epoch {run.stopped_at}: {run.stop_reason} "
        "Updating w in place while autograd is recording would make the update part of "
        "the graph, so PyTorch refuses; the tutorial wraps it in `with torch.no_grad():`."
    )


def _stable_lr_note(data: Dataset, config: TrainConfig, best: Optimum) -> str:
    text = (
        f"Largest stable learning rate for plain gradient descent here: {best.max_stable_lr:.3g}."
    )
    try:
        other = reference(data, TrainConfig(standardize=not config.standardize))
    except ValueError:  # a constant column cannot be standardized; nothing to compare
        other = None
    if other is not None:
        raw, std = (other, best) if config.standardize else (best, other)
        text += (
            f" Raw features allow only {raw.max_stable_lr:.2g}, standardized ones "
            f"{std.max_stable_lr:.2g} — that is why the tutorial needed lr = 1e-5 on raw "
            "crop data."
        )
    if not best.unique:
        text += " Some columns are constant or duplicates: the best fit is not unique."
    return text


def _slow_lr_hint(config: TrainConfig, best: Optimum) -> str:
    if config.lr >= best.max_stable_lr / SLOW:
        return ""
    return (
        f"lr = {config.lr:g} is over 1,000× below that limit: the loss will barely move. "
        f"Try about {best.max_stable_lr / 4:.2g}."
    )
