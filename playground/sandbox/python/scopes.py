"""Which names are a function's own, decided before the program runs, as Python does.

Python decides at compile time that a name assigned anywhere in a function (not
declared `global` or `nonlocal`) is local to all of it: `count = count + 1` in a
function reads the local `count` and fails with UnboundLocalError, even when the
program has a global `count`. The interpreter looks names up at run time, so
without this it would read the global and teach the opposite of Python.

`name_scopes(module)` finds, for every `def`, the name nodes in the function's own
scope (not in nested functions, lambdas, classes or comprehensions, which have
scopes of their own) that refer to one of its locals: reading such a node when the
name is not bound yet is the error. In the same walk it finds the reads, in nested
scopes, of an enclosing function's locals (read before that function assigns them,
Python's NameError, never the program's global of the same name) and of names
declared `global` (the program's, never an enclosing function's local).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..core.errors import ProgramError

_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def name_scopes(module: ast.Module) -> tuple[set[ast.Name], set[ast.Name], set[ast.Name]]:
    """The name nodes whose scope Python decides at compile time, in one walk over the
    program's scopes: a function's own locals (read before assigned: UnboundLocalError),
    an enclosing function's locals read from a nested function, lambda, comprehension
    or class body (read before assigned: NameError, never the program's global of that
    name), and names declared `global` (the program's, never an enclosing local)."""
    own: set[ast.Name] = set()
    free: set[ast.Name] = set()
    declared_global: set[ast.Name] = set()
    # A stack, not a recursive inner function: that would be a reference cycle (the
    # function and its own cell) left for the collector after every run.
    stack: list[tuple[ast.AST, tuple[tuple[set[str], set[str], bool], ...]]] = [(module, ())]
    while stack:
        scope, enclosing = stack.pop()
        nodes = list(_own_scope(_inside(scope)))
        is_function = isinstance(scope, ast.FunctionDef)
        globals_ = _declared(nodes, ast.Global) if is_function else set()
        local = _scope_names(scope, nodes) - (_declared(nodes) if is_function else set())
        for node in nodes:
            if not isinstance(node, ast.Name):
                continue
            if node.id in local:
                if is_function:
                    own.add(node)
                continue
            where = "global" if node.id in globals_ else _resolve(node.id, enclosing)
            if where == "free":
                free.add(node)
            elif where == "global":
                declared_global.add(node)
        if not isinstance(scope, ast.Module | ast.ClassDef):  # a class body is no closure's
            enclosing = ((local, globals_, is_function), *enclosing)
        stack.extend(
            (node, enclosing) for node in nodes if node is not scope and isinstance(node, _SCOPES)
        )
    return own, free, declared_global


def unbound_free(name: str) -> ProgramError:
    """Python's error for reading an enclosing function's local before it is assigned."""
    return ProgramError(
        f"NameError: cannot access free variable '{name}' where it is not associated "
        "with a value in enclosing scope",
        hint=(
            f"`{name}` belongs to the enclosing function, which has not assigned it yet "
            "when this line runs. Assign it before calling this."
        ),
        python_type="NameError",
    )


def unbound_local(name: str) -> ProgramError:
    """Python's error for reading a local before it is assigned, with what to do."""
    return ProgramError(
        f"UnboundLocalError: cannot access local variable '{name}' where it is not "
        "associated with a value",
        hint=(
            f"`{name}` is assigned somewhere in this function, so Python treats it as the "
            f"function's own name everywhere in it. Assign it before this line, pass it "
            f"in as an argument, or write `global {name}` to use the program's."
        ),
        python_type="UnboundLocalError",
    )


def _own_scope(body: list[ast.stmt]) -> Iterator[ast.AST]:
    """Every node evaluated in the function's own scope (nested scopes' insides left out;
    their defaults, decorators, bases and first iterable are evaluated here)."""
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.FunctionDef | ast.Lambda):
            stack.extend(node.args.defaults)
            stack.extend(d for d in node.args.kw_defaults if d is not None)
            stack.extend(getattr(node, "decorator_list", []))
        elif isinstance(node, ast.ClassDef):
            stack.extend(node.bases)
            stack.extend(k.value for k in node.keywords)
            stack.extend(node.decorator_list)
        elif isinstance(node, _COMPREHENSIONS):
            stack.append(node.generators[0].iter)
        else:
            stack.extend(ast.iter_child_nodes(node))


_SCOPES = (ast.FunctionDef, ast.Lambda, ast.ClassDef, *_COMPREHENSIONS)


def _inside(scope: ast.AST) -> list[ast.AST]:
    """The parts of a scope evaluated in it (a comprehension's first iterable is not)."""
    if isinstance(scope, ast.Lambda):
        return [scope.body]
    if isinstance(scope, _COMPREHENSIONS):
        parts: list[ast.AST] = (
            [scope.key, scope.value] if isinstance(scope, ast.DictComp) else [scope.elt]
        )
        for index, generator in enumerate(scope.generators):
            parts += [generator.target, *generator.ifs]
            if index:
                parts.append(generator.iter)
        return parts
    return list(scope.body)  # type: ignore[attr-defined]  (module, function, class)


def _scope_names(scope: ast.AST, nodes: list[ast.AST]) -> set[str]:
    """The names a scope binds (a lambda: its parameters; a comprehension: its
    targets; a function or class body: whatever it assigns)."""
    if isinstance(scope, ast.FunctionDef):
        return _bound(scope, nodes)
    if isinstance(scope, ast.Lambda):
        return _bound(scope, [])
    return _bound(None, nodes)


def _resolve(name: str, enclosing: tuple[tuple[set[str], set[str], bool], ...]) -> str:
    """Where the nearest enclosing scope that knows `name` puts it: "free" for a
    function's local, "global" for a `global` statement, "" otherwise (a lambda's
    parameters and a comprehension's targets are bound whenever their body runs)."""
    for names, globals_, is_function in enclosing:
        if name in names:
            return "free" if is_function else ""
        if name in globals_:
            return "global"
    return ""


def _bound(function: ast.FunctionDef | ast.Lambda | None, nodes: list[ast.AST]) -> set[str]:
    """The names the function binds: its parameters and whatever its body assigns."""
    bound: set[str] = set()
    if function is not None:
        spec = function.args
        params = [*spec.posonlyargs, *spec.args, *spec.kwonlyargs, spec.vararg, spec.kwarg]
        bound = {p.arg for p in params if p is not None}
    for node in nodes:
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return bound


def _declared(nodes: list[ast.AST], kind: type | tuple = (ast.Global, ast.Nonlocal)) -> set[str]:
    """The names the function declares `global` or `nonlocal` (or `kind` only)."""
    return {name for node in nodes if isinstance(node, kind) for name in node.names}
