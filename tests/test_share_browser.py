"""In Chromium: the address holds where the map looks, "Copy link" gives it, opening it restores it.

The exported file keeps the map's centre and zoom in its fragment (#c=…&z=…); the
dashboard in its query, beside the rest of the view, so a reload or a link opened
elsewhere shows the same place. The density image is drawn under the events.
"""

from __future__ import annotations

import time
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from layers.export import export_html
from layers.store import read_store
from tests.browser import NetworkLog, block_network, screenshot_path
from tests.test_dashboard_browser import _map_frame, _wait_idle

pytestmark = pytest.mark.browser

READY = "() => !!(window.bordermon && window.bordermon.ready === true)"
PLACE = "() => { const c = bordermon.map.getCenter(); return [c.lat, c.lng, bordermon.map.getZoom()]; }"


def _params(url: str) -> dict[str, str]:
    parts = urllib.parse.urlsplit(url)
    text = parts.fragment or parts.query
    return dict(urllib.parse.parse_qsl(text))


def _near(place: list[float], lat: float, lon: float, zoom: int) -> bool:
    """Where the map looks, to about 100 m (a frame that resizes keeps its corner, not its centre)."""
    return abs(place[0] - lat) < 1e-3 and abs(place[1] - lon) < 1e-3 and place[2] == zoom


def _until(check: Any, timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("share") / "map.html"
    path.write_text(export_html(read_store().events, density="count", basemap="none"), encoding="utf-8")
    return path


def test_the_exported_map_opens_where_its_link_says_and_copies_where_it_is(
    offline_page: tuple[Any, NetworkLog], exported: Path
) -> None:
    page, log = offline_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(exported.as_uri() + "#c=42.88,20.87&z=12")
    page.wait_for_function(READY, timeout=60_000)
    lat, lon, zoom = page.evaluate(PLACE)
    assert (round(lat, 4), round(lon, 4), zoom) == (42.88, 20.87, 12)
    # The density is drawn, under the events' canvas.
    assert page.locator("img.bm-density").count() == 1
    z_density = page.evaluate("getComputedStyle(document.querySelector('.leaflet-bm-density-pane')).zIndex")
    z_events = page.evaluate("getComputedStyle(document.querySelector('.leaflet-overlay-pane')).zIndex")
    assert int(z_density) < int(z_events)

    page.evaluate("void bordermon.map.setView([42.95, 20.7], 11, {animate: false})")
    _until(lambda: _params(page.url) == {"c": "42.95,20.7", "z": "11"})
    page.get_by_role("button", name="Copy link").click()
    copied = _until(lambda: page.get_attribute(".bm-share", "data-copied"))
    assert _params(copied) == {"c": "42.95,20.7", "z": "11"}
    assert page.evaluate("navigator.clipboard.readText()") == copied
    page.screenshot(path=str(screenshot_path("map-export-density-share")))

    again = page.context.new_page()
    again.goto(copied)
    again.wait_for_function(READY, timeout=60_000)
    lat, lon, zoom = again.evaluate(PLACE)
    assert (round(lat, 4), round(lon, 4), zoom) == (42.95, 20.7, 11)
    assert log.page_errors == [] and log.errors_except_blocked() == []


PLAYER = (
    "() => { const p = bordermon.time.player, iso = bordermon.time.iso;"
    " return [p.day === null ? null : iso(p.day), p.window && p.window.map(iso)]; }"
)


def test_the_playback_day_and_timeline_window_travel_in_the_link(
    offline_page: tuple[Any, NetworkLog], exported: Path
) -> None:
    page, log = offline_page
    page.goto(exported.as_uri() + "#play=2023-09-24&timeline=2023-09-01..2023-10-31")
    page.wait_for_function(READY, timeout=60_000)
    assert page.evaluate(PLAYER) == ["2023-09-24", ["2023-09-01", "2023-10-31"]]
    page.evaluate("bordermon.time.player.step(1)")  # as the step-forward button does
    _until(lambda: _params(page.url).get("play") == "2023-09-25")
    assert _params(page.url)["timeline"] == "2023-09-01..2023-10-31"
    again = page.context.new_page()
    again.goto(page.url)
    again.wait_for_function(READY, timeout=60_000)
    assert again.evaluate(PLAYER) == ["2023-09-25", ["2023-09-01", "2023-10-31"]]
    # "All dates" takes the day out of the address; clearing the window takes it out too.
    again.evaluate("bordermon.time.player.showAll(); bordermon.time.player.setWindow(null)")
    _until(lambda: "play" not in _params(again.url) and "timeline" not in _params(again.url))
    assert log.page_errors == [] and log.errors_except_blocked() == []


def test_without_a_place_in_the_address_the_map_fits_the_region(
    offline_page: tuple[Any, NetworkLog], exported: Path
) -> None:
    page, _ = offline_page
    page.goto(exported.as_uri() + "#c=north&z=12")  # invalid: ignored, the region is shown
    page.wait_for_function(READY, timeout=60_000)
    lat, lon, zoom = page.evaluate(PLACE)
    assert 41.85 < lat < 43.35 and 19.95 < lon < 21.85 and zoom <= 9


def test_the_dashboard_keeps_the_maps_place_and_density_in_its_address(chromium: Any, server: str) -> None:
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    log = block_network(page, allow=[server])
    page.goto(f"{server}/?density=count&c=42.9,20.85&z=11&layers=incident&play=2023-09-24")
    frame = _map_frame(page)
    assert _near(frame.evaluate(PLACE), 42.9, 20.85, 11)
    assert frame.evaluate(PLAYER)[0] == "2023-09-24"
    assert frame.locator("img.bm-density").count() == 1
    _wait_idle(page)

    # The reader moves the map: the address follows, with the rest of the view kept.
    frame.evaluate("void bordermon.map.setView([42.97, 20.78], 13, {animate: false})")
    _until(lambda: _params(page.url).get("z") == "13")
    params = _params(page.url)
    assert params["z"] == "13" and params["density"] == "count" and params["layers"] == "incident"
    assert params["play"] == "2023-09-24"

    # A reload opens the same place.
    page.reload()
    frame = _map_frame(page)
    assert _near(frame.evaluate(PLACE), 42.97, 20.78, 13)
    _wait_idle(page)

    # A filter change redraws the map where the reader left it, not at the region.
    frame.evaluate("void bordermon.map.setView([42.9, 20.9], 12, {animate: false})")
    _until(lambda: _params(page.url).get("z") == "12")
    page.locator("[data-testid=stSidebar]").get_by_text("Reported deployments", exact=True).click()
    _wait_idle(page)
    frame = _map_frame(page)
    assert _near(frame.evaluate(PLACE), 42.9, 20.9, 12)
    page.screenshot(path=str(screenshot_path("dashboard-density-share")))
    assert log.page_errors == [] and log.errors_except_blocked() == []
    context.close()
