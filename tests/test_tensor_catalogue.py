"""The catalogue of tensor functions: each program prints what plain PyTorch prints.

Every program runs twice, in the sandbox (`playground.run`) and as a trusted
program with real `exec` (`plain_reference.run_plain`, same seed), and the printed
text must be identical. Then the size predictions: each refusal comes before
PyTorch allocates (the process's memory barely moves), and the catalogue is
what the help text lists.
"""

from __future__ import annotations

import pytest
import torch

import playground
from playground.sandbox.tensors import catalogue
from playground.sandbox.tensors.tensor_api import METHODS
from playground.sandbox.tensors.torch_api import functional_members, torch_members
from tests.plain_reference import run_plain
from tests.process_memory import measure

PROGRAMS: dict[str, str] = {
    "creation": """
print(torch.tensor([[1, 2], [3, 4]]), torch.tensor(2.5, dtype=torch.float64))
print(torch.zeros(2, 3), torch.ones((2,)), torch.full((2, 2), 7.), torch.eye(3), torch.eye(2, 3))
print(torch.arange(5), torch.arange(1, 4, 0.5), torch.linspace(0, 1, 5))
print(torch.zeros(2, 3, dtype=torch.long, device="cpu"), torch.ones(2, requires_grad=True))
print(torch.empty(0).shape, torch.zeros(size=(2, 2)))
""",
    "legacy constructors": """
print(torch.Tensor([1, 2]), torch.Tensor(2, 3).shape, torch.FloatTensor([[1, 2]]))
print(torch.LongTensor([1, 2]), torch.DoubleTensor([1.5]))
""",
    "like": """
x = torch.tensor([[1., 2.], [3., 4.]])
print(torch.zeros_like(x), torch.ones_like(x, dtype=torch.long), torch.full_like(x, 3.))
print(torch.empty_like(x).shape)
torch.manual_seed(3)
print(torch.rand_like(x), torch.randn_like(x))
""",
    "random with seeds": """
torch.manual_seed(0)
print(torch.randn(3), torch.rand(2, 2))
torch.manual_seed(42)
print(torch.randn(3))
print(torch.randint(0, 10, (2, 3)), torch.randint(5, (4,)), torch.randperm(5))
print(torch.normal(0., 1., size=(2,)), torch.normal(torch.zeros(3), torch.ones(3)))
x = torch.empty(3).normal_(); y = torch.empty(3).uniform_(-1, 1)
print(x, y, torch.empty(4).bernoulli_(0.5), torch.bernoulli(torch.full((4,), 0.5)))
torch.manual_seed(-1)
print(torch.randn(2))
""",
    "generators": """
g = torch.Generator().manual_seed(7)
print(torch.randn(3, generator=g), torch.rand(2, generator=g))
g2 = torch.Generator()
g2.manual_seed(7)
print(torch.randn(3, generator=g2), torch.randint(0, 5, (3,), generator=g2))
print(torch.empty(2).normal_(generator=g2), torch.randperm(4, generator=g2))
""",
    "devices and dtypes": """
x = torch.tensor([1.5, -2.5])
d = torch.device("cpu")
print(d, x.device, x.to(d), x.to("cpu"), x.cpu(), x.to(torch.float64), x.to(d, torch.int64))
print(torch.cuda.is_available(), torch.cuda.device_count())
print(x.dtype, x.float().dtype, x.double(), x.long(), x.int(), x.bool(), x.half())
print(x.type(), x.type(torch.int64), x.type("torch.DoubleTensor"))
print(torch.float32 == torch.float, torch.long, torch.int64, torch.bool, torch.float16)
print(torch.tensor([1, 2], dtype=torch.int32).to(x))
""",
    "numpy round trip": """
a = np.array([[1., 2.], [3., 4.]], dtype=np.float32)
t = torch.from_numpy(a)
print(t, torch.as_tensor(a), torch.tensor(a))
print(t.numpy(), t.tolist(), t[0, 1].item(), torch.tensor(3.5).item())
""",
    "numpy arithmetic": """
a = np.array([[1., 2.], [3., 4.]], dtype=np.float32)
b = np.array([1., 2.])
print(a + b, a * 2, 2 - a, a @ a, a / b, a ** 2, -a, a - a.T if False else a)
print(torch.from_numpy(a * 3), torch.tensor(a + 1), np.array(torch.ones(2)) * 2)
""",
    "shape": """
x = torch.arange(24.).reshape(2, 3, 4)
print(x.view(6, 4).shape, x.view(-1).shape, x.reshape(4, -1), x.flatten(), x.flatten(1))
print(x.squeeze().shape, x.unsqueeze(0).shape, x[:, :1].squeeze(1).shape, torch.squeeze(x))
print(x.transpose(0, 1).shape, x.permute(2, 0, 1).shape, x[0].t(), x[0].T, torch.t(x[0]))
print(x.size(), x.size(1), x.shape[2], x.numel(), x.dim(), x.ndim, torch.numel(x))
print(x[0].expand(2, 3, 4).shape, x[:1].expand_as(x).shape, x[0].repeat(2, 1))
print(torch.cat([x, x]).shape, torch.cat((x, x), dim=2).shape, torch.concat([x, x], 1).shape)
print(torch.stack([x[0], x[1]]), torch.stack([x[0], x[1]], dim=2).shape)
print(x.split(1), torch.split(x, [1, 3], dim=2), x.chunk(3, dim=1), x.unbind(0))
print(x.is_contiguous(), x.transpose(0, 1).is_contiguous(), x.transpose(0, 1).contiguous())
print(torch.flip(x[0], [0]), x[0].roll(1, 1), torch.tril(x[0]), x[0].triu(1))
print(torch.hstack([x[0], x[0]]).shape, torch.vstack([x[0], x[0]]).shape)
print(x[0].narrow(1, 1, 2), torch.broadcast_to(x[0, 0], (2, 4)), x[0].tile((2,)).shape)
""",
    "math": """
a = torch.tensor([[1., -2.], [3., 4.]])
b = torch.tensor([0.5, 2.])
print(torch.add(a, b), a.add(b, alpha=2), torch.sub(a, 1), a.mul(b), torch.div(a, b))
print(a.div(b, rounding_mode="floor"), torch.neg(a), a.pow(2), torch.pow(a, b), 2 ** b)
print(a.exp(), torch.log(b), torch.log1p(b), b.sqrt(), a.abs(), a.sign(), torch.sin(a))
print(a.cos(), a.tanh(), torch.sigmoid(a), a.relu(), torch.relu(a), a.clamp(min=0.))
print(a.clamp(-1, 1), torch.clip(a, max=2.), torch.where(a > 0, a, torch.zeros_like(a)))
print(torch.maximum(a, b), torch.minimum(a, b), a.round(), (a / 3).round(decimals=2))
print(a.floor(), (a / 3).ceil(), a.square(), a.reciprocal(), a.remainder(3))
print(a.softmax(dim=1), torch.softmax(a, 0), a.log_softmax(1), torch.log_softmax(a, dim=0))
print(a.cumsum(0), torch.cumsum(a, dim=1), a.cumprod(1))
""",
    "reductions": """
a = torch.tensor([[1., 5., 2.], [4., 0., 6.]])
print(a.sum(), a.sum(0), a.sum(dim=1, keepdim=True), torch.sum(a, axis=0), a.mean(1))
print(a.std(), a.var(0), a.std(dim=1, unbiased=False), a.prod(), a.prod(1))
print(a.max(), a.min(), a.max(dim=1), torch.max(a, 0), a.min(dim=0, keepdim=True))
values, indices = a.max(1)
r = torch.min(a, dim=1)
print(values, indices, r.values, r.indices, r[0], r)
print(a.argmax(), a.argmax(dim=1), torch.argmin(a, 0), a.amax(1), a.norm(), a.norm(dim=0))
print(torch.norm(a, p=1), a.logsumexp(1), a.all(), (a > 0).any(), a.median())
print(a.sort(), torch.sort(a, dim=0, descending=True), a.argsort(1), a.topk(2), a.topk(1, 0))
print(torch.unique(torch.tensor([3, 1, 3, 2])), torch.tensor([3, 1, 3]).unique(return_counts=True))
print(a.count_nonzero(), torch.trace(a[:, :2]))
""",
    "comparison": """
a = torch.tensor([1., 2., 3.])
b = torch.tensor([1., 2.5, 3.])
print(a == b, a.eq(b), torch.ne(a, b), a.gt(2), a.ge(b), torch.lt(a, b), a.le(2), a > b)
print(torch.allclose(a, b), torch.allclose(a, a + 1e-9), torch.equal(a, a), a.equal(b))
print(torch.isclose(a, b), a.isclose(b, atol=0.6), torch.isnan(a / 0 * 0), a.isfinite())
""",
    "matrix products": """
a = torch.arange(6.).reshape(2, 3)
b = torch.arange(12.).reshape(3, 4)
v = torch.tensor([1., 2., 3.])
print(torch.mm(a, b), a.mm(b), a @ b, torch.matmul(a, b), a.matmul(v), torch.mv(a, v))
print(torch.dot(v, v), v.dot(v), torch.outer(v, v), v.outer(v[:2]))
print(torch.bmm(torch.ones(2, 2, 3), torch.ones(2, 3, 1)))
print(torch.ones(2, 2, 3).bmm(torch.ones(2, 3, 2)))
""",
    "in place": """
x = torch.zeros(2, 3)
x.add_(1)
x.mul_(3)
x.sub_(torch.ones(3), alpha=2)
print(x)
x.div_(2); x.pow_(2); x.clamp_(max=1.); x.neg_(); x.abs_()
print(x, x.fill_(2.), x.zero_())
y = torch.tensor([1., -1.])
y.copy_(torch.tensor([5., 6.])); y.exp_(); y.sqrt_()
print(y, y.clip_(0, 10), y.masked_fill_(y > 20, 0.))
w = torch.ones(2, requires_grad=True)
print(w.requires_grad_(False), w.requires_grad, w.requires_grad_())
""",
    "indexing": """
x = torch.arange(12.).reshape(3, 4)
print(x[0], x[-1, 1:], x[:, None].shape, x[..., 0], x[None, ..., 1:3].shape, x[::2, ::3])
print(x[[0, 2]], x[torch.tensor([2, 0])], x[[0, 1], [1, 2]], x[:, [3, 0]])
print(x[x > 5], x[torch.tensor([True, False, True])], x[1][x[1] > 4], x[[True, False, True]])
x[x > 8] = 0
x[[0, 2]] = 1.
x[1, [0, 1]] = torch.tensor([7., 8.])
x[:, 0] = -1
x[x < 0] = x[x < 0] + 10
print(x)
print(torch.nonzero(x == 1), (x == 1).nonzero(as_tuple=True), torch.where(x > 8))
print(torch.masked_select(x, x > 8), x.masked_fill(x == 1, 5.))
print(x.index_select(1, torch.tensor([0, 3])))
print(torch.gather(x, 1, torch.tensor([[0], [1], [2]])))
""",
    "autograd": """
x = torch.tensor([1., 2., 3.], requires_grad=True)
y = (x ** 2).sum()
g, = torch.autograd.grad(y, x, create_graph=True)
print(g, g.grad_fn is not None)
z = g.sum()
z.backward()
print(x.grad, x.is_leaf, y.is_leaf, y.requires_grad, x.data, x.detach(), x.clone())
a = torch.tensor(2., requires_grad=True)
b = a * a
ga, = torch.autograd.grad(b, [a], grad_outputs=torch.tensor(3.), retain_graph=True)
print(ga, torch.autograd.grad([b], [a])[0])
w = torch.randn(3, requires_grad=True)
for step in range(3):
    loss = ((w * x.detach() - 1.) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w -= 0.1 * w.grad
    w.grad.zero_()
print(w, loss, torch.is_tensor(w), torch.is_tensor(3))
""",
    "keywords": """
a = torch.tensor([[1., 2.], [3., 4.]])
print(torch.sum(a, dim=0, keepdim=True), a.mean(axis=1), torch.max(a, dim=1, keepdim=True))
print(a.argmax(dim=0, keepdim=True), torch.softmax(a, dim=-1), a.std(dim=0, keepdim=True))
print(torch.sum(a, axis=1, keepdims=True), a.mean(axis=0, keepdims=True), torch.max(a, a.t()))
print(torch.cat(tensors=[a, a], dim=1).shape, a.transpose(dim0=0, dim1=1), a.unsqueeze(dim=1).shape)
""",
}

FUNCTIONAL_PROGRAMS: dict[str, str] = {
    "functional": """
import torch.nn.functional as F
x = torch.tensor([[-1., 0.5, 2.], [0.3, -0.2, 1.]])
t = torch.tensor([2, 0])
print(F.relu(x), F.sigmoid(x), F.tanh(x), F.softmax(x, dim=1), F.log_softmax(x, dim=1))
print(F.mse_loss(x, torch.zeros(2, 3)), F.l1_loss(x, torch.ones(2, 3), reduction="sum"))
print(F.cross_entropy(x, t), F.nll_loss(F.log_softmax(x, dim=1), t), F.one_hot(t), F.one_hot(t, 4))
p = torch.sigmoid(x)
print(F.binary_cross_entropy(p, torch.ones(2, 3)), F.binary_cross_entropy_with_logits(x, p))
print(F.linear(x, torch.ones(4, 3)), F.linear(x, torch.ones(4, 3), torch.ones(4)))
print(F.leaky_relu(x, 0.1), F.gelu(x), F.pad(x, (1, 1)), F.pad(x, (0, 0, 1, 0), value=9.))
torch.manual_seed(5)
print(F.dropout(x, 0.5), F.dropout(x, p=0.2, training=False), F.dropout(torch.ones(8), 0.25))
""",
}


def _same_output(source: str) -> None:
    result = playground.run(source)
    assert result.ok, result.error
    _, expected = run_plain(source)
    assert result.output == expected


@pytest.mark.parametrize("source", PROGRAMS.values(), ids=PROGRAMS.keys())
def test_program_prints_what_plain_pytorch_prints(source):
    _same_output(source)


def _functional_importable() -> bool:
    result = playground.run("import torch.nn.functional as F\n")
    return result.ok


@pytest.mark.parametrize("source", FUNCTIONAL_PROGRAMS.values(), ids=FUNCTIONAL_PROGRAMS.keys())
def test_functional_prints_what_plain_pytorch_prints(source):
    if not _functional_importable():
        pytest.skip("`import torch.nn.functional` arrives with the import support (issue 11)")
    _same_output(source)


def test_dropout_follows_the_seed_like_plain_pytorch():
    """F.dropout with the run's generator draws what plain PyTorch's global one draws."""
    from playground.sandbox.core.budgets import DEFAULT_BUDGETS
    from playground.sandbox.core.context import RunContext

    dropout = functional_members()["dropout"].fn
    for seed, p in ((0, 0.5), (3, 0.2), (9, 0.9)):
        ctx = RunContext(DEFAULT_BUDGETS, seed=seed)
        x = torch.arange(1.0, 41.0).reshape(4, 10).requires_grad_()
        got = dropout(ctx, [x, p], {})
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            expected = torch.nn.functional.dropout(x, p)
        assert torch.equal(got, expected)
        assert type(got.grad_fn).__name__ == type(expected.grad_fn).__name__


def test_training_loop_with_the_new_surface_matches_plain():
    source = """
torch.manual_seed(1)
x = torch.randn(100, 3)
true_w = torch.tensor([[1.5], [-2.], [0.5]])
y = x @ true_w + 0.1 * torch.randn(100, 1)
w = torch.zeros(3, 1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
for epoch in range(200):
    pred = x.mm(w) + b
    loss = ((pred - y) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w.sub_(0.1 * w.grad)
        b -= 0.1 * b.grad
        w.grad.zero_()
        b.grad.zero_()
print(w.detach().numpy(), b.item(), loss.item())
print(torch.cat([w.detach().t(), b.detach()[None]], dim=1))
"""
    _same_output(source)


# -- sizes predicted before allocating ---------------------------------------------------

REFUSED_BEFORE_ALLOCATING = {
    "zeros": "y = torch.zeros(10**5, 10**5)\n",
    "expand then sum": "x = torch.ones(1)\ny = x.expand(10**6, 10**6).sum()\n",
    "cat of a big x": "x = torch.ones(10**6)\ny = torch.cat([x] * 1000)\n",
    "repeat": "x = torch.ones(1000, 1000)\ny = x.repeat(10, 10)\n",
    "eye": "y = torch.eye(10**7)\n",
    "fancy index": "i = torch.zeros(10**6, dtype=torch.long)\ny = torch.ones(10, 10**5)[i]\n",
    "index of torch.zeros(10**7)": "y = torch.ones(5)[torch.zeros(10**7, dtype=torch.long)]\n",
    "stack": "x = torch.ones(10**5)\ny = torch.stack([x] * 100)\n",
    "outer": "x = torch.ones(10**4)\ny = torch.outer(x, x)\n",
    "broadcast add": "y = torch.ones(10**4, 1).add(torch.ones(1, 10**4))\n",
    "where": "y = torch.where(torch.ones(10**4, 1) > 0, 1., torch.ones(10**4))\n",
    "diag": "y = torch.diag(torch.ones(10**5))\n",
    "mask assignment of a broadcast": "x = torch.ones(10**4, 1)\nx[:, [0] * 10**3] = 1.\n",
    "legacy sizes": "y = torch.Tensor(10**4, 10**4)\n",
    "numpy broadcast": "a = np.array([1.] * 10**5)\nb = np.array([[1.]] * 10**5)\nc = a * b\n",
    "like of a huge size": "y = torch.randn(10**6, 10)\n",
}


@pytest.mark.parametrize(
    "source", REFUSED_BEFORE_ALLOCATING.values(), ids=REFUSED_BEFORE_ALLOCATING.keys()
)
def test_huge_results_are_refused_before_allocating(source):
    playground.run("x = torch.ones(3)\ny = x[[0]]\n")  # warm up
    result, elapsed, growth_mb = measure(lambda: playground.run(source))
    assert elapsed < 2.0
    assert result.error is not None and result.error.kind == "budget", result.error
    assert "elements" in result.error.message
    assert growth_mb < 50


def test_data_dependent_results_are_bounded_by_their_inputs():
    ok = playground.run(
        "x = torch.zeros(1000, 1000)\nx[0, 0] = 1.\ny = x.nonzero()\nz = x[x > 0]\n"
    )
    assert ok.ok, ok.error
    assert ok.tensors["y"].shape == (1, 2) and ok.tensors["z"].shape == (1,)
    refused = playground.run("x = torch.ones(1000, 1000)\ny = x.nonzero()\n")
    assert refused.error is not None and refused.error.kind == "budget"


def test_meta_shapes_match_the_real_results():
    """Every meta-sized entry predicts the shape the real call makes."""
    from playground.sandbox.tensors.shapes import to_meta

    x = torch.randn(2, 3)
    calls = {
        "expand": lambda t: t[:1].expand(4, 3),
        "repeat": lambda t: t.repeat(2, 3),
        "cat": lambda t: torch.cat([t, t], 1),
        "stack": lambda t: torch.stack([t, t, t]),
        "tile": lambda t: t.tile((2, 2)),
        "diag": lambda t: torch.diag(t[0]),
        "index_select": lambda t: t.index_select(1, torch.tensor([0, 0, 2, 1])),
    }
    for name, call in calls.items():
        assert call(to_meta(x)).shape == call(x).shape, name


# -- the catalogue is what runs, and what the help lists ---------------------------------


def test_every_function_and_method_of_the_catalogue_is_bound():
    members = torch_members()
    for name, entry in catalogue.FUNCTIONS.items():
        assert name in members, name
        assert entry.function
    for name in catalogue.METHOD_ENTRIES:
        assert name in METHODS
        assert hasattr(torch.Tensor, name), name
    assert set(functional_members()) == set(catalogue.FUNCTIONAL)


def test_help_lists_every_catalogue_name():
    text = catalogue.help_markdown()
    for name in [*catalogue.FUNCTIONS, *catalogue.METHOD_ENTRIES, *catalogue.FUNCTIONAL]:
        assert f"{name}" in text, name
    assert "What can I type" not in text  # the expander's title is the page's


def test_keyword_outside_the_table_is_refused_with_its_name():
    result = playground.run("x = torch.ones(2)\ny = x.sum(out=x)\n")
    assert result.error is not None and "out=" in result.error.message
    assert result.error.line == 2


def test_cuda_device_gets_a_clear_message():
    result = playground.run("x = torch.ones(2)\ny = x.to('cuda')\n")
    assert result.error is not None and result.error.kind == "not_allowed"
    assert "CPU" in result.error.message and result.error.line == 2
