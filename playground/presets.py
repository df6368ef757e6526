"""Example programs a learner can start from, in the order of the tutorial."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Preset:
    """A named example program and a line on what it shows."""

    title: str
    source: str
    teaches: str


TUTORIAL_FIRST = """\
x = torch.tensor(3.)
w = torch.tensor(4., requires_grad=True)
b = torch.tensor(5., requires_grad=True)
y = w * x + b
y.backward()
print('dy/dx:', x.grad)
print('dy/dw:', w.grad)
print('dy/db:', b.grad)
"""

TUTORIAL_TRAINING = """\
# Weights and biases
w = torch.randn(2, 3, requires_grad=True)
b = torch.randn(2, requires_grad=True)

# Setup model
def model(x):
    return x @ w.t() + b

# MSE loss
def mse(t1, t2):
    diff = t1 - t2
    return torch.sum(diff * diff) / diff.numel()

# Train for 100 epochs
for i in range(100):
    preds = model(inputs)
    loss = mse(preds, targets)
    loss.backward()
    with torch.no_grad(): # stop tracking operations while adjusting
        w -= w.grad * 1e-5
        b -= b.grad * 1e-5
        w.grad.zero_()
        b.grad.zero_()
print(loss)
"""

PRESETS: tuple[Preset, ...] = (
    Preset("Tutorial: y = w*x + b", TUTORIAL_FIRST, "x.grad is None: x does not require grad."),
    Preset(
        "Tanh neuron",
        """\
x1 = torch.tensor(2.)
x2 = torch.tensor(0.)
w1 = torch.tensor(-3., requires_grad=True)
w2 = torch.tensor(1., requires_grad=True)
b = torch.tensor(6.8813735870195432, requires_grad=True)
n = x1*w1 + x2*w2 + b
o = torch.tanh(n)
o.backward()
print('do/dw1:', w1.grad)
print('do/dw2:', w2.grad)
""",
        "The chain rule through tanh: do/dn = 1 - o².",
    ),
    Preset(
        "Tutorial: MSE loss of x @ w.t() + b",
        """\
torch.manual_seed(0)
w = torch.randn(2, 3, requires_grad=True)
b = torch.randn(2, requires_grad=True)
preds = inputs @ w.t() + b
diff = preds - targets
loss = torch.sum(diff * diff) / diff.numel()
loss.backward()
print('loss:', loss)
print('dloss/dw:', w.grad)
print('dloss/db:', b.grad)
""",
        "Matrices: the gradient of w has w's shape.",
    ),
    Preset(
        "Shared subexpression: a*a + a",
        """\
a = torch.tensor(3., requires_grad=True)
y = a * a + a
y.backward()
print('dy/da:', a.grad)  # 2a + 1 = 7: both paths add up
""",
        "Gradients from every path that uses a are added together.",
    ),
    Preset(
        "Non-scalar output: .sum()",
        """\
x = torch.tensor([1., 2., 3.], requires_grad=True)
y = x ** 2
s = y.sum()
s.backward()
print('ds/dx:', x.grad)  # 2x
""",
        "backward() needs a scalar: sum a vector first.",
    ),
    Preset("Tutorial: training loop", TUTORIAL_TRAINING, "The six steps of training, 100 times."),
    Preset(
        "Gradient check: .detach() hides a path",
        """\
w = torch.tensor(2., requires_grad=True)
y = w * w.detach()   # autograd sees only one of the two paths through w
y.backward()
print('autograd dy/dw:', w.grad)  # 2, but y = w² has slope 2w = 4
""",
        "Press 'Check gradients': finite differences see both paths and flag the mismatch.",
    ),
    Preset(
        "Kink: relu at 0",
        """\
x = torch.tensor([-1., 0., 2.], requires_grad=True)
y = torch.relu(x).sum()
y.backward()
print('dy/dx:', x.grad)  # at 0 relu has no derivative; PyTorch uses 0
""",
        "Where a function has a corner, the gradient check explains instead of failing.",
    ),
)


def preset_titles() -> list[str]:
    """Titles in display order."""
    return [p.title for p in PRESETS]


def preset_source(title: str) -> str:
    """The program of the preset called `title`."""
    return next(p.source for p in PRESETS if p.title == title)
