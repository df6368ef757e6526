"""Fixtures for the browser tests: a real `streamlit run` server and headless Chromium.

Playwright cannot download browsers on our machines, so these tests drive Debian's
`chromium` through `executable_path`. Without a browser they skip locally and fail in
CI (`CI=true`), where a missing browser must never pass silently.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit_server import TIMEOUT_MS, VIEWPORT, free_port, start_server, stop_server

SCREENSHOT_DIR = Path(tempfile.gettempdir()) / "autograd-playground-e2e"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _missing(what: str) -> None:
    """Fail in CI, skip elsewhere."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what} (CI=true: browser tests must run, run `bash scripts/test.sh`)")
    pytest.skip(what)


def _chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


class SharedServer:
    """The session's `streamlit run app.py` on a free localhost port.

    Nothing in this suite stops it before the session ends. If it has exited anyway,
    the test about to use it fails with how it ended and the end of its log, and a new
    server serves the tests after: one failure that names the cause instead of every
    later test failing on a refused connection.
    """

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.starts = 0
        self._start()

    def _start(self) -> None:
        self.starts += 1
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.log_dir / f"server-{self.starts}.log"
        self.process: subprocess.Popen = start_server(self.port, self.log_path)

    def death_note(self) -> str | None:
        """None while the server runs; else how it ended and the end of its log."""
        code = self.process.poll()
        if code is None:
            return None
        why = ""
        if code == 0:
            why = " (Streamlit's way out on SIGTERM, SIGINT or SIGQUIT: a signal from outside)"
        elif code < 0:
            why = f" (killed by signal {-code})"
        log = self.log_path.read_text()[-3000:]
        return f"the shared server exited with {code}{why}; its log ends:\n{log}"

    def restart_if_exited(self) -> str | None:
        """If the server has exited, start a new one and return how the old one ended."""
        note = self.death_note()
        if note:
            self._start()
        return note

    def stop(self) -> None:
        stop_server(self.process)


@pytest.fixture(scope="session")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SharedServer]:
    """One real server for the whole session (tests that kill a server start their own)."""
    server = SharedServer(tmp_path_factory.mktemp("streamlit"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def server_url(shared_server: SharedServer) -> str:
    """URL of the shared server; fails (with its log) if it has exited since the last test."""
    note = shared_server.restart_if_exited()
    if note:
        pytest.fail(f"{note}\n(a new shared server serves the tests after this one)")
    return shared_server.url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the whole session."""
    executable = _chromium_path()
    if executable is None:
        _missing("Chromium not found (install Debian's `chromium` package)")
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        _missing("playwright is not installed (pip install -r requirements-dev.txt)")
    # Reruns wait on a shared, sometimes busy server: 5 s (Playwright's default) is too short.
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
        except PlaywrightError as exc:
            _missing(f"Chromium at {executable} did not start: {exc}")
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request: pytest.FixtureRequest) -> Iterator[object]:
    """A blank page in a fresh browser context (a new Streamlit session); screenshot on failure.

    Tests open the page they need, e.g. `page.goto(server_url)`.
    """
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            if "shared_server" in request.fixturenames:
                try:
                    note = request.getfixturevalue("shared_server").death_note()
                    print(note or "the shared server is still running")
                except Exception as exc:  # a diagnosis must never mask the real failure
                    print(f"could not check the shared server: {exc}")
            SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-120:]
            path = SCREENSHOT_DIR / f"{name}.png"
            try:
                page.screenshot(path=str(path), full_page=True)
                print(f"screenshot of the failure: {path}")
            except Exception as exc:  # a screenshot must never mask the real failure
                print(f"could not take a screenshot: {exc}")
        context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Keep each phase's report on the item so fixtures can see whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
