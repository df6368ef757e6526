"""A gradient-descent run as a self-contained PyTorch script.

The script is a product: the tests run it with plain Python and compare its losses
with `descent.train` for the same settings.
"""

from __future__ import annotations

from dataclasses import replace

from .datasets import Dataset
from .descent import TrainConfig

_OPTIMIZER_LINES = {
    "sgd": "optimizer = torch.optim.SGD([w, b], lr=lr)",
    "momentum": "optimizer = torch.optim.SGD([w, b], lr=lr, momentum=0.9)",
    "adam": "optimizer = torch.optim.Adam([w, b], lr=lr)",
}


def _matrix(rows: list[list[float]]) -> str:
    return "[\n" + "".join(f"    {row!r},\n" for row in rows) + "]"


def training_script(data: Dataset, config: TrainConfig) -> str:
    """Python source that trains exactly like `descent.train(data, config)`."""
    k, d = data.y.shape[1], data.x.shape[1]
    if config.batch_size is not None and config.batch_size >= len(data.x):
        config = replace(config, batch_size=None)  # one batch of all rows: `train` runs full batch
    parts = [
        _header(data, config),
        f"inputs = torch.tensor({_matrix(data.x.tolist())}, dtype=torch.float32)",
        f"targets = torch.tensor({_matrix(data.y.tolist())}, dtype=torch.float32)\n",
    ]
    if config.standardize:
        parts.append(
            "# Standardize each input column to mean 0 and standard deviation 1\n"
            "mean = inputs.mean(dim=0)\n"
            "std = inputs.std(dim=0, unbiased=False)\n"
            "inputs = (inputs - mean) / std\n"
        )
    parts.append(
        "# Weights and biases, from a generator of their own: same seed, same start\n"
        f"g = torch.Generator().manual_seed({config.seed})\n"
        f"w = torch.randn({k}, {d}, generator=g, requires_grad=True)\n"
        f"b = torch.randn({k}, generator=g, requires_grad=True)\n\n\n"
        "def model(x):\n    return x @ w.t() + b\n\n\n"
        "def mse(t1, t2):\n    diff = t1 - t2\n    return torch.sum(diff * diff) / diff.numel()\n\n"
    )
    parts.append(f"lr = {config.lr!r}")
    if config.optimizer in _OPTIMIZER_LINES:
        parts.append(_OPTIMIZER_LINES[config.optimizer])
    parts.append("losses = []  # the loss before each epoch's update")
    parts.append(f"for epoch in range({config.epochs}):")
    parts.append(_loop_body(config))
    parts.append("print(json.dumps(losses))\n")
    return "\n".join(parts)


def _docstring_text(text: str) -> str:
    """Column names from an uploaded CSV, safe inside the script's docstring."""
    out = []
    for char in text:
        if char in '\\"':
            out.append("\\" + char)
        elif char.isprintable():
            out.append(char)
        else:  # NUL, line breaks, control characters: their escape sequence
            out.append(ascii(char)[1:-1])
    return "".join(out)


def _header(data: Dataset, config: TrainConfig) -> str:
    inputs = _docstring_text(", ".join(data.x_names))
    targets = _docstring_text(", ".join(data.y_names))
    return (
        '"""Linear regression by gradient descent, exported from Autograd Playground.\n\n'
        f"Data: {data.name} ({len(data.x)} rows; inputs {inputs}; targets {targets}).\n"
        "Run it with plain Python and PyTorch; it prints one loss per epoch as JSON.\n"
        '"""\n\nimport json\nimport math\n\nimport torch\n'
    )


def _update(config: TrainConfig, indent: str) -> str:
    if config.optimizer in _OPTIMIZER_LINES:
        lines = ["optimizer.step()"]
        if not config.forget_zero_grad:
            lines.append("optimizer.zero_grad()")
        return "\n".join(indent + line for line in lines)
    lines = []
    if config.update_outside_no_grad:
        lines.append("w -= w.grad * lr  # mistake: outside torch.no_grad(); PyTorch refuses")
    lines += [
        "with torch.no_grad():  # stop tracking operations while adjusting",
        "    w -= w.grad * lr",
        "    b -= b.grad * lr",
    ]
    if not config.forget_zero_grad:
        lines += ["    w.grad.zero_()", "    b.grad.zero_()"]
    else:
        lines.append("    # mistake: the gradients are never zeroed, so they accumulate")
    return "\n".join(indent + line for line in lines)


def _loop_body(config: TrainConfig) -> str:
    stop = "    if not math.isfinite(losses[-1]):\n        print('diverged')\n        break\n"
    if config.batch_size is None:
        return (
            "    preds = model(inputs)\n"
            "    loss = mse(preds, targets)\n"
            "    losses.append(loss.item())\n"
            + stop
            + "    loss.backward()\n"
            + _update(config, "    ")
        )
    return (
        f"    batches = torch.randperm(len(inputs), generator=g).split({config.batch_size})\n"
        "    with torch.no_grad():\n"
        "        losses.append(mse(model(inputs), targets).item())\n"
        + stop
        + "    for batch in batches:\n"
        "        loss = mse(model(inputs[batch]), targets[batch])\n"
        "        loss.backward()\n" + _update(config, "        ")
    )
