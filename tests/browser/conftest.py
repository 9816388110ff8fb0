"""Browser-test harness: kiosk Voila servers on free ports, headless Debian Chromium via Playwright.

Every request that does not go to 127.0.0.1 is aborted AND recorded; a test fails when one was
attempted (logging alone passes while a real kiosk hangs on a network that swallows requests).
Console errors are collected, screenshots kept under ``test-output/``. Without Chromium or
Playwright the tests skip with install advice, unless ``WERKPLAATS_REQUIRE_BROWSER`` is set.
"""

from __future__ import annotations

import contextlib
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from werkplaats_data import expo
from werkplaats_data.release import write_release

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from test_kiosk import story_folder, tiny_tables  # noqa: E402  (the same hand-made release and stories as the unit tests)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "browser"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")
#: The dashboards a visitor reaches from home, each also served on its own (``--dashboard NAME``).
DASHBOARDS = ("energie", "werkplaats", "verhalen")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def kiosk_server(release_dir: Path, log_path: Path, *, dashboard: str = "home", stories: Path | None = None, **settings):
    """A running kiosk; yields (address, process). Stopped at the end."""
    config = expo.KioskSettings(port=free_port(), **settings)
    with open(log_path, "w") as log:
        process = expo.start(dashboard, data=release_dir, stories=stories, settings=config, log=log)
        try:
            expo.wait_until_ready(process, expo.address(config), timeout=90)
            yield expo.address(config), process
        finally:
            process.terminate()
            process.wait(timeout=30)


@pytest.fixture(scope="session")
def tiny_release(tmp_path_factory) -> Path:
    return write_release(tiny_tables(), tmp_path_factory.mktemp("release") / "tiny", demo=True)


@pytest.fixture(scope="session")
def stories(tmp_path_factory) -> Path:
    """Stories with and without exhibition consent, one photo allowed and one refused (see ``story_folder``)."""
    return story_folder(tmp_path_factory.mktemp("stories"))


@pytest.fixture(scope="session")
def kiosk(tiny_release, stories, tmp_path_factory):
    """The home dashboard, served as a kiosk would serve it (idle loop far away)."""
    log = tmp_path_factory.mktemp("voila") / "voila.log"
    with kiosk_server(tiny_release, log, stories=stories, attract_after=600, reset_after=1200) as (url, _):
        yield url


@pytest.fixture(scope="session", params=DASHBOARDS)
def direct(request, tiny_release, stories, tmp_path_factory):
    """(name, address) of one dashboard served on its own, as ``werkplaats expo --dashboard NAME`` does."""
    log = tmp_path_factory.mktemp("voila") / f"voila-{request.param}.log"
    with kiosk_server(tiny_release, log, dashboard=request.param, stories=stories, attract_after=600, reset_after=1200) as (url, _):
        yield request.param, url


@pytest.fixture(scope="session")
def browser(playwright_api, chromium):
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Visit:
    """A page with what it tried to fetch from outside and what it logged as errors."""

    page: object
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def check_clean(self) -> None:
        assert self.outside == [], f"requests to outside the machine were attempted: {self.outside}"
        assert self.errors == [], f"console errors: {self.errors}"


@pytest.fixture
def visit(browser):
    """``visit(url)`` opens a fresh page with outside requests blocked; waits for the kiosk app."""
    contexts = []

    def open_page(url: str, *, wait_for: str = ".wp-app") -> Visit:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        seen = Visit(page)

        def route(request_route):
            address = request_route.request.url
            if address.startswith(LOCAL):
                request_route.continue_()
            else:
                seen.outside.append(address)
                request_route.abort()

        page.route("**/*", route)
        page.on("console", lambda message: message.type == "error" and seen.errors.append(message.text))
        page.on("pageerror", lambda error: seen.errors.append(str(error)))
        page.goto(url, wait_until="commit", timeout=90_000)
        page.wait_for_selector("#rendered_cells", state="visible", timeout=90_000)
        if wait_for:
            page.wait_for_selector(wait_for, state="visible", timeout=90_000)
        return seen

    yield open_page
    for context in contexts:
        context.close()
