"""Small, valid store features built in code; tests break them on purpose."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

SOURCE = {
    "url": "https://example.org/report",
    "publisher": "Example Wire",
    "published": "2023-09-24",
    "language": "en",
    "title": "Test report",
}


def make_feature(fid: str = "test-1", **props: Any) -> dict[str, Any]:
    """A valid incident at Banjska Monastery; keyword arguments override properties."""
    feature: dict[str, Any] = {
        "type": "Feature",
        "id": fid,
        "geometry": {"type": "Point", "coordinates": [20.7825, 42.97139]},
        "properties": {
            "layer": "incident",
            "category": "armed_clash",
            "title": "Test event",
            "summary": "A test event.",
            "start": "2023-09-24",
            "time_precision": "day",
            "location": "Banjska / Banjskë",
            "municipality": "Zvečan / Zveçan",
            "side": "XK",
            "location_precision": "exact",
            "actors": ["Kosovo Police"],
            "fatalities": None,
            "injured": None,
            "confidence": "reported",
            "sources": [copy.deepcopy(SOURCE)],
        },
    }
    feature["properties"].update(props)
    return feature


def collection(*features: Any) -> dict[str, Any]:
    return {"type": "FeatureCollection", "bordermon": {"schema_version": "1.0"}, "features": list(features)}


def write_json(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def write_imported_store(root: Path) -> Path:
    """A store drawing on two sources: two curated incidents, the newest of 28 Nov 2026, and
    an ACLED import stamped 1 Dec 2026 23:30 UTC (2 Dec in Kosovo) holding one event."""
    curated = collection(make_feature("a"), make_feature("b", start="2026-11-28"))
    write_json(root / "incidents.geojson", curated)
    imported = collection(make_feature("acled-1", start="2026-11-20"))
    stamp = {"kind": "acled", "file": "x.csv", "imported": "2026-12-01T23:30:00+00:00"}
    imported["bordermon"]["import"] = stamp
    write_json(root / "imports" / "acled-x-0123456789.geojson", imported)
    return root
