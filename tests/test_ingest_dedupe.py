"""Duplicates: the same id or source id, or the same place, day and type; never merged."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from layers.ingest.dedupe import find_duplicates, index_store
from layers.ingest.model import Candidate, source_keys
from layers.paths import SHIPPED_STORE
from layers.store import StoreError, collection_files, read_store
from layers.validate import check_features
from tests.factories import collection, make_feature, write_json

# 0.01° of longitude at 43° N is about 0.81 km; of latitude, 1.11 km.
BANJSKA = (20.7825, 42.97139)


def _at(fid: str, lon: float, lat: float, **props: Any) -> dict[str, Any]:
    feature = make_feature(fid, **props)
    feature["geometry"] = {"type": "Point", "coordinates": [lon, lat]}
    return feature


def _candidates(*features: dict[str, Any]) -> list[Candidate]:
    out = []
    for n, (checked, problems) in enumerate(check_features(list(features), file="in.csv")):
        assert checked is not None, problems
        out.append(Candidate(n + 1, n + 2, checked))
    return out


@pytest.fixture
def store(tmp_path: Path) -> Path:
    stored = [
        _at("siege", *BANJSKA, start="2023-09-24"),
        _at("approx", 20.9, 43.1, start="2023-06-01", location_precision="approximate", uncertainty_km=5),
        _at(
            "long-deployment",
            20.7,
            43.2,
            layer="deployment",
            category="buildup",
            start="2023-01-01",
            end="2023-12-31",
            side="RS",
        ),
        _at("acled-stored", 21.0, 42.7, start="2023-07-01", external_ids={"acled": "XKX1"}),
    ]
    no_place = make_feature("no-place", start="2023-09-24", location_precision="none")
    no_place["geometry"] = None
    write_json(tmp_path / "store" / "s.geojson", collection(*stored, no_place))
    return tmp_path / "store"


def _kinds(store: Path, *features: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(id, kind, stored id) for each feature: "new" when it is not a duplicate."""
    candidates = _candidates(*features)
    _, duplicates = find_duplicates(candidates, index_store(store))
    found = {d.candidate.id: (d.kind, d.existing_id) for d in duplicates}
    return [(c.id, *found.get(c.id, ("new", ""))) for c in candidates]


def test_place_tolerance_grows_with_the_uncertainty(store: Path) -> None:
    lon, lat = BANJSKA
    assert _kinds(
        store,
        _at("near", lon + 0.01, lat, start="2023-09-24"),  # 0.8 km: within 1 km
        _at("far", lon + 0.02, lat, start="2023-09-24"),  # 1.6 km
        _at(
            "far-but-vague",
            lon + 0.02,
            lat,
            start="2023-09-24",
            location_precision="approximate",
            uncertainty_km=2,
        ),  # 1.6 km <= 1 + 2 km
        _at("other-day", lon, lat, start="2023-09-23"),
        _at("other-type", lon, lat, start="2023-09-24", category="protest"),
        _at("near-approx", 20.9, 43.14, start="2023-06-01"),  # 4.4 km from a ±5 km event
    ) == [
        ("near", "same_place_day_type", "siege"),
        ("far", "new", ""),
        ("far-but-vague", "same_place_day_type", "siege"),
        ("other-day", "new", ""),
        ("other-type", "new", ""),
        ("near-approx", "same_place_day_type", "approx"),
    ]


def test_days_overlap_and_long_intervals(store: Path) -> None:
    assert _kinds(
        store,
        _at("week", *BANJSKA, start="2023-09-20", end="2023-09-26", time_precision="week"),
        _at(
            "inside-deployment",
            20.7,
            43.2,
            layer="deployment",
            category="buildup",
            start="2023-08-15",
            side="RS",
        ),
    ) == [
        ("week", "same_place_day_type", "siege"),
        ("inside-deployment", "same_place_day_type", "long-deployment"),
    ]


def test_ids_and_source_ids(store: Path) -> None:
    same_source = _at("x", 21.0, 42.7, start="2023-07-01")
    same_source["properties"]["sources"][0]["dataset_id"] = "XKX1"
    other_acled = _at("y", 21.0, 42.7, start="2023-07-01", external_ids={"acled": "XKX2"})
    assert _kinds(store, _at("siege", *BANJSKA, start="2023-09-24"), same_source, other_acled) == [
        ("siege", "same_id", "siege"),
        ("x", "same_source_id", "acled-stored"),
        ("y", "new", ""),  # another ACLED event at the same place and day: distinct by ACLED's account
    ]


def test_possible_duplicates_can_be_left_to_the_caller(store: Path) -> None:
    candidates = _candidates(_at("near", *BANJSKA, start="2023-09-24"))
    new, duplicates = find_duplicates(candidates, index_store(store), check_place=False)
    assert [c.id for c in new] == ["near"] and not duplicates


def _index_from_the_files(
    root: Path,
) -> tuple[dict[str, str], dict[tuple[str, str], tuple[str, str]], list[str]]:
    """What the index must hold, worked out from the GeoJSON files feature by feature."""
    ids: dict[str, str] = {}
    keys: dict[tuple[str, str], tuple[str, str]] = {}
    located: list[str] = []
    store = read_store(root, cache=None)
    valid = set(store.events["id"])
    for file in collection_files(root):
        label = file.relative_to(root).as_posix()
        data = json.loads(file.read_text(encoding="utf-8"))
        for feature in data["features"]:
            if isinstance(feature.get("id"), str):
                ids.setdefault(feature["id"], label)
    for row in store.events.itertuples():
        for key in source_keys({"properties": {"external_ids": row.external_ids, "sources": row.sources}}):
            keys.setdefault(key, (row.id, row.file))
        if row.geometry is not None:
            located.append(row.id)
    assert valid >= set(located)
    return ids, keys, sorted(located)


def test_the_index_read_through_snapshots_holds_what_the_files_hold(tmp_path: Path) -> None:
    root = tmp_path / "store"
    shutil.copytree(SHIPPED_STORE, root)
    broken = make_feature("later-valid", start="not a day")  # set aside here, valid in a later file
    other_schema = collection(make_feature("old-schema-event"))
    other_schema["bordermon"]["schema_version"] = "0.1"
    cited = _at("cites-acled", 20.9, 43.0, start="2023-03-01")
    cited["properties"]["sources"][0]["dataset_id"] = "XKX77"
    late = _at("late-night", 20.95, 43.05, start="2023-03-01T23:30:00+00:00", external_ids={"acled": "XKX78"})
    nowhere = make_feature("nowhere", location_precision="none")
    nowhere["geometry"] = None
    write_json(root / "a-first.geojson", collection(broken, cited))
    write_json(root / "z-later.geojson", collection(make_feature("later-valid"), late, nowhere))
    write_json(root / "z-old.geojson", other_schema)

    index = index_store(root)
    ids, keys, located = _index_from_the_files(root)
    assert index.ids == ids and index.ids["later-valid"] == "a-first.geojson"
    assert "old-schema-event" in index.ids
    assert index.keys == keys
    assert keys[("dataset_id", "XKX77")] == ("cites-acled", "a-first.geojson")
    assert keys[("acled", "XKX78")] == ("late-night", "z-later.geojson")
    assert sorted(index.events["id"]) == located and "nowhere" not in located
    # Days are the region's: 23:30 UTC on 1 March is 2 March in Belgrade.
    row = index.events.set_index("id").loc["late-night"]
    assert (row["start"], row["end"]) == (date(2023, 3, 2).toordinal(),) * 2
    assert index_store(root).ids == ids  # the second time from the snapshots alone


def test_a_store_file_that_cannot_be_read_stops_the_index(tmp_path: Path) -> None:
    write_json(tmp_path / "store" / "a.geojson", collection(make_feature("a")))
    (tmp_path / "store" / "b.geojson").write_text("{not json", encoding="utf-8")
    with pytest.raises(StoreError, match="cannot be read") as raised:
        index_store(tmp_path / "store")
    assert raised.value.problems[0].file == "b.geojson"
