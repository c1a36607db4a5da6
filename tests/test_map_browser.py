"""The exported map in headless Chromium with the network cut off.

Every request that is not file: or data: is refused: the page must load Leaflet, draw
every layer, open popups and run no injected script without it. Screenshots go to
``test-output/``.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
import pytest

from layers.assets import inline_assets
from layers.cli import main
from layers.export import export_html, write_html
from layers.map import BASEMAPS
from layers.mapdata import BAND_COLORS, describe_distance, mapped_mask
from layers.measures import measure_events
from layers.store import read_store
from tests.browser import NetworkLog, require_assets, screenshot_path
from tests.map_factories import HOSTILE, HOSTILE_URL, IN_SERBIA, moved, write_map_store

pytestmark = pytest.mark.browser

READY = "window.bordermon && window.bordermon.ready === true"
TILE_HOSTS = tuple(
    re.sub(r"^https://(\{s\}\.)?([^/]+)/.*$", r"\2", url) for _, url, *_ in BASEMAPS.values() if url
)


@pytest.fixture(scope="module", autouse=True)
def assets() -> None:
    require_assets()


@pytest.fixture(scope="module")
def events(tmp_path_factory: pytest.TempPathFactory) -> gpd.GeoDataFrame:
    return read_store(write_map_store(tmp_path_factory.mktemp("store"))).events


@pytest.fixture(scope="module")
def exported(events: gpd.GeoDataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    page = export_html(events, title=HOSTILE)
    return write_html(page, tmp_path_factory.mktemp("export") / "map.html")


@pytest.fixture(scope="module")
def banded(
    events: gpd.GeoDataFrame, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, gpd.GeoDataFrame]:
    """An export coloured by distance band, with incidents on both sides of the line."""
    across = moved(events, "inc-hour", *IN_SERBIA)
    page = export_html(across, color_by="distance_band")
    return write_html(page, tmp_path_factory.mktemp("export") / "map-bands.html"), across


def _open(page: Any, path: Path) -> None:
    page.goto(path.as_uri())
    page.wait_for_function(READY, timeout=20_000)


def _assert_clean(log: NetworkLog) -> None:
    assert log.page_errors == []
    assert log.errors_except_blocked() == []
    for url in log.blocked:  # only base map tiles may be missing offline
        assert url.split("/")[2].endswith(TILE_HOSTS), url


def _click_event(page: Any, layer: str, event_id: str) -> None:
    x, y = page.evaluate(
        """([layer, id]) => {
            const set = bordermon.layers[layer].symbols, d = bordermon.layers[layer].data;
            const i = d.id.indexOf(id);
            const k = Array.from(set._e.event).lastIndexOf(i);
            const p = bordermon.map.latLngToContainerPoint(set.latLngOf(k));
            const box = bordermon.map.getContainer().getBoundingClientRect();
            return [box.left + p.x, box.top + p.y];
        }""",
        [layer, event_id],
    )
    page.mouse.click(x, y)
    page.wait_for_selector(f'.bm-popup[data-event-id="{event_id}"]', timeout=5_000)


def test_offline_export_loads_leaflet_and_draws_every_layer(
    offline_page: tuple[Any, NetworkLog], exported: Path, events: gpd.GeoDataFrame
) -> None:
    page, log = offline_page
    _open(page, exported)
    assert page.evaluate("L.version") == "1.9.3"
    mapped = events[mapped_mask(events)]
    for layer in ("incident", "deployment", "kfor"):
        expected = int((mapped["layer"] == layer).sum())
        assert page.evaluate(f"bordermon.layers[{layer!r}].events") == expected
        assert page.evaluate(f"bordermon.drawnEvents({layer!r})") == expected, layer
    drawn_reference = page.evaluate(
        "Object.fromEntries(Object.entries(bordermon.reference)"
        ".map(([key, ref]) => [key, ref.layer.getLayers().length]))"
    )
    assert drawn_reference["boundary"] == 1 and drawn_reference["countries"] >= 5
    assert drawn_reference["crossings"] >= 2 and drawn_reference["places"] >= 5
    labels = page.locator(".bm-label").all_inner_texts()
    assert "Jarinje / Jarinjë" in labels and "KOSOVO" in [label.upper() for label in labels]
    assert "Data up to 5 Oct 2023" in page.inner_text(".bm-title")
    assert "© OpenStreetMap contributors" in page.inner_text(".leaflet-control-attribution")
    page.screenshot(path=screenshot_path("map-export-offline"))
    _assert_clean(log)


def test_cli_export_of_the_shipped_store_is_complete_offline(
    offline_page: tuple[Any, NetworkLog], tmp_path: Path
) -> None:
    """The issue's "done when": `bordermon export --out map.html` shows complete, network off."""
    out = tmp_path / "map.html"
    assert main(["export", "--out", str(out)]) == 0
    events = read_store().events
    page, log = offline_page
    _open(page, out)
    mapped = events[mapped_mask(events)]
    for layer in ("incident", "deployment", "kfor"):
        assert page.evaluate(f"bordermon.drawnEvents({layer!r})") == int((mapped["layer"] == layer).sum())
    page.screenshot(path=screenshot_path("map-shipped-store-offline"))
    _assert_clean(log)


def test_uncertain_places_are_drawn_as_what_they_are(
    offline_page: tuple[Any, NetworkLog], exported: Path
) -> None:
    page, log = offline_page
    _open(page, exported)
    shown = page.evaluate(
        """(() => {
            const L0 = bordermon.layers.incident, d = L0.data, set = L0.symbols;
            const approx = d.id.indexOf("inc-approx"), area = d.id.indexOf("inc-area");
            const k = Array.from(set._e.event).indexOf(approx);
            return {circle: L0.areas.itemOf(approx),
                    centreFill: set.options.styles[set._e.style[k]].fillColor,
                    area: L0.areas.itemOf(area), areaSymbols: Array.from(set._e.event).includes(area),
                    leafletObjects: L0.group.getLayers().length};
        })()"""
    )
    assert shown["circle"]["kind"] == "circle" and shown["circle"]["radius"] == 5000
    assert shown["centreFill"] == "#ffffff"
    assert shown["area"]["kind"] == "polygon" and shown["areaSymbols"] is False
    # Areas and symbols are one Leaflet object each, however many events there are.
    assert shown["leafletObjects"] == 2
    _assert_clean(log)


def _click_inside_area(page: Any, event_id: str, towards: float) -> None:
    """Click inside an event's uncertainty circle or area, away from its symbol."""
    x, y = page.evaluate(
        """([id, towards]) => {
            const L0 = bordermon.layers.incident, A = L0.areas, map = bordermon.map;
            const i = L0.data.id.indexOf(id), k = Array.from(A._e.event).indexOf(i), w = A._w;
            let wx, wy;
            if (A._e.kind[k] === 0) { wx = w.cx[k] + towards * w.rx[k]; wy = w.cy[k]; }
            else {  // between the polygon's first vertex and its anchor (inside: convex)
                const ring = w.parts[k][0], ll = L.latLng(L0.data.y[i] / 1e5 + L0.data.origin[1],
                    L0.data.x[i] / 1e5 + L0.data.origin[0]), c = map.project(ll, 0);
                wx = c.x + towards * (ring[0] - c.x); wy = c.y + towards * (ring[1] - c.y);
            }
            const f = map.options.crs.scale(map.getZoom()) / map.options.crs.scale(0);
            const p = map.layerPointToContainerPoint(L.point(wx * f, wy * f).subtract(map.getPixelOrigin()));
            const box = map.getContainer().getBoundingClientRect();
            return [box.left + p.x, box.top + p.y];
        }""",
        [event_id, towards],
    )
    page.mouse.click(x, y)


def test_clicking_inside_an_uncertainty_circle_or_an_area_opens_its_event(
    offline_page: tuple[Any, NetworkLog], exported: Path
) -> None:
    page, log = offline_page
    _open(page, exported)
    page.evaluate("void bordermon.map.setView([42.87, 20.75], 11, {animate: false})")
    for event_id in ("inc-approx", "inc-area"):
        _click_inside_area(page, event_id, 0.6)
        page.wait_for_selector(f'.bm-popup[data-event-id="{event_id}"]', timeout=5_000)
        assert page.evaluate("bordermon.layers.incident.areas.getTooltip().getContent()") == event_id
        page.evaluate("void bordermon.map.closePopup()")
    _assert_clean(log)


def test_zoom_and_pan_draw_what_is_in_view_and_hide_nothing(
    offline_page: tuple[Any, NetworkLog], exported: Path, events: gpd.GeoDataFrame
) -> None:
    page, log = offline_page
    _open(page, exported)
    incidents = int(((events["layer"] == "incident") & mapped_mask(events)).sum())
    drawn = "[bordermon.drawnEvents('incident'), bordermon.layers.incident.symbols.lastDrawn]"
    assert page.evaluate(drawn)[0] == incidents
    # Far from every event (the south-west corner of the region): nothing to draw there.
    page.evaluate("void bordermon.map.setView([41.9, 20.0], 14, {animate: false})")
    assert page.evaluate(drawn) == [0, 0]
    page.evaluate("void bordermon.map.panBy([300, 200], {animate: false})")
    assert page.evaluate(drawn) == [0, 0]
    # Back to the region: every event is drawn again, none hidden or merged.
    page.evaluate("bordermon.fitView(bordermon.map, [[41.85, 19.95], [43.35, 21.85]])")
    assert page.evaluate(drawn)[0] == incidents
    _assert_clean(log)


def test_the_spatial_index_finds_what_a_full_scan_finds(
    offline_page: tuple[Any, NetworkLog], exported: Path
) -> None:
    page, log = offline_page
    _open(page, exported)
    mismatches = page.evaluate(
        """(() => {
            let seed = 7; const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
            const n = 5000, x0 = new Float64Array(n), y0 = new Float64Array(n), x1 = new Float64Array(n),
                  y1 = new Float64Array(n);
            for (let k = 0; k < n; k++) {  // points and boxes of every size, some spanning cells
                x0[k] = rand() * 100; y0[k] = rand() * 100;
                const size = k % 3 === 0 ? 0 : rand() * (k % 7 === 0 ? 40 : 2);
                x1[k] = x0[k] + size; y1[k] = y0[k] + size;
            }
            const index = new bordermon.GridIndex(x0, y0, x1, y1);
            let bad = 0;
            for (let q = 0; q < 300; q++) {
                const a = rand() * 110 - 5, b = rand() * 110 - 5, w = rand() * (q % 10 === 0 ? 120 : 8);
                const count = index.query(a, b, a + w, b + w);
                const got = Array.from(index.result.subarray(0, count));
                const want = [];
                for (let k = 0; k < n; k++) {
                    if (x1[k] >= a && x0[k] <= a + w && y1[k] >= b && y0[k] <= b + w) want.push(k);
                }
                if (got.join() !== want.join()) bad += 1;
            }
            return bad;
        })()"""
    )
    assert mismatches == 0
    _assert_clean(log)


def test_clicking_an_incident_opens_its_popup_with_every_source(
    offline_page: tuple[Any, NetworkLog], exported: Path
) -> None:
    page, log = offline_page
    _open(page, exported)
    _click_event(page, "incident", "inc-exact")
    popup = page.locator('.bm-popup[data-event-id="inc-exact"]')
    text = popup.inner_text()
    for expected in (
        "Shots fired at the Jarinje crossing",
        "24 Sep 2023 (to the day)",
        "Kosovo Police",
        "killed 2; injured 1–3 (sources disagree)",
        "confirmed",
        "Sources (2)",
        "Example Wire",
        "Second Paper",
        "report by Wire Agency",
    ):
        assert expected in text, expected
    links = popup.locator("a")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [
        "https://example.org/report",
        "https://example.org/second",
    ]
    assert links.first.get_attribute("rel") == "noopener noreferrer"
    # What st_folium reports to Python as last_object_clicked_tooltip: the event's id.
    assert page.evaluate("bordermon.layers.incident.symbols.getTooltip().getContent()") == "inc-exact"
    page.wait_for_function("getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")
    page.screenshot(path=screenshot_path("map-popup-sources"))
    _assert_clean(log)


def test_hostile_text_shows_literally_and_runs_nothing(
    offline_page: tuple[Any, NetworkLog], exported: Path
) -> None:
    page, log = offline_page
    _open(page, exported)
    assert page.evaluate("document.title") == HOSTILE
    assert page.evaluate("document.querySelector('.bm-title h1').textContent") == HOSTILE
    _click_event(page, "incident", "inc-hostile")
    shown = page.evaluate(
        """(() => {
            const popup = document.querySelector('.bm-popup[data-event-id="inc-hostile"]');
            const link = popup.querySelector('a');
            return {title: popup.querySelector('.bm-popup-title').textContent,
                    publisher: popup.querySelector('.bm-source-publisher').textContent,
                    link: link.textContent, href: link.getAttribute('href'),
                    facts: popup.querySelector('dl').textContent,
                    injected: popup.querySelectorAll('script, img, style').length};
        })()"""
    )
    assert shown["title"] == HOSTILE and shown["publisher"] == HOSTILE and shown["link"] == HOSTILE
    assert shown["href"] == HOSTILE_URL
    assert HOSTILE in shown["facts"] and shown["injected"] == 0
    assert page.evaluate("window.__pwned") is None
    page.screenshot(path=screenshot_path("map-hostile-text"))
    _assert_clean(log)


def test_any_inlined_folium_map_works_offline(offline_page: tuple[Any, NetworkLog], tmp_path: Path) -> None:
    m = folium.Map(location=[42.9, 20.8], zoom_start=9, tiles=None)
    folium.Marker([42.9, 20.8], icon=folium.Icon(icon="info-sign")).add_to(m)
    folium.Marker([42.8, 20.9], icon=folium.Icon(icon="flag", prefix="fa")).add_to(m)
    folium.Marker([42.7, 20.7]).add_to(m)  # Leaflet's default image
    page_html = inline_assets(m.get_root().render())
    path = write_html(page_html, tmp_path / "plain.html")
    page, log = offline_page
    page.goto(path.as_uri())
    page.wait_for_function("document.readyState === 'complete' && document.fonts.status === 'loaded'")
    assert page.evaluate("typeof L.AwesomeMarkers.icon") == "function"
    assert page.evaluate("document.fonts.check('900 16px \"Font Awesome 6 Free\"')")
    assert page.evaluate("document.fonts.check('16px \"Glyphicons Halflings\"')")
    images = page.evaluate(
        "Array.from(document.querySelectorAll('img.leaflet-marker-icon'))"
        ".map(img => img.complete && img.naturalWidth)"
    )
    assert images and all(images)
    page.screenshot(path=screenshot_path("folium-inlined-offline"))
    assert log.blocked == [] and log.page_errors == [] and log.console_errors == []


def _rgb(color: str) -> tuple[int, ...]:
    return tuple(int(color[k : k + 2], 16) for k in (1, 3, 5))


def test_incidents_are_filled_with_their_distance_band_colour(
    offline_page: tuple[Any, NetworkLog], banded: tuple[Path, gpd.GeoDataFrame]
) -> None:
    path, across = banded
    page, log = offline_page
    _open(page, path)
    measures = measure_events(across)
    band_of = dict(zip(across["id"], measures["distance_band"].astype(object), strict=True))
    assert (band_of["inc-exact"], band_of["inc-hour"]) == ("0–5 km in Kosovo", "5–25 km in Serbia")
    for event_id in ("inc-exact", "inc-hour"):
        # The style of the event's symbol, and the pixel at its centre on the canvas.
        shown = page.evaluate(
            """(id) => {
                const set = bordermon.layers.incident.symbols, d = bordermon.layers.incident.data;
                const k = Array.from(set._e.event).lastIndexOf(d.id.indexOf(id));
                const style = set.options.styles[set._e.style[k]];
                const r = set._renderer, b = r._bounds;
                const ratio = r._container.width / (b.max.x - b.min.x);
                const x = Math.round((set._x[k] - b.min.x) * ratio);
                const y = Math.round((set._y[k] - b.min.y) * ratio);
                const pixel = Array.from(r._ctx.getImageData(x, y, 1, 1).data);
                return {fill: style.fillColor, shape: style.shape, pixel: pixel};
            }""",
            event_id,
        )
        expected = BAND_COLORS[band_of[event_id]]
        assert shown["fill"] == expected, event_id
        category = across.loc[across["id"] == event_id, "category"].iloc[0]
        assert shown["shape"] == {"armed_attack": "triangle", "explosion": "star"}[category]
        red, green, blue, alpha = shown["pixel"]
        assert alpha > 200, shown  # the symbol is drawn there, nearly opaque
        nearest = min(
            BAND_COLORS.values(),
            key=lambda color: sum((a - b) ** 2 for a, b in zip(_rgb(color), (red, green, blue), strict=True)),
        )
        assert nearest == expected, (event_id, shown)
    legend = page.inner_text(".bm-legend")
    assert "Colour: distance to the Kosovo–Serbia boundary (UTM 34N)." in legend
    assert "5–25 km in Serbia (1)" in legend
    # The popup states the distance as layers.mapdata.describe_distance words it.
    row = across.index[across["id"] == "inc-approx"][0]
    _click_event(page, "incident", "inc-approx")
    facts = page.locator('.bm-popup[data-event-id="inc-approx"] dl').inner_text()
    measured = measures.loc[row]
    expected_text = describe_distance(
        measured["distance_band"],
        measured["distance_to_boundary_km"],
        measured["distance_min_km"],
        measured["distance_max_km"],
    )
    assert expected_text == "27.2 km inside Kosovo (22.2–32.2 km given the uncertainty)"
    assert expected_text in facts
    page.screenshot(path=screenshot_path("map-distance-bands"))
    _assert_clean(log)


def _crowd(events: gpd.GeoDataFrame, copies: int) -> gpd.GeoDataFrame:
    """The fixture's incidents repeated over the region, each copy shifted (new ids)."""
    incidents = events[events["layer"] == "incident"]
    parts = []
    for j in range(copies):
        part = incidents.copy()
        part["id"] = [f"{event_id}-{j}" for event_id in part["id"]]
        dx, dy = ((j * 37) % 61 - 30) / 100, ((j * 53) % 47 - 23) / 100
        part = part.set_geometry(part.geometry.translate(dx, dy))
        parts.append(part)
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=events.crs)


@pytest.fixture(scope="module")
def crowded(events: gpd.GeoDataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    page = export_html(_crowd(events, 300), basemap="none")
    return write_html(page, tmp_path_factory.mktemp("export") / "map-crowd.html")


@pytest.fixture(scope="module")
def thronged(events: gpd.GeoDataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A crowd large enough for the map to keep the zoom levels next to the current one."""
    page = export_html(_crowd(events, 1000), basemap="none")
    return write_html(page, tmp_path_factory.mktemp("export") / "map-throng.html")


# A digest of the shared canvas's pixels, and how many are drawn, once the margins
# around the window (painted when the page is idle) are painted. Always of a whole redraw:
# finish() asks Leaflet to redraw the sets' bounds only, and Chromium rasterises the
# anti-aliased edges of Leaflet's paths a little differently when a redraw is clipped to
# part of the canvas (a few hundred edge pixels, alpha off by up to 15 of 255). A digest
# taken while margins were pending then differed from one taken at rest, though every
# level the sets drew was right.
_PIXELS = """(() => {
    const r = bordermon.map._bordermonRenderer, c = r._container, layer = bordermon.layers.incident;
    layer.symbols.finish(); layer.areas.finish(); r._redrawBounds = null; r._redraw();
    const data = r._ctx.getImageData(0, 0, c.width, c.height).data;
    let hash = 2166136261, drawn = 0;
    for (let i = 0; i < data.length; i++) { hash = Math.imul(hash ^ data[i], 16777619) >>> 0; }
    for (let i = 3; i < data.length; i += 4) { if (data[i]) drawn += 1; }
    return [hash, drawn];
})()"""
_PAINTED = "[bordermon.layers.incident.symbols.lastPainted, bordermon.layers.incident.areas.lastPainted]"
# The incidents' sets have no painting left or waiting: idle-time, or a zoom's slices.
_RESTED = (
    "[bordermon.layers.incident.symbols, bordermon.layers.incident.areas].every((s) => !s._idle && !s._rush)"
)
# For a failure's message: the canvas's pixels kept, then where they changed since (the
# box of the changed pixels in canvas pixels, and how many), to tell a seam from a shift.
_KEEP = """(() => {
    const r = bordermon.map._bordermonRenderer, c = r._container;
    window.__kept = r._ctx.getImageData(0, 0, c.width, c.height).data;
})()"""
_CHANGED = """(() => {
    const r = bordermon.map._bordermonRenderer, c = r._container;
    const now = r._ctx.getImageData(0, 0, c.width, c.height).data, was = window.__kept;
    if (!was || was.length !== now.length) return {size: [c.width, c.height], sizeChanged: true};
    let n = 0, x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
    const a = new Uint32Array(now.buffer), b = new Uint32Array(was.buffer);
    for (let p = 0; p < a.length; p++) {
        if (a[p] !== b[p]) {
            const x = p % c.width, y = (p - x) / c.width;
            n += 1; x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
        }
    }
    return {changed: n, box: [x0, y0, x1, y1], size: [c.width, c.height]};
})()"""


# Both incident sets drawn anew: their levels forgotten, the canvas redrawn at once (a
# redraw left to the next frame found the sets with nothing to paint yet, "rested").
_FRESH_DRAW = """(() => {
    const i = bordermon.layers.incident;
    i.symbols.redraw(); i.areas.redraw(); bordermon.map._bordermonRenderer._redraw();
})()"""


def test_a_pan_paints_only_what_it_uncovers_and_joins_without_a_seam(
    offline_page: tuple[Any, NetworkLog], crowded: Path
) -> None:
    page, log = offline_page
    _open(page, crowded)
    page.evaluate("void bordermon.map.setView([42.95, 20.85], 11, {animate: false})")
    # From a rested map; then the steps back to back, the margins painted when the page is
    # idle done or not (see _PIXELS for why a digest is always of a whole redraw).
    page.wait_for_function(_RESTED)
    first, drawn = page.evaluate(_PIXELS)
    assert drawn > 200_000  # circles, areas and symbols over most of the view
    page.evaluate(_KEEP)
    height = page.evaluate("bordermon.map._bordermonRenderer._container.height")
    painted = page.evaluate(f"void bordermon.map.panBy([300, 0], {{animate: false}}); {_PAINTED}")
    # Only the 300 px strip that came into view is painted, for symbols and areas alike:
    # first what is in the window, the margin around it later.
    assert painted[0] == painted[1] < 300 * height
    assert page.evaluate(
        "bordermon.layers.incident.symbols.finish(); bordermon.layers.incident.areas.finish();" + _PAINTED
    ) == [300 * height, 300 * height]
    page.evaluate("void bordermon.map.panBy([-300, 0], {animate: false})")
    back = page.evaluate(_PIXELS)
    assert back[0] == first, (back, drawn, page.evaluate(_CHANGED))
    # A zoom in and back out reuses the level drawn before, and a fresh draw matches both.
    page.evaluate("void bordermon.map.zoomIn(1, {animate: false})")
    page.evaluate("void bordermon.map.zoomOut(1, {animate: false})")
    assert page.evaluate(_PAINTED) == [0, 0]
    assert page.evaluate(_PIXELS)[0] == first
    painted = page.evaluate(f"{_FRESH_DRAW}; {_PAINTED}")
    assert painted[0] > 300 * height and painted[1] > 300 * height
    again = page.evaluate(_PIXELS)
    assert again[0] == first, (again, drawn, page.evaluate(_CHANGED))
    _assert_clean(log)


# requestIdleCallback answered by hand: the map's idle-time painting (the margins around
# the window, the zoom levels next to it) runs only when the test runs it, a given number
# of callbacks at a time, each told it timed out (one band a slice) or given 20 ms.
_IDLE_BY_HAND = """(() => {
    let queue = [], next = 1;
    window.__idleRun = 0;
    window.requestIdleCallback = (callback) => { queue.push({id: next, callback}); return next++; };
    window.cancelIdleCallback = (id) => { queue = queue.filter((e) => e.id !== id); };
    window.__idle = (n, timedOut) => {
        let ran = 0;
        for (; ran < n && queue.length; ran++) {
            const end = performance.now() + 20, left = () => Math.max(0, end - performance.now());
            queue.shift().callback({didTimeout: timedOut, timeRemaining: left});
        }
        window.__idleRun += ran;
        return ran;
    };
})()"""


def _idle(page: Any, slices: int, timed_out: bool, wait_ms: int) -> None:
    """Wait (a view rests after 300 ms), then run up to ``slices`` idle callbacks."""
    if wait_ms:
        page.wait_for_timeout(wait_ms)
    page.evaluate("([n, t]) => void window.__idle(n, t)", [slices, timed_out])


def _settle(page: Any) -> None:
    """Run idle callbacks until the incidents' sets have no painting left or waiting and
    no redraw of the canvas is waiting for a frame."""
    deadline = time.monotonic() + 30
    waiting = "!!bordermon.map._bordermonRenderer._redrawRequest"
    while page.evaluate("window.__idle(1000, false)") or page.evaluate(waiting) or not page.evaluate(_RESTED):
        assert time.monotonic() < deadline, "the idle painting never ended"
        page.wait_for_timeout(50)  # a callback held until the view rests is queued later


# Where the idle painting stops: after the pan, after the pan back, after the zoom in, as
# (callbacks run, told they timed out, ms waited first). The second one made a digest
# taken at once differ from the rested one until _PIXELS redrew the whole canvas.
_INTERRUPTIONS = [
    ((0, False, 0), (0, False, 0), (0, False, 0)),
    ((1, True, 0), (30, True, 0), (3, True, 350)),
    ((1, False, 0), (5, False, 0), (5, True, 350)),
    ((3, False, 350), (2, False, 350), (100, False, 350)),
]


def test_idle_painting_stopped_anywhere_leaves_the_same_pixels(
    offline_page: tuple[Any, NetworkLog], thronged: Path
) -> None:
    """A pan, a pan back, a zoom in and out and a fresh draw, with the margins and the
    neighbouring levels painted in part, give the pixels of the rested map."""
    page, log = offline_page
    page.add_init_script(_IDLE_BY_HAND)
    for after_pan, after_back, after_zoom in _INTERRUPTIONS:
        _open(page, thronged)
        page.evaluate("void bordermon.map.setView([42.95, 20.85], 11, {animate: false})")
        _settle(page)
        first = page.evaluate(_PIXELS)[0]
        page.evaluate(_KEEP)
        page.evaluate("void bordermon.map.panBy([300, 0], {animate: false})")
        _idle(page, *after_pan)
        page.evaluate("void bordermon.map.panBy([-300, 0], {animate: false})")
        _idle(page, *after_back)
        assert page.evaluate(_PIXELS)[0] == first, (after_pan, after_back, page.evaluate(_CHANGED))
        page.evaluate("void bordermon.map.zoomIn(1, {animate: false})")
        _idle(page, *after_zoom)
        page.evaluate("void bordermon.map.zoomOut(1, {animate: false})")
        assert page.evaluate(_PIXELS)[0] == first, (after_zoom, page.evaluate(_CHANGED))
        page.evaluate(_FRESH_DRAW)
        _settle(page)
        assert page.evaluate(_PIXELS)[0] == first, page.evaluate(_CHANGED)
        assert page.evaluate("window.__idleRun") > 0  # the painting did go through the test's hands
    _assert_clean(log)


# The map's window after each of several steps taken in one task (back to back: the
# margins and the neighbouring zoom levels, painted when the page is idle, are not),
# as a rectangle of CSS pixels from the world's origin at its zoom, with a digest of
# the incidents' pixels over it (the areas' and the symbols' as each set keeps them at
# that zoom: the reference layers Leaflet draws on the same canvas are not this test's)
# and how many of them are drawn.
_WINDOW = """(rect) => {
    const layer = bordermon.layers.incident;
    let hash = 2166136261, drawn = 0;
    for (const set of [layer.areas, layer.symbols]) {
        set.settle();  // a window left sketched by a zoom: painted now, as the zoom's slices would
        const level = set._levels[0], ratio = level.ratio;
        if (level.f !== 2 ** rect[0]) throw new Error("no level at zoom " + rect[0]);
        const data = level.canvas.getContext("2d").getImageData(
            rect[1] * ratio - level.x, rect[2] * ratio - level.y, rect[3] * ratio, rect[4] * ratio).data;
        for (let i = 0; i < data.length; i++) { hash = Math.imul(hash ^ data[i], 16777619) >>> 0; }
        for (let i = 3; i < data.length; i += 4) { if (data[i]) drawn += 1; }
    }
    return [hash, drawn];
}"""
_BACK_TO_BACK = (
    """(steps) => {
    const map = bordermon.map, digest = """
    + _WINDOW
    + """;
    return steps.map((step) => {
        if (step[0] === "pan") map.panBy([step[1], step[2]], {animate: false});
        else map.setZoom(map.getZoom() + step[1], {animate: false});
        const corner = map.containerPointToLayerPoint([0, 0]), o = map.getPixelOrigin(), size = map.getSize();
        const rect = [map.getZoom(), corner.x + o.x, corner.y + o.y, size.x, size.y];
        return [rect, digest(rect)];
    });
}"""
)
_FRESH = (
    """(rect) => {
    const map = bordermon.map, layer = bordermon.layers.incident, r = map._bordermonRenderer;
    const centre = map.unproject([rect[1] + rect[3] / 2, rect[2] + rect[4] / 2], rect[0]);
    map.setView(centre, rect[0], {animate: false});
    layer.symbols.redraw(); layer.areas.redraw(); r._redraw();
    return ("""
    + _WINDOW
    + """)(rect);
}"""
)


# The map's window where it is, and the digest of the incidents' pixels over it.
_HERE = (
    """(() => {
    const map = bordermon.map, digest = """
    + _WINDOW
    + """;
    const corner = map.containerPointToLayerPoint([0, 0]), o = map.getPixelOrigin(), size = map.getSize();
    const rect = [map.getZoom(), corner.x + o.x, corner.y + o.y, size.x, size.y];
    return [rect, digest(rect)];
})()"""
)


# The incidents' sets large enough to keep the zoom levels next to theirs (a JS expression).
_KEEPING_LEVELS = (
    "[bordermon.layers.incident.symbols, bordermon.layers.incident.areas].filter((s) => s._n >= 2000)"
)


def _open_at_zoom_10(page: Any, path: Path) -> None:
    """The page at zoom 10 over the region, its two incident sets keeping levels."""
    _open(page, path)
    page.evaluate("void bordermon.map.setView([42.95, 20.85], 10, {animate: false})")
    assert page.evaluate(f"{_KEEPING_LEVELS}.length") == 2


def _assert_drawn_as_afresh_at_zoom_11(page: Any, chromium: Any, path: Path) -> None:
    """The page's window, now at zoom 11, has every pixel a fresh draw of it in another page has."""
    taken = [page.evaluate(_HERE)]
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    try:
        fresh_page = context.new_page()
        _open(fresh_page, path)
        for rect, (digest, drawn) in taken:
            assert rect[0] == 11 and drawn > 100_000, rect
            assert fresh_page.evaluate(_FRESH, rect) == [digest, drawn], rect
    finally:
        context.close()


def test_an_animated_zoom_paints_its_window_while_the_animation_plays(
    offline_page: tuple[Any, NetworkLog], chromium: Any, thronged: Path
) -> None:
    page, log = offline_page
    _open_at_zoom_10(page, thronged)
    big = _KEEPING_LEVELS
    # A zoom in as the + button takes it (animated), its end held back: the window of zoom
    # 11 is painted meanwhile, in tasks of their own.
    page.evaluate(
        """(() => {
            const map = bordermon.map;
            window.__end = map._onZoomTransitionEnd;
            map._onZoomTransitionEnd = () => {};
            map.once("zoomanim", () => { window.__animated = true; });
            map.zoomIn();
        })()"""
    )
    page.wait_for_function(
        f"window.__animated && bordermon.map._animatingZoom && {big}.every((s) => s._rush === null)",
        timeout=60_000,
    )
    # Still drawn at zoom 10: painted before the zoom's end.
    assert page.evaluate(f"{big}.map((s) => s._f)") == [2**10, 2**10]
    painted = page.evaluate(
        f"""(() => {{
            const map = bordermon.map, f11 = map.options.crs.scale(11) / map.options.crs.scale(0);
            const ready = {big}.map((s) => s._levels.some((l) => l.f === f11 && !l.ahead));
            map._onZoomTransitionEnd = window.__end;
            map._onZoomTransitionEnd();
            return [map.getZoom(), ready, {big}.map((s) => s.lastPainted)];
        }})()"""
    )
    # The end found the window painted: nothing left to paint in it.
    assert painted == [11, [True, True], [0, 0]], painted
    _assert_drawn_as_afresh_at_zoom_11(page, chromium, thronged)
    _assert_clean(log)


# Per incident set keeping levels, just after a step that ends at a zoom level not painted
# before: [its level is at zoom `z`, device pixels painted in the step, its window left
# sketched and painted over later (a rush shown), how many of the window's pixels the
# sketch already covers].
_SKETCHED = (
    """(z) => {
    const map = bordermon.map, f = map.options.crs.scale(z) / map.options.crs.scale(0);
    return """
    + _KEEPING_LEVELS
    + """.map((s) => {
        const level = s._levels[0], view = s._window(level);
        const data = level.canvas.getContext("2d").getImageData(view[0], view[1], view[2], view[3]).data;
        let drawn = 0;
        for (let i = 3; i < data.length; i += 4) { if (data[i]) drawn += 1; }
        return [level.f === f, s.lastPainted, !!(s._rush && s._rush.shown && level.ahead > 0), drawn];
    });
}"""
)
_RUSHED = f"{_KEEPING_LEVELS}.every((s) => s._rush === null)"


def test_a_zoom_not_animated_is_sketched_at_once_then_painted_as_a_fresh_draw(
    offline_page: tuple[Any, NetworkLog], chromium: Any, thronged: Path
) -> None:
    """A zoom in not animated (a link, a place chosen), to a level not painted: the step paints
    nothing, the window shows the level before scaled, and slices paint it over."""
    page, log = offline_page
    page.add_init_script(_IDLE_BY_HAND)  # no idle painting: zoom 11 is not readied ahead
    _open_at_zoom_10(page, thronged)
    page.wait_for_function(_RUSHED, timeout=60_000)
    sketched = page.evaluate(
        f"(() => {{ bordermon.map.zoomIn(1, {{animate: false}}); return ({_SKETCHED})(11); }})()"
    )
    for at_11, painted, rushed, drawn in sketched:
        assert at_11 and painted == 0 and rushed, sketched
        assert drawn > 100_000, sketched  # the window is not blank meanwhile
    page.wait_for_function(_RUSHED, timeout=60_000)  # painted by the zoom's slices: idle painting is held
    _assert_drawn_as_afresh_at_zoom_11(page, chromium, thronged)
    _assert_clean(log)


def test_a_wide_pan_paints_what_it_uncovers_at_once_never_sketched(
    offline_page: tuple[Any, NetworkLog], thronged: Path
) -> None:
    """A pan uncovering two fifths of the window, with the zoom levels next to this one
    painted (a sketch could be taken from the one out): painted at once, as sharp as ever."""
    page, log = offline_page
    _open_at_zoom_10(page, thronged)
    page.wait_for_function(
        f"{_KEEPING_LEVELS}.every((s) => s._levels.length >= 3 && s._levels.every((l) => !l.ahead))",
        timeout=60_000,
    )
    after = page.evaluate(
        f"""(() => {{
            bordermon.map.panBy([520, 0], {{animate: false}});
            return {_KEEPING_LEVELS}.map((s) => [s.lastPainted, s._rush === null]);
        }})()"""
    )
    for painted, no_rush in after:
        assert no_rush and painted > 0, after
    _assert_clean(log)


def test_an_animated_zoom_ended_before_its_window_is_painted_is_sketched_then_painted(
    offline_page: tuple[Any, NetworkLog], chromium: Any, thronged: Path
) -> None:
    page, log = offline_page
    # No idle painting: it could ready zoom 11's window before the zoom (once, in CI under
    # load, one set's window was painted ahead and the end had nothing left to sketch).
    page.add_init_script(_IDLE_BY_HAND)
    _open_at_zoom_10(page, thronged)
    page.wait_for_function(_RUSHED, timeout=60_000)
    # The zoom's end brought forward to before its first slice (the slices wait for a frame
    # the sets ask for when the animation starts: those requests are held until after the
    # end): the end finds the window unpainted, sketches it and lets the zoom's slices go on.
    page.evaluate(
        f"""(() => {{
            const map = bordermon.map, animate = map._animateZoom;
            map._animateZoom = function (...args) {{
                map._animateZoom = animate;
                const frame = window.requestAnimationFrame, held = [];
                window.requestAnimationFrame = (callback) => {{ held.push(callback); return 0; }};
                try {{
                    animate.apply(map, args);
                }} finally {{
                    window.requestAnimationFrame = frame;
                }}
                map._onZoomTransitionEnd();
                window.__atEnd = ({_SKETCHED})(11);
                held.forEach((callback) => frame(callback));
            }};
            map.zoomIn();
        }})()"""
    )
    page.wait_for_function("window.__atEnd", timeout=60_000)
    for at_11, painted, rushed, drawn in page.evaluate("window.__atEnd"):
        assert at_11 and painted == 0 and rushed and drawn > 100_000, page.evaluate("window.__atEnd")
    page.wait_for_function(_RUSHED, timeout=60_000)
    _assert_drawn_as_afresh_at_zoom_11(page, chromium, thronged)
    _assert_clean(log)


@pytest.mark.parametrize("crowd", ["crowded", "thronged"])
def test_back_to_back_zooms_draw_every_pixel_of_the_window_as_a_fresh_draw(
    offline_page: tuple[Any, NetworkLog], chromium: Any, crowd: str, request: pytest.FixtureRequest
) -> None:
    """Crowded: painted at once; thronged: sets large enough to sketch a zoom's window first."""
    page, log = offline_page
    crowded = request.getfixturevalue(crowd)
    _open(page, crowded)
    page.evaluate("void bordermon.map.setView([42.95, 20.85], 10, {animate: false})")
    # Zoom levels never painted, one kept at another place (a zoom out after a pan),
    # one kept where it was: each step drawn from whatever the one before left.
    steps = [
        ["zoom", 1],
        ["zoom", 1],
        ["pan", -250, 120],
        ["zoom", -1],
        ["zoom", -1],
        ["zoom", -1],
        ["zoom", 1],
    ]
    taken = page.evaluate(_BACK_TO_BACK, steps)
    assert [rect[0] for rect, _ in taken] == [11, 12, 12, 11, 10, 9, 10]
    # The same windows drawn afresh in another page, each alone.
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    try:
        fresh_page = context.new_page()
        _open(fresh_page, crowded)
        for rect, (digest, drawn) in taken:
            assert drawn > 100_000, rect  # circles, areas and symbols over much of the window
            assert fresh_page.evaluate(_FRESH, rect) == [digest, drawn], rect
    finally:
        context.close()
    _assert_clean(log)


def test_every_symbol_of_a_crowd_is_drawn_at_its_place(
    offline_page: tuple[Any, NetworkLog], crowded: Path
) -> None:
    page, log = offline_page
    _open(page, crowded)
    page.evaluate("void bordermon.map.setView([42.95, 20.85], 10, {animate: false})")
    missing = page.evaluate(
        """(() => {
            const set = bordermon.layers.incident.symbols, r = set._renderer, b = r._bounds;
            set.finish(); bordermon.layers.incident.areas.finish(); r._redraw();
            const data = r._ctx.getImageData(0, 0, r._container.width, r._container.height).data;
            const width = r._container.width, ratio = width / (b.max.x - b.min.x);
            let inView = 0, bare = 0;
            for (let k = 0; k < set._n; k++) {
                const x = Math.round((set._x[k] - b.min.x) * ratio);
                const y = Math.round((set._y[k] - b.min.y) * ratio);
                if (x < 0 || y < 0 || x >= width || y >= r._container.height) continue;
                inView += 1;
                if (data[4 * (y * width + x) + 3] < 200) bare += 1;
            }
            return [inView, bare];
        })()"""
    )
    assert missing[0] > 1000 and missing[1] == 0, missing
    page.screenshot(path=screenshot_path("map-crowd"))
    _assert_clean(log)


def test_the_raster_composites_with_integers_as_it_did_with_doubles(
    offline_page: tuple[Any, NetworkLog], exported: Path
) -> None:
    page, log = offline_page
    _open(page, exported)
    # A premultiplied word over dst, its alpha 255 - inv: the formula as it was written in
    # doubles (unsigned words), against the 32-bit integer one the painters use.
    differ = page.evaluate(
        """(() => {
            let seed = 12345, differ = 0;
            const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
            for (let i = 0; i < 200000; i++) {
                const inv = i % 7 === 0 ? 255 - (next() % 2) : next() % 256, a = 255 - inv;
                const c = () => Math.floor((next() % 256) * a / 255);
                const word = ((a << 24) | (c() << 16) | (c() << 8) | c()) >>> 0;
                const da = next() % 256, d = () => Math.floor((next() % 256) * da / 255);
                const dst = ((da << 24) | (d() << 16) | (d() << 8) | d()) >>> 0;
                const doubles = (word + ((((dst & 0xff00ff) * inv) >>> 8) & 0xff00ff) +
                    ((((dst >>> 8) & 0xff00ff) * inv) & 0xff00ff00)) >>> 0;
                if (bordermon.blend(word, dst, inv) !== doubles) differ += 1;
            }
            return differ;
        })()"""
    )
    assert differ == 0
    _assert_clean(log)


def test_an_areas_fill_covers_the_pixels_whose_centres_lie_inside_it_once(
    offline_page: tuple[Any, NetworkLog], exported: Path
) -> None:
    page, log = offline_page
    _open(page, exported)
    # A pentagram (its middle wound twice: filled once, as a canvas path fills non-zero)
    # painted by an area set in place of one of its areas, alone, twice in one run (one
    # look's areas are filled as their union) and in two bands, against the pixels whose
    # centres it winds around.
    got = page.evaluate(
        """(() => {
            let set = null, k = -1;
            for (const key in bordermon.layers) {
                const areas = bordermon.layers[key].areas;
                for (let i = 0; areas && i < areas._n && k < 0; i++) {
                    if (areas._e.kind[i] === 1 && !areas._holed[i]) { set = areas; k = i; }
                }
                if (set) break;
            }
            const f = 2 ** 13, R = 60 / f, cx = set._w.parts[k][0][0], cy = set._w.parts[k][0][1], ring = [];
            for (let i = 0; i < 5; i++) {
                const t = (-90 + 144 * i + 7) * Math.PI / 180;
                ring.push(cx + R * Math.cos(t), cy + R * 0.8 * Math.sin(t));
            }
            ring.push(ring[0], ring[1]);
            const saved = [set._w.parts[k], set.options.styles, set._f], look = set._e.style[k];
            set._w.parts[k] = [Float64Array.from(ring)];
            const solid = {weight: 0, fill: true, fillColor: "#336699", fillOpacity: 0.4, _key: "test-fill"};
            set.options.styles = set.options.styles.map((s, i) => (i !== look ? s : {...s, ...solid}));
            set._f = f;
            const X = Math.floor(cx * f) - 70, Y = Math.floor(cy * f) - 70, W = 141, H = 140;
            const paint = (list, top, rows) => {
                const buf = new Int32Array(W * rows);
                set._shapes(buf, X, Y + top, W, rows, Int32Array.from(list), 0, list.length, 1, false);
                return buf;
            };
            const once = paint([k], 0, H), twice = paint([k, k], 0, H);
            const bands = new Int32Array(W * H);
            bands.set(paint([k], 0, 61));
            bands.set(paint([k], 61, H - 61), 61 * W);
            [set._w.parts[k], set.options.styles, set._f] = saved;
            const pts = [];
            for (let i = 0; i < 5; i++) pts.push([ring[2 * i] * f, ring[2 * i + 1] * f]);
            let inside = 0, wrong = 0;
            const words = new Set();
            for (let y = 0; y < H; y++) {
                for (let x = 0; x < W; x++) {
                    const px = X + x + 0.5, py = Y + y + 0.5;
                    let wind = 0;
                    for (let i = 0, j = 4; i < 5; j = i++) {
                        const [xa, ya] = pts[j], [xb, yb] = pts[i];
                        const cross = (xb - xa) * (py - ya) - (px - xa) * (yb - ya);
                        if (ya <= py && yb > py && cross > 0) wind += 1;
                        if (ya > py && yb <= py && cross < 0) wind -= 1;
                    }
                    const covered = once[y * W + x] !== 0;
                    if (wind !== 0) inside += 1;
                    if (covered !== (wind !== 0)) wrong += 1;
                    if (covered) words.add(once[y * W + x]);
                }
            }
            const same = (a, b) => a.every((v, i) => v === b[i]);
            return {inside, wrong, words: words.size, twice: same(once, twice), bands: same(once, bands)};
        })()"""
    )
    assert got["inside"] > 3000, got
    assert got == {"inside": got["inside"], "wrong": 0, "words": 1, "twice": True, "bands": True}
    _assert_clean(log)


def test_idle_painting_readies_the_next_zoom_in_as_a_fresh_draw_paints_it(
    offline_page: tuple[Any, NetworkLog], chromium: Any, thronged: Path
) -> None:
    page, log = offline_page
    _open_at_zoom_10(page, thronged)
    # The levels next to this one (for sets large enough to keep them): the part of each a
    # zoom about the centre shows is painted first when the page is idle, in thin bands.
    ahead = _KEEPING_LEVELS
    page.wait_for_function(
        f"{ahead}.every((s) => s._levels.length >= 3 && s._levels.every((l) => !l.ahead))", timeout=60_000
    )
    painted = page.evaluate(
        f"""(() => {{
            const big = {ahead};
            bordermon.map.zoomIn(1, {{animate: false}});
            return big.map((s) => s.lastPainted);
        }})()"""
    )
    assert painted and all(p == 0 for p in painted), painted  # nothing left to paint in the window
    _assert_drawn_as_afresh_at_zoom_11(page, chromium, thronged)
    _assert_clean(log)
