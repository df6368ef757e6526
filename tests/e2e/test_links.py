"""Browser tests: a lesson link opens the same lesson in a fresh browser."""

from __future__ import annotations

import re

import pytest
from editor import expect_code
from playwright.sync_api import Page, expect
from waits import SLOW_MS, wait_for_lesson

from playground.presets import TUTORIAL_FIRST
from playground.ui.lesson import DESCENT, LAB

pytestmark = pytest.mark.e2e


def test_a_shared_lab_link_restores_the_lesson_in_a_fresh_context(
    page: Page, browser, server_url: str
) -> None:
    page.goto(server_url)
    page.wait_for_selector("svg .node", timeout=SLOW_MS)  # a fresh server starts its workers
    wait_for_lesson(page, LAB, SLOW_MS)  # the first run ended
    box = page.get_by_role("spinbutton", name="w", exact=True)
    box.fill("10")
    box.press("Enter")
    expect_code(page, re.compile(r"torch\.tensor\(10\., requires_grad=True\)"))
    page.get_by_text("Raw autograd view").click()
    expect(page.locator("svg .node text", has_text="AccumulateGrad").first).to_be_visible()
    # The link is the URL once the page has written both changes into it.
    code = TUTORIAL_FIRST.replace("torch.tensor(4.,", "torch.tensor(10.,")
    wait_for_lesson(page, LAB, lab_code=code, lab_raw=True)
    url = page.url

    fresh = browser.new_context(viewport={"width": 1500, "height": 1100})
    try:
        other = fresh.new_page()
        other.goto(url)
        expect_code(other, re.compile(r"torch\.tensor\(10\., requires_grad=True\)"))
        expect(other.locator("svg .node text", has_text="AccumulateGrad").first).to_be_visible()
        expect(other.get_by_text("could not be opened")).to_have_count(0)
    finally:
        fresh.close()


def test_a_tampered_link_opens_the_defaults_with_a_warning(page: Page, server_url: str) -> None:
    page.goto(f"{server_url}/?lesson=1.eNqrVkpWslKqVLBVKNcyismjOk.deadbeef")
    warning = page.get_by_text("This lesson link could not be opened")
    expect(warning).to_be_visible(timeout=SLOW_MS)  # a fresh server starts its workers
    expect_code(page, re.compile(r"w = torch\.tensor\(4\., requires_grad=True\)"))
    expect(page.get_by_text("Traceback")).to_have_count(0)


def test_a_studio_link_in_classroom_mode_hides_the_settings(
    page: Page, browser, server_url: str
) -> None:
    page.goto(f"{server_url}/gradient-descent")
    page.wait_for_selector(".agp-loss .main-svg", timeout=SLOW_MS)  # a fresh server: workers
    wait_for_lesson(page, DESCENT, SLOW_MS)  # the first run ended
    page.get_by_label("Epochs").fill("40")
    page.get_by_label("Epochs").press("Enter")
    expect(page.locator(".agp-epoch")).to_have_text("Epoch 0 / 39")
    page.get_by_text("Share this lesson").click()
    page.get_by_text("Classroom mode (larger text)").click()
    # The link is the URL once the page has written both changes into it.
    wait_for_lesson(page, DESCENT, gd_epochs=40, classroom=True)
    url = page.url

    fresh = browser.new_context(viewport={"width": 1500, "height": 1100})
    try:
        other = fresh.new_page()
        other.goto(url)
        expect(other.locator(".agp-epoch")).to_have_text("Epoch 0 / 39")
    finally:
        fresh.close()


def test_classroom_link_hides_chosen_controls(page: Page, server_url: str) -> None:
    from playground.share_link import encode
    from playground.ui.lesson import COMMON, DESCENT

    state = {"gd_epochs": 30, "classroom": True, "hidden": "settings,mistakes"}
    page.goto(f"{server_url}/gradient-descent?lesson={encode((*DESCENT, *COMMON), state)}")
    expect(page.locator(".agp-epoch")).to_have_text("Epoch 0 / 29", timeout=SLOW_MS)
    expect(page.get_by_text("Learning rate", exact=True)).to_have_count(0)
    expect(page.get_by_text("Teaching mistakes", exact=True)).to_have_count(0)
    expect(page.get_by_text("Dataset", exact=True)).to_be_visible()
