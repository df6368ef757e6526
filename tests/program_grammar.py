"""Hypothesis strategies that write programs in the playground's supported subset.

Grammar-aware fuzzing: instead of random bytes, the strategies build programs a
learner could type (leaves with `requires_grad`, arithmetic, allow-listed torch
functions and tensor methods, `torch.no_grad()`, loops, small `def`s, `backward()`,
prints of gradients), tracking every name's shape so almost all of them run. A
second strategy mutates such a program the way typos and attacks do. Nothing here
imports the playground: the grammar is written from the allow-list's documentation,
so it can disagree with the code and find the difference.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from hypothesis import strategies as st

Shape = tuple[int, ...]
T = TypeVar("T")

SHAPES: tuple[Shape, ...] = ((), (2,), (3,), (2, 2), (2, 3), (3, 2))
MAX_DEPTH = 3

# Shape-preserving operations: (template, keeps the gradient). `{0}` is the operand.
ELEMENTWISE: tuple[tuple[str, bool], ...] = (
    ("torch.exp({0})", True),
    ("torch.tanh({0})", True),
    ("torch.sigmoid({0})", True),
    ("torch.relu({0})", True),
    ("torch.sin({0})", True),
    ("torch.cos({0})", True),
    ("torch.abs({0})", True),
    ("torch.log({0} * {0} + 0.5)", True),
    ("torch.sqrt({0} * {0} + 1.0)", True),
    ("{0}.exp()", True),
    ("{0}.tanh()", True),
    ("{0}.sigmoid()", True),
    ("{0}.relu()", True),
    ("{0}.abs()", True),
    ("{0}.square()", True),
    ("{0}.neg()", True),
    ("{0}.sin()", True),
    ("{0}.cos()", True),
    ("{0}.exp().log()", True),
    ("({0} * {0} + 0.25).sqrt()", True),
    ("{0}.pow(2)", True),
    ("{0}.clone()", True),
    ("-{0}", True),
    ("{0} ** 2", True),
    ("{0} ** 3", True),
    ("({0} ** 2 + 1.0) ** 0.5", True),
    ("({0} * {0} + 1.0) ** -1", True),
    ("{0} / 2.0", True),
    ("2.5 * {0}", True),
    ("{0} - 1.5", True),
    ("1.0 - {0}", True),
    ("1.0 / ({0} ** 2 + 1.0)", True),
    ("torch.clamp({0}, -1.0, 1.0)", True),
    ("{0}.clamp(min=0.0)", True),
    ("{0}.clip(max=0.5)", True),
    ("torch.softmax({0}, dim=-1)", True),
    ("{0}.log_softmax(-1)", True),
    ("torch.cumsum({0}, dim=-1)", True),
    ("torch.where({0} > 0, {0}, {0} * 0.1)", True),
    ("torch.maximum({0}, {0} * 0.5)", True),
    ("{0}.masked_fill({0} > 0.5, 0.0)", True),
    ("torch.exp(-{0} * {0})", True),
    ("{0}.sign() * {0}", True),
    ("torch.log1p({0} * {0})", True),
    ("{0}.contiguous()", True),
    ("{0}.float()", True),
    ("{0}.to(torch.float32)", True),
    ("{0}.type(torch.float32)", True),
    ("torch.zeros_like({0}) + {0}", True),
    ("{0}.flip(-1)", True),
    ("{0}.detach()", False),
)

# Binary operations between two operands of broadcastable shapes.
BINARY: tuple[str, ...] = (
    "{0} + {1}",
    "{0} - {1}",
    "{0} * {1}",
    "{0} / ({1} * {1} + 1.0)",
)

# target shape -> [(template, operand shapes)]: reductions, indexing, products, views.
RESHAPING: dict[Shape, tuple[tuple[str, tuple[Shape, ...]], ...]] = {
    (): (
        ("{0}.sum()", ((3,),)),
        ("{0}.mean()", ((2, 3),)),
        ("torch.sum({0})", ((2, 2),)),
        ("torch.mean({0})", ((3, 2),)),
        ("{0}.sum()", ((2, 3),)),
        ("{0}[1]", ((3,),)),
        ("{0}[0, 1]", ((2, 3),)),
        ("{0} @ {1}", ((3,), (3,))),
        ("torch.matmul({0}, {1})", ((2,), (2,))),
        ("({0} * {0} + 1.0).norm()", ((2,),)),
        ("{0}.max()", ((2, 3),)),
        ("{0}.min(dim=0).values.sum()", ((3, 2),)),
        ("torch.dot({0}, {1})", ((3,), (3,))),
        ("{0}.std()", ((2, 3),)),
        ("torch.prod({0})", ((2,),)),
        ("{0}.var(dim=0).sum()", ((3, 2),)),
        ("{0}[[0, 1]].sum()", ((3,),)),
        ("{0}[{0} > 0].sum()", ((2, 3),)),
    ),
    (2,): (
        ("{0}.sum(dim=1)", ((2, 3),)),
        ("torch.mean({0}, dim=1)", ((2, 2),)),
        ("{0}[:, 1]", ((2, 3),)),
        ("{0}[1:]", ((3,),)),
        ("{0} @ {1}", ((2, 3), (3,))),
        ("torch.matmul({0}, {1})", ((2, 2), (2,))),
        ("{0}.sum(0)", ((3, 2),)),
        ("{0}.max(dim=1).values", ((2, 3),)),
        ("torch.max({0}, 1)[0]", ((2, 2),)),
        ("{0}.amax(0)", ((3, 2),)),
        ("torch.mv({0}, {1})", ((2, 3), (3,))),
        ("{0}[[2, 0]]", ((3,),)),
        ("torch.cat([{0}, {1}])", ((), ())),
        ("torch.stack([{0}, {1}])", ((), ())),
        ("{0}.flatten()", ((2,),)),
        ("{0}.squeeze(0)", ((1, 2),)),
    ),
    (3,): (
        ("{0}.sum(dim=0)", ((2, 3),)),
        ("{0}.mean(0)", ((2, 3),)),
        ("{0}[0]", ((2, 3),)),
        ("{0}[:, 0]", ((3, 2),)),
        ("{0} @ {1}", ((3, 2), (2,))),
        ("{0}.reshape(3)", ((3,),)),
        ("torch.cat([{0}, {1}])", ((2,), ())),
        ("{0}.split(1)[0].squeeze(0)", ((2, 3),)),
        ("{0}.chunk(2, dim=1)[1].squeeze(1)", ((3, 2),)),
        ("{0}.unbind(0)[1]", ((2, 3),)),
        ("{0}[:, [1]].flatten()", ((3, 2),)),
    ),
    (1, 2): (("{0}.unsqueeze(0)", ((2,),)), ("{0}[:1]", ((2, 2),))),
    (2, 1): (("{0}.unsqueeze(1)", ((2,),)), ("{0}[:, :1]", ((2, 2),))),
    (2, 2): (
        ("{0} @ {1}", ((2, 3), (3, 2))),
        ("torch.matmul({0}, {1})", ((2, 2), (2, 2))),
        ("{0}.t()", ((2, 2),)),
        ("{0}[:2]", ((3, 2),)),
        ("torch.mm({0}, {1})", ((2, 3), (3, 2))),
        ("{0}.transpose(0, 1)", ((2, 2),)),
        ("{0}.permute(1, 0)", ((2, 2),)),
        ("torch.outer({0}, {1})", ((2,), (2,))),
        ("torch.stack([{0}, {1}])", ((2,), (2,))),
        ("{0}.unsqueeze(0).expand(2, 2)", ((2,),)),
        ("{0}[[1, 0]]", ((2, 2),)),
        ("{0}[[True, False, True]]", ((3, 2),)),
    ),
    (2, 3): (
        ("{0}.t()", ((3, 2),)),
        ("{0}.T", ((3, 2),)),
        ("{0}.reshape(2, 3)", ((3, 2),)),
        ("{0} @ {1}", ((2, 2), (2, 3))),
        ("torch.cat([{0}, {1}], dim=1)", ((2, 2), (2, 1))),
        ("{0}.unsqueeze(1).repeat(1, 3)", ((2,),)),
        ("{0}.expand_as(torch.zeros(2, 3))", ((3,),)),
        ("{0}.view(2, 3)", ((3, 2),)),
        ("torch.vstack([{0}, {1}])", ((3,), (3,))),
    ),
    (3, 2): (
        ("{0}.t()", ((2, 3),)),
        ("{0}.reshape(3, 2)", ((2, 3),)),
        ("{0}.view(3, 2)", ((2, 3),)),
        ("{0} @ {1}", ((3, 2), (2, 2))),
        ("torch.cat([{0}, {1}])", ((2, 2), (1, 2))),
        ("{0}.transpose(1, 0)", ((2, 3),)),
        ("torch.bmm({0}.unsqueeze(0), {1}.unsqueeze(0)).squeeze(0)", ((3, 2), (2, 2))),
        ("{0}.reshape(-1, 2)", ((2, 3),)),
    ),
}

CREATION: dict[Shape, tuple[str, ...]] = {
    (): ("torch.tensor({v})", "torch.randn(())", "torch.tensor({v}, dtype=torch.float32)"),
    (1, 2): ("torch.tensor([[{v}, {v}]])", "torch.ones(1, 2)"),
    (2, 1): ("torch.tensor([[{v}], [{v}]])", "torch.zeros(2, 1)"),
    (2,): (
        "torch.tensor([{v}, {v}])",
        "torch.ones(2)",
        "torch.linspace(-1.0, 1.0, 2)",
        "torch.Tensor([{v}, {v}])",
        "torch.normal(0.0, 1.0, size=(2,))",
    ),
    (3,): (
        "torch.tensor([{v}, {v}, {v}])",
        "torch.arange(3.0)",
        "torch.zeros(3)",
        "torch.rand_like(torch.zeros(3))",
        "torch.empty(3).uniform_(-1.0, 1.0)",
    ),
    (2, 2): (
        "torch.tensor([[{v}, {v}], [{v}, {v}]])",
        "torch.full((2, 2), {v})",
        "torch.eye(2)",
        "torch.full_like(torch.zeros(2, 2), {v})",
    ),
    (2, 3): (
        "torch.tensor([[{v}, {v}, {v}], [{v}, {v}, {v}]])",
        "torch.randn(2, 3)",
        "torch.randn_like(torch.ones(2, 3))",
        "torch.eye(2, 3)",
        "torch.randint(0, 5, (2, 3)).float()",
    ),
    (3, 2): (
        "torch.tensor([[{v}, {v}], [{v}, {v}], [{v}, {v}]])",
        "torch.rand(3, 2)",
        "torch.empty(3, 2).normal_(0.0, 0.5)",
        "torch.FloatTensor([[{v}, {v}]] * 3)",
    ),
}


@dataclass
class Var:
    """A name the program has bound to a tensor, with what the grammar knows of it."""

    name: str
    shape: Shape
    grad: bool  # requires grad (is, or depends on, a leaf that does)
    leaf: bool


class Choices(Protocol):
    """Where the grammar's decisions come from: Hypothesis (tests) or a seeded RNG."""

    def int(self, low: int, high: int) -> int: ...
    def choice(self, options: Sequence[T]) -> T: ...
    def bool(self) -> bool: ...


class DrawnChoices:
    """Decisions drawn by Hypothesis, so failures shrink to small programs."""

    def __init__(self, draw: Callable) -> None:
        self.draw = draw

    def int(self, low: int, high: int) -> int:
        return self.draw(st.integers(low, high))

    def choice(self, options: Sequence[T]) -> T:
        return self.draw(st.sampled_from(options))

    def bool(self) -> bool:
        return self.draw(st.booleans())


class RandomChoices:
    """Decisions from a seeded `random.Random`: a hundred times cheaper for long runs."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def int(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def choice(self, options: Sequence[T]) -> T:
        return self.rng.choice(options)

    def bool(self) -> bool:
        return self.rng.random() < 0.5


@dataclass
class _Writer:
    """Builds one program line by line, remembering every tensor name's shape."""

    pick: Choices
    lines: list[str] = field(default_factory=list)
    env: list[Var] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)
    count: int = 0

    def fresh(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def number(self) -> str:
        return repr(self.pick.int(-200, 200) / 100)

    def literal(self, shape: Shape) -> str:
        template = self.pick.choice(CREATION[shape])
        while "{v}" in template:
            template = template.replace("{v}", self.number(), 1)
        return template

    def expr(self, shape: Shape, depth: int, env: list[Var] | None = None) -> tuple[str, bool]:
        """An expression of `shape` and whether it requires grad."""
        env = self.env if env is None else env
        names = [v for v in env if v.shape == shape]
        kind = self.pick.int(0, 9) if depth < MAX_DEPTH else 0
        if kind <= 2:
            if names and self.pick.int(0, 4) > 0:
                var = self.pick.choice(names)
                return var.name, var.grad
            return self.literal(shape), False
        if kind <= 4:
            template, keeps = self.pick.choice(ELEMENTWISE)
            inner, grad = self.expr(shape, depth + 1, env)
            return template.format(_paren(inner)), grad and keeps
        if kind <= 6:
            left, lgrad = self.expr(shape, depth + 1, env)
            other = shape if self.pick.bool() else ()
            right, rgrad = self.expr(other, depth + 1, env)
            if self.pick.bool():
                left, right = right, left
            template = self.pick.choice(BINARY)
            return template.format(_paren(left), _paren(right)), lgrad or rgrad
        if kind <= 8:
            template, shapes = self.pick.choice(RESHAPING[shape])
            parts = [self.expr(s, depth + 1, env) for s in shapes]
            return template.format(*(_paren(p) for p, _ in parts)), any(g for _, g in parts)
        if self.functions:
            inner, grad = self.expr(shape, depth + 1, env)
            return f"{self.pick.choice(self.functions)}({inner})", grad
        return self.literal(shape), False

    def grad_expr(self, shape: Shape, leaf: Var, env: list[Var]) -> str:
        """An expression of `shape` that certainly depends on `leaf`."""
        other, _ = self.expr(leaf.shape, 1, env)
        template = self.pick.choice(BINARY[:3])
        mixed = template.format(leaf.name, _paren(other))
        if self.pick.bool():
            mixed = self.pick.choice(ELEMENTWISE[:-1])[0].format(_paren(mixed))
        if shape == leaf.shape:
            return mixed
        return f"{_paren(mixed)}.sum()"

    def emit(self, line: str, indent: int = 0) -> None:
        self.lines.append("    " * indent + line)

    def bind(self, name: str, shape: Shape, grad: bool, leaf: bool) -> None:
        self.env.append(Var(name, shape, grad, leaf))


def _paren(text: str) -> str:
    """Wrap anything but a plain name, so precedence never changes the meaning."""
    return text if text.isidentifier() else f"({text})"


def _sizes(shape: Shape) -> str:
    """Sizes as a creation function takes them: `2, 3`, or `()` for a scalar."""
    return ", ".join(map(str, shape)) if shape else "()"


# -- program pieces --------------------------------------------------------------


def _leaves(w: _Writer) -> None:
    for _ in range(w.pick.int(1, 3)):
        shape = w.pick.choice(SHAPES)
        name = w.fresh("w")
        literal = w.literal(shape)
        maker = w.pick.int(0, 2)
        if maker == 0 and literal.startswith("torch.tensor("):
            w.emit(f"{name} = {literal[:-1]}, requires_grad=True)")
        elif maker == 1:
            w.emit(f"{name} = {literal}")
            w.emit(f"{name}.requires_grad_()")
        else:
            maker_fn = w.pick.choice(("randn", "ones", "rand"))
            w.emit(f"{name} = torch.{maker_fn}({_sizes(shape)}, requires_grad=True)")
        w.bind(name, shape, grad=True, leaf=True)
    for _ in range(w.pick.int(0, 2)):
        shape = w.pick.choice(SHAPES)
        name = w.fresh("c")
        w.emit(f"{name} = {w.literal(shape)}")
        w.bind(name, shape, grad=False, leaf=True)


def _function(w: _Writer) -> None:
    """`def fN(t):` whose body works for a tensor of any shape (element-wise only)."""
    name = w.fresh("f")
    body = "t"
    for _ in range(w.pick.int(1, 2)):
        template, _ = w.pick.choice(ELEMENTWISE[:-1])
        body = template.format(_paren(body))
    if w.pick.bool():
        w.emit(f"def {name}(t, k={w.number()}):")
        w.emit(f"u = {body}", 1)
        w.emit("return u * k", 1)
    else:
        w.emit(f"def {name}(t):")
        w.emit(f"return {body}", 1)
    w.functions.append(name)


def _assign(w: _Writer) -> None:
    shape = w.pick.choice(SHAPES)
    text, grad = w.expr(shape, 0)
    name = w.fresh("h")
    w.emit(f"{name} = {text}")
    w.bind(name, shape, grad, leaf=not grad)
    if grad and w.pick.int(0, 3) == 0:
        w.emit(f"{name}.retain_grad()")


def _loop(w: _Writer) -> None:
    shape = w.pick.choice(SHAPES)
    name = w.fresh("acc")
    w.emit(f"{name} = torch.zeros({_sizes(shape)})")
    text, grad = w.expr(shape, 1)
    if w.pick.bool():
        w.emit(f"for i in range({w.pick.int(0, 4)}):")
        w.emit(f"{name} = {name} * 0.5 + {_paren(text)} * i", 1)
    else:
        w.emit("n = 0")
        w.emit(f"while n < {w.pick.int(0, 3)}:")
        w.emit(f"{name} = {name} + {_paren(text)}", 1)
        w.emit("n += 1", 1)
    w.bind(name, shape, grad, leaf=not grad)


def _no_grad(w: _Writer) -> None:
    shape = w.pick.choice(SHAPES)
    text, _ = w.expr(shape, 1)
    name = w.fresh("d")
    w.emit("with torch.no_grad():")
    w.emit(f"{name} = {text}", 1)
    w.bind(name, shape, grad=False, leaf=True)


def _branch(w: _Writer) -> None:
    var = w.pick.choice(w.env)
    text, grad = w.expr(var.shape, 1)
    name = w.fresh("b")
    w.emit(f"if {_paren(var.name)}.sum() > {w.number()}:")
    w.emit(f"{name} = {text}", 1)
    w.emit("else:")
    w.emit(f"{name} = {var.name} * 2.0", 1)
    w.bind(name, var.shape, grad or var.grad, leaf=not (grad or var.grad))


def _print(w: _Writer) -> None:
    var = w.pick.choice(w.env)
    choice = w.pick.int(0, 3)
    if choice == 0:
        w.emit(f"print({var.name})")
    elif choice == 1:
        w.emit(f'print("{var.name}:", {var.name}.shape, {var.name}.requires_grad)')
    elif choice == 2:
        w.emit(f'print(f"{{{var.name}.sum().item():.4f}}")')
    else:
        w.emit(f"print({var.name}.is_leaf, {var.name}.dim(), {var.name}.numel())")


def _comprehension(w: _Writer) -> None:
    """A sum over a list or generator of same-shape expressions, or a printed list."""
    shape = w.pick.choice(SHAPES)
    parts = [w.expr(shape, 1) for _ in range(w.pick.int(1, 3))]
    name = w.fresh("s")
    inner = ", ".join(text for text, _ in parts)
    template = w.pick.choice(
        (
            "sum([t * 0.5 for t in [{0}]])",
            "sum(t for t in [{0}] if t is not None)",
            "sum([t * k for t, k in zip([{0}], [1.0, -1.0, 2.0])])",
            "sum(dict(enumerate([{0}])).values())",
        )
    )
    w.emit(f"{name} = {template.format(inner)}")
    grad = any(g for _, g in parts)
    w.bind(name, shape, grad, leaf=not grad)
    var = w.pick.choice(w.env)
    w.emit(f"print([round(v.sum().item(), 3) for v in [{var.name}, {name}]])")


def _class(w: _Writer) -> None:
    """A small module-like class: `__init__` keeps a factor, `__call__` applies an op."""
    name = w.fresh("M")
    template, _ = w.pick.choice(ELEMENTWISE[:-1])
    w.emit(f"class {name}:")
    w.emit("def __init__(self, k):", 1)
    w.emit("self.k = k", 2)
    w.emit("def __call__(self, t):", 1)
    w.emit(f"return {template.format('t')} * self.k", 2)
    cls = name
    if w.pick.bool():
        cls = w.fresh("S")
        w.emit(f"class {cls}({name}):")
        w.emit("def __init__(self, k):", 1)
        w.emit("super().__init__(k * 2.0)", 2)
    var = w.pick.choice(w.env)
    out = w.fresh("h")
    w.emit(f"{out} = {cls}({w.number()})({var.name})")
    w.bind(out, var.shape, var.grad, leaf=not var.grad)
    w.emit(f"print(type({out}), type({cls}(1.0)) is {cls}, isinstance({cls}(2.0), {name}))")


def _python_builtins(w: _Writer) -> None:
    """Python built-ins and str/list/dict methods on plain numbers and strings."""
    numbers = [w.number() for _ in range(w.pick.int(1, 4))]
    xs = w.fresh("xs")
    w.emit(f"{xs} = [{', '.join(numbers)}]")
    w.emit(f"{xs}.append(len({xs}))")
    choice = w.pick.int(0, 3)
    if choice == 0:
        w.emit(f"print(sorted({xs}), min({xs}), max({xs}), sum({xs}), list(reversed({xs})))")
    elif choice == 1:
        w.emit(f"d = {{str(i): v for i, v in enumerate({xs})}}")
        w.emit("print(sorted(d.items()), list(d.keys()), d.get('0'), len(d))")
    elif choice == 2:
        w.emit(f"print('%.3f|%5s' % ({xs}[0], 'ab'), '{{:>7.2f}}'.format({xs}[-1]))")
    else:
        w.emit(f"print(', '.join(str(v) for v in {xs}), any(v > 0 for v in {xs}), tuple({xs}))")


def _try(w: _Writer) -> None:
    """`try/except` of PyTorch's own error (shapes that may not multiply)."""
    var = w.pick.choice(w.env)
    other = w.pick.choice(w.env)
    name = w.fresh("t")
    w.emit("try:")
    w.emit(f"{name} = ({var.name} @ {other.name}).sum()", 1)
    w.emit("except RuntimeError as e:")
    w.emit(f"{name} = {var.name}.sum() * 0.0", 1)
    w.emit("print('no product')", 1)
    grad = var.grad or other.grad
    w.bind(name, (), grad, leaf=not grad)


def _python_rules(w: _Writer) -> None:
    """What Python and PyTorch say about a mistake: a local read before it is assigned
    (UnboundLocalError), an unknown keyword (TypeError), `.grad` of a non-leaf (None,
    and PyTorch's warning, shown in the output on its line)."""
    var = w.pick.choice(w.env)
    choice = w.pick.int(0, 2)
    if choice == 0:
        name, fn = w.fresh("n"), w.fresh("bump")
        w.emit(f"{name} = {w.number()}")
        w.emit(f"def {fn}():")
        w.emit("try:", 1)
        w.emit(f"{name} += 1" if w.pick.bool() else f"{name} = {name} * 2", 2)
        w.emit("except UnboundLocalError as e:", 1)
        w.emit("print('unbound:', e)", 2)
        w.emit(f"{name} = 0", 2)
        w.emit(f"return {name}", 1)
        w.emit(f"print({fn}(), {name})")
    elif choice == 1:
        w.emit("try:")
        w.emit(f"{var.name}.sum(dimm=0)", 1)
        w.emit("except TypeError:")
        w.emit("print('unknown keyword')", 1)
    else:
        w.emit(f"print(({var.name} * 2).grad, {var.name}.is_leaf)")


STATEMENTS = (
    _assign, _assign, _loop, _no_grad, _branch, _print, _comprehension, _class,
    _python_builtins, _try, _python_rules,
)  # fmt: skip


def _backward(w: _Writer) -> None:
    """One loss over every leaf, `backward()`, and the gradients printed."""
    leaves = [v for v in w.env if v.leaf and v.grad]
    terms = [w.grad_expr((), leaf, w.env) for leaf in leaves]
    w.emit(f"loss = {' + '.join(terms)}")
    w.emit("loss.backward()")
    for leaf in leaves:
        w.emit(f'print("{leaf.name}.grad:", {leaf.name}.grad)')


def _training(w: _Writer) -> None:
    """The tutorial's loop: loss of leaves and constants only, update, zero the grads."""
    leaves = [v for v in w.env if v.leaf and v.grad]
    fixed = [v for v in w.env if v.leaf]
    w.emit(f"for epoch in range({w.pick.int(1, 4)}):")
    terms = [w.grad_expr((), leaf, fixed) for leaf in leaves]
    w.emit(f"loss = {' + '.join(terms)}", 1)
    w.emit("loss.backward()", 1)
    w.emit("with torch.no_grad():", 1)
    lr = w.pick.choice(("0.1", "0.01", "1e-3"))
    for leaf in leaves:
        w.emit(f"{leaf.name} -= {lr} * {leaf.name}.grad", 2)
        w.emit(f"{leaf.name}.grad.zero_()", 2)
    w.emit('print("loss:", loss.item())')


ACTIVATIONS = ("ReLU()", "Tanh()", "Sigmoid()", "LeakyReLU(0.1)", "Identity()", "GELU()")
LOSSES = ("MSELoss()", "L1Loss()", "MSELoss(reduction='sum')", "SmoothL1Loss()", "HuberLoss()")
OPTIMIZERS = (
    "SGD({0}, lr=0.05)",
    "SGD({0}, lr=0.05, momentum=0.9)",
    "SGD({0}, lr=0.01, momentum=0.5, nesterov=True, weight_decay=0.01)",
    "Adam({0}, lr=0.01)",
    "AdamW({0}, lr=0.01, weight_decay=0.1)",
    "RMSprop({0}, lr=0.01)",
    "Adagrad({0}, lr=0.1)",
)


def _nn_training(w: _Writer) -> None:
    """A seeded `nn.Sequential` trained by an optimizer: weights, losses and grads."""
    model, opt, loss_fn = w.fresh("model"), w.fresh("opt"), w.fresh("loss_fn")
    inputs, hidden, rows = w.pick.int(1, 4), w.pick.int(1, 5), w.pick.int(1, 6)
    x, y = w.fresh("x"), w.fresh("y")
    w.emit(f"torch.manual_seed({w.pick.int(0, 1000)})")
    layers = [f"torch.nn.Linear({inputs}, {hidden})"]
    if w.pick.bool():
        layers.append(f"torch.nn.{w.pick.choice(ACTIVATIONS)}")
    layers.append(f"torch.nn.Linear({hidden}, 1, bias={w.pick.bool()})")
    w.emit(f"{model} = torch.nn.Sequential({', '.join(layers)})")
    w.emit(f"{x} = torch.randn({rows}, {inputs})")
    w.emit(f"{y} = torch.randn({rows}, 1)")
    w.emit(f"{loss_fn} = torch.nn.{w.pick.choice(LOSSES)}")
    w.emit(f"{opt} = torch.optim.{w.pick.choice(OPTIMIZERS).format(model + '.parameters()')}")
    w.emit(f"for epoch in range({w.pick.int(1, 4)}):")
    w.emit(f"{opt}.zero_grad()", 1)
    w.emit(f"loss = {loss_fn}({model}({x}), {y})", 1)
    w.emit("loss.backward()", 1)
    w.emit(f"{opt}.step()", 1)
    w.emit('print("loss:", loss.item())', 1)
    w.emit(f"print({model})")


def write_valid(pick: Choices) -> str:
    """A program in the supported subset that plain PyTorch runs too (almost always)."""
    w = _Writer(pick)
    _leaves(w)
    for _ in range(pick.int(0, 2)):
        _function(w)
    for _ in range(pick.int(0, 6)):
        pick.choice(STATEMENTS)(w)
    pick.choice((_backward, _backward, _training))(w)
    if pick.int(0, 3) == 0:
        _nn_training(w)
    return "\n".join(w.lines) + "\n"


# -- mutations -------------------------------------------------------------------

# Lines an attacker (or a curious learner) tries; none may escape the sandbox.
ATTACKS: tuple[str, ...] = (
    "import os",
    "import numpy as np",
    "from os import system",
    "().__class__.__bases__[0].__subclasses__()",
    "x = w1.__class__",
    "open('/etc/hostname').read()",
    "getattr(torch, 'load')",
    "torch.load('model.pt')",
    "torch.ones(2).numpy().tofile('x')",
    "eval('1 + 1')",
    "exec('y = 1')",
    "__import__('os').getcwd()",
    "globals()['torch']",
    "lambda: 0",
    "class A: pass",
    "x = [1] * 10 ** 9",
    "x = 10 ** 10 ** 10",
    "x = 'a' * 10 ** 8",
    "torch.zeros(100000, 100000)",
    "torch.ones(1000, 1000) @ torch.ones(1000, 1000)",
    "for i in range(10 ** 9): pass",
    "def r(n): return r(n + 1)\nr(0)",
    "loss.grad_fn.next_functions",
    "w1.grad_fn.name()",
    "w1.data_ptr()",
    "torch.tensor(1.)._version",
    "np.load('x.npy')",
    "print(*[1, 2])",
    "x = {'a': 1}",
    "x = [i for i in range(3)]",
    "p = torch.nn.Linear(2, 2)._parameters",
    "torch.nn.Linear(2, 2).register_forward_hook(print)",
    "torch.nn.Linear(10 ** 6, 10 ** 6)",
    "torch.nn.Embedding(10 ** 9, 10)",
    "torch.optim.SGD([w1], lr=0.1).state",
    "torch.optim.SGD([w1], lr=0.1, foreach=True)",
    "torch.nn.Sequential(print)",
    "torch.nn.Linear(2, 2).apply(print)",
    "torch.nn.MSELoss()(print, w1)",
    "class A:\n    def f(self):\n        return self.__class__",
    "y = [c for c in ().__class__.__bases__]",
    "y = sorted(range(10 ** 12))",
    "y = list(zip(range(10 ** 12), range(10 ** 12)))",
    "y = '%*d' % (10 ** 9, 1)",
    "y = '{:>999999999}'.format(1)",
    "y = '{0.__class__}'.format(1)",
    "y = type(w1).__mro__",
    "y = super().__init__()",
    "try:\n    y = [0] * 10 ** 9\nexcept Exception:\n    pass",
    "y = {(): 1, 'a': [1]}",
    "import math\ny = math.factorial(10 ** 6)",
    "import random\nrandom.seed(3)",
    "class B(torch):\n    pass",
    "y = [w1 for _ in range(10 ** 7)]",
    "y = (lambda f: f(f))(lambda f: f(f))",
    "w1.backward()",
    "loss.backward()",
    "w1 += 1",
    "del w1",
    "torch.manual_seed(-1)",
    "torch.arange(0, 10 ** 12)",
    "torch.linspace(0, 1, 10 ** 9)",
    "print(f'{1:>1000000}')",
    "x = torch.tensor([[1, 2], [3]])",
    "with torch.enable_grad(): pass",
    "with open('x') as f: pass",
    "try:\n    pass\nexcept Exception:\n    pass",
    "raise ValueError('x')",
    "async def g(): pass",
    "x = w1[torch.tensor([0])]",
    "x = torch.randn(3, requires_grad=1)",
    "w1.grad = 5",
    "w1.requires_grad = 'yes'",
    "print(w1.grad_fn)",
    "float('nan') ** 2",
    "int('9' * 40)",
    "x = (((((((((((((((((((((((((((((((1)))))))))))))))))))))))))))))))",
    "x = torch.ones(1).expand(10 ** 6, 10 ** 6).sum()",
    "x = torch.cat([torch.ones(10 ** 6)] * 10)",
    "x = torch.ones(5)[torch.zeros(10 ** 7, dtype=torch.long)]",
    "x = torch.ones(1000, 1000)[[0] * 10 ** 5]",
    "x = torch.eye(10 ** 7)",
    "x = torch.ones(10 ** 3).repeat(10 ** 4)",
    "x = w1.to('cuda')",
    "x = w1.cuda()",
    "x = torch.zeros(2, device='cuda')",
    "x = torch.Generator().get_state()",
    "x = torch.max(w1, 0).__class__",
    "x = torch.Tensor.add",
    "x = torch.nonzero(torch.ones(1000, 1000))",
    "x = torch.ones(10 ** 6).split(1)",
    "x = torch.autograd.grad(loss, [w1])",
    "w1[w1 > 0] = 0.0",
    "x = torch.randn(3, generator=torch.Generator().manual_seed(1))",
)

TOKENS: tuple[str, ...] = (
    "(", ")", "[", "]", ":", ",", ".", "=", "+", "**", "@", "_", "__", "'", '"', "\\",
    "#", "0", "1e308", "-", "x", "torch", "lambda", "yield", "*", "\t", "\n", "    ",
    "import", "not", "None", "...", ".grad", ".backward()", "__class__",
)  # fmt: skip

# ASCII characters and a Unicode look-alike for each.
LOOK_ALIKES: dict[str, str] = {
    "a": "а",  # Cyrillic a
    "o": "о",  # Cyrillic o
    "e": "е",  # Cyrillic ie
    "(": "（",  # fullwidth parenthesis
    "-": "−",  # minus sign
    "w": "ｗ",  # fullwidth w (NFKC-normalises to w)
    " ": "\u00a0",  # no-break space
    ".": "․",  # one-dot leader
}

OPERATORS = ("+", "-", "*", "/", "**", "@", "//", "%")


def _delete(pick: Choices, lines: list[str]) -> list[str]:
    index = pick.int(0, len(lines) - 1)
    return lines[:index] + lines[index + 1 :]


def _duplicate(pick: Choices, lines: list[str]) -> list[str]:
    index = pick.int(0, len(lines) - 1)
    return lines[: index + 1] + lines[index:]


def _swap(pick: Choices, lines: list[str]) -> list[str]:
    i, j = pick.int(0, len(lines) - 1), pick.int(0, len(lines) - 1)
    lines = list(lines)
    lines[i], lines[j] = lines[j], lines[i]
    return lines


def _flip_operator(pick: Choices, lines: list[str]) -> list[str]:
    text = "\n".join(lines)
    spots = [
        i for i, ch in enumerate(text) if ch in "+-*/@" and text[i - 1 : i] == " "
    ]  # operators written with spaces around them, not signs of numbers
    if not spots:
        return lines
    at = pick.choice(spots)
    end = at + 2 if text[at : at + 2] == "**" else at + 1
    text = text[:at] + pick.choice(OPERATORS) + text[end:]
    return text.split("\n")


def _insert_token(pick: Choices, lines: list[str]) -> list[str]:
    text = "\n".join(lines)
    at = pick.int(0, len(text))
    return (text[:at] + pick.choice(TOKENS) + text[at:]).split("\n")


def _insert_attack(pick: Choices, lines: list[str]) -> list[str]:
    index = pick.int(0, len(lines))
    return lines[:index] + pick.choice(ATTACKS).split("\n") + lines[index:]


def _truncate(pick: Choices, lines: list[str]) -> list[str]:
    text = "\n".join(lines)
    return text[: pick.int(0, len(text))].split("\n")


def _indent(pick: Choices, lines: list[str]) -> list[str]:
    index = pick.int(0, len(lines) - 1)
    lines = list(lines)
    if pick.bool():
        lines[index] = pick.choice((" ", "  ", "    ", "\t")) + lines[index]
    else:
        lines[index] = lines[index].lstrip()
    return lines


def _null_byte(pick: Choices, lines: list[str]) -> list[str]:
    text = "\n".join(lines)
    at = pick.int(0, len(text))
    return (text[:at] + "\x00" + text[at:]).split("\n")


def _look_alike(pick: Choices, lines: list[str]) -> list[str]:
    text = "\n".join(lines)
    spots = [i for i, ch in enumerate(text) if ch in LOOK_ALIKES]
    if not spots:
        return lines
    at = pick.choice(spots)
    return (text[:at] + LOOK_ALIKES[text[at]] + text[at + 1 :]).split("\n")


MUTATIONS: tuple[Callable, ...] = (
    _delete, _duplicate, _swap, _flip_operator, _insert_token, _insert_attack,
    _truncate, _indent, _null_byte, _look_alike,
)  # fmt: skip


def mutate(pick: Choices, source: str) -> str:
    """`source` after one to three typos, edits or attack lines."""
    lines = source.rstrip("\n").split("\n")
    for _ in range(pick.int(1, 3)):
        if lines:
            lines = pick.choice(MUTATIONS)(pick, lines)
    return "\n".join(lines) + "\n"


@st.composite
def valid_programs(draw: Callable) -> str:
    """Hypothesis strategy: programs from `write_valid`."""
    return write_valid(DrawnChoices(draw))


@st.composite
def mutated_programs(draw: Callable) -> str:
    """Hypothesis strategy: a valid program, then `mutate`d."""
    pick = DrawnChoices(draw)
    return mutate(pick, write_valid(pick))
