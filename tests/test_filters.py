"""filter_events: time windows overlap intervals, as-of dates, facets and text search."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import geopandas as gpd
import pytest

from layers.filters import Filters, filter_events
from layers.store import empty_events, read_store
from tests.factories import collection, make_feature, write_json


@pytest.fixture
def events(tmp_path: Path) -> gpd.GeoDataFrame:
    deployment = {"layer": "deployment", "category": "buildup", "side": "RS"}
    features = [
        make_feature("may", start="2023-05-29", category="riot", actors=["KFOR", "Serb protesters"]),
        make_feature("sep", start="2023-09-24T02:00:00+02:00", time_precision="hour", confidence="confirmed"),
        make_feature("closed", start="2023-09-24", end="2023-10-18", category="crossing_closure"),
        make_feature("open-ended", start="2023-09-29", **deployment),
        make_feature("ended", start="2023-05-29", end="2023-06-10", **deployment),
        make_feature(
            "camp", start="1999-01-01", time_precision="year", layer="kfor", category="installation"
        ),
        make_feature("text", start="2023-06-14", title="Three officers detained", side="disputed"),
    ]
    features[6]["properties"]["sources"][0]["publisher"] = "Radio Free Europe"
    second = {**features[1]["properties"]["sources"][0], "url": "https://example.net/a"}
    features[1]["properties"]["sources"].append(second)  # 'confirmed' rests on two publishers
    return read_store(write_json(tmp_path / "s.geojson", collection(*features))).events


def ids(frame: gpd.GeoDataFrame) -> list[str]:
    return list(frame["id"])


def test_no_filter_keeps_everything_in_order(events: gpd.GeoDataFrame) -> None:
    assert ids(filter_events(events, Filters())) == [
        "may",
        "sep",
        "closed",
        "open-ended",
        "ended",
        "camp",
        "text",
    ]


def test_window_includes_both_days_and_overlapping_intervals(events: gpd.GeoDataFrame) -> None:
    window = Filters(start=date(2023, 10, 1), end=date(2023, 10, 31))
    # The closure lasts into October; the report of 29 Sep is current for 30 days; the camp stands.
    assert ids(filter_events(events, window)) == ["closed", "open-ended", "camp"]
    assert ids(filter_events(events, window.with_(start=date(2023, 11, 1), end=None))) == ["camp"]
    day = Filters(start=date(2023, 9, 24), end=date(2023, 9, 24), layers=("incident",))
    assert ids(filter_events(events, day)) == ["sep", "closed"]


def test_as_of_keeps_interval_layers_in_effect(events: gpd.GeoDataFrame) -> None:
    as_of = Filters(as_of=date(2023, 10, 5), layers=("deployment", "kfor"))
    assert ids(filter_events(events, as_of)) == ["open-ended", "camp"]
    assert ids(filter_events(events, as_of.with_(as_of=date(2023, 6, 1)))) == ["ended", "camp"]
    assert ids(filter_events(events, as_of.with_(as_of=date(2023, 10, 30)))) == [
        "camp"
    ]  # report > 30 days old
    incidents_unaffected = Filters(as_of=date(2020, 1, 1), layers=("incident",))
    assert len(filter_events(events, incidents_unaffected)) == 4


def test_facets(events: gpd.GeoDataFrame) -> None:
    assert ids(filter_events(events, Filters(categories=("riot",)))) == ["may"]
    assert ids(filter_events(events, Filters(actors=("KFOR",)))) == ["may"]
    assert ids(filter_events(events, Filters(sides=("disputed",)))) == ["text"]
    assert ids(filter_events(events, Filters(confidences=("confirmed",)))) == ["sep"]
    assert ids(filter_events(events, Filters(layers=("deployment",)))) == ["open-ended", "ended"]


def test_text_search_covers_titles_and_sources(events: gpd.GeoDataFrame) -> None:
    assert ids(filter_events(events, Filters(text="OFFICERS detained"))) == ["text"]
    assert ids(filter_events(events, Filters(text="free europe"))) == ["text"]
    assert ids(filter_events(events, Filters(text="officers nowhere"))) == []


def test_empty_input_gives_empty_frame() -> None:
    result = filter_events(empty_events(), Filters(text="x", start=date(2023, 1, 1)))
    assert isinstance(result, gpd.GeoDataFrame) and result.empty


def test_rejects_a_plain_frame() -> None:
    with pytest.raises(TypeError, match="GeoDataFrame"):
        filter_events([], Filters())  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("Radoicic", ["radoicic"]),
        ("RADOIČIĆ", ["radoicic"]),
        ("Zvecan", ["zvecan", "plain"]),
        ("zvečan", ["zvecan", "plain"]),
        ("Dordevic bernjak", ["dordevic"]),
        ("Priština", ["pristina"]),
        ("a.b", []),  # punctuation is literal, not a pattern
    ],
)
def test_text_search_ignores_case_and_diacritics(tmp_path: Path, typed: str, found: list[str]) -> None:
    features = [
        make_feature("radoicic", title="Milan Radoičić admits the attack"),
        make_feature("zvecan", title="Clashes", location="Zvečan / Zveçan"),
        make_feature("plain", title="Protest in Zvecan"),
        make_feature("dordevic", title="Đorđević detained at Bërnjak"),
        make_feature("pristina", title="Talks", summary="Meeting in Priština / Prishtinë"),
        make_feature("other", title="axb"),
    ]
    for feature in features:
        feature["properties"]["municipality"] = "Leposavić / Leposaviq"
    events = read_store(write_json(tmp_path / "s.geojson", collection(*features))).events
    assert list(filter_events(events, Filters(text=typed))["id"]) == found
