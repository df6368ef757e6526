"""The Python that teaching code uses (issue 11, item 3), checked against plain Python.

Each program runs in the sandbox and, as trusted test code, in plain Python with
real `exec` (`plain_reference.run_plain`); the printed text must be identical. The
refusals name the missing piece and the line of the *first* problem in the file.
"""

from __future__ import annotations

import random

import pytest
import torch
from plain_reference import assert_same_tensors, run_plain

import playground

PROGRAMS: dict[str, str] = {
    "imports": """\
import torch
import numpy as np
import math
import random
from math import pi, sqrt as root
import math as m
print(math.sqrt(2), pi, root(9.0), m.floor(2.5), m.ceil(2.1), math.isclose(0.1 + 0.2, 0.3))
print(math.exp(1), math.log(8, 2), math.tanh(0.5), math.inf, math.e, math.fabs(-2))
print(math.prod([1, 2, 3, 4]), math.factorial(5), math.pow(2, 10), math.sqrt(torch.tensor(4.0)))
""",
    "random private and seeded": """\
import random
random.seed(42)
a = [random.random() for _ in range(3)]
b = random.randint(1, 100), random.uniform(0, 1), random.gauss(0, 1), random.choice("abc")
items = list(range(10))
random.shuffle(items)
print(a, b, items, random.sample(range(1000), 5), random.choices([1, 2, 3], k=4))
""",
    "comprehensions": """\
squares = [x * x for x in range(10) if x % 2 == 0]
pairs = [(i, j) for i in range(4) for j in range(i) if (i + j) % 2]
table = {name: len(name) for name in ["relu", "tanh", "sigmoid"]}
mods = {x % 4 for x in range(20)}
nested = [[i * j for j in range(3)] for i in range(3)]
total = sum(x * x for x in range(100))
print(squares, pairs, table, mods, nested, total)
print(any(x > 50 for x in squares), all(x >= 0 for x in squares), max(len(k) for k in table))
ws = [torch.tensor(float(i), requires_grad=True) for i in range(3)]
loss = sum(w * w for w in ws)
loss.backward()
print(loss, [w.grad for w in ws])
""",
    "functions": """\
def f(a, b=2, *args, scale=1.0, **options):
    return (a + b + sum(args)) * scale, sorted(options.items())
print(f(1), f(1, 2, 3, 4), f(1, scale=2.0, z=1, y=2), f(*[1, 2, 3], **{"scale": 0.5}))
def kw_only(*, lr, momentum=0.9):
    return lr, momentum
print(kw_only(lr=0.1), kw_only(momentum=0.0, lr=1e-3))
square = lambda v: v * v
print(list(map(square, [1, 2, 3])), list(filter(lambda v: v % 2, range(7))))
print(sorted(["bb", "a", "ccc"], key=len, reverse=True), sorted([3, 1, 2]))
first, *middle, last = range(6)
(a, b), c = (1, 2), 3
print(first, middle, last, a, b, c)
total = 0
def add(n):
    global total
    total += n
def make_counter():
    count = 0
    def step():
        nonlocal count
        count += 1
        return count
    return step
add(3)
add(4)
step = make_counter()
step()
print(total, step())
""",
    "built-ins": """\
xs = [3, 1, 4, 1, 5, 9, 2, 6]
print(len(xs), min(xs), max(xs), sum(xs), sorted(xs), list(reversed(xs)), sum(xs, 10))
print(list(zip("abc", range(3))), list(enumerate(["x", "y"], start=1)), dict(zip("ab", [1, 2])))
print(tuple(xs[:3]), set(xs), list("hey"), bool([]), bool([0]), str(3.5), repr("q"), int("12"))
print(min([], default=None), max(xs, key=lambda v: -v), min(4, 2, 8), abs(-2.5), round(3.14159, 3))
print(isinstance(3, int), isinstance(True, int), isinstance(3.0, (int, float)))
print(isinstance("s", list), isinstance([], (tuple, list)))
print(type(3), type(2.0), type("s"), type([]), type({}), type(()), type(torch.ones(2)), type(None))
print(type(torch.ones(1).shape), type(np.array([1.0])), type(3) == int, type(xs) is list)
it = iter([10, 20])
print(next(it), next(it), next(it, "done"))
print(dict(a=1, b=2), list(range(2, 10, 3)), float(), int(), str())
""",
    "string methods and formatting": """\
name = "  Gradient Descent  "
print(name.strip(), name.strip().lower(), name.upper(), name.strip().replace("Descent", "Ascent"))
print("a,b,,c".split(","), "x y  z".split(), "-".join(["1", "2", "3"]), "ab".center(8, "*"))
print("loss".ljust(8) + "|", "7".rjust(4, "0"), "7".zfill(3), "epoch".startswith("ep"))
print("%5.2f|%-6s|%d|%r|%%" % (3.14159, "ab", 42, "q"), "%s and %s" % ("a", [1, 2]))
print("{} + {} = {}".format(1, 2, 3), "{0}{1}{0}".format("a", "b"), "{:>8.3f}|".format(2.5))
print("{name}: {value:.2e}".format(name="lr", value=0.001), "{:{}}|".format("x", 5))
loss = torch.tensor(0.123456)
print("loss %.4f" % loss.item(), "loss {:.3f}".format(loss.item()), f"{loss.item():8.2f}")
print("Epoch [{}/{}], Loss: {:.4f}".format(1, 10, 0.5), "%d%%" % 50)
""",
    "list dict set tuple methods": """\
xs = [3, 1, 2]
xs.append(4)
xs.extend([5, 6])
xs.insert(0, 0)
popped = xs.pop()
xs.remove(3)
xs.sort(reverse=True)
ys = xs.copy()
ys.reverse()
print(xs, ys, popped, xs.index(4), xs.count(1))
d = {"a": 1}
d["b"] = 2
d.update({"c": 3}, d=4)
d["a"] += 10
print(d, d.get("z", 0), d.pop("d"), d.setdefault("e", 5), list(d.keys()), list(d.values()))
for key, value in d.items():
    print(key, value)
print("a" in d, "z" not in d, len(d), sorted(d, key=d.get))
s = {1, 2}
s.add(3)
s.discard(1)
print(s, s.union({7}), s.intersection([2, 9]), s.difference({3}), 2 in s)
t = (1, 2, 2)
print(t.count(2), t.index(2), t + (3,), t * 2)
del d["a"]
del xs[0]
print(d, xs)
""",
    "a function's own names (UnboundLocalError)": """\
count = 10
total = 0


def bump():
    try:
        count += 1
    except UnboundLocalError as e:
        print("unbound:", e, repr(e), isinstance(e, NameError))
        count = 0
    return count


def reads_global():
    return count + 1


def declared():
    global total
    total = total + count
    return total


def nested(n):
    acc = 0
    for i in range(n):
        acc = acc + i
    scale = lambda k, base=acc: base * k + n
    squares = [acc + j * j for j in range(n)]

    def inner():
        return acc + n

    return scale(2), squares, inner()


def read_before_loop():
    try:
        print(item)
    except NameError as e:
        print(type(e), e)
    for item in range(2):
        pass
    return item


def deletes_twice():
    x = 1
    del x
    try:
        del x
    except UnboundLocalError as e:
        print("del:", e)


print(bump(), reads_global(), declared(), declared(), nested(3), read_before_loop())
deletes_twice()
""",
    "an enclosing function's names, read before it assigns them (NameError)": """\
scale = "the program's"


def outer():
    def inner():
        return scale

    try:
        print(inner())
    except NameError as e:
        print("inner:", e, isinstance(e, UnboundLocalError))
    try:
        print([scale for _ in range(1)])
    except NameError as e:
        print("comprehension:", e)
    scale = 2
    return inner(), [scale + k for k in range(2)], (lambda: scale)()


def counter():
    def bump():
        nonlocal n
        n += 1
        return n

    try:
        bump()
    except NameError as e:
        print("nonlocal:", e)
    n = 0
    return bump(), bump()


def shadowed():
    scale = 3

    def mid():
        scale = 4

        def inner():
            return scale

        return inner()

    class Box:
        scale = 5
        size = scale

        def get(self):
            return scale

    return mid(), Box.size, Box().get(), (lambda scale: scale)(6)


print(outer(), counter(), shadowed())
""",
    "a name declared global in a nested function, also the enclosing function's": """\
rate = "the program's"


def outer():
    rate = "outer's"

    def reads():
        global rate
        return rate

    def bumps():
        global rate
        rate = rate + "!"
        return [rate for _ in range(1)]

    return reads(), bumps(), rate


print(outer(), rate)
""",
    "exceptions": """\
def safe_div(a, b):
    try:
        result = a / b
    except ZeroDivisionError:
        print("division by zero")
        return None
    else:
        print("ok")
        return result
    finally:
        print("finally")
print(safe_div(1, 2), safe_div(1, 0))
try:
    int("abc")
except ValueError as e:
    print("ValueError:", e)
try:
    [1, 2][5]
except (KeyError, IndexError) as e:
    print(type(e), e)
try:
    {"a": 1}["b"]
except LookupError as e:
    print("lookup", e, e.args)
class TrainingError(RuntimeError):
    pass
try:
    raise TrainingError("diverged")
except RuntimeError as e:
    print(type(e), e, isinstance(e, TrainingError))
try:
    assert 1 > 2, "one is not greater"
except AssertionError as e:
    print("assert:", e)
try:
    try:
        raise ValueError("inner")
    except ValueError:
        raise
except Exception as e:
    print("re-raised", e)
try:
    torch.ones(2, 3) @ torch.ones(2, 3)
except RuntimeError:
    print("shape error caught")
""",
    "classes": """\
class Neuron:
    \"\"\"One tanh neuron.\"\"\"
    count = 0

    def __init__(self, n_inputs, bias=0.0):
        self.w = torch.ones(n_inputs, requires_grad=True)
        self.b = torch.tensor(bias, requires_grad=True)
        Neuron.count += 1

    def __call__(self, x):
        return torch.tanh(self.w @ x + self.b)

    def parameters(self):
        return [self.w, self.b]

    def __repr__(self):
        return f"Neuron({len(self.w)})"


class ScaledNeuron(Neuron):
    def __init__(self, n_inputs, scale):
        super().__init__(n_inputs, bias=0.5)
        self.scale = scale

    def __call__(self, x):
        return super().__call__(x) * self.scale

    @staticmethod
    def describe():
        return "scaled"


class Layer:
    def __init__(self, n_in, n_out):
        self.neurons = [Neuron(n_in) for _ in range(n_out)]

    def __call__(self, x):
        return [n(x) for n in self.neurons]

    def __len__(self):
        return len(self.neurons)

    def __getitem__(self, i):
        return self.neurons[i]

    def __str__(self):
        return "Layer of " + str(len(self)) + " neurons"


x = torch.tensor([0.5, -1.0, 2.0])
n = ScaledNeuron(3, 2.0)
layer = Layer(3, 2)
out = n(x) + sum(layer(x))
out.backward()
print(out, n.w.grad, n.b.grad, layer[0].w.grad)
print(n, layer, [n, layer[1]], len(layer), Neuron.count, ScaledNeuron.describe(), n.describe())
print(isinstance(n, Neuron), isinstance(layer, Neuron), type(n) is ScaledNeuron, type(n))
print([p.shape for p in n.parameters()], n.scale, Neuron.count)


class Old(Neuron):
    def __init__(self):
        super(Old, self).__init__(2)


print(Old(), Old().b)
""",
}


@pytest.mark.parametrize("source", PROGRAMS.values(), ids=PROGRAMS.keys())
def test_program_prints_what_plain_python_prints(source):
    result = playground.run(source)
    assert result.ok, result.error
    namespace, printed = run_plain(source)
    assert result.output == printed
    assert_same_tensors(result, namespace)


def test_random_is_private_to_each_run():
    state = random.getstate()
    torch_state = torch.get_rng_state()
    program = "import random\nrandom.seed(5)\nprint(random.random())\n"
    first, second = playground.run(program), playground.run(program)
    assert first.output == second.output == f"{random.Random(5).random()}\n"
    unseeded = "import random\nprint(random.random())\n"
    assert playground.run(unseeded, seed=1).output == playground.run(unseeded, seed=1).output
    assert playground.run(unseeded, seed=1).output != playground.run(unseeded, seed=2).output
    assert random.getstate() == state
    assert torch.equal(torch.get_rng_state(), torch_state)


def test_a_generator_keeps_its_scope_when_read_elsewhere():
    source = """\
def make(k):
    return (i * k for i in range(3))
def consume(g):
    k = 100
    return list(g)
print(consume(make(2)))
"""
    assert playground.run(source).output == run_plain(source)[1] == "[0, 2, 4]\n"


# -- refusals -------------------------------------------------------------------------------


def _error(source: str):
    result = playground.run(source)
    assert not result.ok
    return result.error


def test_the_first_refused_construct_in_the_file_is_reported():
    error = _error("x = 1\ny = eval('1')\nz = open('f')\nclass A(metaclass=B):\n    pass\n")
    assert (error.line, error.kind) == (2, "not_allowed")
    assert "eval" in error.message
    error = _error("a = [i for i in range(3)]\nb = x.__class__\nc = getattr(a, 'b')\n")
    assert error.line == 2 and "__class__" in error.message


def test_names_forbidden_only_as_builtins_can_be_bound():
    source = "input = 3\nid = 4\nformat = 'x'\ntype = 1\nsum = 2\nmax = 5\n"
    source += "print(input, id, format, type, sum, max)\n"
    result = playground.run(source)
    assert result.ok, result.error
    assert result.output == run_plain(source)[1]
    error = _error("x = 1\nprint(input())\n")
    assert (error.kind, error.line) == ("not_allowed", 2) and "input" in error.message
    for name in ("eval", "exec", "open", "getattr", "__import__", "globals"):
        error = _error(f"x = 1\n{name} = 3\n")
        assert (error.kind, error.line) == ("not_allowed", 2) and name in error.message


@pytest.mark.parametrize(
    ("source", "line", "words"),
    [
        ("import os\n", 1, "os"),
        ("x = 1\nimport torch.hub as h\n", 2, "torch.hub"),
        ("from math import nothing_here\n", 1, "math.nothing_here"),
        ("from torch import load as l\n", 1, "torch.load"),
        ("x = 1\nclass A(B, C):\n    pass\n", 2, "one class"),
        ("class A:\n    def __eq__(self, o):\n        return True\n", 2, "__eq__"),
        ("class A:\n    x = 1\n    if x:\n        pass\n", 3, "class body"),
        ("x = '{0.__class__}'.format(1)\n", 1, "format field"),
        ("x = 1\ns = '%*d' % (5, 1)\n", 2, "*"),
    ],
)
def test_refusals_name_the_missing_piece_and_the_line(source, line, words):
    error = _error(source)
    assert error.kind == "not_allowed", error
    assert error.line == line, error
    assert words in error.message, error


def test_program_errors_are_caught_but_budgets_and_refusals_are_not():
    caught = "try:\n    x = [1][3]\nexcept IndexError as e:\n    print('caught', e)\n"
    assert playground.run(caught).output == run_plain(caught)[1]
    for body in ("while True:\n        pass", "y = [0] * 10**9", "torch.load('x')", "y = nope"):
        source = f"try:\n    {body}\nexcept Exception:\n    print('caught')\n"
        result = playground.run(source, playground.Budgets(wall_seconds=0.5))
        assert not result.ok and result.error.kind != "runtime", result.error
        assert "caught" not in result.output


def test_an_uncaught_raise_reads_like_python():
    error = _error("def f():\n    raise ValueError('bad value')\nf()\n")
    assert (error.kind, error.line, error.message) == ("runtime", 2, "ValueError: bad value")


UNKNOWN_ARGUMENTS = [
    "x.sum(dimx=1)",
    "torch.sum(x, dimx=1)",
    "torch.nn.Linear(2, 3, bogus=1)",
    "torch.nn.Linear(2, 3)(x, bogus=1)",
    "torch.nn.Sequential(torch.nn.ReLU())(x, x)",
    "torch.optim.SGD([x], lr=0.1, bogus=1)",
    "torch.nn.MSELoss(bogus=1)",
    "torch.nn.functional.relu(x, bogus=1)",
    "torch.tensor([1.0], [2.0])",
    "torch.tensor()",
    "torch.as_tensor()",
    "np.array([1.0], [2.0])",
    "torch.set_grad_enabled()",
    "torch.is_tensor(x, x)",
    "range(1, 2, 3, 4)",
    "range()",
]


@pytest.mark.parametrize("call", UNKNOWN_ARGUMENTS)
def test_an_unknown_argument_is_a_type_error_the_program_can_catch(call):
    source = (
        "x = torch.ones(2, requires_grad=True)\n"
        f"try:\n    {call}\nexcept TypeError:\n    print('TypeError')\n"
    )
    result = playground.run(source)
    assert result.ok, result.error
    _, printed = run_plain(source)
    assert result.output == printed == "TypeError\n"


def test_an_uncaught_unbound_local_reads_like_python_on_its_line():
    source = "n = 0\ndef bump():\n    n = n + 1\n    return n\nbump()\n"
    with pytest.raises(UnboundLocalError) as raised:
        run_plain(source)
    error = playground.run(source).error
    assert error is not None and error.kind == "runtime"
    assert error.message == f"UnboundLocalError: {raised.value}"
    assert (error.line, error.col) == (3, 8)
    assert "global n" in error.hint
