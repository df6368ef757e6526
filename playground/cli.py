"""`python -m playground eval|graph|train`: the sandbox from a shell, JSON out.

`eval --json` and `graph` describe the whole autograd graph, however large (the page
draws the part nearest the output and summarises the rest); `--max-nodes N` summarises
as the page does, keeping the N nodes nearest the output and counting the others.

Exit status: 0 ok, 1 the program was refused or failed, 2 bad usage. Never a
traceback: anything unexpected is reported as JSON with exit status 1.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from .graph.render_dot import dot_source
from .graph.render_svg import SvgUnavailable, svg_from_dot
from .isolated import run_isolated
from .isolation import WorkerPool
from .isolation.limits import Limits
from .runner import RunResult
from .sandbox.core.budgets import (
    ENVIRONMENT_VARIABLE,
    HOSTED_BUDGETS,
    LOCAL_BUDGETS,
    PROFILES,
    Budgets,
    budgets_named,
)
from .training import datasets
from .training.descent import OPTIMIZERS, TrainConfig, train

DESCRIBE_SECONDS = 60.0  # the worker's wall clock: the program's budget, then describing


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed the usage message
        return 0 if exc.code == 0 else 2
    if args.command == "train":
        return _train(args, parser)
    try:
        source = _read(args.file)
    except OSError as exc:
        print(f"error: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    if args.max_nodes is not None and args.max_nodes < 1:
        parser.print_usage(sys.stderr)
        print("error: --max-nodes must be at least 1", file=sys.stderr)
        return 2
    budgets = budgets_named(args.budgets)
    if args.command == "eval":
        return _eval(source, args.json, args.max_nodes, budgets)
    return _graph(source, args.format, args.raw, args.max_nodes, budgets)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m playground", description="Run PyTorch code in the sandbox."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    ev = sub.add_parser("eval", help="run a program and describe its tensors and graph")
    ev.add_argument("file", nargs="?", default="-", help="program file, or - for stdin")
    ev.add_argument("--json", action="store_true", help="print one JSON object")
    _max_nodes_argument(ev)
    _budgets_argument(ev)
    gr = sub.add_parser("graph", help="write the autograd graph of a program")
    gr.add_argument("file", nargs="?", default="-", help="program file, or - for stdin")
    gr.add_argument("--format", choices=("dot", "svg", "json"), default="dot")
    gr.add_argument("--raw", action="store_true", help="PyTorch's own view of the graph")
    _max_nodes_argument(gr)
    _budgets_argument(gr)
    _train_parser(sub)
    return parser


def _max_nodes_argument(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--max-nodes",
        type=int,
        default=None,
        metavar="N",
        help="keep the N nodes nearest the output and summarise the rest (default: every node)",
    )


def _budgets_argument(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--budgets",
        choices=tuple(PROFILES),
        default=os.environ.get(ENVIRONMENT_VARIABLE) or "hosted",
        help="hosted: the server's limits (default); local: ten times the sizes and "
        "counts and 30 s, for one user on their own machine (or PLAYGROUND_BUDGETS=local)",
    )


def _train_parser(sub: argparse._SubParsersAction) -> None:
    tr = sub.add_parser("train", help="gradient descent on linear regression")
    tr.add_argument("--dataset", choices=("crops", "line", "csv"), default="crops")
    tr.add_argument("--epochs", type=int, default=100)
    tr.add_argument("--lr", type=float, default=1e-5)
    tr.add_argument("--seed", type=int, default=0)
    tr.add_argument("--optimizer", choices=OPTIMIZERS, default="manual")
    tr.add_argument("--batch-size", type=int, default=None, help="default: full batch")
    tr.add_argument("--standardize", action="store_true")
    tr.add_argument("--forget-zero-grad", action="store_true")
    tr.add_argument("--points", type=int, default=40, help="line: number of points")
    tr.add_argument("--noise", type=float, default=1.0, help="line: noise level")
    tr.add_argument("--slope", type=float, default=2.0, help="line: true a")
    tr.add_argument("--intercept", type=float, default=-1.0, help="line: true b")
    tr.add_argument("--data-seed", type=int, default=0, help="line: seed of the data")
    tr.add_argument("--csv", help="CSV file (with --dataset csv, or alone)")
    tr.add_argument("--x", help="input columns, comma-separated")
    tr.add_argument("--y", help="target columns, comma-separated")
    tr.add_argument("--json", action="store_true", help="print one JSON object")


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read()


def _run(source: str, max_nodes: int | None, budgets: Budgets = HOSTED_BUDGETS) -> RunResult:
    """The program in a worker process, as on the server: one that crashes PyTorch or
    outgrows its memory ends as an error result, not as a dead command. Plain fork:
    this process runs no other threads. Describing a whole graph of tens of thousands
    of nodes takes seconds, so the worker's clock allows for it. The worker imports
    `sandbox.warm` before its limits are set: imported by the run instead, under
    them, `torch._dynamo` asks `tempfile` for a directory it can write a file in
    (none, with file writes capped at 0 bytes) and every run failed."""
    limits = Limits.local() if budgets is LOCAL_BUDGETS else Limits.from_environment()
    pool = WorkerPool(workers=1, limits=limits, start="fork", preload=("playground.sandbox.warm",))
    seconds = DESCRIBE_SECONDS + budgets.wall_seconds
    try:
        return run_isolated(pool, source, budgets=budgets, max_nodes=max_nodes, seconds=seconds)
    finally:
        pool.close()


def _eval(source: str, as_json: bool, max_nodes: int | None, budgets: Budgets) -> int:
    result = _run(source, max_nodes, budgets)
    if as_json:
        print(json.dumps(result.to_json()))
    else:
        sys.stdout.write(result.output)
        for warning in result.warnings:
            print(warning.text, file=sys.stderr)
        if result.error:
            where = f"line {result.error.line}: " if result.error.line else ""
            print(f"error: {where}{result.error.message}", file=sys.stderr)
    return 0 if result.ok else 1


def _graph(source: str, fmt: str, raw: bool, max_nodes: int | None, budgets: Budgets) -> int:
    result = _run(source, max_nodes, budgets)
    graph = result.raw_graph if raw else result.graph
    if graph is None:
        message = result.error.message if result.error else "the program built no graph"
        print(f"error: {message}", file=sys.stderr)
        return 1
    if fmt == "json":
        print(json.dumps(graph.to_json()))
    elif fmt == "dot":
        print(dot_source(graph))
    else:
        try:
            sys.stdout.buffer.write(svg_from_dot(dot_source(graph)))
        except SvgUnavailable as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    if result.error:  # the graph of what ran is written all the same
        where = f"line {result.error.line}: " if result.error.line else ""
        print(f"error: {where}{result.error.message}", file=sys.stderr)
    return 0 if result.ok else 1


def _dataset(args: argparse.Namespace) -> datasets.Dataset:
    if args.csv or args.dataset == "csv":
        if not (args.csv and args.x and args.y):
            raise datasets.DatasetError("--csv needs a FILE, --x COLUMNS and --y COLUMNS.")
        with open(args.csv, "rb") as handle:
            data = handle.read(datasets.MAX_CSV_BYTES + 1)
        return datasets.from_csv(data, args.x.split(","), args.y.split(","))
    if args.dataset == "line":
        return datasets.line(args.points, args.noise, args.slope, args.intercept, args.data_seed)
    return datasets.crops()


def _train(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if not 1 <= args.epochs <= 100_000 or (args.batch_size is not None and args.batch_size < 1):
        parser.print_usage(sys.stderr)
        print("error: --epochs must be 1..100000 and --batch-size at least 1", file=sys.stderr)
        return 2
    try:
        data = _dataset(args)
        config = TrainConfig(
            lr=args.lr, epochs=args.epochs, optimizer=args.optimizer,
            batch_size=args.batch_size, standardize=args.standardize, seed=args.seed,
            forget_zero_grad=args.forget_zero_grad,
        )  # fmt: skip
        run = train(data, config)
    except (OSError, ValueError) as exc:
        if args.json:
            print(json.dumps({"ok": False, "error": str(exc)}))
        else:
            print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(run.to_json()))
    else:
        for epoch, loss in enumerate(run.losses):
            print(f"epoch {epoch:>5}  loss {loss:.6g}")
        if run.stop_reason:
            print(f"stopped at epoch {run.stopped_at}: {run.stop_reason}")
    return 0
