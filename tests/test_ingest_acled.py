"""ACLED exports in both layouts: every awkward row ends up where it should, with its reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from layers.ingest import plan_import
from layers.ingest.acled import ACLED_URL, GEO_PRECISION
from layers.store import canonical_feature
from tests.ingest_fixtures import (
    ACLED_CURRENT,
    ACLED_OLDER,
    BANJSKA_SIEGE,
    ZVECAN_CLASHES,
    shipped_copy,
    snapshot,
)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return shipped_copy(tmp_path)


def test_current_layout_every_row_accounted_for(store: Path) -> None:
    before = snapshot(store)
    plan = plan_import("acled", ACLED_CURRENT, store)
    assert plan.layout == "ACLED export, current 31-column layout"
    assert plan.counts() == {
        "rows read": 17,
        "new events": 6,
        "outside the region": 2,  # Belgrade (174 km from the boundary), Rožaje (Montenegro)
        "duplicates": 3,
        "rejected rows": 6,
    }
    assert [(c.line, c.id) for c in plan.new] == [
        (4, "acled-XKX9003"),  # notes with quoted commas and a line break: lines 4-5
        (6, "acled-XKX9004"),
        (7, "acled-XKX9005"),
        (8, "acled-SRB9006"),  # Raška, Serbia, 8 km from the boundary
        (17, "acled-XKX9015"),
        (18, "acled-SRB9016"),  # Kuršumlija, 11 km
    ]
    assert [(d.line, d.candidate.id, d.kind, d.existing_id) for d in plan.duplicates] == [
        (2, "acled-XKX9001", "same_place_day_type", BANJSKA_SIEGE),
        (3, "acled-XKX9002", "same_place_day_type", ZVECAN_CLASHES),
        (15, "acled-XKX9004", "repeated_in_file", "acled-XKX9004"),
    ]
    assert "0.3 km apart, both incident/armed_clash" in plan.duplicates[0].reason
    assert "repeats line 6 of this file" in plan.duplicates[2].reason
    assert [(r.line, r.id, r.field) for r in plan.rejected] == [
        (11, "XKX9009", "latitude/longitude"),
        (12, "XKX9010", "latitude"),
        (12, "XKX9010", "longitude"),
        (13, "XKX9011", "event_date"),
        (14, "XKX9012", "latitude/longitude"),
        (16, "XKX9014", "event_type"),
        (19, "XKX9017", "properties.start"),
    ]
    reasons = [r.reason for r in plan.rejected]
    assert reasons[0] == "missing: the row has no coordinates"
    assert reasons[1].startswith("'42,9075' is not a number")
    assert reasons[3].startswith("'24/09/2023' is not a date")
    assert "look swapped" in reasons[4]
    assert reasons[5].startswith("'Unrest' is not an ACLED event type")
    assert "is in the future" in reasons[6]
    assert snapshot(store) == before  # planning writes nothing


def test_a_row_becomes_this_feature(store: Path) -> None:
    plan = plan_import("acled", ACLED_CURRENT, store)
    feature = next(c.feature for c in plan.new if c.id == "acled-XKX9003")
    assert feature == {
        "type": "Feature",
        "id": "acled-XKX9003",
        "geometry": {"type": "Point", "coordinates": [20.8667, 42.8914]},
        "properties": {
            "layer": "incident",
            "category": "protest",
            "title": "Peaceful protest in North Mitrovica",
            "summary": (
                'Around 1,000 people protested in North Mitrovica, demanding "the withdrawal" of special '
                "police units, and the departure of the mayors.\n[size=around 1,000]"
            ),
            "start": "2023-06-02",
            "time_precision": "day",
            "location": "North Mitrovica",
            "municipality": "North Mitrovica",
            "side": "XK",
            "location_precision": "approximate",
            "uncertainty_km": 2,
            "geometry_note": GEO_PRECISION["1"][1],
            "actors": ["Protesters (Kosovo)", "Serb Ethnic Group (Kosovo)"],
            "fatalities": 0,
            "injured": None,
            "confidence": "reported",
            "sources": [
                {
                    "url": ACLED_URL,
                    "publisher": "ACLED",
                    "original_publisher": "KoSSev",
                    "published": "2023-10-01",
                    "language": "en",
                    "title": "ACLED event XKX9003",
                    "dataset_id": "XKX9003",
                }
            ],
            "tags": ["Protests", "Peaceful protest"],
            "external_ids": {"acled": "XKX9003"},
        },
    }


def test_precision_categories_and_actors(store: Path) -> None:
    props = {c.id: c.feature["properties"] for c in plan_import("acled", ACLED_CURRENT, store).new}
    grenade = props["acled-XKX9005"]  # geo_precision 3, time_precision 2
    assert (grenade["category"], grenade["location_precision"], grenade["uncertainty_km"]) == (
        "explosion",
        "approximate",
        25,
    )
    assert grenade["time_precision"] == "week" and "larger region" in grenade["geometry_note"]
    arrest = props["acled-XKX9004"]  # geo_precision 2
    assert (arrest["category"], arrest["uncertainty_km"]) == ("arrest", 10)
    detention = props["acled-XKX9015"]
    assert detention["category"] == "detention"
    assert detention["actors"] == [
        "Military Forces of Serbia (2017-)",
        "Police Forces of Serbia (2017-)",
        "Gendarmerie",
        "Police Forces of Kosovo (2008-)",
    ]
    assert detention["sources"][0]["original_publisher"] == "Koha Ditore; Reuters"
    assert {props[i]["side"] for i in ("acled-SRB9006", "acled-SRB9016")} == {"RS"}
    assert props["acled-XKX9003"]["side"] == "XK"


def test_features_are_in_canonical_form(store: Path) -> None:
    for candidate in plan_import("acled", ACLED_CURRENT, store).new:
        assert canonical_feature(candidate.feature) == candidate.feature


def test_older_layout_with_day_month_year_dates(store: Path) -> None:
    plan = plan_import("acled", ACLED_OLDER, store)
    assert plan.layout == "ACLED export, older layout (data_id, iso3)"
    assert plan.counts() == {
        "rows read": 4,
        "new events": 2,
        "outside the region": 0,
        "duplicates": 1,
        "rejected rows": 1,
    }
    assert [(c.line, c.id, c.feature["properties"]["start"]) for c in plan.new] == [
        (3, "acled-XKX8002", "2023-06-02"),
        (5, "acled-XKX8004", "2023-06-14"),
    ]
    assert [(d.line, d.existing_id) for d in plan.duplicates] == [(2, BANJSKA_SIEGE)]
    assert [(r.line, r.field, r.reason) for r in plan.rejected] == [
        (4, "event_date", "'31 June 2023' is not a date (write 2023-09-24 or 24 September 2023)")
    ]


@pytest.mark.parametrize(
    ("distance", "serbian"),
    [(25.0, ["acled-SRB9006", "acled-SRB9016"]), (10.0, ["acled-SRB9006"]), (0.0, [])],
)
def test_reach_into_serbia(store: Path, distance: float, serbian: list[str]) -> None:
    plan = plan_import("acled", ACLED_CURRENT, store, max_distance_km=distance)
    assert [c.id for c in plan.new if c.feature["properties"]["side"] == "RS"] == serbian
    assert plan.outside == 2 + (2 - len(serbian))


def test_an_upload_reads_like_the_file(store: Path) -> None:
    from_file = plan_import("acled", ACLED_CURRENT, store)
    from_bytes = plan_import("acled", ACLED_CURRENT.read_bytes(), store, name="current-layout.csv")
    assert from_bytes.features == from_file.features
    assert from_bytes.rejected == from_file.rejected
    assert from_bytes.target == from_file.target
