"""Shared test setup: notebooks (nbval items) count as slow; browser tests need Chromium."""

import os
import shutil

import pytest


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.nodeid.endswith(".ipynb") or ".ipynb::" in item.nodeid:
            item.add_marker(pytest.mark.slow)


def chromium_path() -> str | None:
    """Debian's Chromium, or None."""
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def chromium():
    """Path to Chromium; skips with install advice, or fails when CI demands a browser."""
    path = chromium_path()
    if path is None:
        message = "Chromium not found: install it with 'apt-get install chromium' to run the browser tests"
        if os.environ.get("WERKPLAATS_REQUIRE_BROWSER"):
            pytest.fail(message + " (WERKPLAATS_REQUIRE_BROWSER is set, so a skip is a failure)")
        pytest.skip(message)
    return path
