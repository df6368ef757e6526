"""Browser tests of the gradient-descent studio: the player, divergence, CSV upload."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from waits import SLOW_MS, wait_for_lesson

from playground.ui.lesson import DESCENT

pytestmark = pytest.mark.e2e


def open_studio(page: Page, url: str) -> None:
    """Open the studio and wait until its first run has ended and the player shows it.

    SLOW_MS: the first page on a fresh server waits for the server to start its workers.
    """
    page.goto(f"{url}/gradient-descent")
    page.wait_for_selector(".agp-loss .main-svg", timeout=SLOW_MS)
    expect(page.locator(".agp-epoch")).to_have_text("Epoch 0 / 99", timeout=SLOW_MS)
    wait_for_lesson(page, DESCENT, SLOW_MS)  # the page writes the lesson into the URL last


def tick(page: Page, label: str) -> None:
    """Check a checkbox by clicking its label, then wait until it shows checked.

    The box flips in the browser the moment a click lands (before the server hears of
    it), so a box still unchecked seconds later means the click missed: in CI one
    landed while the expander above it was still opening and moved the label. Only
    then is it clicked again, never while it shows checked.
    """
    box = page.get_by_role("checkbox", name=label)
    for _ in range(3):
        page.get_by_text(label, exact=True).click()
        try:
            expect(box).to_be_checked(timeout=5_000)
            return
        except AssertionError:
            if box.is_checked():
                return
    expect(box).to_be_checked()


# Once the player holds the run whose losses start with `first` and end at epoch
# `last`: its epoch label ends in "/ last" and its loss curve starts at `first`
# (null: not finite). Before then it may still show the run before.
PLAYER_HOLDS = """([first, last]) => {
  const chart = document.querySelector(".agp-loss"), label = document.querySelector(".agp-epoch");
  if (!chart || !chart.data || !label || !label.textContent.endsWith(` / ${last}`)) return false;
  const y0 = chart.data[0].y[0];
  if (first === null) return y0 === null || y0 === undefined;
  return typeof y0 === "number" && Math.abs(y0 - first) <= 1e-5 * Math.abs(first);
}"""


def wait_for_player_run(page: Page, losses: list[float]) -> None:
    """Until the player holds the run with these `losses` (its new data reached the page)."""
    first = losses[0] if math.isfinite(losses[0]) else None
    # A new run trains in a worker first: on a busy machine that can take a while.
    page.wait_for_function(PLAYER_HOLDS, arg=[first, len(losses) - 1], polling=100, timeout=SLOW_MS)


def wait_for_frames(page: Page, frames: int) -> None:
    """Until the page has drawn `frames` more animation frames (a playing player moves on
    every frame), however long a busy machine takes for them."""
    page.evaluate(
        """(n) => new Promise((done) => {
          const frame = () => (--n > 0 ? requestAnimationFrame(frame) : done());
          requestAnimationFrame(frame);
        })""",
        frames,
    )


def epoch(page: Page) -> int:
    return int(page.get_attribute(".agp", "data-epoch"))


def loss_points(page: Page) -> int:
    return page.evaluate("document.querySelector('.agp-loss').data[0].x.length")


def test_play_grows_the_loss_curve_and_pause_stops_it(page: Page, server_url: str) -> None:
    open_studio(page, server_url)
    assert loss_points(page) == 1
    page.select_option(".agp-speed", "10")
    page.click(".agp-play")
    page.wait_for_function("Number(document.querySelector('.agp').dataset.epoch) >= 5")
    page.click(".agp-play")  # pause
    expect(page.locator(".agp")).to_have_attribute("data-playing", "0")
    paused_at = epoch(page)
    assert loss_points(page) == paused_at + 1
    expect(page.locator(".agp-epoch")).to_have_text(f"Epoch {paused_at} / 99")
    # The server hears about the pause and shows that epoch's numbers.
    expect(page.get_by_text(f"Epoch {paused_at - 1} in numbers")).to_be_visible()
    # At 10 epochs/s a player still going moves on every few frames (6 at 60 fps).
    wait_for_frames(page, 60)
    assert epoch(page) == paused_at, "the player kept going after Pause"


def numbers(text: str) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", text)]


def test_top_speed_drops_frames_not_epochs_and_ends_on_the_last_epoch(
    page: Page, server_url: str
) -> None:
    """At the top speed (600 epochs/s or more) a frame shows many epochs at once, and
    the run still ends on its last epoch with that epoch everywhere: the label, the loss
    curve and its marker, and w and b (checked against the server's record of PyTorch)."""
    open_studio(page, server_url)
    speeds = page.eval_on_selector_all(".agp-speed option", "os => os.map(o => Number(o.value))")
    assert max(speeds) >= 600
    box = page.get_by_label("Epochs")
    box.fill("1000")
    box.press("Enter")
    expect(page.locator(".agp-epoch")).to_have_text("Epoch 0 / 999", timeout=SLOW_MS)
    page.select_option(".agp-speed", str(max(speeds)))
    draws = int(page.get_attribute(".agp", "data-draws"))
    page.click(".agp-play")
    expect(page.locator(".agp-epoch")).to_have_text("Epoch 999 / 999")
    expect(page.locator(".agp")).to_have_attribute("data-playing", "0")
    # Frames dropped: far fewer chart updates than epochs (a display draws 60 or so a second).
    assert int(page.get_attribute(".agp", "data-draws")) - draws < 999
    # The end is Plotly's full drawing of epoch 999; the per-frame paths are gone.
    assert page.locator(".agp-live").count() == 0
    curve, now = page.evaluate(
        "(() => { const d = document.querySelector('.agp-loss').data;"
        " return [d[0].y, [d[2].x[0], d[2].y[0]]]; })()"
    )
    assert len(curve) == 1000 and now == [999, curve[-1]]
    assert numbers(page.locator(".agp-lossval").inner_text())[0] == pytest.approx(
        curve[-1], rel=1e-4
    )
    # The server shows the epoch the player ended on: b after epoch 998 is epoch 999's b.
    update = page.get_by_text(re.compile(r"^b: \[.*\] → \[")).first
    expect(update).to_be_visible()
    b_after = numbers(update.inner_text().split("→")[-1])
    rows = page.locator(".agp-params tr:has(th[scope=row])").all_inner_texts()
    shown_b = [numbers(row)[-1] for row in rows]  # each output's row ends with its bias
    assert len(shown_b) == len(b_after) > 0
    assert shown_b == pytest.approx(b_after, rel=1e-3, abs=1e-3)  # 4 digits each


def test_step_advances_exactly_one_epoch_and_reset_restarts(page: Page, server_url: str) -> None:
    open_studio(page, server_url)
    page.click(".agp-step")
    expect(page.locator(".agp-epoch")).to_have_text("Epoch 1 / 99")
    expect(page.get_by_text("Epoch 0 in numbers (epoch 0 → 1)")).to_be_visible()
    page.click(".agp-step")
    expect(page.locator(".agp-epoch")).to_have_text("Epoch 2 / 99")
    assert loss_points(page) == 3
    page.click(".agp-reset")
    expect(page.locator(".agp-epoch")).to_have_text("Epoch 0 / 99")
    assert loss_points(page) == 1


def test_an_epoch_s_autograd_graph_is_drawn_in_the_graph_view(page: Page, server_url: str) -> None:
    """The epoch in detail shows its loss's graph, laid out in the browser, readable."""
    open_studio(page, server_url)
    page.click(".agp-step")
    expect(page.get_by_text("Epoch 0 in numbers (epoch 0 → 1)")).to_be_visible()
    page.get_by_text("Autograd graph of epoch 0's loss, with its gradients").click()
    node = page.locator(".gvw svg .node text", has_text="DivBackward0")
    expect(node).to_be_visible(timeout=SLOW_MS)
    assert node.bounding_box()["height"] >= 14


def test_the_player_shows_the_stop_message_s_code_as_code(page: Page, server_url: str) -> None:
    """The stop message is Markdown beside the player; in the player its `code` spans
    are <code> elements, not raw backticks (red team)."""
    open_studio(page, server_url)
    page.get_by_text("Teaching mistakes").click()
    tick(page, "Update outside torch.no_grad()")
    expect(page.get_by_text("PyTorch stopped training at epoch").first).to_be_visible()
    stopped = page.get_by_text(re.compile(r"PyTorch stopped training at epoch \d+")).first
    last = int(re.search(r"epoch (\d+)", stopped.inner_text()).group(1))
    expect(page.locator(".agp-epoch")).to_have_text(f"Epoch 0 / {last}")
    page.click(".agp-play")
    message = page.locator(".agp-msg")
    expect(message).to_be_visible()
    expect(message.locator("code")).to_have_text("with torch.no_grad():")
    assert "`" not in message.inner_text()


def test_too_high_learning_rate_shows_the_divergence_message(page: Page, server_url: str) -> None:
    open_studio(page, server_url)
    page.get_by_text("Teaching mistakes").click()
    tick(page, "Learning rate too high")
    expect(page.get_by_text("the loss became infinite or NaN").first).to_be_visible()
    expect(page.get_by_text("2/λmax").first).to_be_visible()
    wait_for_lesson(page, DESCENT, gd_high=True)
    # Play only once the player holds the diverging run: it ends where training stopped.
    stopped = page.get_by_text(re.compile(r"Training stopped at epoch \d+")).first.inner_text()
    last = int(re.search(r"epoch (\d+)", stopped).group(1))
    expect(page.locator(".agp-epoch")).to_have_text(f"Epoch 0 / {last}")
    page.select_option(".agp-speed", "120")
    page.click(".agp-play")
    message = page.locator(".agp-msg")
    expect(message).to_be_visible()
    expect(message).to_contain_text("too large for this data")


def test_uploaded_csv_trains(page: Page, server_url: str, tmp_path: Path) -> None:
    csv = tmp_path / "study.csv"
    rows = "\n".join(f"{h},{3 * h + 2 + (h % 3) * 0.5}" for h in range(1, 21))
    csv.write_text("hours,score\n" + rows + "\n")
    open_studio(page, server_url)
    page.get_by_text("Upload CSV").click()
    page.locator("input[type=file]").set_input_files(str(csv))
    expect(page.locator(".agp-fit .xtitle")).to_have_text("hours")  # the new data's player
    page.select_option(".agp-speed", "120")
    page.click(".agp-play")
    expect(page.locator(".agp-epoch")).to_have_text("Epoch 99 / 99")
    first, last = page.evaluate(
        "(() => { const y = document.querySelector('.agp-loss').data[0].y;"
        " return [y[0], y[y.length - 1]]; })()"
    )
    assert last < first


def test_bad_csv_gives_a_message_and_keeps_the_page(
    page: Page, server_url: str, tmp_path: Path
) -> None:
    csv = tmp_path / "bad.csv"
    csv.write_text("a,b\n1,2\n3,oops\n")
    open_studio(page, server_url)
    page.get_by_text("Upload CSV").click()
    page.locator("input[type=file]").set_input_files(str(csv))
    expect(page.get_by_text("is not a number").first).to_be_visible()
    expect(page.get_by_text("Showing the last data set").first).to_be_visible()
    expect(page.locator(".agp-epoch")).to_have_text("Epoch 0 / 99")


def test_downloaded_script_reproduces_the_losses(
    page: Page, server_url: str, tmp_path: Path
) -> None:
    open_studio(page, server_url)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download PyTorch script").click()
    script = tmp_path / "train.py"
    info.value.save_as(script)
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    losses = json.loads(done.stdout.strip().splitlines()[-1])
    shown = page.evaluate("document.querySelector('.agp-loss').data[0].y")
    page.select_option(".agp-speed", "120")
    page.click(".agp-play")
    expect(page.locator(".agp-epoch")).to_have_text("Epoch 99 / 99")
    shown = page.evaluate("document.querySelector('.agp-loss').data[0].y")
    assert len(losses) == len(shown) == 100
    for ours, theirs in zip(shown, losses, strict=True):
        assert ours == pytest.approx(theirs, rel=1e-5)
