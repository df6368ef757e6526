"""Data sets a program can use without loading anything from disk or network."""

from __future__ import annotations

import torch

# The tutorial's crop yields: temperature, rainfall, humidity for five regions...
CROP_INPUTS = [[73, 67, 43], [91, 88, 64], [87, 134, 58], [102, 43, 37], [69, 96, 70]]
# ...and the apples and oranges harvested there.
CROP_TARGETS = [[56, 70], [81, 101], [119, 133], [22, 37], [103, 119]]


def crop_tensors() -> dict[str, torch.Tensor]:
    """Fresh float32 `inputs` (5x3) and `targets` (5x2), new objects every call.

    New objects per run, so one learner's in-place edit never reaches another's.
    """
    return {
        "inputs": torch.tensor(CROP_INPUTS, dtype=torch.float32),
        "targets": torch.tensor(CROP_TARGETS, dtype=torch.float32),
    }
