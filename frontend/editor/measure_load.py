"""Measure an editor bundle's load-to-first-paint time in headless Chromium.

Serves a directory on localhost and opens a page that loads the bundle and mounts an
editor, N times in fresh browser contexts (cold cache); prints the median and range
of the time from navigation start until the editor's text is painted.

Usage (from the repository root):
  python3 frontend/editor/measure_load.py codemirror static           # our bundle
  python3 frontend/editor/measure_load.py ace <streamlit_ace/frontend/build>
The second form drives streamlit-ace's Components v1 build
with the render message Streamlit would send it, and waits for Ace's text layer.
"""

from __future__ import annotations

import functools
import http.server
import statistics
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

RUNS = 7
CODEMIRROR_PAGE = """<!doctype html><div id="p"></div><script type="module">
const m = await import("./editor.js");
m.mountEditor(document.getElementById("p"), { doc: "x = torch.tensor(3.)\\nprint(x)\\n",
  label: "code", completions: { globals: [], modules: {}, aliases: {}, tensor: [] },
  onRun() {}, onBlur() {} });
requestAnimationFrame(() => { window.__painted = performance.now(); });
</script>"""
# The arguments streamlit-ace's Python side sends (its defaults).
ACE_ARGS = {"value": "x = torch.tensor(3.)", "language": "python", "theme": "", "height": 300}
# Streamlit's v1 render message, sent until Ace's text layer shows a line.
ACE_RENDER = """(args) => {
  const send = () => window.postMessage({ isStreamlitMessage: true, type: "streamlit:render",
                                          args, dfs: [], disabled: false, theme: undefined }, "*");
  send(); const again = setInterval(send, 20);
  const poll = () => {
    if (document.querySelector(".ace_text-layer .ace_line")) {
      clearInterval(again); window.__painted = performance.now(); return;
    }
    requestAnimationFrame(poll);
  };
  poll();
}"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def main(kind: str, directory: str) -> None:
    root = Path(directory).resolve()
    if kind == "codemirror":
        (root / "_measure.html").write_text(CODEMIRROR_PAGE, encoding="utf-8")
        page_name = "_measure.html"
    else:
        page_name = "index.html"
    server, url = serve(root)
    times = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            for _ in range(RUNS):
                context = browser.new_context()
                page = context.new_page()
                page.goto(f"{url}/{page_name}", wait_until="commit")
                if kind != "codemirror":
                    page.wait_for_load_state("domcontentloaded")
                    page.evaluate(ACE_RENDER, ACE_ARGS)
                page.wait_for_function("() => window.__painted", timeout=60_000)
                times.append(page.evaluate("() => window.__painted"))
                context.close()
            browser.close()
    finally:
        server.shutdown()
        if kind == "codemirror":
            (root / "_measure.html").unlink()
    print(
        f"{kind}: median {statistics.median(times):.0f} ms, "
        f"range {min(times):.0f}-{max(times):.0f} ms over {RUNS} cold loads"
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
