"""`run(source)`: the whole pipeline from text to a plain-data result.

source -> vetted AST -> interpreter (real torch ops) -> snapshots and graph model.
Safe to call from many threads: every piece of state lives in this call.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field, replace

import torch

from .graph.model import (
    DEFAULT_MAX_NODES,
    HIDDEN_COUNT_LIMIT,
    Graph,
    build_graph,
    build_graph_with_ids,
)
from .graph.tensor_info import JsonBudget, Snapshots, TensorInfo, for_page
from .sandbox.core.budgets import DEFAULT_BUDGETS, Budgets
from .sandbox.core.context import DEFAULT_SEED, RunContext
from .sandbox.core.errors import BudgetExceeded, ErrorInfo, PlaygroundError
from .sandbox.core.program_warnings import ProgramWarning, caught_warnings
from .sandbox.interpreter import Interpreter
from .sandbox.loop_record import LoopRecord
from .sandbox.nn.nn_values import module_paths, owned_tensors
from .sandbox.source_check import parse_program
from .sandbox.tensors.backward_steps import BackwardStep, to_steps
from .training.datasets import crop_tensors

# Describing 5,000 nodes, or counting 50,000 hidden ones, takes over a second; a
# program stopped by a budget shows and counts a smaller part of its graph, so the
# refusal still arrives within the time budget.
REFUSED_MAX_NODES = 600


@dataclass(frozen=True)
class RunResult:
    """What a run produced: the same information as `eval --json`."""

    ok: bool
    error: ErrorInfo | None
    output: str
    tensors: dict[str, TensorInfo]
    graph: Graph | None
    raw_graph: Graph | None = None
    backward_called: bool = False
    steps: tuple[BackwardStep, ...] = ()  # the last backward(), node by node
    backward_calls: int = 0
    output_value: float | None = None  # the value backward() was last called on
    seconds_budget: float = field(default=DEFAULT_BUDGETS.wall_seconds)
    # The numbers of the program's training loop per iteration (bounded: at most
    # 1,001 iterations, 12 series, 8 tensors of <= 16 elements; see `loop_record`).
    loops: LoopRecord | None = None
    # What PyTorch and Python warned about, once per line (`program_warnings`).
    warnings: tuple[ProgramWarning, ...] = ()

    def for_page(self) -> RunResult:
        """The same result with every tensor of more than 16 elements summarised.

        What the page shows and nothing more: the lab keeps two results per session,
        and a result with all values of big tensors is tens of megabytes.
        """
        infos: dict[int, TensorInfo] = {}

        def page(info: TensorInfo) -> TensorInfo:
            return infos.setdefault(id(info), info.for_page())

        return replace(
            self,
            tensors={name: page(info) for name, info in self.tensors.items()},
            graph=_graph_for_page(self.graph, page),
            raw_graph=_graph_for_page(self.raw_graph, page),
            steps=tuple(_step_for_page(step) for step in self.steps),
        )

    def to_json(self) -> dict:
        """The CLI contract: ok, error, output, warnings, tensors, graph (values bounded)."""
        budget = JsonBudget()
        return {
            "ok": self.ok,
            "error": None if self.error is None else self.error.to_json(),
            "output": self.output,
            "warnings": [w._asdict() for w in self.warnings],
            "tensors": {name: info.to_json(budget) for name, info in self.tensors.items()},
            "graph": None if self.graph is None else self.graph.to_json(budget),
        }


def run(
    source: str,
    budgets: Budgets = DEFAULT_BUDGETS,
    seed: int = DEFAULT_SEED,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    *,
    float64: bool = False,
    overrides: dict[str, torch.Tensor] | None = None,
    line: ctypes.c_int | None = None,
    stop: ctypes.c_int | None = None,
    summarise: bool = False,
) -> RunResult:
    """Run `source` in the sandbox and describe everything it left behind.

    Never raises for anything the program does; the error is in the result.
    `float64` and `overrides` serve the gradient check (see `gradcheck`); `line`
    receives the line being run (a worker's shared slot, read if the worker dies),
    and a non-zero `stop` (set by the server) ends the run at its next check;
    `summarise` returns `RunResult.for_page()` (what a page keeps).
    """
    from .sandbox import warm  # noqa: F401  (PyTorch's lazy imports, once per process)

    ctx = RunContext(budgets, seed, float64=float64, overrides=overrides, line=line, stop=stop)
    scope: dict[str, object] = dict(crop_tensors())
    if float64:
        scope = {k: v.double() for k, v in scope.items()}
    error: PlaygroundError | None = None
    warned: list[ProgramWarning] = []
    interpreter = Interpreter(ctx, scope)
    try:
        with caught_warnings(ctx, warned):
            interpreter.run(parse_program(source, budgets))
    except PlaygroundError as exc:
        # Kept without its traceback: the frames it holds (this one included) keep the
        # program's tensors alive in a reference cycle until the next collection; in
        # a worker, erroring runs then piled up hundreds of MB (red team).
        error = exc.with_traceback(None)
        error.__context__ = error.__cause__ = None
    except RecursionError:
        error = BudgetExceeded("The program is nested or recursive too deeply.")
    except MemoryError:
        error = BudgetExceeded("The program ran out of memory.")
    except Exception as exc:  # a bug of ours must still not crash the page
        error = PlaygroundError(f"Internal error ({type(exc).__name__}): {exc}")
    count_limit = HIDDEN_COUNT_LIMIT
    if isinstance(error, BudgetExceeded):
        count_limit = REFUSED_MAX_NODES
        if max_nodes is None or max_nodes > REFUSED_MAX_NODES:
            max_nodes = REFUSED_MAX_NODES
    result = _describe(ctx, scope, error, max_nodes, count_limit)
    result = replace(result, loops=interpreter.loops.best, warnings=tuple(warned))
    return result.for_page() if summarise else result


def _graph_for_page(graph: Graph | None, page) -> Graph | None:
    if graph is None:
        return None
    nodes = tuple(n if n.tensor is None else replace(n, tensor=page(n.tensor)) for n in graph.nodes)
    return replace(graph, nodes=nodes)


def _step_for_page(step: BackwardStep) -> BackwardStep:
    def page(array):
        return None if array is None else for_page(array)

    return replace(
        step,
        arrived=page(step.arrived),
        contributions=tuple((to, page(a)) for to, a in step.contributions),
        sent=tuple((to, page(local), page(product)) for to, local, product in step.sent),
    )


def _scalar(tensor: torch.Tensor | None) -> float | None:
    if tensor is None or tensor.numel() != 1:
        return None
    return float(tensor.detach().reshape(()))


def _describe(
    ctx: RunContext,
    scope: dict,
    error: PlaygroundError | None,
    max_nodes: int | None,
    count_limit: int = HIDDEN_COUNT_LIMIT,
) -> RunResult:
    tensors: dict[str, TensorInfo] = {}
    snapshots = Snapshots()  # one copy per tensor, however many names and nodes show it
    for name, value in scope.items():
        if isinstance(value, torch.Tensor):
            tensors[name] = snapshots.get(value, name)
    names = {id(v): k for k, v in scope.items() if isinstance(v, torch.Tensor)}
    for name, tensor in owned_tensors(scope):
        tensors.setdefault(name, snapshots.get(tensor, name))
        names.setdefault(id(tensor), name)
    root = ctx.backward_root if ctx.backward_root is not None else ctx.last_graph_tensor
    graph = raw = None
    steps: tuple[BackwardStep, ...] = ()
    if root is not None:
        limits = {
            "max_nodes": max_nodes,
            "count_limit": count_limit,
            "snapshots": snapshots,
            "layers": module_paths(scope),
        }
        graph, shown = build_graph_with_ids(root, names, ctx.tracer, **limits)
        raw = build_graph(root, names, ctx.tracer, raw=True, **limits)
        if root is ctx.backward_root and not graph.hidden:
            steps = to_steps(ctx.backward_events, shown)
    return RunResult(
        ok=error is None,
        error=None if error is None else error.info(),
        output=ctx.output,
        tensors=tensors,
        graph=graph,
        raw_graph=raw,
        backward_called=ctx.backward_root is not None,
        steps=steps,
        backward_calls=ctx.backward_calls,
        output_value=_scalar(ctx.backward_root),
        seconds_budget=ctx.budgets.wall_seconds,
    )
