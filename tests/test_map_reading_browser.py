"""Reading the exported map in Chromium: popups, events that share a place, labels, selection.

The shipped store is exported as ``bordermon export`` writes it and opened with the
network cut off (see ``tests/browser.py``). Screenshots go to ``test-output/``.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest

from layers.export import export_html, write_html
from layers.mapdata import mapped_mask
from layers.reference import MEASURE_CRS, read_gazetteer
from layers.store import read_store
from tests.browser import PAN_ENDED, NetworkLog, block_network, require_assets, screenshot_path

pytestmark = pytest.mark.browser

READY = "window.bordermon && window.bordermon.ready === true"
SIEGE = "2023-09-24-banjska-monastery-siege"
AMBUSH = "2023-09-24-banjska-ambush"
#: An event with many sources.
LONG_POPUP = "2023-05-29-zvecan-clashes"
#: Place labels that overlap at the default zoom (issue 10, item 6), by gazetteer id.
CROWDED = (
    ("village-banjska", "monastery-banjska"),
    ("seat-zvecan", "seat-north-mitrovica"),
    ("kfor-camp-villaggio-italia", "city-pec-peja"),
    ("kfor-camp-film-city", "city-pristina"),
    ("kfor-camp-bondsteel", "city-urosevac-ferizaj"),
)


@pytest.fixture(scope="module", autouse=True)
def assets() -> None:
    require_assets()


@pytest.fixture(scope="module")
def events() -> gpd.GeoDataFrame:
    return read_store().events


@pytest.fixture(scope="module")
def exported(events: gpd.GeoDataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_html(export_html(events), tmp_path_factory.mktemp("export") / "map.html")


def _page(chromium: Any, width: int, height: int) -> tuple[Any, Any, NetworkLog]:
    context = chromium.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    return context, page, block_network(page)


def _open(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_function(READY, timeout=20_000)


def _assert_clean(log: NetworkLog) -> None:
    assert log.page_errors == []
    assert log.errors_except_blocked() == []


def _symbol_point(page: Any, event_id: str) -> tuple[float, float]:
    """Where an event's (last) symbol is on the page."""
    x, y = page.evaluate(
        """(id) => {
            for (const layer of Object.values(bordermon.layers)) {
                const i = layer.data.id.indexOf(id);
                if (i < 0) continue;
                const set = layer.symbols, k = Array.from(set._e.event).lastIndexOf(i);
                const p = bordermon.map.latLngToContainerPoint(set.latLngOf(k));
                const box = bordermon.map.getContainer().getBoundingClientRect();
                return [box.left + p.x, box.top + p.y];
            }
        }""",
        event_id,
    )
    return x, y


def _rect(page: Any, selector: str) -> dict[str, float]:
    rect: dict[str, float] = page.evaluate(
        "(s) => { const r = document.querySelector(s).getBoundingClientRect();"
        " return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, height: r.height}; }",
        selector,
    )
    return rect


def _open_event(page: Any, event_id: str) -> None:
    """Click an event's symbol; where it shares the place, choose it from the list.

    Each popup is clicked at rest: one clicked while it was panned into view was once
    gone when the test next looked for it, in CI under load.
    """
    page.mouse.click(*_symbol_point(page, event_id))
    page.wait_for_selector(f'.bm-popup[data-event-id="{event_id}"], .bm-popup-list')
    if page.locator(".bm-popup-list").count():
        # The list is panned into view, animated; a reader chooses from it at rest.
        page.wait_for_function(PAN_ENDED)
        page.locator(f'.bm-choice[data-event-id="{event_id}"]').click()
    page.wait_for_selector(f'.bm-popup[data-event-id="{event_id}"]')
    page.wait_for_function(PAN_ENDED)


def _shown_popup(page: Any) -> None:
    page.wait_for_function("getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")


def test_a_popup_covers_the_legend_and_never_runs_past_the_map(chromium: Any, exported: Path) -> None:
    context, page, log = _page(chromium, 1280, 800)
    try:
        _open(page, exported.as_uri())
        legend = _rect(page, ".bm-legend-box")
        # Put the event just right of the legend, near its foot: its popup opens upwards
        # over the legend's right-hand side.
        x, y = _symbol_point(page, LONG_POPUP)
        page.evaluate(
            "([dx, dy]) => void bordermon.map.panBy([dx, dy], {animate: false})",
            [x - (legend["right"] + 20), y - (legend["bottom"] - 30)],
        )
        _open_event(page, LONG_POPUP)
        _shown_popup(page)
        popup = _rect(page, ".leaflet-popup")
        inside = (legend["right"] - 15, max(legend["top"], popup["top"]) + 20)
        assert popup["left"] < inside[0] and popup["top"] < inside[1] < popup["bottom"] - 30
        on_top = page.evaluate(
            "([x, y]) => !!document.elementFromPoint(x, y).closest('.leaflet-popup')", list(inside)
        )
        assert on_top, "the legend covers the popup"
        _assert_clean(log)
    finally:
        context.close()

    # A map lower than the popup: the popup is cut to the map's height and scrolls inside.
    context, page, log = _page(chromium, 1280, 380)
    try:
        _open(page, exported.as_uri())
        page.evaluate("void bordermon.map.setView([42.88, 20.87], 12, {animate: false})")
        _open_event(page, LONG_POPUP)
        _shown_popup(page)
        popup, frame = _rect(page, ".leaflet-popup"), _rect(page, ".leaflet-container")
        assert frame["top"] <= popup["top"] and popup["bottom"] <= frame["bottom"], (popup, frame)
        scrolls = page.evaluate(
            "(() => { const c = document.querySelector('.leaflet-popup-content');"
            " return c.scrollHeight > c.clientHeight + 20 && getComputedStyle(c).overflowY === 'auto'; })()"
        )
        assert scrolls, "the popup's content does not scroll within the map"
        _assert_clean(log)
    finally:
        context.close()


def test_the_legend_starts_folded_on_a_phone(chromium: Any, exported: Path) -> None:
    for (width, height), folded in (((390, 844), True), ((1280, 800), False)):
        context, page, log = _page(chromium, width, height)
        try:
            _open(page, exported.as_uri())
            assert page.evaluate("!document.querySelector('.bm-legend-box details').open") is folded
            if not folded:  # open, it leaves the title box above it uncovered
                legend, title = _rect(page, ".bm-legend-box"), _rect(page, ".bm-title")
                assert title["bottom"] <= legend["top"], (title, legend)
            page.locator(".bm-legend-box summary").click()  # the toggle
            assert page.evaluate("document.querySelector('.bm-legend-box details').open") is folded
            _assert_clean(log)
        finally:
            context.close()


def test_events_that_share_a_pixel_are_listed_each_one_click_away(
    chromium: Any, exported: Path, events: gpd.GeoDataFrame
) -> None:
    context, page, log = _page(chromium, 1280, 800)
    try:
        _open(page, exported.as_uri())
        siege, ambush = _symbol_point(page, SIEGE), _symbol_point(page, AMBUSH)
        assert abs(siege[0] - ambush[0]) <= 2 and abs(siege[1] - ambush[1]) <= 2  # one place on screen
        page.mouse.click(*siege)
        page.wait_for_selector(".bm-popup-list")
        listed = page.eval_on_selector_all(".bm-choice", "bs => bs.map(b => b.dataset.eventId)")
        assert sorted(listed) == sorted([SIEGE, AMBUSH])
        # The dashboard is told about one event: the one on top, listed first.
        reported = page.evaluate("bordermon.layers.incident.symbols.getTooltip().getContent()")
        assert reported == listed[0]
        _shown_popup(page)
        page.screenshot(path=screenshot_path("map-colocated"))

        other = listed[1]
        page.locator(f'.bm-choice[data-event-id="{other}"]').click()
        popup = page.locator(f'.bm-popup[data-event-id="{other}"]')
        popup.wait_for()
        title = str(events.set_index("id").loc[other, "title"])
        sources = len(events.set_index("id").loc[other, "sources"])
        assert title in popup.inner_text() and f"({sources})" in popup.inner_text()
        assert popup.locator(".bm-popup-sources li").count() == sources
        assert page.evaluate("bordermon.layers.incident.symbols.getTooltip().getContent()") == other
        page.locator(".bm-popup-back").click()
        page.wait_for_selector(".bm-popup-list")
        _assert_clean(log)
    finally:
        context.close()


def _away_from_other_events(events: gpd.GeoDataFrame, band: gpd.GeoDataFrame) -> Any:
    """A point inside the band, 3 km or more from what any other event draws."""
    metric = events[mapped_mask(events) & ~events["id"].isin(band["id"])].to_crs(MEASURE_CRS)
    reach = metric["uncertainty_km"].fillna(0).to_numpy() * 1000 + 3000
    drawn = metric.geometry.buffer(reach).union_all()
    inside = band.to_crs(MEASURE_CRS).geometry.iloc[0].difference(drawn)
    return gpd.GeoSeries([inside.representative_point()], crs=MEASURE_CRS).to_crs("EPSG:4326").iloc[0]


def test_one_band_drawn_once_for_the_reports_that_share_it(
    chromium: Any, exported: Path, events: gpd.GeoDataFrame
) -> None:
    deployments = events[(events["layer"] == "deployment") & mapped_mask(events)]
    shapes = deployments[deployments.geometry.geom_type != "Point"]
    band = shapes[shapes.geometry.to_wkb().duplicated(keep=False)]
    assert len(band) >= 4, "the shipped store's reports share one band"
    context, page, log = _page(chromium, 1280, 800)
    try:
        _open(page, exported.as_uri())
        drawn = page.evaluate(
            """(ids) => {
                const layer = bordermon.layers.deployment, d = layer.data, A = layer.areas;
                const items = Array.from(A._e.event).filter(i => ids.includes(d.id[i]));
                const style = A.itemOf(items[0]).style;
                return {items: items.length, hatched: typeof style.fillColor !== 'string',
                        fill: style.fillOpacity, drawn: bordermon.drawnEvents('deployment')};
            }""",
            list(band["id"]),
        )
        assert drawn["items"] == 1 and not drawn["hatched"] and drawn["fill"] <= 0.1, drawn
        assert drawn["drawn"] == len(deployments)  # every report still counts as drawn
        # A click inside the band, away from every other event, lists every report drawn with it.
        free = _away_from_other_events(events, band)
        page.evaluate("(c) => void bordermon.map.setView(c, 11, {animate: false})", [free.y, free.x])
        box = page.evaluate("bordermon.map.getContainer().getBoundingClientRect().toJSON()")
        page.mouse.click(box["left"] + box["width"] / 2, box["top"] + box["height"] / 2)
        page.wait_for_selector(".bm-popup-list")
        listed = page.eval_on_selector_all(".bm-choice", "bs => bs.map(b => b.dataset.eventId)")
        assert sorted(listed) == sorted(band["id"])
        page.locator(".bm-choice").last.click()
        page.wait_for_selector(f'.bm-popup[data-event-id="{listed[-1]}"]')
        _assert_clean(log)
    finally:
        context.close()


def _labels(page: Any) -> dict[str, dict[str, Any]]:
    """Every permanent label: its text, whether it is shown, and its box on the page."""
    found: dict[str, dict[str, Any]] = page.evaluate(
        """(() => {
            const out = {};
            for (const ref of Object.values(bordermon.reference)) {
                ref.layer.eachLayer(l => {
                    const t = l.getTooltip && l.getTooltip();
                    if (!t || !t._container) return;
                    const r = t._container.getBoundingClientRect(), c = getComputedStyle(t._container);
                    out[t._container.textContent] = {shown: c.visibility !== 'hidden',
                        box: [r.left, r.top, r.right, r.bottom]};
                });
            }
            return out;
        })()"""
    )
    return found


def _overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_labels_that_collide_give_way_and_come_back_on_zoom(chromium: Any, exported: Path) -> None:
    gazetteer = read_gazetteer().set_index("id")

    def label_of(place: str) -> str:
        row = gazetteer.loc[place]
        if row["kind"] == "kfor_installation":
            return str(row["name_en"])
        names = (str(row["name_sr"]), str(row["name_sq"]))
        return names[0] if names[0] == names[1] else " / ".join(names)

    context, page, log = _page(chromium, 1280, 800)
    try:
        _open(page, exported.as_uri())
        labels = _labels(page)
        shown = [(text, label["box"]) for text, label in labels.items() if label["shown"]]
        for n, (text, box) in enumerate(shown):
            for other, other_box in shown[n + 1 :]:
                assert not _overlap(box, other_box), (text, other)
        for first, second in CROWDED:
            both = [next(t for t in labels if t.startswith(label_of(p))) for p in (first, second)]
            assert not all(labels[t]["shown"] for t in both), both
        page.screenshot(path=screenshot_path("map-labels-default-zoom"))
        for first, second in CROWDED:
            a, b = gazetteer.loc[first].geometry, gazetteer.loc[second].geometry
            page.evaluate(
                "(c) => void bordermon.map.fitBounds(c, {padding: [200, 200], maxZoom: 15, animate: false})",
                [[a.y, a.x], [b.y, b.x]],
            )
            page.wait_for_function("!bordermon.map._bordermonLabelsPending")
            labels = _labels(page)
            both = [next(t for t in labels if t.startswith(label_of(p))) for p in (first, second)]
            assert all(labels[t]["shown"] for t in both), both
        _assert_clean(log)
    finally:
        context.close()


# Added by a script, as st_folium adds Leaflet's: a <link> written in the page would hold
# the map's own script back until it loaded.
_ADD_SHEET = (
    "document.head.appendChild(Object.assign(document.createElement('link'),"
    " {rel: 'stylesheet', href: 'http://bordermon.invalid/held.css'}))"
)


def test_a_stylesheet_that_never_answers_holds_the_labels_back_for_a_while_only(
    chromium: Any, exported: Path, tmp_path: Path
) -> None:
    """A page with a stylesheet that never arrives (a proxy that hangs, a dead host): the map
    places its labels anyway and says they are pending until it gives the sheet up (10 s),
    not for ever (a sheet that failed before the map watched it fires no event)."""
    text = exported.read_text(encoding="utf-8")
    assert text.count("<head>") == 1
    page_file = tmp_path / "map-held-sheet.html"
    page_file.write_text(
        text.replace("<head>", "<head><script>" + _ADD_SHEET + "</script>"),
        encoding="utf-8",
    )
    context, page, log = _page(chromium, 1280, 800)
    held: list[Any] = []

    def hold(route: Any) -> None:  # never answered
        held.append(route)

    page.route("**/held.css", hold)
    try:
        page.goto(page_file.as_uri(), wait_until="commit")  # the load event waits for the sheet
        page.wait_for_function(READY, timeout=20_000)
        assert held
        assert page.evaluate("bordermon.map._bordermonLabelsPlaced > 0")
        assert page.evaluate("bordermon.map._bordermonLabelsPending")
        started = time.monotonic()
        page.wait_for_function("!bordermon.map._bordermonLabelsPending", timeout=30_000)
        assert time.monotonic() - started < 12
        _assert_clean(log)
    finally:
        context.close()


def test_a_label_at_the_right_edge_is_written_to_the_left_of_its_place(chromium: Any, exported: Path) -> None:
    """On a phone a place near the right edge keeps its whole label in view (it was cut off)."""
    place = read_gazetteer().set_index("id").loc["seat-north-mitrovica"].geometry
    text = "Severna Mitrovica / Mitrovica e Veriut"
    context, page, log = _page(chromium, 390, 844)
    try:
        _open(page, exported.as_uri())
        width = page.evaluate("bordermon.map.getSize().x")
        # Close enough that no other label is beside it (Zvečan is 5 km away).
        page.evaluate("(c) => void bordermon.map.setView(c, 13, {animate: false})", [place.y, place.x])

        def put_place_at(x: float) -> dict[str, Any]:
            """Pan so that the place is ``x`` px from the map's left edge; its label after."""
            page.evaluate(
                """([lat, lng, x]) => {
                    const m = bordermon.map, p = m.latLngToContainerPoint([lat, lng]);
                    m.panBy([p.x - x, p.y - m.getSize().y / 2], {animate: false});
                }""",
                [place.y, place.x, x],
            )
            page.wait_for_function("!bordermon.map._bordermonLabelsPending")
            label: dict[str, Any] = page.evaluate(
                """(text) => {
                    const box = bordermon.map.getContainer().getBoundingClientRect();
                    for (const ref of Object.values(bordermon.reference)) {
                        let found = null;
                        ref.layer.eachLayer(l => {
                            const t = l.getTooltip && l.getTooltip();
                            if (t && t._container && t._container.textContent === text) found = t;
                        });
                        if (!found) continue;
                        const r = found._container.getBoundingClientRect();
                        return {direction: found.options.direction, left: r.left - box.left,
                                right: r.right - box.left,
                                hidden: found._container.classList.contains('bm-label-hidden')};
                    }
                    return null;
                }""",
                text,
            )
            return label

        near_edge = put_place_at(width - 30)
        assert near_edge["direction"] == "left", near_edge
        assert not near_edge["hidden"] and near_edge["left"] >= 0 and near_edge["right"] <= width, near_edge
        # Back in the middle, it is written to the right of its place again.
        middle = put_place_at(width / 3)
        assert middle["direction"] == "right" and middle["right"] <= width, middle
        _assert_clean(log)
    finally:
        context.close()


def test_a_selected_event_is_ringed_and_brought_into_view(chromium: Any, exported: Path) -> None:
    context, page, log = _page(chromium, 1280, 800)
    try:
        # An exported page opened with ?event=<id> shows that event selected.
        _open(page, f"{exported.as_uri()}?event={SIEGE}")
        assert page.evaluate("bordermon.selected && bordermon.selected.id") == SIEGE
        assert page.locator(".bm-selected").count() >= 2  # halo and ring

        def in_view(event_id: str) -> bool:
            inside: bool = page.evaluate(
                """(id) => { const s = bordermon.select(bordermon.map, id);
                   return bordermon.map.getBounds().contains([s.lat, s.lng]); }""",
                event_id,
            )
            return inside

        # Far from it (the dashboard's table picks an event the map does not show): the map moves.
        page.evaluate("void bordermon.map.setView([41.95, 20.1], 13, {animate: false})")
        assert in_view(AMBUSH)
        ring = page.evaluate(
            """(() => { const r = document.querySelector('.bm-selected').getBoundingClientRect();
               const s = bordermon.selected, p = bordermon.map.latLngToContainerPoint([s.lat, s.lng]);
               const box = bordermon.map.getContainer().getBoundingClientRect();
               return [r.left + r.width / 2 - box.left - p.x, r.top + r.height / 2 - box.top - p.y]; })()"""
        )
        assert abs(ring[0]) < 2 and abs(ring[1]) < 2  # centred on the event
        page.screenshot(path=screenshot_path("map-selected-event-highlight"))
        # No selection: no ring.
        page.evaluate("bordermon.select(bordermon.map, null)")
        assert page.locator(".bm-selected").count() == 0
        _assert_clean(log)
    finally:
        context.close()


def test_a_cdn_export_opened_offline_says_why_it_is_empty(
    chromium: Any, events: gpd.GeoDataFrame, exported: Path, tmp_path: Path
) -> None:
    linked = write_html(export_html(events, self_contained=False, lang="fr"), tmp_path / "cdn.html")
    context, page, _ = _page(chromium, 1280, 800)
    try:
        page.goto(linked.as_uri())
        notice = page.locator("#bm-scripts-missing")
        notice.wait_for(state="visible", timeout=10_000)
        text = notice.inner_text()
        assert "n’a pas pu charger ses scripts" in text and "--cdn" in text and "hors ligne" in text
        assert page.evaluate("typeof L") == "undefined"
        page.screenshot(path=screenshot_path("map-cdn-offline"))
        # The default export has everything: no notice, a map.
        _open(page, exported.as_uri())
        assert page.locator("#bm-scripts-missing").count() == 0
    finally:
        context.close()


#: The five window sizes an exported map must read well at.
SIZES = {
    "phone": (390, 844),
    "1280x720": (1280, 720),
    "1280x800": (1280, 800),
    "1440x900": (1440, 900),
    "1920x1080": (1920, 1080),
}
#: The map's own boxes, by name: none may cover another.
BOXES = {
    "title": ".bm-title",
    "share": ".bm-share",
    "legend": ".bm-legend-box",
    "layers": ".leaflet-control-layers",
    "playback": ".bm-time-bar",
    "timeline": ".bm-time-line",
    "zoom": ".leaflet-control-zoom",
    "scale": ".leaflet-control-scale",
    "attribution": ".leaflet-control-attribution",
}
_VISIBLE_BOXES = """(boxes) => {
    const out = {};
    for (const [name, selector] of Object.entries(boxes)) {
        const el = document.querySelector(selector);
        if (!el) continue;
        const r = el.getBoundingClientRect(), style = getComputedStyle(el);
        if (!r.width || !r.height || style.visibility === "hidden" || style.display === "none") continue;
        out[name] = [r.left, r.top, r.right, r.bottom];
    }
    return out;
}"""


def _intersect(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("size", SIZES)
def test_the_map_s_own_boxes_never_overlap_and_leave_the_middle_free(
    chromium: Any, exported: Path, size: str
) -> None:
    width, height = SIZES[size]
    context, page, log = _page(chromium, width, height)
    try:
        _open(page, exported.as_uri())
        boxes = page.evaluate(_VISIBLE_BOXES, BOXES)
        page.screenshot(path=str(screenshot_path(f"export-{size}")))
        # Every box of an export with playback and timeline is there at every size.
        assert set(boxes) == set(BOXES), set(BOXES) - set(boxes)
        names = sorted(boxes)
        overlaps = [
            (a, b, boxes[a], boxes[b])
            for i, a in enumerate(names)
            for b in names[i + 1 :]
            if _intersect(boxes[a], boxes[b])
        ]
        assert overlaps == []
        outside = {n: r for n, r in boxes.items() if r[0] < 0 or r[1] < 0 or r[2] > width or r[3] > height}
        assert outside == {}
        # Every control of the time band is in reach, none cut off at the right edge.
        ends = page.evaluate(
            """() => [...document.querySelectorAll('.bm-time-bar > *, .bm-time-line-head > *')]
                .filter((el) => el.offsetWidth).map((el) => el.getBoundingClientRect().right)"""
        )
        assert len(ends) >= 9 and max(ends) <= width, ends
        head = page.evaluate("document.querySelector('.bm-time-line-head').getBoundingClientRect().height")
        assert head <= 52, head  # three lines at most (the hint squeezed beside the key took four)
        # The middle third of the map (a third of its width and of its height) is free.
        left, top, right, bottom = page.evaluate(
            "(() => { const r = bordermon.map.getContainer().getBoundingClientRect();"
            " return [r.left, r.top, r.right, r.bottom]; })()"
        )
        w, h = (right - left) / 3, (bottom - top) / 3
        middle = [left + w, top + h, right - w, bottom - h]
        assert {n: r for n, r in boxes.items() if _intersect(r, middle)} == {}
        _assert_clean(log)
    finally:
        context.close()


def test_on_a_phone_the_title_and_layer_control_fold_and_unfold_on_resize(
    chromium: Any, exported: Path
) -> None:
    context, page, log = _page(chromium, 390, 844)
    try:
        _open(page, exported.as_uri())
        title_open = "document.querySelector('.bm-title details').open"
        expanded = (
            "document.querySelector('.leaflet-control-layers')"
            ".classList.contains('leaflet-control-layers-expanded')"
        )
        assert page.evaluate(title_open) is False
        assert page.evaluate(expanded) is False
        assert page.inner_text(".bm-title").strip() == page.inner_text(".bm-title summary").strip()
        page.locator(".bm-title summary").click()  # the summary line opens the whole box
        assert page.evaluate(title_open) is True
        assert "Data up to" in page.inner_text(".bm-title")
        page.locator(".leaflet-control-layers-toggle").click()  # the icon opens the layer list
        assert page.evaluate(expanded) is True
        assert page.locator(".leaflet-control-layers-list").is_visible()
        page.set_viewport_size({"width": 1440, "height": 900})  # a laptop: all open
        # (The title is already open by the click above: wait for the map to take the new
        # size, which Leaflet reports a frame later, before reading the boxes.)
        page.wait_for_function("!document.querySelector('.leaflet-container').classList.contains('bm-small')")
        assert page.evaluate(title_open) is True
        assert page.evaluate(expanded) is True
        assert page.evaluate("document.querySelector('.bm-legend-box details').open") is True
        page.set_viewport_size({"width": 390, "height": 844})  # a phone again: folded
        page.wait_for_function(f"!{title_open}")
        assert page.evaluate(expanded) is False
        _assert_clean(log)
    finally:
        context.close()
