"""Merging GeoJSON: each feature checked against the schema, duplicates named, nothing guessed."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from layers.ingest import ImportFileError, apply_import, plan_import
from layers.store import read_store
from tests.factories import collection, make_feature, write_json
from tests.ingest_fixtures import snapshot


@pytest.fixture
def store(tmp_path: Path) -> Path:
    root = tmp_path / "store"
    existing = make_feature(
        "existing", start="2023-06-01", location_precision="approximate", uncertainty_km=1
    )
    existing["properties"]["external_ids"] = {"acled": "XKX1"}
    write_json(root / "main.geojson", collection(existing))
    return root


def _merge_file(tmp_path: Path) -> Path:
    new = make_feature("new-event", start="2023-07-01", title="New")
    same_id = make_feature("existing", start="2023-06-01", location_precision="approximate", uncertainty_km=1)
    same_id["properties"]["external_ids"] = {"acled": "XKX1"}
    same_source = make_feature("other-id", start="2023-08-01")
    same_source["properties"]["external_ids"] = {"acled": "XKX1"}
    same_place = make_feature("nearby", start="2023-06-01")  # 0 km, same day, incident/armed_clash
    broken = make_feature("broken", start="2023-02-30")
    broken["properties"]["sources"] = []
    repeated = make_feature("new-event", start="2023-07-01", title="New, again")
    return write_json(
        tmp_path / "colleague.geojson", collection(new, same_id, same_source, same_place, broken, repeated)
    )


def test_merge_sorts_every_feature(tmp_path: Path, store: Path) -> None:
    plan = plan_import("geojson", _merge_file(tmp_path), store)
    assert plan.counts() == {
        "rows read": 6,
        "new events": 1,
        "outside the region": 0,
        "duplicates": 4,
        "rejected rows": 1,
    }
    assert [c.id for c in plan.new] == ["new-event"]
    assert [(d.record, d.kind, d.existing_id) for d in plan.duplicates] == [
        (2, "same_id", "existing"),
        (3, "same_source_id", "existing"),
        (4, "same_place_day_type", "existing"),
        (6, "repeated_in_file", "new-event"),
    ]
    assert "same acled id XKX1 as existing (main.geojson)" in plan.duplicates[1].reason
    assert sorted((r.record, r.field) for r in plan.rejected) == [
        (5, "properties.sources"),
        (5, "properties.start"),
    ]
    assert str(plan.rejected[0]).startswith("feature 5 (broken) ")


def test_plain_geojson_is_read_and_every_feature_rejected_with_reasons(tmp_path: Path, store: Path) -> None:
    plain = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [20.78, 42.97]},
                "properties": {},
            },
            {"type": "Feature", "id": "p2", "geometry": None, "properties": {"name": "Banjska"}},
        ],
    }
    plan = plan_import("geojson", write_json(tmp_path / "plain.geojson", plain), store)
    assert plan.counts()["rejected rows"] == 2 and not plan.new
    fields = {(r.record, r.field) for r in plan.rejected}
    assert (1, "id") in fields and (1, "properties.layer") in fields
    assert (2, "properties") in fields  # 'name' is not a field of the schema


def test_a_single_feature_and_canonical_output(tmp_path: Path, store: Path) -> None:
    feature = make_feature("single", start="2023-07-02T14:05:00+02:00", time_precision="hour")
    feature["properties"] = dict(reversed(list(feature["properties"].items())))  # keys out of order
    path = tmp_path / "one.geojson"
    path.write_text(json.dumps(feature), encoding="utf-8")
    plan = plan_import("geojson", path, store)
    result = apply_import(plan)
    assert result.written == 1 and result.path == store / plan.target
    written = json.loads(result.path.read_text(encoding="utf-8"))["features"][0]
    assert list(written["properties"])[:3] == ["layer", "category", "title"]
    assert written["properties"]["start"] == "2023-07-02T14:05:00+02:00"
    assert read_store(store).report.ok


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"[1, 2]", "is 'list', not a GeoJSON FeatureCollection or Feature"),
        (b'{"type": "FeatureCollection", "features": [', "invalid JSON at line 1"),
        (b'{"type": "FeatureCollection", "features": []}', "has no features"),
        (b'{"type": "FeatureCollection", "features": {}}', "'features' must be a list"),
        (
            b'{"type": "FeatureCollection", "bordermon": {"schema_version": "2.0"}, "features": []}',
            "is bordermon schema '2.0'; this version reads 1.0",
        ),
        ('{"type": "FeatureCollection", "x": "Zvečan"}'.encode("cp1250"), "is not UTF-8"),
    ],
    ids=["list", "bad-json", "no-features", "features-not-a-list", "future-schema", "not-utf8"],
)
def test_bad_geojson_is_one_line_and_changes_nothing(
    tmp_path: Path, store: Path, raw: bytes, message: str
) -> None:
    before = snapshot(store)
    path = tmp_path / "bad.geojson"
    path.write_bytes(raw)
    with pytest.raises(ImportFileError) as caught:
        plan_import("geojson", path, store)
    assert message in str(caught.value) and "\n" not in str(caught.value)
    assert snapshot(store) == before


def test_merging_a_store_file_into_an_empty_store_keeps_every_event(tmp_path: Path) -> None:
    features = [make_feature(f"e{n}", start=f"2023-07-{n + 1:02d}") for n in range(5)]
    source = write_json(tmp_path / "export.geojson", collection(*copy.deepcopy(features)))
    plan = plan_import("geojson", source, tmp_path / "fresh")
    apply_import(plan)
    assert list(read_store(tmp_path / "fresh").events["id"]) == [f"e{n}" for n in range(5)]
