"""check_features reports exactly what check_feature reports, feature by feature."""

from __future__ import annotations

import copy
import math
import random
from typing import Any

from layers.validate import check_feature, check_features
from tests.factories import make_feature
from tests.test_validate import FEATURE_CASES


def _variants() -> list[Any]:
    base = make_feature("base", location_precision="approximate", uncertainty_km=2, tags=["t"])
    base["properties"]["external_ids"] = {"acled": "XKX1"}
    base["properties"]["sources"][0]["dataset_id"] = "XKX1"
    features: list[Any] = [copy.deepcopy(base), make_feature("plain"), None, [], "text", {"type": "Feature"}]
    for name, mutate, _, _ in FEATURE_CASES:
        feature = make_feature(f"case-{name}")
        mutate(feature)
        features.append(feature)
    values: list[Any] = [
        None, 0, -1, 1.5, True, math.nan, math.inf, "", "x", "2023-09-24", "incident", "approximate",
        [], [""], ["x"], [1], {}, {"min": 1, "max": 0}, {"min": 1, "max": 2}, {"min": True, "max": 2},
        {"a": 1}, "https://example.org", "2023-13-01", "2023-09-24T25:00", "x" * 301,
    ]  # fmt: skip
    for name in [*base["properties"], "end", "municipality", "group", "geometry_note", "disputes", "x_extra"]:
        for value in values:
            feature = copy.deepcopy(base)
            feature["properties"][name] = value
            features.append(feature)
        feature = copy.deepcopy(base)
        feature["properties"].pop(name, None)
        features.append(feature)
    for name in [
        "url",
        "publisher",
        "original_publisher",
        "published",
        "language",
        "title",
        "dataset_id",
        "archived_url",
        "note",
        "other",
    ]:
        for value in values:
            feature = copy.deepcopy(base)
            feature["properties"]["sources"][0][name] = value
            features.append(feature)
    for geometry in [
        None,
        {"type": "Point", "coordinates": [20.7, 42.9, 100.0]},
        {"type": "Point", "coordinates": [20, 42]},
        {"type": "Point", "coordinates": ["20.7", 42.9]},
        {"type": "Point", "coordinates": [42.9, 20.7]},
        {"type": "Point", "coordinates": [math.nan, 42.9]},
        {"type": "Point", "coordinates": [20.7, 42.9], "bbox": [0, 0, 1, 1]},
        {"type": "LineString", "coordinates": [[20.5, 42.9], [20.6, 43.0]]},
    ]:
        feature = copy.deepcopy(base)
        feature["geometry"] = geometry
        features.append(feature)
    for key, value in [("id", 5), ("id", "bad id"), ("type", "feature"), ("extra", 1)]:
        feature = copy.deepcopy(base)
        feature[key] = value
        features.append(feature)
    return features


def test_same_results_as_one_by_one() -> None:
    features = _variants()
    batch = check_features(copy.deepcopy(features), file="f.geojson", start_index=3)
    single = [check_feature(f, file="f.geojson", index=3 + n) for n, f in enumerate(copy.deepcopy(features))]
    assert len(batch) == len(single) == len(features)
    for n, (got, expected) in enumerate(zip(batch, single, strict=True)):
        assert got == expected, (n, features[n])
    assert sum(checked is not None for checked, _ in batch) > 20  # valid ones took the fast path


def test_random_mutations() -> None:
    rng = random.Random(7)
    pool = _variants()
    features = []
    for _ in range(300):
        feature = copy.deepcopy(rng.choice(pool))
        if isinstance(feature, dict) and isinstance(feature.get("properties"), dict):
            other = rng.choice(pool)
            if isinstance(other, dict) and isinstance(other.get("properties"), dict) and other["properties"]:
                key = rng.choice(list(other["properties"]))
                feature["properties"][key] = copy.deepcopy(other["properties"][key])
        features.append(feature)
    assert check_features(copy.deepcopy(features)) == [
        check_feature(f, index=n) for n, f in enumerate(copy.deepcopy(features))
    ]
