"""Shared fixtures: a private snapshot cache, headless Chromium (see ``tests/browser.py``)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from layers.paths import CACHE_ENV
from layers.publishers import PUBLISHERS_ENV
from tests.browser import NetworkLog, block_network, launch_chromium

# The fixtures cite a fictional publisher at example.org: register it for every test, and
# for the dashboards the browser tests start in subprocesses (they inherit the setting).
os.environ[PUBLISHERS_ENV] = str(Path(__file__).parent / "data" / "publishers.csv")


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Snapshots go to a temporary directory, never to the user's cache (subprocesses too)."""
    previous = os.environ.get(CACHE_ENV)
    os.environ[CACHE_ENV] = str(tmp_path_factory.mktemp("bordermon-cache"))
    yield
    if previous is None:
        del os.environ[CACHE_ENV]
    else:
        os.environ[CACHE_ENV] = previous


@pytest.fixture(autouse=True)
def no_search_ahead_left() -> Iterator[None]:
    """A dashboard page run in a test schedules the text searched to be built a second
    later (``dashboard.data.prepare_search``): that build must not run in the next test."""
    yield
    data = sys.modules.get("dashboard.data")
    if data is not None:
        data.end_search_ahead()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One system Chromium for the session (skipped where missing, failed in CI)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    """One dashboard (``streamlit run``) on the shipped store for every browser test file.

    The shipped store is never written by these tests, so they can share the server and
    its caches; a test that needs another store starts its own (``_serve``).
    """
    from layers.paths import SHIPPED_STORE
    from tests.test_dashboard_browser import _serve

    with _serve(SHIPPED_STORE) as url:
        yield url


@pytest.fixture
def offline_page(chromium: Any) -> Iterator[tuple[Any, NetworkLog]]:
    """A fresh page whose requests other than file:/data: are refused, with its log."""
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    log = block_network(page)
    yield page, log
    context.close()
