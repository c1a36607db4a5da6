"""Hostile records: each must be set aside on its own, never make the store unreadable.

Built in code (a file of 100,000 ``[`` is easier to make than to keep). Every entry
says which field the report must name.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.factories import collection, make_feature

#: A 400-digit integer: valid JSON, but no float can hold it.
HUGE = 10**399


def _with_geometry(fid: str, coordinates: Any) -> dict[str, Any]:
    feature = make_feature(fid)
    feature["geometry"] = {"type": "Point", "coordinates": coordinates}
    return feature


def _deep(levels: int) -> Any:
    value: Any = "bottom"
    for _ in range(levels):
        value = [value]
    return value


#: (id, feature, the field the report names)
HOSTILE_FEATURES: list[tuple[str, dict[str, Any], str]] = [
    ("huge-fatalities", make_feature("huge-fatalities", fatalities=10**30), "properties.fatalities"),
    ("huge-injured", make_feature("huge-injured", injured={"min": 0, "max": 10**20}), "properties.injured"),
    ("huge-longitude", _with_geometry("huge-longitude", [HUGE, 42.9]), "geometry.coordinates"),
    ("huge-latitude", _with_geometry("huge-latitude", [20.7, -HUGE]), "geometry.coordinates"),
    ("text-coordinates", _with_geometry("text-coordinates", ["20.7825", "42.97139"]), "geometry.coordinates"),
    ("nested-point", _with_geometry("nested-point", [[20.7825, 42.97139]]), "geometry.coordinates"),
    (
        "nan-uncertainty",
        make_feature("nan-uncertainty", location_precision="approximate", uncertainty_km=float("nan")),
        "properties.uncertainty_km",
    ),
    ("deep-extension", make_feature("deep-extension", x_notes=_deep(200)), "properties.x_notes"),
]

#: Files that cannot be read at all: (name, text).
UNREADABLE_FILES: list[tuple[str, str]] = [
    ("brackets.geojson", "[" * 100_000),
    ("long-number.geojson", '{"type": "FeatureCollection", "features": [' + "9" * 5000 + "]}"),
]

#: Valid events kept beside the hostile ones.
GOOD_IDS = ("good-before", "good-between", "good-after")


def hostile_collection() -> str:
    """A collection text: good events with every hostile record between them."""
    good = [make_feature(fid, start=f"2023-09-{20 + n}") for n, fid in enumerate(GOOD_IDS)]
    features = [
        good[0],
        *(f for _, f, _ in HOSTILE_FEATURES[:4]),
        good[1],
        *(f for _, f, _ in HOSTILE_FEATURES[4:]),
        good[2],
    ]
    return json.dumps(collection(*features), ensure_ascii=False, indent=2) + "\n"


def write_hostile_store(root: Path) -> Path:
    """A store of one collection with hostile records and the unreadable files."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "events.geojson").write_text(hostile_collection(), encoding="utf-8")
    for name, text in UNREADABLE_FILES:
        (root / name).write_text(text, encoding="utf-8")
    return root
