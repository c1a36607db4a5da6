"""The dashboard's map of every event is ready only once it shows the view the page sent.

The dashboard draws one map of the store and hands it each view through the page
(:class:`layers.map_elements.TakeViews`, :func:`layers.map_view.view_script`). The
page's script can run before the map is drawn or after it: either way the map must not
say it is ready (``bordermon.ready``, ``data-bordermon-ready``) while it still draws
every event, or whoever waits for it (a reader's test, the benchmarks) reads the
moment before the view for the view. Seen once in CI: a map counted 36 incidents drawn
for a view of 2.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest

from layers.assets import inline_assets
from layers.filters import Filters, filter_events
from layers.map import MapViews, build_view_map, read_map_reference
from layers.map_elements import TakeViews
from layers.map_view import view_literal, view_script
from layers.mapdata import mapped_mask
from layers.paths import SHIPPED_STORE
from layers.store import read_store
from tests.browser import block_network, require_assets

pytestmark = pytest.mark.browser

NAME = "dashboard-map"
VIEW = Filters(layers=("incident",), start=date(2023, 9, 1), end=date(2023, 10, 31), min_injured=1)
# Two animation frames (the map is drawn in them), then 0.3 s more.
_FRAMES = (
    "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 300))))"
)


@pytest.fixture(scope="module")
def events() -> gpd.GeoDataFrame:
    return read_store(SHIPPED_STORE).events


@pytest.fixture(scope="module")
def map_page(events: gpd.GeoDataFrame) -> tuple[str, MapViews]:
    """The map of every event as the dashboard builds it, as one page with its assets."""
    require_assets()
    m, views = build_view_map(events, read_map_reference(), timeline=False, info=False)
    TakeViews(NAME).add_to(m)
    return inline_assets(m.get_root().render()), views


def _script(events: gpd.GeoDataFrame, views: MapViews) -> str:
    """The page's script handing the map the view ``VIEW`` (what the dashboard writes)."""
    literal = view_literal(views, filter_events(events, VIEW), VIEW)
    return view_script(NAME, literal, None)


def _expected(events: gpd.GeoDataFrame) -> int:
    shown = filter_events(events, VIEW)
    drawn = int(mapped_mask(shown).sum())
    assert 0 < drawn < int(mapped_mask(events[events["layer"] == "incident"]).sum())
    return drawn


def _open(chromium: Any, path: Path) -> Any:
    page = chromium.new_page(viewport={"width": 1280, "height": 800})
    log = block_network(page)
    page.goto(path.as_uri())
    page.wait_for_function("() => !!(window.bordermon && bordermon.map)")
    return page, log


def test_a_view_sent_after_the_map_is_drawn_makes_it_ready(
    chromium: Any, tmp_path: Path, events: gpd.GeoDataFrame, map_page: tuple[str, MapViews]
) -> None:
    page_html, views = map_page
    path = tmp_path / "map.html"
    path.write_text(page_html, encoding="utf-8")
    page, log = _open(chromium, path)
    try:
        page.evaluate(_FRAMES)
        state = page.evaluate("() => [bordermon.ready, bordermon.map.getContainer().dataset.bordermonReady]")
        assert state == [False, None], "ready while it still draws every event"
        assert page.evaluate("bordermon.drawnEvents('incident')") > _expected(events)
        script = _script(events, views)
        page.add_script_tag(content=script.removeprefix("<script>").removesuffix("</script>"))
        page.wait_for_function("() => bordermon.ready === true")
        assert page.evaluate("bordermon.drawnEvents('incident')") == _expected(events)
        assert page.evaluate("bordermon.map.getContainer().dataset.bordermonReady") == "true"
        assert log.page_errors == []
    finally:
        page.close()


def test_a_view_on_the_page_before_the_map_is_shown_when_it_is_ready(
    chromium: Any, tmp_path: Path, events: gpd.GeoDataFrame, map_page: tuple[str, MapViews]
) -> None:
    page_html, views = map_page
    path = tmp_path / "map.html"
    path.write_text(page_html.replace("<head>", "<head>\n" + _script(events, views), 1), encoding="utf-8")
    page, log = _open(chromium, path)
    try:
        page.wait_for_function("() => bordermon.ready === true")
        assert page.evaluate("bordermon.drawnEvents('incident')") == _expected(events)
        assert log.page_errors == []
    finally:
        page.close()
