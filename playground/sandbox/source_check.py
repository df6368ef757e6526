"""Parse and vet a program before a single line of it runs.

Everything here is static: the allow-list of syntax, the names that are never
available, attribute names, imports, and the size of the tree. A program that
passes may still fail while running, but one that fails here never starts.
"""

from __future__ import annotations

import ast
import functools
import re

from .core.budgets import Budgets
from .core.errors import BudgetExceeded, NotAllowed, SyntaxProblem
from .modules import IMPORTABLE, PRE_BOUND, make_modules
from .parsing import parse
from .placement import check_placement

ALLOWED_NODES: frozenset[type] = frozenset(
    {
        ast.Module, ast.Expr, ast.Assign, ast.AugAssign, ast.For, ast.While, ast.If,
        ast.With, ast.withitem, ast.FunctionDef, ast.Return, ast.Pass, ast.Break,
        ast.Continue, ast.Import, ast.ImportFrom, ast.alias, ast.arguments, ast.arg,
        ast.Constant, ast.Name, ast.Load, ast.Store, ast.Del, ast.BinOp, ast.UnaryOp,
        ast.BoolOp, ast.Compare, ast.Call, ast.keyword, ast.Attribute, ast.Subscript,
        ast.Slice, ast.List, ast.Tuple, ast.Dict, ast.Set, ast.JoinedStr,
        ast.FormattedValue, ast.IfExp, ast.Starred, ast.Lambda,
        ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.comprehension,
        ast.Assert, ast.Try, ast.ExceptHandler, ast.Raise, ast.Delete, ast.Global,
        ast.Nonlocal, ast.ClassDef,
        ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow,
        ast.MatMult, ast.BitAnd, ast.BitOr, ast.BitXor, ast.Invert, ast.USub, ast.UAdd,
        ast.Not, ast.And, ast.Or, ast.Eq, ast.NotEq,
        ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Is, ast.IsNot, ast.In, ast.NotIn,
    }
)  # fmt: skip

# Friendlier words for the constructs people most often try.
CONSTRUCT_NAMES: dict[type, str] = {
    ast.Yield: "yield", ast.YieldFrom: "yield from", ast.Await: "await",
    ast.AsyncFunctionDef: "async functions", ast.AsyncFor: "async for",
    ast.AsyncWith: "async with", ast.NamedExpr: "the walrus operator :=",
    ast.Match: "match", ast.LShift: "bit shifts",
    ast.RShift: "bit shifts", ast.AnnAssign: "annotated assignment",
    ast.TryStar: "except*",
}  # fmt: skip

# Python built-ins that open a way out of any sandbox: never a name, even the
# program's own, so the refusal is clear wherever they appear.
ESCAPE_NAMES: frozenset[str] = frozenset(
    {
        "eval", "exec", "compile", "open", "getattr", "setattr", "delattr", "hasattr",
        "globals", "locals", "vars", "dir", "object", "super", "breakpoint",
        "memoryview", "classmethod", "staticmethod", "property",
        "__import__", "__builtins__", "importlib", "os", "sys", "subprocess", "socket",
    }
)  # fmt: skip

# Built-ins the playground does not provide, but harmless as names: a program may
# bind its own `input`, `id` or `format`; reading one it never binds is refused.
UNAVAILABLE_BUILTINS: frozenset[str] = frozenset(
    {
        "input", "id", "hash", "format", "chr", "ord", "help", "exit", "quit", "bytes",
        "bytearray", "callable", "issubclass", "frozenset", "slice",
        "bin", "hex", "oct", "ascii", "complex", "aiter", "anext",
    }
)  # fmt: skip

FORBIDDEN_NAMES: frozenset[str] = ESCAPE_NAMES | UNAVAILABLE_BUILTINS

# Methods a class body may define under a dunder name (everything else `__x__` is refused).
SPECIAL_METHODS: frozenset[str] = frozenset(
    {"__init__", "__call__", "__repr__", "__str__", "__len__", "__getitem__"}
)
_CLASS_BODY = (ast.FunctionDef, ast.Assign, ast.AugAssign, ast.Expr, ast.Pass)
_NAME_HINT = (
    "Only torch, numpy (as np), the common Python built-ins and your own names can be used."
)


def parse_program(source: str, budgets: Budgets) -> ast.Module:
    """Parse `source` and vet it; raise a `PlaygroundError` describing the first problem."""
    if len(source) > budgets.source_chars:
        raise BudgetExceeded(
            f"The program is {len(source):,} characters long; the limit is "
            f"{budgets.source_chars:,}.",
            hint="Shorten the program.",
        )
    tree = _parse(source)
    _columns_in_characters(tree, source)
    _vet(tree, budgets)
    check_placement(tree)
    return tree


def _parse(source: str) -> ast.Module:
    try:
        return parse(source, mode="exec")
    except SyntaxError as exc:
        line, col = exc.lineno, _col(exc.offset)
        if line is None and "\x00" in source:  # CPython 3.11 gives no location for it
            line, col = _null_location(source)
        raise SyntaxProblem(f"Syntax error: {exc.msg}", line, col) from None
    except (RecursionError, MemoryError):
        raise BudgetExceeded(
            "The program is nested too deeply to read.",
            hint="Use fewer nested brackets or expressions.",
        ) from None
    except (ValueError, OverflowError) as exc:
        where = _null_location(source) if "\x00" in source else (None, None)
        raise SyntaxProblem(f"The program cannot be read: {exc}", *where) from None


def _null_location(source: str) -> tuple[int | None, int | None]:
    """Line (1-based) and column of the first null byte, which the parser cannot point at."""
    at = source.index("\x00")
    return source.count("\n", 0, at) + 1, at - (source.rfind("\n", 0, at) + 1)


def _columns_in_characters(tree: ast.Module, source: str) -> None:
    """Rewrite every node's columns from UTF-8 bytes (what `ast` counts) to characters.

    Errors point at `col_offset`; the editor's marker, the error panel's caret and a
    learner all count characters, so after `'ππ'` a byte column lands too far right.
    Converting the tree once, here, makes every later location (refusals, runtime
    errors, the trace) agree with `SyntaxError.offset`, which already counts characters.
    """
    if source.isascii():
        return
    lines = re.split(r"\r\n|\r|\n", source)
    for node in ast.walk(tree):
        for line_field, col_field in (("lineno", "col_offset"), ("end_lineno", "end_col_offset")):
            line, col = getattr(node, line_field, None), getattr(node, col_field, None)
            if line is None or col is None or not 0 < line <= len(lines):
                continue
            text = lines[line - 1]
            if not text.isascii():
                setattr(
                    node,
                    col_field,
                    len(text.encode("utf-8", "surrogatepass")[:col].decode("utf-8", "ignore")),
                )


def _col(offset: int | None) -> int | None:
    return None if offset is None else max(offset - 1, 0)


def _vet(tree: ast.Module, budgets: Budgets) -> None:
    """Walk the tree iteratively (no recursion to exhaust), in source order, so the
    first refused construct of the file is the one reported."""
    vetter = _Vetter(tree)
    # Each entry carries the nearest enclosing location, for nodes that have none
    # (`Load`, operators), so a depth error still points at a line.
    stack: list[tuple[ast.AST, int, tuple[int | None, int | None]]] = [(tree, 0, (None, None))]
    count = 0
    while stack:
        node, depth, where = stack.pop()
        if getattr(node, "lineno", None) is not None:
            where = _where(node)
        count += 1
        if count > budgets.ast_nodes:
            raise BudgetExceeded(
                f"The program has more than {budgets.ast_nodes:,} syntax elements.",
                hint="Shorten the program.",
            )
        if depth > budgets.ast_depth:
            raise BudgetExceeded(
                f"The program nests deeper than {budgets.ast_depth} levels.",
                *where,
                hint="Split deeply nested expressions into named steps.",
            )
        try:
            vetter.check(node)
        except NotAllowed as exc:  # operators (`<<`, `|`) have no location of their own
            raise exc.at(*where) from None
        children = list(ast.iter_child_nodes(node))
        stack.extend((child, depth + 1, where) for child in reversed(children))


def _where(node: ast.AST) -> tuple[int | None, int | None]:
    return getattr(node, "lineno", None), getattr(node, "col_offset", None)


def _bound_names(tree: ast.Module, imports: bool = True) -> frozenset[str]:
    """Every name the program binds somewhere (iteratively: `ast.walk` keeps a queue);
    with `imports=False`, only the ones bound by something other than an import."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.alias) and imports:
            names.add(node.asname or node.name.partition(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return frozenset(names)


@functools.cache
def module_members() -> dict[str, frozenset[str]]:
    """Each importable module's member names (submodules included), made once."""
    return {name: frozenset(module.members) for name, module in make_modules().items()}


def _module_aliases(tree: ast.Module) -> dict[str, str]:
    """Names that surely hold a module: the pre-bound `torch`/`np`/`numpy` and every
    import's name, unless the program also binds that name some other way."""
    aliases = dict(PRE_BOUND)
    other: set[str] = set()

    def bind(name: str, module: str) -> None:
        if aliases.setdefault(name, module) != module:
            other.add(name)  # two modules under one name: which one depends on the order

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.partition(".")[0]
                bind(alias.asname or top, alias.name if alias.asname else top)
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                dotted = f"{node.module}.{alias.name}"
                if dotted in IMPORTABLE:
                    bind(alias.asname or alias.name, dotted)
                else:
                    other.add(alias.asname or alias.name)
    bound = _bound_names(tree, imports=False) | other
    return {
        name: module
        for name, module in aliases.items()
        if name not in bound and module in IMPORTABLE  # `import builtins as torch` is refused
    }


class _Vetter:
    """The per-node checks, with what a node's parent allowed it (`super()`,
    `@staticmethod`, a method named `__init__`)."""

    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self._bound: frozenset[str] | None = None  # read only when a program needs it
        self._aliases: dict[str, str] | None = None
        self.exempt: set[int] = set()  # ids of nodes a parent already vetted
        self.methods: set[int] = set()  # ids of `def`s directly in a class body

    def check(self, node: ast.AST) -> None:
        kind = type(node)
        if kind not in ALLOWED_NODES:
            what = CONSTRUCT_NAMES.get(kind, kind.__name__)
            raise NotAllowed(f"{what} is not supported in the playground.", *_where(node))
        check = _NODE_CHECKS.get(kind)
        if check is not None and id(node) not in self.exempt:
            check(self, node)

    def name(self, node: ast.Name) -> None:
        name = node.id
        refused = name in ESCAPE_NAMES or name.startswith("__")
        if name in UNAVAILABLE_BUILTINS:
            if self._bound is None:
                self._bound = _bound_names(self.tree)
            refused = refused or name not in self._bound
        if refused:
            raise NotAllowed(
                f"`{name}` is not available in the playground.", *_where(node), hint=_NAME_HINT
            )

    def attribute(self, node: ast.Attribute) -> None:
        if node.attr in SPECIAL_METHODS and _is_super_call(node.value):
            return  # `super().__init__(...)`: a base class's special method
        if node.attr.startswith("_"):
            raise NotAllowed(
                f"Attribute `{node.attr}` is not allowed: names starting with `_` are private.",
                *_where(node),
            )
        module = self._module_of(node.value)
        if module is not None and node.attr not in module_members()[module]:
            raise NotAllowed(
                f"`{module}.{node.attr}` is not available in the playground.",
                *_where(node),
                hint="See the list of supported functions under 'What can I type?'.",
            )

    def _module_of(self, node: ast.expr) -> str | None:
        """The module `node` names for sure (`torch`, `nn` after `import torch.nn as
        nn`, `torch.nn`), so `torch.save` is refused before anything runs, in source
        order with the other refusals; None when it may be anything else."""
        if isinstance(node, ast.Attribute):
            parent = self._module_of(node.value)
            dotted = None if parent is None else f"{parent}.{node.attr}"
            return dotted if dotted in module_members() else None
        if not isinstance(node, ast.Name):
            return None
        if self._aliases is None:
            self._aliases = _module_aliases(self.tree)
        return self._aliases.get(node.id)

    def import_(self, node: ast.Import) -> None:
        for alias in node.names:
            _check_module(alias.name, node)
            if alias.asname:
                _check_binding_name(alias.asname, node)

    def import_from(self, node: ast.ImportFrom) -> None:
        if node.level:
            raise NotAllowed("Relative imports are not available.", *_where(node))
        _check_module(node.module or "", node)
        for alias in node.names:
            if alias.name == "*":
                raise NotAllowed(
                    f"`from {node.module} import *` is not supported: name what you import.",
                    *_where(node),
                )
            _check_binding_name(alias.name, node)
            _check_binding_name(alias.asname or alias.name, node)

    def function(self, node: ast.FunctionDef) -> None:
        in_class = id(node) in self.methods
        if len(node.decorator_list) > 1:
            raise NotAllowed("Only one decorator per function is supported.", *_where(node))
        for decorator in node.decorator_list:
            if in_class and isinstance(decorator, ast.Name) and decorator.id == "staticmethod":
                self.exempt.add(id(decorator))
            elif in_class or not _is_grad_mode_call(decorator):
                raise NotAllowed(
                    "Decorators are not supported (only `@staticmethod` in a class, and "
                    "`@torch.no_grad()` or `@torch.enable_grad()` on a function).",
                    *_where(node),
                )
        if in_class and node.name in SPECIAL_METHODS:
            return
        _check_binding_name(node.name, node, in_class)

    def arguments(self, node: ast.arguments) -> None:
        if node.posonlyargs:
            raise NotAllowed("Positional-only parameters (`/`) are not supported.")
        params = [*node.args, *node.kwonlyargs, *filter(None, (node.vararg, node.kwarg))]
        names = [a.arg for a in params]
        for arg in params:
            _check_binding_name(arg.arg, arg)
        repeated = next((n for i, n in enumerate(names) if n in names[:i]), None)
        if repeated is not None:
            raise NotAllowed(f"The parameter `{repeated}` appears twice.")

    def call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Name) and node.func.id == "super":
            if (
                node.keywords
                or len(node.args) not in (0, 2)
                or any(isinstance(a, ast.Starred) for a in node.args)
            ):
                raise NotAllowed("Use `super()` or `super(Class, self)`.", *_where(node))
            self.exempt.add(id(node.func))

    def class_def(self, node: ast.ClassDef) -> None:
        _check_binding_name(node.name, node)
        if node.decorator_list or node.keywords:
            raise NotAllowed("Class decorators and `metaclass=` are not supported.", *_where(node))
        if len(node.bases) > 1 or any(isinstance(b, ast.Starred) for b in node.bases):
            raise NotAllowed("A class may inherit from one class only.", *_where(node))
        for stmt in node.body:
            if not isinstance(stmt, _CLASS_BODY):
                raise NotAllowed(
                    "A class body may hold methods, attributes and a docstring only.",
                    *_where(stmt),
                )
            if isinstance(stmt, ast.FunctionDef):
                self.methods.add(id(stmt))
                if stmt.name.startswith("__") and stmt.name not in SPECIAL_METHODS:
                    raise NotAllowed(
                        f"The method `{stmt.name}` is not supported; a class may define "
                        + ", ".join(f"`{m}`" for m in sorted(SPECIAL_METHODS))
                        + ".",
                        *_where(stmt),
                    )

    def handler(self, node: ast.ExceptHandler) -> None:
        if node.name is not None:
            _check_binding_name(node.name, node)

    def scope_names(self, node: ast.Global | ast.Nonlocal) -> None:
        for name in node.names:
            _check_binding_name(name, node)

    def constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, bytes | complex):
            what = "bytes literals" if isinstance(node.value, bytes) else "complex numbers"
            raise NotAllowed(f"{what} are not supported.", *_where(node))


def _is_super_call(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"
    )


def _check_module(name: str, node: ast.AST) -> None:
    """Only the modules of `modules.IMPORTABLE` can be imported."""
    if name not in IMPORTABLE:
        raise NotAllowed(
            f"`import {name}` is not allowed: the module `{name}` is not available in the "
            "playground.",
            *_where(node),
            hint="Available: " + ", ".join(f"`{m}`" for m in sorted(IMPORTABLE)) + ".",
        )


def _check_binding_name(name: str, node: ast.AST, method: bool = False) -> None:
    if name.startswith("__") or name in ESCAPE_NAMES:
        raise NotAllowed(f"The name `{name}` cannot be used.", *_where(node))
    if method and name.startswith("_"):
        raise NotAllowed(f"The method name `{name}` cannot start with `_`.", *_where(node))


_NODE_CHECKS = {
    ast.Name: _Vetter.name,
    ast.Attribute: _Vetter.attribute,
    ast.Import: _Vetter.import_,
    ast.ImportFrom: _Vetter.import_from,
    ast.FunctionDef: _Vetter.function,
    ast.arguments: _Vetter.arguments,
    ast.Call: _Vetter.call,
    ast.ClassDef: _Vetter.class_def,
    ast.ExceptHandler: _Vetter.handler,
    ast.Global: _Vetter.scope_names,
    ast.Nonlocal: _Vetter.scope_names,
    ast.Constant: _Vetter.constant,
}


def _is_grad_mode_call(node: ast.expr) -> bool:
    """`torch.no_grad()` or `torch.enable_grad()`, the decorators a tutorial puts on
    its `evaluate` function (checked again when it runs: `torch` may be rebound)."""
    return (
        isinstance(node, ast.Call)
        and not node.args
        and not node.keywords
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("no_grad", "enable_grad")
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "torch"
    )
