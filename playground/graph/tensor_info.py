"""Plain-data snapshots of tensors: what the inspector, labels and JSON show."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import torch

SMALL_ELEMENTS = 16  # up to this many, a tensor's label shows every value
MAX_KEPT = 1_000_000
MAX_NUMPY_DIMS = 32  # numpy 1.x's limit (2.x allows 64)
# Numbers one JSON document (a run's result) may hold: `json.dumps` writes about a
# million floats a second, and 15 tensors of a million elements made 619 MB of JSON.
MAX_JSON_NUMBERS = 100_000


class JsonBudget:
    """The numbers one JSON document may still hold; values past them are cut short."""

    def __init__(self, numbers: int = MAX_JSON_NUMBERS) -> None:
        self.left = numbers

    def take(self, array: np.ndarray) -> tuple[np.ndarray, bool]:
        """`array`, or a flat prefix of it that fits; and whether it was cut.

        A scalar always fits (the contract promises a number for shape []).
        """
        if array.ndim == 0 or array.size <= self.left:
            self.left = max(0, self.left - array.size)
            return array, False
        prefix = array.reshape(-1)[: self.left]
        self.left = 0
        return prefix, True


@dataclass(frozen=True)
class Summary:
    """A large array as the page shows it: its shape and min, mean, max, not its values.

    The page labels at most `SMALL_ELEMENTS` values of a tensor; a worker sending
    every value back made one result of a big program 61 MB, and a lab session keeps
    two (the result and the last good one).
    """

    shape: tuple[int, ...]
    low: float
    mean: float
    high: float

    @property
    def size(self) -> int:
        return shape_size(self.shape)

    def reshape(self, *shape: object) -> Summary:
        """Flattening keeps the summary (the step view flattens before labelling)."""
        return self


def for_page(array: np.ndarray | Summary) -> np.ndarray | Summary:
    """`array` when the page shows its values, else its `Summary`."""
    if isinstance(array, Summary) or array.size <= SMALL_ELEMENTS:
        return array
    return Summary(tuple(array.shape), *_summary(array))


def shape_size(shape: tuple[int, ...]) -> int:
    size = 1
    for extent in shape:
        size *= extent
    return size


@dataclass(frozen=True)
class TensorInfo:
    """Everything we show about one tensor, with no torch objects inside."""

    name: str | None
    shape: tuple[int, ...]
    dtype: str
    requires_grad: bool
    is_leaf: bool
    value: np.ndarray | Summary  # a Summary only in a result made `for_page`
    grad: np.ndarray | Summary | None
    grad_note: str

    def for_page(self) -> TensorInfo:
        """This snapshot with large values summarised (see `Summary`)."""
        grad = None if self.grad is None else for_page(self.grad)
        return replace(self, value=for_page(self.value), grad=grad)

    def to_json(self, budget: JsonBudget | None = None) -> dict:
        """The CLI contract's per-tensor object.

        Past the document's `budget`, `value` and `grad` are flat prefixes (possibly
        empty) and `truncated` is set.
        """
        budget = budget or JsonBudget()
        value, cut = budget.take(self.value)
        grad, grad_cut = (None, False) if self.grad is None else budget.take(self.grad)
        data = {
            "value": json_value(value),
            "grad": None if grad is None else json_value(grad),
            "requires_grad": self.requires_grad,
            "is_leaf": self.is_leaf,
            "shape": list(self.shape),
            "dtype": self.dtype,
        }
        if cut or grad_cut:
            data["truncated"] = True
        return data


def snapshot(tensor: torch.Tensor, name: str | None = None) -> TensorInfo:
    """Copy what we display out of `tensor`, so later edits cannot change it."""
    leaf = is_leaf(tensor)
    grad = tensor.grad if (leaf or tensor.retains_grad) else None
    return TensorInfo(
        name=name,
        shape=tuple(tensor.shape),
        dtype=str(tensor.dtype).removeprefix("torch."),
        requires_grad=tensor.requires_grad,
        is_leaf=leaf,
        value=_to_numpy(tensor),
        grad=None if grad is None else _to_numpy(grad),
        grad_note=grad_note(tensor, name or "this tensor"),
    )


class Snapshots:
    """One copy of each tensor for a whole description: its variables and both graphs.

    Fifteen million-element leaves were otherwise copied three times over (the
    variables, the graph, the raw graph). Holding each tensor keeps its id unique.
    """

    def __init__(self) -> None:
        self._known: dict[int, tuple[torch.Tensor, TensorInfo]] = {}

    def get(self, tensor: torch.Tensor, name: str | None) -> TensorInfo:
        """`snapshot(tensor, name)`, sharing the copy made for any earlier name."""
        known = self._known.get(id(tensor))
        if known is None:
            info = snapshot(tensor, name)
            self._known[id(tensor)] = (tensor, info)
            return info
        info = known[1]
        if info.name == name:
            return info
        return replace(info, name=name, grad_note=grad_note(tensor, name or "this tensor"))


def is_leaf(tensor: torch.Tensor) -> bool:
    """`tensor.is_leaf`, or a best answer where PyTorch refuses to give one.

    A view made under `no_grad()` whose base is later changed in place raises a
    RuntimeError when asked, though the program that made it ran fine; it was made
    outside autograd, so it is shown as a leaf (with no history) instead of failing.
    So does one of several views made at once (`for r in b`, `p, q = b`) once `b`
    is changed in place; it requires grad, because it was computed from `b`, so it
    is not a leaf (and has no `.grad` to read).
    """
    try:
        return tensor.is_leaf
    except RuntimeError:
        return not tensor.requires_grad


def _to_numpy(tensor: torch.Tensor) -> np.ndarray:
    flat = tensor.detach()
    if flat.numel() > MAX_KEPT:
        flat = flat.reshape(-1)[:MAX_KEPT]
    elif flat.dim() > MAX_NUMPY_DIMS:  # PyTorch allows more dimensions than numpy
        flat = flat.reshape(-1)
    return flat.cpu().numpy().copy()


def grad_note(tensor: torch.Tensor, name: str) -> str:
    """Why `.grad` holds what it holds: the question learners ask most."""
    if not tensor.requires_grad:
        return (
            f"{name} does not require grad (requires_grad=False), so autograd "
            "computes no gradient for it and .grad stays None."
        )
    if not is_leaf(tensor) and not tensor.retains_grad:
        return (
            f"{name} is computed from other tensors (not a leaf); PyTorch only keeps "
            f".grad on leaves unless you call {name}.retain_grad() before backward()."
        )
    if tensor.grad is None:
        return "backward() has not reached it yet: call backward() on a result that uses it."
    return "Filled in by backward(); it accumulates (+=) until you zero it."


def json_value(array: np.ndarray) -> object:
    """A number or nested list; non-finite values as the strings 'nan', 'inf', '-inf'."""
    if array.dtype == np.bool_:
        return array.tolist()
    if np.isfinite(array).all() if array.size else True:
        return array.tolist()
    return _replace_nonfinite(array.tolist())


def _replace_nonfinite(value: object) -> object:
    if isinstance(value, list):
        return [_replace_nonfinite(v) for v in value]
    if isinstance(value, float) and not np.isfinite(value):
        return "nan" if np.isnan(value) else ("inf" if value > 0 else "-inf")
    return value


def format_number(value: float) -> str:
    """Four significant digits, the way a learner reads them off a slide."""
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    return f"{value:.4g}"


def _short(value: float | int | bool) -> str:
    """`format_number` for a Python number from `tolist`."""
    return str(value) if value is True or value is False else f"{value:.4g}"


def value_text(array: np.ndarray | Summary, shape: tuple[int, ...]) -> str:
    """A compact text of a value: the number, a small matrix, or a summary."""
    if isinstance(array, Summary):
        return _summary_text(array.low, array.mean, array.high)
    if len(shape) == 0:
        return format_number(array.item())
    if array.size <= SMALL_ELEMENTS and len(shape) <= 2:
        # Python numbers (tolist) format several times faster than NumPy scalars, to the
        # same text; labels format every element of every small tensor in a graph.
        rows = (array.reshape(shape) if len(shape) == 2 else array.reshape(1, -1)).tolist()
        lines = ["[" + "  ".join(_short(v) for v in row) + "]" for row in rows]
        return "\n".join(lines)
    if array.size == 0:
        return "(empty)"
    return _summary_text(*_summary(array))


def _summary_text(low: float, mean: float, high: float) -> str:
    return f"min {format_number(low)}  mean {format_number(mean)}  max {format_number(high)}"


def _summary(array: np.ndarray) -> tuple[float, float, float]:
    """min, mean, max: for float32/64 straight from the ufuncs, the very numbers
    `array.min()`, `.mean()` and `.max()` give without their per-call overhead (every
    weight and gradient label of a graph asks for them)."""
    if array.dtype in (np.float32, np.float64):
        total = np.add.reduce(array, axis=None)
        mean = total.dtype.type(total / np.intp(array.size))  # as numpy's own mean
        low, high = np.minimum.reduce(array, axis=None), np.maximum.reduce(array, axis=None)
        return float(low), float(mean), float(high)
    return float(array.min()), float(array.mean()), float(array.max())


def shape_text(shape: tuple[int, ...]) -> str:
    """`5×3`, or `scalar` for a 0-d tensor."""
    return "×".join(str(s) for s in shape) if shape else "scalar"
