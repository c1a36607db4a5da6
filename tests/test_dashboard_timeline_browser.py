"""The overview's timeline in the running dashboard: a dragged window goes into the URL, the
map, the key figures and the table follow it, and it survives a reload.

Uses the server and helpers of ``tests/test_dashboard_browser.py`` (``streamlit run`` on
a free port, every other request refused). Screenshots go to ``test-output/``.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest

from layers.filters import filter_events
from layers.mapdata import mapped_mask
from layers.views import parse_view
from tests.browser import TILE_HOSTS, NetworkLog, block_network, screenshot_path
from tests.test_dashboard_browser import EVENTS, _count, _map_frame, _wait_idle

pytestmark = pytest.mark.browser

CHART = "[data-testid='stVegaLiteChart']"


@pytest.fixture
def app_page(chromium: Any, server: str) -> Iterator[tuple[Any, NetworkLog]]:
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    log = block_network(page, allow=[server])
    yield page, log
    context.close()


def _params(url: str) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)


def _shows_the_window(page: Any, params: dict[str, list[str]]) -> None:
    """The count, the key figures' base and the map are those of the view's timeline window."""
    view = parse_view(params, EVENTS)
    assert view.timeline is not None and view.notices == ()
    shown = filter_events(EVENTS, view.shown_filters)
    page.wait_for_function(
        "(n) => [...document.querySelectorAll('p')].some(p => p.innerText.startsWith(`Showing ${n} of`))",
        arg=len(shown),
        timeout=30_000,
    )
    _wait_idle(page)
    assert _count(page) == (len(shown), len(EVENTS))
    frame = _map_frame(page)
    mapped = shown[mapped_mask(shown)]
    for layer in ("incident", "deployment", "kfor"):
        assert frame.evaluate(f"bordermon.layers[{layer!r}].events") == int((mapped["layer"] == layer).sum())


def _drag_a_window(page: Any, attempts: int = 3) -> None:
    """Drag across the middle of the chart until the page puts the window in the URL.

    Vega attaches its brush handlers some time after the chart's canvas appears, and the
    chart can still move while the map above it settles: a drag in that moment is lost
    as it would be for a user, who drags again. So the box is measured afresh and the
    drag repeated, at most ``attempts`` times; the last one must put ``timeline=`` in
    the URL.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(1, attempts + 1):
        _wait_idle(page)
        chart = page.locator(CHART).first
        chart.scroll_into_view_if_needed()
        box = chart.locator("canvas, svg").first.bounding_box()
        assert box is not None and box["width"] > 100, box
        y = box["y"] + box["height"] * 0.55
        page.mouse.move(box["x"] + box["width"] * 0.45, y)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.6, y, steps=5)
        page.mouse.move(box["x"] + box["width"] * 0.7, y, steps=5)
        page.mouse.up()
        try:
            page.wait_for_function(
                "() => location.search.includes('timeline=')",
                timeout=30_000 if attempt == attempts else 10_000,
            )
            return
        except PlaywrightTimeout:
            if attempt == attempts:
                raise


def test_the_timeline_window_round_trips_through_the_url(
    app_page: tuple[Any, NetworkLog], server: str
) -> None:
    page, log = app_page
    page.goto(f"{server}/?preset=sep-oct-2023&timeline=2023-09-20..2023-10-05")
    page.get_by_text("Showing").first.wait_for(timeout=60_000)
    _shows_the_window(page, {"preset": ["sep-oct-2023"], "timeline": ["2023-09-20..2023-10-05"]})
    assert _params(page.url)["timeline"] == ["2023-09-20..2023-10-05"]
    page.get_by_text("Showing 20 Sep 2023 – 5 Oct 2023").wait_for(timeout=10_000)
    page.reload()
    page.get_by_text("Showing").first.wait_for(timeout=60_000)
    _shows_the_window(page, _params(page.url))
    assert _params(page.url)["timeline"] == ["2023-09-20..2023-10-05"]
    # Clearing the window shows the whole time window again and leaves the URL.
    page.get_by_role("button", name="Clear the window").click()
    expected = len(filter_events(EVENTS, parse_view({"preset": ["sep-oct-2023"]}, EVENTS).filters))
    page.wait_for_function(
        "(n) => [...document.querySelectorAll('p')].some(p => p.innerText.startsWith(`Showing ${n} of`))",
        arg=expected,
        timeout=30_000,
    )
    page.wait_for_function("() => !location.search.includes('timeline=')", timeout=10_000)
    assert all(url.split("/")[2].endswith(TILE_HOSTS) for url in log.blocked), log.blocked
    assert log.page_errors == []


def test_dragging_the_timeline_narrows_the_page_and_the_url(
    app_page: tuple[Any, NetworkLog], server: str
) -> None:
    page, log = app_page
    page.goto(f"{server}/?preset=sep-oct-2023")
    page.get_by_text("Showing").first.wait_for(timeout=60_000)
    _wait_idle(page)
    _drag_a_window(page)
    params = _params(page.url)
    view = parse_view(params, EVENTS)
    assert view.timeline is not None
    first, last = view.timeline
    assert view.filters.start is not None and view.filters.start < first <= last
    _shows_the_window(page, params)
    page.locator(CHART).first.scroll_into_view_if_needed()
    page.screenshot(path=screenshot_path("dashboard-timeline-window"), full_page=True)
    assert log.page_errors == []
