"""User subclasses of `nn.Module` and of `torch.autograd.Function`.

`class Model(nn.Module):` gives a `UserModuleClass`: each class gets a real
`nn.Module` subclass of the same name (so `print(model)` is PyTorch's own text)
whose `forward` calls the program's `forward` back through the interpreter.
Layers and parameters assigned in `__init__` register with PyTorch as usual;
every other attribute stays on our side, so the real module only ever holds
modules and tensors. `class F(torch.autograd.Function):` likewise gets a real
Function whose static `forward` and `backward` run the program's functions,
with a facade of PyTorch's `ctx`.

The interpreter's side of the contract: `base.subclass(interp, name, members)`
for the class statement (methods are `Closure`s, static ones wrapped in
`values.StaticMethod`), `owner.super_of(interp, instance)` for `super()`, and
`interp.call(fn, args, kwargs)` to run a method.
"""

from __future__ import annotations

import weakref

import torch
from torch import nn

from ..core import values
from ..core.errors import NotAllowed, ProgramError
from ..core.text import to_text
from ..core.values import Closure, SandboxObject, type_name
from .nn_values import (
    METHODS,
    MODULE_COST,
    NOT_REGISTERED,
    Method,
    ModuleValue,
    check_no_cycle,
    registered,
)  # fmt: skip

Args = list[object]
Kwargs = dict[str, object]

# Names of nn.Module's own methods and attributes: an instance attribute with one of
# these names would hide it from PyTorch's code (`self.parameters = 3`).
RESERVED = frozenset(name for name in dir(nn.Module) if not name.startswith("_")) - {"training"}


def _function_of(member: object) -> object:
    """A class-body member as a plain callable: `@staticmethod` wrappers unwrapped."""
    static = getattr(values, "StaticMethod", None)
    if static is not None and isinstance(member, static):
        return member.function
    return member


def _bind_member(member: object, instance: SandboxObject) -> object:
    """`instance.name` for a class member: methods bind, the rest is handed back."""
    static = getattr(values, "StaticMethod", None)
    if static is not None and isinstance(member, static):
        return member.function
    if isinstance(member, Closure):
        return BoundUserMethod(member, instance)
    return member


def running(ref: weakref.ref):
    """The run's interpreter, held weakly by what PyTorch keeps (a Function class, a
    module): autograd's C++ nodes hold those, and a strong link back to the run would
    make a cycle the garbage collector cannot see, keeping every run's state alive."""
    interp = ref()
    if interp is None:
        raise ProgramError("This model or function belongs to a program that has ended.")
    return interp


class BoundUserMethod(SandboxObject):
    """`self.helper`: a user method bound to its instance."""

    kind = "method"

    def __init__(self, function: Closure, instance: SandboxObject) -> None:
        self.function = function
        self.instance = instance

    def call(self, interp, args: Args, kwargs: Kwargs) -> object:
        return interp.call(self.function, [self.instance, *args], kwargs)

    def __repr__(self) -> str:
        return f"<bound method {self.instance.kind}.{self.function.node.name}>"


# -- nn.Module ----------------------------------------------------------------------


class _UserModule(nn.Module):
    """The real base of every user module class: `forward` goes to the program's."""

    def forward(self, *args: object, **kwargs: object) -> object:
        value = self.__dict__.get("_playground_value")
        if not isinstance(value, UserModuleValue):
            raise ProgramError("This module was not created by the program.")
        forward = value.cls.lookup("forward")
        if forward is None:
            raise ProgramError(f"{value.cls.name} has no `forward` method to call.")
        return value.interp.call(_function_of(forward), [value, *args], kwargs)

    @staticmethod
    def playground_forward(module: nn.Module, interp, args: Args, kwargs: Kwargs, hooks: bool):
        """`model(x)` (through PyTorch's `__call__`) or `model.forward(x)`."""
        return module(*args, **kwargs) if hooks else module.forward(*args, **kwargs)


class ModuleBase(SandboxObject):
    """`nn.Module` itself: something to subclass (or an empty module)."""

    kind = "class"

    def __repr__(self) -> str:
        return "<class 'torch.nn.modules.module.Module'>"

    def call(self, interp, args: Args, kwargs: Kwargs) -> ModuleValue:
        if args or kwargs:
            raise ProgramError("nn.Module() takes no arguments.")
        interp.ctx.count_items(MODULE_COST)
        return ModuleValue(nn.Module())

    def subclass(self, interp, name: str, members: dict[str, object]) -> UserModuleClass:
        interp.ctx.count_items(MODULE_COST)  # a real class each time: a loop could make many
        return UserModuleClass(name, members, None)

    def super_of(self, interp, instance: object) -> SandboxObject:
        return SuperView(_instance(instance), None)

    def instance_check(self, value: object) -> bool:
        return isinstance(value, ModuleValue)


def module_base() -> ModuleBase:
    """`torch.nn.Module` for one run."""
    return ModuleBase()


def _instance(value: object) -> UserModuleValue:
    if not isinstance(value, UserModuleValue):
        raise ProgramError("super() works inside the methods of your nn.Module subclass.")
    return value


class UserModuleClass(SandboxObject):
    """`class Model(nn.Module):` (or a subclass of such a class)."""

    kind = "class"

    def __init__(
        self, name: str, members: dict[str, object], parent: UserModuleClass | None
    ) -> None:
        self.name = name
        self.members = dict(members)
        self.parent = parent
        base = _UserModule if parent is None else parent.real
        # A real class named as the program named it: PyTorch prints `Model(...)`.
        self.real = type(name, (base,), {"__module__": "__main__", "__qualname__": name})

    def __repr__(self) -> str:
        return f"<class '__main__.{self.name}'>"

    def lookup(self, name: str) -> object | None:
        """A member of this class or the nearest parent class that has it."""
        cls: UserModuleClass | None = self
        while cls is not None:
            if name in cls.members:
                return cls.members[name]
            cls = cls.parent
        return None

    def lineage(self) -> list[UserModuleClass]:
        chain, cls = [], self
        while cls is not None:
            chain.append(cls)
            cls = cls.parent
        return chain

    def call(self, interp, args: Args, kwargs: Kwargs) -> UserModuleValue:
        """`Model(...)`: a fresh real module, then the program's `__init__` on it."""
        interp.ctx.count_items(MODULE_COST)
        instance = UserModuleValue(self.real(), self, interp)
        init = self.lookup("__init__")
        if init is None:
            if args or kwargs:
                raise ProgramError(f"{self.name}() takes no arguments.")
            return instance
        if interp.call(_function_of(init), [instance, *args], kwargs) is not None:
            raise ProgramError("__init__() should return None.")
        return instance

    def get_attribute(self, interp, name: str) -> object:
        member = self.lookup(name)
        if member is None:
            raise NotAllowed(f"`{self.name}.{name}` is not available.")
        return _function_of(member)

    def subclass(self, interp, name: str, members: dict[str, object]) -> UserModuleClass:
        interp.ctx.count_items(MODULE_COST)
        return UserModuleClass(name, members, self)

    def super_of(self, interp, instance: object) -> SandboxObject:
        return SuperView(_instance(instance), self.parent)

    def instance_check(self, value: object) -> bool:
        return isinstance(value, UserModuleValue) and self in value.cls.lineage()


class UserModuleValue(ModuleValue):
    """An instance of a user's module class."""

    def __init__(self, module: nn.Module, cls: UserModuleClass, interp) -> None:
        super().__init__(module)
        self.cls = cls
        self._interp = weakref.ref(interp)  # see `running`
        self.attributes: dict[str, object] = {}  # everything that is not a module or tensor
        # Until `super().__init__()` runs, PyTorch refuses layers and parameters; so do
        # we (the real module is ready, but the program must work in plain PyTorch too).
        self.initialised = cls.lookup("__init__") is None

    @property
    def kind(self) -> str:  # type: ignore[override]
        return self.cls.name

    @property
    def interp(self):
        return running(self._interp)

    def get_attribute(self, interp, name: str) -> object:
        if name in self.attributes:
            return self.attributes[name]
        found = registered(self.module, name)
        if found is not NOT_REGISTERED:
            return found
        member = self.cls.lookup(name)
        if member is not None:
            return _bind_member(member, self)
        if name in METHODS or name in RESERVED or name == "training":
            return super().get_attribute(interp, name)
        raise ProgramError(f"{self.kind} has no attribute `{name}`.")

    def set_attribute(self, interp, name: str, value: object) -> None:
        """`self.fc = nn.Linear(...)` registers a layer, `self.w = nn.Parameter(...)` a
        parameter (as in PyTorch); anything else is kept on our side."""
        module = self.module
        if name in RESERVED:
            raise NotAllowed(
                f"`self.{name}` would hide nn.Module's own `{name}`: choose another name."
            )
        if not self.initialised and isinstance(value, ModuleValue | nn.Parameter):
            what = "module" if isinstance(value, ModuleValue) else "parameters"
            raise ProgramError(
                f"AttributeError: cannot assign {what} before Module.__init__() call",
                hint="Call super().__init__() first in __init__.",
            )
        if name == "training":
            if not isinstance(value, bool):
                raise ProgramError("training must be True or False.")
            module.training = value
        elif isinstance(value, ModuleValue):
            check_no_cycle(module, value.module)
            self.attributes.pop(name, None)
            setattr(module, name, value.module)
        elif isinstance(value, nn.Parameter) or name in module._parameters:
            if not isinstance(value, nn.Parameter | type(None)):
                raise ProgramError(
                    f"`{name}` is a parameter: assign an nn.Parameter or None, "
                    f"not {type_name(value)}."
                )
            self.attributes.pop(name, None)
            setattr(module, name, value)
        elif name in module._modules or name in module._buffers:
            buffer = name in module._buffers and isinstance(value, torch.Tensor)
            if not (buffer or value is None):
                raise ProgramError(f"`{name}` is a submodule or buffer of {self.kind}.")
            setattr(module, name, value)
        else:
            self.attributes[name] = value


class SuperView(SandboxObject):
    """`super()` inside a module method: the parent class's members on this instance."""

    kind = "super"

    def __init__(self, instance: UserModuleValue, parent: UserModuleClass | None) -> None:
        self.instance = instance
        self.parent = parent

    def __repr__(self) -> str:
        return f"<super: {self.instance.kind}>"

    def get_attribute(self, interp, name: str) -> object:
        member = None if self.parent is None else self.parent.lookup(name)
        if member is not None:
            return _bind_member(member, self.instance)
        if name == "__init__":
            return Method("Module", "__init__", self._module_init)
        if name in METHODS:
            return ModuleValue.get_attribute(self.instance, interp, name)
        raise NotAllowed(f"`super().{name}` is not available.")

    def _module_init(self, interp, args: Args, kwargs: Kwargs) -> None:
        """`nn.Module.__init__()`: the real module was ready when it was made."""
        if args or kwargs:
            raise ProgramError("nn.Module.__init__() takes no arguments.")
        self.instance.initialised = True


# -- torch.autograd.Function ----------------------------------------------------------


class FunctionBase(SandboxObject):
    """`torch.autograd.Function`: only something to subclass."""

    kind = "class"

    def __repr__(self) -> str:
        return "<class 'torch.autograd.function.Function'>"

    def subclass(self, interp, name: str, members: dict[str, object]) -> UserFunctionClass:
        interp.ctx.count_items(MODULE_COST)
        return UserFunctionClass(interp, name, members)

    def call(self, interp, args: Args, kwargs: Kwargs) -> object:
        raise ProgramError("Subclass torch.autograd.Function and call YourFunction.apply(...).")


class UserFunctionClass(SandboxObject):
    """`class MyReLU(torch.autograd.Function):` with static `forward` and `backward`."""

    kind = "class"

    def __init__(self, interp, name: str, members: dict[str, object]) -> None:
        self.name = name
        self._interp = weakref.ref(interp)  # see `running`
        self.members = dict(members)
        for needed in ("forward", "backward"):
            if needed not in members:
                raise ProgramError(f"{name} must define a static `{needed}(ctx, ...)`.")
        forward = _function_of(members["forward"])
        backward = _function_of(members["backward"])
        self.real = type(
            name,
            (torch.autograd.Function,),
            {
                "__module__": "__main__",
                "__qualname__": name,
                "forward": staticmethod(lambda ctx, *args: self._forward(forward, ctx, args)),
                "backward": staticmethod(lambda ctx, *grads: self._backward(backward, ctx, grads)),
            },
        )

    def __repr__(self) -> str:
        return f"<class '__main__.{self.name}'>"

    def get_attribute(self, interp, name: str) -> object:
        if name == "apply":
            return Method(self.name, "apply", self._apply)
        if name in self.members:
            return _function_of(self.members[name])
        raise NotAllowed(f"`{self.name}.{name}` is not available.")

    def call(self, interp, args: Args, kwargs: Kwargs) -> object:
        raise ProgramError(f"Call {self.name}.apply(...), not {self.name}(...).")

    def _apply(self, interp, args: Args, kwargs: Kwargs) -> object:
        if kwargs:
            raise ProgramError(f"{self.name}.apply() takes positional arguments only.")
        result = self.real.apply(*args)
        tensors = tuple(a for a in args if isinstance(a, torch.Tensor))
        for output in result if isinstance(result, tuple) else (result,):
            interp.ctx.count_op(output)
            interp.ctx.tracer.record(output, tensors)
        return result

    def _forward(self, forward: object, ctx: object, args: tuple) -> object:
        view = FunctionCtx(ctx)
        ctx.playground_ctx = view  # found again by backward; PyTorch's ctx takes attributes
        result = running(self._interp).call(forward, [view, *args], {})
        _check_tensors(result, f"{self.name}.forward", forward, allow_none=False)
        return result

    def _backward(self, backward: object, ctx: object, grads: tuple) -> object:
        view = getattr(ctx, "playground_ctx", None)
        if not isinstance(view, FunctionCtx):
            raise ProgramError(f"{self.name}.backward ran without its forward.")
        result = running(self._interp).call(backward, [view, *grads], {})
        _check_tensors(result, f"{self.name}.backward", backward, allow_none=True)
        return result


def _check_tensors(result: object, what: str, function: object, allow_none: bool) -> None:
    """What a custom forward/backward returned; a wrong kind is refused at its `def`."""
    items = result if isinstance(result, tuple) else (result,)
    allowed = torch.Tensor | type(None) if allow_none else torch.Tensor
    if not items or not all(isinstance(item, allowed) for item in items):
        expected = "tensors or None" if allow_none else "a tensor or a tuple of tensors"
        error = ProgramError(f"{what} must return {expected}, not {to_text(result)[:40]}.")
        if isinstance(function, Closure):
            error.at(function.node.lineno, function.node.col_offset)
        raise error


_CTX_METHODS = frozenset(
    {"save_for_backward", "mark_non_differentiable", "mark_dirty", "set_materialize_grads"}
)


class FunctionCtx(SandboxObject):
    """The `ctx` of a custom Function: saved tensors, flags, and the program's notes."""

    kind = "ctx"

    def __init__(self, ctx: object) -> None:
        self.ctx = ctx
        self.attributes: dict[str, object] = {}

    def __repr__(self) -> str:
        return "<ctx>"

    def get_attribute(self, interp, name: str) -> object:
        if name == "saved_tensors":
            return self.ctx.saved_tensors
        if name == "needs_input_grad":
            return tuple(self.ctx.needs_input_grad)
        if name in _CTX_METHODS:
            return Method(
                "ctx", name, lambda interp, args, kwargs: self._method(name, args, kwargs)
            )
        if name in self.attributes:
            return self.attributes[name]
        raise ProgramError(f"ctx has no attribute `{name}`: set it in forward first.")

    def set_attribute(self, interp, name: str, value: object) -> None:
        if name in _CTX_METHODS or name in ("saved_tensors", "needs_input_grad"):
            raise NotAllowed(f"`ctx.{name}` cannot be assigned.")
        self.attributes[name] = value

    def _method(self, name: str, args: Args, kwargs: Kwargs) -> None:
        if kwargs:
            raise ProgramError(f"ctx.{name}() takes positional arguments only.")
        if name == "set_materialize_grads":
            if len(args) != 1 or not isinstance(args[0], bool):
                raise ProgramError("ctx.set_materialize_grads() takes True or False.")
            self.ctx.set_materialize_grads(args[0])
            return
        if not all(isinstance(a, torch.Tensor | type(None)) for a in args):
            raise ProgramError(f"ctx.{name}() takes tensors.")
        if name == "save_for_backward":
            self.ctx.save_for_backward(*args)
        elif name == "mark_dirty":
            self.ctx.mark_dirty(*args)
        else:
            self.ctx.mark_non_differentiable(*args)


def autograd_members() -> dict[str, object]:
    """`torch.autograd.Function` (the rest of `torch.autograd` comes from elsewhere)."""
    return {"Function": FunctionBase()}
