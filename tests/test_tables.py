"""Tables, key figures and downloads of a selection."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from layers.store import read_store
from layers.tables import casualty_text, csv_bytes, events_table, geojson_bytes, key_figures
from tests.factories import collection, make_feature, write_json


@pytest.fixture
def events(tmp_path: Path) -> gpd.GeoDataFrame:
    deployment = {"layer": "deployment", "category": "buildup", "side": "RS"}
    hostile = make_feature(
        "evil", title='=HYPERLINK("http://x")', summary="+1 cmd", fatalities={"min": 3, "max": 5}, injured=2
    )
    hostile["properties"]["actors"] = ["@attacker", "-minus"]
    features = [
        hostile,
        make_feature("two", fatalities=1, injured=None, time_precision="month", start="2023-09-01"),
        make_feature("dep", start="2023-09-29", **deployment),
        make_feature("uk", layer="kfor", category="reinforcement", start="2023-10-06"),
    ]
    return read_store(write_json(tmp_path / "s.geojson", collection(*features))).events


def test_key_figures_sum_ranges_and_count_active_reports(events: gpd.GeoDataFrame) -> None:
    figures = key_figures(events, total=10, as_of=date(2023, 10, 1))
    assert (figures.shown, figures.total, figures.incidents) == (4, 10, 2)
    assert figures.fatalities == (4, 6)
    assert figures.injured == (2, 2)
    assert figures.deployments_active == 1 and figures.reinforcements == 1
    assert key_figures(events, 10, as_of=date(2023, 12, 1)).deployments_active == 0


def test_key_figures_name_the_day_deployments_are_counted_on(events: gpd.GeoDataFrame) -> None:
    assert key_figures(events, 10, as_of=date(2023, 10, 1)).deployments_day == date(2023, 10, 1)
    # Without an "as of" day, the last day with data in the selection.
    last = key_figures(events, 10)
    assert last.deployments_day == date(2023, 10, 6) and last.deployments_active == 1
    assert key_figures(events.iloc[:0], 10).deployments_day is None


def test_text_helpers() -> None:
    assert (
        casualty_text(3, 5) == "3–5"
        and casualty_text(2, 2) == "2"
        and casualty_text(pd.NA, pd.NA) == "unknown"
    )


def test_csv_neutralises_formulas_and_keeps_every_row(events: gpd.GeoDataFrame) -> None:
    data = csv_bytes(events_table(events))
    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r["id"] for r in rows] == list(events.sort_values(["start", "id"])["id"])  # in time order
    evil = next(r for r in rows if r["id"] == "evil")
    assert evil["title"] == '\'=HYPERLINK("http://x")'
    assert evil["summary"] == "'+1 cmd"
    assert evil["actors"] == "'@attacker; -minus"
    assert evil["fatalities"] == "3–5"
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value


def test_geojson_download_is_exactly_the_selection(events: gpd.GeoDataFrame, tmp_path: Path) -> None:
    subset = events[events["layer"] == "incident"]
    path = tmp_path / "download.geojson"
    path.write_bytes(geojson_bytes(subset))
    again = read_store(path)
    assert again.report.ok and list(again.events["id"]) == ["evil", "two"]
    assert json.loads(path.read_text(encoding="utf-8"))["features"][0]["properties"]["fatalities"] == {
        "min": 3,
        "max": 5,
    }


def test_measure_facts_in_words() -> None:
    from layers.tables import measure_facts

    assert measure_facts({"distance_to_boundary_km": pd.NA}, area=False) == {}
    row = {
        "distance_to_boundary_km": -2.04,
        "distance_min_km": -3.0,
        "distance_max_km": 0.01,
        "side_measured": "RS",
        "in_gsz": pd.NA,
        "in_asz": True,
        "nearest_crossing": "Jarinje / Jarinjë",
        "nearest_crossing_km": 4.25,
        "nearest_kfor": pd.NA,
    }
    facts = measure_facts(row, area=False)
    assert (
        facts["Distance to the boundary"]
        == "2.0 km outside Kosovo (from 3.0 km outside Kosovo to on the line)"
    )
    assert facts["In the 1999 GSZ (5 km) / ASZ (25 km)"] == "maybe (the uncertainty straddles the edge) / yes"
    assert facts["Nearest crossing"] == "Jarinje / Jarinjë, 4.2 km"
    assert "Nearest KFOR installation" not in facts
    assert measure_facts(row, area=True)["In the 1999 GSZ (5 km) / ASZ (25 km)"] == "partly / yes"


def test_the_table_is_in_time_order_with_plain_columns_for_computing(tmp_path: Path) -> None:
    features = [
        make_feature("late", start="2023-10-02T14:30:00+02:00", fatalities={"min": 3, "max": 5}),
        make_feature("early", start="2023-05-29", injured=2, end="2023-05-30"),
        make_feature("area", start="2023-06-01", location_precision="area"),
        make_feature("nowhere", start="2023-06-01", location_precision="none"),
    ]
    features[2]["geometry"] = {
        "type": "Polygon",
        "coordinates": [[[20.7, 42.9], [20.8, 42.9], [20.8, 43.0], [20.7, 43.0], [20.7, 42.9]]],
    }
    features[3]["geometry"] = None
    events = read_store(write_json(tmp_path / "s.geojson", collection(*features))).events
    rows = list(csv.DictReader(io.StringIO(csv_bytes(events_table(events)).decode("utf-8-sig"))))
    assert [r["id"] for r in rows] == ["early", "area", "nowhere", "late"]
    early, area, nowhere, late = rows
    assert (early["start"], early["end"], early["lon"], early["lat"]) == (
        "2023-05-29",
        "2023-05-30",
        "20.7825",
        "42.97139",
    )
    assert (early["injured_min"], early["injured_max"], early["fatalities_min"]) == ("2", "2", "")
    assert (late["fatalities"], late["fatalities_min"], late["fatalities_max"]) == ("3–5", "3", "5")
    assert late["start"] == "2023-10-02T14:30:00+02:00" and late["end"] == ""
    assert area["lon"] == area["lat"] == nowhere["lon"] == ""


def test_active_deployments_count_whole_days_across_the_autumn_clock_change(tmp_path: Path) -> None:
    # 29 Oct 2023 has 25 hours in Kosovo: a report starting at 23:30 that day is active on it.
    report = make_feature(
        "late",
        layer="deployment",
        category="buildup",
        side="RS",
        start="2023-10-29T23:30",
        time_precision="hour",
    )
    events = read_store(write_json(tmp_path / "s.geojson", collection(report)), cache=None).events
    assert key_figures(events, 1, date(2023, 10, 29)).deployments_active == 1
    assert key_figures(events, 1, date(2023, 10, 28)).deployments_active == 0


def test_the_when_column_is_describe_when_of_each_event_in_every_language() -> None:
    import numpy as np

    from layers.paths import SHIPPED_STORE
    from layers.vocabulary import LAYER_TIME_RULES, describe_when

    events = read_store(SHIPPED_STORE).events
    many = pd.concat(
        [events, events.assign(start=events["start"] + pd.Timedelta(days=400, hours=5))], ignore_index=True
    )
    many["id"] = [f"e{n}" for n in range(len(many))]
    ordered = many.iloc[np.lexsort((many["id"].to_numpy(dtype=str), many["start"].to_numpy()))]
    for lang in ("en", "sr_Cyrl", "sq"):
        expected = [
            describe_when(start, end, precision, interval=LAYER_TIME_RULES[layer].lasts, lang=lang)
            for start, end, precision, layer in zip(
                ordered["start"], ordered["end"], ordered["time_precision"], ordered["layer"], strict=True
            )
        ]
        assert events_table(many, lang=lang)["when"].tolist() == expected
