"""Each deliberately broken store file gives its own specific error, and nothing else is lost."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from layers.store import read_store
from layers.validate import check_feature
from tests.factories import collection, make_feature, write_json

Mutation = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Mutation:
    def mutate(feature: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = feature
        for key in parents:
            target = target[key]
        target[last] = value

    return mutate


def _delete(path: str) -> Mutation:
    def mutate(feature: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = feature
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        del target[last]

    return mutate


def _geometry(geometry: Any) -> Mutation:
    return _set("geometry", geometry)


BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[20.5, 42.9], [20.7, 43.1], [20.7, 42.9], [20.5, 43.1], [20.5, 42.9]]],
}

# (name, mutation of the feature, field reported, words of the reason)
FEATURE_CASES: list[tuple[str, Mutation, str, str]] = [
    ("missing-sources", _delete("properties.sources"), "properties.sources", "missing"),
    ("empty-sources", _set("properties.sources", []), "properties.sources", "must not be empty"),
    ("source-without-url", _delete("properties.sources"), "", ""),  # replaced below
    ("unparseable-date", _set("properties.start", "24/09/2023"), "properties.start", "not an ISO 8601 date"),
    ("impossible-date", _set("properties.start", "2023-02-30"), "properties.start", "not a real date"),
    ("future-date", _set("properties.start", "2199-01-01"), "properties.start", "in the future"),
    ("year-typo", _set("properties.start", "0203-09-24"), "properties.start", "typo in the year"),
    ("end-before-start", _set("properties.end", "2023-09-01"), "properties.end", "is before start"),
    ("self-intersecting", _geometry(BOWTIE), "geometry", "Self-intersection"),
    (
        "nan-coordinate",
        _geometry({"type": "Point", "coordinates": [math.nan, 42.9]}),
        "geometry.coordinates",
        "NaN",
    ),
    (
        "out-of-range",
        _geometry({"type": "Point", "coordinates": [200.0, 42.9]}),
        "geometry.coordinates",
        "out of range",
    ),
    (
        "lon-lat-swapped",
        _geometry({"type": "Point", "coordinates": [42.97, 20.78]}),
        "geometry.coordinates",
        "swapped",
    ),
    (
        "far-away",
        _geometry({"type": "Point", "coordinates": [2.35, 48.85]}),
        "geometry.coordinates",
        "far outside the region",
    ),
    (
        "malformed-coordinates",
        _geometry({"type": "LineString", "coordinates": [[20.5]]}),
        "geometry.coordinates",
        "malformed",
    ),
    (
        "range-reversed",
        _set("properties.fatalities", {"min": 5, "max": 3}),
        "properties.fatalities",
        "min 5 > max 3",
    ),
    ("negative-count", _set("properties.injured", -2), "properties.injured", "whole number >= 0"),
    ("wrong-category", _set("properties.category", "buildup"), "properties.category", "is not one of"),
    (
        "unknown-confidence",
        _set("properties.confidence", "certain"),
        "properties.confidence",
        "is not one of",
    ),
    (
        "approximate-without-radius",
        _set("properties.location_precision", "approximate"),
        "properties.uncertainty_km",
        "missing",
    ),
    ("null-geometry-with-position", _geometry(None), "geometry", "use 'none'"),
    ("typo-field", _set("properties.sumary", "x"), "properties", "sumary"),
    (
        "title-in-unknown-language",
        _set("properties.title_i18n", {"fr": "Titre", "de": "Titel"}),
        "properties.title_i18n.de",
        "'de' is not a language titles are translated into; use en, fr, sr_Latn, sq",
    ),
    (
        "title-in-cyrillic-key",
        _set("properties.title_i18n", {"sr_Cyrl": "Напад"}),
        "properties.title_i18n.sr_Cyrl",
        "Serbian is written once, in Latin script, as sr_Latn",
    ),
    (
        "title-translation-empty",
        _set("properties.title_i18n", {"fr": ""}),
        "properties.title_i18n.fr",
        "empty",
    ),
    (
        "title-translation-spaces",
        _set("properties.title_i18n", {"sq": "  "}),
        "properties.title_i18n.sq",
        "must not be empty or only spaces",
    ),
    (
        "title-translation-too-long",
        _set("properties.title_i18n", {"en": "x" * 301}),
        "properties.title_i18n.en",
        "is 301 characters long; a title has at most 300",
    ),
    (
        "title-translation-in-cyrillic",
        _set("properties.title_i18n", {"sr_Latn": "Напад на патролу"}),
        "properties.title_i18n.sr_Latn",
        "Cyrillic script",
    ),
    (
        "title-translations-not-a-map",
        _set("properties.title_i18n", "Titre"),
        "properties.title_i18n",
        "is not of type 'object'",
    ),
    (
        "title-translation-not-text",
        _set("properties.title_i18n", {"fr": 1}),
        "properties.title_i18n.fr",
        "string",
    ),
    ("bad-id", _set("id", "has spaces"), "id", "does not match"),
]
FEATURE_CASES[2] = (
    "source-without-url",
    _delete("properties.sources.0.url"),
    "properties.sources.0.url",
    "missing",
)


def _store_with(tmp_path: Path, bad: Any, *, raw: bytes | None = None) -> Path:
    store = tmp_path / "store"
    write_json(store / "good.geojson", collection(make_feature("good-1"), make_feature("good-2")))
    if raw is not None:
        (store / "bad.geojson").write_bytes(raw)
    else:
        write_json(store / "bad.geojson", bad)
    return store


@pytest.mark.parametrize(
    ("name", "mutate", "field", "reason"), FEATURE_CASES, ids=[c[0] for c in FEATURE_CASES]
)
def test_broken_feature_gets_its_own_error_and_nothing_else_is_lost(
    tmp_path: Path, name: str, mutate: Mutation, field: str, reason: str
) -> None:
    broken = make_feature(f"broken-{name}" if name != "bad-id" else "x")
    mutate(broken)
    store = read_store(_store_with(tmp_path, collection(make_feature("good-3"), broken)))

    errors = store.report.errors
    assert len(errors) == 1, [str(e) for e in errors]
    error = errors[0]
    assert (error.file, error.index) == ("bad.geojson", 1)
    assert error.field == field
    assert reason in error.reason
    assert store.report.set_aside == 1
    # The good features of both files are all kept, in order, with their positions.
    assert list(store.events["id"]) == ["good-3", "good-1", "good-2"]
    assert store.report.counts["incident"] == 3
    assert sorted(zip(store.events["file"], store.events["feature_index"], strict=True)) == [
        ("bad.geojson", 0),
        ("good.geojson", 0),
        ("good.geojson", 1),
    ]


FILE_CASES = [
    ("invalid-json", b'{"type": "FeatureCollection", "features": [', "invalid JSON at line 1"),
    (
        "not-a-collection",
        b'{"type": "Feature", "geometry": null, "properties": {}}',
        "not a FeatureCollection",
    ),
    ("a-list", b"[1, 2, 3]", "'list', not a FeatureCollection"),
    (
        "not-utf8",
        '{"type": "FeatureCollection", "features": [], "x": "Zve\u010dan"}'.encode("cp1250"),
        "not UTF-8",
    ),
    ("empty-file", b"", "is empty"),
]


@pytest.mark.parametrize(("name", "raw", "reason"), FILE_CASES, ids=[c[0] for c in FILE_CASES])
def test_broken_file_is_reported_and_the_other_files_still_load(
    tmp_path: Path, name: str, raw: bytes, reason: str
) -> None:
    store = read_store(_store_with(tmp_path, None, raw=raw))
    assert [(p.file, p.index) for p in store.report.errors] == [("bad.geojson", None)]
    assert reason in store.report.errors[0].reason
    assert list(store.events["id"]) == ["good-1", "good-2"]


def test_duplicate_ids_across_files_keep_the_first_and_name_it(tmp_path: Path) -> None:
    store_dir = _store_with(tmp_path, collection())
    write_json(
        store_dir / "later.geojson", collection(make_feature("new-1"), make_feature("good-2", title="Other"))
    )
    store = read_store(store_dir)
    (error,) = store.report.errors
    assert (error.file, error.index, error.id, error.field) == ("later.geojson", 1, "good-2", "id")
    assert "already used by good.geojson feature 1" in error.reason
    assert store.events.set_index("id").loc["good-2", "title"] == "Test event"
    assert store.report.set_aside == 1


def test_duplicate_id_within_one_file(tmp_path: Path) -> None:
    store = read_store(write_json(tmp_path / "one.geojson", collection(make_feature("a"), make_feature("a"))))
    assert [(p.index, p.field) for p in store.report.errors] == [(1, "id")]


def test_every_problem_of_a_feature_is_listed(tmp_path: Path) -> None:
    feature = make_feature("many")
    feature["properties"]["sources"] = []
    feature["properties"]["confidence"] = "sure"
    feature["properties"]["start"] = "2023-13-01"
    _, problems = check_feature(feature)
    fields = {p.field for p in problems}
    assert {"properties.sources", "properties.confidence", "properties.start"} <= fields


def test_valid_variants_pass() -> None:
    variants = [
        make_feature(
            start="2023-09-24T02:00:00+02:00", end="2023-09-24T03:00:00+02:00", time_precision="hour"
        ),
        make_feature(fatalities={"min": 3, "max": 5}, injured=2),
        make_feature(location_precision="approximate", uncertainty_km=1.5),
    ]
    none = make_feature(location_precision="none", side="disputed")
    none["geometry"] = None
    area = make_feature(location_precision="area", layer="deployment", category="buildup", side="RS")
    area["geometry"] = {
        "type": "Polygon",
        "coordinates": [[[20.5, 43.2], [20.7, 43.2], [20.7, 43.3], [20.5, 43.3], [20.5, 43.2]]],
    }
    translated = [
        make_feature(
            title_i18n={"en": "An event", "fr": "Un événement", "sr_Latn": "Događaj", "sq": "Ngjarje"}
        ),
        make_feature(title_i18n={"fr": "é" * 300}),  # as long as a title may be
        make_feature(title_i18n={}),  # nothing translated (the canonical form leaves it out)
    ]
    for feature in [*variants, none, area, *translated]:
        checked, problems = check_feature(copy.deepcopy(feature))
        assert checked is not None and not problems, [str(p) for p in problems]


def test_schema_version_mismatch_sets_the_file_aside(tmp_path: Path) -> None:
    data = collection(make_feature("a"))
    data["bordermon"]["schema_version"] = "9.0"
    store = read_store(write_json(tmp_path / "s" / "future.geojson", data))
    assert store.report.set_aside == 1
    assert "reads 1.0" in store.report.errors[0].reason


def test_a_bad_translation_names_file_feature_id_language_and_reason(tmp_path: Path) -> None:
    """A curator finds the record and the language from the report line alone."""
    bad = make_feature("2023-09-24-banjska", title_i18n={"fr": "Embuscade à Banjska", "de": "Hinterhalt"})
    store = read_store(_store_with(tmp_path, collection(make_feature("kept"), bad)))
    (error,) = store.report.errors
    assert str(error) == (
        "ERROR   bad.geojson feature 1 id=2023-09-24-banjska properties.title_i18n.de: "
        "'de' is not a language titles are translated into; use en, fr, sr_Latn, sq"
    )
    assert store.report.set_aside == 1 and "kept" in set(store.events["id"])
