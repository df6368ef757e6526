"""A tree-walking interpreter for the allow-listed subset of Python.

User code is never handed to `eval`/`exec`: each AST node is carried out here,
calling real PyTorch on the program's behalf, so every value the program can
touch is one we gave it.
"""

from __future__ import annotations

import ast

import numpy as np
import torch

from .compiled import Code, compile_node, function_body, refuse_kind
from .core.context import RunContext
from .core.errors import BudgetExceeded, NotAllowed, PlaygroundError, ProgramError, UnknownName
from .core.limits import check_length
from .core.trace import grad_fn_of
from .core.values import (
    BoundMethod,
    Builtin,
    Closure,
    GradModeFunction,
    Namespace,
    NoGrad,
    SandboxObject,
    StaticMethod,
    check_keywords,
    type_name,
)  # fmt: skip
from .loop_record import LoopRecorder, LoopRun
from .modules import make_modules
from .python import pyiter
from .python.classes import UserClass, UserInstance
from .python.container_cost import check_container_compare, check_hashable, is_container
from .python.formatting import format_value, percent_format
from .python.pyexceptions import ExceptionValue, caught_value, matches, to_raise
from .python.pymethods import has_methods, method_of, python_get_item, python_set_item
from .python.scopes import name_scopes, unbound_local
from .python_api import make_builtins
from .source_check import UNAVAILABLE_BUILTINS
from .tensors import operators
from .tensors.shapes import check_index, index_list
from .tensors.tensor_api import (
    METHODS,
    call_method,
    get_array_attribute,
    get_attribute,
    set_attribute,
)
from .tensors.torch_api import CREATORS, refuse_member

Scope = dict[str, object]

_VIEWS = (type({}.keys()), type({}.values()), type({}.items()))
_NO_SELF = object()  # the running function has no first argument (for `super()`)


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
        self.modules = make_modules()  # what `import` binds, fresh for this run
        self.builtins = make_builtins(self.modules)
        self.locals: Scope | None = None  # None at the top level: names go to `globals`
        self.outer: tuple[Scope, ...] = ()  # enclosing function scopes, innermost first
        self.in_class = False  # running a class body (its names are not a closure scope)
        self.declared: dict[str, str] | None = None  # `global`/`nonlocal` names of this call
        self.function: Closure | None = None  # the function running (for `super()`)
        self.first_argument: object = _NO_SELF
        self.handling: list[ProgramError] = []  # errors being handled, for a bare `raise`
        self._declarations: dict[int, dict[str, str] | None] = {}
        self.code: dict[ast.AST, Code] = {}  # each node's closure (`compiled`)
        self._loads: dict[ast.AugAssign, ast.expr] = {}  # `x += 1`: `x` read as a value
        self.own_names: set[ast.Name] = set()  # names read as a function's locals (`scopes`)
        self.free_names: set[ast.Name] = set()  # ... as an enclosing function's locals
        self.global_names: set[ast.Name] = set()  # ... as the program's, by `global`
        self._bodies: dict[ast.FunctionDef, tuple[list[Code], Code | None]] = {}
        self.loops = LoopRecorder(ctx, _Jump)  # the lab's chart of a training loop

    # -- statements ---------------------------------------------------------

    def run(self, module: ast.Module) -> None:
        """Compile the program's nodes, then execute its top-level statements in order."""
        self.own_names, self.free_names, self.global_names = name_scopes(module)
        for node in ast.walk(module):
            if isinstance(node, ast.stmt | ast.expr):
                self._code(node)
        try:
            self._block(module.body)
        except (_Break, _Continue) as jump:
            raise jump.misplaced("`break`/`continue` outside a loop.") from None
        except _Return as jump:
            raise jump.misplaced("`return` outside a function.") from None

    def _code(self, node: ast.AST) -> Code:
        """`node`'s closure, compiled on first use (children first, as it asks)."""
        code = self.code.get(node)
        if code is None:
            prefix = "_s_" if isinstance(node, ast.stmt) else "_e_"
            handler = getattr(Interpreter, prefix + type(node).__name__, refuse_kind)
            code = self.code[node] = compile_node(node, self._code, handler)
        return code

    def _block(self, body: list[ast.stmt]) -> None:
        code = self.code
        for stmt in body:
            code[stmt](self)

    def _stmt(self, stmt: ast.stmt) -> None:
        self._code(stmt)(self)

    def expression_value(self, value: object) -> None:
        """What an expression statement's value may not be."""
        if isinstance(value, NoGrad) and value.name == "set_grad_enabled":
            raise NotAllowed(
                "`torch.set_grad_enabled(...)` works here only as "
                "`with torch.set_grad_enabled(...):` (a statement would change later runs)."
            )

    @staticmethod
    def returning(stmt: ast.Return, value: object) -> _Return:
        """The jump a `return` makes (raised by its closure)."""
        return _Return(stmt, value)

    def _s_Expr(self, stmt: ast.Expr) -> None:
        self.expression_value(self._eval(stmt.value))

    def _s_Pass(self, stmt: ast.Pass) -> None:
        pass

    def _s_Import(self, stmt: ast.Import) -> None:
        for alias in stmt.names:  # vetted: every name is in `modules.IMPORTABLE`
            if alias.asname:
                self._store(alias.asname, self.modules[alias.name])
                continue
            top = alias.name.partition(".")[0]
            if top not in self.modules:
                raise NotAllowed(f"Write `import {alias.name} as name`.")
            self._store(top, self.modules[top])

    def _s_ImportFrom(self, stmt: ast.ImportFrom) -> None:
        """`from module import name`: a module may be filled by several files, so a
        missing name is only known now; the refusal names it."""
        module = self.modules[stmt.module]
        for alias in stmt.names:
            name = alias.name
            if name in module.members:
                value = module.members[name]
            elif f"{stmt.module}.{name}" in self.modules:
                value = self.modules[f"{stmt.module}.{name}"]
            else:
                raise NotAllowed(
                    f"`{name}` cannot be imported from `{stmt.module}`: "
                    f"`{stmt.module}.{name}` is not available in the playground.",
                    hint="See the list of supported functions under 'What can I type?'.",
                )
            self._store(alias.asname or name, value)

    def _s_Global(self, stmt: ast.Global) -> None:
        pass  # read when the function is called (`_declared`)

    def _s_Nonlocal(self, stmt: ast.Nonlocal) -> None:
        pass

    def _s_Assert(self, stmt: ast.Assert) -> None:
        if not operators.truth(self._eval(stmt.test)):
            args = () if stmt.msg is None else (self._eval(stmt.msg),)
            raise self._raise_value("AssertionError", args)

    def _raise_value(self, name: str, args: tuple) -> ProgramError:
        return self.builtins[name].call(self, list(args), {}).error()

    def _s_Raise(self, stmt: ast.Raise) -> None:
        if stmt.exc is None:
            if not self.handling:
                raise ProgramError("No active exception to reraise", python_type="RuntimeError")
            raise self.handling[-1]
        value = self._eval(stmt.exc)
        if stmt.cause is not None:
            self._eval(stmt.cause)
        raise to_raise(value)

    def _s_Try(self, stmt: ast.Try) -> None:
        """`try` catches program errors only: a budget, a refusal or a stop of the
        worker goes straight through, and no `finally` runs after one (its
        `return` would swallow the stop)."""
        try:
            try:
                self._block(stmt.body)
            except ProgramError as error:
                if not self._handle(stmt.handlers, error):
                    raise
            else:
                self._block(stmt.orelse)
        except (ProgramError, _Jump):
            self._block(stmt.finalbody)
            raise
        self._block(stmt.finalbody)

    def _handle(self, handlers: list[ast.ExceptHandler], error: ProgramError) -> bool:
        value = caught_value(error)
        for handler in handlers:
            if handler.type is not None and not self._catches(handler, value):
                continue
            if handler.name:
                self._store(handler.name, value)
            self.handling.append(error)
            try:
                self._block(handler.body)
            finally:
                self.handling.pop()
                if handler.name:
                    self._scope().pop(handler.name, None)
            return True
        return False

    def _catches(self, handler: ast.ExceptHandler, value: ExceptionValue) -> bool:
        try:
            return matches(value, self._eval(handler.type))
        except PlaygroundError as exc:  # a bad `except` clause: its own line
            raise exc.at(handler.lineno, handler.col_offset) from None

    def _s_Delete(self, stmt: ast.Delete) -> None:
        for target in stmt.targets:
            self._delete(target)

    def _delete(self, target: ast.expr) -> None:
        if isinstance(target, ast.Name):
            scope = self._scope(target.id)
            if target.id not in scope:
                if target in self.own_names:  # as reading it: a local, not bound now
                    raise unbound_local(target.id)
                raise UnknownName(f"Name `{target.id}` is not defined.")
            del scope[target.id]
        elif isinstance(target, ast.Tuple | ast.List):
            for element in target.elts:
                self._delete(element)
        elif isinstance(target, ast.Subscript):
            container = self._eval(target.value)
            key = self._eval(target.slice)
            if not isinstance(container, list | dict):
                raise ProgramError(
                    f"{type_name(container)} does not support item deletion.",
                    python_type="TypeError",
                )
            del container[key]
        elif isinstance(target, ast.Attribute):
            obj = self._eval(target.value)
            if not isinstance(obj, UserInstance) or target.attr not in obj.attributes:
                raise NotAllowed(f"Cannot delete the attribute `.{target.attr}` here.")
            del obj.attributes[target.attr]
        else:
            raise NotAllowed("Cannot delete this expression.")

    def _s_ClassDef(self, stmt: ast.ClassDef) -> None:
        """Run the body into a dict of members, then make the class from it (see
        `classes` for the contract with `SandboxObject.subclass`)."""
        base = self._eval(stmt.bases[0]) if stmt.bases else None
        members: Scope = {}
        saved = (self.locals, self.outer, self.in_class, self.declared)
        self.outer = self._closure_chain()
        self.locals, self.in_class, self.declared = members, True, None
        try:
            self._block(stmt.body)
        finally:
            self.locals, self.outer, self.in_class, self.declared = saved
        if base is None or isinstance(base, UserClass):
            cls: object = UserClass(stmt.name, base, members)
        elif isinstance(base, SandboxObject):
            cls = base.subclass(self, stmt.name, members)
        else:
            raise NotAllowed(f"Classes cannot inherit from {type_name(base)}.")
        for member in members.values():
            function = member.function if isinstance(member, StaticMethod) else member
            if isinstance(function, Closure):
                function.owner = cls
        self._store(stmt.name, cls)

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
        load = self._loads.get(stmt)
        if load is None:
            load = self._loads[stmt] = _as_load(target)
            for names in (self.own_names, self.free_names, self.global_names):
                if target in names:
                    names.add(load)  # type: ignore[arg-type]  (a Name, as `target`)
        current = self._eval(load)
        operand = self._eval(stmt.value)
        if type(current) is list and isinstance(stmt.op, ast.Add):
            method_of(current, "extend").call(self, [operand], {})  # in place, as Python
            value: object = current
        elif type(current) is str and isinstance(stmt.op, ast.Mod):
            value = percent_format(current, operand, self)
        else:
            value = operators.binary(self.ctx, stmt.op, current, operand, inplace=True)
        if not (value is current and isinstance(target, ast.Attribute | ast.Subscript)):
            self._assign(target, value)

    def _s_If(self, stmt: ast.If) -> None:
        branch = stmt.body if operators.truth(self._eval(stmt.test)) else stmt.orelse
        self._block(branch)

    def _s_While(self, stmt: ast.While) -> None:
        with self.loops.following(self._scope(), stmt.lineno, "while") as loop:
            line = self.ctx.line
            while True:
                line.value = stmt.lineno  # the test's line again after the body (warnings)
                if not operators.truth(self._eval(stmt.test)):
                    break
                self.ctx.count_iteration()
                if self._loop_body(stmt.body, loop):
                    return
        self._block(stmt.orelse)

    def _s_For(self, stmt: ast.For) -> None:
        iterable = self._eval(stmt.iter)
        length = pyiter.known_length(iterable)
        last = -1 if length is None else length - 1
        with self.loops.following(self._scope(), stmt.lineno, "for") as loop:
            for index, item in enumerate(pyiter.iterate(self, iterable)):
                self.ctx.count_iteration()
                self._assign(stmt.target, item)
                # Only the last iteration's backward() can be the one the page steps
                # through (of a loop whose length is unknown, any may be the last).
                self.ctx.final_iteration.append(index == last or length is None)
                try:
                    if self._loop_body(stmt.body, loop):
                        return
                finally:
                    self.ctx.final_iteration.pop()
        self._block(stmt.orelse)

    def _loop_body(self, body: list[ast.stmt], loop: LoopRun | None) -> bool:
        """Run one iteration; True when the loop must stop (break). `loop` records
        an outermost loop's iterations for the lab's chart (`loop_record`)."""
        if loop is not None:
            loop.begin()
        try:
            self._block(body)
        except _Break:
            return True
        except _Continue:
            pass
        if loop is not None:
            loop.end()
        return False

    def _s_With(self, stmt: ast.With) -> None:
        only = "Only `with torch.no_grad():` (or `enable_grad()`, `set_grad_enabled(b)`) works."
        if len(stmt.items) != 1 or stmt.items[0].optional_vars is not None:
            raise NotAllowed(only)
        mode = self._eval(stmt.items[0].context_expr)
        if not isinstance(mode, NoGrad):
            raise NotAllowed(only)
        with torch.set_grad_enabled(mode.enabled):
            self._block(stmt.body)

    def _s_FunctionDef(self, stmt: ast.FunctionDef) -> None:
        function = self._closure(stmt)
        # Vetting allows one decorator: `@staticmethod` in a class body, or
        # `@torch.no_grad()` / `@torch.enable_grad()` outside one.
        value: object = function
        if stmt.decorator_list:
            decorator = stmt.decorator_list[0]
            if isinstance(decorator, ast.Name):  # staticmethod
                value = StaticMethod(function)
            else:
                mode = self._eval(decorator)
                if not isinstance(mode, NoGrad):
                    raise NotAllowed("Only `@torch.no_grad()` can decorate a function here.")
                value = GradModeFunction(function, mode)
        self._store(stmt.name, value)

    def _closure(self, node: ast.FunctionDef | ast.Lambda) -> Closure:
        args = node.args
        defaults = [self._eval(d) for d in args.defaults]
        kw_defaults = {
            a.arg: self._eval(d)
            for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)
            if d is not None
        }
        return Closure(node, defaults, self._closure_chain(), kw_defaults=kw_defaults)

    def _closure_chain(self) -> tuple[Scope, ...]:
        """The scopes a function defined here sees: a class body is not one of them."""
        if self.locals is None or self.in_class:
            return self.outer
        return (self.locals, *self.outer)

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
        elements = target.elts
        star = next((i for i, e in enumerate(elements) if isinstance(e, ast.Starred)), None)
        if isinstance(value, torch.Tensor) and star is None and value.dim():
            self._check_unpack(len(elements), len(value))  # before making any row
        if type(value) in (list, tuple):
            items = value
        elif isinstance(value, torch.Tensor):
            items = list(pyiter.iterate(self, value))
        else:
            items = pyiter.materialise(self, value)
        if star is None:
            self._check_unpack(len(elements), len(items))
            for element, item in zip(elements, items, strict=True):
                self._assign(element, item)
            return
        after = len(elements) - star - 1
        if len(items) < len(elements) - 1:
            raise ProgramError(
                f"not enough values to unpack (expected at least {len(elements) - 1}, "
                f"got {len(items)})",
                python_type="ValueError",
            )
        for element, item in zip(elements[:star], items[:star], strict=True):
            self._assign(element, item)
        rest = list(items[star : len(items) - after])
        self.ctx.count_items(len(rest), references=True)
        self._assign(elements[star].value, rest)
        for element, item in zip(elements[star + 1 :], items[len(items) - after :], strict=True):
            self._assign(element, item)

    @staticmethod
    def _check_unpack(expected: int, got: int) -> None:
        if expected != got:
            raise ProgramError(
                f"Expected {expected} values to unpack, got {got}.", python_type="ValueError"
            )

    def _set_item(self, target: ast.Subscript, value: object) -> None:
        container = self._eval(target.value)
        if isinstance(container, dict | SandboxObject):  # issue 11: dicts, user classes
            return python_set_item(self, container, self._eval(target.slice), value)
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
        elif isinstance(container, np.ndarray):
            # `arr[0, 0] = 50.0` on what `.numpy()` shares with a tensor: whole numbers and
            # slices only, and a number, so nothing is allocated or broadcast.
            parts = index if isinstance(index, tuple) else (index,)
            if not all(isinstance(p, int | slice) for p in parts):
                raise ProgramError("A NumPy array takes whole numbers and slices as indices.")
            if not isinstance(value, bool | int | float):
                raise ProgramError("A NumPy array element can only be set to a number.")
            container[index] = value
        else:
            raise ProgramError(f"Cannot assign into {type_name(container)}.")

    def _store(self, name: str, value: object) -> None:
        locals_ = self.locals
        if locals_ is None:
            if name in self.ctx.overrides and _is_leaf(value):
                value = self.ctx.overrides.pop(name).detach().clone().requires_grad_(True)
            self.globals[name] = value
        elif self.declared is not None and name in self.declared:
            self._scope(name)[name] = value
        else:
            locals_[name] = value
        if isinstance(value, torch.Tensor) and grad_fn_of(value) is not None:
            self.ctx.tracer.name(value, name)
            if locals_ is None:
                self.ctx.last_graph_tensor = value

    def _scope(self, name: str | None = None) -> Scope:
        """The dict a name is stored in here (`global` and `nonlocal` followed)."""
        if self.locals is None:
            return self.globals
        where = None if self.declared is None or name is None else self.declared.get(name)
        if where == "global":
            return self.globals
        if where == "nonlocal":
            for scope in self.outer:
                if name in scope:
                    return scope
            raise NotAllowed(f"No binding for nonlocal `{name}` found.")
        return self.locals

    # -- expressions --------------------------------------------------------

    def _eval(self, node: ast.expr) -> object:
        try:
            code = self.code[node]
        except KeyError:
            code = self._code(node)
        return code(self)

    def _e_Constant(self, node: ast.Constant) -> object:
        return node.value

    def _e_Name(self, node: ast.Name) -> object:
        name = node.id
        locals_ = self.locals
        if locals_ is not None and name in locals_:
            return locals_[name]
        for scope in self.outer:
            if name in scope:
                return scope[name]
        if name in self.globals:
            return self.globals[name]
        if name in self.builtins:
            return self.builtins[name]
        if name in UNAVAILABLE_BUILTINS:
            raise NotAllowed(f"`{name}` is not available in the playground.")
        raise UnknownName(
            f"Name `{name}` is not defined.",
            hint="Assign it first, or check the spelling.",
        )

    def _items(self, elements: list[ast.expr]) -> list:
        """The values of a list, tuple or set display, `*iterable` spread in place."""
        items: list[object] = []
        spread = False
        for element in elements:
            if type(element) is ast.Starred:
                items.extend(pyiter.materialise(self, self._eval(element.value)))
                spread = True
            else:
                items.append(self._eval(element))
        if spread:
            pyiter.check_room(self, len(items))
        return items

    def _e_List(self, node: ast.List) -> list:
        return self._items(node.elts)

    def _e_Tuple(self, node: ast.Tuple) -> tuple:
        return tuple(self._items(node.elts))

    def _e_Set(self, node: ast.Set) -> set:
        items = self._items(node.elts)
        for item in items:
            check_hashable(self.ctx, item)
        return set(items)

    def _e_Dict(self, node: ast.Dict) -> dict:
        result: dict = {}
        for key_node, value_node in zip(node.keys, node.values, strict=True):
            if key_node is None:  # `**other`
                entries = pyiter.pairs(self, self._eval(value_node))
            else:
                entries = [(self._eval(key_node), self._eval(value_node))]
            for key, value in entries:
                check_hashable(self.ctx, key)
                result[key] = value
            pyiter.check_room(self, len(result))
        self.ctx.count_items(2 * len(result), references=True)
        return result

    def _e_Starred(self, node: ast.Starred) -> object:
        raise NotAllowed("`*` unpacking is not supported here.")

    def _e_Lambda(self, node: ast.Lambda) -> Closure:
        return self._closure(node)

    # -- comprehensions -------------------------------------------------------

    def _e_ListComp(self, node: ast.ListComp) -> list:
        result: list[object] = []
        limit = self.ctx.budgets.sequence_length
        for _ in self._comprehend(node):
            result.append(self._eval(node.elt))
            if len(result) > limit:
                pyiter.check_room(self, len(result))
        self.ctx.count_items(len(result), references=True)
        return result

    def _e_SetComp(self, node: ast.SetComp) -> set:
        items = self._e_ListComp(node)  # type: ignore[arg-type]
        for item in items:
            check_hashable(self.ctx, item)
        return set(items)

    def _e_DictComp(self, node: ast.DictComp) -> dict:
        result: dict = {}
        for _ in self._comprehend(node):
            key = self._eval(node.key)
            check_hashable(self.ctx, key)
            result[key] = self._eval(node.value)
            pyiter.check_room(self, len(result))
        self.ctx.count_items(2 * len(result), references=True)
        return result

    def _e_GeneratorExp(self, node: ast.GeneratorExp) -> pyiter.LazyIter:
        """Lazy, as in Python: each item is made when it is read, in the
        expression's own scope (switched in around every step)."""
        first = pyiter.iterate(self, self._eval(node.generators[0].iter))
        scope = (node, {}, self._closure_chain())
        return pyiter.LazyIter("generator", _Scoped(self, self._bindings(node, 0, first), scope))

    def _comprehend(self, node: ast.ListComp | ast.SetComp | ast.DictComp):
        """Run the comprehension's loops in a scope of their own; yields per item."""
        first = pyiter.iterate(self, self._eval(node.generators[0].iter))  # outside, as Python
        saved = self._enter((node, {}, self._closure_chain()))
        try:
            yield from self._bindings(node, 0, first)
        finally:
            self._leave(saved)

    def _enter(self, scope: tuple) -> tuple:
        saved = (self.locals, self.outer, self.in_class, self.declared)
        _, self.locals, self.outer = scope
        self.in_class, self.declared = False, None
        return saved

    def _leave(self, saved: tuple) -> None:
        self.locals, self.outer, self.in_class, self.declared = saved

    def _bindings(self, node: ast.expr, index: int, items):
        generator = node.generators[index]
        last = index + 1 == len(node.generators)
        for item in items:
            self.ctx.count_iteration()
            self._assign(generator.target, item)
            if all(operators.truth(self._eval(test)) for test in generator.ifs):
                if last:
                    yield
                else:
                    inner = node.generators[index + 1].iter
                    yield from self._bindings(
                        node, index + 1, pyiter.iterate(self, self._eval(inner))
                    )

    def _e_BinOp(self, node: ast.BinOp) -> object:
        left = self._eval(node.left)
        right = self._eval(node.right)
        if type(left) is str and type(node.op) is ast.Mod:
            result = percent_format(left, right, self)
            self.ctx.count_items(len(result))
            return result
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
            result = self._compare(op, left, right)
            if len(node.ops) > 1 and not operators.truth(result):
                return result
            left = right
        return result

    def _compare(self, op: ast.cmpop, left: object, right: object) -> object:
        if is_container(left) or is_container(right):
            if isinstance(op, ast.In | ast.NotIn) and isinstance(right, dict | set):
                check_hashable(self.ctx, left)
                return (left in right) == isinstance(op, ast.In)
            if not isinstance(op, ast.Is | ast.IsNot):
                check_container_compare(self.ctx, left, right)
            if isinstance(op, ast.In | ast.NotIn) and isinstance(right, _VIEWS):
                return (left in right) == isinstance(op, ast.In)  # sized by the check above
        return operators.compare(self.ctx, op, left, right)

    def _e_IfExp(self, node: ast.IfExp) -> object:
        chosen = node.body if operators.truth(self._eval(node.test)) else node.orelse
        return self._eval(chosen)

    def _e_Attribute(self, node: ast.Attribute) -> object:
        return self._attribute_of(node, self._eval(node.value))

    def _attribute_of(self, node: ast.Attribute, obj: object) -> object:
        """`obj.attr`, `obj` being the value of `node.value`."""
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
        if has_methods(obj):
            return method_of(obj, node.attr)
        return self._other_attribute(node, obj)

    def _other_attribute(self, node: ast.Attribute, obj: object) -> object:
        """NumPy arrays, devices, and a clear word for `.grad` still being None."""
        if isinstance(obj, np.ndarray):
            value = get_array_attribute(obj, node.attr)
            self.ctx.count_elements(value)
            return value
        if isinstance(obj, torch.device) and node.attr in ("type", "index"):
            return obj.type if node.attr == "type" else obj.index
        if obj is None and isinstance(node.value, ast.Attribute) and node.value.attr == "grad":
            owner = ast.unparse(node.value.value)
            raise ProgramError(
                f"`{owner}.grad` is None, so `.{node.attr}` cannot be used on it: "
                "backward() has not filled it yet (or it does not require grad).",
                hint=f"Call backward() first, or guard with `if {owner}.grad is not None:`.",
                python_type="AttributeError",
            )
        raise NotAllowed(f"Attribute `.{node.attr}` of {type_name(obj)} is not available.")

    def _e_Subscript(self, node: ast.Subscript) -> object:
        container = self._eval(node.value)
        if isinstance(container, dict | SandboxObject):  # issue 11: dicts, user classes
            return python_get_item(self, container, self._eval(node.slice))
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
        conversion = None if node.conversion < 0 else chr(node.conversion)
        return format_value(value, spec, conversion, self)

    # -- calls ----------------------------------------------------------------

    def _e_Call(self, node: ast.Call) -> object:
        func = node.func
        if type(func) is ast.Name and func.id == "super":
            return self._super(node)
        fn = self._eval(func)
        spreads = any(type(a) is ast.Starred for a in node.args)
        args = self._items(node.args) if spreads else [self._eval(a) for a in node.args]
        if not node.keywords:
            return self.call(fn, args, {})
        kwargs: dict[str, object] = {}
        for kw in node.keywords:
            if kw.arg is not None:
                if kw.arg in kwargs:
                    raise _repeated_keyword(kw.arg)
                kwargs[kw.arg] = self._eval(kw.value)
                continue
            for key, value in pyiter.pairs(self, self._eval(kw.value)):  # `**mapping`
                if not isinstance(key, str):
                    raise ProgramError("keywords must be strings", python_type="TypeError")
                if key in kwargs:
                    raise _repeated_keyword(key)
                kwargs[key] = value
        return self.call(fn, args, kwargs)

    def _super(self, node: ast.Call) -> object:
        """`super()` in a method asks the class that defined it (`Closure.owner`);
        `super(C, obj)` asks `C`."""
        if node.args:
            cls, instance = self._eval(node.args[0]), self._eval(node.args[1])
        else:
            function = self.function
            if function is None or function.owner is None or self.first_argument is _NO_SELF:
                raise ProgramError("super(): no arguments", python_type="RuntimeError")
            cls, instance = function.owner, self.first_argument
        if not isinstance(cls, SandboxObject):
            raise ProgramError("super() argument 1 must be a type", python_type="TypeError")
        return cls.super_of(self, instance)

    def call(self, fn: object, args: list, kwargs: dict) -> object:
        """Call any callable value of a program (also used by `SandboxObject`s).

        A method is its `Closure` called with the instance as the first argument.
        """
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
        raise ProgramError(f"{type_name(fn)} is not callable.", python_type="TypeError")

    def materialise(self, value: object) -> list:
        """`list(value)` within the budgets (for the built-ins and methods)."""
        return pyiter.materialise(self, value)

    def pairs(self, value: object) -> list[tuple[object, object]]:
        """The (key, value) pairs of a dict or of an iterable of pairs."""
        return pyiter.pairs(self, value)

    def _call_builtin(self, fn: Builtin, args: list, kwargs: dict) -> object:
        if kwargs:
            check_keywords(f"{fn.name}()", kwargs, fn.keywords)
        result = fn.fn(self.ctx, args, kwargs)
        if self.ctx.float64 and fn.name in CREATORS:
            result = _to_double(result)
        if fn.name.startswith("torch.") or isinstance(result, torch.Tensor):
            self._count(result, tuple(args), fn.name)
        return result

    def _count(self, result: object, operands: tuple, name: str) -> None:
        if isinstance(result, torch.Tensor):
            self.ctx.count_op(result)
            if name.endswith("pow"):
                kept = operands
            else:
                kept = tuple([o for o in operands if isinstance(o, torch.Tensor)])
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
        node = fn.node
        saved = (
            self.locals, self.outer, self.in_class, self.declared, self.function,
            self.first_argument,
        )  # fmt: skip
        self.locals, self.outer, self.in_class = scope, fn.outer, False
        self.declared = self._declared(node)
        self.function, self.first_argument = fn, args[0] if args else _NO_SELF
        line = ctx.line.value  # the caller's, again once the call returns (warnings, crashes)
        ctx.call_depth += 1
        try:
            if type(node) is ast.Lambda:
                ctx.line.value = node.lineno  # its body has no statement to name its line
                return self._eval(node.body)
            body = self._bodies.get(node)
            if body is None:
                body = self._bodies[node] = function_body(node, self._code)
            statements, tail = body
            for code in statements:
                code(self)
            if tail is not None:
                return tail(self)
        except _Return as ret:
            return ret.value
        except (_Break, _Continue) as jump:
            raise jump.misplaced("`break`/`continue` outside a loop.") from None
        finally:
            ctx.call_depth -= 1
            ctx.line.value = line
            (
                self.locals, self.outer, self.in_class, self.declared, self.function,
                self.first_argument,
            ) = saved  # fmt: skip
        return None

    def _declared(self, node: ast.FunctionDef | ast.Lambda) -> dict[str, str] | None:
        """The function's `global` and `nonlocal` names (its own, not nested defs')."""
        key = id(node)
        if key not in self._declarations:
            found: dict[str, str] = {}
            stack = list(node.body) if isinstance(node, ast.FunctionDef) else []
            while stack:
                stmt = stack.pop()
                if isinstance(stmt, ast.Global | ast.Nonlocal):
                    kind = "global" if isinstance(stmt, ast.Global) else "nonlocal"
                    found.update(dict.fromkeys(stmt.names, kind))
                elif not isinstance(stmt, ast.FunctionDef | ast.ClassDef):
                    for field in ("body", "orelse", "finalbody"):
                        stack.extend(getattr(stmt, field, []))
                    for handler in getattr(stmt, "handlers", []):
                        stack.extend(handler.body)
            self._declarations[key] = found or None
        return self._declarations[key]

    def _bind_arguments(self, fn: Closure, args: list, kwargs: dict) -> Scope:
        spec = fn.node.args
        params = [a.arg for a in spec.args]
        if (
            not kwargs
            and len(args) == len(params)
            and not (spec.vararg or spec.kwarg or spec.kwonlyargs)
        ):
            return dict(zip(params, args, strict=True))  # the common call: all positional
        name = fn.name
        if len(args) > len(params) and spec.vararg is None:
            raise ProgramError(
                f"{name}() takes {len(params)} positional arguments but {len(args)} were given",
                python_type="TypeError",
            )
        scope: Scope = dict(zip(params, args, strict=False))
        if spec.vararg is not None:
            scope[spec.vararg.arg] = tuple(args[len(params) :])
        keyword_only = [a.arg for a in spec.kwonlyargs]
        extra: dict[str, object] = {}
        for key, value in kwargs.items():
            if key in scope and (key in params or key in keyword_only):
                raise ProgramError(
                    f"{name}() got multiple values for argument '{key}'", python_type="TypeError"
                )
            if key in params or key in keyword_only:
                scope[key] = value
            elif spec.kwarg is not None:
                extra[key] = value
            else:
                raise ProgramError(
                    f"{name}() got an unexpected keyword argument '{key}'", python_type="TypeError"
                )
        first_default = len(params) - len(fn.defaults)
        for position, param in enumerate(params):
            if param not in scope:
                if position < first_default:
                    raise ProgramError(
                        f"{name}() missing 1 required positional argument: '{param}'",
                        python_type="TypeError",
                    )
                scope[param] = fn.defaults[position - first_default]
        for param in keyword_only:
            if param not in scope:
                if param not in fn.kw_defaults:
                    raise ProgramError(
                        f"{name}() missing 1 required keyword-only argument: '{param}'",
                        python_type="TypeError",
                    )
                scope[param] = fn.kw_defaults[param]
        if spec.kwarg is not None:
            scope[spec.kwarg.arg] = extra
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


def _repeated_keyword(key: str) -> ProgramError:
    return ProgramError(
        f"got multiple values for keyword argument '{key}'", python_type="TypeError"
    )


class _Scoped:
    """Steps a generator expression inside its own scope, whoever reads it.

    The scope is switched in for each step and back out after it, so a generator
    read later, elsewhere (`sum(...)` in another function), or dropped half-read,
    never leaves the interpreter in the wrong scope.
    """

    def __init__(self, interp: Interpreter, steps, scope: tuple) -> None:
        self.interp = interp
        self.steps = steps
        self.scope = scope

    def __iter__(self) -> _Scoped:
        return self

    def __next__(self) -> object:
        interp = self.interp
        saved, line = interp._enter(self.scope), interp.ctx.line.value
        interp.ctx.line.value = self.scope[0].lineno  # its own line, not the reader's
        try:
            next(self.steps)
            return interp._eval(self.scope[0].elt)
        finally:
            interp._leave(saved)
            interp.ctx.line.value = line
