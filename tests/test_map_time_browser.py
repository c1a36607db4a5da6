"""Playback and the timeline of the exported map, in headless Chromium with the network cut off.

What the map script draws on each frame is compared with :mod:`layers` on the same
store: :func:`layers.filters.filter_events` for a window or a day, and
:func:`layers.timeline.shown_between` for events known only to the week, month or year
(drawn for the whole period, faded). Screenshots go to ``test-output/``.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest

from layers.export import export_html, write_html
from layers.filters import Filters, filter_events
from layers.mapdata import mapped_mask
from layers.store import read_store
from layers.timeline import EPOCH, day_number, event_days, shown_between
from tests.browser import TILE_HOSTS, NetworkLog, require_assets, screenshot_path

pytestmark = pytest.mark.browser

READY = "window.bordermon && window.bordermon.ready === true"
SEP_OCT_2023 = Filters(start=date(2023, 9, 1), end=date(2023, 10, 31))
#: Per event layer: the ids drawn on the canvas since the last frame, and those drawn faded.
DRAWN = """(() => {
    const out = {};
    for (const key of ["incident", "deployment", "kfor"]) {
        const layer = bordermon.layers[key];
        if (!layer) continue;
        const seen = Object.assign({}, layer.areas.drawnEvents(), layer.symbols.drawnEvents());
        const show = layer.symbols.show;
        const ids = Object.keys(seen).map(Number);
        out[key] = {drawn: ids.map(i => layer.data.id[i]).sort(),
                    faded: ids.filter(i => show && show[i] === 2).map(i => layer.data.id[i]).sort()};
    }
    return out;
})()"""


@pytest.fixture(scope="module", autouse=True)
def assets() -> None:
    require_assets()


@pytest.fixture(scope="module")
def events() -> gpd.GeoDataFrame:
    return read_store().events


@pytest.fixture(scope="module")
def autumn_2023(events: gpd.GeoDataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The export of September–October 2023 from the shipped store."""
    page = export_html(events, filters=SEP_OCT_2023)
    return write_html(page, tmp_path_factory.mktemp("export") / "sep-oct-2023.html")


@pytest.fixture(scope="module")
def everything(events: gpd.GeoDataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    page = export_html(events)
    return write_html(page, tmp_path_factory.mktemp("export") / "all.html")


def _open(page: Any, path: Path) -> None:
    page.goto(path.as_uri())
    page.wait_for_function(READY, timeout=20_000)


def _assert_clean(log: NetworkLog) -> None:
    assert log.page_errors == []
    assert log.errors_except_blocked() == []
    for url in log.blocked:  # only base map tiles may be missing offline
        assert url.split("/")[2].endswith(TILE_HOSTS), url


def _frame(page: Any, action: str) -> dict[str, Any]:
    """Run an action of the page, wait for the frame it draws, return what is drawn."""
    asked = page.evaluate("bordermon.time.requested")
    page.evaluate(action) if action.startswith("bordermon") else page.click(action)
    assert page.evaluate("bordermon.time.requested") > asked
    page.wait_for_function("bordermon.time.drawn === bordermon.time.requested", timeout=5_000)
    drawn: dict[str, Any] = page.evaluate(DRAWN)
    return drawn


def _day(page: Any) -> date:
    return EPOCH + timedelta(days=page.evaluate("bordermon.time.player.day"))


def _unplaced(events: gpd.GeoDataFrame, view: Filters, first: date, last: date) -> list[str]:
    """The view's events without a place that playback names from ``first`` to ``last``, newest first."""
    in_view = filter_events(events, view)
    unplaced = in_view[~mapped_mask(in_view)].sort_values("start", kind="stable")
    return list(unplaced.loc[shown_between(unplaced, first, last).to_numpy(dtype=bool), "id"])[::-1]


def _expected(events: gpd.GeoDataFrame, view: Filters, first: date, last: date) -> dict[str, dict[str, list]]:
    """What playback draws from ``first`` to ``last``: the view's mapped events whose shown span meets it."""
    in_view = filter_events(events, view)
    in_view = in_view[mapped_mask(in_view)]
    shown = in_view[shown_between(in_view, first, last).to_numpy(dtype=bool)]
    coarse = event_days(shown)["coarse"].to_numpy(dtype=bool)
    # For events recorded to the hour or the day, exactly what filter_events keeps.
    kept = filter_events(in_view, Filters(start=first, end=last))
    coarse_ids = set(in_view.loc[event_days(in_view)["coarse"].to_numpy(dtype=bool), "id"])
    precise_kept = set(kept["id"]) - coarse_ids
    assert set(shown.loc[~coarse, "id"]) == precise_kept
    return {
        layer: {
            "drawn": sorted(shown.loc[(shown["layer"] == layer).to_numpy(dtype=bool), "id"]),
            "faded": sorted(shown.loc[(shown["layer"] == layer).to_numpy(dtype=bool) & coarse, "id"]),
        }
        for layer in ("incident", "deployment", "kfor")
    }


def test_stepping_day_by_day_draws_exactly_the_events_of_each_day(
    offline_page: tuple[Any, NetworkLog], autumn_2023: Path, events: gpd.GeoDataFrame
) -> None:
    page, log = offline_page
    _open(page, autumn_2023)
    assert page.inner_text(".bm-time-date") == "All dates"
    seen_faded = False
    day = SEP_OCT_2023.start
    assert day is not None
    while day <= date(2023, 10, 31):
        drawn = _frame(page, ".bm-time-forward")
        assert _day(page) == day
        assert page.inner_text(".bm-time-date") == f"{day.day} {day:%b %Y}"
        assert drawn == _expected(events, SEP_OCT_2023, day, day), day
        assert page.evaluate("bordermon.time.unplaced()") == _unplaced(events, SEP_OCT_2023, day, day), day
        seen_faded = seen_faded or any(layer["faded"] for layer in drawn.values())
        day += timedelta(days=1)
    # Known only to the month: drawn, faded, on every day of October 2023.
    assert seen_faded
    # Past the last day, playback stays on it.
    drawn = _frame(page, "bordermon.time.player.step(1), bordermon.time.player.apply()")
    assert _day(page) == date(2023, 10, 31)
    _assert_clean(log)


def test_stepping_by_week_and_back(
    offline_page: tuple[Any, NetworkLog], autumn_2023: Path, events: gpd.GeoDataFrame
) -> None:
    page, log = offline_page
    _open(page, autumn_2023)
    page.select_option(".bm-time-unit select", "7")
    _frame(page, ".bm-time-forward")
    _frame(page, ".bm-time-forward")
    drawn = _frame(page, ".bm-time-forward")
    assert _day(page) == date(2023, 9, 15)
    drawn = _frame(page, ".bm-time-back")
    assert _day(page) == date(2023, 9, 8)
    assert page.inner_text(".bm-time-date") == "8 Sep 2023 – 14 Sep 2023"
    assert drawn == _expected(events, SEP_OCT_2023, date(2023, 9, 8), date(2023, 9, 14))
    page.evaluate("bordermon.time.player.setDay(bordermon.time.dayOf('2023-09-22'))")
    drawn = _frame(page, "bordermon.time.player.apply()")
    assert drawn == _expected(events, SEP_OCT_2023, date(2023, 9, 22), date(2023, 9, 28))
    assert "2023-09-24-banjska-ambush" in drawn["incident"]["drawn"]
    # "All dates" leaves playback: every event of the view is drawn again.
    drawn = _frame(page, ".bm-time-all")
    in_view = filter_events(events, SEP_OCT_2023)
    in_view = in_view[mapped_mask(in_view)]
    assert sum(len(layer["drawn"]) for layer in drawn.values()) == len(in_view)
    _assert_clean(log)


def test_hidden_events_cannot_be_clicked(offline_page: tuple[Any, NetworkLog], autumn_2023: Path) -> None:
    page, log = offline_page
    _open(page, autumn_2023)
    hit = """(day) => {
        bordermon.time.player.setDay(bordermon.time.dayOf(day));
        const set = bordermon.layers.incident.symbols, d = bordermon.layers.incident.data;
        set._project();
        const k = Array.from(set._e.event).lastIndexOf(d.id.indexOf("2023-09-24-banjska-ambush"));
        return set._containsPoint(L.point(set._x[k], set._y[k]));
    }"""
    assert page.evaluate(hit, "2023-09-24") is True
    assert page.evaluate(hit, "2023-09-25") is False
    _assert_clean(log)


def test_dragging_the_timeline_filters_the_map_as_filter_events_does(
    offline_page: tuple[Any, NetworkLog], everything: Path, events: gpd.GeoDataFrame
) -> None:
    page, log = offline_page
    _open(page, everything)
    mapped = events[mapped_mask(events)]
    drawn = page.evaluate(DRAWN)
    assert sum(len(layer["drawn"]) for layer in drawn.values()) == len(mapped)
    start = page.evaluate("bordermon.time.pointOfDay(bordermon.time.dayOf('2023-09-20'))")
    end = page.evaluate("bordermon.time.pointOfDay(bordermon.time.dayOf('2023-10-12'))")
    asked = page.evaluate("bordermon.time.requested")
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move((start[0] + end[0]) / 2, start[1], steps=3)
    page.mouse.move(*end, steps=3)
    page.mouse.up()
    assert page.evaluate("bordermon.time.requested") > asked
    page.wait_for_function("bordermon.time.drawn === bordermon.time.requested", timeout=5_000)
    first, last = (EPOCH + timedelta(days=day) for day in page.evaluate("bordermon.time.player.window"))
    # The drag lands on the days under the pointer (a few days each way at this scale).
    assert abs((first - date(2023, 9, 20)).days) <= 4 and abs((last - date(2023, 10, 12)).days) <= 4
    drawn = page.evaluate(DRAWN)
    kept = filter_events(events, Filters(start=first, end=last))
    kept = kept[mapped_mask(kept)]
    for layer in ("incident", "deployment", "kfor"):
        assert drawn[layer]["drawn"] == sorted(kept.loc[kept["layer"] == layer, "id"]), layer
        assert drawn[layer]["faded"] == []
    assert page.evaluate("bordermon.time.counts()") == {
        layer: int((kept["layer"] == layer).sum()) for layer in ("incident", "deployment", "kfor")
    }
    label = page.inner_text(".bm-time-window")
    assert label == f"{first.day} {first:%b %Y} – {last.day} {last:%b %Y}"
    page.screenshot(path=screenshot_path("timeline-export"))
    # Playback now runs within the window.
    _frame(page, ".bm-time-forward")
    assert _day(page) == first
    # A click without a drag clears the window.
    page.mouse.click(*start)
    page.wait_for_function("bordermon.time.drawn === bordermon.time.requested", timeout=5_000)
    assert page.evaluate("bordermon.time.player.window") is None
    _assert_clean(log)


def test_the_export_plays_offline_and_shows_the_autumn_of_2023(
    offline_page: tuple[Any, NetworkLog], autumn_2023: Path, events: gpd.GeoDataFrame
) -> None:
    page, log = offline_page
    _open(page, autumn_2023)
    page.select_option(".bm-time-speed select", "16")
    page.click(".bm-time-play")
    page.wait_for_function(
        f"bordermon.time.player.day >= {day_number(date(2023, 9, 6))}", timeout=10_000, polling="raf"
    )
    assert page.evaluate("bordermon.time.player.playing") is True
    page.click(".bm-time-play")  # pause
    assert page.evaluate("bordermon.time.player.playing") is False
    # Mid-playback on 6 October with a four-week trail: the ambush and the siege of
    # 24 September stay, faded; the build-up reports are current; KFOR's reinforced
    # presence stands (the reinforcements of October 2023 have no place: not drawn).
    page.select_option(".bm-time-trail select", "28")
    drawn = _frame(page, "bordermon.time.player.setDay(bordermon.time.dayOf('2023-10-06'))")
    for event_id in ("2023-09-24-banjska-ambush", "2023-09-24-banjska-monastery-siege"):
        assert event_id in drawn["incident"]["faded"]
    assert "2023-09-24-jarinje-crossing-closure" in drawn["incident"]["drawn"]
    assert "2023-09-29-white-house-reports-serbian-buildup" in drawn["deployment"]["drawn"]
    assert "2023-09-29-white-house-reports-serbian-buildup" not in drawn["deployment"]["faded"]
    assert "2022-12-18-kfor-reinforces-jarinje" in drawn["kfor"]["drawn"]
    assert "2023-10-18-jarinje-crossing-reopening" not in drawn["incident"]["drawn"]
    # The KFOR reinforcements of October 2023 have no place: named under the date.
    line = page.inner_text(".bm-time-unplaced")
    assert line.startswith("Without a place on the map:")
    assert line.index("First 200 UK reinforcement troops arrive") < line.index("UK to deploy")
    for title in ("UK to deploy about 200 soldiers", "First 200 UK reinforcement troops arrive"):
        assert title in page.get_attribute(".bm-time-unplaced", "title")
    assert page.inner_text(".bm-time-date") == "6 Oct 2023"
    page.evaluate("void bordermon.map.setView([43.02, 20.85], 10, {animate: false})")
    page.evaluate("document.querySelector('.bm-legend-box details').open = false")
    page.wait_for_function("requestAnimationFrame(() => 0) && true")
    page.screenshot(path=screenshot_path("playback-sep-2023"))
    _assert_clean(log)


#: Each language's words, days and months (Albanian: Chromium knows no Albanian months).
SPOKEN = [
    ("fr", "Lecture", "Toutes les dates", "1 sept. 2023", "avr. 2023"),
    ("sq", "Luaj", "Të gjitha datat", "1 sht 2023", "pri 2023"),
]


@pytest.mark.parametrize(("lang", "play", "all_dates", "first_day", "april"), SPOKEN, ids=["fr", "sq"])
def test_the_controls_and_the_time_axis_speak_the_maps_language(
    offline_page: tuple[Any, NetworkLog],
    events: gpd.GeoDataFrame,
    tmp_path: Path,
    lang: str,
    play: str,
    all_dates: str,
    first_day: str,
    april: str,
) -> None:
    path = write_html(export_html(events, filters=SEP_OCT_2023, lang=lang), tmp_path / f"{lang}.html")
    page, log = offline_page
    _open(page, path)
    assert page.get_attribute(".bm-time-play", "aria-label") == play
    assert page.inner_text(".bm-time-date") == all_dates
    # The axis's months as Babel writes them, not as the browser's Intl does.
    month = page.evaluate("(day) => bordermon.time.player.monthText(day)", day_number(date(2023, 4, 1)))
    assert month == april
    _frame(page, ".bm-time-forward")
    assert page.inner_text(".bm-time-date") == first_day
    _assert_clean(log)
