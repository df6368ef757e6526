"""Browser tests: students on one server never see each other's work.

Each student is a Playwright context of its own (its own cookies, so its own Streamlit
session). Their actions interleave on purpose: A edits, B edits, then A checks, B checks,
so a session that leaked into another would show up as the wrong code, output or losses.
Every expected number comes from plain PyTorch (or `playground.training.descent.train`, the code
the studio runs) computed in the test.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterator

import pytest
import torch
from editor import code_text, expect_code
from playwright.sync_api import Browser, Page, expect
from streamlit_server import TIMEOUT_MS, VIEWPORT
from test_lab import (
    assert_no_traceback,
    gradient_table,
    open_lab,
    printed_output,
    run_code,
    wait_for_graph,
    wait_for_lab_code,
)
from test_studio import open_studio, wait_for_player_run
from waits import wait_run_done

from playground.graph.tensor_info import format_number
from playground.share_link import encode
from playground.training import datasets
from playground.training.descent import TrainConfig, train
from playground.ui.lesson import COMMON, DESCENT

pytestmark = pytest.mark.e2e

PROGRAM_A = (
    "a = torch.tensor(1.5, requires_grad=True)\n"
    "c = torch.tensor(2., requires_grad=True)\n"
    "y = a * a * c + a\n"
    "y.backward()\n"
    "print(a.grad, c.grad)"
)
PROGRAM_B = (
    "p = torch.tensor(0.5, requires_grad=True)\nq = torch.tanh(p) * p\nq.backward()\nprint(p.grad)"
)


@pytest.fixture
def students(browser: Browser) -> Iterator[tuple[Page, Page]]:
    """Two pages in two browser contexts: two students, two Streamlit sessions."""
    contexts = [browser.new_context(viewport=VIEWPORT) for _ in range(2)]
    try:
        pages = []
        for context in contexts:
            context.set_default_timeout(TIMEOUT_MS)
            pages.append(context.new_page())
        yield pages[0], pages[1]
    finally:
        for context in contexts:
            context.close()


def plain_pytorch(code: str) -> tuple[dict[str, object], str]:
    """Run a (trusted, test-owned) program with real PyTorch: its names and what it printed."""
    names: dict[str, object] = {"torch": torch}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code, names)  # the test's own constant program, never user input
    return names, out.getvalue().strip()


def code_after_leaf_change(page: Page, before: str, name: str, value: float) -> str:
    """The page's program once its number box has written `value` into leaf `name`."""
    expect_code(page, re.compile(rf"^(?!{re.escape(before)}$)"))
    code = code_text(page)
    names, _ = plain_pytorch(code)
    assert names[name].item() == value, code
    return code


def shown_gradients(page: Page) -> dict[str, str]:
    """The gradient table as {"dy/da": ".grad text"}."""
    table = gradient_table(page)
    expect(table).to_be_visible()
    rows = {}
    for row in table.get_by_role("row").all():
        cells = [c.strip() for c in row.get_by_role("cell").all_inner_texts()]
        if len(cells) >= 2:
            rows[cells[0]] = cells[1]
    return rows


def expect_lab_shows(page: Page, code: str, root: str, leaves: tuple[str, ...]) -> None:
    """The page shows `code`, its printed output and its gradients as plain PyTorch has them.

    First waits until the run of `code` has ended, so the table read below is its own.
    """
    names, printed = plain_pytorch(code)
    wait_for_lab_code(page, code)
    expect_code(page, code)
    expect(printed_output(page)).to_have_text(printed)
    wanted = {f"d{root}/d{leaf}": float(names[leaf].grad) for leaf in leaves}
    expect(gradient_table(page)).to_contain_text(list(wanted)[-1])
    shown = shown_gradients(page)
    assert set(shown) == set(wanted), shown
    for label, value in wanted.items():
        assert float(shown[label]) == pytest.approx(value, rel=1e-3), (label, shown)
    assert_no_traceback(page)


def change_leaf(page: Page, name: str, value: float) -> None:
    box = page.get_by_role("spinbutton", name=name, exact=True)
    box.fill(str(value))
    box.press("Enter")


def test_two_students_edit_the_lab_at_once(students: tuple[Page, Page], server_url: str) -> None:
    alice, bob = students
    alice.goto(server_url)
    bob.goto(server_url)
    open_lab(alice)
    open_lab(bob)

    run_code(alice, PROGRAM_A, wait=False)  # B's run starts before A's has ended
    run_code(bob, PROGRAM_B, wait=False)
    wait_for_graph(alice, ["a", "c", "y"], absent=["p", "w"])
    wait_for_graph(bob, ["p", "q"], absent=["a", "c", "w"])
    expect_lab_shows(alice, PROGRAM_A, "y", ("a", "c"))
    expect_lab_shows(bob, PROGRAM_B, "q", ("p",))

    change_leaf(alice, "a", 2.5)
    change_leaf(bob, "p", -1.0)
    code_a = code_after_leaf_change(alice, PROGRAM_A, "a", 2.5)
    code_b = code_after_leaf_change(bob, PROGRAM_B, "p", -1.0)
    expect_lab_shows(alice, code_a, "y", ("a", "c"))
    expect_lab_shows(bob, code_b, "q", ("p",))


def pick(page: Page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()


def set_seed(page: Page, seed: int) -> None:
    box = page.get_by_label("Random seed")
    box.fill(str(seed))
    box.press("Enter")


def shown_losses(page: Page) -> list[float]:
    return page.evaluate("document.querySelector('.agp-loss').data[0].y")


def wait_for_run(page: Page, losses: list[float], token: str) -> None:
    """Until the URL has `token`, that run has ended and the player holds its `losses`."""
    page.wait_for_url(re.compile(re.escape(f"lesson={token}")))
    wait_run_done(page)
    wait_for_player_run(page, losses)


def test_two_students_press_play_at_once_with_their_own_seeds(
    students: tuple[Page, Page], server_url: str
) -> None:
    """Mini-batches of 2 draw their order from the seed, as does the start (w, b)."""
    seeds = {"alice": 3, "bob": 11}
    expected = {
        who: train(datasets.crops(), TrainConfig(batch_size=2, seed=seed)).losses.tolist()
        for who, seed in seeds.items()
    }
    assert expected["alice"] != pytest.approx(expected["bob"], rel=1e-3), "seeds must matter"
    alice, bob = students
    pages = {"alice": alice, "bob": bob}
    for page in pages.values():
        open_studio(page, server_url)
    for page in pages.values():
        pick(page, "Batch size", "2")
    for who, page in pages.items():
        set_seed(page, seeds[who])
    for who, page in pages.items():
        token = encode((*DESCENT, *COMMON), {"gd_batch": "2", "gd_seed": seeds[who]})
        wait_for_run(page, expected[who], token)
        page.select_option(".agp-speed", "120")

    alice.click(".agp-play")  # the two clicks leave back to back, nothing awaited between
    bob.click(".agp-play")

    for who, page in pages.items():
        expect(page.locator(".agp-epoch")).to_have_text("Epoch 99 / 99")
        shown = shown_losses(page)
        assert len(shown) == len(expected[who]) == 100
        assert shown == pytest.approx(expected[who], rel=1e-5), who
        # The server, told of the finished play, shows this student's last epoch.
        expect(page.get_by_text("Epoch 98 in numbers")).to_be_visible()
        expect(page.get_by_text(f"loss = {format_number(expected[who][98])}")).to_be_visible()
        expect(page.get_by_label("Random seed")).to_have_value(str(seeds[who]))
        assert_no_traceback(page)
