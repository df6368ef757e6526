"""Browser tests: a student's program that outgrows its worker is stopped by the kernel;
that student reads why, with the line, and carries on; another student never notices.

The server here is the app as deployed, with a small memory ceiling per worker
(`PLAYGROUND_MEMORY_MB=40`), so an ordinary program within the sandbox's budgets
(seven float64 tensors of a million elements, 56 MB) reaches the operating system's
limit: the same path a program escaping the budgets would take.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from streamlit_server import TIMEOUT_MS, VIEWPORT, free_port, start_server, stop_server
from test_isolation import plain_pytorch
from test_lab import (
    assert_no_traceback,
    expect_error,
    open_lab,
    printed_output,
    run_code,
    wait_for_graph,
    wait_for_lab_code,
)

pytestmark = pytest.mark.e2e

CEILING_MB = 40
TOO_BIG = (
    "".join(f"t{i} = torch.ones(1000000, dtype=torch.float64) * {i}\n" for i in range(7))
    + "print('never printed')\n"
)
AFTERWARDS = (
    "p = torch.tensor(1.5, requires_grad=True)\nq = torch.tensor(-2., requires_grad=True)\n"
    "r = p * q + q * q\nr.backward()\nprint(p.grad, q.grad)\n"
)
NEIGHBOUR = (
    "m = torch.tensor(0.25, requires_grad=True)\nn = torch.tanh(m * 3)\nn.backward()\n"
    "print(m.grad)\n"
)


@pytest.fixture(scope="module")
def small_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    log = tmp_path_factory.mktemp("workers") / "server.log"
    process = start_server(port, log, env={"PLAYGROUND_MEMORY_MB": str(CEILING_MB)})
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_server(process)


@pytest.fixture
def two_students(browser: Browser, small_server: str) -> Iterator[tuple[Page, Page]]:
    contexts = [browser.new_context(viewport=VIEWPORT) for _ in range(2)]
    pages = [context.new_page() for context in contexts]
    for page in pages:
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(small_server)
        open_lab(page)
    try:
        yield pages[0], pages[1]
    finally:
        for context in contexts:
            context.close()


def test_a_program_over_the_memory_ceiling_is_stopped_and_only_its_student_knows(
    two_students: tuple[Page, Page],
) -> None:
    student, neighbour = two_students
    run_code(student, TOO_BIG, wait=False)
    box = expect_error(student, f"used more than {CEILING_MB} MB of memory")
    wait_for_lab_code(student, TOO_BIG)  # that run ended: what is not shown now never will be
    expect(box).to_contain_text("Line ")  # the line the program was on when it stopped
    assert_no_traceback(student)
    expect(printed_output(student)).not_to_contain_text("never printed")

    # The neighbour's session and worker were never touched.
    run_code(neighbour, NEIGHBOUR)
    _, printed = plain_pytorch(NEIGHBOUR)
    expect(printed_output(neighbour)).to_have_text(printed.strip())
    assert_no_traceback(neighbour)

    # The stopped student's next program runs in a fresh worker.
    run_code(student, AFTERWARDS)
    wait_for_graph(student, ["p", "q", "r"])
    _, printed = plain_pytorch(AFTERWARDS)
    expect(printed_output(student)).to_have_text(printed.strip())
    assert_no_traceback(student)
