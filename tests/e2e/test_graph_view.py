"""End-to-end: the graph view (playground/ui/graph_view.py) in headless Chromium.

Readable by default: at 1280x720, 768x1024 and 1920x1080, in light and dark, the node
text of the tutorial's graph and of the tanh neuron is measured in the page. The
measurement (`TEXT_SIZES`, the one place it is done) is the height of each visible node
`<text>` element's getBoundingClientRect (what the learner sees, glyph box included),
and, as a second check, its font-size times the SVG's on-screen scale; both must be at
least 14 px. The contrast of every node text against its node's fill is computed in the
page (WCAG 2 relative luminance) and must be at least 4.5:1.

Dark mode: the app follows the system setting, so the dark runs use the shared server
and a browser context with `color_scheme="dark"` (what a system dark setting gives).

Screenshots go to the e2e screenshot folder (conftest.SCREENSHOT_DIR), named by test.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import SCREENSHOT_DIR
from playwright.sync_api import Browser, Locator, Page, expect
from streamlit_server import TIMEOUT_MS
from test_lab import open_lab, pick_preset, run_code, wait_for_graph
from waits import SLOW_MS, wait_for_lesson

from playground.ui.lesson import LAB

pytestmark = pytest.mark.e2e

SIZES = {"1280x720": (1280, 720), "768x1024": (768, 1024), "1920x1080": (1920, 1080)}
NEURON = "Tanh neuron"
SHARED = "Shared subexpression: a*a + a"
MIN_TEXT_PX = 14
MIN_CONTRAST = 4.5

# Per visible node text: its text, its box height on screen, and font-size x scale (px).
TEXT_SIZES = """(root) => {
  const svg = root.querySelector(".gvw-stage svg");
  const unit = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return Array.from(root.querySelectorAll("svg .node text"))
    .filter((t) => getComputedStyle(t).visibility !== "hidden")
    .map((t) => ({
      text: t.textContent,
      box: t.getBoundingClientRect().height,
      font: parseFloat(t.getAttribute("font-size")) * unit,
    }));
}"""

# Per visible node text: its contrast against its node's fill (the viewport's background
# for an unfilled node), from the computed colours; also the background's luminance.
CONTRASTS = """(root) => {
  const parse = (c) => {
    let m = c.match(/^rgba?\\(([^)]+)\\)/);
    if (m) return m[1].split(/[\\s,/]+/).filter(Boolean).slice(0, 3).map((v) => Number(v) / 255);
    m = c.match(/^color\\(srgb ([^)]+)\\)/);
    if (m) return m[1].trim().split(/\\s+/).slice(0, 3).map(Number);
    throw new Error(`unreadable colour ${c}`);
  };
  const lin = (v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
  const lum = ([r, g, b]) => 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  const ratio = (a, b) => {
    const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const page = parse(getComputedStyle(root.querySelector(".gvw-viewport")).backgroundColor);
  const out = [];
  for (const node of root.querySelectorAll("svg .node")) {
    const shape = node.querySelector(":scope > path, :scope > polygon, :scope > ellipse");
    const filled = shape && shape.getAttribute("fill") !== "none";
    const fill = filled ? parse(getComputedStyle(shape).fill) : page;
    for (const t of node.querySelectorAll("text")) {
      if (getComputedStyle(t).visibility === "hidden") continue;
      const colour = getComputedStyle(t).fill;
      out.push({ text: t.textContent, node: node.getAttribute("class"), colour,
                 ratio: ratio(parse(colour), fill) });
    }
  }
  return { background: lum(page), texts: out };
}"""


@pytest.fixture
def open_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Callable[..., Page]]:
    """open_page(size, scheme, touch=False): the lab in a new context of that size and
    colour scheme (with a touch screen)."""
    contexts = []

    def opener(size: str, scheme: str, touch: bool = False) -> Page:
        width, height = SIZES[size]
        context = browser.new_context(viewport={"width": width, "height": height},
                                      color_scheme=scheme, has_touch=touch)  # fmt: skip
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        url = request.getfixturevalue("server_url")
        page.goto(url)
        open_lab(page)
        wait_drawn(page)
        return page

    yield opener
    for context in contexts:
        context.close()


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"graph-view-{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def view(page: Page) -> Locator:
    """The one graph view on the page (the lab shows one at a time)."""
    views = page.locator(".gvw")
    expect(views).to_have_count(1)
    return views.first


def scale(page: Page) -> float:
    return float(view(page).get_attribute("data-scale") or "nan")


def wait_scale(page: Page, holds: str) -> None:
    """Until the view's scale `s` satisfies the JS expression `holds` (e.g. "s > 1")."""
    page.wait_for_function(
        f"() => {{ const s = Number(document.querySelector('.gvw').dataset.scale); "
        f"return {holds}; }}"
    )


def assert_placed(page: Page, what: str) -> None:
    """The start view shows the graph from its top-left corner (centred where it fits)."""
    graph = svg_box(page)
    viewport = view(page).locator(".gvw-viewport").bounding_box()
    assert graph["x"] >= viewport["x"] - 1 and graph["y"] >= viewport["y"] - 1, (what, graph)
    if graph["width"] <= viewport["width"]:
        assert graph["x"] + graph["width"] <= viewport["x"] + viewport["width"] + 1, what


def assert_readable(page: Page, what: str) -> list[dict]:
    sizes = view(page).evaluate(TEXT_SIZES)
    assert sizes, f"{what}: no node text"
    small = [s for s in sizes if s["box"] < MIN_TEXT_PX or s["font"] < MIN_TEXT_PX]
    assert not small, f"{what}: node text under {MIN_TEXT_PX} px: {small}"
    return sizes


def assert_contrast(page: Page, scheme: str, what: str) -> None:
    found = view(page).evaluate(CONTRASTS)
    # The theme really is the one asked for: a light or a dark background.
    assert (found["background"] > 0.8) if scheme == "light" else (found["background"] < 0.1)
    assert found["texts"], what
    low = [t for t in found["texts"] if t["ratio"] < MIN_CONTRAST]
    assert not low, f"{what} ({scheme}): text contrast under {MIN_CONTRAST}: {low}"


def wait_drawn(page: Page) -> None:
    """Until the one graph view on the page has drawn and placed its first graph."""
    page.wait_for_function(
        "() => { const v = document.querySelectorAll('.gvw');"
        " return v.length === 1 && Number(v[0].dataset.renders || 0) >= 1; }"
    )


def rendered(page: Page) -> int:
    return int(view(page).get_attribute("data-renders") or "0")


def wait_rendered_after(page: Page, count: int) -> None:
    page.wait_for_function(
        "(n) => Number(document.querySelector('.gvw')?.dataset.renders || 0) > n", arg=count
    )


def svg_box(page: Page) -> dict:
    return view(page).locator(".gvw-stage svg").bounding_box()


def button(page: Page, name: str) -> Locator:
    return view(page).get_by_role("button", name=name)


# ---------------------------------------------------------------- readable by default


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", list(SIZES))
def test_node_text_is_readable_without_clicking(open_page, size: str, scheme: str) -> None:
    page = open_page(size, scheme)  # the tutorial's y = w*x + b
    tutorial = assert_readable(page, f"tutorial {size} {scheme}")
    assert_placed(page, f"tutorial {size} {scheme}")
    assert_contrast(page, scheme, f"tutorial {size}")
    screenshot(page, f"tutorial-{size}-{scheme}")
    pick_preset(page, NEURON)
    wait_for_graph(page, ["tanh", "TanhBackward0", "w1", "x2"])
    neuron = assert_readable(page, f"neuron {size} {scheme}")
    assert_placed(page, f"neuron {size} {scheme}")
    assert_contrast(page, scheme, f"neuron {size}")
    screenshot(page, f"neuron-{size}-{scheme}")
    print(f"{size} {scheme}: smallest node text (box height / font size x scale) "
          f"tutorial {min(s['box'] for s in tutorial):.1f} / "
          f"{min(s['font'] for s in tutorial):.1f} px, "
          f"neuron {min(s['box'] for s in neuron):.1f} / "
          f"{min(s['font'] for s in neuron):.1f} px")  # fmt: skip


def test_full_screen_keeps_node_text_readable_and_fit_still_shows_it_all(open_page) -> None:
    """Full screen is for projecting: its first view never shrinks the text below the
    inline view's floor (it pans instead); Fit is still one press away."""
    page = open_page("1280x720", "light")
    pick_preset(page, NEURON)
    wait_for_graph(page, ["tanh", "TanhBackward0", "w1", "x2"])
    inline = min(s["font"] for s in assert_readable(page, "neuron inline 1280x720"))
    button(page, "Full screen").click()
    page.wait_for_function(
        "() => document.fullscreenElement?.classList.contains('gvw')"
        " && document.fullscreenElement.dataset.view === 'full-start'"
    )
    full = assert_readable(page, "neuron full screen 1280x720")
    assert_placed(page, "neuron full screen 1280x720")
    screenshot(page, "neuron-full-screen-1280x720")
    print(f"neuron 1280x720: smallest node text inline {inline:.1f} px, full screen "
          f"{min(s['box'] for s in full):.1f} / {min(s['font'] for s in full):.1f} px")  # fmt: skip
    start = scale(page)
    button(page, "Fit").click()
    page.wait_for_function("() => document.querySelector('.gvw').dataset.view === 'fit'")
    page.wait_for_function("""() => {
      const v = document.querySelector('.gvw-viewport').getBoundingClientRect();
      const g = document.querySelector('.gvw-stage svg').getBoundingClientRect();
      return g.left >= v.left - 1 && g.right <= v.right + 1 && g.top >= v.top - 1
        && g.bottom <= v.bottom + 1;
    }""")  # fmt: skip
    assert scale(page) <= start + 1e-3
    button(page, "Exit full screen").click()
    page.wait_for_function("() => document.fullscreenElement === null")


def test_a_big_graph_keeps_its_text_size_and_pans_in_a_bounded_viewport(open_page) -> None:
    page = open_page("1280x720", "light")
    code = "w = torch.tensor(1.5, requires_grad=True)\ny = w\nfor i in range(12):\n"
    code += "    y = y * 1.01 + i\ny.backward()\n"
    run_code(page, code, timeout=SLOW_MS)
    wait_for_graph(page, ["AddBackward0"], absent=["x", "b"])
    assert view(page).locator("svg .node").count() > 45
    assert_readable(page, "50-node chain")
    assert_placed(page, "50-node chain")
    viewport = view(page).locator(".gvw-viewport").bounding_box()
    assert viewport["height"] <= 0.8 * 720 + 1, viewport
    graph = svg_box(page)
    assert graph["width"] > viewport["width"] or graph["height"] > viewport["height"]
    view(page).locator(".gvw-viewport").scroll_into_view_if_needed()
    before = svg_box(page)
    box = view(page).locator(".gvw-viewport").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 - 120, box["y"] + box["height"] / 2 - 90, steps=6)
    page.mouse.up()
    page.wait_for_function(
        "(y) => document.querySelector('.gvw-stage svg').getBoundingClientRect().y < y - 30",
        arg=before["y"],
    )
    screenshot(page, "big-graph-1280x720")


# ---------------------------------------------------------------- the controls


def test_zoom_fit_full_screen_and_layout_buttons_by_role_name_and_keyboard(open_page) -> None:
    page = open_page("1280x720", "light")
    start = scale(page)
    button(page, "Zoom in").click()
    wait_scale(page, f"s > {start} * 1.2")
    button(page, "Zoom out").click()
    wait_scale(page, f"Math.abs(s - {start}) < 1e-3")
    # Keyboard: Enter and Space on the focused buttons.
    button(page, "Zoom in").focus()
    page.keyboard.press("Enter")
    wait_scale(page, f"s > {start} * 1.2")
    button(page, "Zoom out").focus()
    page.keyboard.press("Space")
    wait_scale(page, f"Math.abs(s - {start}) < 1e-3")
    # The wheel zooms where the pointer is.
    view(page).locator(".gvw-viewport").scroll_into_view_if_needed()
    box = view(page).locator(".gvw-viewport").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 80)
    page.mouse.wheel(0, -400)
    wait_scale(page, f"s > {start} * 1.05")

    button(page, "Fit").click()
    page.wait_for_function("""() => {
      const v = document.querySelector('.gvw-viewport').getBoundingClientRect();
      const g = document.querySelector('.gvw-stage svg').getBoundingClientRect();
      return g.left >= v.left - 1 && g.right <= v.right + 1 && g.top >= v.top - 1
        && g.bottom <= v.bottom + 1 && (g.width > v.width - 40 || g.height > v.height - 40);
    }""")  # fmt: skip

    button(page, "Full screen").click()
    page.wait_for_function("() => document.fullscreenElement?.classList.contains('gvw')")
    expect(button(page, "Exit full screen")).to_be_visible()
    screenshot(page, "full-screen-1280x720")
    page.keyboard.press("Escape")
    page.wait_for_function("() => document.fullscreenElement === null")
    expect(button(page, "Full screen")).to_have_text("Full screen")
    button(page, "Full screen").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.fullscreenElement?.classList.contains('gvw')")
    button(page, "Exit full screen").click()
    page.wait_for_function("() => document.fullscreenElement === null")

    count = rendered(page)
    button(page, "Left to right").click()
    wait_rendered_after(page, count)
    expect(button(page, "Left to right")).to_have_attribute("aria-pressed", "true")
    expect(button(page, "Top to bottom")).to_have_attribute("aria-pressed", "false")
    wide = svg_box(page)
    assert wide["width"] > wide["height"], wide  # inputs on the left, y on the right
    assert_readable(page, "tutorial, left to right")
    count = rendered(page)
    button(page, "Top to bottom").click()
    wait_rendered_after(page, count)
    tall = svg_box(page)
    assert tall["height"] > tall["width"], tall
    # The choice survives a rerun that mounts a new view (the step-through's).
    button(page, "Left to right").click()
    page.get_by_text("Step through backward()").click()
    expect(page.get_by_text("Before backward()")).to_be_visible()
    wait_drawn(page)
    expect(button(page, "Left to right")).to_have_attribute("aria-pressed", "true")
    page.wait_for_function("""() => {
      const g = document.querySelector('.gvw-stage svg')?.getBoundingClientRect();
      return g && g.width > g.height;
    }""")


# ---------------------------------------------------------------- stepping through


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_stepping_through_backward_keeps_the_zoom_and_the_layout(open_page, scheme: str) -> None:
    page = open_page("1280x720", scheme)
    pick_preset(page, SHARED)
    wait_for_graph(page, ["grad 7"])
    page.get_by_text("Step through backward()").click()
    expect(page.get_by_text("Before backward()")).to_be_visible()
    wait_for_lesson(page, LAB, lab_preset=SHARED, lab_stepping=True)
    wait_drawn(page)
    button(page, "Zoom in").click()
    button(page, "Zoom in").click()
    zoomed = scale(page)
    count = rendered(page)
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.get_by_text("Step 1 of 3")).to_be_visible()
    wait_rendered_after(page, count)
    assert scale(page) == pytest.approx(zoomed), "a step kept the learner's zoom"
    expect(view(page).locator("svg .node.active")).to_have_count(1)
    assert_contrast(page, scheme, "step 1, active node")
    screenshot(page, f"step-1-zoomed-{scheme}")

    count = rendered(page)
    button(page, "Left to right").click()
    wait_rendered_after(page, count)
    count = rendered(page)
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.get_by_text("Step 2 of 3")).to_be_visible()
    wait_rendered_after(page, count)
    expect(button(page, "Left to right")).to_have_attribute("aria-pressed", "true")
    wide = svg_box(page)
    assert wide["width"] > wide["height"], wide
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.get_by_text("Done: every leaf's .grad")).to_be_visible()
    # The leaf's answer, hidden before the walk, shows once the walk reaches it.
    grad = view(page).locator("svg .node text", has_text="grad 7")
    expect(grad).to_have_attribute("fill", "#000000")
    expect(grad).to_be_visible()
    assert_contrast(page, scheme, "last step")
    assert_readable(page, f"step-through, left to right, {scheme}")
    screenshot(page, f"step-done-lr-{scheme}")


def test_a_theme_switch_recolours_the_graph_without_redrawing_it(open_page) -> None:
    """Streamlit hands a component its theme as CSS variables: set them to a dark
    theme's, as a switch in the page does, and the drawn graph follows by CSS alone."""
    page = open_page("1280x720", "light")
    assert_contrast(page, "light", "before the switch")
    count = rendered(page)
    view(page).evaluate("""(root) => {
      root.style.setProperty("--st-background-color", "#0e1117");
      root.style.setProperty("--st-text-color", "#fafafa");
    }""")
    assert_contrast(page, "dark", "after the switch")
    assert rendered(page) == count, "no new layout, no rerun"
    screenshot(page, "theme-switched-in-page")


def test_a_two_finger_pinch_zooms_on_a_touch_screen(open_page) -> None:
    """Two touch points moving apart, sent as Chromium's own touch input (CDP), as a
    tablet's pinch: Playwright has no multi-touch gesture of its own."""
    page = open_page("768x1024", "light", touch=True)
    start = scale(page)
    viewport = view(page).locator(".gvw-viewport")
    viewport.scroll_into_view_if_needed()
    box = viewport.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + min(box["height"], 1024 - box["y"]) / 2
    cdp = page.context.new_cdp_session(page)

    def touch(kind: str, spread: float | None) -> None:
        points = [] if spread is None else [
            {"x": x - spread, "y": y, "id": 0}, {"x": x + spread, "y": y, "id": 1}
        ]  # fmt: skip
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    touch("touchStart", 30)
    for spread in range(35, 120, 5):
        touch("touchMove", spread)
    touch("touchEnd", None)
    wait_scale(page, f"s > {start} * 1.3")


def test_stepping_through_backward_in_full_screen(open_page) -> None:
    """The page's Prev / Next are outside the full-screen graph: it has its own."""
    page = open_page("1280x720", "dark")
    pick_preset(page, SHARED)
    wait_for_graph(page, ["grad 7"])
    page.get_by_text("Step through backward()").click()
    expect(page.get_by_text("Before backward()")).to_be_visible()
    wait_for_lesson(page, LAB, lab_preset=SHARED, lab_stepping=True)
    wait_drawn(page)
    expect(button(page, "Next step")).to_be_hidden()  # not beside the page's own buttons
    button(page, "Full screen").click()
    page.wait_for_function("() => document.fullscreenElement?.classList.contains('gvw')")
    expect(view(page).locator(".gvw-caption")).to_have_text("0 / 3")
    for step in (1, 2):
        button(page, "Next step").click()
        expect(view(page).locator(".gvw-caption")).to_have_text(f"{step} / 3")
        expect(view(page).locator("svg .node.active")).to_have_count(1)
    button(page, "Prev step").focus()
    page.keyboard.press("Enter")
    expect(view(page).locator(".gvw-caption")).to_have_text("1 / 3")
    assert page.evaluate("() => document.fullscreenElement?.classList.contains('gvw')")
    assert_contrast(page, "dark", "full-screen step")
    screenshot(page, "full-screen-step-dark")
    button(page, "Exit full screen").click()
    page.wait_for_function("() => document.fullscreenElement === null")
    expect(page.get_by_text("Step 1 of 3")).to_be_visible()
