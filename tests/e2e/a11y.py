"""Accessibility measurements made in the page: text contrast, overflow, truncation, focus.

Reusable for any page or component: each helper takes a Playwright page (and a CSS
selector for the area to measure) and returns what it found, so a test asserts on it
and prints the offenders. Measured in the browser, on what it painted: the colours are
the computed ones after the theme's CSS variables, opacity and translucent layers.

Contrast (WCAG 2.x): for every visible text node, its colour against the colour
painted under its middle. What is under it is found by hit-testing
(`elementsFromPoint`, with pointer events forced on for the measurement so layers that
ignore the mouse still count) and compositing each layer's background (HTML) or fill
(SVG shapes) from the top down until one is opaque. A layer whose colour cannot be
read (an image, a gradient, a canvas) makes that text *unmeasured*: the helper returns
it, never drops it, and a test must list it in `EXCLUDED` with the reason or fail. So
does a canvas (its text is pixels). Text painted in the very colour under it (contrast
below 1.1, e.g. the stepper's not-yet-revealed gradients, which keep the graph's layout
still) is a placeholder nobody can see: it is returned as `invisible`, not measured.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Locator, Page

_SCRIPT = (Path(__file__).with_name("a11y.js")).read_text(encoding="utf-8")


def _run(page: Page, name: str, arg: object) -> object:
    """Call `window.__a11y[name](arg)` from a11y.js, loading it into the page first."""
    page.evaluate(_SCRIPT)
    return page.evaluate(f"(arg) => window.__a11y.{name}(arg)", arg)


MINIMUM_CONTRAST = 4.5  # WCAG 1.4.3 AA for normal text; we hold every text to it

# What the contrast check deliberately leaves out, each with why. A selector here is
# matched with `closest()`: the element or any ancestor.
EXCLUDED: dict[str, str] = {
    '[data-testid="stIconMaterial"]': "an icon drawn from a font's ligature (its text is "
    "the icon's name, hidden from assistive technology); icons are graphics (WCAG 1.4.11)",
    '[data-testid="stIconEmoji"]': "an emoji icon: a picture in its own colours",
    "[disabled], [aria-disabled='true']": "a disabled control: WCAG 1.4.3 exempts "
    "inactive user interface components",
    '[data-testid="stDataFrame"]': "Streamlit's data grid (st.dataframe) draws its cells "
    "on a canvas, as pixels: no text to measure; it takes the theme's text and background",
}


@dataclass(frozen=True)
class ContrastReport:
    """What the contrast check saw in one area of one page."""

    measured: list[dict]
    excluded: list[dict]
    unmeasured: list[dict]
    invisible: list[dict]

    def below(self, minimum: float = MINIMUM_CONTRAST) -> list[dict]:
        """The measured texts whose contrast is under `minimum`."""
        return [row for row in self.measured if row["ratio"] < minimum]


def contrast(
    page: Page, root: str = '[data-testid="stMain"]', excluded: dict[str, str] | None = None
) -> ContrastReport:
    """Measure the contrast of every visible text under `root` (see the module docstring)."""
    rules = EXCLUDED if excluded is None else excluded
    result = _run(page, "contrast", [root, list(rules)])
    if "error" in result:
        raise AssertionError(result["error"])
    return ContrastReport(
        result["measured"], result["excluded"], result["unmeasured"], result["invisible"]
    )


def horizontal_overflow(page: Page, root: str = '[data-testid="stMain"]') -> dict:
    """The document's scroll width against the window's, and the elements under `root`
    that cross the window's left or right edge outside any box that scrolls sideways."""
    return _run(page, "overflow", root)


def truncated_text(page: Page, root: str = '[data-testid="stMain"]') -> list[dict]:
    """Elements under `root` whose text is cut off (clipped or ellipsised) sideways."""
    return _run(page, "truncated", root)


def button_names(page: Page, within: Locator | None = None) -> tuple[list[str], list[str]]:
    """(names, unnamed): the accessible names of the visible buttons in `within` (the whole
    page when None), and the start of the HTML of each visible button without a name."""
    scope = within if within is not None else page
    names, unnamed = [], []
    for button in scope.get_by_role("button").all():
        if not button.is_visible():
            continue
        name = accessible_name(button)
        if name.strip():
            names.append(name)
        else:
            unnamed.append(button.evaluate("(el) => el.outerHTML.slice(0, 200)"))
    return names, unnamed


def accessible_name(locator: Locator) -> str:
    """The accessible name of one element as Playwright's role selectors compute it, read
    from its aria snapshot (`- button "Name"`)."""
    snapshot = locator.aria_snapshot()
    first = snapshot.splitlines()[0] if snapshot else ""
    if '"' not in first:
        return ""
    return first.split('"', 1)[1].rsplit('"', 1)[0]


def focus_visible(page: Page, locator: Locator) -> bool:
    """Whether focusing `locator` changes how it looks (an outline, ring or shadow), seen
    by comparing screenshots of its surroundings focused and unfocused."""
    settled(page, locator)
    box = _still_box(page, locator)
    pad = 6
    clip = {
        "x": max(box["x"] - pad, 0),
        "y": max(box["y"] - pad, 0),
        "width": box["width"] + 2 * pad,
        "height": box["height"] + 2 * pad,
    }
    settled(page, locator)
    focused = page.screenshot(clip=clip, animations="disabled", caret="hide")
    locator.evaluate("(el) => el.blur()")
    settled(page, locator)
    blurred = page.screenshot(clip=clip, animations="disabled", caret="hide")
    locator.focus()
    return focused != blurred


def _still_box(page: Page, locator: Locator) -> dict:
    """The control's box once the page has stopped scrolling it (focus scrolls smoothly)."""
    box = None
    for _ in range(100):
        page.evaluate("() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))")
        now = locator.bounding_box()
        assert now is not None, "the control is not on screen"
        if now == box:
            return now
        box = now
    return box


def settled(page: Page, locator: Locator) -> None:
    """Until no transition or animation runs in the widget around `locator` (a focus ring
    that fades in is seen at its end, not half-way)."""
    locator.evaluate(
        """async (el) => {
          const box = el.closest("[data-testid^='st']") || el.parentElement || el;
          const running = () => box.getAnimations({ subtree: true })
            .concat(el.getAnimations()).filter((a) => a.playState === "running");
          await Promise.all(running().map((a) => a.finished.catch(() => null)));
        }"""
    )
