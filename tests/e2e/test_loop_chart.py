"""End-to-end: the lab's "Training loop" chart plays a program's loss in Chromium.

The numbers the page shows are compared with plain PyTorch running the same program
(the loss and `w` at the chosen iteration), read after Play, Pause and the scrubber.
At 1280×720, a projector's size; screenshots go to the e2e screenshot folder.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from editor import run_editor, set_code
from playwright.sync_api import Locator, Page, expect
from streamlit_server import TIMEOUT_MS
from waits import SLOW_MS, wait_for_lesson

from playground.presets import TUTORIAL_TRAINING
from playground.ui.lesson import LAB
from tests.plain_reference import run_plain

pytestmark = pytest.mark.e2e

PROJECTOR = {"width": 1280, "height": 720}
SCREENSHOT_DIR = Path(tempfile.gettempdir()) / "autograd-playground-e2e"  # as conftest's
TRAINING_PRESET = "Tutorial: training loop"

POLYNOMIAL = """\
import math
x = torch.linspace(-math.pi, math.pi, 200)
y = torch.sin(x)
a = torch.randn((), requires_grad=True)
b = torch.randn((), requires_grad=True)
c = torch.randn((), requires_grad=True)
d = torch.randn((), requires_grad=True)
for t in range(150):
    y_pred = a + b * x + c * x ** 2 + d * x ** 3
    loss = (y_pred - y).pow(2).sum()
    loss.backward()
    with torch.no_grad():
        for p in (a, b, c, d):
            p -= 1e-6 * p.grad
            p.grad = None
print(loss.item())
"""

NN_MODEL = """\
import torch.nn as nn
torch.manual_seed(3)
xs = torch.linspace(-1, 1, 32).unsqueeze(1)
ys = 3 * xs ** 2 - xs + 0.5
model = nn.Sequential(nn.Linear(1, 4), nn.Tanh(), nn.Linear(4, 1))
loss_fn = nn.MSELoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
losses = []
for epoch in range(60):
    optimizer.zero_grad()
    loss = loss_fn(model(xs), ys)
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
print(loss.item())
"""


def type_program(page: Page, code: str) -> None:
    """Put `code` in the lab's editor and run it; returns once its run has ended."""
    set_code(page, code)
    run_editor(page)
    wait_for_lesson(page, LAB, TIMEOUT_MS, lab_code=code)


def plain_values(source: str, after: str, expression: str, indent: int = 4) -> list:
    """`expression` at the end of each outer-loop iteration of `source`, in plain PyTorch
    (a line inserted after the line holding `after`)."""
    lines = source.splitlines()
    at = next(i for i, line in enumerate(lines) if after in line)
    lines.insert(at + 1, " " * indent + f"trace.append({expression})")
    namespace, _ = run_plain("trace = []\n" + "\n".join(lines) + "\n")
    return namespace["trace"]


def section(page: Page) -> Locator:
    return page.locator(".st-key-lab_training_loop")


def chart(page: Page) -> Locator:
    return section(page).locator(".aglc")


def wait_for_chart(page: Page, last: int) -> None:
    """Until the section's chart is drawn and shows the final iteration `last`."""
    expect(section(page).get_by_role("heading", name="Training loop")).to_be_visible(
        timeout=TIMEOUT_MS
    )
    expect(chart(page)).to_have_attribute("data-iteration", str(last), timeout=SLOW_MS)
    expect(chart(page).locator(".aglc-chart .main-svg").first).to_be_visible()


def shown_number(page: Page, name: str) -> float:
    return float(chart(page).locator(f"tr[data-name='{name}'] td").inner_text())


def shown_tensor(page: Page, name: str) -> list[float]:
    text = chart(page).locator(f".aglc-tensor[data-name='{name}'] pre").inner_text()
    return [float(v) for v in text.split()]


def close(shown: float, expected: float) -> bool:
    """Six significant digits, as the page shows them."""
    return abs(shown - expected) <= 5e-6 * max(abs(expected), 1e-30)


def position(page: Page) -> int:
    return int(chart(page).get_attribute("data-position"))


def frames(page: Page, count: int) -> None:
    """Let the page draw `count` animation frames (however long a busy machine takes)."""
    page.evaluate(
        """(n) => new Promise((done) => {
          const frame = () => (--n > 0 ? requestAnimationFrame(frame) : done());
          requestAnimationFrame(frame);
        })""",
        count,
    )


@pytest.fixture(autouse=True)
def _on_the_lab(page: Page, server_url: str) -> None:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(PROJECTOR)
    page.goto(server_url, wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name="Expression lab")).to_be_visible(timeout=SLOW_MS)
    wait_for_lesson(page, LAB, SLOW_MS)


def test_no_chart_for_the_first_program(page: Page) -> None:
    expect(page.get_by_role("heading", name="Computation graph")).to_be_visible()
    expect(page.get_by_role("heading", name="Training loop")).to_have_count(0)


def test_tutorial_training_preset_plays_pauses_and_scrubs(page: Page) -> None:
    page.get_by_role("combobox", name="Start from an example").click()
    page.get_by_role("option", name=TRAINING_PRESET).click()
    wait_for_lesson(page, LAB, SLOW_MS, lab_preset=TRAINING_PRESET, lab_code=TUTORIAL_TRAINING)
    wait_for_chart(page, 99)
    expected = plain_values(
        TUTORIAL_TRAINING, "b.grad.zero_()", "(loss.item(), w.flatten().tolist(), b.tolist())"
    )
    assert close(shown_number(page, "loss"), expected[99][0])
    section(page).scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOT_DIR / "loop_chart_tutorial_final.png")

    play = section(page).get_by_role("button", name="Play")
    play.click()
    expect(chart(page)).to_have_attribute("data-playing", "1")
    pause = section(page).get_by_role("button", name="Pause")
    expect(pause).to_be_visible()
    # The shown iteration advances while playing (from 0, as Play starts over at the end).
    page.wait_for_function(
        "() => Number(document.querySelector('.aglc').dataset.position) >= 5",
        timeout=TIMEOUT_MS,
        polling=50,
    )
    page.screenshot(path=SCREENSHOT_DIR / "loop_chart_tutorial_playing.png")
    pause.click()
    expect(chart(page)).to_have_attribute("data-playing", "0")
    stopped = position(page)
    assert stopped < 99
    frames(page, 30)
    assert position(page) == stopped  # Pause stopped it
    expect(section(page).get_by_role("button", name="Play")).to_be_visible()
    # The numbers shown are the shown iteration's, as plain PyTorch computed them.
    assert close(shown_number(page, "loss"), expected[stopped][0])

    section(page).get_by_role("slider", name="Iteration").fill("37")
    expect(chart(page)).to_have_attribute("data-iteration", "37")
    expect(chart(page).locator(".aglc-now")).to_have_text("38 of 100")  # from 1, as the x axis
    loss, w, b = expected[37]
    assert close(shown_number(page, "loss"), loss)
    assert all(close(s, e) for s, e in zip(shown_tensor(page, "w"), w, strict=True))
    assert all(close(s, e) for s, e in zip(shown_tensor(page, "b"), b, strict=True))

    section(page).get_by_role("button", name="Step").click()
    expect(chart(page)).to_have_attribute("data-iteration", "38")
    assert close(shown_number(page, "loss"), expected[38][0])
    section(page).scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOT_DIR / "loop_chart_tutorial_scrubbed.png")


def test_a_typed_polynomial_fit_gets_a_chart(page: Page) -> None:
    type_program(page, POLYNOMIAL)
    wait_for_chart(page, 149)
    expected = plain_values(POLYNOMIAL, "p.grad = None", "(loss.item(), d.item())")
    assert close(shown_number(page, "loss"), expected[-1][0])
    assert close(shown_number(page, "d"), expected[-1][1])
    section(page).get_by_role("slider", name="Iteration").fill("10")
    expect(chart(page)).to_have_attribute("data-iteration", "10")
    assert close(shown_number(page, "loss"), expected[10][0])
    section(page).scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOT_DIR / "loop_chart_polynomial.png")
    # On a tablet the numbers go under the chart, the chart takes the whole width, and
    # nothing is wider than the page.
    page.set_viewport_size({"width": 768, "height": 1024})
    numbers = chart(page).locator(".aglc-numbers")
    page.wait_for_function(
        """() => {
          const c = document.querySelector('.aglc-chart').getBoundingClientRect();
          const n = document.querySelector('.aglc-numbers').getBoundingClientRect();
          const svg = document.querySelector('.aglc-chart .main-svg').getBoundingClientRect();
          return n.top >= c.bottom - 1 && svg.width >= c.width - 2;
        }""",
        timeout=TIMEOUT_MS,
    )
    assert numbers.evaluate("(n) => n.closest('.aglc').scrollWidth <= window.innerWidth")
    section(page).scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOT_DIR / "loop_chart_polynomial_tablet.png")


def test_a_typed_nn_model_gets_a_chart(page: Page) -> None:
    type_program(page, NN_MODEL)
    wait_for_chart(page, 59)
    expected = plain_values(
        NN_MODEL, "losses.append", "(loss.item(), model[0].weight.flatten().tolist())"
    )
    assert close(shown_number(page, "loss"), expected[-1][0])
    assert close(shown_number(page, "losses"), expected[-1][0])
    weights = shown_tensor(page, "model.0.weight")
    assert all(close(s, e) for s, e in zip(weights, expected[-1][1], strict=True))
    # The chart's series can be switched (every series is available).
    section(page).get_by_role("combobox", name="Chart").select_option("losses")
    expect(chart(page).locator("tr.on th")).to_have_text("losses")
    section(page).scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOT_DIR / "loop_chart_nn.png")


# The contrast of every text of the chart against the background it is drawn on:
# WCAG's relative luminance; a transparent element shows its nearest painted ancestor's.
CONTRASTS = """(root) => {
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const channel = (v) => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const lum = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length >= 3 && (c.length === 3 || c[3] > 0)) return c;
    }
    return [255, 255, 255];
  };
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const found = [];
  const selector = "button, label, th, td, caption, pre, .aglc-now, .aglc-tname, select";
  for (const el of root.querySelectorAll(selector)) {
    if (!el.textContent.trim()) continue;
    const colour = rgb(getComputedStyle(el).color);
    found.push([el.className || el.tagName, ratio(colour, background(el))]);
  }
  for (const el of root.querySelectorAll(".aglc-chart text")) {
    if (!el.textContent.trim()) continue;
    const colour = rgb(el.style.fill || getComputedStyle(el).fill);
    found.push(["chart " + el.textContent, ratio(colour, background(root))]);
  }
  return found;
}"""


def assert_readable(page: Page) -> None:
    contrasts = chart(page).evaluate(CONTRASTS)
    assert len(contrasts) > 10, contrasts
    low = [(what, round(r, 2)) for what, r in contrasts if r < 4.5]
    assert not low, f"text below 4.5:1: {low}"


def test_text_contrast_in_the_light_theme(page: Page) -> None:
    type_program(page, POLYNOMIAL)
    wait_for_chart(page, 149)
    assert_readable(page)


def test_dark_theme_colours_the_chart_and_keeps_contrast(browser, server_url: str) -> None:
    """A system set to dark gets the dark theme: the chart takes its colours."""
    context = browser.new_context(viewport=PROJECTOR, color_scheme="dark")
    try:
        page = context.new_page()
        page.goto(server_url, wait_until="domcontentloaded")
        expect(page.get_by_role("heading", name="Expression lab")).to_be_visible(timeout=SLOW_MS)
        wait_for_lesson(page, LAB, SLOW_MS)
        type_program(page, NN_MODEL)
        wait_for_chart(page, 59)
        assert_readable(page)
        # The chart's text is light on the dark page (plotly's own default is dark grey).
        fill = chart(page).locator(".aglc-chart .xtitle").evaluate("(t) => t.style.fill")
        assert sum(int(v) for v in re.findall(r"\d+", fill)[:3]) > 3 * 180, fill
        section(page).scroll_into_view_if_needed()
        page.screenshot(path=SCREENSHOT_DIR / "loop_chart_dark.png")
    finally:
        context.close()


DIVERGE = """\
w = torch.tensor(1.0, requires_grad=True)
for step in range(40):
    loss = (w * 10.0 - 3.0) ** 2
    loss.backward()
    with torch.no_grad():
        w -= 1.0 * w.grad
    w.grad.zero_()
print(loss.item())
"""


def test_a_diverging_loss_shows_inf_or_nan_as_python_prints_it(page: Page) -> None:
    type_program(page, DIVERGE)
    wait_for_chart(page, 39)
    printed = run_plain(DIVERGE)[1].strip()  # "inf" or "nan": the loss exploded
    assert printed in ("inf", "nan")
    cell = chart(page).locator("tr[data-name='loss'] td")
    expect(cell).to_have_text(printed)
    expected = plain_values(DIVERGE, "w.grad.zero_()", "loss.item()")
    section(page).get_by_role("slider", name="Iteration").fill("2")
    expect(chart(page)).to_have_attribute("data-iteration", "2")
    assert close(shown_number(page, "loss"), expected[2])
    section(page).scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOT_DIR / "loop_chart_diverging.png")


def test_leaving_a_training_loop_raises_no_page_error(page: Page) -> None:
    """The chart's resize observer stops once the chart is gone (plotly raised on a
    removed chart: "Resize must be passed a displayed plot div element")."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.get_by_role("combobox", name="Start from an example").click()
    page.get_by_role("option", name=TRAINING_PRESET).click()
    wait_for_lesson(page, LAB, SLOW_MS, lab_preset=TRAINING_PRESET, lab_code=TUTORIAL_TRAINING)
    wait_for_chart(page, 99)
    section(page).get_by_role("button", name="Play").click()
    type_program(page, "x = torch.tensor(1.0, requires_grad=True)\n(x * 2).backward()\n")
    expect(page.get_by_role("heading", name="Training loop")).to_have_count(0, timeout=SLOW_MS)
    page.set_viewport_size({"width": 900, "height": 700})  # the observers would fire now
    frames(page, 60)
    page.set_viewport_size(PROJECTOR)
    frames(page, 60)
    assert errors == []
