"""check_features reports exactly what check_feature reports, feature by feature."""

from __future__ import annotations

import copy
import math
import random
from collections.abc import Iterator
from typing import Any

import pytest

from layers import validate
from layers.validate import check_feature, check_features
from tests.factories import make_feature
from tests.hostile import HOSTILE_FEATURES
from tests.test_validate import FEATURE_CASES


def _variants() -> list[Any]:
    base = make_feature("base", location_precision="approximate", uncertainty_km=2, tags=["t"])
    base["properties"]["external_ids"] = {"acled": "XKX1"}
    base["properties"]["title_i18n"] = {"fr": "Événement", "sr_Latn": "Događaj"}
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
    features.extend(copy.deepcopy(feature) for _, feature, _ in HOSTILE_FEATURES)
    for layer, category in [("kfor", "installation"), ("kfor", "riot"), (True, "riot"), ("deployment", 1)]:
        feature = copy.deepcopy(base)  # the if/then rules: categories belong to their layer
        feature["properties"].update(layer=layer, category=category)
        features.append(feature)
    for titles in [{"sq": "Ngjarje"}, {"sr_Latn": "Događaj", "xx": "?"}, {"sr_Latn": "Догађај"}, {"en": " "}]:
        feature = copy.deepcopy(base)  # translations of the title: one map, one rule per key
        feature["properties"]["title_i18n"] = titles
        features.append(feature)
    for count in [1, 1.0, True, {"min": 1.0, "max": 2}, {"min": 2, "max": True}]:
        feature = copy.deepcopy(base)  # JSON tells 1, 1.0 and true apart; Python's == does not
        feature["properties"]["fatalities"] = count
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


@pytest.fixture
def edited_schema(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """The event schema with edits a test makes; every compiled validator is rebuilt from it."""
    schema = copy.deepcopy(validate.event_schema())
    caches = [f for f in vars(validate).values() if callable(getattr(f, "cache_clear", None))]
    for cache in caches:
        cache.cache_clear()
    monkeypatch.setattr(validate, "event_schema", lambda: schema)
    yield schema
    monkeypatch.undo()
    for cache in caches:
        cache.cache_clear()


def test_the_schema_is_the_only_source_of_the_rules(edited_schema: dict[str, Any]) -> None:
    """No rule is written twice: edit the schema and both paths follow it."""
    fields = edited_schema["$defs"]["properties"]["properties"]
    fields["title"]["maxLength"] = 10
    fields["side"]["enum"].append("ZZ")
    fields["tags"]["maxItems"] = 1
    edited_schema["$defs"]["source"]["properties"]["language"]["pattern"] = "^en$"
    edited_schema["$defs"]["properties"]["allOf"][0]["then"]["properties"]["category"]["enum"].remove("riot")
    features = [
        make_feature("short-title", title="Short"),
        make_feature("long-title", title="Eleven char"),
        make_feature("new-side", side="ZZ"),
        make_feature("two-tags", tags=["a", "b"]),
        make_feature("riot", category="riot"),
        make_feature("serbian-source"),
    ]
    features[-1]["properties"]["sources"][0]["language"] = "sr"
    batch = check_features(copy.deepcopy(features))
    assert batch == [check_feature(f, index=n) for n, f in enumerate(copy.deepcopy(features))]
    kept = [checked.feature["id"] for checked, _ in batch if checked is not None]
    assert kept == ["short-title", "new-side"]
    fields_at_fault = {problems[0].id: problems[0].field for _, problems in batch if problems}
    assert fields_at_fault == {
        "long-title": "properties.title",
        "two-tags": "properties.tags",
        "riot": "properties.category",
        "serbian-source": "properties.sources.0.language",
    }


def _ring(x: float, y: float, size: float) -> list[list[float]]:
    return [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]


def _shape_variants() -> list[dict[str, Any]]:
    """Areas, lines and point sets: plain ones (built all at once) and every kind of odd one."""
    square, hole = _ring(20.5, 42.5, 0.2), _ring(20.55, 42.55, 0.05)
    plain = [
        {"type": "Polygon", "coordinates": [square]},
        {"type": "Polygon", "coordinates": [square, hole[::-1]]},
        {"type": "Polygon", "coordinates": [[[20, 42], [21, 42], [21, 43], [20, 42]]]},  # integers
        {"type": "MultiPolygon", "coordinates": [[square], [_ring(21.0, 42.0, 0.1)]]},
        {"type": "LineString", "coordinates": [[20.5, 42.9], [20.6, 43.0], [20.7, 43.05]]},
        {"type": "MultiLineString", "coordinates": [[[20.5, 42.9], [20.6, 43.0]], [[21, 42], [21.1, 42.2]]]},
        {"type": "MultiPoint", "coordinates": [[20.5, 42.9], [20.6, 43.0]]},
    ]
    odd = [
        {"type": "Polygon", "coordinates": [square[:-1]]},  # not closed
        {"type": "Polygon", "coordinates": [[[20, 42], [21, 42], [20, 42]]]},  # too short
        {"type": "Polygon", "coordinates": [[[20, 42], [21, 43], [21, 42], [20, 43], [20, 42]]]},  # bow tie
        {"type": "Polygon", "coordinates": [_ring(23.4, 42.0, 0.5)]},  # partly outside the region
        {"type": "Polygon", "coordinates": [[[20.5, 42.5, 1], *square[1:-1], [20.5, 42.5, 1]]]},  # heights
        {"type": "Polygon", "coordinates": [[]]},
        {"type": "Polygon", "coordinates": [[["20.5", 42.5], *square[1:]]]},
        {"type": "Polygon", "coordinates": [[[math.nan, 42.5], *square[1:-1], [math.nan, 42.5]]]},
        {"type": "Polygon", "coordinates": [[[True, 42.5], *square[1:-1], [True, 42.5]]]},
        {"type": "Polygon", "coordinates": [[[10**400, 42.5], *square[1:-1], [10**400, 42.5]]]},
        {"type": "MultiPolygon", "coordinates": [[square], []]},
        {"type": "LineString", "coordinates": [[20.5, 42.9]]},
        {"type": "MultiLineString", "coordinates": [[[20.5, 42.9], [20.6, 43.0]], [[21, 42]]]},
        {"type": "MultiPoint", "coordinates": [[20.5, 42.9], [42.9, 20.5]]},  # swapped
        {"type": "MultiPoint", "coordinates": [[20.5, 42.9], 20.6]},
        {"type": "GeometryCollection", "geometries": []},
    ]
    return plain + odd


def test_shapes_built_together_are_the_ones_built_one_by_one() -> None:
    shapes = _shape_variants()
    features = [
        make_feature(f"shape-{n}", layer="deployment", category="buildup", location_precision="area")
        for n in range(len(shapes))
    ]
    for feature, geometry in zip(features, shapes, strict=True):
        feature["geometry"] = geometry
    # Twice over, so that each kind of shape is built in a batch holding plain and odd ones.
    features += copy.deepcopy(features)
    batch = check_features(copy.deepcopy(features))
    single = [check_feature(f, index=n) for n, f in enumerate(copy.deepcopy(features))]
    assert batch == single
    kept = {checked.feature["id"] for checked, _ in batch if checked is not None}
    assert {f"shape-{n}" for n in range(7)} <= kept  # the plain ones, and odd ones GEOS repairs
    built = validate._shapes(shapes)  # the plain ones were built together, the odd ones left
    assert [geom is not None for geom in built] == [n < 7 for n in range(len(shapes))]
    for (checked, _), (expected, _) in zip(batch, single, strict=True):
        if checked is not None and expected is not None:
            assert checked.geometry.wkb == expected.geometry.wkb


class _Dict(dict[str, Any]):
    """A mapping that is not plain decoded JSON (the parts taken apart refuse it)."""


def _values() -> list[Any]:
    source = make_feature("s")["properties"]["sources"][0]
    claim = {"claim": "3 killed", "by": "Police"}
    plain: list[Any] = [
        None, 0, 1, 1.0, -1, 2**53, True, False, 1.5, math.nan, "", " ", "x", "x" * 301, "2023-09-24",
        "2023", "en", "EN", "https://example.org", "http://a b", "incident", "approximate", "XK",
    ]  # fmt: skip
    structured: list[Any] = [
        [], [""], ["x"], ["x", "y"], [1], [None], [[]], ("x",), {}, {"a": 1}, {"a": "b"}, {"acled": "X"},
        {"min": 1, "max": 2}, {"min": 1, "max": 2, "x": 3}, {"min": 1}, {"min": True, "max": 2},
        {"min": 1.0, "max": 2}, _Dict(min=1, max=2), source, {**source, "other": "x"},
        {k: v for k, v in source.items() if k != "title"}, {**source, "language": "EN"}, [source],
        [source, {**source, "url": "ftp://x"}], [source, None], _Dict(source), [_Dict(source)],
        claim, {"field": "fatalities", "claims": [claim, claim]}, {"field": "f", "claims": [claim]},
        [{"field": "fatalities", "claims": [claim, {**claim, "by": ""}]}],
        {"type": "Point", "coordinates": [20.7, 42.9]}, {"type": "Point"},
        {"type": "Circle", "coordinates": []},
        {"type": "Point", "coordinates": "20,42"}, {"type": "Polygon", "coordinates": [], "bbox": [1]},
        {"fr": "Titre", "sr_Latn": "Naslov"}, {"fr": ""}, {"xx": "?"},
    ]  # fmt: skip
    return plain + structured


def _plain(value: Any) -> bool:
    """Whether ``value`` is made only of what ``json.loads`` makes."""
    if type(value) is list:
        return all(map(_plain, value))
    if type(value) is dict:
        return all(map(_plain, value.values()))
    return type(value) in (str, int, float, bool, type(None))


def test_parts_taken_apart_accept_exactly_what_the_schema_accepts() -> None:
    """Each field's check, taken apart by _plan, agrees with the compiled schema of that field."""
    schema = validate.event_schema()
    parts = validate._parts()
    property_schemas = schema["$defs"]["properties"]["properties"]
    fields = [
        *((schema["properties"][name], plan) for name, plan in parts.feature_fields.items()),
        *((property_schemas[name], plan) for name, plan in parts.property_fields.items()),
        *((part, validate._plan(part)) for part in schema["$defs"].values()),
    ]
    taken_apart = 0
    for part, plan in fields:
        compiled = validate._compiled(part)
        check = plan()
        taken_apart += plan.__name__ != "make"  # not a compiled leaf
        for value in _values():
            expected = validate._passes(compiled, value)
            for _ in range(2):  # the second answer comes from what the check remembers
                if _plain(value):
                    assert check(value) is expected, (part, value)
                else:  # never more lenient; check_feature explains what fails here
                    assert expected or not check(value), (part, value)
    assert taken_apart >= 8  # sources, actors, tags, geometry, counts, titles…: not all compiled whole
