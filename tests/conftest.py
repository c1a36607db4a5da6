"""Shared fixtures: headless Chromium (see ``tests/browser.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser import NetworkLog, block_network, launch_chromium


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One system Chromium for the session (skipped where missing, failed in CI)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def offline_page(chromium: Any) -> Iterator[tuple[Any, NetworkLog]]:
    """A fresh page whose requests other than file:/data: are refused, with its log."""
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    log = block_network(page)
    yield page, log
    context.close()
