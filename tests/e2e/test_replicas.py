"""Two replicas behind nginx (scripts/two_replicas.py): each browser stays on one replica.

The school-wide set-up in docs/deploy.md, on one host. Streamlit's sessions live in
one process, and a CSV upload is an HTTP request that must reach the process holding
the session, so the proxy's cookie affinity is what makes uploads work at all. The
proxy logs the user agent and the replica of every request; each student has its
own user agent, so the log shows whether any of its requests strayed.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from waits import SLOW_MS

pytestmark = pytest.mark.e2e

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from two_replicas import AFFINITY_COOKIE, Deployment, two_replicas  # noqa: E402

# user agent -> replica its cookie pins it to (None: a new browser, the proxy chooses)
STUDENTS = {"student-a": "replica_a", "student-b": "replica_b", "student-new": None}
FIRST_GRAPH_LINES = ["w", "x", "b", "y", "MulBackward0", "AddBackward0"]


@pytest.fixture(scope="module")
def deployment() -> Iterator[Deployment]:
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        message = "nginx not installed (Debian: apt-get install nginx; scripts/test.sh does)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    with two_replicas() as running:
        yield running


def _lab_then_upload(page: Page, url: str, csv: Path) -> str:
    """Open the lab (graph over the WebSocket), then upload a CSV in the studio."""
    response = page.goto(url)
    replica = response.headers["x-replica"]
    for line in FIRST_GRAPH_LINES:  # SLOW_MS: a replica's first page starts its workers
        expect(page.locator("svg .node text", has_text=line).first).to_be_visible(timeout=SLOW_MS)
    page.goto(f"{url}/gradient-descent")
    page.wait_for_selector(".agp-loss .main-svg", timeout=SLOW_MS)
    page.get_by_text("Upload CSV").click()
    page.locator("input[type=file]").set_input_files(str(csv))
    expect(page.locator(".agp-fit .xtitle")).to_have_text("hours")
    return replica


def _requests_by_student(access_log: Path) -> dict[str, list[tuple[str, str, str]]]:
    """user agent -> [(replica, request, status)] from the proxy's log."""
    seen: dict[str, list[tuple[str, str, str]]] = {}
    for line in access_log.read_text().splitlines():
        agent, replica, request, status = line.split("|")
        seen.setdefault(agent, []).append((replica, request, status))
    return seen


def test_every_request_of_a_student_reaches_one_replica(
    browser, deployment: Deployment, tmp_path: Path
) -> None:
    csv = tmp_path / "study.csv"
    csv.write_text("hours,score\n" + "\n".join(f"{h},{2 * h + 1}" for h in range(1, 16)) + "\n")
    served: dict[str, str] = {}
    for agent, pinned in STUDENTS.items():
        context = browser.new_context(user_agent=agent, viewport={"width": 1500, "height": 1100})
        if pinned:
            context.add_cookies([{"name": AFFINITY_COOKIE, "value": pinned, "url": deployment.url}])
        try:
            served[agent] = _lab_then_upload(context.new_page(), deployment.url, csv)
            cookies = {c["name"]: c["value"] for c in context.cookies()}
            assert cookies[AFFINITY_COOKIE] == served[agent]
        finally:
            context.close()
        assert pinned is None or served[agent] == pinned

    log = _requests_by_student(deployment.access_log)
    for agent, replica in served.items():
        requests = log[agent]
        assert {r for r, _, _ in requests} == {replica}, f"{agent} strayed: {requests}"
        assert any(req.startswith("GET /_stcore/stream") for _, req, _ in requests)
        uploads = [(req, status) for _, req, status in requests if "upload_file" in req]
        assert uploads and all(status.startswith("2") for _, status in uploads), uploads
    assert {"replica_a", "replica_b"} <= set(served.values())
