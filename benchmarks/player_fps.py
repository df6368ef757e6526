"""Frame rate and epoch rate of the gradient-descent player, in headless Chromium.

Starts `streamlit run app.py` on a free loopback port, opens the studio in Debian's
Chromium, trains a long run (5,000 epochs: the studio's most) and plays it at every
speed the player offers. A recorder in the page counts, on every animation frame,
the frames painted, the player's chart updates (its `data-draws` counter) and the
epoch shown, so the rates come from the page's own clock, not from round trips.

Then it plays the whole run at the top speed, from Reset to the last epoch on screen:
how long a 5,000-epoch run takes to watch. Prints markdown tables; a measurement, not
a test (nothing here passes or fails).

    python -m benchmarks.player_fps [--quick] [--epochs N] [--seconds S]
"""

from __future__ import annotations

import argparse
import os
import signal
from dataclasses import dataclass
from itertools import pairwise

from playwright.sync_api import Page, sync_playwright

from benchmarks.local_server import CHROMIUM_ARGS, free_port, start_server

# Starts `window.agpRecording`: it resolves with one [time, epoch, draws, playing] sample
# per animation frame, from the first frame the player plays to the first one it has
# stopped (or `ms` later).
RECORD = """(ms) => { window.agpRecording = new Promise((done) => {
  const root = document.querySelector(".agp"), out = [];
  let start = 0;
  const tick = (t) => {
    const playing = root.dataset.playing === "1";
    if (playing && !start) start = t;
    if (start) out.push([t, Number(root.dataset.epoch), Number(root.dataset.draws), playing]);
    if (start && (!playing || t - start >= ms)) done(out);
    else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}); }"""


@dataclass(frozen=True)
class Run:
    """One stretch of playing, as the page saw it."""

    speed: int
    seconds: float
    frames: int
    draws: int
    epochs: int
    epoch_seconds: float
    longest_ms: float

    @property
    def fps(self) -> float:
        return self.frames / self.seconds

    @property
    def epoch_rate(self) -> float:
        return self.epochs / self.epoch_seconds


def play(page: Page, speed: int, ms: float) -> Run:
    """Play from epoch 0 at `speed` for `ms` (or to the end) and return what was painted."""
    page.select_option(".agp-speed", str(speed))
    page.click(".agp-reset")
    page.wait_for_function("document.querySelector('.agp').dataset.epoch === '0'")
    page.evaluate(RECORD, ms)  # counting starts before the click lands
    page.click(".agp-play")
    samples = page.evaluate("window.agpRecording")
    if page.get_attribute(".agp", "data-playing") == "1":
        page.click(".agp-play")  # pause
        page.wait_for_function("document.querySelector('.agp').dataset.playing === '0'")
    times = [s[0] for s in samples]
    gaps = [b - a for a, b in pairwise(times)] or [0.0]
    # The epoch rate up to the frame that drew the last epoch (the sample after it, as
    # the recorder reads each frame before the player draws it): a counter that moves in
    # whole steps reads low if the window ends just before its next step.
    reached = max(1, next(i for i, s in enumerate(samples) if s[1] == samples[-1][1])) - 1
    return Run(
        speed=speed,
        seconds=(times[-1] - times[0]) / 1000 or 1e-9,
        frames=len(samples) - 1,
        draws=samples[-1][2] - samples[0][2],
        epochs=samples[-1][1] - samples[0][1],
        epoch_seconds=(times[reached] - times[0]) / 1000 or 1e-9,
        longest_ms=max(gaps),
    )


def set_epochs(page: Page, epochs: int) -> None:
    """Train `epochs` epochs and wait until the player holds that run."""
    box = page.get_by_label("Epochs")
    box.fill(str(epochs))
    box.press("Enter")
    done = f"document.querySelector('.agp-epoch').textContent.endsWith('/ {epochs - 1}')"
    page.wait_for_function(done, timeout=120_000)


def speeds_offered(page: Page) -> list[int]:
    return [
        int(v) for v in page.eval_on_selector_all(".agp-speed option", "os => os.map(o => o.value)")
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="two speeds, short runs (CI)")
    parser.add_argument("--epochs", type=int, default=5000, help="epochs to train (max 5000)")
    parser.add_argument("--seconds", type=float, default=4.0, help="playing time per speed")
    args = parser.parse_args()
    epochs, seconds = (100, 1.0) if args.quick else (args.epochs, args.seconds)
    port = free_port()
    server = start_server(port)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1500, "height": 1100})
            page.goto(f"http://127.0.0.1:{port}/gradient-descent")
            page.wait_for_selector(".agp-loss .main-svg", timeout=120_000)
            if epochs != 100:  # the studio's default
                set_epochs(page, epochs)
            speeds = speeds_offered(page)
            if args.quick:
                speeds = [speeds[0], speeds[-1]]
            print(f"Crops data set, {epochs} epochs; {seconds:g} s of playing per speed\n")
            print("| speed (epochs/s) | frames/s | chart updates/s | longest frame (ms) "
                  "| epochs/s shown | shown / set |")  # fmt: skip
            print("|---|---|---|---|---|---|")
            for speed in speeds:
                run = play(page, speed, seconds * 1000)
                print(f"| {speed} | {run.fps:.1f} | {run.draws / run.seconds:.1f} "
                      f"| {run.longest_ms:.0f} | {run.epoch_rate:.1f} "
                      f"| {run.epoch_rate / speed:.3f} |")  # fmt: skip
            top = speeds[-1]
            whole = play(page, top, 10 * epochs / top * 1000 + 60_000)
            shown = page.locator(".agp-epoch").inner_text()
            print(f"\nThe whole run at the top speed ({top} epochs/s), Reset to the last epoch:\n")
            print("| epochs | time to watch (s) | at exactly the speed (s) | frames/s "
                  "| longest frame (ms) | last label shown |")  # fmt: skip
            print("|---|---|---|---|---|---|")
            print(f"| {epochs} | {whole.epoch_seconds:.2f} | {(epochs - 1) / top:.2f} "
                  f"| {whole.fps:.1f} | {whole.longest_ms:.0f} | {shown} |")  # fmt: skip
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)


if __name__ == "__main__":
    main()
