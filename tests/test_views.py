"""Views to and from URL parameters: round trips, presets, and forgiving parsing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import geopandas as gpd
import pytest

from layers.filters import Filters, filter_events
from layers.validate import LAYERS
from layers.views import Choices, View, choices_of, parse_view, view_params
from tests.factories import collection, make_feature, write_json


@pytest.fixture
def events(tmp_path: Path) -> gpd.GeoDataFrame:
    from layers.store import read_store

    features = [
        make_feature("a", start="2023-05-29", category="riot", actors=["KFOR", "Serbs, protesters"]),
        make_feature("b", start="2023-09-24"),
        make_feature("c", start="2023-10-18", category="crossing_reopening"),
    ]
    return read_store(write_json(tmp_path / "s.geojson", collection(*features))).events


def test_round_trip_of_a_full_view(events: gpd.GeoDataFrame) -> None:
    view = View(
        filters=Filters(
            start=date(2023, 9, 1),
            end=date(2023, 9, 30),
            as_of=date(2023, 9, 29),
            layers=("incident", "kfor"),
            categories=("riot",),
            actors=("Serbs, protesters",),
            sides=("XK",),
            confidences=("reported", "disputed"),
            text="monastery",
        ),
        preset="custom",
        selected="b",
        charts=True,
    )
    params = view_params(view)
    assert params["actor"] == ["Serbs, protesters"]
    assert params["charts"] == ["weekly"]
    parsed = parse_view(params, events)
    assert parsed == view and parsed.notices == ()


def test_default_view_has_no_parameters(events: gpd.GeoDataFrame) -> None:
    assert view_params(View()) == {}
    assert parse_view({}, events) == View()


def test_presets_set_the_window(events: gpd.GeoDataFrame) -> None:
    sep_oct = parse_view({"preset": ["sep-oct-2023"]}, events)
    assert (sep_oct.filters.start, sep_oct.filters.end) == (date(2023, 9, 1), date(2023, 10, 31))
    last = parse_view({"preset": ["last-30-days"]}, events)
    assert (last.filters.start, last.filters.end) == (date(2023, 9, 19), date(2023, 10, 18))
    assert view_params(last) == {"preset": ["last-30-days"]}


def test_bad_parameters_get_notices_and_defaults(events: gpd.GeoDataFrame) -> None:
    params = {
        "start": ["2023-13-01"],
        "end": ["2023-10-01"],
        "layers": ["incident,tanks"],
        "cat": ["riot,nonsense"],
        "conf": ["sure"],
        "event": ["gone"],
        "preset": ["yesterday"],
        "charts": ["all"],
    }
    view = parse_view(params, events)
    assert not view.charts
    assert view.filters.start is None and view.filters.end == date(2023, 10, 1)
    assert view.filters.layers == ("incident",)
    assert view.filters.categories == ("riot",)
    assert view.filters.confidences == ()
    assert view.selected is None
    text = " ".join(view.notices)
    for words in (
        "start='2023-13-01'",
        "layer: tanks",
        "category: nonsense",
        "confidence: sure",
        "'gone'",
        "yesterday",
        "charts='all'",
    ):
        assert words in text


def test_reversed_window_is_swapped_with_a_notice(events: gpd.GeoDataFrame) -> None:
    view = parse_view({"start": ["2023-10-31"], "end": ["2023-09-01"]}, events)
    assert (view.filters.start, view.filters.end) == (date(2023, 9, 1), date(2023, 10, 31))
    assert "swapped" in view.notices[0]


@pytest.mark.parametrize("key", ["as_of", "start", "end"])
@pytest.mark.parametrize("text", ["9999-12-31", "0001-01-01", "2262-04-12"])
def test_a_day_no_view_can_hold_is_named_and_only_it_is_dropped(
    events: gpd.GeoDataFrame, key: str, text: str
) -> None:
    view = parse_view({key: [text], "layers": ["incident"], "q": ["banjska"]}, events)
    assert getattr(view.filters, key) is None
    assert view.filters.layers == ("incident",) and view.filters.text == "banjska"
    (notice,) = view.notices
    assert f"{key}={text!r}" in notice and "outside the dates" in notice
    filter_events(events, view.filters)  # and the view filters without overflowing


def test_an_invalid_value_falls_back_to_the_default_for_that_parameter_alone(
    events: gpd.GeoDataFrame,
) -> None:
    view = parse_view({"layers": ["foo"], "conf": ["confirmed"]}, events)
    assert view.filters.layers == LAYERS and view.filters.confidences == ("confirmed",)
    assert any("foo" in n for n in view.notices) and any("all layers" in n for n in view.notices)
    assert parse_view({"layers": [""]}, events).filters.layers == ()  # every layer unticked, on purpose


def test_unknown_parameters_are_named(events: gpd.GeoDataFrame) -> None:
    view = parse_view({"bogus": ["1"], "confidence": ["confirmed"], "q": ["x"]}, events)
    (notice,) = view.notices
    assert "'bogus'" in notice and "'confidence'" in notice and "conf" in notice
    assert view.filters.text == "x"


def test_source_and_casualty_filters_round_trip(events: gpd.GeoDataFrame) -> None:
    view = View(
        filters=Filters(
            publishers=("Example Wire",),
            publisher_kinds=("wire", "government"),
            languages=("en",),
            min_killed=1,
            min_injured=12,
        )
    )
    params = view_params(view)
    assert params == {
        "pub": ["Example Wire"],
        "kind": ["wire,government"],
        "lang_src": ["en"],
        "killed": ["1"],
        "injured": ["12"],
    }
    parsed = parse_view(params, events)
    assert parsed == view and parsed.notices == ()
    assert view_params(View(filters=Filters(min_killed=0))) == {}  # no threshold, no parameter


def test_bad_source_and_casualty_values_fall_back_alone_with_notices(events: gpd.GeoDataFrame) -> None:
    params = {
        "pub": ["Example Wire", "Nobody Times"],
        "kind": ["wire,blog"],
        "lang_src": ["xx,en"],
        "killed": ["-1"],
        "injured": ["lots"],
    }
    view = parse_view(params, events)
    f = view.filters
    assert (f.publishers, f.publisher_kinds, f.languages) == (("Example Wire",), ("wire",), ("en",))
    assert (f.min_killed, f.min_injured) == (0, 0)
    text = " ".join(view.notices)
    for words in (
        "publisher: Nobody Times",
        "publisher kind: blog",
        "source language: xx",
        "killed='-1'",
        "injured='lots'",
    ):
        assert words in text
    assert parse_view({"killed": ["100001"]}, events).filters.min_killed == 0


def test_the_store_s_choices_given_once_check_a_view_as_the_events_do(
    events: gpd.GeoDataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert choices_of(events) == Choices(
        categories=("armed_clash", "crossing_reopening", "riot"),
        actors=("KFOR", "Kosovo Police", "Serbs, protesters"),
        publishers=("Example Wire",),
        languages=("en",),
    )
    assert choices_of(events.iloc[:0]) == Choices((), (), (), ())
    params = {
        "cat": ["riot,looting"],
        "actor": ["KFOR", "Nobody"],
        "pub": ["Example Wire", "Nobody Times"],
        "lang_src": ["xx,en"],
        "event": ["zz"],
    }
    expected = parse_view(params, events)
    assert len(expected.notices) == 5
    choices = choices_of(events)

    # Given the choices, the events' actors and sources are not read again: what a
    # dashboard session pays once per store version instead of once per visitor.
    def unread(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("read the events' sources again")

    monkeypatch.setattr("layers.views.cited_publishers", unread)
    monkeypatch.setattr("layers.views.cited_languages", unread)
    given = parse_view(params, events, choices=choices)
    assert given == expected and given.notices == expected.notices
    # What is checked against is the choices given.
    wider = Choices((*choices.categories, "looting"), choices.actors, choices.publishers, choices.languages)
    assert parse_view({"cat": ["looting"]}, events, choices=wider).filters.categories == ("looting",)


def test_the_timeline_window_round_trips_and_narrows_what_is_shown(events: gpd.GeoDataFrame) -> None:
    params = {"preset": ["sep-oct-2023"], "timeline": ["2023-09-20..2023-10-05"]}
    view = parse_view(params, events)
    assert view.notices == ()
    assert view.timeline == (date(2023, 9, 20), date(2023, 10, 5))
    assert (view.filters.start, view.filters.end) == (date(2023, 9, 1), date(2023, 10, 31))
    assert (view.shown_filters.start, view.shown_filters.end) == view.timeline
    assert view_params(view) == params
    assert parse_view(view_params(view), events) == view
    # Reversed days are read in order; a window reaching out of the view's is cut to it.
    assert parse_view({"timeline": ["2023-10-05..2023-09-20"]}, events).timeline == view.timeline
    cut = parse_view({"preset": ["sep-oct-2023"], "timeline": ["2023-08-01..2023-09-10"]}, events)
    assert cut.timeline == (date(2023, 9, 1), date(2023, 9, 10)) and cut.notices == ()
    assert View().shown_filters == Filters()


@pytest.mark.parametrize(
    "value", ["2023-09-20", "2023-09-20..", "..2023-10-05", "2023-09-20..2023-13-01", "a..b..c"]
)
def test_a_bad_timeline_window_is_dropped_with_a_notice(events: gpd.GeoDataFrame, value: str) -> None:
    view = parse_view({"preset": ["sep-oct-2023"], "timeline": [value]}, events)
    assert view.timeline is None
    assert len(view.notices) == 1 and "timeline" in view.notices[0]
    assert view.filters == parse_view({"preset": ["sep-oct-2023"]}, events).filters


def test_a_timeline_window_outside_the_views_window_is_dropped(events: gpd.GeoDataFrame) -> None:
    view = parse_view({"preset": ["sep-oct-2023"], "timeline": ["2024-01-01..2024-02-01"]}, events)
    assert view.timeline is None
    assert view.notices and "outside the time window of the view" in view.notices[0]
