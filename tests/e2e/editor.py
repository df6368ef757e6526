"""Driving the code editor (CodeMirror in `playground/ui/editor.py`) from the browser tests.

The editor's text box is CodeMirror's `.cm-content` (role "textbox", named by its
aria-label). It is not a form field, so Playwright's `fill` / `to_have_value` do not
apply: the document is read from the editor itself (`agpEditor.getDoc()`, set by the
component for tests) and replaced by deleting everything and inserting the new text
as one input, which CodeMirror takes like a paste (no auto-indent, no closed brackets).
"""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from streamlit_server import TIMEOUT_MS

LAB_LABEL = "Your PyTorch code"
TOUR_LABEL = "Code (edit me)"

_DOC = "(el) => el.closest('.agp-ed').agpEditor.getDoc()"
_HOLDS = """([el, want, isRegex]) => {
  const host = el.closest('.agp-ed');
  if (!host || !host.agpEditor) return false;
  const doc = host.agpEditor.getDoc();
  return isRegex ? new RegExp(want).test(doc) : doc === want;
}"""


def editor(page: Page | Locator, label: str = LAB_LABEL) -> Locator:
    """The editor's text box (CodeMirror's content element)."""
    return page.get_by_role("textbox", name=label)


def code_text(page: Page | Locator, label: str = LAB_LABEL) -> str:
    """The program the editor shows now."""
    box = editor(page, label)
    box.wait_for()
    box.page.wait_for_function(
        "(el) => !!el.closest('.agp-ed').agpEditor", arg=box.element_handle()
    )
    return box.evaluate(_DOC)


def expect_code(
    page: Page | Locator,
    code: str | re.Pattern[str],
    label: str = LAB_LABEL,
    timeout: float = TIMEOUT_MS,
) -> None:
    """Until the editor shows `code` (exactly, or matching the pattern)."""
    box = editor(page, label)
    box.wait_for(timeout=timeout)
    is_regex = isinstance(code, re.Pattern)
    want = code.pattern if is_regex else code
    try:
        box.page.wait_for_function(
            _HOLDS, arg=[box.element_handle(), want, is_regex], timeout=timeout, polling=100
        )
    except PlaywrightTimeoutError:
        shows = code_text(page, label)
        raise AssertionError(f"the editor never showed {want!r}; it shows {shows!r}") from None


def set_code(page: Page | Locator, code: str, label: str = LAB_LABEL) -> None:
    """Replace the editor's program with `code` (not run yet: see `run_editor`)."""
    box = editor(page, label)
    box.click()
    # Emptied by CodeMirror's own commands first: text inserted over a selection that
    # ends in an empty line can leave that line behind (the browser edits the DOM).
    box.press("ControlOrMeta+a")
    box.press("Backspace")
    expect_code(page, "", label)
    box.page.keyboard.insert_text(code)
    expect_code(page, code, label)


def run_editor(page: Page | Locator, label: str = LAB_LABEL) -> None:
    """Run the editor's program as a learner does with the keyboard (Ctrl+Enter)."""
    editor(page, label).press("Control+Enter")
