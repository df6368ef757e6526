"""Browser test: a learner who only clicks Next sees every stop work."""

from __future__ import annotations

import pytest
from editor import TOUR_LABEL, editor
from playwright.sync_api import Page, expect
from waits import SLOW_MS, wait_for_lesson

from playground.ui.lesson import TOUR
from playground.ui.tour import STOPS

pytestmark = pytest.mark.e2e
WITH_GRAPH = {"Autograd and requires_grad", "Paths add up", "Linear regression", "Loss"}


def test_next_walks_the_whole_tour(page: Page, server_url: str) -> None:
    page.goto(f"{server_url}/tour")
    for index, stop in enumerate(STOPS):
        # SLOW_MS for the first: a fresh server starts its workers.
        timeout = SLOW_MS if index == 0 else None
        title = page.get_by_text(f"Stop {index + 1} of {len(STOPS)}: {stop.title}")
        expect(title).to_be_visible(timeout=timeout)
        # This stop's run has ended (the URL's lesson is at this stop), so nothing below
        # is left over from the stop before.
        wait_for_lesson(page, TOUR, tour_step=index)
        if index < len(STOPS) - 1:
            expect(editor(page, TOUR_LABEL)).to_have_count(1)
            if stop.title in WITH_GRAPH:
                expect(page.locator("svg .node").first).to_be_visible()
            page.get_by_role("button", name="Next", exact=True).click()
    expect(page.locator(".agp-loss .main-svg").first).to_be_visible()
    page.click(".agp-step")
    expect(page.locator(".agp-epoch")).to_have_text("Epoch 1 / 99")
    expect(page.get_by_text("Traceback")).to_have_count(0)
    expect(page.get_by_text("This app has encountered an error")).to_have_count(0)
