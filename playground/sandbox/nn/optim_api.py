"""`torch.optim` and `torch.optim.lr_scheduler`: real optimizers behind a facade.

The program never holds PyTorch's optimizer, its `state` or its own param-group
dicts. `opt.param_groups` is a list of plain dicts owned by the facade (numbers,
flags and the list of parameters); before each `step()` the changed numbers are
checked and copied into the real groups (`g["lr"] = 0.01` works as in PyTorch),
and afterwards the real values are copied back (a scheduler's new `lr` shows).
Optimizer state (momentum, Adam's averages) is counted against the element
budget the first time it appears, so many optimizers cannot hoard memory.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch.optim import lr_scheduler

from ..core.context import RunContext
from ..core.errors import NotAllowed, ProgramError
from ..core.text import to_repr
from ..core.values import SandboxObject
from .nn_values import Method, bind, check_flag

Args = list[object]
Kwargs = dict[str, object]

# Param-group entries a program may change, and what each must be.
NUMBER_KEYS = frozenset(
    {"lr", "momentum", "dampening", "weight_decay", "eps", "alpha", "lr_decay",
     "initial_accumulator_value"}
)  # fmt: skip
FLAG_KEYS = frozenset({"nesterov", "amsgrad", "centered", "maximize"})
TUPLE_KEYS = frozenset({"betas"})


@dataclass(frozen=True)
class OptimizerSpec:
    cls: type[torch.optim.Optimizer]
    params: tuple[str, ...]  # after `params`, in positional order
    keywords: tuple[str, ...] = ("maximize",)  # keyword-only


OPTIMIZERS: dict[str, OptimizerSpec] = {
    "SGD": OptimizerSpec(
        torch.optim.SGD, ("lr", "momentum", "dampening", "weight_decay", "nesterov")
    ),
    "Adam": OptimizerSpec(torch.optim.Adam, ("lr", "betas", "eps", "weight_decay", "amsgrad")),
    "AdamW": OptimizerSpec(torch.optim.AdamW, ("lr", "betas", "eps", "weight_decay", "amsgrad")),
    "RMSprop": OptimizerSpec(
        torch.optim.RMSprop, ("lr", "alpha", "eps", "weight_decay", "momentum", "centered")
    ),
    "Adagrad": OptimizerSpec(
        torch.optim.Adagrad,
        ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps"),
    ),
}


def checked_setting(key: str, value: object) -> object:
    """A hyper-parameter value as the optimizer may take it, or a clear refusal."""
    if key in NUMBER_KEYS:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ProgramError(f"The optimizer's `{key}` must be a number.")
        return value
    if key in FLAG_KEYS:
        return check_flag(value, f"The optimizer's `{key}`")
    if key in TUPLE_KEYS:
        if (
            not isinstance(value, tuple | list)
            or len(value) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        ):
            raise ProgramError(f"The optimizer's `{key}` must be two numbers, e.g. (0.9, 0.999).")
        return tuple(value)
    raise NotAllowed(f"The optimizer's `{key}` cannot be set in the playground.")


def _parameter_list(value: object, what: str) -> list[torch.Tensor]:
    items = [value] if isinstance(value, torch.Tensor) else value
    if not isinstance(items, list | tuple) or not all(isinstance(p, torch.Tensor) for p in items):
        raise ProgramError(f"{what} takes the tensors to optimize, e.g. model.parameters().")
    return list(items)


def _groups(value: object, what: str) -> list[object]:
    """`params` as PyTorch takes it: tensors, or a list of dicts (param groups)."""
    if isinstance(value, list | tuple) and value and all(isinstance(g, dict) for g in value):
        groups = []
        for group in value:
            settings = {k: v for k, v in group.items() if k != "params"}
            if not all(isinstance(k, str) for k in settings):
                raise ProgramError(f"{what}: param group keys must be strings.")
            checked = {k: checked_setting(k, v) for k, v in settings.items()}
            groups.append({"params": _parameter_list(group.get("params"), what), **checked})
        return groups
    return _parameter_list(value, what)


class OptimizerClass(SandboxObject):
    """`torch.optim.SGD` and friends."""

    kind = "class"

    def __init__(self, spec: OptimizerSpec) -> None:
        self.spec = spec

    def __repr__(self) -> str:
        cls = self.spec.cls
        return f"<class '{cls.__module__}.{cls.__qualname__}'>"

    def call(self, interp, args: Args, kwargs: Kwargs) -> OptimizerValue:
        spec = self.spec
        what = f"torch.optim.{spec.cls.__name__}"
        positional = ("params", *spec.params)
        keywords = {k: v for k, v in kwargs.items() if k in spec.keywords}
        bound = bind(what, positional, args, {k: v for k, v in kwargs.items() if k not in keywords})
        if "params" not in bound:
            raise ProgramError(f"{what} takes the parameters to optimize first.")
        params = _groups(bound.pop("params"), what)
        settings = {k: checked_setting(k, v) for k, v in {**bound, **keywords}.items()}
        return OptimizerValue(interp.ctx, spec.cls(params, **settings))

    def subclass(self, interp, name: str, members: dict[str, object]) -> SandboxObject:
        raise NotAllowed(f"Classes cannot inherit from torch.optim.{self.spec.cls.__name__}.")


class OptimizerValue(SandboxObject):
    """One optimizer: `step()`, `zero_grad()`, `param_groups` (a checked copy)."""

    def __init__(self, ctx: RunContext, optimizer: torch.optim.Optimizer) -> None:
        self.optimizer = optimizer
        self.ctx = ctx
        self.views = [_view(group) for group in optimizer.param_groups]
        self.counted: set[tuple[int, str]] = set()  # state tensors already counted

    @property
    def kind(self) -> str:  # type: ignore[override]
        return type(self.optimizer).__name__

    def __repr__(self) -> str:
        self.sync_in()
        return repr(self.optimizer)

    def get_attribute(self, interp, name: str) -> object:
        if name == "param_groups":
            return self.views
        if name == "defaults":  # a copy of plain settings: changing it changes nothing, as
            return {k: v for k, v in self.optimizer.defaults.items() if _plain_setting(v)}
        if name in ("step", "zero_grad"):
            fn = self._step if name == "step" else self._zero_grad
            return Method(self.kind, name, fn)
        raise NotAllowed(f"`.{name}` of {self.kind} is not available in the playground.")

    def sync_in(self) -> None:
        """Copy the program's changes of `param_groups` into the real groups, checked."""
        if len(self.views) != len(self.optimizer.param_groups):
            raise ProgramError("param_groups cannot gain or lose groups in the playground.")
        for view, group in zip(self.views, self.optimizer.param_groups, strict=True):
            params = view.get("params")
            if (
                not isinstance(params, list)
                or len(params) != len(group["params"])
                or any(a is not b for a, b in zip(params, group["params"], strict=True))
            ):
                raise ProgramError("The params of a param group cannot be changed here.")
            for key, value in view.items():
                if key != "params" and key in group and _changed(value, group[key]):
                    group[key] = checked_setting(key, value)

    def sync_out(self) -> None:
        """Show the real groups' values (a scheduler changes `lr`) in the program's copy."""
        for view, group in zip(self.views, self.optimizer.param_groups, strict=True):
            for key, value in group.items():
                if key != "params":
                    view[key] = value

    def _step(self, interp, args: Args, kwargs: Kwargs) -> object:
        bound = bind(f"{self.kind}.step", ("closure",), args, kwargs)
        loss = None
        if bound.get("closure") is not None:
            with torch.enable_grad():
                loss = interp.call(bound["closure"], [], {})
        self.sync_in()
        self.optimizer.step()
        for group in self.optimizer.param_groups:
            for param in group["params"]:
                if param.grad is not None:
                    self.ctx.count_op()
        self._count_state()
        self.sync_out()
        return loss

    def _count_state(self) -> None:
        """Count each new state tensor (momentum, averages) once against the budget."""
        for param, state in self.optimizer.state.items():
            for key, value in state.items():
                if isinstance(value, torch.Tensor) and (id(param), key) not in self.counted:
                    self.counted.add((id(param), key))
                    self.ctx.count_elements(value)

    def _zero_grad(self, interp, args: Args, kwargs: Kwargs) -> None:
        bound = bind(f"{self.kind}.zero_grad", ("set_to_none",), args, kwargs)
        flag = check_flag(bound.get("set_to_none", True), "set_to_none")
        self.optimizer.zero_grad(set_to_none=flag)


class ParamGroup(dict):
    """The program's copy of one param group: a plain dict of settings and the list
    of parameters, printed as a dict prints but with each tensor's text bounded."""

    def __repr__(self) -> str:
        return "{" + ", ".join(f"{key!r}: {to_repr(value)}" for key, value in self.items()) + "}"

    __str__ = __repr__


def _view(group: dict) -> ParamGroup:
    return ParamGroup(
        (key, list(value) if key == "params" else value) for key, value in group.items()
    )


def _changed(new: object, old: object) -> bool:
    if isinstance(new, float) and isinstance(old, float) and math.isnan(new) and math.isnan(old):
        return False
    return type(new) is not type(old) or new != old


# -- learning-rate schedulers -------------------------------------------------------------


@dataclass(frozen=True)
class SchedulerSpec:
    cls: type
    params: tuple[str, ...]


SCHEDULERS: dict[str, SchedulerSpec] = {
    "StepLR": SchedulerSpec(lr_scheduler.StepLR, ("step_size", "gamma")),
    "MultiStepLR": SchedulerSpec(lr_scheduler.MultiStepLR, ("milestones", "gamma")),
    "ExponentialLR": SchedulerSpec(lr_scheduler.ExponentialLR, ("gamma",)),
    "CosineAnnealingLR": SchedulerSpec(lr_scheduler.CosineAnnealingLR, ("T_max", "eta_min")),
}


class SchedulerClass(SandboxObject):
    kind = "class"

    def __init__(self, spec: SchedulerSpec) -> None:
        self.spec = spec

    def __repr__(self) -> str:
        return f"<class 'torch.optim.lr_scheduler.{self.spec.cls.__name__}'>"

    def call(self, interp, args: Args, kwargs: Kwargs) -> SchedulerValue:
        what = f"torch.optim.lr_scheduler.{self.spec.cls.__name__}"
        bound = bind(what, ("optimizer", *self.spec.params), args, kwargs)
        optimizer = bound.pop("optimizer", None)
        if not isinstance(optimizer, OptimizerValue):
            raise ProgramError(f"{what} takes an optimizer first.")
        for key, value in bound.items():
            if key == "milestones":
                if (
                    not isinstance(value, list | tuple)
                    or len(value) > 1000
                    or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
                ):
                    raise ProgramError(f"{what}: milestones must be a list of whole numbers.")
            elif isinstance(value, bool) or not isinstance(value, int | float):
                raise ProgramError(f"{what}: `{key}` must be a number.")
        optimizer.sync_in()
        scheduler = self.spec.cls(optimizer.optimizer, **bound)
        optimizer.sync_out()
        return SchedulerValue(scheduler, optimizer)

    def subclass(self, interp, name: str, members: dict[str, object]) -> SandboxObject:
        raise NotAllowed("Classes cannot inherit from a learning-rate scheduler.")


class SchedulerValue(SandboxObject):
    """A scheduler: `step()`, `get_last_lr()`, `last_epoch`."""

    def __init__(self, scheduler: object, optimizer: OptimizerValue) -> None:
        self.scheduler = scheduler
        self.optimizer = optimizer

    @property
    def kind(self) -> str:  # type: ignore[override]
        return type(self.scheduler).__name__

    def __repr__(self) -> str:
        return f"<torch.optim.lr_scheduler.{self.kind} object>"

    def get_attribute(self, interp, name: str) -> object:
        if name == "last_epoch":
            return self.scheduler.last_epoch
        if name in ("step", "get_last_lr"):
            return Method(self.kind, name, self._step if name == "step" else self._last_lr)
        raise NotAllowed(f"`.{name}` of {self.kind} is not available in the playground.")

    def _step(self, interp, args: Args, kwargs: Kwargs) -> None:
        if args or kwargs:
            raise ProgramError(f"{self.kind}.step() takes no arguments.")
        self.optimizer.sync_in()
        self.scheduler.step()
        self.optimizer.sync_out()

    def _last_lr(self, interp, args: Args, kwargs: Kwargs) -> list:
        if args or kwargs:
            raise ProgramError("get_last_lr() takes no arguments.")
        return [float(lr) for lr in self.scheduler.get_last_lr()]


def optim_members() -> dict[str, object]:
    """The members of `torch.optim` (its `lr_scheduler` comes from `modules`)."""
    return {name: OptimizerClass(spec) for name, spec in OPTIMIZERS.items()}


def scheduler_members() -> dict[str, object]:
    return {name: SchedulerClass(spec) for name, spec in SCHEDULERS.items()}


def warm_up() -> None:
    """Step every optimizer and scheduler once, so the first `step()` of a run reads no
    file (it imports `torch._dynamo`); called once per process by `sandbox.warm`."""
    weight = torch.nn.Parameter(torch.zeros(2))
    for spec in OPTIMIZERS.values():
        optimizer = spec.cls([weight], lr=0.1)
        scheduler = lr_scheduler.StepLR(optimizer, 1)
        weight.grad = torch.ones(2)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()


def _plain_setting(value: object) -> bool:
    """A hyperparameter a program may read: numbers, flags, None, tuples of numbers."""
    if isinstance(value, tuple):
        return all(isinstance(v, bool | int | float) for v in value)
    return value is None or isinstance(value, bool | int | float | str)
