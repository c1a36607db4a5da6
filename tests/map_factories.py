"""A small store with every kind of event the map draws, and text built to break HTML."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import geopandas as gpd
from shapely.geometry import Point

from tests.factories import SOURCE, collection, make_feature, write_json

#: Text that must reach the page as text: script end tags, an HTML comment, quotes,
#: backslashes, Jinja delimiters, an event handler, a line separator and an entity.
HOSTILE = (
    "</script><script>window.__pwned=1</script><!-- \"double\" 'single' \\back\\slash "
    '{{ 7*7 }} {% raw %} <img src=x onerror="window.__pwned=1"> \u2028 &amp; </style>'
)
HOSTILE_URL = "https://example.org/</script><script>window.__pwned=1</script>?q=\"'\\"


def _square(lon: float, lat: float, d: float) -> dict[str, Any]:
    ring = [
        [lon - d, lat - d],
        [lon + d, lat - d],
        [lon + d, lat + d],
        [lon - d, lat + d],
        [lon - d, lat - d],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def map_features() -> list[dict[str, Any]]:
    """Events of every layer and precision, one with hostile text in every text field."""
    exact = make_feature(
        "inc-exact",
        category="armed_attack",
        title="Shots fired at the Jarinje crossing",
        location="Jarinje / Jarinjë",
        municipality="Leposavić / Leposaviq",
        fatalities=2,
        injured={"min": 1, "max": 3},
        confidence="confirmed",
        sources=[
            copy.deepcopy(SOURCE),
            {
                "url": "https://example.org/second",
                "publisher": "Second Paper",
                "original_publisher": "Wire Agency",
                "published": "2023-09-25",
                "language": "sr",
                "title": "Second report",
            },
        ],
    )
    exact["geometry"]["coordinates"] = [20.70, 43.20]
    approximate = make_feature(
        "inc-approx",
        category="protest",
        title="Protest near Zvečan",
        location_precision="approximate",
        uncertainty_km=5,
        start="2023-06-01",
        time_precision="week",
    )
    approximate["geometry"]["coordinates"] = [20.90, 42.85]
    area = make_feature(
        "inc-area",
        category="detention",
        title="Detentions around Zubin Potok",
        location_precision="area",
        geometry_note="the municipality, as the sources give no village",
    )
    area["geometry"] = _square(20.62, 42.90, 0.03)
    unmapped = make_feature(
        "inc-none", title="Decision announced in Brussels", location_precision="none", side=None
    )
    unmapped["geometry"] = None
    hour = make_feature(
        "inc-hour",
        category="explosion",
        title="Explosion at night",
        start="2023-09-24T02:30",
        time_precision="hour",
    )
    hour["geometry"]["coordinates"] = [21.10, 42.80]
    hostile_source = {
        "url": HOSTILE_URL,
        "publisher": HOSTILE,
        "original_publisher": HOSTILE + " wire",
        "published": "2023-09-24",
        "language": "en",
        "title": HOSTILE,
        "dataset_id": HOSTILE,
    }
    hostile = make_feature(
        "inc-hostile",
        category="riot",
        title=HOSTILE,
        summary=HOSTILE,
        location=HOSTILE,
        municipality=HOSTILE + " municipality",
        actors=[HOSTILE, "Kosovo Police"],
        geometry_note=HOSTILE,
        group=HOSTILE,
        tags=[HOSTILE],
        sources=[hostile_source],
    )
    hostile["geometry"]["coordinates"] = [21.00, 43.00]
    zone = make_feature(
        "dep-zone",
        layer="deployment",
        category="buildup",
        title="Reported build-up near Raška",
        start="2023-09-25",
        end="2023-10-05",
        location="Raška",
        municipality="Raška",
        side="RS",
        location_precision="area",
        confidence="claimed",
    )
    zone["geometry"] = _square(20.62, 43.28, 0.05)
    readiness = make_feature(
        "dep-point",
        layer="deployment",
        category="readiness",
        title="Units on raised readiness",
        start="2023-09-29",
        location="Kuršumlija",
        municipality="Kuršumlija",
        side="RS",
        location_precision="area",
        uncertainty_km=8,
    )
    readiness["geometry"]["coordinates"] = [21.27, 43.14]
    kfor = make_feature(
        "kfor-1",
        layer="kfor",
        category="reinforcement",
        title="KFOR reinforcement arrives",
        start="2023-10-01",
        location="Camp Bondsteel",
        municipality="Uroševac / Ferizaj",
        actors=["KFOR"],
    )
    kfor["geometry"]["coordinates"] = [21.25, 42.37]
    return [exact, approximate, area, unmapped, hour, hostile, zone, readiness, kfor]


#: A place in Serbia about 9 km from the boundary (west of Raška), lon/lat.
IN_SERBIA: tuple[float, float] = (20.50, 43.25)


def moved(events: gpd.GeoDataFrame, event_id: str, lon: float, lat: float) -> gpd.GeoDataFrame:
    """A copy of ``events`` with one event moved to a point (to put it in another band)."""
    out = events.copy()
    out.loc[out["id"] == event_id, out.geometry.name] = Point(lon, lat)
    return out


def write_map_store(directory: Path) -> Path:
    """Write the store of :func:`map_features` into ``directory``; returns its path."""
    write_json(directory / "events.geojson", collection(*map_features()))
    return directory


_CALL = re.compile(r"bordermon\.(addEvents|addReference)\([^,]+, [^,]+, '((?:[^'\\]|\\.)*)', \"(\w+)\"")


def js_literal(body: str) -> str:
    """Decode the body of a single-quoted JavaScript string literal as the page writes it."""

    def unescape(match: re.Match[str]) -> str:
        escape = match.group(1)
        return chr(int(escape[1:], 16)) if escape.startswith("u") and len(escape) == 5 else escape

    return re.sub(r"\\(u[0-9a-fA-F]{4}|.)", unescape, body, flags=re.DOTALL)


def payloads(page: str) -> dict[str, Any]:
    """The data of every event and reference layer in a rendered page, by layer key."""
    return {match.group(3): json.loads(js_literal(match.group(2))) for match in _CALL.finditer(page)}
