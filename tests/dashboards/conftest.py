"""Browser fixtures: the dashboard served by ``contagion dashboard``, driven by Debian's Chromium.

Every page is opened with all non-localhost requests blocked and recorded;
:meth:`Dashboard.check_offline` fails the test if the page asked for anything
outside this machine or got an error for a local asset. The server is started
with an unreachable CDN address, so a file Solara would fetch from the internet
on the server's side breaks the page too instead of passing silently.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from contagion.cli.dashboard import CHROMIUM, CHROMIUM_FLAGS

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists() or os.environ.get("CI"):
        return  # in CI a missing browser must fail the browser tests, not skip them
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: apt-get install chromium "
                            "(.ci/run installs it)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium: Playwright cannot download a browser here."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A projector-sized window; downloads allowed (the export buttons)."""
    return {**browser_context_args, "viewport": {"width": 1600, "height": 1000},
            "accept_downloads": True}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_dashboard(port: int, timeout: float = 120.0) -> subprocess.Popen:
    """``contagion dashboard --port PORT`` in its own process group, once it answers."""
    env = {**os.environ, "SOLARA_ASSETS_CDN": "http://127.0.0.1:9/unreachable-cdn/"}
    # the server's output goes to a file, never to a pipe no one reads while it runs
    # (a full pipe would stop the server at its next log line)
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / f"dashboard-server-{port}.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "contagion.cli", "dashboard", "--port", str(port)],
            env=env, stdout=out, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    process.log = log
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read()
            return process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                stop_dashboard(process)
                raise RuntimeError(f"dashboard did not start:\n{log.read_text()}")
            time.sleep(0.2)


def stop_dashboard(process: subprocess.Popen, kill: bool = False) -> None:
    """Stop a server :func:`start_dashboard` started (SIGKILL to its group: a crash)."""
    if kill:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the group this fixture started
        process.wait()


@pytest.fixture(scope="session")
def dashboard_url():
    """``contagion dashboard`` on a free localhost port, for the whole session."""
    port = free_port()
    process = start_dashboard(port)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop_dashboard(process)


class Dashboard:
    """A page showing the dashboard, with helpers that read what the user sees."""

    def __init__(self, page, url):
        self.page, self.url = page, url
        self.outside: list[str] = []
        self.failed: list[str] = []
        page.route("**/*", self._route)
        page.on("response", self._response)
        page.on("websocket", lambda ws: None if ws.url.startswith(LOCAL) else
                self.outside.append(ws.url))

    def _route(self, route):
        url = route.request.url
        if url.startswith(LOCAL):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def _response(self, response):
        if response.status >= 400:
            self.failed.append(f"{response.status} {response.url}")

    def open(self, search: str = ""):
        self.page.goto(self.url + (f"?{search}" if search else ""))
        self.page.locator(".step-counter").wait_for(timeout=30_000)
        return self

    def check_offline(self):
        assert not self.outside, f"the page asked for non-local resources: {self.outside}"
        assert not self.failed, f"local requests failed: {self.failed}"

    def step_count(self) -> int:
        return int(self.page.locator(".step-now").inner_text().split()[-1])

    def wait_step(self, n: int):
        self.page.locator(".step-now", has_text=re.compile(rf"^Step {n}$")).wait_for()

    def readout(self, metric: str) -> float:
        return float(self.page.locator(f".readout-{metric} .readout-value").inner_text())

    def wait_readout(self, metric: str, holds, timeout: float = 60.0) -> float:
        """The readout once ``holds(value)`` is true: the step counter and the readouts
        are drawn in separate updates, so on a loaded machine a readout may lag the
        counter a moment. Fails with the last value after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.readout(metric)
            if holds(value) or time.monotonic() > deadline:
                return value
            time.sleep(0.2)

    def field(self, label: str):
        return self.page.get_by_label(label, exact=True)

    def type_into(self, label: str, text: str):
        box = self.field(label)
        box.fill(text)
        box.press("Enter")

    def set_speed(self, key: str = "End"):
        """Press ``key`` on the speed slider (End: the maximum)."""
        thumb = self.page.locator(".speed [role=slider]")
        thumb.focus()
        thumb.press(key)

    def play_until(self, step: int):
        """Press Play, wait until the counter reaches ``step``, press Pause."""
        self.page.locator(".play-button").click()
        self.page.wait_for_function(
            "n => +document.querySelector('.step-now').textContent.split(' ')[1] >= n",
            arg=step)
        self.page.get_by_role("button", name="Pause").click()
        self.page.get_by_role("button", name="Play").wait_for()

    def choose_scenario(self, title: str):
        picker = self.page.locator(".scenario-picker")
        try:
            picker.wait_for(timeout=60_000)
        except Exception as exc:  # say what the sidebar shows instead of the picker
            sidebar = self.page.locator(".sidebar")
            shown = sidebar.first.inner_text() if sidebar.count() else "(no sidebar)"
            raise AssertionError(f"no scenario picker; the sidebar shows:\n{shown[:4000]}"
                                 ) from exc
        picker.locator("select").select_option(label=title)
        self.page.locator(".scenario-title", has_text=title).wait_for()
        self.wait_idle()

    def wait_idle(self):
        """Until no rebuild runs and the pictures fit the stage's box, twice 0.4 s apart.

        After a rebuild the header may change (another title, other buttons), the
        stage's box with it, and the pictures are drawn again for the new box.
        """
        for _ in range(2):
            self._wait_drawn()
            self.page.wait_for_timeout(400)
        self._wait_drawn()

    def _wait_drawn(self):
        self.page.locator(".status.busy").wait_for(state="detached", timeout=60_000)
        self.page.wait_for_function("""() => {
            const metas = document.querySelectorAll('.picture-meta');
            const imgs = document.querySelectorAll('.picture img');
            const stage = document.querySelector('.stage');
            if (metas.length !== 2 || imgs.length !== 2 || !stage) return false;
            const sizes = [...metas].map(m => JSON.parse(m.textContent));
            const box = stage.getBoundingClientRect();
            const width = sizes.reduce((w, m) => w + m.width, 0);
            return Math.abs(width + 12 - box.width) < 6
                && sizes.every(m => Math.abs(m.height - box.height) < 6)
                && [...imgs].every(i => i.complete && i.naturalWidth > 0);
        }""", timeout=60_000)

    def download(self, label: str) -> Path:
        with self.page.expect_download() as info:
            self.page.get_by_role("button", name=label).click()
        return Path(info.value.path())

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.wait_for_timeout(300)  # let the last image paint
        self.page.screenshot(path=str(path))
        return path


@pytest.fixture
def dashboard(page, dashboard_url):
    """The dashboard freshly opened (a new session) with the internet blocked."""
    board = Dashboard(page, dashboard_url).open()
    yield board
    board.check_offline()


@pytest.fixture
def window(browser, dashboard_url):
    """Opens the dashboard in a window of a given size: ``window(1280, 720, "present=1")``."""
    opened = []

    def open_window(width: int, height: int, search: str = "", url: str = dashboard_url):
        context = browser.new_context(viewport={"width": width, "height": height},
                                      accept_downloads=True)
        board = Dashboard(context.new_page(), url)
        opened.append((context, board))
        return board.open(search)

    yield open_window
    for context, board in opened:
        context.close()
        board.check_offline()
