"""The running dashboard in headless Chromium: map drawn, click to select, window change, shared URL.

``streamlit run`` is started on a free port; the test polls ``/_stcore/health`` and then
the page itself, never sleeping a fixed time. Every request that does not go to that
server is refused, so the map must be served by the app itself. Screenshots go to
``test-output/``.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from dashboard.layout import MAP_HEIGHTS
from layers.assets import sync_static
from layers.filters import filter_events
from layers.mapdata import mapped_mask
from layers.paths import ROOT, SHIPPED_STORE
from layers.store import read_store
from layers.views import parse_view
from layers.vocabulary import describe_window
from tests.browser import TILE_HOSTS, NetworkLog, block_network, require_assets, screenshot_path
from tests.factories import collection, make_feature, write_json

pytestmark = pytest.mark.browser

EVENTS = read_store(SHIPPED_STORE).events
SEP_OCT = describe_window(date(2023, 9, 1), date(2023, 10, 31), "en")  # the sidebar's caption
READY = "() => !!(window.bordermon && window.bordermon.ready === true)"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)  # polling interval, not a wait for readiness
    raise TimeoutError(f"{url} did not become healthy in {timeout:.0f} s")


@contextlib.contextmanager
def _serve(store: Path) -> Iterator[str]:
    """``streamlit run`` the dashboard on ``store``, on a free port, until the block ends."""
    require_assets()
    sync_static()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "BORDERMON_STORE": str(store)}
    env.pop("BORDERMON_EDITING", None)  # a public app, as hosted
    command = [
        sys.executable, "-m", "streamlit", "run", "dashboard/app.py",
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def app_page(chromium: Any, server: str) -> Iterator[tuple[Any, NetworkLog]]:
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    log = block_network(page, allow=[server])
    yield page, log
    context.close()


def _map_frame(page: Any, timeout: float = 45.0) -> Any:
    """The iframe st_folium draws the map in, once the map says it is ready."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for frame in page.frames:
            try:
                if frame.evaluate(READY):
                    return frame
            except Exception:  # a frame may navigate or detach while we look
                continue
        page.wait_for_timeout(250)
    raise TimeoutError("no map became ready")


def _wait_idle(page: Any, quiet_checks: int = 4) -> None:
    """Until the app has finished its script runs and shows no stale element.

    Streamlit shows its running indicator only after a moment, and a run can start
    another (the map's component reports its first value), so the page must be seen
    quiet several polls in a row.
    """
    busy = (
        '() => !!document.querySelector(\'[data-testid="stStatusWidgetRunningIcon"], '
        '[data-testid="stStatusWidgetRunningManIcon"], [data-stale="true"]\')'
    )
    deadline = time.monotonic() + 60
    quiet = 0
    while quiet < quiet_checks:
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not settle in 60 s")
        quiet = 0 if page.evaluate(busy) else quiet + 1
        page.wait_for_timeout(250)  # polling interval


def _download(page: Any, label: str, tries: int = 3) -> Any:
    """Click a download button and return the download.

    A download button registers its file anew on every script run, and the map's
    component can start one more run after it first draws; a click that lands while a
    run is under way holds the old file id and gets nothing, as it would for a reader,
    who clicks again. So: wait until the app is idle, click, and try again if nothing came.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(tries):
        _wait_idle(page)
        try:
            with page.expect_download(timeout=10_000) as download:
                page.get_by_role("button", name=label).click()
            return download.value
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"no download from the {label!r} button after {tries} clicks")


def _count(page: Any) -> tuple[int, int]:
    text = page.get_by_text("Showing").first.inner_text()
    numbers = [int(word) for word in text.split() if word.isdigit()]
    return numbers[0], numbers[1]


def _click_event(page: Any, frame: Any, event_id: str) -> None:
    x, y = frame.evaluate(
        """(id) => {
            const layer = bordermon.layers.incident, set = layer.symbols;
            const i = layer.data.id.indexOf(id);
            const k = Array.from(set._e.event).lastIndexOf(i);
            const p = bordermon.map.latLngToContainerPoint(set.latLngOf(k));
            const box = bordermon.map.getContainer().getBoundingClientRect();
            return [box.left + p.x, box.top + p.y];
        }""",
        event_id,
    )
    box = frame.frame_element().bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


def test_dashboard_map_selection_window_and_shared_url(app_page: tuple[Any, NetworkLog], server: str) -> None:
    page, log = app_page
    page.goto(server)
    page.get_by_text("Showing").first.wait_for(timeout=60_000)
    assert _count(page) == (len(EVENTS), len(EVENTS))

    frame = _map_frame(page)
    mapped = EVENTS[mapped_mask(EVENTS)]
    for layer in ("incident", "deployment", "kfor"):
        assert frame.evaluate(f"bordermon.drawnEvents({layer!r})") == int((mapped["layer"] == layer).sum())
    assert frame.evaluate("L.version") == "1.9.3"
    page.screenshot(path=screenshot_path("dashboard-map"), full_page=True)

    siege = "2023-09-24-banjska-monastery-siege"
    title = str(EVENTS.set_index("id").loc[siege, "title"])
    _click_event(page, frame, siege)
    page.get_by_role("heading", name=title).wait_for(timeout=30_000)
    assert "event=" + siege in page.url
    page.screenshot(path=screenshot_path("dashboard-selected-event"), full_page=True)

    page.get_by_label("Time window").click()  # Streamlit's selectbox is a combobox
    page.get_by_role("option", name="September–October 2023").click()
    expected = len(filter_events(EVENTS, parse_view({"preset": ["sep-oct-2023"]}, EVENTS).filters))
    page.wait_for_function(
        "(n) => [...document.querySelectorAll('p')].some(p => p.innerText.startsWith(`Showing ${n} of`))",
        arg=expected,
        timeout=30_000,
    )
    page.wait_for_function("() => location.search.includes('preset=sep-oct-2023')")
    shared = page.url

    download = _download(page, "GeoJSON")
    features = json.loads(Path(download.path()).read_text(encoding="utf-8"))["features"]
    window = filter_events(EVENTS, parse_view({"preset": ["sep-oct-2023"]}, EVENTS).filters)
    assert [f["id"] for f in features] == list(window["id"])

    other = page.context.browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        fresh = other.new_page()
        fresh_log = block_network(fresh, allow=[server])
        fresh.goto(shared)
        fresh.get_by_role("heading", name=title).wait_for(timeout=60_000)
        assert _count(fresh) == (expected, len(EVENTS))
        assert SEP_OCT in fresh.inner_text("section[data-testid='stSidebar']")
        _map_frame(fresh)
        fresh.screenshot(path=screenshot_path("dashboard-shared-url"), full_page=True)
        assert fresh_log.page_errors == []
    finally:
        other.close()
    # Scripts, styles and fonts come from the app itself; only base-map tiles may be refused.
    assert all(url.split("/")[2].endswith(TILE_HOSTS) for url in log.blocked), log.blocked
    assert log.page_errors == []


SIEGE = "2023-09-24-banjska-monastery-siege"


@pytest.mark.parametrize("size", [(1440, 900), (1280, 720), (1920, 1080)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_one_click_on_the_map_selects_whatever_the_window_height(
    chromium: Any, server: str, size: tuple[int, int]
) -> None:
    """A map partly below the fold: the click that focuses the map must not scroll the page first."""
    width, height = size
    context = chromium.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        log = block_network(page, allow=[server])
        page.goto(server)
        frame = _map_frame(page)
        _wait_idle(page)
        main = page.locator("[data-testid='stMain']")
        page.screenshot(path=screenshot_path(f"dashboard-map-{width}x{height}"))  # the first screen
        assert _title_below_toolbar(page)
        top = main.evaluate("(el) => el.scrollTop")
        _click_event(page, frame, SIEGE)  # once, on the symbol's pixel from the map's projection
        title = str(EVENTS.set_index("id").loc[SIEGE, "title"])
        main.get_by_role("heading", name=title).wait_for(timeout=30_000)
        _wait_idle(page)
        _full_page_screenshot(page, f"dashboard-selected-event-{width}x{height}")
        assert "event=" + SIEGE in page.url
        assert main.evaluate("(el) => el.scrollTop") == top  # the page did not move under the pointer
        # The map still took the focus: the arrow keys pan it.
        assert frame.evaluate("document.activeElement === bordermon.map.getContainer()")
        before = frame.evaluate("bordermon.map.getCenter().lng")
        page.keyboard.press("ArrowRight")
        frame.wait_for_function("(lng) => bordermon.map.getCenter().lng > lng", arg=before, timeout=10_000)
        assert log.page_errors == []
    finally:
        context.close()


#: Records, at every frame the browser paints, the height of the map's frame container
#: (``.st-key-<key>_frame``) once it is on the page.
FRAME_HEIGHTS = """(key) => {
    window.bmFrameHeights = [];
    const poll = () => {
        const box = document.querySelector(`.st-key-${key}_frame`);
        if (box) window.bmFrameHeights.push(Math.round(box.getBoundingClientRect().height));
        requestAnimationFrame(poll);
    };
    requestAnimationFrame(poll);
}"""


@pytest.mark.parametrize(
    ("path", "key"), [("/", "map"), ("/analysis", "band_map")], ids=["overview", "analysis"]
)
def test_a_map_keeps_its_room_from_the_first_paint(
    app_page: tuple[Any, NetworkLog], server: str, path: str, key: str
) -> None:
    """The map's frame is hidden until its script has loaded; its room is kept from the start,
    so the timeline and the weekly charts' panel below do not jump down as the map appears
    (a click aimed at them then landed on the map: CI caught it as a lost click)."""
    page, log = app_page
    page.add_init_script(f"({FRAME_HEIGHTS})({json.dumps(key)})")
    page.goto(f"{server}{path}?preset=sep-oct-2023")
    _map_frame(page)
    _wait_idle(page)
    heights = page.evaluate("window.bmFrameHeights")
    assert heights, "the map's frame was never on the page"
    assert set(heights) == {MAP_HEIGHTS[key]}, sorted(set(heights))
    assert log.page_errors == []


#: A phone (390×844 CSS pixels, as an iPhone 13/14) and the most its key figures may take
#: (two rows of figures with their captions take 150 px; stacked, they took ~480 px).
PHONE = {"width": 390, "height": 844}
PHONE_FIGURES_MAX_PX = 165


def _box(frame: Any, selector: str) -> dict[str, float] | None:
    """A map control's box in the map's own pixels, or None where it is not drawn."""
    return frame.evaluate(
        """(selector) => {
            const el = document.querySelector(selector);
            if (!el || !el.offsetWidth) return null;
            const r = el.getBoundingClientRect();
            return {left: r.left, right: r.right, top: r.top, bottom: r.bottom};
        }""",
        selector,
    )


def _on_top(frame: Any, selector: str) -> bool:
    """Whether a map control is what the reader sees at its centre (nothing covers it)."""
    return bool(
        frame.evaluate(
            """(selector) => {
                const el = document.querySelector(selector), r = el.getBoundingClientRect();
                return el.contains(document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2));
            }""",
            selector,
        )
    )


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    across = a["left"] < b["right"] and b["left"] < a["right"]
    return across and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def _title_below_toolbar(page: Any) -> bool:
    """Whether the page's title starts below Streamlit's toolbar (opaque, over the page)."""
    return bool(
        page.evaluate(
            """() => {
                const bar = document.querySelector('[data-testid="stHeader"]').getBoundingClientRect();
                const title = document.querySelector('[data-testid="stMain"] h1').getBoundingClientRect();
                return title.height > 0 && title.top >= bar.bottom;
            }"""
        )
    )


def test_a_phone_shows_the_map_on_its_first_screen(chromium: Any, server: str) -> None:
    """390×844: the figures compact above, the map on the first screen, its scale bar readable."""
    context = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    try:
        page = context.new_page()
        log = block_network(page, allow=[server])
        page.goto(server)
        frame = _map_frame(page)
        _wait_idle(page)
        page.screenshot(path=screenshot_path("dashboard-phone-390x844"))
        assert _title_below_toolbar(page)
        figures = page.locator("[data-testid='stMain'] [data-testid='stHorizontalBlock']").filter(
            has=page.locator("[data-testid='stMetric']")
        )
        box = figures.first.bounding_box()
        assert box["height"] <= PHONE_FIGURES_MAX_PX, box  # five metrics stacked took ~480 px
        assert len(page.locator("[data-testid='stMetric']").all()) == 5
        top = frame.frame_element().bounding_box()["y"]
        assert top + 200 <= PHONE["height"], top  # the map's top and a good part of it show at once
        # Nothing of the figures (a caption such as "on 2 Mar 2026") runs under the map.
        lowest = page.evaluate(
            """() => Math.max(...[...document.querySelectorAll('.st-key-key_figures *')]
                .filter((el) => el.offsetHeight).map((el) => el.getBoundingClientRect().bottom))"""
        )
        assert lowest <= top, (lowest, top)
        scale = _box(frame, ".leaflet-control-scale")
        attribution = _box(frame, ".leaflet-control-attribution")
        assert scale is not None and attribution is not None
        assert not _overlap(scale, attribution), (scale, attribution)
        for selector in (".leaflet-control-scale", ".leaflet-control-attribution"):
            assert _on_top(frame, selector), selector  # not under the map's time band either
        # Every control of the time band is within the map (the trail choice ran off it).
        ends = frame.evaluate(
            """() => [...document.querySelectorAll('.bm-time-bar > *')].filter((el) => el.offsetWidth)
                .map((el) => el.getBoundingClientRect().right)"""
        )
        assert len(ends) >= 7 and max(ends) <= frame.evaluate("bordermon.map.getSize().x"), ends
        frame.frame_element().screenshot(path=screenshot_path("dashboard-phone-map-390x844"))
        assert log.page_errors == []
    finally:
        context.close()


#: Keeps the dashboard's stylesheet (dashboard/layout.css) from applying: the page as it is
#: drawn before its style element arrives, which Streamlit draws after the first elements.
WITHOUT_STYLESHEET = """(() => {
    const off = (node) => {
        const ours = node.tagName === 'STYLE' && node.textContent.includes('st-key-key_figures');
        if (ours) node.media = 'not all';
    };
    new MutationObserver((changes) => changes.forEach((change) => change.addedNodes.forEach((node) => {
        off(node);
        if (node.querySelectorAll) node.querySelectorAll('style').forEach(off);
    }))).observe(document, {childList: true, subtree: true});
})()"""


def test_a_phone_shows_the_map_on_its_first_screen_before_the_stylesheet(chromium: Any, server: str) -> None:
    """Before the layout's rules arrive, a phone already shows the figures in rows and the map
    on its first screen (with Streamlit's columns, stacked, the map began 800-970 px down and
    jumped up under the reader's thumb when the rules came)."""
    context = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        log = block_network(page, allow=[server])
        page.add_init_script(WITHOUT_STYLESHEET)
        page.goto(server)
        frame = _map_frame(page)
        _wait_idle(page)
        assert page.evaluate(
            "() => [...document.styleSheets].every((sheet) => !sheet.ownerNode.textContent"
            ".includes('st-key-key_figures') || sheet.disabled || sheet.media.mediaText === 'not all')"
        )
        figures = page.locator(".st-key-key_figures").bounding_box()
        assert figures["height"] <= 200, figures  # stacked, five figures took ~480 px
        top = frame.frame_element().bounding_box()["y"]
        assert top + 150 <= PHONE["height"], top
        assert log.page_errors == []
    finally:
        context.close()


def _sidebar_view(page: Any) -> dict[str, Any]:
    """What the sidebar shows: the window's caption and which layers are ticked."""
    bar = page.locator("section[data-testid='stSidebar']")
    return {
        "window": SEP_OCT in bar.inner_text(),
        "layers": {
            name: bar.get_by_role("checkbox", name=name).is_checked()
            for name in ("Incidents", "Reported deployments", "KFOR presence")
        },
    }


#: Counts the history entries a page adds (``history.pushState``); replacing one adds none.
COUNT_PUSHES = """(() => {
    const push = history.pushState.bind(history);
    window.bmPushes = 0;
    history.pushState = (...args) => { window.bmPushes += 1; return push(...args); };
})()"""


def _follow(page: Any, link: str, heading: str) -> None:
    """Follow a page link of the sidebar: one new history entry, which holds the view.

    Needs :data:`COUNT_PUSHES` as an init script of the page.
    """
    before = page.evaluate("window.bmPushes")
    page.locator("[data-testid='stSidebar']").get_by_role("link", name=link).click()
    page.get_by_role("heading", name=heading).first.wait_for(timeout=60_000)
    _wait_idle(page)
    assert page.evaluate("window.bmPushes") == before + 1, page.url  # "back" must not land on a twin


def _query(page: Any) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)


def _drawn(page: Any) -> int:
    """How many incidents the page's map draws (each page has one map)."""
    return int(_map_frame(page).evaluate("bordermon.drawnEvents('incident')"))


def _full_page_screenshot(page: Any, name: str) -> None:
    """The whole page: Streamlit scrolls inside its main section, so the window grows to it."""
    size = page.viewport_size
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(height, 6000))})
    try:
        page.screenshot(path=screenshot_path(name))
    finally:
        page.set_viewport_size(size)


def test_the_view_survives_every_navigation(app_page: tuple[Any, NetworkLog], server: str) -> None:
    """Map → Analysis → Methodology → back → forward → back → reload → Map: the same view throughout.

    The address holds the same parameters on every page, the sidebar the same window and
    layers, and the maps draw the same incidents.
    """
    page, log = app_page
    page.add_init_script(COUNT_PUSHES)
    page.goto(f"{server}/?preset=sep-oct-2023&layers=incident&injured=1&event={SIEGE}")
    page.get_by_text("Showing").first.wait_for(timeout=60_000)
    _wait_idle(page)
    params = {"preset": ["sep-oct-2023"], "layers": ["incident"], "injured": ["1"], "event": [SIEGE]}
    view = parse_view(params, EVENTS)
    shown = filter_events(EVENTS, view.filters)
    expected = (len(shown), len(EVENTS))
    drawn = int(mapped_mask(shown).sum())
    assert _count(page) == expected
    assert _query(page) == params
    assert _drawn(page) == drawn > 0
    wanted = {
        "window": True,
        "layers": {"Incidents": True, "Reported deployments": False, "KFOR presence": False},
    }
    assert _sidebar_view(page) == wanted

    def holds_the_view(path: str, *, has_map: bool = True) -> None:
        assert page.url.split("?")[0].removeprefix(server).rstrip("/") == path, page.url
        assert _query(page) == params, page.url  # the folded filters and the selection travel too
        assert _sidebar_view(page) == wanted, page.url
        if has_map:
            assert _drawn(page) == drawn, page.url

    _follow(page, "Analysis", "Escalation indicator")
    holds_the_view("/analysis")
    _full_page_screenshot(page, "dashboard-analysis")
    _follow(page, "Methodology", "Validation report of this store")
    holds_the_view("/methodology", has_map=False)
    page.go_back()
    page.get_by_role("heading", name="Escalation indicator").first.wait_for(timeout=60_000)
    _wait_idle(page)
    holds_the_view("/analysis")
    page.go_forward()
    page.get_by_role("heading", name="Validation report of this store").first.wait_for(timeout=60_000)
    _wait_idle(page)
    holds_the_view("/methodology", has_map=False)
    page.go_back()
    page.get_by_role("heading", name="Escalation indicator").first.wait_for(timeout=60_000)
    _wait_idle(page)
    holds_the_view("/analysis")
    page.reload()
    page.get_by_role("heading", name="Escalation indicator").first.wait_for(timeout=60_000)
    _wait_idle(page)
    holds_the_view("/analysis")
    _follow(page, "Map and events", "Kosovo–Serbia boundary monitor")
    holds_the_view("")  # the default page, at the root
    assert _count(page) == expected
    title = str(EVENTS.set_index("id").loc[SIEGE, "title"])
    page.locator("[data-testid='stMain']").get_by_role("heading", name=title).wait_for(timeout=30_000)
    # A public app: no developer toolbar (Deploy), no Editor page in the navigation.
    assert page.locator("[data-testid='stAppDeployButton']").count() == 0
    nav = " ".join(link.inner_text() for link in page.locator("[data-testid='stPageLink']").all())
    assert "Analysis" in nav and "Editor" not in nav
    assert log.page_errors == []


def test_the_weekly_charts_open_on_a_click_and_stay_open_across_pages(
    app_page: tuple[Any, NetworkLog], server: str
) -> None:
    """Closed, the map page's weekly charts are not drawn; opened, they are, the address says
    so, and they stay open on the way to another page and back, and after a reload."""
    page, log = app_page
    page.add_init_script(COUNT_PUSHES)
    page.goto(f"{server}/?preset=sep-oct-2023")
    page.get_by_text("Showing").first.wait_for(timeout=60_000)
    _wait_idle(page)
    main = page.locator("[data-testid='stMain']")
    charts = main.locator("[data-testid='stVegaLiteChart']")
    panel = main.locator("[data-testid='stExpander']").filter(has_text="Weekly charts")
    charts.first.wait_for(timeout=60_000)  # Vega's script arrives after the elements
    assert charts.count() == 1  # the timeline only
    assert panel.locator("[data-testid='stVegaLiteChart']").count() == 0
    panel.get_by_text("Weekly charts").click()
    panel.locator("[data-testid='stVegaLiteChart']").nth(1).wait_for(timeout=60_000)
    _wait_idle(page)
    assert _query(page) == {"preset": ["sep-oct-2023"], "charts": ["weekly"]}
    assert charts.count() == 3

    def still_open() -> None:
        panel.locator("[data-testid='stVegaLiteChart']").nth(1).wait_for(timeout=60_000)
        charts.nth(2).wait_for(timeout=60_000)
        assert _query(page)["charts"] == ["weekly"], page.url
        assert charts.count() == 3, page.url

    _follow(page, "Analysis", "Escalation indicator")
    assert _query(page)["charts"] == ["weekly"]
    _follow(page, "Map and events", "Kosovo–Serbia boundary monitor")
    still_open()
    page.reload()
    page.get_by_text("Showing").first.wait_for(timeout=60_000)
    _wait_idle(page)
    still_open()
    assert _drawn(page) > 0  # the map too, before the picture is taken
    _full_page_screenshot(page, "dashboard-weekly-charts")
    panel.get_by_text("Weekly charts").click()  # closed again: off the address, not drawn
    page.wait_for_function("() => !location.search.includes('charts=')", timeout=60_000)
    _wait_idle(page)
    assert charts.count() == 1
    assert log.page_errors == []


EVIL = "evil.invalid"
JOINER = "\u2060"  # the invisible word joiner that keeps ":name:" from becoming an icon
HOSTILE_TITLES = (
    f"![x](http://{EVIL}/x.png)",
    f"[Session expired — log in again](http://{EVIL}/login)",
    ":red[x] :material/warning:",
    "$\\LaTeX$ and $$x^2$$",
    f"<img src=http://{EVIL}/y.png> www.{EVIL}",
)


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    features = []
    for i, title in enumerate(HOSTILE_TITLES):
        feature = make_feature(f"hostile-{i}", title=title, summary=title, group="op")
        feature["properties"]["sources"][0]["title"] = title
        feature["properties"]["actors"] = [title]
        features.append(feature)
    store = write_json(tmp_path_factory.mktemp("hostile") / "hostile.geojson", collection(*features))
    with _serve(store.parent) as url:
        yield url


def test_hostile_titles_and_parameters_draw_no_remote_image_or_link(
    chromium: Any, hostile_server: str
) -> None:
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        log = block_network(page, allow=[hostile_server])
        hostile_params = urllib.parse.urlencode(
            {
                "event": "hostile-2",
                "cat": ":red[x]",
                "as_of": f"<img src=http://{EVIL}/z.png>",
                f"![k](http://{EVIL}/k.png)": "1",
                "conf": f"[Session expired](http://{EVIL}/c)",
                "actor": HOSTILE_TITLES[0],  # drawn as the multiselect's chosen tag
            }
        )
        page.goto(f"{hostile_server}/?{hostile_params}")
        main = page.locator("[data-testid='stMain']")

        def shown_title() -> str:
            main.get_by_role("heading", level=3).first.wait_for(timeout=60_000)
            _wait_idle(page)
            return str(main.get_by_role("heading", level=3).first.inner_text()).replace(JOINER, "")

        assert shown_title() == HOSTILE_TITLES[2]
        page.screenshot(path=screenshot_path("dashboard-hostile-text"), full_page=True)
        buttons = [b.inner_text().replace(JOINER, "") for b in main.get_by_role("button").all()]
        for i, title in enumerate(HOSTILE_TITLES):
            if i != 2:
                assert any(text.endswith(title) for text in buttons), (title, buttons)
        notices = " ".join(w.inner_text() for w in page.locator("[data-testid='stAlert']").all())
        for shown in (":red[x]", f"<img src=http://{EVIL}/z.png>", f"![k](http://{EVIL}/k.png)"):
            assert shown in notices.replace(JOINER, ""), (shown, notices)
        main.get_by_role("button").filter(has_text="Session expired").click()
        page.wait_for_function("() => location.search.includes('event=hostile-1')", timeout=30_000)
        assert shown_title() == HOSTILE_TITLES[1]
        drawn = page.evaluate(
            """(host) => {
                const on = (urls) => urls.filter(u => u && new URL(u, location.href).hostname === host);
                return {
                    links: on([...document.querySelectorAll('a')].map(a => a.href)),
                    images: on([...document.querySelectorAll('img')].map(i => i.src)),
                    latex: document.querySelectorAll('.katex').length,
                };
            }""",
            EVIL,
        )
        assert drawn == {"links": [], "images": [], "latex": 0}
        assert [url for url in log.blocked if EVIL in url] == []
        assert log.page_errors == []
    finally:
        context.close()
