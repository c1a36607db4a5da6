"""Headless Chromium for the browser tests: Debian's ``/usr/bin/chromium``, network cut off.

Used through the fixtures in ``tests/conftest.py``. Where Chromium is missing the tests
are skipped with the reason; in CI (``CI=true``) they fail instead. Never run
``playwright install``: the tests drive the system browser.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from layers.map import BASEMAPS
from layers.paths import ROOT

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "OUTPUT_DIR",
    "PAN_ENDED",
    "TILE_HOSTS",
    "NetworkLog",
    "block_network",
    "launch_chromium",
    "require_assets",
    "screenshot_path",
]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Leaflet's animated pan (a popup brought into view) has ended: a reader clicks a popup
#: at rest. One clicked while it moved was once gone when the test next looked for it.
PAN_ENDED = "!bordermon.map._panAnim || !bordermon.map._panAnim._inProgress"
#: Screenshots of the browser tests (git-ignored).
OUTPUT_DIR = ROOT / "test-output"
#: Hosts of the base map tiles: the only requests a page may make and lose offline.
TILE_HOSTS: tuple[str, ...] = tuple(
    re.sub(r"^https://(\{s\}\.)?([^/]+)/.*$", r"\2", url) for _, url, *_ in BASEMAPS.values() if url
)


def require_assets() -> None:
    """Skip (fail in CI) when the pinned map assets are not installed."""
    from layers.assets import assets_installed

    if not assets_installed():
        reason = "map assets not installed: run `npm ci --ignore-scripts` (python3 dev.py test does)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


def launch_chromium(playwright: Any) -> Any:
    """Launch the system Chromium, or skip (fail in CI) with the reason."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium); browser tests need it"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


@dataclass
class NetworkLog:
    """What a page tried to load that was refused, and what it reported as errors."""

    blocked: list[str] = field(default_factory=list)
    console_errors: list[tuple[str, str]] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def errors_except_blocked(self) -> list[tuple[str, str]]:
        """Console errors, leaving out the "failed to load" lines of requests we refused."""
        return [
            (text, url)
            for text, url in self.console_errors
            if not (text.startswith("Failed to load resource") and url in self.blocked)
        ]


def block_network(page: Any, allow: Sequence[str] = ()) -> NetworkLog:
    """Refuse every request that is not ``file:``/``data:`` (or starts with an ``allow`` prefix).

    Returns the log the page fills: refused URLs, console errors with their URL, and
    uncaught exceptions.
    """
    log = NetworkLog()
    permitted = ("file:", "data:", "blob:", *allow)

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url.startswith(permitted):
            request_route.continue_()
        else:
            log.blocked.append(url)
            request_route.abort()

    def console(message: Any) -> None:
        if message.type == "error":
            log.console_errors.append((message.text, (message.location or {}).get("url", "")))

    page.route("**/*", route)
    page.on("console", console)
    page.on("pageerror", lambda error: log.page_errors.append(str(error)))
    return log


def screenshot_path(name: str) -> Path:
    """Where a test saves its screenshot (``test-output/<name>.png``)."""
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    return OUTPUT_DIR / f"{name}.png"
