"""The days each event covers (layers.timeline) and how the map payload carries them."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from layers.filters import Filters, filter_events
from layers.map_time import time_config, time_domain
from layers.mapdata import encode_events, mapped_mask
from layers.store import read_store
from layers.timeline import day_number, event_days, shown_between
from tests.factories import collection, make_feature, write_json


def _store(tmp_path: Path, *features: dict[str, object]) -> gpd.GeoDataFrame:
    write_json(tmp_path / "events.geojson", collection(*features))
    return read_store(tmp_path).events


def _day(text: str) -> int:
    return day_number(date.fromisoformat(text))


@pytest.fixture(scope="module")
def shipped() -> gpd.GeoDataFrame:
    return read_store().events


def test_spans_follow_each_layers_time_rule_and_precision(tmp_path: Path) -> None:
    events = _store(
        tmp_path,
        make_feature("instant", start="2023-09-24T02:30", time_precision="hour"),
        make_feature("lasting", start="2023-09-24", end="2023-10-18T08:30"),
        make_feature("report", layer="deployment", category="buildup", start="2023-09-29"),
        make_feature("camp", layer="kfor", category="installation", start="2023-10-06"),
        make_feature("week", start="2023-06-01", time_precision="week"),
        make_feature("month", start="2023-10-20", time_precision="month"),
        make_feature("year", start="2023-03-01", end="2024-02-01", time_precision="year"),
    )
    days = event_days(events).set_axis(events["id"])
    row = days.loc["instant"]
    assert (row["first"], row["last"], row["coarse"]) == (_day("2023-09-24"), _day("2023-09-24"), False)
    assert days.loc["lasting", "last"] == _day("2023-10-18")
    # A report without an end counts for 30 calendar days; KFOR presence has no end.
    assert days.loc["report", "last"] == _day("2023-10-29")
    assert pd.isna(days.loc["camp", "last"]) and pd.isna(days.loc["camp", "shown_last"])
    # A week is the seven days from the day recorded; a month its calendar month; a
    # year the calendar years of its start and end. Only these are coarse (faded).
    week = days.loc["week"]
    assert (week["shown_first"], week["shown_last"], week["coarse"]) == (
        _day("2023-06-01"),
        _day("2023-06-07"),
        True,
    )
    month = days.loc["month"]
    assert (month["first"], month["shown_first"], month["shown_last"]) == (
        _day("2023-10-20"),
        _day("2023-10-01"),
        _day("2023-10-31"),
    )
    year = days.loc["year"]
    assert (year["shown_first"], year["shown_last"]) == (_day("2023-01-01"), _day("2024-12-31"))
    assert days["coarse"].tolist() == [False, False, False, False, True, True, True]


def test_recorded_spans_give_filter_events_windows_exactly(shipped: gpd.GeoDataFrame) -> None:
    """The map's timeline window keeps what filter_events keeps for the same days."""
    days = event_days(shipped)
    last = days["last"].fillna(2**40)
    windows = [("2023-09-24", "2023-09-24"), ("2023-09-20", "2023-10-05"), ("2022-01-01", "2022-12-31")]
    windows += [("2023-10-29", "2023-10-29"), ("2025-03-30", "2025-04-02"), ("2019-01-01", "2030-01-01")]
    for start, end in windows:
        a, b = date.fromisoformat(start), date.fromisoformat(end)
        expected = set(filter_events(shipped, Filters(start=a, end=b))["id"])
        overlaps = (days["first"] <= day_number(b)) & (last >= day_number(a))
        assert set(shipped.loc[overlaps.to_numpy(dtype=bool), "id"]) == expected, (start, end)


def test_playback_shows_on_a_day_what_filter_events_keeps_for_that_day(shipped: gpd.GeoDataFrame) -> None:
    coarse = event_days(shipped)["coarse"].to_numpy(dtype=bool)
    day = date(2023, 9, 1)
    while day <= date(2023, 10, 31):
        shown = shown_between(shipped, day, day).to_numpy(dtype=bool)
        kept = set(filter_events(shipped, Filters(start=day, end=day))["id"])
        assert set(shipped.loc[shown & ~coarse, "id"]) == kept - set(shipped.loc[coarse, "id"]), day
        day += timedelta(days=1)
    # The one event of October 2023 known to the month is shown all month, from the 1st.
    month = shipped.loc[(shipped["time_precision"] == "month").to_numpy(dtype=bool), "id"]
    assert list(month) == ["2023-10-20-kosovo-police-block-unofficial-crossings"]
    mask = shown_between(shipped, date(2023, 10, 1), date(2023, 10, 1))
    assert mask[shipped["id"] == month.iloc[0]].all()


def test_the_payload_carries_each_events_days_compactly(shipped: gpd.GeoDataFrame) -> None:
    for layer in ("incident", "deployment", "kfor"):
        payload = encode_events(shipped, layer)
        rows = shipped[(shipped["layer"] == layer).to_numpy(dtype=bool) & mapped_mask(shipped).to_numpy()]
        days = event_days(rows)
        assert len(payload["ts"]) == len(payload["tn"]) == len(payload["id"]) == len(rows)
        first = [payload["d0"] + offset for offset in payload["ts"]]
        assert first == days["first"].tolist()
        assert min(payload["ts"]) == 0
        for i, length in enumerate(payload["tn"]):
            last = days["last"].iloc[i]
            assert length == (-1 if pd.isna(last) else last - first[i])
        # Only events known to the week, month or year are listed, with their reach.
        assert sorted(map(int, payload["tw"])) == [i for i, c in enumerate(days["coarse"]) if c]
        for key, (before, after) in payload["tw"].items():
            i = int(key)
            assert first[i] - before == days["shown_first"].iloc[i]
            if not pd.isna(days["last"].iloc[i]):
                assert days["last"].iloc[i] + after == days["shown_last"].iloc[i]


def test_an_empty_layer_has_empty_days(shipped: gpd.GeoDataFrame) -> None:
    payload = encode_events(shipped.iloc[:0], "incident")
    assert (payload["d0"], payload["ts"], payload["tn"], payload["tw"]) == (0, [], [], {})
    assert event_days(shipped.iloc[:0]).empty
    assert not shown_between(shipped.iloc[:0], date(2023, 1, 1), date(2023, 1, 2)).any()


def test_playback_spans_the_view_window_or_the_dated_events(shipped: gpd.GeoDataFrame) -> None:
    window = Filters(start=date(2023, 9, 1), end=date(2023, 10, 31))
    assert time_domain(shipped, window) == (date(2023, 9, 1), date(2023, 10, 31))
    first, last = time_domain(shipped, Filters())
    dated = shipped[~shipped["start_open"].fillna(False).astype(bool)]
    assert first == dated["start"].min().date() and last == dated["start"].max().date()
    config = time_config(shipped, window, timeline=False, lang="fr")
    assert config["domain"] == [_day("2023-09-01"), _day("2023-10-31")]
    assert config["words"]["play"] == "Lecture" and config["names"]["kfor"] == "Présence de la KFOR"
    assert config["timeline"] is False and config["window"] is None and config["day"] is None
