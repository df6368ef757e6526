"""Browser tests of accessibility: names, contrast, dark mode, tablet and keyboard.

Every page (the lab with the stepper open, the studio, the tour) at a projector's
1280×720, a tablet's 768×1024 and a desktop's 1920×1080, in light and dark (the
browser's colour scheme: the app follows the system). Controls are looked up by role
and name, as assistive technology finds them, never by the widgets' internals, so the
tests hold when the lab's editor and graph are replaced by components.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from a11y import (
    MINIMUM_CONTRAST,
    accessible_name,
    button_names,
    contrast,
    focus_visible,
    horizontal_overflow,
    truncated_text,
)
from playwright.sync_api import Browser, Locator, Page, expect
from streamlit_server import TIMEOUT_MS
from waits import SLOW_MS, wait_for_lesson, wait_run_done

from playground.share_link import encode
from playground.ui.lesson import COMMON, DESCENT, LAB, PARAM, TOUR
from playground.ui.tour import STOPS

pytestmark = pytest.mark.e2e

SCREENSHOT_DIR = Path(tempfile.gettempdir()) / "autograd-playground-e2e"  # as conftest's
VIEWPORTS = {"1280x720": (1280, 720), "768x1024": (768, 1024), "1920x1080": (1920, 1080)}
SCHEMES = ("light", "dark")
MAIN = '[data-testid="stMain"]'
# Buttons each page must offer by these exact names (icons are not part of a name).
KNOWN = {
    "lab": ["Prev", "Next", "Play", "Restart", "Download DOT", "Check gradients"],
    "studio": ["Play", "Step", "Reset", "Download PyTorch script"],
    "tour": ["Try a ragged list", "Back", "Next"],
    "tour-training": ["Play", "Step", "Reset", "Back"],
}


@contextmanager
def themed_page(browser: Browser, size: tuple[int, int], scheme: str) -> Iterator[Page]:
    """A fresh session in a window of `size` whose system colour scheme is `scheme`."""
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def link(fields, **state: object) -> str:
    """The lesson token for `state` over `fields` (the rest at their defaults)."""
    values = {f.state: f.default for f in (*fields, *COMMON)} | state
    return f"?{PARAM}={encode((*fields, *COMMON), values)}"


def open_lab_stepping(page: Page, url: str) -> None:
    """The lab on the tutorial's preset with the backward stepper open."""
    page.goto(url)
    switch = page.get_by_role("switch", name="Step through backward()")
    expect(switch).to_be_enabled(timeout=SLOW_MS)
    wait_for_lesson(page, LAB, SLOW_MS)
    page.get_by_text("Step through backward()").click()
    expect(page.get_by_role("button", name="Next", exact=True)).to_be_visible()
    wait_for_lesson(page, LAB, lab_stepping=True)
    expect(page.get_by_text("Before backward():")).to_be_visible()


def open_studio(page: Page, url: str, query: str = "") -> None:
    page.goto(f"{url}/gradient-descent{query}")
    expect(page.locator(".agp-loss .main-svg").first).to_be_visible(timeout=SLOW_MS)
    expect(page.locator(".agp-epoch")).to_have_text(re.compile(r"Epoch 0 / \d+"))
    wait_for_lesson(page, DESCENT, SLOW_MS)


def open_tour(page: Page, url: str, stop: int = 0) -> None:
    page.goto(f"{url}/tour{link(TOUR, tour_step=stop) if stop else ''}")
    title = f"Stop {stop + 1} of {len(STOPS)}: {STOPS[stop].title}"
    expect(page.get_by_text(title)).to_be_visible(timeout=SLOW_MS)
    wait_for_lesson(page, TOUR, SLOW_MS, tour_step=stop)
    if STOPS[stop].widget.__name__ == "_training":
        expect(page.locator(".agp-loss .main-svg").first).to_be_visible()


def app_is_dark(page: Page) -> bool:
    """Whether the app's background is dark (its channels average under 100 of 255)."""
    return page.evaluate(
        """() => getComputedStyle(document.querySelector('[data-testid="stApp"]'))
          .backgroundColor.match(/[\\d.]+/g).slice(0, 3).map(Number)
          .reduce((a, b) => a + b) / 3 < 100"""
    )


def check_page(page: Page, name: str, size: str, scheme: str) -> list[str]:
    """Every check that holds at any size and theme; returns what failed, for one report."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / f"a11y-{name}-{size}-{scheme}.png"))
    problems = []
    if app_is_dark(page) != (scheme == "dark"):
        problems.append(f"{name}: the app did not follow the system's {scheme} scheme")
    names, unnamed = button_names(page, page.locator(MAIN))
    if unnamed:
        problems.append(f"{name}: buttons without an accessible name: {unnamed}")
    for known in KNOWN[name]:
        if page.get_by_role("button", name=known, exact=True).count() != 1:
            problems.append(f"{name}: no single button named {known!r} (named: {names})")
    report = contrast(page, MAIN)
    if len(report.measured) < 5:
        problems.append(f"{name}: only {len(report.measured)} texts measured: page not drawn?")
    for row in report.below():
        problems.append(f"{name}: contrast {row['ratio']} < {MINIMUM_CONTRAST}: {row}")
    for row in report.unmeasured:
        problems.append(f"{name}: text on a colour that could not be read, not excluded: {row}")
    sidebar = '[data-testid="stSidebar"][aria-expanded="true"]'
    if page.locator(sidebar).count():  # folded away on a tablet: nothing there to read
        report = contrast(page, sidebar)
        for row in report.below():
            problems.append(f"{name} sidebar: contrast {row['ratio']} < {MINIMUM_CONTRAST}: {row}")
        for row in report.unmeasured:
            problems.append(f"{name} sidebar: text on an unreadable colour, not excluded: {row}")
    for row in truncated_text(page, MAIN):
        problems.append(f"{name}: text cut off: {row}")
    overflow = horizontal_overflow(page, MAIN)
    if overflow["scrollWidth"] > overflow["innerWidth"]:
        problems.append(f"{name}: page scrolls sideways: {overflow['scrollWidth']} px wide")
    for row in overflow["sticking_out"]:
        problems.append(f"{name}: crosses the window's edge: {row}")
    return problems


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_every_page_is_named_readable_and_fits(
    browser: Browser, server_url: str, size: str, scheme: str
) -> None:
    """Buttons named, text at 4.5:1 or more, nothing cut off or wider than the window."""
    problems = []
    with themed_page(browser, VIEWPORTS[size], scheme) as page:
        open_lab_stepping(page, server_url)
        problems += check_page(page, "lab", size, scheme)
        open_studio(page, server_url)
        problems += check_page(page, "studio", size, scheme)
        open_tour(page, server_url)
        problems += check_page(page, "tour", size, scheme)
        open_tour(page, server_url, stop=len(STOPS) - 1)
        problems += check_page(page, "tour-training", size, scheme)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("size", ["1280x720", "768x1024"])
def test_classroom_mode_fits_a_projector_and_a_tablet(
    browser: Browser, server_url: str, size: str
) -> None:
    """Classroom mode's larger text reflows: nothing cut off or wider than the window."""
    classroom = link(LAB, classroom=True)  # classroom is in COMMON: any page's link holds it
    problems = []
    with themed_page(browser, VIEWPORTS[size], "dark") as page:
        open_lab_stepping(page, f"{server_url}/{classroom}")
        assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "22.5px"
        problems += check_page(page, "lab", f"{size}-classroom", "dark")
        open_studio(page, server_url, classroom)
        problems += check_page(page, "studio", f"{size}-classroom", "dark")
        # The player's charts stand one above the other when the text is this large.
        loss, fit = (page.locator(f".agp-{c}").bounding_box() for c in ("loss", "fit"))
        assert fit["y"] >= loss["y"] + loss["height"], (loss, fit)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_player_plays_and_pauses_by_role_and_name(
    browser: Browser, server_url: str, scheme: str
) -> None:
    with themed_page(browser, VIEWPORTS["1280x720"], scheme) as page:
        open_studio(page, server_url)
        page.get_by_role("combobox", name="Speed").select_option("10")
        page.get_by_role("button", name="Play", exact=True).click()
        pause = page.get_by_role("button", name="Pause", exact=True)
        expect(pause).to_be_visible()
        page.wait_for_function("Number(document.querySelector('.agp').dataset.epoch) >= 3")
        pause.click()
        expect(page.get_by_role("button", name="Play", exact=True)).to_be_visible()
        expect(page.locator(".agp")).to_have_attribute("data-playing", "0")
        page.get_by_role("checkbox", name="log scale").check()
        expect(page.locator(".agp-loss .ytick").first).to_be_visible()
        assert page.evaluate("document.querySelector('.agp-loss').layout.yaxis.type") == "log"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_player_s_stop_message_is_readable(
    browser: Browser, server_url: str, scheme: str
) -> None:
    """The red message a stopped run shows inside the player, in light and dark."""
    with themed_page(browser, VIEWPORTS["1280x720"], scheme) as page:
        open_studio(page, server_url, link(DESCENT, gd_outside=True))
        page.get_by_role("button", name="Play", exact=True).click()
        message = page.locator(".agp-msg")
        expect(message).to_be_visible()
        report = contrast(page, ".agp")
        assert any(row["text"].startswith("PyTorch") for row in report.measured), report
        assert not report.below(), report.below()
        assert not report.unmeasured, report.unmeasured


# An id for the focused element, so a Tab that leaves the focus where it was is seen.
FOCUSED_ID = """() => {
  const el = document.activeElement;
  if (!el) return null;
  if (!el.dataset.a11yId) el.dataset.a11yId = String(Math.random());
  return el.dataset.a11yId;
}"""


def focus_top(page: Page) -> None:
    """Put the keyboard's starting point at the top of the page, as on arrival."""
    page.evaluate(
        """() => {
          const start = document.createElement("div");
          start.tabIndex = -1;
          document.body.prepend(start);
          start.focus();
        }"""
    )


def tab_to(page: Page, target: Locator, limit: int = 120) -> list[str]:
    """Press Tab until `target` has the focus; returns what the focus passed through.

    A control that keeps Tab for itself (a code editor indents with it) is left the
    way such editors document: Escape, then Tab.
    """
    seen: list[str] = []
    previous = None
    for _ in range(limit):
        if target.evaluate("(el) => el === document.activeElement"):
            return seen
        here = page.evaluate(FOCUSED_ID)
        if here == previous:
            page.keyboard.press("Escape")
        previous = here
        page.keyboard.press("Tab")
        seen.append(page.evaluate("() => (document.activeElement || {}).tagName"))
    pytest.fail(f"Tab never reached {target} in {limit} presses")


def expect_focus_ring(page: Page, target: Locator) -> None:
    assert focus_visible(page, target), f"no visible focus indicator on {accessible_name(target)}"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_player_works_from_the_keyboard(browser: Browser, server_url: str, scheme: str) -> None:
    """Tab to the player's buttons; Enter and Space play, pause and step."""
    with themed_page(browser, VIEWPORTS["1280x720"], scheme) as page:
        open_studio(page, server_url)
        focus_top(page)
        play = page.get_by_role("button", name="Play", exact=True)
        tab_to(page, play)
        expect_focus_ring(page, play)
        page.keyboard.press("Enter")
        pause = page.get_by_role("button", name="Pause", exact=True)
        expect(pause).to_be_focused()
        page.wait_for_function("Number(document.querySelector('.agp').dataset.epoch) >= 2")
        page.keyboard.press("Space")
        expect(play).to_be_focused()
        expect(page.locator(".agp")).to_have_attribute("data-playing", "0")
        paused_at = int(page.locator(".agp").get_attribute("data-epoch"))
        step = page.get_by_role("button", name="Step", exact=True)
        tab_to(page, step, limit=3)
        expect_focus_ring(page, step)
        page.keyboard.press("Enter")
        expect(page.locator(".agp")).to_have_attribute("data-epoch", str(paused_at + 1))


@pytest.mark.parametrize("scheme", SCHEMES)
def test_stepper_works_from_the_keyboard(browser: Browser, server_url: str, scheme: str) -> None:
    """Tab to the stepper's switch, Space opens it; Enter on Next walks a step."""
    with themed_page(browser, VIEWPORTS["1280x720"], scheme) as page:
        page.goto(server_url)
        switch = page.get_by_role("switch", name="Step through backward()")
        expect(switch).to_be_enabled(timeout=SLOW_MS)
        wait_for_lesson(page, LAB, SLOW_MS)
        focus_top(page)
        tab_to(page, switch)
        expect_focus_ring(page, switch)
        page.keyboard.press("Space")
        expect(switch).to_be_checked()
        nxt = page.get_by_role("button", name="Next", exact=True)
        expect(nxt).to_be_visible()
        wait_for_lesson(page, LAB, lab_stepping=True)
        tab_to(page, nxt, limit=10)
        expect_focus_ring(page, nxt)
        page.keyboard.press("Enter")
        expect(page.get_by_text(re.compile(r"Step 1 of \d+"))).to_be_visible()
        page.keyboard.press("Space")
        expect(page.get_by_text(re.compile(r"Step 2 of \d+"))).to_be_visible()
        prev = page.get_by_role("button", name="Prev", exact=True)
        prev.focus()
        page.keyboard.press("Enter")
        expect(page.get_by_text(re.compile(r"Step 1 of \d+"))).to_be_visible()


CONTROLS = """(root) => [...document.querySelector(root).querySelectorAll(
  'button, input, select, textarea, a[href], [tabindex]:not([tabindex="-1"]), [role="switch"]')]
  .filter((el) => el.checkVisibility({ visibilityProperty: true }) && !el.disabled
    && el.getAttribute('aria-disabled') !== 'true' && el.tabIndex >= 0
    && el.getBoundingClientRect().width > 0)
  .map((el, i) => { el.dataset.a11yControl = String(i); return i; }).length"""


@pytest.mark.parametrize("page_name", ["lab", "studio", "tour"])
def test_tab_reaches_every_control_with_a_visible_focus(
    browser: Browser, server_url: str, page_name: str
) -> None:
    """Every enabled control in the main area takes the focus from Tab, and shows it."""
    with themed_page(browser, VIEWPORTS["1280x720"], "light") as page:
        {"lab": lambda: open_lab_stepping(page, server_url),
         "studio": lambda: open_studio(page, server_url),
         "tour": lambda: open_tour(page, server_url)}[page_name]()  # fmt: skip
        wait_run_done(page)
        count = page.evaluate(CONTROLS, MAIN)
        assert count >= 3, f"only {count} controls found on the {page_name} page"
        focus_top(page)
        reached: set[str] = set()
        no_ring: list[str] = []
        previous = None
        for _ in range(count + 120):
            page.keyboard.press("Tab")
            here = page.evaluate(FOCUSED_ID)
            focused = page.locator(f'[data-a11y-id="{here}"]')
            mark = page.evaluate(
                "() => { const el = document.activeElement;"
                " return el && el.closest('[data-a11y-control]') ?"
                " el.closest('[data-a11y-control]').dataset.a11yControl : null; }"
            )
            if mark is not None and mark not in reached:
                reached.add(mark)
                if not focus_visible(page, focused):
                    no_ring.append(focused.evaluate("(el) => el.outerHTML.slice(0, 160)"))
            if len(reached) == count:
                break
            if here == previous:
                page.keyboard.press("Escape")  # a control that keeps Tab (an editor)
            previous = here
        missed = page.evaluate(
            "(seen) => [...document.querySelectorAll('[data-a11y-control]')]"
            ".filter((el) => !seen.includes(el.dataset.a11yControl))"
            ".map((el) => el.outerHTML.slice(0, 160))",
            sorted(reached),
        )
        assert not missed, f"Tab never reached: {missed}"
        assert not no_ring, f"no visible focus indicator: {no_ring}"


def test_switching_theme_in_the_menu_redraws_the_player(browser: Browser, server_url: str) -> None:
    """The ⋮ menu's Dark/Light switch reaches the player's charts without a rerun."""
    with themed_page(browser, VIEWPORTS["1280x720"], "light") as page:
        open_studio(page, server_url)
        expect(page.locator(".agp")).to_have_attribute("data-theme", "light")
        light_bg = page.evaluate("getComputedStyle(document.querySelector('.agp-loss .main-svg'))"
                                 ".backgroundColor")  # fmt: skip
        page.get_by_role("button", name="Main menu").click()
        page.get_by_role("menuitemradio", name="Dark").click()
        expect(page.locator(".agp")).to_have_attribute("data-theme", "dark")
        assert app_is_dark(page)
        page.keyboard.press("Escape")
        dark_bg = page.evaluate("getComputedStyle(document.querySelector('.agp-loss .main-svg'))"
                                ".backgroundColor")  # fmt: skip
        assert dark_bg != light_bg
        report = contrast(page, ".agp")
        assert not report.below(), report.below()
        assert not report.unmeasured, report.unmeasured
        page.get_by_role("button", name="Main menu").click()
        page.get_by_role("menuitemradio", name="Light").click()
        expect(page.locator(".agp")).to_have_attribute("data-theme", "light")
