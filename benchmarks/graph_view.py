"""The graph view against `st.graphviz_chart`: bundle size and time to a drawn graph.

(a) Layout alone: in a blank Chromium page, static/graph.js is imported, Graphviz's wasm
    instantiated (timed once per page) and the DOT laid out to an SVG element
    (`renderSVGElement`, median of the repeats after one warm-up).
(b) Page to graph: a one-element Streamlit page showing the DOT with `st.graphviz_chart`
    or with `graph_view`, a fresh browser context each repeat; the clock (the page's
    `performance.now()`, i.e. since navigation) stops on the first animation frame where
    the page's SVG holds every node. Both lay out in the browser (st.graphviz_chart uses
    d3-graphviz with @hpcc-js/wasm), so this compares what the learner waits for.

Graphs: the tutorial's `y = w*x + b` (7 nodes) and a 300-node chain (the lab's own
renderer, friendly view).

    python -m benchmarks.graph_view [--repeats N]
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

import playground
from benchmarks.local_server import CHROMIUM_ARGS, ROOT
from playground.graph.render_dot import dot_source
from playground.presets import TUTORIAL_FIRST

APP = """
import os
from pathlib import Path
import streamlit as st
from playground.ui.graph_view import graph_view
dot = Path(os.environ["BENCH_DOTS"], st.query_params["g"] + ".dot").read_text()
if st.query_params["mode"] == "chart":
    st.graphviz_chart(dot, width="stretch")
else:
    graph_view(dot, key="g")
"""
DRAWN = """(count) => new Promise((resolve) => {
  const check = () => {
    if (document.querySelectorAll("svg g.node").length >= count) resolve(performance.now());
    else requestAnimationFrame(check);
  };
  check();
})"""
LAYOUT = """async ([bundle, dots, repeats]) => {
  const t0 = performance.now();
  const lib = await import(bundle);
  const viz = await lib.graphviz();
  const out = { load_and_instantiate: performance.now() - t0 };
  for (const [name, dot] of Object.entries(dots)) {
    viz.renderSVGElement(dot);
    const times = [];
    for (let i = 0; i < repeats; i++) {
      const t = performance.now();
      viz.renderSVGElement(dot);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    out[name] = times[Math.floor(times.length / 2)];
  }
  return out;
}"""


def chain(nodes: int) -> str:
    """A program whose friendly graph has about `nodes` nodes (6 per loop turn: two ops,
    their outputs and the two constants)."""
    turns = nodes // 6
    return (f"w = torch.tensor(1.01, requires_grad=True)\ny = w\nfor i in range({turns}):\n"
            "    y = y * 1.001 + i\ny.backward()\n")  # fmt: skip


def dots() -> dict[str, tuple[str, int]]:
    found = {}
    for name, code in (("tutorial", TUTORIAL_FIRST), ("chain300", chain(300))):
        graph = playground.run(code, max_nodes=1000).graph
        found[name] = (dot_source(graph), len(graph.nodes))
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    bundle = (ROOT / "static" / "graph.js").read_bytes()
    print(f"static/graph.js: {len(bundle):,} bytes, {len(gzip.compress(bundle, 9)):,} gzipped")
    graphs = dots()
    for name, (_, count) in graphs.items():
        print(f"{name}: {count} nodes")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "static").symlink_to(ROOT / "static")
        (folder / "app.py").write_text(APP)
        for name, (dot, _) in graphs.items():
            (folder / f"{name}.dot").write_text(dot)
        server, url = _serve(folder)
        try:
            _measure(url, graphs, args.repeats)
        finally:  # also on Ctrl+C
            server.terminate()
            server.wait(timeout=20)


def _serve(folder: Path):
    import os
    import subprocess
    import sys
    import time
    import urllib.request

    from benchmarks.local_server import free_port

    port = free_port()
    env = {**os.environ, "BENCH_DOTS": str(folder), "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "streamlit", "run", str(folder / "app.py"),
           "--server.port", str(port), "--server.address", "127.0.0.1",
           "--server.headless", "true", "--server.enableStaticServing", "true",
           "--browser.gatherUsageStats", "false"]  # fmt: skip
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health") as reply:
                if reply.read() == b"ok":
                    return server, url
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("server did not start")


def _measure(url: str, graphs: dict[str, tuple[str, int]], repeats: int) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page()
        page.goto(f"{url}/_stcore/health")  # a blank page of the server's origin
        bundle = f"{url}/app/static/graph.js"
        layout = page.evaluate(LAYOUT, [bundle, {k: v[0] for k, v in graphs.items()}, repeats])
        page.close()
        print(f"(a) graph.js import + wasm instantiate: {layout['load_and_instantiate']:.0f} ms")
        for name in graphs:
            print(f"(a) layout of {name} (renderSVGElement, median): {layout[name]:.1f} ms")
        for name, (_, count) in graphs.items():
            for mode in ("chart", "view"):
                times = []
                for _ in range(repeats):
                    context = browser.new_context(viewport={"width": 1280, "height": 720})
                    tab = context.new_page()
                    tab.goto(f"{url}/?g={name}&mode={mode}")
                    times.append(tab.evaluate(DRAWN, count))
                    context.close()
                label = "st.graphviz_chart" if mode == "chart" else "graph_view"
                print(f"(b) {name}, {label}: page to drawn graph median "
                      f"{statistics.median(times):.0f} ms (min {min(times):.0f}, "
                      f"max {max(times):.0f})")  # fmt: skip
        browser.close()


if __name__ == "__main__":
    main()
