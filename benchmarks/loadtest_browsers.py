"""Cross-check for the protocol load test: real Chromium pages editing code at the same time.

Each page opens the lab in its own browser context (its own Streamlit session), then
until the deadline: thinks 1-3 s, types a program whose `w` has a value not seen before,
presses Run and waits until the graph shows that value. The time from the click to the
redrawn graph includes what the protocol numbers leave out (the browser applying the
deltas and Graphviz laying the graph out), so it is the upper bound a learner sees.

Used by `loadtest.py --browsers N` (in a thread beside the protocol students), or alone
against a running server:

    python -m benchmarks.loadtest_browsers --url http://127.0.0.1:8501/ --pages 3 --duration 30
"""

from __future__ import annotations

import argparse
import random
import re
import threading
import time
from pathlib import Path

from benchmarks.local_server import CHROMIUM_ARGS

CHROMIUM = "/usr/bin/chromium"
CODE_LABEL = "Your PyTorch code"
TIMEOUT_MS = 60_000
PROGRAM = (
    "x = torch.tensor(3.)\nw = torch.tensor({w}, requires_grad=True)\n"
    "b = torch.tensor(5., requires_grad=True)\ny = w * x + b\ny.backward()\n"
)


class BrowserCheck(threading.Thread):
    """N Chromium pages editing code; latencies in seconds.

    The pages open first (`ready` is set when all show their graph); editing starts at
    `begin(until)` and stops at monotonic time `until`, so it overlaps the students.
    """

    def __init__(self, url: str, pages: int, seed: int = 0) -> None:
        super().__init__(daemon=True)
        if not url.startswith("http://127.0.0.1:"):
            raise ValueError("the cross-check only ever opens 127.0.0.1")
        self.url, self.pages, self.until = url, pages, 0.0
        self.rng = random.Random(seed + 7)
        self.latencies: list[float] = []
        self.failure: str | None = None
        self.ready, self._go = threading.Event(), threading.Event()

    def begin(self, until: float) -> None:
        """Start editing now, until monotonic time `until`."""
        self.until = until
        self._go.set()

    def run(self) -> None:
        from playwright.sync_api import Error, sync_playwright

        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    self._drive(browser)
                finally:
                    browser.close()
        except Error as exc:  # reported with the numbers, not swallowed
            self.failure = f"{type(exc).__name__}: {str(exc)[:300]}"
        finally:
            self.ready.set()

    def _drive(self, browser) -> None:
        pages = []
        for _ in range(self.pages):
            context = browser.new_context(viewport={"width": 1500, "height": 1100})
            context.set_default_timeout(TIMEOUT_MS)
            page = context.new_page()
            page.goto(self.url)
            page.wait_for_selector(".gvw svg .node text")
            pages.append(page)
        self.ready.set()
        self._go.wait(timeout=600)
        seen: set[str] = set()
        turn = 0
        while time.monotonic() < self.until:
            page = pages[turn % len(pages)]
            turn += 1
            time.sleep(self.rng.uniform(1, 3) / len(pages))
            self.latencies.append(self._edit(page, seen))

    def _edit(self, page, seen: set[str]) -> float:
        """Type a program with a fresh value of w, press Run; seconds until it is drawn."""
        value = self._fresh_value()
        while value in seen:
            value = self._fresh_value()
        seen.add(value)
        box = page.get_by_role("textbox", name=CODE_LABEL)
        box.click()
        box.press("ControlOrMeta+a")
        page.keyboard.insert_text(PROGRAM.format(w=value))  # CodeMirror: pasted in
        start = time.perf_counter()
        page.get_by_role("button", name="Run ▶").click()
        node = page.locator(".gvw svg .node text", has_text=re.compile(rf"^{re.escape(value)}$"))
        node.first.wait_for(state="attached")
        return time.perf_counter() - start

    def _fresh_value(self) -> str:
        """Two decimals, the last not 0, so the graph prints it exactly as typed."""
        return f"{self.rng.randint(10, 99)}.{self.rng.randint(1, 9)}{self.rng.randint(1, 9)}"

    def join(self, timeout: float | None = None) -> list[float]:  # type: ignore[override]
        """Wait for the pages to finish; the latencies (a failure is raised, not hidden)."""
        super().join(timeout)
        if self.failure:
            raise RuntimeError(f"browser cross-check failed: {self.failure}")
        return self.latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="http://127.0.0.1:<port>/")
    parser.add_argument("--pages", type=int, default=3)
    parser.add_argument("--duration", type=float, default=30.0)
    args = parser.parse_args()
    if not Path(CHROMIUM).is_file():
        raise SystemExit(f"no Chromium at {CHROMIUM}")
    check = BrowserCheck(args.url, args.pages)
    check.start()
    check.ready.wait(timeout=300)
    check.begin(time.monotonic() + args.duration)
    values = sorted(v * 1000 for v in check.join())
    if values:
        mid, p95 = values[len(values) // 2], values[min(len(values) - 1, int(len(values) * 0.95))]
        print(
            f"{len(values)} edits: median {mid:.0f} ms, p95 {p95:.0f} ms, max {values[-1]:.0f} ms"
        )


if __name__ == "__main__":
    main()
