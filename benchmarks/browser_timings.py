"""What a student waits for in the browser: cold start, and a code edit until the new graph.

(a) Cold start: from launching `streamlit run app.py` until the lab's first graph is on
    screen in headless Debian Chromium (the browser is started beforehand; a fresh
    server each run, so torch and the app are imported every time).
(b) Edit -> graph: one server and page; the lab's code box gets a chain program whose
    friendly graph has about 10, 100, 300 or 1,000 nodes, Run is clicked, and the clock
    stops when the page's SVG holds exactly the node count our own renderer writes for
    that program (computed here with the same code) and the output's unique name. The
    lab first shows the 120 nodes nearest the output (`UI_MAX_NODES`); the expanded rows
    repeat the edits after "Show 100 more nodes" was clicked up to the 600-node limit,
    and the time of each such click until its bigger graph is drawn is listed too.
(c) The studio's chart updates per second during Play are `benchmarks/player_fps.py`.

Medians over the repeats; the "drawn" test runs in the page on every animation frame and
looks only at the graph view's SVG (one on the page, its stage visible).

    python -m benchmarks.browser_timings [--quick] [--cold N] [--repeats N]
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

import playground
from benchmarks.local_server import CHROMIUM_ARGS, free_port, start_server
from playground.graph.render_dot import dot_source

TIMEOUT_MS = 120_000
LAB = Path(__file__).resolve().parents[1] / "playground" / "ui" / "lab.py"


def lab_constant(name: str) -> int:
    """A number set at the top of the lab page (read, not imported: importing a page
    outside `streamlit run` makes Streamlit warn once per call)."""
    for node in ast.parse(LAB.read_text()).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == name:
            return ast.literal_eval(node.value)
    raise SystemExit(f"{name} not found in {LAB}")


UI_MAX_NODES = lab_constant("UI_MAX_NODES")  # what the lab draws first
UI_MAX_NODES_LIMIT = lab_constant("UI_MAX_NODES_LIMIT")  # where "Show more" stops
# The lab's graph view (playground/ui/graph_view.js) lays the DOT out in the page and
# puts the SVG into its stage; the stage is hidden until the view has placed it.
GRAPH = ".gvw-stage svg"
FIRST_GRAPH = f"{GRAPH} g.node text"  # Playwright waits for it to be visible
DRAWN = """([graph, name, count]) => {
  const svgs = document.querySelectorAll(graph);
  if (svgs.length !== 1) return false;
  const stage = svgs[0].parentElement;
  if (getComputedStyle(stage).visibility === "hidden") return false;
  if (svgs[0].querySelectorAll("g.node").length !== count) return false;
  for (const text of svgs[0].querySelectorAll("g.node text")) {
    if (text.textContent.trim() === name) return true;
  }
  return false;
}"""
_NODE_LINE = re.compile(r"^\t\S+ \[label=", re.MULTILINE)


def chain_program(nodes: int, tag: int) -> tuple[str, str]:
    """A program whose friendly graph has about `nodes` nodes, and its output's name.

    Each op draws three nodes (the op, its result, the constant); the leaf is one more.
    """
    name = f"out{tag}"
    loops = max(round((nodes - 1) / 3) - 1, 0)
    source = (
        "x = torch.tensor(1., requires_grad=True)\ny = x\n"
        f"for i in range({loops}):\n    y = y * 1.0001\n"
        f"{name} = y * 1.0\n{name}.backward()\n"
    )
    return source, name


def drawn_nodes(source: str, max_nodes: int) -> tuple[int, int]:
    """(nodes in the whole graph, node statements the lab draws with `max_nodes`)."""
    full = playground.run(source, max_nodes=None).graph
    shown = dot_source(playground.run(source, max_nodes=max_nodes).graph)
    return len(full.nodes), len(_NODE_LINE.findall(shown))


def wait_drawn(page: Page, name: str, count: int) -> None:
    """Until the page shows exactly `count` nodes, one of them labelled `name`."""
    page.wait_for_function(DRAWN, arg=[GRAPH, name, count], polling="raf", timeout=TIMEOUT_MS)


def stop(server: subprocess.Popen) -> None:
    """End the server we started (its own process group) and reap it."""
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def cold_start(browser) -> tuple[float, float]:
    """Seconds from launching the server to (its health check answering, first graph)."""
    start = time.perf_counter()
    port = free_port()
    server = start_server(port)
    healthy = time.perf_counter() - start
    try:
        context = browser.new_context(viewport={"width": 1500, "height": 1100})
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{port}/")
        page.wait_for_selector(FIRST_GRAPH, timeout=TIMEOUT_MS)
        drawn = time.perf_counter() - start
        context.close()
    finally:
        stop(server)
    return healthy, drawn


def edit_to_graph(page: Page, source: str, name: str, count: int) -> float:
    """Seconds from clicking Run on `source` until its graph is on screen."""
    box = page.get_by_role("textbox", name="Your PyTorch code")
    box.click()
    box.press("ControlOrMeta+a")
    box.page.keyboard.insert_text(source)  # CodeMirror: typed in, as a learner pastes
    run = page.get_by_role("button", name="Run ▶")
    start = time.perf_counter()
    run.click()
    wait_drawn(page, name, count)
    return time.perf_counter() - start


class Edits:
    """Timed edits on one page; every program is new (its output has a new name)."""

    def __init__(self, page: Page) -> None:
        self.page, self.tag = page, 0

    def time(self, size: int, max_nodes: int) -> tuple[float, int, int]:
        """(seconds, nodes in the graph, nodes drawn) for one edit to a `size` chain."""
        self.tag += 1
        source, name = chain_program(size, self.tag)
        total, drawn = drawn_nodes(source, max_nodes)
        return edit_to_graph(self.page, source, name, drawn), total, drawn


def expand(page: Page, edits: Edits, size: int) -> list[tuple[int, float]]:
    """Draw a `size` chain, then click "Show 100 more nodes" up to the limit.

    Returns (nodes asked for, seconds from the click until that graph was drawn).
    """
    edits.time(size, UI_MAX_NODES)
    source, name = chain_program(size, edits.tag)
    clicks = []
    nodes, total = UI_MAX_NODES, drawn_nodes(source, UI_MAX_NODES)[0]
    while nodes < min(total, UI_MAX_NODES_LIMIT):  # the lab stops at the limit
        nodes = min(nodes + 100, UI_MAX_NODES_LIMIT)
        button = page.get_by_role("button", name="Show 100 more nodes")
        start = time.perf_counter()
        button.click()
        wait_drawn(page, name, drawn_nodes(source, nodes)[1])
        clicks.append((nodes, time.perf_counter() - start))
    return clicks


def edit_table(edits: Edits, sizes: list[int], repeats: int, max_nodes: int, view: str) -> None:
    """One row per graph size: the median time from Run to the new graph.

    A graph not drawn within TIMEOUT_MS ends its row (and the table: the page is busy)."""
    for size in sizes:
        samples = []
        for _ in range(repeats):
            try:
                samples.append(edits.time(size, max_nodes))
            except PlaywrightTimeout:
                total, drawn = drawn_nodes(chain_program(size, edits.tag)[0], max_nodes)
                print(f"| {view} | {total:,} | {drawn:,} | not drawn within "
                      f"{TIMEOUT_MS / 1000:.0f} s (edit {len(samples) + 1}) | | |")  # fmt: skip
                return
        seconds = [s for s, _, _ in samples]
        _, total, drawn = samples[0]
        print(
            f"| {view} | {total:,} | {drawn:,} | {statistics.median(seconds):.2f} "
            f"| {min(seconds):.2f} – {max(seconds):.2f} | {repeats} |"
        )
        sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="one of each, small sizes (CI)")
    parser.add_argument("--cold", type=int, default=5, help="cold starts to measure")
    parser.add_argument("--repeats", type=int, default=5, help="edits per graph size")
    args = parser.parse_args()
    cold_runs, repeats = (1, 1) if args.quick else (args.cold, args.repeats)
    sizes = [10, 300] if args.quick else [10, 100, 300, 1_000]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        colds = [cold_start(browser) for _ in range(cold_runs)]
        print("| cold start | median (s) | min – max (s) | runs |")
        print("|---|---|---|---|")
        for label, values in (
            ("launch `streamlit run` -> health check answers", [h for h, _ in colds]),
            ("launch `streamlit run` -> lab's first graph drawn", [d for _, d in colds]),
        ):
            print(
                f"| {label} | {statistics.median(values):.2f} "
                f"| {min(values):.2f} – {max(values):.2f} | {len(values)} |"
            )
        sys.stdout.flush()
        port = free_port()
        server = start_server(port)
        try:
            context = browser.new_context(viewport={"width": 1500, "height": 1100})
            page = context.new_page()
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_selector(FIRST_GRAPH, timeout=TIMEOUT_MS)
            print("\n| view | nodes in graph | nodes drawn | edit -> graph, median (s) "
                  "| min – max (s) | edits |")  # fmt: skip
            print("|---|---|---|---|---|---|")
            edits = Edits(page)
            edit_table(edits, sizes, repeats, UI_MAX_NODES, f"default ({UI_MAX_NODES} nearest)")
            clicks = expand(page, edits, max(sizes))
            big = [s for s in sizes if s > UI_MAX_NODES]
            edit_table(edits, big, repeats, UI_MAX_NODES_LIMIT, f"expanded to {UI_MAX_NODES_LIMIT}")
            print(f"\n| Show 100 more nodes ({max(sizes):,}-node graph): nodes asked for "
                  "| click -> graph (s) |")  # fmt: skip
            print("|---|---|")
            for nodes, seconds in clicks:
                print(f"| {nodes} | {seconds:.2f} |")
            context.close()
        finally:
            stop(server)
        browser.close()


if __name__ == "__main__":
    main()
