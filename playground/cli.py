"""`python -m playground eval|graph`: the sandbox from a shell, JSON out.

Exit status: 0 ok, 1 the program was refused or failed, 2 bad usage. Never a
traceback: anything unexpected is reported as JSON with exit status 1.
"""

from __future__ import annotations

import argparse
import json
import sys

from .render_dot import dot_source
from .render_svg import SvgUnavailable, svg_from_dot
from .runner import run


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed the usage message
        return 0 if exc.code == 0 else 2
    try:
        source = _read(args.file)
    except OSError as exc:
        print(f"error: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    if args.command == "eval":
        return _eval(source, args.json)
    return _graph(source, args.format, args.raw)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m playground", description="Run PyTorch code in the sandbox."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    ev = sub.add_parser("eval", help="run a program and describe its tensors and graph")
    ev.add_argument("file", nargs="?", default="-", help="program file, or - for stdin")
    ev.add_argument("--json", action="store_true", help="print one JSON object")
    gr = sub.add_parser("graph", help="write the autograd graph of a program")
    gr.add_argument("file", nargs="?", default="-", help="program file, or - for stdin")
    gr.add_argument("--format", choices=("dot", "svg", "json"), default="dot")
    gr.add_argument("--raw", action="store_true", help="PyTorch's own view of the graph")
    return parser


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read()


def _eval(source: str, as_json: bool) -> int:
    result = run(source)
    if as_json:
        print(json.dumps(result.to_json()))
    else:
        sys.stdout.write(result.output)
        if result.error:
            where = f"line {result.error.line}: " if result.error.line else ""
            print(f"error: {where}{result.error.message}", file=sys.stderr)
    return 0 if result.ok else 1


def _graph(source: str, fmt: str, raw: bool) -> int:
    result = run(source)
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
    return 0 if result.ok else 1
