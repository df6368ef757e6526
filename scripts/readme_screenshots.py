"""Take the README's screenshots from a real server in Chromium (light and dark).

Usage: python scripts/readme_screenshots.py   (writes assets/*.png)

Each shot waits for what it shows (a drawn graph, a played chart), never for time, so a
busy machine gives the same pictures, later.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.local_server import CHROMIUM_ARGS, free_port, start_server  # noqa: E402

ASSETS = ROOT / "assets"
SIZE = {"width": 1440, "height": 1000}
WAIT_MS = 120_000


def _open_lab(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator(".gvw svg .node").first).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_role("textbox", name="Your PyTorch code")).to_be_visible()


def _pick(page: Page, title: str) -> None:
    picker = page.get_by_role("combobox", name="Start from an example")
    picker.scroll_into_view_if_needed()
    picker.click()
    page.get_by_role("option", name=title).click()


def lab(page: Page, url: str, name: str) -> None:
    _open_lab(page, url)
    page.screenshot(path=ASSETS / name)


def step_through(page: Page, url: str) -> None:
    _open_lab(page, url)
    _pick(page, "Shared subexpression: a*a + a")
    expect(page.get_by_text("a * a + a").first).to_be_visible(timeout=WAIT_MS)
    page.get_by_text("Step through backward()").click()
    nxt = page.get_by_role("button", name="Next", exact=True)
    for step in (1, 2):
        nxt.click()
        expect(page.get_by_text(f"Step {step} of", exact=False).first).to_be_visible()
    page.get_by_role("heading", name="Computation graph").scroll_into_view_if_needed()
    page.screenshot(path=ASSETS / "step-through.png")


def training_loop(page: Page, url: str) -> None:
    _open_lab(page, url)
    _pick(page, "Tutorial: training loop")
    heading = page.get_by_role("heading", name="Training loop")
    expect(heading).to_be_visible(timeout=WAIT_MS)
    section = page.locator(".aglc")
    section.get_by_role("slider", name="Iteration").fill("60")
    expect(section.get_by_text("60", exact=False).first).to_be_visible()
    section.scroll_into_view_if_needed()
    section.screenshot(path=ASSETS / "training-loop.png")


def studio(page: Page, url: str) -> None:
    page.goto(f"{url}/gradient-descent")
    expect(page.locator(".agp-loss .main-svg").first).to_be_visible(timeout=WAIT_MS)
    page.get_by_role("combobox", name="Speed").select_option("120")
    page.get_by_role("button", name="Play", exact=True).click()
    last = page.locator(".agp-epoch").inner_text().split("/")[-1].strip()
    expect(page.locator(".agp-epoch")).to_have_text(f"Epoch {last} / {last}", timeout=WAIT_MS)
    page.screenshot(path=ASSETS / "gradient-descent.png")


def main() -> None:
    port = free_port()
    server = start_server(port)
    url = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for scheme, shots in (
                ("light", [lambda pg: lab(pg, url, "expression-lab.png"),
                           lambda pg: step_through(pg, url),
                           lambda pg: training_loop(pg, url)]),
                ("dark", [lambda pg: lab(pg, url, "expression-lab-dark.png"),
                          lambda pg: studio(pg, url)]),
            ):  # fmt: skip
                for shot in shots:
                    context = browser.new_context(viewport=SIZE, color_scheme=scheme)
                    shot(context.new_page())
                    context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    for png in sorted(ASSETS.glob("*.png")):
        print(f"{png.relative_to(ROOT)}: {png.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
