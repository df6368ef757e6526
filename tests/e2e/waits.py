"""Waiting for the new state an action causes, never for time.

Every browser test acts, then waits for something the action changed: a lesson token
in the URL that holds the new value, a label or text the page did not show before, a
counter that moved. It never waits for something that was already true before the
action (the page may not have heard of the action yet) and never sleeps for a fixed
time (a busy machine can take longer than any guess).

The pages write their lesson into the URL (`?lesson=<token>`, `playground.ui.lesson`)
as the last thing a script run does, so a token holding the new value means the run
caused by the action got to its end.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect
from streamlit_server import TIMEOUT_MS

from playground.share_link import Field, ShareLinkError, decode
from playground.ui.lesson import COMMON, PARAM

# What legitimately takes long when other processes hold the cores of a 2-core machine:
# a page's first run on a fresh server (it starts the worker processes, each importing
# torch), a 10,000-op program, a 200-node graph laid out in the page.
SLOW_MS = 120_000


def lesson_in_url(url: str, fields: Sequence[Field]) -> dict[str, object] | None:
    """The lesson the URL's token holds (every field of `fields` and COMMON), or None."""
    tokens = parse_qs(urlsplit(url).query).get(PARAM)
    if not tokens:
        return None
    try:
        return decode((*fields, *COMMON), tokens[0])
    except ShareLinkError:
        return None


def wait_for_lesson(
    page: Page, fields: Sequence[Field], timeout: float = TIMEOUT_MS, **expected: object
) -> dict[str, object]:
    """Until the URL's lesson holds `expected` (state keys, e.g. lab_code=...) and the run
    that wrote it has finished; returns the whole lesson.

    With no `expected`, any lesson token will do: use that after opening a page whose
    URL had none, to wait for its first run to end.
    """

    def holds(url: str) -> bool:
        state = lesson_in_url(url, fields)
        return state is not None and all(state[k] == v for k, v in expected.items())

    page.wait_for_url(holds, timeout=timeout)
    wait_run_done(page, timeout)
    state = lesson_in_url(page.url, fields)
    assert state is not None, page.url
    return state


def wait_run_done(page: Page, timeout: float = TIMEOUT_MS) -> None:
    """Until Streamlit says no script run is going on.

    Only meaningful once the page shows something of the run awaited (a new label, a
    new token): before that, "not running" may still describe the run before it.
    """
    app = page.get_by_test_id("stApp")
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=timeout)


def wait_until(
    page: Page, condition: Callable[[], bool], what: str, timeout: float = TIMEOUT_MS
) -> None:
    """Until `condition()` (a test-side fact, e.g. what a routed WebSocket carried) holds.

    Playwright runs the test's route and event handlers only while the test calls into
    it, so each short `wait_for_timeout` here is what lets those handlers run: the loop
    ends as soon as the condition holds, and fails after `timeout` ms.
    """
    deadline = time.monotonic() + timeout / 1000
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout / 1000:.0f} s for {what}")
        page.wait_for_timeout(50)
