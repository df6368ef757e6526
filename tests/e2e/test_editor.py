"""End-to-end: the code editor (CodeMirror in a component) in the lab and the tour.

Highlighting and line numbers, the run's error marked at its line and column with the
message on hover, Ctrl/Cmd+Enter runs, Tab indents once the learner is editing (tabbing
through the page passes the editor unchanged) and Escape-then-Tab leaves,
completion from the sandbox's allow-list, a touch screen, dark mode's contrast, and
the server changing the code (a preset) while the learner's edits still reach it.
"""

from __future__ import annotations

import re

import pytest
from conftest import SCREENSHOT_DIR
from editor import LAB_LABEL, TOUR_LABEL, code_text, editor, expect_code, set_code
from playwright.sync_api import Browser, Page, expect
from streamlit_server import VIEWPORT
from test_lab import (
    SHARED_PRESET,
    expect_error,
    open_lab,
    pick_preset,
    printed_output,
    wait_for_lab_code,
)
from waits import SLOW_MS, wait_for_lesson

from playground.presets import TUTORIAL_FIRST, preset_source
from playground.runner import run
from playground.sandbox.completions import completions
from playground.ui.lesson import TOUR

pytestmark = pytest.mark.e2e

# Relative luminance contrast of two CSS colours, computed in the page.
CONTRAST = """([fg, bg]) => {
  const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = (c) => {
    const [r, g, b] = rgb(c).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""

TOKENS = ("keyword", "string", "number", "comment")
COLOURS = """(host) => {
  const style = (sel) => getComputedStyle(host.querySelector(sel));
  const out = { bg: style(".cm-editor").backgroundColor, text: style(".cm-line").color,
                gutter: style(".cm-gutters").color, gutterBg: style(".cm-gutters").backgroundColor,
                dark: host.querySelector(".agp-ed-dark") !== null };
  for (const t of ["keyword", "string", "number", "comment"]) out[t] = style(".tok-" + t).color;
  return out;
}"""

HIGHLIGHTED = (
    "import math\nx = torch.tensor(2.0)  # a comment\nfor i in range(3):\n    s = 'text'\n"
)


@pytest.fixture
def lab(page: Page, server_url: str) -> Page:
    page.goto(server_url, wait_until="domcontentloaded")
    open_lab(page)
    return page


def shot(page: Page, name: str) -> None:
    """A screenshot of the editor's column to look at (not compared)."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    column = page.get_by_test_id("stColumn").filter(has=page.locator(".agp-ed")).first
    column.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"))


def host(page: Page, label: str = LAB_LABEL):
    return page.locator(".agp-ed").filter(has=editor(page, label))


def colours(page: Page) -> dict:
    return host(page).evaluate(COLOURS)


def contrast(page: Page, fg: str, bg: str) -> float:
    return page.evaluate(CONTRAST, [fg, bg])


def assert_readable(page: Page, dark: bool) -> None:
    seen = colours(page)
    assert seen["dark"] is dark, seen
    assert contrast(page, seen["text"], seen["bg"]) >= 4.5, seen
    assert contrast(page, seen["gutter"], seen["gutterBg"]) >= 4.5, seen
    for token in TOKENS:
        assert contrast(page, seen[token], seen["bg"]) >= 4.5, (token, seen)
        assert seen[token] != seen["text"], (token, seen)  # highlighted, not plain


def option(page: Page, name: str):
    label = page.locator(".cm-completionLabel", has_text=re.compile(rf"^{name}$"))
    return page.locator(".cm-tooltip-autocomplete li").filter(has=label)


def completion_labels(page: Page) -> list[str]:
    options = page.locator(".cm-tooltip-autocomplete li .cm-completionLabel")
    expect(options.first).to_be_visible()
    return options.all_text_contents()


# ---------------------------------------------------------------- tests


def test_python_is_highlighted_with_line_numbers(lab: Page) -> None:
    expect_code(lab, TUTORIAL_FIRST)
    numbers = host(lab).locator(".cm-lineNumbers .cm-gutterElement")
    lines = len(TUTORIAL_FIRST.splitlines())
    expect(numbers.filter(has_text=re.compile(rf"^{lines}$"))).to_have_count(1)
    set_code(lab, HIGHLIGHTED)
    for token, text in (("keyword", "import"), ("comment", "# a comment"), ("string", "'text'")):
        expect(host(lab).locator(f".tok-{token}", has_text=text).first).to_be_visible()
    expect(host(lab).locator(".tok-number", has_text="2.0")).to_be_visible()
    assert_readable(lab, dark=False)
    # At least 16 px: iOS zooms the page into a focused text box with smaller text.
    size = editor(lab).evaluate("(el) => parseFloat(getComputedStyle(el).fontSize)")
    assert size >= 16, size
    shot(lab, "editor-highlighting")


def test_the_runs_error_is_marked_at_its_line_and_column(lab: Page) -> None:
    code = "a = torch.tensor(2.0, requires_grad=True)\nb = a * 3\nc = b + missing_name\n"
    expected = run(code).error  # the same program in the sandbox: where it really fails
    assert expected is not None and expected.line == 3, expected
    set_code(lab, code)
    lab.get_by_role("button", name="Run ▶").click()
    wait_for_lab_code(lab, code)
    expect_error(lab, f"Line {expected.line}")  # the panel below stays

    marked = host(lab).locator(".cm-lintRange-error")
    line = code.splitlines()[expected.line - 1]
    word = re.match(r"\w+", line[expected.col :])
    expect(marked).to_have_text(word.group(0) if word else line[expected.col])
    expect(host(lab).locator(".cm-gutter-lint .cm-lint-marker-error")).to_have_count(1)
    marked.hover()
    tooltip = lab.locator(".cm-tooltip-lint")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text(expected.message)
    shot(lab, "editor-error")

    # Fixed and run again: the marker goes.
    fixed = code.replace("missing_name", "a")
    set_code(lab, fixed)
    editor(lab).press("Control+Enter")
    wait_for_lab_code(lab, fixed)
    expect(marked).to_have_count(0)


@pytest.mark.parametrize("keys", ["Control+Enter", "Meta+Enter"])
def test_ctrl_or_cmd_enter_runs_the_code(lab: Page, keys: str) -> None:
    code = f"v = torch.tensor(1.5, requires_grad=True)\nprint('{keys}', v * 2)\n"
    set_code(lab, code)
    editor(lab).press(keys)
    wait_for_lab_code(lab, code)
    expect(printed_output(lab)).to_have_text(f"{keys} tensor(3., grad_fn=<MulBackward0>)")
    expect_code(lab, code)  # the run did not add a line: Enter was taken by the shortcut


def test_tab_indents_shift_tab_dedents_and_escape_tab_leaves(lab: Page) -> None:
    set_code(lab, "for i in range(2):\nprint(i)")
    box = editor(lab)
    box.press("End")  # the cursor is at the end of the last line
    box.press("Tab")
    expect_code(lab, "for i in range(2):\n    print(i)")
    box.press("Shift+Tab")
    expect_code(lab, "for i in range(2):\nprint(i)")
    box.press("Tab")
    box.press("Escape")
    lab.keyboard.press("Tab")  # CodeMirror's escape hatch: this Tab moves focus on
    expect_code(lab, "for i in range(2):\n    print(i)")  # and did not indent
    inside = lab.evaluate("() => !!document.activeElement.closest('.cm-editor')")
    assert not inside, "focus stayed in the editor"


IN_EDITOR = "() => !!document.activeElement?.closest('.cm-editor')"


def test_tabbing_through_the_lab_does_not_edit_the_program(lab: Page) -> None:
    """A keyboard user passing through: focus that arrived by Tab leaves with the next
    Tab (and Shift+Tab), so the program is never indented on the way."""
    wait_for_lab_code(lab, TUTORIAL_FIRST)
    before = code_text(lab)
    lab.get_by_role("combobox", name="Start from an example").focus()
    visited = False
    for _ in range(12):  # from the picker, through the editor, and past it
        lab.keyboard.press("Tab")
        inside = lab.evaluate(IN_EDITOR)
        if visited and not inside:
            break
        visited = visited or inside
    assert visited, "Tab never reached the editor"
    assert not lab.evaluate(IN_EDITOR), "the editor kept the focus"
    lab.keyboard.press("Shift+Tab")  # back into the editor, and out again backwards
    assert lab.evaluate(IN_EDITOR)
    lab.keyboard.press("Shift+Tab")
    assert not lab.evaluate(IN_EDITOR)
    assert code_text(lab) == before

    # Back in by keyboard, then a click in the text: now the learner is editing.
    lab.keyboard.press("Tab")
    editor(lab).get_by_text("print", exact=False).first.click()
    lab.keyboard.press("Home")
    lab.keyboard.press("Tab")
    after = code_text(lab)
    assert after != before and after.replace("    ", "", 1) == before, after


def test_the_error_marker_counts_characters_on_a_non_ascii_line(lab: Page) -> None:
    """ast counts UTF-8 bytes; the marker must sit on the word, not 6 characters on."""
    code = "import torch\ns = '😀ππ'; t = nope + 1\n"
    expected = run(code).error
    assert expected is not None and expected.line == 2, expected
    set_code(lab, code)
    editor(lab).press("Control+Enter")
    wait_for_lab_code(lab, code)
    expect(host(lab).locator(".cm-lintRange-error")).to_have_text("nope")
    # The error panel's caret line points at the same character.
    expect_error(lab, "Line 2")
    line = code.splitlines()[1]
    caret = " " * line.index("nope") + "^"
    panel = lab.get_by_test_id("stCode").filter(has_text="  2 | s = ")
    expect(panel).to_contain_text(f"  2 | {line}\n    | {caret}")
    shot(lab, "editor-error-non-ascii")


def test_completion_offers_only_what_the_sandbox_runs(lab: Page) -> None:
    data = completions()
    set_code(lab, "x = torch.ones(2, requires_grad=True)\n")
    lab.keyboard.type("torch.zer")
    labels = completion_labels(lab)
    assert "zeros" in labels and "zeros_like" in labels, labels
    torch_names = {name for name, _ in data["modules"]["torch"]}
    assert set(labels) <= torch_names, set(labels) - torch_names
    # A click accepts at once; Enter is ignored for 75 ms after the list changes, so that
    # a fast typist's Enter makes a new line (CodeMirror's interactionDelay).
    option(lab, "zeros").click()
    expect_code(lab, "x = torch.ones(2, requires_grad=True)\ntorch.zeros")

    editor(lab).press("End")
    lab.keyboard.press("Enter")
    lab.keyboard.type("x.s")  # a tensor: its methods and attributes
    labels = completion_labels(lab)
    tensor_names = {name for name, _ in data["tensor"]}
    assert {"sum", "shape", "sqrt"} <= set(labels), labels
    assert set(labels) <= tensor_names, set(labels) - tensor_names
    lab.keyboard.press("Escape")

    lab.keyboard.press("Enter")
    lab.keyboard.type("import torch.nn as nn\nnn.Lin")
    assert "Linear" in completion_labels(lab)
    lab.keyboard.press("Escape")
    lab.keyboard.press("Enter")
    lab.keyboard.type("ev")  # eval is not in the sandbox: nothing offers it
    lab.keyboard.press("Control+Space")
    offered = lab.locator(".cm-tooltip-autocomplete li .cm-completionLabel")
    assert "eval" not in offered.all_text_contents()


def test_a_preset_replaces_the_code_and_undo_brings_back_the_learners(lab: Page) -> None:
    """The server changed the code: the editor follows; the learner's edits still run."""
    mine = "m = torch.tensor(3.0, requires_grad=True)\nprint('mine', m * m)\n"
    set_code(lab, mine)
    editor(lab).press("Control+Enter")
    wait_for_lab_code(lab, mine)

    pick_preset(lab, SHARED_PRESET)
    expect_code(lab, preset_source(SHARED_PRESET))

    # Undo the preset's replacement, then run: the same text as before the preset must
    # run again (a value the server already saw once, so sent as a new run event).
    editor(lab).click()
    editor(lab).press("Control+z")
    expect_code(lab, mine)
    editor(lab).press("Control+Enter")
    wait_for_lab_code(lab, mine)
    expect(printed_output(lab)).to_have_text("mine tensor(9., grad_fn=<MulBackward0>)")


def test_reruns_keep_the_same_editor_and_its_typing(lab: Page) -> None:
    """A run (with its spinner) and a rerun for a toggle update the editor in place: a
    remounted editor would lose the cursor, the undo history and text not yet sent."""
    editor(lab).evaluate("(el) => { el.agpMark = 'same editor'; }")
    code = "q = torch.tensor(2.0, requires_grad=True)\nprint('in place', q + 1)\n"
    set_code(lab, code)
    editor(lab).press("Control+Enter")
    wait_for_lab_code(lab, code)
    lab.keyboard.type("# typed, not sent")
    lab.get_by_text("Raw autograd view").click()  # leaves the editor: the text is sent
    wait_for_lab_code(lab, code + "# typed, not sent")
    assert editor(lab).evaluate("(el) => el.agpMark") == "same editor"
    expect_code(lab, code + "# typed, not sent")


def test_a_leaf_box_rewrites_the_code_in_the_editor(lab: Page) -> None:
    w_box = lab.get_by_role("spinbutton", name="w", exact=True)
    w_box.fill("7")
    w_box.press("Enter")
    new_code = TUTORIAL_FIRST.replace("torch.tensor(4.,", "torch.tensor(7.,")
    expect_code(lab, new_code)
    wait_for_lab_code(lab, new_code)
    assert code_text(lab) == new_code


def test_touch_screen_tap_type_and_run(browser: Browser, server_url: str) -> None:
    context = browser.new_context(viewport={"width": 768, "height": 1024}, has_touch=True)
    try:
        page = context.new_page()
        page.goto(server_url, wait_until="domcontentloaded")
        open_lab(page)
        box = editor(page)
        box.locator(".cm-line").last.tap()
        page.keyboard.press("ControlOrMeta+End")
        page.keyboard.type("print('tapped')")
        code = TUTORIAL_FIRST + "print('tapped')"
        expect_code(page, code)
        size = box.evaluate("(el) => parseFloat(getComputedStyle(el).fontSize)")
        assert size >= 16, size
        page.get_by_role("button", name="Run ▶").tap()  # the tap leaves the editor: sent
        wait_for_lab_code(page, code)
        expect(printed_output(page)).to_contain_text("tapped")
    finally:
        context.close()


def test_tour_program_runs_from_its_run_button(page: Page, server_url: str) -> None:
    page.goto(f"{server_url}/tour", wait_until="domcontentloaded")
    wait_for_lesson(page, TOUR, SLOW_MS, tour_step=0)
    box = editor(page, TOUR_LABEL)
    expect(box).to_be_visible()
    code = "t = torch.tensor([1., 2.])\nprint('tour', t * 10)\n"
    set_code(page, code, TOUR_LABEL)
    host(page, TOUR_LABEL).get_by_role("button", name="Run ▶").click()
    expect(page.get_by_test_id("stCode").filter(has_text="tour tensor([10., 20.])")).to_be_visible()
    expect_code(page, code, TOUR_LABEL)


# ---------------------------------------------------------------- dark mode


def test_dark_theme_colours_are_dark_and_readable(browser: Browser, server_url: str) -> None:
    """A system set to dark gets the dark theme; the editor takes its colours."""
    context = browser.new_context(viewport=VIEWPORT, color_scheme="dark")
    try:
        page = context.new_page()
        page.goto(server_url, wait_until="domcontentloaded")
        open_lab(page)
        set_code(page, HIGHLIGHTED)
        expect(host(page).locator(".agp-ed-dark")).to_have_count(1)
        assert_readable(page, dark=True)
        shot(page, "editor-dark")
        bg = colours(page)["bg"]
        assert contrast(page, bg, "rgb(0, 0, 0)") < 3, bg  # a dark background, not white
    finally:
        context.close()
