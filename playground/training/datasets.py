"""Data sets for regression, made in memory: nothing is loaded from disk or network.

Every data set is float32 `x` (n×d) and `y` (n×k) with column names; mistakes in
uploaded files become `DatasetError`s with a message for the page.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

import torch

# The tutorial's crop yields: temperature, rainfall, humidity for five regions...
CROP_INPUTS = [[73, 67, 43], [91, 88, 64], [87, 134, 58], [102, 43, 37], [69, 96, 70]]
# ...and the apples and oranges harvested there.
CROP_TARGETS = [[56, 70], [81, 101], [119, 133], [22, 37], [103, 119]]

MAX_CSV_BYTES = 5 * 1024 * 1024
MAX_CSV_ROWS = 100_000
FLOAT32_MAX = torch.finfo(torch.float32).max


class DatasetError(ValueError):
    """A data set that cannot be trained on, with the reason in plain words."""


@dataclass(frozen=True)
class Dataset:
    """Inputs, targets and the names of their columns."""

    name: str
    x: torch.Tensor
    y: torch.Tensor
    x_names: tuple[str, ...]
    y_names: tuple[str, ...]


def crop_tensors() -> dict[str, torch.Tensor]:
    """Fresh float32 `inputs` (5x3) and `targets` (5x2), new objects every call.

    New objects per run, so one learner's in-place edit never reaches another's.
    """
    return {
        "inputs": torch.tensor(CROP_INPUTS, dtype=torch.float32),
        "targets": torch.tensor(CROP_TARGETS, dtype=torch.float32),
    }


def crops() -> Dataset:
    """The tutorial's data: 5 regions, 3 inputs, 2 targets."""
    data = crop_tensors()
    return Dataset(
        "crops",
        data["inputs"],
        data["targets"],
        ("temperature", "rainfall", "humidity"),
        ("apples", "oranges"),
    )


def line(
    points: int = 40, noise: float = 1.0, a: float = 2.0, b: float = -1.0, seed: int = 0
) -> Dataset:
    """`y = a·x + b + noise`, x uniform in [-5, 5], from a generator of its own."""
    if not 2 <= points <= 10_000:
        raise DatasetError("The line needs between 2 and 10,000 points.")
    if not (math.isfinite(noise) and noise >= 0):
        raise DatasetError("Noise must be a number of at least 0.")
    gen = torch.Generator().manual_seed(seed)
    x = torch.rand(points, 1, generator=gen) * 10 - 5
    y = a * x + b + noise * torch.randn(points, 1, generator=gen)
    return Dataset("line", x, y, ("x",), ("y",))


def read_csv(data: bytes) -> tuple[list[str], list[list[float]]]:
    """Header and numeric rows of an uploaded CSV, or a `DatasetError` saying what is wrong."""
    if len(data) > MAX_CSV_BYTES:
        raise DatasetError(f"The file is larger than {MAX_CSV_BYTES // 2**20} MB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DatasetError("The file is not UTF-8 text; save it as CSV (UTF-8).") from None
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header or not any(h.strip() for h in header):
        raise DatasetError("The file is empty: it needs a header row and numbers below it.")
    header = [h.strip() or f"column {i + 1}" for i, h in enumerate(header)]
    if len(set(header)) != len(header):
        raise DatasetError("Two columns have the same name; rename one.")
    rows = _numeric_rows(reader, header)
    if len(rows) < 2:
        raise DatasetError("The file has fewer than 2 data rows: a line needs at least two.")
    return header, rows


def _numeric_rows(reader: csv.reader, header: list[str]) -> list[list[float]]:
    rows: list[list[float]] = []
    for line_no, raw in enumerate(reader, start=2):
        if not raw or all(not cell.strip() for cell in raw):
            continue
        if len(rows) >= MAX_CSV_ROWS:
            raise DatasetError(f"The file has more than {MAX_CSV_ROWS:,} rows.")
        if len(raw) != len(header):
            raise DatasetError(
                f"Row {line_no} has {len(raw)} cells but the header has {len(header)}."
            )
        rows.append([_number(cell, line_no, name) for cell, name in zip(raw, header, strict=True)])
    return rows


def _number(cell: str, line_no: int, column: str) -> float:
    text = cell.strip()
    if not text:
        raise DatasetError(f"Row {line_no}, column '{column}' is empty (missing value).")
    try:
        value = float(text)
    except ValueError:
        raise DatasetError(
            f"Row {line_no}, column '{column}' is not a number: {text[:30]!r}."
        ) from None
    if not math.isfinite(value):
        raise DatasetError(f"Row {line_no}, column '{column}' is not a finite number.")
    if abs(value) > FLOAT32_MAX:  # would become inf in the float32 tensors we train on
        raise DatasetError(
            f"Row {line_no}, column '{column}' is too large: {text[:30]} (float32 holds "
            f"numbers up to about {FLOAT32_MAX:.1e})."
        )
    return value


def from_csv(data: bytes, x_columns: list[str], y_columns: list[str]) -> Dataset:
    """A data set from chosen columns of an uploaded CSV."""
    header, rows = read_csv(data)
    if not x_columns or not y_columns:
        raise DatasetError("Choose at least one input column and one target column.")
    unknown = [c for c in (*x_columns, *y_columns) if c not in header]
    if unknown:
        raise DatasetError(f"No column named '{unknown[0]}' in the file.")
    both = set(x_columns) & set(y_columns)
    if both:
        raise DatasetError(f"'{sorted(both)[0]}' cannot be both an input and a target.")
    table = torch.tensor(rows, dtype=torch.float32)
    x = table[:, [header.index(c) for c in x_columns]]
    y = table[:, [header.index(c) for c in y_columns]]
    return Dataset("csv", x, y, tuple(x_columns), tuple(y_columns))
