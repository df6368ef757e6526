"""Browser tests: the server dies mid-lesson and comes back; the student is where they were.

These tests own their server (the session-wide one must not be killed). The server is
killed with SIGKILL, as a crash or an out-of-memory kill would, and a new one starts on
the same port. Streamlit's page keeps retrying its WebSocket, so it reconnects by itself
and the new server opens the lesson from the URL's token.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from editor import expect_code
from playwright.sync_api import Page, expect
from streamlit_server import free_port, kill_server, start_server, stop_server
from test_isolation import plain_pytorch
from test_lab import (
    RAW_LABEL,
    assert_no_traceback,
    open_lab,
    printed_output,
    run_code,
    wait_for_graph,
)
from test_studio import open_studio

from playground.graph.tensor_info import format_number
from playground.share_link import encode
from playground.training import datasets
from playground.training.descent import TrainConfig, train
from playground.ui.lesson import COMMON, DESCENT, LAB

pytestmark = pytest.mark.e2e

LESSON_CODE = (
    "u = torch.tensor(1.25, requires_grad=True)\n"
    "v = torch.tensor(-3., requires_grad=True)\n"
    "s = torch.tensor(0.5, requires_grad=True)\n"
    "z = u * v + u * u * s\n"
    "z.backward()\n"
    "print(u.grad, v.grad, s.grad)"
)
# The page retries with exponential backoff (up to a minute between pings), so after a
# server that took ~20 s to start it may wait about as long again before trying.
RECONNECT_MS = 120_000


class RestartableServer:
    """A `streamlit run` on a fixed port that a test may kill and start again."""

    def __init__(self, log_path: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.process: subprocess.Popen = start_server(self.port, log_path)

    def crash_and_restart(self, page: Page) -> None:
        """SIGKILL the server, see the page notice, start a new server on the same port."""
        kill_server(self.process)
        expect(page.get_by_test_id("stStatusWidget")).to_contain_text("Connecting")
        app = page.get_by_test_id("stApp")
        expect(app).not_to_have_attribute("data-test-connection-state", "CONNECTED")
        self.process = start_server(self.port, self.log_path)

    def stop(self) -> None:
        stop_server(self.process)


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[RestartableServer]:
    server = RestartableServer(tmp_path / "server.log")
    try:
        yield server
    finally:
        server.stop()


def wait_reconnected(page: Page, control: str) -> None:
    """The page found the new server by itself: `control` is enabled again, nothing connecting.

    While disconnected Streamlit disables every widget (the page keeps its last content).
    The connection state is what changed: the page was retrying, now it is connected.
    """
    app = page.get_by_test_id("stApp")
    expect(app).to_have_attribute("data-test-connection-state", "CONNECTED", timeout=RECONNECT_MS)
    expect(page.get_by_label(control, exact=True)).to_be_enabled(timeout=RECONNECT_MS)
    status = page.get_by_test_id("stStatusWidget").filter(has_text="Connecting")
    expect(status).to_have_count(0, timeout=RECONNECT_MS)


def expect_lesson_lab(page: Page, raw: bool) -> None:
    """The lab shows LESSON_CODE with PyTorch's values and gradients for it."""
    names, printed = plain_pytorch(LESSON_CODE)
    expect_code(page, LESSON_CODE)
    expect(printed_output(page)).to_have_text(printed)
    grads = [f"grad {format_number(names[n].grad.item())}" for n in ("u", "v", "s")]
    present = ["u", "v", "s", "z", format_number(names["z"].item()), *grads]
    accumulate = [f"AccumulateGrad → {n}" for n in ("u", "v", "s")]
    if raw:
        wait_for_graph(page, [*accumulate, "MulBackward0"])
    else:
        wait_for_graph(page, present, absent=accumulate)
    expect(page.get_by_role("switch", name=RAW_LABEL)).to_be_checked(checked=raw)
    assert_no_traceback(page)


def test_lab_lesson_survives_a_server_crash(page: Page, own_server: RestartableServer) -> None:
    page.goto(own_server.url)
    open_lab(page)
    run_code(page, LESSON_CODE)
    expect_lesson_lab(page, raw=False)
    page.get_by_text(RAW_LABEL, exact=True).click()
    expect_lesson_lab(page, raw=True)
    token = encode((*LAB, *COMMON), {"lab_code": LESSON_CODE, "lab_raw": True})
    page.wait_for_url(re.compile(re.escape(f"lesson={token}")))

    own_server.crash_and_restart(page)
    wait_reconnected(page, RAW_LABEL)
    # Only the new server can answer this click, and only about the lesson's three leaves
    # (the tutorial's program, the default, has two).
    page.get_by_role("button", name="Check gradients").click()
    agree = page.get_by_text("All 3 differentiable elements agree")
    expect(agree).to_be_visible(timeout=RECONNECT_MS)
    expect_lesson_lab(page, raw=True)

    page.reload()  # a fresh page load: only the URL carries the lesson
    expect_lesson_lab(page, raw=True)
    assert re.search(re.escape(f"lesson={token}"), page.url), page.url


def test_studio_lesson_survives_a_server_crash(page: Page, own_server: RestartableServer) -> None:
    losses = train(datasets.crops(), TrainConfig(epochs=40, seed=5)).losses.tolist()
    default = train(datasets.crops(), TrainConfig(epochs=40, seed=0)).losses.tolist()
    assert losses[:2] != pytest.approx(default[:2]), "the seed must change what the page shows"
    open_studio(page, own_server.url)
    page.get_by_label("Epochs").fill("40")
    page.get_by_label("Epochs").press("Enter")
    expect(page.locator(".agp-epoch")).to_have_text("Epoch 0 / 39")
    page.get_by_label("Random seed").fill("5")
    page.get_by_label("Random seed").press("Enter")
    token = encode((*DESCENT, *COMMON), {"gd_epochs": 40, "gd_seed": 5})
    page.wait_for_url(re.compile(re.escape(f"lesson={token}")))

    own_server.crash_and_restart(page)
    wait_reconnected(page, "Random seed")
    page.click(".agp-step")  # only the new server can show epoch 0 in numbers
    expect(page.locator(".agp-epoch")).to_have_text("Epoch 1 / 39")
    numbers = page.get_by_text("Epoch 0 in numbers (epoch 0 → 1)")
    expect(numbers).to_be_visible(timeout=RECONNECT_MS)
    expect(page.get_by_text(f"loss = {format_number(losses[0])}")).to_be_visible()

    page.reload()
    expect(page.locator(".agp-epoch")).to_have_text("Epoch 0 / 39")
    expect(page.get_by_label("Random seed")).to_have_value("5")
    page.click(".agp-step")
    expect(page.locator(".agp-epoch")).to_have_text("Epoch 1 / 39")
    shown = page.evaluate("document.querySelector('.agp-loss').data[0].y")
    assert shown == pytest.approx(losses[:2], rel=1e-5)
    expect(page.get_by_text(f"loss = {format_number(losses[0])}")).to_be_visible()
    assert_no_traceback(page)
