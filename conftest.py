"""Shared test setup: notebooks (nbval items) count as slow; browser tests need Chromium."""

import os
import shutil

import pytest


def pytest_configure(config):
    """Dashboards run strict under nbval: a broken one fails its cell instead of showing the kiosk's
    friendly sentence (``expo.STRICT_ENV``; kernels inherit the environment)."""
    os.environ["WERKPLAATS_KIOSK_STRICT"] = "1"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.nodeid.endswith(".ipynb") or ".ipynb::" in item.nodeid:
            item.add_marker(pytest.mark.slow)


#: Set (as CI does) when the browser tests must run: a skip for a missing browser is then a failure.
REQUIRE_BROWSER_ENV = "WERKPLAATS_REQUIRE_BROWSER"


def chromium_path() -> str | None:
    """Debian's Chromium, or None."""
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def skip_or_fail(message: str) -> None:
    """Skip with ``message``, or fail when ``WERKPLAATS_REQUIRE_BROWSER`` says the browser tests must run."""
    if os.environ.get(REQUIRE_BROWSER_ENV):
        pytest.fail(f"{message} ({REQUIRE_BROWSER_ENV} is set, so a skip is a failure)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium():
    """Path to Chromium; skips with install advice, or fails when CI demands a browser."""
    path = chromium_path()
    if path is None:
        skip_or_fail("Chromium not found: install it with 'apt-get install chromium' to run the browser tests")
    return path


@pytest.fixture(scope="session")
def playwright_api(chromium):
    """Playwright's sync API; skips with install advice, or fails when CI demands a browser."""
    try:
        from playwright import sync_api
    except ImportError:
        skip_or_fail("Playwright for Python is missing: install the test extras with \"pip install -e '.[test]'\"")
    return sync_api
