"""Turn Python and PyTorch exceptions into messages a learner can act on.

The message keeps PyTorch's own words (they are what a learner will meet
outside the playground); the hint says what to do about them.
"""

from __future__ import annotations

HINTS: tuple[tuple[str, str], ...] = (
    (
        "leaf Variable that requires grad is being used in an in-place operation",
        "Updating a parameter in place must not be tracked: wrap the update in "
        "`with torch.no_grad():`, as the tutorial does.",
    ),
    (
        "grad can be implicitly created only for scalar outputs",
        "backward() needs a single number to differentiate: reduce first, e.g. "
        "`y.sum().backward()`, or pass a gradient tensor of y's shape.",
    ),
    (
        "backward through the graph a second time",
        "backward() frees the graph it walks. Recompute the output before calling "
        "backward() again, or pass `retain_graph=True` the first time.",
    ),
    (
        "shapes cannot be multiplied",
        "For `A @ B` the number of columns of A must equal the number of rows of B; "
        "`.t()` transposes a matrix.",
    ),
    (
        "expected sequence of length",
        "A tensor must be regular: every row needs the same number of elements.",
    ),
    (
        "does not require grad and does not have a grad_fn",
        "Nothing in this computation requires grad: create at least one leaf with "
        "`requires_grad=True`.",
    ),
    (
        "Only Tensors of floating point",
        "Gradients need floating-point values: write `3.` instead of `3`, or pass "
        "`dtype=torch.float32`.",
    ),
    (
        "must match the size of tensor",
        "Element-wise operations need shapes that broadcast: equal sizes, or 1, in "
        "each dimension counted from the right.",
    ),
)


def hint_for(message: str) -> str | None:
    """A suggestion for a known PyTorch or Python error message."""
    for needle, hint in HINTS:
        if needle in message:
            return hint
    return None


def describe_exception(exc: BaseException) -> str:
    """A one-paragraph message: the exception's own words, without C++ noise."""
    text = str(exc).strip() or type(exc).__name__
    # PyTorch sometimes appends internal frames after a blank line; learners
    # need the first paragraph only.
    first = text.split("\n\n")[0].strip()
    if isinstance(exc, ZeroDivisionError):
        return "Division by zero."
    name = type(exc).__name__
    return f"{name}: {first}" if name not in first else first
