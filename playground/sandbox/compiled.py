"""Compile once, run many: each node of a vetted program becomes a Python closure.

Why: a tree walker decides on every visit what a node is (a handler looked up by
its type's name) and reads the same fields again; the body of a training loop is
visited hundreds of times. Here that is decided once per run: `compile_node` turns
a node into a closure `code(interp)` that holds its children's closures, so a
visit is one call per node. The semantics stay in one place: a closure does what
the interpreter's handler for that node does, and calls the same operator, budget
and tracer functions, so every check is kept. Node kinds that are rare in a
training loop keep a closure that calls the interpreter's handler (`_e_X`/`_s_X`).

The closures hold no run state (they take the interpreter as their argument), so a
compiled tree could be shared; each run compiles its own tree (the parse is per
run too).
"""

from __future__ import annotations

import ast
from collections.abc import Callable

import torch

from .core.errors import BudgetExceeded, NotAllowed, PlaygroundError, ProgramError
from .core.explain import describe_exception, hint_for
from .python.pyexceptions import from_python
from .python.scopes import unbound_free, unbound_local
from .tensors import operators
from .tensors.tensor_api import METHODS, call_method

Code = Callable[[object], object]  # takes the `Interpreter`
Handler = Callable[[object, ast.AST], object]  # an unbound `_e_X`/`_s_X` method

# Exceptions from PyTorch or Python that mean "this program is wrong", as opposed
# to a bug in the interpreter, which must surface in our own tests.
PROGRAM_FAULTS = (
    RuntimeError, TypeError, ValueError, LookupError, ArithmeticError,
    AttributeError, NotImplementedError,
)  # fmt: skip


def program_error(exc: BaseException, node: ast.AST) -> ProgramError:
    """A Python or PyTorch exception raised by the program, told as the page tells it."""
    message = describe_exception(exc)
    error = from_python(exc, message, hint_for(message))
    return error.at(getattr(node, "lineno", None), getattr(node, "col_offset", None))


def statement(stmt: ast.stmt, body: Handler) -> Code:
    """Run `body(interp, stmt)` as a statement: its line is the one being run (for a
    crash report), the clock is checked first, and any error is placed on it."""
    line, col = stmt.lineno, stmt.col_offset

    def run(interp) -> object:
        ctx = interp.ctx
        ctx.line.value = line
        try:
            ctx.tick()  # inside the `try`: running out of time names this line
            return body(interp, stmt)
        except PlaygroundError as exc:
            raise exc.at(line, col) from None
        except RecursionError:
            raise BudgetExceeded("Functions call each other too deeply.", line) from None
        except MemoryError:
            raise BudgetExceeded("The program ran out of memory.", line) from None
        except PROGRAM_FAULTS as exc:
            raise program_error(exc, stmt) from None

    return run


def expression(node: ast.expr, body: Handler) -> Code:
    """Evaluate `body(interp, node)`, placing any error it raises on `node`."""
    line, col = node.lineno, node.col_offset

    def run(interp) -> object:
        try:
            return body(interp, node)
        except PlaygroundError as exc:
            raise exc.at(line, col) from None
        except (RecursionError, MemoryError):
            raise
        except PROGRAM_FAULTS as exc:
            raise program_error(exc, node) from None

    return run


def compile_node(node: ast.AST, code_of: Callable[[ast.AST], Code], handler: Handler) -> Code:
    """The closure for `node`; `code_of` compiles its children, `handler` is the
    interpreter's method for this node kind (used where no closure is written here)."""
    special = _SPECIAL.get(type(node))
    code = None if special is None else special(node, code_of)
    if code is not None:
        return code
    if isinstance(node, ast.stmt):
        return statement(node, handler)
    return expression(node, handler)


def _constant(node: ast.Constant, code_of) -> Code:
    value = node.value
    return lambda interp: value


def _name(node: ast.Name, code_of) -> Code | None:
    """The handler's lookup (locals, enclosing scopes, globals, built-ins) inline;
    a name found nowhere goes to the handler for its error."""
    if not isinstance(node.ctx, ast.Load):
        return None
    name, line, col = node.id, node.lineno, node.col_offset
    missing = expression(node, lambda interp, node: interp._e_Name(node))

    def run(interp) -> object:
        locals_ = interp.locals
        if locals_ is not None:
            if name in locals_:
                return locals_[name]
            if node in interp.own_names:  # a local of the function, not assigned yet
                raise unbound_local(name).at(line, col)
            if node not in interp.global_names:  # `global name`: the program's, below
                for scope in interp.outer:
                    if name in scope:
                        return scope[name]
                if node in interp.free_names:  # an enclosing function's, not assigned yet
                    raise unbound_free(name).at(line, col)
        if name in interp.globals:
            return interp.globals[name]
        if name in interp.builtins:
            return interp.builtins[name]
        return missing(interp)

    return run


def _binary(node: ast.BinOp, code_of) -> Code | None:
    if isinstance(node.op, ast.Mod):
        return None  # `"%d" % n` formats strings: the handler knows
    left, right, op = code_of(node.left), code_of(node.right), node.op
    return expression(
        node, lambda interp, node: operators.binary(interp.ctx, op, left(interp), right(interp))
    )


def _attribute(node: ast.Attribute, code_of) -> Code | None:
    if not isinstance(node.ctx, ast.Load):
        return None
    value = code_of(node.value)
    return expression(node, lambda interp, node: interp._attribute_of(node, value(interp)))


def _call(node: ast.Call, code_of) -> Code | None:
    """A call with plain arguments and `name=value` keywords (the rest: the handler).

    `obj.method(...)` on a tensor calls the method without making a bound method
    first: the same `call_method` and counting `Interpreter.call` does for one.
    """
    func = node.func
    spread = any(isinstance(a, ast.Starred) for a in node.args)
    if spread or any(k.arg is None for k in node.keywords):
        return None
    if isinstance(func, ast.Name) and func.id == "super":
        return None
    args = [code_of(a) for a in node.args]
    keywords = [(k.arg, code_of(k.value)) for k in node.keywords]
    if not isinstance(func, ast.Attribute):
        callee = code_of(func)

        def call(interp, node) -> object:
            fn = callee(interp)
            values = [a(interp) for a in args]
            return interp.call(fn, values, {k: v(interp) for k, v in keywords})

        return expression(node, call)
    target, name = code_of(func.value), func.attr

    def method(interp, node) -> object:
        obj = target(interp)
        tensor = isinstance(obj, torch.Tensor) and name in METHODS
        fn = None if tensor else interp._attribute_of(func, obj)
        values = [a(interp) for a in args]
        kwargs = {k: v(interp) for k, v in keywords}
        if not tensor:
            return interp.call(fn, values, kwargs)
        interp.ctx.tick()
        result = call_method(interp.ctx, obj, name, values, kwargs)
        interp._count(result, (obj, *values), name)
        return result

    return expression(node, method)


def _assign(stmt: ast.Assign, code_of) -> Code | None:
    """`name = value`, the common assignment; other targets through the handler."""
    if len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Name):
        return None
    value, name = code_of(stmt.value), stmt.targets[0].id
    return statement(stmt, lambda interp, stmt: interp._store(name, value(interp)))


def _return(stmt: ast.Return, code_of) -> Code | None:
    if stmt.value is None:
        return None
    value = code_of(stmt.value)

    def body(interp, stmt) -> None:
        raise interp.returning(stmt, value(interp))

    return statement(stmt, body)


def function_body(node: ast.FunctionDef, code_of) -> tuple[list[Code], Code | None]:
    """A function's statements, and its closing `return value` as a closure that gives
    the value back instead of raising the jump a `return` is (an exception per call
    is a measurable share of a small model's forward pass)."""
    body = node.body
    last = body[-1]
    if not isinstance(last, ast.Return) or last.value is None:
        return [code_of(s) for s in body], None
    value = code_of(last.value)
    return [code_of(s) for s in body[:-1]], statement(last, lambda interp, stmt: value(interp))


def _expr(stmt: ast.Expr, code_of) -> Code:
    value = code_of(stmt.value)
    return statement(stmt, lambda interp, stmt: interp.expression_value(value(interp)))


_SPECIAL: dict[type, Callable[[ast.AST, Callable], Code | None]] = {
    ast.Constant: _constant,
    ast.Name: _name,
    ast.BinOp: _binary,
    ast.Attribute: _attribute,
    ast.Call: _call,
    ast.Assign: _assign,
    ast.Return: _return,
    ast.Expr: _expr,
}


def refuse_kind(interp, node: ast.AST) -> object:
    """The handler of a node kind the interpreter does not run (vetting refuses these
    first; this keeps a gap from ever running anything)."""
    raise NotAllowed(f"`{type(node).__name__}` is not supported here.")
