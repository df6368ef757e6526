"""A tree-walking interpreter for the allow-listed subset of Python.

User code is never handed to `eval`/`exec`: each AST node is carried out here,
calling real PyTorch on the program's behalf, so every value the program can
touch is one we gave it.
"""

from __future__ import annotations

import ast
import re

import numpy as np
import torch

from . import operators
from .context import RunContext
from .errors import BudgetExceeded, NotAllowed, PlaygroundError, ProgramError, UnknownName
from .explain import describe_exception, hint_for
from .limits import check_length
from .python_api import make_builtins
from .shapes import check_index, index_list
from .tensor_api import METHODS, call_method, get_attribute, set_attribute
from .text import array_text, to_repr, to_text
from .torch_api import CREATORS, refuse_member
from .trace import grad_fn_of
from .values import (
    BoundMethod,
    Builtin,
    Closure,
    Namespace,
    NoGrad,
    SandboxObject,
    type_name,
)  # fmt: skip

Scope = dict[str, object]

# Exceptions from PyTorch or Python that mean "this program is wrong", as opposed
# to a bug in the interpreter, which must surface in our own tests.
PROGRAM_FAULTS = (
    RuntimeError, TypeError, ValueError, LookupError, ArithmeticError,
    AttributeError, NotImplementedError,
)  # fmt: skip
_SPEC_NUMBER = re.compile(r"\d+")


class _Jump(Exception):
    """`return`, `break`, `continue`: they remember where they were written."""

    def __init__(self, stmt: ast.stmt) -> None:
        self.line, self.col = stmt.lineno, stmt.col_offset

    def misplaced(self, message: str) -> NotAllowed:
        return NotAllowed(message, self.line, self.col)


class _Return(_Jump):
    def __init__(self, stmt: ast.stmt, value: object) -> None:
        super().__init__(stmt)
        self.value = value


class _Break(_Jump):
    pass


class _Continue(_Jump):
    pass


class Interpreter:
    """Runs a vetted module in `globals`, counting everything against `ctx`."""

    def __init__(self, ctx: RunContext, globals_: Scope) -> None:
        self.ctx = ctx
        self.globals = globals_
        self.builtins = make_builtins()
        self.locals: Scope | None = None
        self.outer: Scope | None = None

    # -- statements ---------------------------------------------------------

    def run(self, module: ast.Module) -> None:
        """Execute the program's top-level statements in order."""
        try:
            self._block(module.body)
        except (_Break, _Continue) as jump:
            raise jump.misplaced("`break`/`continue` outside a loop.") from None
        except _Return as jump:
            raise jump.misplaced("`return` outside a function.") from None

    def _block(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            self._stmt(stmt)

    def _stmt(self, stmt: ast.stmt) -> None:
        self.ctx.line.value = stmt.lineno
        try:
            self.ctx.tick()  # inside the `try`: running out of time names this line
            getattr(self, "_s_" + type(stmt).__name__)(stmt)
        except PlaygroundError as exc:
            raise exc.at(stmt.lineno, stmt.col_offset) from None
        except RecursionError:
            raise BudgetExceeded("Functions call each other too deeply.", stmt.lineno) from None
        except MemoryError:
            raise BudgetExceeded("The program ran out of memory.", stmt.lineno) from None
        except PROGRAM_FAULTS as exc:
            raise _program_error(exc, stmt) from None

    def _s_Expr(self, stmt: ast.Expr) -> None:
        self._eval(stmt.value)

    def _s_Pass(self, stmt: ast.Pass) -> None:
        pass

    def _s_Import(self, stmt: ast.Import) -> None:
        pass  # vetted already; torch and np are always bound

    def _s_Break(self, stmt: ast.Break) -> None:
        raise _Break(stmt)

    def _s_Continue(self, stmt: ast.Continue) -> None:
        raise _Continue(stmt)

    def _s_Return(self, stmt: ast.Return) -> None:
        raise _Return(stmt, None if stmt.value is None else self._eval(stmt.value))

    def _s_Assign(self, stmt: ast.Assign) -> None:
        value = self._eval(stmt.value)
        for target in stmt.targets:
            self._assign(target, value)

    def _s_AugAssign(self, stmt: ast.AugAssign) -> None:
        target = stmt.target
        current = self._eval(_as_load(target))
        value = operators.binary(self.ctx, stmt.op, current, self._eval(stmt.value), inplace=True)
        if not (value is current and isinstance(target, ast.Attribute | ast.Subscript)):
            self._assign(target, value)

    def _s_If(self, stmt: ast.If) -> None:
        branch = stmt.body if operators.truth(self._eval(stmt.test)) else stmt.orelse
        self._block(branch)

    def _s_While(self, stmt: ast.While) -> None:
        while operators.truth(self._eval(stmt.test)):
            self.ctx.count_iteration()
            if self._loop_body(stmt.body):
                return
        self._block(stmt.orelse)

    def _s_For(self, stmt: ast.For) -> None:
        iterable = self._eval(stmt.iter)
        if not isinstance(iterable, range | list | tuple | str | torch.Tensor):
            raise ProgramError(f"Cannot loop over {type_name(iterable)}.")
        last = len(iterable) - 1
        for index, item in enumerate(iterable):
            self.ctx.count_iteration()
            if isinstance(iterable, torch.Tensor):
                self.ctx.count_elements(item)
                self.ctx.tracer.record(item, (iterable,))
            self._assign(stmt.target, item)
            # Only the last iteration's backward() can be the one the page steps through.
            self.ctx.final_iteration.append(index == last)
            try:
                if self._loop_body(stmt.body):
                    return
            finally:
                self.ctx.final_iteration.pop()
        self._block(stmt.orelse)

    def _loop_body(self, body: list[ast.stmt]) -> bool:
        """Run one iteration; True when the loop must stop (break)."""
        try:
            self._block(body)
        except _Break:
            return True
        except _Continue:
            pass
        return False

    def _s_With(self, stmt: ast.With) -> None:
        if len(stmt.items) != 1 or stmt.items[0].optional_vars is not None:
            raise NotAllowed("Only `with torch.no_grad():` is supported.")
        if not isinstance(self._eval(stmt.items[0].context_expr), NoGrad):
            raise NotAllowed("Only `with torch.no_grad():` is supported.")
        with torch.no_grad():
            self._block(stmt.body)

    def _s_FunctionDef(self, stmt: ast.FunctionDef) -> None:
        defaults = [self._eval(d) for d in stmt.args.defaults]
        self._store(stmt.name, Closure(stmt, defaults, self.locals))

    # -- assignment ---------------------------------------------------------

    def _assign(self, target: ast.expr, value: object) -> None:
        if isinstance(target, ast.Name):
            self._store(target.id, value)
        elif isinstance(target, ast.Tuple | ast.List):
            self._unpack(target, value)
        elif isinstance(target, ast.Attribute):
            obj = self._eval(target.value)
            if isinstance(obj, SandboxObject):
                obj.set_attribute(self, target.attr, value)
                return
            if not isinstance(obj, torch.Tensor):
                raise NotAllowed(f"Cannot set attributes on {type_name(obj)}.")
            set_attribute(obj, target.attr, value)
        elif isinstance(target, ast.Subscript):
            self._set_item(target, value)
        else:
            raise NotAllowed("Cannot assign to this expression.")

    def _unpack(self, target: ast.Tuple | ast.List, value: object) -> None:
        if not isinstance(value, list | tuple | torch.Tensor):
            raise ProgramError(f"Cannot unpack {type_name(value)}.")
        if len(value) != len(target.elts):
            raise ProgramError(f"Expected {len(target.elts)} values to unpack, got {len(value)}.")
        for element, item in zip(target.elts, value, strict=True):
            if isinstance(value, torch.Tensor):
                self.ctx.count_elements(item)
                self.ctx.tracer.record(item, (value,))
            self._assign(element, item)

    def _set_item(self, target: ast.Subscript, value: object) -> None:
        container = self._eval(target.value)
        index = self._index(target.slice)
        if isinstance(container, torch.Tensor):
            if not isinstance(value, torch.Tensor | bool | int | float):
                raise ProgramError("A tensor element can only be set to a number or tensor.")
            check_index(self.ctx.budgets, container, index)
            container[index] = value
            self.ctx.count_op(container)
            self.ctx.tracer.record(container, (value,))
        elif isinstance(container, list):
            if not isinstance(index, int | slice):
                raise ProgramError("List indices must be whole numbers or slices.")
            container[index] = value
        else:
            raise ProgramError(f"Cannot assign into {type_name(container)}.")

    def _store(self, name: str, value: object) -> None:
        scope = self.globals if self.locals is None else self.locals
        if self.locals is None and name in self.ctx.overrides and _is_leaf(value):
            value = self.ctx.overrides.pop(name).detach().clone().requires_grad_(True)
        scope[name] = value
        if isinstance(value, torch.Tensor) and grad_fn_of(value) is not None:
            self.ctx.tracer.name(value, name)
            if self.locals is None:
                self.ctx.last_graph_tensor = value

    # -- expressions --------------------------------------------------------

    def _eval(self, node: ast.expr) -> object:
        try:
            return getattr(self, "_e_" + type(node).__name__)(node)
        except PlaygroundError as exc:
            raise exc.at(node.lineno, node.col_offset) from None
        except (RecursionError, MemoryError):
            raise
        except PROGRAM_FAULTS as exc:
            raise _program_error(exc, node) from None

    def _e_Constant(self, node: ast.Constant) -> object:
        return node.value

    def _e_Name(self, node: ast.Name) -> object:
        for scope in (self.locals, self.outer, self.globals, self.builtins):
            if scope is not None and node.id in scope:
                return scope[node.id]
        raise UnknownName(
            f"Name `{node.id}` is not defined.",
            hint="Assign it first, or check the spelling.",
        )

    def _e_List(self, node: ast.List) -> list:
        return [self._eval(e) for e in node.elts]

    def _e_Tuple(self, node: ast.Tuple) -> tuple:
        return tuple(self._eval(e) for e in node.elts)

    def _e_BinOp(self, node: ast.BinOp) -> object:
        left = self._eval(node.left)
        right = self._eval(node.right)
        return operators.binary(self.ctx, node.op, left, right)

    def _e_UnaryOp(self, node: ast.UnaryOp) -> object:
        return operators.unary(self.ctx, node.op, self._eval(node.operand))

    def _e_BoolOp(self, node: ast.BoolOp) -> object:
        value: object = None
        for operand in node.values:
            value = self._eval(operand)
            if operators.truth(value) == isinstance(node.op, ast.Or):
                return value
        return value

    def _e_Compare(self, node: ast.Compare) -> object:
        left = self._eval(node.left)
        result: object = True
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self._eval(comparator)
            result = operators.compare(self.ctx, op, left, right)
            if len(node.ops) > 1 and not operators.truth(result):
                return result
            left = right
        return result

    def _e_IfExp(self, node: ast.IfExp) -> object:
        chosen = node.body if operators.truth(self._eval(node.test)) else node.orelse
        return self._eval(chosen)

    def _e_Attribute(self, node: ast.Attribute) -> object:
        obj = self._eval(node.value)
        if isinstance(obj, Namespace):
            if node.attr not in obj.members:
                raise refuse_member(obj, node.attr)
            return obj.members[node.attr]
        if isinstance(obj, torch.Tensor):
            if node.attr in METHODS:
                return BoundMethod(obj, node.attr)
            value = get_attribute(obj, node.attr)
            self.ctx.count_elements(value)  # `.T`, `.data`, `.grad`: new tensor objects
            self.ctx.tracer.record(value, (obj,))  # `.T` is an autograd op
            return value
        if isinstance(obj, SandboxObject):
            return obj.get_attribute(self, node.attr)
        raise NotAllowed(f"Attribute `.{node.attr}` of {type_name(obj)} is not available.")

    def _e_Subscript(self, node: ast.Subscript) -> object:
        container = self._eval(node.value)
        index = self._index(node.slice)
        if isinstance(container, torch.Tensor):
            check_index(self.ctx.budgets, container, index)
            result = container[index]
            self.ctx.count_op(result)
            self.ctx.tracer.record(result, (container,))
            return result
        if isinstance(container, list | tuple | str | range | torch.Size):
            if not isinstance(index, int | slice):
                raise ProgramError("Sequence indices must be whole numbers or slices.")
            result = container[index]
            if isinstance(index, slice) and not isinstance(result, range):
                # A slice is a new list or string.
                self.ctx.count_items(len(result), references=not isinstance(result, str))
            return result
        raise ProgramError(f"{type_name(container)} cannot be indexed.")

    def _index(self, node: ast.expr) -> object:
        """Indices: ints, slices, None, `...`, index or mask tensors, lists of ints or bools."""
        if isinstance(node, ast.Slice):
            parts = [
                None if p is None else self._eval(p) for p in (node.lower, node.upper, node.step)
            ]
            if not all(
                p is None or (isinstance(p, int) and not isinstance(p, bool)) for p in parts
            ):
                raise ProgramError("Slice bounds must be whole numbers.")
            return slice(*parts)
        if isinstance(node, ast.Tuple):
            return tuple(self._index(e) for e in node.elts)
        value = self._eval(node)
        if (
            value is None
            or value is Ellipsis
            or (isinstance(value, int) and not isinstance(value, bool))
            or isinstance(value, torch.Tensor)
        ):
            return value
        if isinstance(value, list) and index_list(value):
            return value
        raise ProgramError(
            "Indices must be whole numbers, slices, None, lists of whole numbers, "
            f"index tensors or boolean masks, not {type_name(value)}."
        )

    def _e_Slice(self, node: ast.Slice) -> object:
        return self._index(node)

    def _e_JoinedStr(self, node: ast.JoinedStr) -> str:
        parts: list[str] = []
        size = 0
        for part in node.values:
            parts.append(str(self._eval(part)))
            size += len(parts[-1])
            if size > self.ctx.budgets.sequence_length:
                check_length(" " * size, self.ctx.budgets)  # raises the budget error
        self.ctx.count_items(size)
        return "".join(parts)

    def _e_FormattedValue(self, node: ast.FormattedValue) -> str:
        value = self._eval(node.value)
        spec = "" if node.format_spec is None else str(self._eval(node.format_spec))
        if any(int(n) > 100 for n in _SPEC_NUMBER.findall(spec)):
            raise BudgetExceeded("Format widths and precisions above 100 are not allowed.")
        if node.conversion == ord("r"):
            value = to_repr(value)
        elif node.conversion in (ord("s"), ord("a")) or isinstance(value, list | tuple):
            value = to_text(value)
        elif not spec and isinstance(value, torch.Tensor | np.ndarray) and value.ndim:
            value = array_text(value)  # what `format` would do, summarised
        if not isinstance(value, bool | int | float | str | type(None) | torch.Tensor):
            value = to_text(value)
        return format(value, spec)

    # -- calls ----------------------------------------------------------------

    def _e_Call(self, node: ast.Call) -> object:
        fn = self._eval(node.func)
        args = [self._eval(a) for a in node.args]
        kwargs = {kw.arg: self._eval(kw.value) for kw in node.keywords}
        return self.call(fn, args, kwargs)

    def call(self, fn: object, args: list, kwargs: dict) -> object:
        """Call any callable value of a program (also used by `SandboxObject`s)."""
        self.ctx.tick()
        if isinstance(fn, Builtin):
            return self._call_builtin(fn, args, kwargs)
        if isinstance(fn, BoundMethod):
            result = call_method(self.ctx, fn.target, fn.name, args, kwargs)
            self._count(result, (fn.target, *args), fn.name)
            return result
        if isinstance(fn, Closure):
            return self._call_closure(fn, args, kwargs)
        if isinstance(fn, SandboxObject):
            return fn.call(self, args, kwargs)
        raise ProgramError(f"{type_name(fn)} is not callable.")

    def _call_builtin(self, fn: Builtin, args: list, kwargs: dict) -> object:
        unknown = set(kwargs) - fn.keywords
        if unknown:
            raise ProgramError(f"{fn.name}() does not accept `{sorted(unknown)[0]}=` here.")
        result = fn.fn(self.ctx, args, kwargs)
        if self.ctx.float64 and fn.name in CREATORS:
            result = _to_double(result)
        if fn.name.startswith("torch.") or isinstance(result, torch.Tensor):
            self._count(result, tuple(args), fn.name)
        return result

    def _count(self, result: object, operands: tuple, name: str) -> None:
        if isinstance(result, torch.Tensor):
            self.ctx.count_op(result)
            kept = tuple(o for o in operands if isinstance(o, torch.Tensor))
            if name.endswith("pow"):
                kept = operands
            self.ctx.tracer.record(result, kept)
        elif isinstance(result, tuple | list) and result and isinstance(result[0], torch.Tensor):
            # split, chunk, max(dim=...), autograd.grad: each piece is a tensor of the run
            kept = tuple(o for o in operands if isinstance(o, torch.Tensor))
            for piece in result:
                self.ctx.count_op(piece)
                self.ctx.tracer.record(piece, kept)

    def _call_closure(self, fn: Closure, args: list, kwargs: dict) -> object:
        scope = self._bind_arguments(fn, args, kwargs)
        ctx = self.ctx
        if ctx.call_depth >= ctx.budgets.call_depth:
            raise BudgetExceeded(
                f"Functions nested more than {ctx.budgets.call_depth} calls deep.",
                hint="Recursion is limited; use a loop instead.",
            )
        saved = (self.locals, self.outer)
        self.locals, self.outer = scope, fn.outer
        ctx.call_depth += 1
        try:
            self._block(fn.node.body)
        except _Return as ret:
            return ret.value
        except (_Break, _Continue) as jump:
            raise jump.misplaced("`break`/`continue` outside a loop.") from None
        finally:
            ctx.call_depth -= 1
            self.locals, self.outer = saved
        return None

    def _bind_arguments(self, fn: Closure, args: list, kwargs: dict) -> Scope:
        params = [a.arg for a in fn.node.args.args]
        name = fn.node.name
        if len(args) > len(params):
            raise ProgramError(f"{name}() takes {len(params)} arguments but got {len(args)}.")
        scope: Scope = dict(zip(params, args, strict=False))
        for key, value in kwargs.items():
            if key not in params or key in scope:
                raise ProgramError(f"{name}() got an unexpected or repeated argument `{key}`.")
            scope[key] = value
        first_default = len(params) - len(fn.defaults)
        for position, param in enumerate(params):
            if param not in scope:
                if position < first_default:
                    raise ProgramError(f"{name}() is missing the argument `{param}`.")
                scope[param] = fn.defaults[position - first_default]
        return scope


def _is_leaf(value: object) -> bool:
    return isinstance(value, torch.Tensor) and grad_fn_of(value) is None and value.requires_grad


def _to_double(value: object) -> object:
    """float32 leaves in double precision, keeping requires_grad (gradient check)."""
    if isinstance(value, torch.Tensor) and value.dtype == torch.float32 and value.is_leaf:
        return value.detach().to(torch.float64).requires_grad_(value.requires_grad)
    return value


def _as_load(target: ast.expr) -> ast.expr:
    """The same target read as a value (for `x += 1`)."""
    if isinstance(target, ast.Name):
        node = ast.Name(id=target.id, ctx=ast.Load())
    elif isinstance(target, ast.Attribute):
        node = ast.Attribute(value=target.value, attr=target.attr, ctx=ast.Load())
    elif isinstance(target, ast.Subscript):
        node = ast.Subscript(value=target.value, slice=target.slice, ctx=ast.Load())
    else:
        raise NotAllowed("Cannot use augmented assignment on this expression.")
    return ast.copy_location(node, target)


def _program_error(exc: BaseException, node: ast.AST) -> ProgramError:
    message = describe_exception(exc)
    return ProgramError(
        message, getattr(node, "lineno", None), getattr(node, "col_offset", None),
        hint=hint_for(message),
    )  # fmt: skip
