"""Server memory per open session: RSS of a real `streamlit run app.py` as students arrive.

Starts the server on a free loopback port, then opens the lab in headless Debian
Chromium (one browser, one context and page per student) until 1, 10 and 30 pages
are open; every page waits for its graph to be drawn, so each session has run the
lab's program once. After each step the server's resident memory (VmRSS in
/proc/<pid>/status) is read. Per-session cost = (RSS at 30 - RSS at 1) / 29.
Target (issue 6): <= 10 MB per idle session.

Then the pages close and RSS is read again after 10 s. Streamlit keeps a
disconnected session for `server.disconnectedSessionTTL` (120 s by default) in case
its browser reconnects, so the full run also reads RSS once that has passed. Freed
Python memory is not always handed back to the OS, so RSS may not fall.

    python -m benchmarks.server_memory [--quick] [--steps 1,10,30] [--skip-ttl]
"""

from __future__ import annotations

import argparse
import os
import signal
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from benchmarks.local_server import CHROMIUM_ARGS, free_port, start_server

HEADER = "| open sessions | server RSS (MB) | change since 1 session (MB) |"
SESSION_TTL = 120  # Streamlit's default server.disconnectedSessionTTL, in seconds
SETTLE = 2.0  # seconds to let the server finish its reruns before reading RSS


def rss_mb(pid: int) -> float:
    """Resident set size of `pid` in MB (1 MB = 2**20 bytes), from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise SystemExit(f"no VmRSS for process {pid}")


def open_session(browser, url: str):
    """A new student: own context, the lab, wait until the graph is drawn."""
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("svg .node text", timeout=120_000)
    return context


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="1 and 2 sessions, short waits (CI)")
    parser.add_argument("--steps", default="1,10,30", help="session counts to measure at")
    parser.add_argument("--skip-ttl", action="store_true", help="do not wait out the TTL")
    args = parser.parse_args()
    steps = [1, 2] if args.quick else sorted(int(s) for s in args.steps.split(","))
    port = free_port()
    server = start_server(port)
    url = f"http://127.0.0.1:{port}/"
    rows: list[tuple[str, float]] = [("0 (server started, no page yet)", rss_mb(server.pid))]
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            contexts = []
            for target in steps:
                while len(contexts) < target:
                    contexts.append(open_session(browser, url))
                time.sleep(SETTLE)
                rows.append((str(target), rss_mb(server.pid)))
            for context in contexts:
                context.close()
            wait = 3 if args.quick else 10
            time.sleep(wait)
            rows.append((f"0 ({len(contexts)} pages closed {wait} s ago)", rss_mb(server.pid)))
            if not (args.quick or args.skip_ttl):
                time.sleep(SESSION_TTL + 20)
                rows.append((f"0 ({SESSION_TTL + 30} s after closing: past the TTL)",
                             rss_mb(server.pid)))  # fmt: skip
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
    base = dict(rows)[str(steps[0])]
    print(HEADER)
    print("|---|---|---|")
    for label, rss in rows:
        print(f"| {label} | {rss:.1f} | {rss - base:+.1f} |")
    first, last = steps[0], steps[-1]
    per = (dict(rows)[str(last)] - base) / (last - first)
    verdict = "met" if per <= 10 else "NOT met"
    print(f"per session: (RSS{last} - RSS{first}) / {last - first} = {per:.2f} MB "
          f"(target <= 10 MB: {verdict})")  # fmt: skip


if __name__ == "__main__":
    main()
