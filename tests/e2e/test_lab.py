"""End-to-end: the Expression lab in headless Chromium against a real `streamlit run`.

Each test opens a fresh page. The graph is Graphviz laid out in the browser, so we read
the SVG: Playwright's `svg .node text` yields one string per label line of a Graphviz
node (the tutorial's leaf w gives "w", "4" and "grad 3"; `inner_text()` is empty on
SVG elements), so the helpers below compare label lines, not whole labels.
Streamlit reruns are awaited on the new state an action causes (see `waits.py`): the
lesson token in the URL, label lines the graph did not have before, new messages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pytest
from editor import LAB_LABEL, editor, expect_code, set_code
from playwright.sync_api import Locator, Page, WebSocketRoute, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit_server import TIMEOUT_MS
from waits import SLOW_MS, wait_for_lesson, wait_run_done, wait_until

from playground.presets import TUTORIAL_FIRST, TUTORIAL_TRAINING, preset_source
from playground.ui.lesson import LAB

pytestmark = pytest.mark.e2e

CODE_LABEL = LAB_LABEL
RAW_LABEL = "Raw autograd view"
SHARED_PRESET = "Shared subexpression: a*a + a"
FIRST_GRAPH = ["w", "x", "b", "y", "*", "MulBackward0", "+", "AddBackward0", "grad 3", "grad 1"]


# ---------------------------------------------------------------- helpers


def graph_texts(page: Page) -> list[str]:
    """Every line of every node label in the drawn graph."""
    return [t.strip() for t in page.locator("svg .node text").all_text_contents()]


# The label lines of the drawn graph once they hold every `present` and no `absent` line.
GRAPH_HOLDS = """([present, absent]) => {
  const nodes = document.querySelectorAll("svg .node text");
  const texts = Array.from(nodes, (t) => t.textContent.trim());
  const ok = present.every((p) => texts.includes(p)) && !absent.some((a) => texts.includes(a));
  return ok && texts;
}"""


def wait_for_graph(
    page: Page,
    present: Iterable[str],
    absent: Iterable[str] = (),
    timeout: float = TIMEOUT_MS,
) -> list[str]:
    """Until the graph holds every `present` label line and none of `absent` (ms timeout).

    After an action, pass lines the graph before it did not have (or had and must
    lose), so that the graph awaited is the new one.
    """
    present, absent = list(present), list(absent)
    try:
        handle = page.wait_for_function(
            GRAPH_HOLDS, arg=[present, absent], timeout=timeout, polling=100
        )
    except PlaywrightTimeoutError:
        texts = graph_texts(page)
        missing = [p for p in present if p not in texts]
        unwanted = [a for a in absent if a in texts]
        pytest.fail(
            f"graph never showed {missing} / still showed {unwanted} after "
            f"{timeout / 1000:.0f} s; node texts: {texts}"
        )
    return handle.json_value()


def wait_idle(page: Page) -> None:
    """Wait until Streamlit's "Running..." status is gone and no script run is going on."""
    running = page.get_by_test_id("stStatusWidget").filter(has_text=re.compile("Running"))
    expect(running).to_have_count(0, timeout=TIMEOUT_MS)
    wait_run_done(page)


def code_box(page: Page) -> Locator:
    return editor(page, CODE_LABEL)


def run_code(page: Page, code: str, wait: bool = True, timeout: float = TIMEOUT_MS) -> None:
    """Replace the program with `code`, press Run and (with `wait`) wait until its run ended.

    The run's end is the URL's lesson holding `code`: the page writes it last. Every
    caller runs a program other than the one on the page, so that token is new.
    """
    set_code(page, code)
    page.get_by_role("button", name="Run ▶").click()
    if wait:
        wait_for_lab_code(page, code, timeout)


def wait_for_lab_code(page: Page, code: str, timeout: float = TIMEOUT_MS) -> None:
    """Until the run of `code` has ended (the URL's lesson holds it)."""
    wait_for_lesson(page, LAB, timeout, lab_code=code)


def pick_preset(page: Page, title: str) -> None:
    """Choose an example and wait until its program has run (the URL's lesson holds it).

    Scrolled to first, as a learner would: the list closes on a scroll of the page, and
    a click that scrolls the page up to the box fires that scroll just after opening it.
    """
    picker = page.get_by_role("combobox", name="Start from an example")
    picker.scroll_into_view_if_needed()
    picker.click()
    page.get_by_role("option", name=title).click()
    wait_for_lesson(page, LAB, lab_preset=title, lab_code=preset_source(title))


def alert(page: Page, text: str) -> Locator:
    """The alert (error, warning, info box) whose text contains `text`."""
    return page.get_by_role("alert").filter(has_text=text)


def printed_output(page: Page) -> Locator:
    """The code block under the "Printed output" heading."""
    column = page.get_by_test_id("stColumn").filter(
        has=page.get_by_role("heading", name="Printed output")
    )
    return column.get_by_test_id("stCode").last


def gradient_table(page: Page) -> Locator:
    column = page.get_by_test_id("stColumn").filter(
        has=page.get_by_role("heading", name="Gradients")
    )
    return column.get_by_role("table")


def assert_no_traceback(page: Page) -> None:
    """Neither a traceback nor Streamlit's "This app has encountered an error" page."""
    body = page.locator("body").inner_text()
    assert "Traceback" not in body, body[-2000:]
    assert "This app has encountered an error" not in body, body[-2000:]
    expect(page.get_by_test_id("stException")).to_have_count(0)


def expect_error(page: Page, *parts: str) -> Locator:
    """A visible error alert containing every one of `parts`."""
    box = page.get_by_role("alert").filter(has=page.get_by_test_id("stAlertContentError"))
    for part in parts:
        box = box.filter(has_text=part)
    expect(box).to_be_visible(timeout=TIMEOUT_MS)
    return box


def open_lab(page: Page) -> list[str]:
    """Wait for the freshly loaded page's graph and the end of its run; return its lines.

    Call it right after opening or reloading the page: its graph is then new. SLOW_MS:
    the first page on a fresh server waits for the server to start its workers.
    """
    expect(page.get_by_role("heading", name="Expression lab")).to_be_visible(timeout=SLOW_MS)
    texts = wait_for_graph(page, FIRST_GRAPH, timeout=SLOW_MS)
    wait_run_done(page, SLOW_MS)
    return texts


def _run_finished(message: str | bytes) -> bool:
    """True for a server message saying a whole script run finished normally."""
    if not isinstance(message, bytes):
        return False
    msg = ForwardMsg.FromString(message)
    return (
        msg.WhichOneof("type") == "script_finished"
        and msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY
    )


def _presses(message: str | bytes, button_key: str) -> bool:
    """True for a page message asking for a rerun because the button `button_key` was pressed."""
    if not isinstance(message, bytes):
        return False
    msg = BackMsg.FromString(message)
    if msg.WhichOneof("type") != "rerun_script":
        return False
    widgets = msg.rerun_script.widget_states.widgets
    return any(w.id.endswith(f"-{button_key}") and w.trigger_value for w in widgets)


class ServerMessageGate:
    """Holds the server's WebSocket messages to the page until released.

    This makes a network race deterministic: the server can finish a run while the page
    still shows (and sends back) the widgets of the run before. The gate also sees what
    the page sends and counts the runs the server finishes, so a test can wait for
    those events instead of for time.
    """

    def __init__(self, page: Page) -> None:
        self.holding = False
        self.held: list[tuple[WebSocketRoute, str | bytes]] = []
        self.finished = 0  # script runs the server finished normally (held or not)
        self.finished_at_press: int | None = None  # `finished` when a watched press left
        self.watch_button: str | None = None
        page.route_web_socket(re.compile(r"/_stcore/stream"), self._route)

    def _route(self, to_page: WebSocketRoute) -> None:
        to_server = to_page.connect_to_server()

        def from_page(message: str | bytes) -> None:
            watching = self.watch_button and self.finished_at_press is None
            if watching and _presses(message, self.watch_button):
                self.finished_at_press = self.finished
            to_server.send(message)

        def from_server(message: str | bytes) -> None:
            if _run_finished(message):
                self.finished += 1
            if self.holding:
                self.held.append((to_page, message))
            else:
                to_page.send(message)

        to_page.on_message(from_page)
        to_server.on_message(from_server)

    def held_run_finished(self) -> bool:
        """True once a held message says a script run finished normally."""
        return any(_run_finished(message) for _, message in self.held)

    def watch(self, button_key: str) -> None:
        """Note when the page sends the rerun of a press of button `button_key`."""
        self.watch_button, self.finished_at_press = button_key, None

    def press_sent(self) -> bool:
        """True once the watched button's rerun request has left the page for the server."""
        return self.finished_at_press is not None

    def press_run_finished(self) -> bool:
        """True once the server finished the run that the watched press asked for."""
        return self.finished_at_press is not None and self.finished > self.finished_at_press

    def release(self) -> None:
        self.holding = False
        for to_page, message in self.held:
            to_page.send(message)
        self.held.clear()


# ---------------------------------------------------------------- tests


@pytest.fixture(autouse=True)
def _on_the_lab(page: Page, server_url: str) -> None:
    """Every test here starts on the app's default page, the Expression lab."""
    page.goto(server_url, wait_until="domcontentloaded")


def test_landing_page_shows_the_tutorial_graph_gradients_and_output(page: Page) -> None:
    texts = open_lab(page)

    expect(page.get_by_role("heading", name="Expression lab")).to_be_visible()
    expect_code(page, TUTORIAL_FIRST)
    # x does not require grad: drawn anyway, as a constant whose grad is None.
    assert "MulBackward0" in texts and "AddBackward0" in texts
    assert texts.count("grad None") >= 1, texts

    output = printed_output(page)
    expect(output).to_contain_text("dy/dx: None")
    expect(output).to_contain_text("dy/dw: tensor(3.)")
    expect(output).to_contain_text("dy/db: tensor(1.)")

    table = gradient_table(page)
    expect(table).to_be_visible()
    rows = {
        row.get_by_role("cell").first.inner_text().strip(): row
        for row in table.get_by_role("row").all()
        if row.get_by_role("cell").count()
    }
    assert {"dy/dx", "dy/dw", "dy/db"} <= rows.keys(), rows.keys()
    expect(rows["dy/dx"]).to_contain_text("None")
    expect(rows["dy/dw"].get_by_role("cell").nth(1)).to_have_text("3")
    expect(rows["dy/db"].get_by_role("cell").nth(1)).to_have_text("1")
    assert_no_traceback(page)


def test_typed_training_loop_updates_graph_and_output(page: Page) -> None:
    open_lab(page)

    run_code(page, TUTORIAL_TRAINING)

    wait_for_graph(
        page,
        ["loss", "MmBackward0", "inputs", "targets", "w", "b"],
        absent=["y", "17"],
    )
    output = printed_output(page)
    expect(output).to_contain_text("tensor(", timeout=TIMEOUT_MS)
    expect(output).to_contain_text("grad_fn=<DivBackward0>")
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
    assert_no_traceback(page)


NON_LEAF_GRAD = """\
w = torch.tensor(2., requires_grad=True)
for step in range(3):
    y = w * w
    print(step, y.grad)
"""


def test_pytorchs_warnings_show_under_the_output_on_their_line(page: Page) -> None:
    """Reading `.grad` of a non-leaf: the None printed, and PyTorch's warning saying why,
    once, on the line that read it (as plain PyTorch warns: `test_program_warnings`)."""
    open_lab(page)

    run_code(page, NON_LEAF_GRAD)

    expect(printed_output(page)).to_have_text("0 None\n1 None\n2 None", timeout=TIMEOUT_MS)
    warnings = page.get_by_test_id("stAlertContentWarning")
    expect(warnings).to_have_count(1)
    expect(warnings).to_contain_text("Line 4: UserWarning: The .grad attribute of a Tensor")
    expect(warnings).to_contain_text(".retain_grad()")
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)


def test_syntax_error_keeps_the_last_graph_marked_stale(page: Page) -> None:
    before = open_lab(page)

    run_code(page, "y = w @ ")

    expect_error(page, "Line 1", "Syntax error")
    expect(alert(page, "Stale")).to_be_visible()
    after = wait_for_graph(page, FIRST_GRAPH)
    assert sorted(after) == sorted(before)
    assert_no_traceback(page)


RUNTIME_ERRORS = [
    pytest.param(
        "a = torch.ones(2, 3, requires_grad=True)\nb = a @ a",
        ["Line 2", "cannot be multiplied"],
        id="shape-mismatch",
    ),
    pytest.param(
        "t = torch.tensor([[1, 2], [3]])",
        ["Line 1", "expected sequence of length 2"],
        id="ragged-list",
    ),
    pytest.param(
        "a = torch.tensor(2., requires_grad=True)\ny = a * a\ny.backward()\ny.backward()",
        ["Line 4", "backward through the graph a second time"],
        id="backward-twice",
    ),
    pytest.param(
        "x = torch.tensor([1., 2.], requires_grad=True)\ny = x * 2\ny.backward()",
        ["Line 3", "scalar outputs"],
        id="backward-non-scalar",
    ),
    pytest.param(
        "a = torch.tensor(1.)\nb = a + zzz",
        ["Line 2", "zzz", "not defined"],
        id="unknown-name",
    ),
    pytest.param(
        "n = 0\ndef bump():\n    n = n + 1\nbump()",
        ["Line 3", "UnboundLocalError", "variable 'n'"],
        id="unbound-local",
    ),
]


def test_runtime_errors_point_at_the_line(page: Page) -> None:
    """One page, one mistake after another: each gets its own message and line."""
    open_lab(page)

    for case in RUNTIME_ERRORS:
        code, parts = case.values
        run_code(page, code)
        expect_error(page, *parts)
        expect(alert(page, "Stale")).to_be_visible()
        wait_for_graph(page, FIRST_GRAPH)
        assert_no_traceback(page)


def test_preset_picker_loads_the_shared_subexpression(page: Page) -> None:
    open_lab(page)

    pick_preset(page, SHARED_PRESET)

    wait_for_graph(page, ["a", "grad 7"], absent=["w", "x", "b"])
    expect_code(page, re.compile(r"y = a \* a \+ a"))
    expect(printed_output(page)).to_contain_text("dy/da: tensor(7.)")


def test_leaf_value_input_rewrites_the_code_and_the_graph(page: Page) -> None:
    open_lab(page)

    w_box = page.get_by_role("spinbutton", name="w", exact=True)
    w_box.fill("10")
    w_box.press("Enter")

    expect_code(page, re.compile(re.escape("w = torch.tensor(10., requires_grad=True)")))
    new_code = TUTORIAL_FIRST.replace("torch.tensor(4.,", "torch.tensor(10.,")
    expect_code(page, new_code)
    wait_for_lab_code(page, new_code)  # the run of the new code ended: all below is new
    # y = w*x + b = 10*3 + 5; dy/dw is still x = 3.
    texts = wait_for_graph(page, ["35", "10", "grad 3", "grad 1"], absent=["17"])
    assert "4" not in texts, texts
    expect(printed_output(page)).to_contain_text("dy/dw: tensor(3.)")
    expect(w_box).to_have_value("10")


def test_new_program_is_not_rewritten_by_the_old_value_boxes(page: Page) -> None:
    """The w/x/b boxes belong to the program they were drawn for.

    A learner replaces the tutorial with a one-line program; the text area commits on
    blur and the server runs it. If Run is pressed before the page hears that run end,
    the request still carries the old boxes. Their on_change must not fire then: it
    would write 3./4./5. into the new code at the old columns, or crash on line 2.
    """
    gate = ServerMessageGate(page)
    page.reload(wait_until="domcontentloaded")
    open_lab(page)
    wait_idle(page)
    code = "t = torch.tensor([[1, 2], [3]])"
    set_code(page, code)

    gate.holding = True
    page.get_by_role("heading", name="Expression lab").click()  # blur: the code is sent
    wait_until(page, gate.held_run_finished, "the server to finish the run of the new code")
    gate.watch("lab_run")
    page.get_by_role("button", name="Run ▶").click()
    # The click's request must leave while the page still shows the old boxes.
    wait_until(page, gate.press_sent, "the page to send the Run click's rerun request")
    gate.release()
    wait_until(page, gate.press_run_finished, "the server to finish the Run click's run")
    wait_idle(page)

    assert_no_traceback(page)
    expect_code(page, code)
    expect_error(page, "Line 1", "expected sequence of length 2")


def test_raw_view_toggle_shows_accumulate_grad(page: Page) -> None:
    open_lab(page)
    assert "AccumulateGrad" not in graph_texts(page)

    # The switch's <input> sits under its label, which takes the click.
    page.get_by_text(RAW_LABEL, exact=True).click()

    wait_for_graph(page, ["AccumulateGrad → w", "AccumulateGrad → b", "MulBackward0"])
    expect(page.get_by_role("switch", name=RAW_LABEL)).to_be_checked()

    page.get_by_text(RAW_LABEL, exact=True).click()

    wait_for_graph(page, FIRST_GRAPH, absent=["AccumulateGrad → w", "AccumulateGrad → b"])
    expect(page.get_by_role("switch", name=RAW_LABEL)).not_to_be_checked()


def test_download_dot_and_svg(page: Page, tmp_path: Path) -> None:
    open_lab(page)
    wait_idle(page)

    with page.expect_download(timeout=TIMEOUT_MS) as dot_info:
        page.get_by_role("button", name="Download DOT").click()
    dot_download = dot_info.value
    assert dot_download.suggested_filename == "autograd.dot"
    dot_path = tmp_path / "autograd.dot"
    dot_download.save_as(dot_path)
    dot = dot_path.read_text()
    assert dot.lstrip().startswith("digraph"), dot[:200]
    assert "MulBackward0" in dot and "AddBackward0" in dot

    with page.expect_download(timeout=TIMEOUT_MS) as svg_info:
        page.get_by_role("button", name="Download SVG").click()
    svg_download = svg_info.value
    assert svg_download.suggested_filename == "autograd.svg"
    svg_path = tmp_path / "autograd.svg"
    svg_download.save_as(svg_path)
    svg = svg_path.read_text()
    assert "<svg" in svg, svg[:200]
    assert "MulBackward0" in svg, svg[:500]


ESCAPES = [
    ("().__class__.__base__.__subclasses__()", ["Line 1", "not allowed"]),
    ("import os", ["Line 1", "import os", "not allowed"]),
    ("x = torch.tensor(1.)\nf = open('/etc/passwd')", ["Line 2", "open is not available"]),
    ("import numpy as np\nx = np.load('/etc/passwd')", ["Line 2", "numpy.load", "not available"]),
]


def test_sandbox_refuses_escapes(page: Page) -> None:
    open_lab(page)

    for code, parts in ESCAPES:
        run_code(page, code)
        expect_error(page, *parts)
        wait_for_graph(page, FIRST_GRAPH)
        assert_no_traceback(page)


def test_stepping_through_backward_shows_the_accumulation(page: Page) -> None:
    open_lab(page)
    pick_preset(page, SHARED_PRESET)
    wait_for_graph(page, ["grad 7"])
    page.get_by_text("Step through backward()").click()
    expect(page.get_by_text("Before backward()")).to_be_visible()
    # That run ended, so the plain graph (which shows "grad 7" too) is gone: the one
    # "grad 7" left is the step-through's.
    wait_for_lesson(page, LAB, lab_preset=SHARED_PRESET, lab_stepping=True)
    leaf_grad = page.locator("svg .node text", has_text="grad 7")
    expect(leaf_grad).to_have_count(1)
    assert leaf_grad.get_attribute("fill") != "#000000", "the answer shows before the walk"
    for step in (1, 2, 3):
        page.get_by_role("button", name="Next", exact=True).click()
        expect(page.get_by_text(f"Step {step} of 3")).to_be_visible()
        wait_for_lesson(page, LAB, lab_stepping=True, lab_step=step - 1)
    expect(page.get_by_text("Paths meet")).to_be_visible()
    expect(page.get_by_text("a.grad += 7")).to_be_visible()
    expect(page.get_by_text("Done: every leaf's .grad")).to_be_visible()
    expect(page.locator("svg .node text", has_text="grad 7")).to_have_attribute("fill", "#000000")
    assert_no_traceback(page)


def test_gradient_check_passes_then_flags_the_detach_preset(page: Page) -> None:
    open_lab(page)
    page.get_by_role("button", name="Check gradients").click()
    expect(page.get_by_text("All 2 differentiable elements agree")).to_be_visible()
    wait_run_done(page)
    pick_preset(page, "Gradient check: .detach() hides a path")
    # The new program's graph (y = w * w.detach() = 4, w.grad = 2), not the tutorial's.
    wait_for_graph(page, ["w", "y", "grad 2"], absent=["x", "b", "grad 3"])
    expect(page.get_by_text("All 2 differentiable elements agree")).to_have_count(0)
    page.get_by_role("button", name="Check gradients").click()
    expect(page.get_by_text("1 of 1 elements disagree with finite differences")).to_be_visible()
    assert_no_traceback(page)


WORST_SHAPES = {
    "one leaf feeds every op": (
        "w = torch.tensor(1.01, requires_grad=True)\ny = w\n"
        "for i in range(300):\n    y = y * w + w\ny.backward()\n"
    ),
    "10,000-op chain": (
        "w = torch.tensor(1., requires_grad=True)\ny = w\n"
        "for i in range(10000):\n    y = y * 1.0\ny.backward()\n"
    ),
}


@pytest.mark.parametrize("shape", WORST_SHAPES, ids=list(WORST_SHAPES))
def test_worst_graph_shapes_are_summarised_and_the_page_stays_usable(
    page: Page, shape: str
) -> None:
    """Timing belongs in benchmarks; here: it draws, says so, and answers clicks.

    Running such a program and laying its graph out in the browser take long on a
    loaded machine, so each step waits on what the page shows with SLOW_MS.
    """
    open_lab(page)
    code = WORST_SHAPES[shape]
    run_code(page, code, timeout=SLOW_MS)
    large = page.get_by_text("Large graph: showing the 120 nodes nearest")
    expect(large).to_be_visible(timeout=SLOW_MS)
    expect(page.locator("svg .node text", has_text="more nodes")).to_be_visible(timeout=SLOW_MS)
    page.get_by_text("Raw autograd view").click(timeout=SLOW_MS)
    wait_for_lesson(page, LAB, SLOW_MS, lab_code=code, lab_raw=True)
    # PyTorch's own nodes (light blue boxes) replace the friendly ops.
    raw_node = page.locator('svg .node polygon[fill="#e8eefc"]').first
    expect(raw_node).to_be_visible(timeout=SLOW_MS)
    page.get_by_role("button", name="Show 100 more nodes").click(timeout=SLOW_MS)
    more = page.get_by_text("Large graph: showing the 220 nodes nearest")
    expect(more).to_be_visible(timeout=SLOW_MS)
    wait_run_done(page, SLOW_MS)
    assert_no_traceback(page)
