"""Chart updates per second while the gradient-descent player plays, in Chromium.

Starts `streamlit run app.py` on a free loopback port, opens the studio in headless
Debian Chromium, sets the speed, presses Play and counts redraws (the player keeps
a counter in `data-draws`). Prints one line per speed; the browser is the only
worker during Play, so this is what a student's laptop has to do.

    python -m benchmarks.player_fps [--quick]
"""

from __future__ import annotations

import argparse
import os
import signal
import time

from playwright.sync_api import sync_playwright

from benchmarks.local_server import CHROMIUM_ARGS, free_port, start_server


def measure(page, speed: int, seconds: float) -> tuple[float, int]:
    """Draws per second and epochs advanced while playing at `speed` epochs/s."""
    page.select_option(".agp-speed", str(speed))
    page.click(".agp-reset")
    start_draws = int(page.get_attribute(".agp", "data-draws"))
    page.click(".agp-play")
    time.sleep(seconds)
    draws = int(page.get_attribute(".agp", "data-draws")) - start_draws
    epoch = int(page.get_attribute(".agp", "data-epoch"))
    page.click(".agp-play")  # pause
    return draws / seconds, epoch


def set_epochs(page, epochs: int) -> None:
    """Train longer, so playing at 120 epochs/s lasts the whole measurement."""
    box = page.get_by_label("Epochs")
    box.fill(str(epochs))
    box.press("Enter")
    done = f"document.querySelector('.agp-epoch').textContent.endsWith('/ {epochs - 1}')"
    page.wait_for_function(done, timeout=60_000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="one short run (CI)")
    args = parser.parse_args()
    port = free_port()
    server = start_server(port)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1500, "height": 1100})
            page.goto(f"http://127.0.0.1:{port}/gradient-descent")
            page.wait_for_selector(".agp-loss .main-svg", timeout=60_000)
            if not args.quick:
                set_epochs(page, 5000)
            speeds = [20] if args.quick else [20, 40, 60, 120]
            seconds = 1.5 if args.quick else 4.0
            for speed in speeds:
                fps, epoch = measure(page, speed, seconds)
                print(f"speed {speed:>4} epochs/s: {fps:5.1f} updates/s, reached epoch {epoch}")
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)


if __name__ == "__main__":
    main()
