"""The sandbox runs real PyTorch programs and gets what plain PyTorch gets.

Every numeric expectation comes from running the same (trusted) program with
real `exec` inside the test, so nothing here is a hard-coded gradient.
"""

from __future__ import annotations

import threading

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import playground
from playground.presets import PRESETS, TUTORIAL_FIRST, TUTORIAL_TRAINING

# -- the tutorial, verbatim -------------------------------------------------------


def test_tutorial_first_block_prints_exactly_the_tutorial_output(ref):
    result = playground.run(TUTORIAL_FIRST)
    assert result.ok, result.error
    assert result.output == "dy/dx: None\ndy/dw: tensor(3.)\ndy/db: tensor(1.)\n"


def test_tutorial_first_block_matches_plain_pytorch(ref):
    result = playground.run(TUTORIAL_FIRST)
    namespace, output = ref.run(TUTORIAL_FIRST)
    assert result.output == output
    ref.same_tensors(result, namespace)
    assert result.backward_called
    assert result.tensors["x"].grad is None
    assert not result.tensors["x"].requires_grad


def test_tutorial_training_block_runs_verbatim_and_loss_matches(ref):
    result = playground.run(TUTORIAL_TRAINING)
    assert result.ok, result.error
    namespace, output = ref.run(TUTORIAL_TRAINING)
    assert result.output == output  # `print(loss)` of the last epoch, grad_fn included
    plain_loss = namespace["loss"]
    got = torch.tensor(result.tensors["loss"].value)
    assert torch.allclose(got, plain_loss.detach(), rtol=1e-6, atol=0)
    # The loss went down over the 100 epochs in both, as the tutorial promises.
    first_loss, _ = ref.run(TUTORIAL_TRAINING.replace("range(100)", "range(1)"))
    assert plain_loss < first_loss["loss"]
    ref.same_tensors(result, namespace)


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.title)
def test_every_preset_matches_plain_pytorch(preset, ref):
    result = playground.run(preset.source)
    assert result.ok, result.error
    namespace, output = ref.run(preset.source)
    assert result.output == output
    ref.same_tensors(result, namespace)
    assert result.graph is not None


def test_private_generator_defaults_to_seed_zero(ref):
    source = "a = torch.randn(5)\nb = torch.rand(2, 2)\n"
    result = playground.run(source)
    namespace, _ = ref.run(source, seed=0)
    ref.same_tensors(result, namespace)
    other = playground.run(source, seed=1)
    assert (other.tensors["a"].value != result.tensors["a"].value).any()


# -- supported language, each compared with plain PyTorch -------------------------

FEATURES = {
    "augmented assignment under no_grad": """\
w = torch.tensor([1., 2.], requires_grad=True)
loss = (w * w).sum()
loss.backward()
with torch.no_grad():
    w -= w.grad * 0.1
    w *= 2
    w += 1
print(w)
""",
    "functions, defaults, loops and branches": """\
def f(a, b=2.):
    return a * b + 1
x = torch.tensor(1.5, requires_grad=True)
y = x
for i in range(5):
    y = f(y)
n = 0
while n < 3:
    n = n + 1
if n == 3 and not n == 4:
    z = y.tanh()
else:
    z = y
z.backward()
print(n, x.grad)
""",
    "nested functions see their defining scope": """\
def outer(a):
    def inner(b):
        return a * b
    return inner(3.)
x = torch.tensor(2., requires_grad=True)
y = outer(x)
y.backward()
""",
    "creation functions and dtypes": """\
a = torch.zeros(2, 3)
b = torch.ones((2, 3), dtype=torch.float64)
c = torch.full((2, 2), 1.5)
d = torch.arange(5)
e = torch.arange(0., 1., 0.25)
f = torch.linspace(0, 1, 5)
g = torch.tensor([[1., 2.], [3., 4.]], dtype=torch.float32)
h = torch.from_numpy(np.array([1., 2.], dtype=np.float64))
r = torch.randn(2, 2)
q = torch.rand(3)
print(d, e, b.dtype)
""",
    "manual_seed inside the program": """\
torch.manual_seed(42)
a = torch.randn(4)
torch.manual_seed(42)
b = torch.randn(4)
c = torch.randn(2, 3, requires_grad=True)
""",
    "unary functions and reductions": """\
x = torch.tensor([0.5, 1.5, 2.5], requires_grad=True)
y = torch.exp(x) + torch.log(x) + torch.sin(x) + torch.cos(x) + torch.sigmoid(x)
y = y + torch.relu(x) + torch.abs(x) + torch.sqrt(x) + torch.tanh(x)
s = torch.sum(y) + torch.mean(y, dim=0) + y.mean() + x.pow(3).sum() + x.exp().sum()
s.backward()
""",
    "matrices, transposes, reshape and view": """\
m = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
v = torch.tensor([[0.5], [-1.]])
p = torch.matmul(m, v) + m @ v + m.T @ v + m.t() @ v
q = p.reshape(1, 2).view(2)
r = q.sum(dim=0, keepdim=True)
r.backward()
print(m.shape, m.numel(), m.grad)
""",
    "retain_grad, detach, data, item": """\
x = torch.tensor(2., requires_grad=True)
h = x * 3
h.retain_grad()
y = h ** 2
y.backward()
d = y.detach()
k = x.data
v = y.item()
print(h.grad, d, k, v, x.grad_fn, y.requires_grad, x.is_leaf)
""",
    "requires_grad_ and zero_": """\
x = torch.ones(3)
x.requires_grad_()
y = (x * 2).sum()
y.backward()
x.grad.zero_()
z = (x * 5).sum()
z.backward()
""",
    "indexing and slicing": """\
x = torch.arange(6.).reshape(2, 3)
x.requires_grad_()
y = x[0, 1] + x[1][2] * x[:, 0].sum() + x[0, ::2].sum()
y.backward()
lst = [1, 2, 3]
print(lst[1], lst[-1], len(lst), lst[0:2])
""",
    "print and f-strings": """\
x = torch.tensor([1., 2.])
print('x', x, sep=' = ', end='!\\n')
print(f'{x.sum().item():.3f}', f'{3:5d}', f'{"s"!r}')
print([1, (2, 3)], None, True, 1.5, 2 ** 10, -7 // 2, 7 % 3)
print(x.dtype, x.shape, torch.float64)
""",
    "gradients accumulate across backward calls": """\
w = torch.tensor(3., requires_grad=True)
for i in range(3):
    y = w * w
    y.backward()
""",
    "backward with an explicit gradient": """\
x = torch.tensor([1., 2., 3.], requires_grad=True)
y = x * x
y.backward(torch.tensor([1., 0.5, 0.25]))
""",
    "retain_graph allows a second backward": """\
x = torch.tensor(2., requires_grad=True)
y = x ** 3
y.backward(retain_graph=True)
y.backward()
""",
    "unary minus and reverse operators": """\
x = torch.tensor(2., requires_grad=True)
y = -x + 1 - x * 2 / (3 - x) + 2 ** x
y.backward()
""",
}


@pytest.mark.parametrize("source", FEATURES.values(), ids=FEATURES.keys())
def test_supported_programs_match_plain_pytorch(source, ref):
    result = playground.run(source)
    assert result.ok, result.error
    namespace, output = ref.run(source)
    assert result.output == output
    ref.same_tensors(result, namespace)


def test_imports_of_torch_and_numpy_are_accepted(ref):
    source = "import torch\nimport numpy as np\nx = torch.tensor(np.array([1., 2.]))\n"
    result = playground.run(source)
    assert result.ok, result.error
    ref.same_tensors(result, ref.run(source)[0])


def test_dtype_may_be_given_as_a_string():
    result = playground.run(
        "a = torch.tensor([1., 2.], dtype='float32')\n"
        "b = torch.ones(2, dtype='float64')\n"
        "c = torch.zeros(2, dtype=torch.float64)\n"
    )
    assert result.ok, result.error
    assert result.tensors["a"].dtype == "float32"
    assert result.tensors["b"].dtype == "float64"
    assert result.tensors["c"].dtype == "float64"


def test_prebound_crop_data_has_the_issue_values(ref):
    result = playground.run("")
    assert result.ok
    assert result.tensors["inputs"].value.tolist() == ref.crop_inputs
    assert result.tensors["targets"].value.tolist() == ref.crop_targets
    assert result.tensors["inputs"].dtype == "float32"
    assert result.tensors["targets"].shape == (5, 2)


def test_one_run_cannot_change_another_runs_data():
    first = playground.run("inputs += 1000\ntargets *= 0\n")
    assert first.ok, first.error
    assert first.tensors["inputs"].value[0, 0] == 1073
    second = playground.run("")
    assert second.tensors["inputs"].value[0, 0] == 73
    assert second.tensors["targets"].value[0, 0] == 56


def test_output_is_bounded():
    result = playground.run("for i in range(5000):\n    print('x' * 100)\n")
    assert result.ok, result.error
    assert len(result.output) <= playground.Budgets().output_chars + 100
    assert "truncated" in result.output


# -- odd but legal programs are described, never raised ---------------------------

ODD_PROGRAMS = [
    "x = torch.ones(4)\ny = x.reshape(" + ", ".join(["2", "2"] + ["1"] * 63) + ")\n",
    "x = torch.ones(2)\ny = x" + "[None]" * 40 + "\n",
    "x = torch.tensor(float('nan'), requires_grad=True)\ny = x * 2\ny.backward()\n",
    "x = torch.tensor([float('inf'), -1.])\ny = torch.log(x)\n",
    "x = torch.ones(2, dtype=torch.float16, requires_grad=True)\ny = (x * x).sum()\n",
    "x = torch.zeros(0, 3)\ny = x.sum()\n",
    "x = torch.full((2,), True)\ny = torch.arange(3, dtype=torch.int64)\n",
    "x = np.array([1, 'a'])\ny = torch.from_numpy(x)\n",
    "c = (-8) ** (1 / 3)\nt = torch.tensor(c)\n",
    "x = torch.ones(2)\nx.data = torch.ones(3, 3)\n",
    "def f():\n    return f\ng = f()()()()\n",
    "n = torch.no_grad()\nwith n:\n    y = torch.ones(2) * 2\n",
    "x = torch.ones(3).sum\ny = x()\n",
    "x = torch.randn(2, 3, 4, requires_grad=True)\ny = x.T.sum()\ny.backward()\n",
    "x = torch.tensor(5) // 0\n",
    "print(1.0 ** 1e308, 10.0 ** 400)\n",
]


@pytest.mark.parametrize("source", ODD_PROGRAMS)
def test_odd_programs_are_described_not_raised(source, ref):
    result = playground.run(source)
    ref.not_internal(result)
    for info in result.tensors.values():
        info.to_json()
    if result.graph is not None:
        result.graph.to_json()
    assert isinstance(result.to_json(), dict)


def test_tensor_with_more_dimensions_than_numpy_allows():
    shape = ", ".join(["2", "2"] + ["1"] * 63)
    result = playground.run(f"x = torch.ones(4, requires_grad=True)\ny = x.reshape({shape})\n")
    assert result.ok, result.error
    assert len(result.tensors["y"].shape) == 65
    assert result.graph is not None


# -- global torch state is never changed by a program -----------------------------


def _torch_state() -> tuple:
    return (
        torch.is_grad_enabled(),
        torch.get_default_dtype(),
        torch.get_rng_state().clone(),
        torch.get_num_threads(),
        torch.is_anomaly_enabled(),
        torch.is_inference_mode_enabled(),
    )


def _assert_same_state(before: tuple, after: tuple) -> None:
    assert before[0] == after[0], "grad mode changed"
    assert before[1] == after[1], "default dtype changed"
    assert torch.equal(before[2], after[2]), "global RNG state changed"
    assert before[3:] == after[3:], "threads / anomaly / inference mode changed"


STATE_PROGRAMS = {
    "seed and randn": "torch.manual_seed(123)\na = torch.randn(100)\nb = torch.rand(3)\n",
    "no_grad block": """\
w = torch.randn(3, requires_grad=True)
with torch.no_grad():
    w -= 0.1 * w
    v = w * 2
y = (w * w).sum()
y.backward()
""",
    "error inside no_grad": """\
torch.manual_seed(5)
x = torch.randn(2, 3)
with torch.no_grad():
    y = x @ x
""",
    "unknown name inside no_grad in a function": """\
def f():
    with torch.no_grad():
        return nope
f()
""",
    "budget inside no_grad": "with torch.no_grad():\n    x = torch.ones(10**5, 10**5)\n",
    "float64 tensors": "x = torch.ones(3, dtype=torch.float64, requires_grad=True)\n",
}


@pytest.mark.parametrize("source", STATE_PROGRAMS.values(), ids=STATE_PROGRAMS.keys())
def test_global_torch_state_is_unchanged(source):
    before = _torch_state()
    playground.run(source)
    _assert_same_state(before, _torch_state())


def test_global_state_unchanged_when_wall_time_runs_out_inside_no_grad():
    before = _torch_state()
    result = playground.run(
        "with torch.no_grad():\n    while True:\n        x = torch.randn(2)\n",
        budgets=playground.Budgets(wall_seconds=0.2),
    )
    assert result.error is not None and result.error.kind == "budget"
    _assert_same_state(before, _torch_state())


def test_grad_mode_off_in_caller_is_left_off():
    with torch.no_grad():
        playground.run("x = torch.ones(2, requires_grad=True)\n")
        assert not torch.is_grad_enabled()
    assert torch.is_grad_enabled()


# -- thread safety -----------------------------------------------------------------


def _thread_program(i: int) -> str:
    if i == 6:
        return "x = torch.ones(2)\nwith torch.no_grad():\n    y = x @ torch.ones(3)\n"
    if i == 7:
        return "with torch.no_grad():\n    z = torch.randn(4) * 2\n"
    return f"""\
torch.manual_seed({i})
w = torch.randn(3, requires_grad=True)
x = torch.full((3,), {i}.5)
y = w
for k in range(200):
    y = (y * x).tanh() + w
loss = y.sum()
loss.backward()
print('thread {i}', loss.item())
"""


def _run_in_threads(programs: list[str]) -> tuple[dict[int, object], dict[int, bool]]:
    """Start every program at the same moment, one thread each."""
    barrier = threading.Barrier(len(programs))
    results: dict[int, object] = {}
    grad_mode_after: dict[int, bool] = {}

    def work(i: int, source: str) -> None:
        barrier.wait()
        # A generous wall budget: this test is about isolation, not speed, and the
        # machine running it may be busy.
        results[i] = playground.run(source, playground.Budgets(wall_seconds=120))
        grad_mode_after[i] = torch.is_grad_enabled()

    threads = [threading.Thread(target=work, args=(i, s)) for i, s in enumerate(programs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results, grad_mode_after


def test_many_threads_each_get_their_own_result(ref):
    programs = [_thread_program(i) for i in range(8)]
    expected = []
    for source in programs:
        try:
            expected.append(ref.run(source))
        except RuntimeError:
            expected.append(None)
    for _round in range(3):
        results, grad_mode_after = _run_in_threads(programs)
        assert len(results) == len(programs)
        for i, result in results.items():
            assert grad_mode_after[i], f"thread {i} left grad mode off"
            if expected[i] is None:
                assert result.error is not None and result.error.kind == "runtime"
                assert "y" not in result.tensors
                continue
            namespace, output = expected[i]
            assert result.ok, (i, result.error)
            assert result.output == output
            ref.same_tensors(result, namespace)


# -- property test: random expressions, sandbox vs plain PyTorch --------------------

_LEAVES = st.sampled_from(["a", "b", "c"])
_CONSTANTS = st.floats(min_value=0.25, max_value=2.0).map(lambda v: repr(round(v, 3)))
_OPS = st.sampled_from(["+", "-", "*"])


def _extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Every subexpression is a tensor (leaves are tensors; constants only join them)."""
    binary = st.tuples(children, _OPS, children).map(lambda t: f"({t[0]} {t[1]} {t[2]})")
    with_constant = st.tuples(children, _OPS, _CONSTANTS).map(lambda t: f"({t[0]} {t[1]} {t[2]})")
    constant_first = st.tuples(_CONSTANTS, _OPS, children).map(lambda t: f"({t[0]} {t[1]} {t[2]})")
    # Denominators are 1.5 + tanh(...), so always in [0.5, 2.5].
    division = st.tuples(children, children).map(lambda t: f"({t[0]} / (1.5 + torch.tanh({t[1]})))")
    return st.one_of(
        binary,
        with_constant,
        constant_first,
        division,
        children.map(lambda s: f"torch.tanh({s})"),
        children.map(lambda s: f"({s}).tanh()"),
        children.map(lambda s: f"torch.exp(torch.tanh({s}))"),
        children.map(lambda s: f"torch.sigmoid({s})"),
        children.map(lambda s: f"torch.tanh({s}) ** 2"),
        children.map(lambda s: f"torch.sigmoid({s}).pow(2)"),
        children.map(lambda s: f"(-{s})"),
    )


_EXPRESSIONS = st.recursive(_LEAVES, _extend, max_leaves=10)
_VALUES = st.floats(min_value=-2.0, max_value=2.0, allow_nan=False)


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(expression=_EXPRESSIONS, a=_VALUES, b=_VALUES, c=_VALUES)
def test_random_expressions_have_plain_pytorch_gradients(ref, expression, a, b, c):
    source = (
        f"a = torch.tensor({a!r}, requires_grad=True)\n"
        f"b = torch.tensor({b!r}, requires_grad=True)\n"
        f"c = torch.tensor({c!r}, requires_grad=True)\n"
        f"y = {expression} + 0.0 * (a + b + c)\n"
        "y.backward()\n"
    )
    result = playground.run(source)
    assert result.ok, (source, result.error)
    namespace, _ = ref.run(source)
    for name in ("a", "b", "c"):
        got = torch.tensor(result.tensors[name].grad)
        assert torch.allclose(got, namespace[name].grad, equal_nan=True), (source, name)
    assert torch.allclose(torch.tensor(result.tensors["y"].value), namespace["y"].detach())


# -- property test: arbitrary text never escapes as an exception ----------------------

_TOKENS = st.sampled_from(
    [
        "x", "y", "torch", "np", ".", "(", ")", "[", "]", ",", ":", "=", "+", "*", "**",
        "@", "-", "/", "1", "0", "2.5", "'s'", "\n", "    ", "tensor", "ones", "randn",
        "requires_grad=True", "backward", "grad", "sum", "for", "in", "range", "def",
        "return", "with", "no_grad", "if", "else", "while", "print", "_", "__class__",
        "lambda", "import", "f'{x}'", "9", "None", "True", "not", "and",
    ]
)  # fmt: skip


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(st.lists(_TOKENS, max_size=30).map(" ".join))
def test_random_token_soup_never_raises(ref, source):
    result = playground.run(source, budgets=playground.Budgets(wall_seconds=0.5))
    ref.not_internal(result)
    assert isinstance(result.output, str)
    if result.error is not None:
        assert result.error.message
