#!/usr/bin/env python3
"""Rebuild the reference geography in ``geodata/reference/`` from a pinned npm package.

Usage::

    python scripts/build_reference.py [--package-dir DIR | --tarball FILE] [--out-dir DIR]

The input is ``map.geo.json`` of ``@geo-maps/countries-maritime-10m@0.6.0``
(OpenStreetMap-derived, ODbL 1.0). By default it is read from
``node_modules/@geo-maps/countries-maritime-10m/`` under the repository root, where
``npm install`` puts it (the package is a pinned devDependency in ``package.json``).

Three files are written:

``countries.geojson``
    Kosovo, Serbia, Montenegro, North Macedonia and Albania, clipped to the region and
    simplified lightly.
``boundary.geojson``
    The Kosovo–Serbia boundary as one LineString.
``safety-zones-1999.geojson``
    The historical Ground and Air Safety Zones of the 1999 Military Technical Agreement,
    on the Serbian side of that line.

The gazetteer is hand-curated and has its own script (``scripts/build_gazetteer.py``).

The same input always gives byte-identical files: features in a fixed order, coordinates
snapped to a 1e-6 degree grid and written with six decimals, no timestamps. The script
checks the result (line length, distance of the Jarinje and Brnjak crossings to the line,
zone areas) and exits with status 1 and a message naming the failed check otherwise.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
import tarfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, mapping, shape

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGE_NAME = "@geo-maps/countries-maritime-10m"
PACKAGE_VERSION = "0.6.0"
# Date of the files inside the 0.6.0 tarball; the OpenStreetMap data in it is no newer.
PACKAGE_DATA_DATE = "2017-11-30"
PACKAGE_FILE = "map.geo.json"
DEFAULT_PACKAGE_DIR = REPO_ROOT / "node_modules" / "@geo-maps" / "countries-maritime-10m"
DEFAULT_OUT_DIR = REPO_ROOT / "geodata" / "reference"
GENERATED_BY = "scripts/build_reference.py"

MEASURE_CRS = "EPSG:32634"  # UTM 34N: spans 18–24° E, the right zone for Kosovo
REGION_BOUNDS = (18.0, 40.5, 23.5, 46.5)  # lon_min, lat_min, lon_max, lat_max

LICENCE = "ODbL-1.0"
LICENCE_URL = "https://opendatacommons.org/licenses/odbl/1.0/"
ATTRIBUTION = "© OpenStreetMap contributors"
UPSTREAM_URL = "https://github.com/simonepri/geo-maps"

# Densify Kosovo's ring to segments no longer than this before assigning each to a
# neighbour: the OSM polygons of Kosovo and Serbia overlap and leave gaps of up to ~1 km,
# so their shared edge cannot be had by intersecting the two boundaries.
DENSIFY_M = 50.0
# Douglas–Peucker tolerance for every output geometry; also the maximum distance the
# published line strays from the densified ring.
SIMPLIFY_M = 10.0
# A stray run of non-Serbian segments shorter than this, inside the Serbian run, is noise
# from the gaps between polygons and is given to Serbia.
MAX_GAP_M = 1_000.0
GRID_DEG = 1e-6
DECIMALS = 6

COUNTRIES: dict[str, dict[str, str]] = {
    # a3 → names; "iso" is the ISO 3166-1 alpha-2 code (XK is the user-assigned code
    # in general use for Kosovo).
    "ALB": {"iso": "AL", "name_en": "Albania", "name_sr": "Albanija", "name_sq": "Shqipëria"},
    "MKD": {
        "iso": "MK",
        "name_en": "North Macedonia",
        "name_sr": "Severna Makedonija",
        "name_sq": "Maqedonia e Veriut",
    },
    "MNE": {"iso": "ME", "name_en": "Montenegro", "name_sr": "Crna Gora", "name_sq": "Mali i Zi"},
    "SRB": {"iso": "RS", "name_en": "Serbia", "name_sr": "Srbija", "name_sq": "Serbia"},
    "XKX": {"iso": "XK", "name_en": "Kosovo", "name_sr": "Kosovo", "name_sq": "Kosova"},
}
NEIGHBOURS = ("SRB", "MNE", "MKD", "ALB")

# Crossings that must lie near the line (lat, lon from the gazetteer; see geography.md).
CROSSINGS = {
    "Jarinje": (43.21861, 20.69167),
    "Brnjak": (42.96194, 20.54833),
}
MAX_CROSSING_DISTANCE_M = 500.0
LENGTH_RANGE_KM = (352.0, 384.0)  # published lengths: 352 to 384 km (geography.md)

ZONE_SOURCES = [
    "https://www.nato.int/docu/update/2001/0312/e0314a.htm",
    "https://jfcnaples.nato.int/kfor/media-center/archive/news/2015/"
    "nato-announces-full-relaxation-of-the-air-safety-zone-asz",
    "https://media.unmikonline.org/?p=65902",
    "https://telegraf.rs/amp/english/3510785-on-this-day-in-1999-an-agreement-was-signed-"
    "which-brought-an-end-to-nato-bombing",
    "https://rs.n1info.com/english/news/a635799-serbias-defence-minister-vs-in-control-of-"
    "southern-gsz-administrative-line-with-kosovo/",
]
ZONE_HISTORY = (
    "Set by the Military Technical Agreement signed at Kumanovo on 9 June 1999, beyond "
    "Kosovo's boundary into the rest of Yugoslavia. Yugoslav forces re-entered the Ground "
    "Safety Zone in March–May 2001; the Air Safety Zone was cut to 10 km in December 2001 "
    "and fully relaxed in 2015. Historical reference zone, not in force."
)


@dataclass(frozen=True)
class Zone:
    """One 1999 safety zone: code, width and the expected area on the Serbian side."""

    code: str
    name: str
    width_km: float
    expected_km2: float


ZONES = (
    Zone("GSZ", "Ground Safety Zone (1999)", 5.0, 1463.0),
    Zone("ASZ", "Air Safety Zone (1999)", 25.0, 6799.0),
)
ZONE_AREA_TOLERANCE = 0.05


class BuildError(RuntimeError):
    """A check on the input or on the result failed."""


@dataclass(frozen=True)
class Source:
    """The parsed input: the raw GeoJSON bytes' digest and the five country geometries."""

    sha256: str
    geometries: dict[str, Polygon | MultiPolygon]


# ---------------------------------------------------------------------------- input


def _check_package_json(raw: bytes, where: str) -> None:
    meta = json.loads(raw)
    if meta.get("name") != PACKAGE_NAME or meta.get("version") != PACKAGE_VERSION:
        raise BuildError(
            f"{where} is {meta.get('name')}@{meta.get('version')}, expected {PACKAGE_NAME}@{PACKAGE_VERSION}"
        )


def _read_package_dir(package_dir: Path) -> bytes:
    package_json = package_dir / "package.json"
    data_file = package_dir / PACKAGE_FILE
    if not data_file.is_file():
        raise BuildError(
            f"{data_file} not found: run `npm install` (the package is a devDependency), "
            "or pass --package-dir or --tarball"
        )
    if not package_json.is_file():
        raise BuildError(f"{package_json} not found: cannot check the package version")
    _check_package_json(package_json.read_bytes(), str(package_json))
    return data_file.read_bytes()


def _read_tarball(tarball: Path) -> bytes:
    if not tarball.is_file():
        raise BuildError(f"tarball {tarball} not found")
    with tarfile.open(tarball, "r:gz") as tar:
        members = {m.name: m for m in tar.getmembers() if m.isfile()}
        for name in ("package/package.json", f"package/{PACKAGE_FILE}"):
            if name not in members:
                raise BuildError(f"{tarball} has no member {name}")
        package_json = tar.extractfile(members["package/package.json"])
        data = tar.extractfile(members[f"package/{PACKAGE_FILE}"])
        assert package_json is not None and data is not None  # regular files
        _check_package_json(package_json.read(), f"{tarball}:package/package.json")
        return data.read()


def load_source(raw: bytes) -> Source:
    """Parse the package's GeoJSON and keep the five countries of the region."""
    collection = json.loads(raw)
    geometries: dict[str, Polygon | MultiPolygon] = {}
    for feature in collection["features"]:
        a3 = feature["properties"].get("A3")
        if a3 in COUNTRIES:
            if a3 in geometries:
                raise BuildError(f"{PACKAGE_FILE} has more than one feature with A3={a3}")
            geom = shape(feature["geometry"])
            if not geom.is_valid:
                # Serbia's feature carries the Bosnian enclave of Sastavci (Bosnia's own
                # feature covers it) as a second shell nested inside the first; repairing
                # the linework turns such a shell into the hole it stands for.
                geom = shapely.make_valid(geom)
            if not isinstance(geom, Polygon | MultiPolygon):
                raise BuildError(f"{a3} is a {geom.geom_type}, expected a (Multi)Polygon")
            geometries[a3] = geom
    missing = sorted(set(COUNTRIES) - set(geometries))
    if missing:
        raise BuildError(f"{PACKAGE_FILE} lacks features with A3 in {missing}")
    return Source(hashlib.sha256(raw).hexdigest(), geometries)


# ---------------------------------------------------------------------- projections

_TO_METRIC = Transformer.from_crs("EPSG:4326", MEASURE_CRS, always_xy=True)
_TO_LONLAT = Transformer.from_crs(MEASURE_CRS, "EPSG:4326", always_xy=True)


def _transformer(tr: Transformer) -> Callable[[Any], Any]:
    def apply(coords: Any) -> Any:
        x, y = tr.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return apply


def to_metric(geom: Any) -> Any:
    """Project a lon/lat geometry to the measuring CRS (UTM 34N)."""
    return shapely.transform(geom, _transformer(_TO_METRIC))


def to_lonlat(geom: Any) -> Any:
    """Project a geometry in the measuring CRS back to lon/lat (EPSG:4326)."""
    return shapely.transform(geom, _transformer(_TO_LONLAT))


def finish(metric_geom: Any) -> Any:
    """Simplify in metres, return to lon/lat and snap to the output grid.

    ``set_precision`` keeps polygons valid where plain rounding could make a ring touch
    itself; polygons are then oriented as RFC 7946 asks (exterior counter-clockwise).
    """
    simplified = shapely.simplify(metric_geom, SIMPLIFY_M, preserve_topology=True)
    lonlat = shapely.set_precision(to_lonlat(simplified), GRID_DEG)
    if lonlat.geom_type in ("Polygon", "MultiPolygon"):
        lonlat = shapely.orient_polygons(lonlat)
    if lonlat.is_empty or not lonlat.is_valid:
        raise BuildError(f"{lonlat.geom_type} became empty or invalid after simplification")
    return lonlat


def largest_polygon(geom: Polygon | MultiPolygon) -> Polygon:
    """The part of largest area (Kosovo is one polygon; this guards against slivers)."""
    if isinstance(geom, Polygon):
        return geom
    return max(geom.geoms, key=lambda part: part.area)


# ------------------------------------------------------------------------- boundary


def _runs(labels: np.ndarray) -> list[tuple[int, int, int]]:
    """Runs of equal labels as (label, start, stop) over a non-cyclic sequence."""
    change = np.flatnonzero(np.diff(labels)) + 1
    starts = np.concatenate([[0], change])
    stops = np.concatenate([change, [len(labels)]])
    return [(int(labels[s]), int(s), int(e)) for s, e in zip(starts, stops, strict=True)]


def build_boundary(metric: dict[str, Any]) -> LineString:
    """Return the Kosovo–Serbia boundary in the measuring CRS, before simplification.

    Kosovo's outer ring is densified to ``DENSIFY_M`` segments; each segment goes to the
    neighbouring country polygon nearest to its midpoint; the ring is rotated so that it
    starts outside the Serbian run (the ring's own start may fall inside it), and the
    Serbian segments are joined into one line.
    """
    kosovo = largest_polygon(metric["XKX"])
    ring = shapely.segmentize(kosovo.exterior, DENSIFY_M)
    coords = shapely.get_coordinates(ring)[:-1]  # drop the closing repeat: cyclic below
    n = len(coords)
    starts, ends = coords, np.roll(coords, -1, axis=0)
    midpoints = shapely.points((starts + ends) / 2.0)
    seg_len = np.hypot(*(ends - starts).T)

    # Only the neighbours' parts near Kosovo matter; clipping makes distances cheap.
    near = shapely.box(*kosovo.buffer(20_000.0).bounds)
    distances = np.column_stack(
        [shapely.distance(midpoints, metric[a3].intersection(near)) for a3 in NEIGHBOURS]
    )
    is_serbia = distances.argmin(axis=1) == NEIGHBOURS.index("SRB")
    if is_serbia.all() or not is_serbia.any():
        raise BuildError("Kosovo's ring is not split between Serbia and other neighbours")

    # Rotate so that index 0 is the first segment after a non-Serbian one: every
    # Serbian run is then contiguous in the rotated order.
    first_other = int(np.flatnonzero(~is_serbia)[0])
    order = np.roll(np.arange(n), -first_other)
    is_serbia, seg_len = is_serbia[order], seg_len[order]

    runs = [r for r in _runs(is_serbia.astype(np.int8)) if r[0] == 1]
    serbian = np.zeros(n, dtype=bool)
    for _, s, e in runs:
        serbian[s:e] = True
    # Close short non-Serbian gaps between Serbian runs (assignment noise in polygon gaps).
    for (_, _, prev_end), (_, next_start, _) in itertools.pairwise(runs):
        if seg_len[prev_end:next_start].sum() <= MAX_GAP_M:
            serbian[prev_end:next_start] = True
    merged = [r for r in _runs(serbian.astype(np.int8)) if r[0] == 1]
    if len(merged) != 1:
        pieces = ", ".join(f"{seg_len[s:e].sum() / 1000:.1f} km" for _, s, e in merged)
        raise BuildError(f"Serbia-assigned segments form {len(merged)} runs ({pieces}), not one")
    _, s, e = merged[0]
    ring_index = order[s:e]
    # segment i runs from vertex i to vertex i+1 (cyclic)
    vertex_index = np.concatenate([ring_index, [(ring_index[-1] + 1) % n]])
    return LineString(coords[vertex_index])


def check_boundary(line_lonlat: LineString) -> tuple[float, dict[str, float]]:
    """Measure the published line; raise ``BuildError`` when a check fails."""
    metric_line = to_metric(line_lonlat)
    length_km = metric_line.length / 1000.0
    lo, hi = LENGTH_RANGE_KM
    problems = []
    if not lo <= length_km <= hi:
        problems.append(f"length {length_km:.1f} km is outside the published {lo:g}–{hi:g} km")
    distances = {}
    for name, (lat, lon) in CROSSINGS.items():
        d = metric_line.distance(to_metric(Point(lon, lat)))
        distances[name] = d
        if d > MAX_CROSSING_DISTANCE_M:
            problems.append(
                f"{name} crossing ({lat} N, {lon} E) is {d:.0f} m from the line "
                f"(max {MAX_CROSSING_DISTANCE_M:.0f} m)"
            )
    if problems:
        raise BuildError("boundary check failed: " + "; ".join(problems))
    return length_km, distances


# ---------------------------------------------------------------------------- zones


def build_zones(metric_line: LineString, metric: dict[str, Any]) -> list[tuple[Zone, Any]]:
    """Buffer the line by each zone's width and keep the part in Serbia, out of Kosovo.

    The two OSM polygons overlap by about 1 km²; removing Kosovo keeps the zones on the
    Serbian side only. The GSZ is then clipped to the ASZ so that simplification cannot
    push it outside.
    """
    serbia, kosovo = metric["SRB"], metric["XKX"]
    built: dict[str, Any] = {}
    for zone in sorted(ZONES, key=lambda z: -z.width_km):
        area = metric_line.buffer(zone.width_km * 1000.0).intersection(serbia).difference(kosovo)
        area = shapely.simplify(area, SIMPLIFY_M, preserve_topology=True)
        if zone.code == "GSZ":
            area = area.intersection(built["ASZ"])
        built[zone.code] = area
    return [(zone, built[zone.code]) for zone in ZONES]


# --------------------------------------------------------------------------- output


def _round_coords(obj: Any) -> Any:
    if isinstance(obj, float):
        value = round(obj, DECIMALS)
        return 0.0 if value == 0 else value  # no "-0.0"
    if isinstance(obj, list | tuple):
        return [_round_coords(item) for item in obj]
    return obj


def feature(geom: Any, properties: dict[str, Any]) -> dict[str, Any]:
    """A GeoJSON Feature with coordinates rounded to ``DECIMALS``."""
    geometry = mapping(geom)
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": geometry["type"], "coordinates": _round_coords(geometry["coordinates"])},
    }


def dumps_collection(metadata: dict[str, Any], features: Iterable[dict[str, Any]]) -> str:
    """Serialise a FeatureCollection: one feature a line, compact, UTF-8, final newline."""

    def dump(obj: Any) -> str:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)

    lines = [f'{{"type":"FeatureCollection","bordermon":{dump(metadata)},"features":[']
    body = [dump(f) for f in features]
    lines.append(",\n".join(body))
    lines.append("]}")
    return "\n".join(lines) + "\n"


def metadata(source: Source, dataset: str, description: str, **extra: Any) -> dict[str, Any]:
    """The ``bordermon`` foreign member: provenance of one generated file."""
    meta: dict[str, Any] = {
        "dataset": dataset,
        "description": description,
        "source": f"npm package {PACKAGE_NAME}@{PACKAGE_VERSION}, file {PACKAGE_FILE}",
        "source_package": PACKAGE_NAME,
        "source_version": PACKAGE_VERSION,
        "source_sha256": source.sha256,
        "upstream": f"OpenStreetMap, processed by geo-maps ({UPSTREAM_URL})",
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "attribution": ATTRIBUTION,
        "notice": "NOTICE-ODbL.md",
        "data_date": PACKAGE_DATA_DATE,
        "generated_by": GENERATED_BY,
        "crs": "EPSG:4326 (RFC 7946, lon/lat)",
        "measure_crs": MEASURE_CRS,
        "simplify_tolerance_m": SIMPLIFY_M,
    }
    meta.update(extra)
    return meta


def write(path: Path, text: str) -> None:
    """Write UTF-8 with LF line ends, whatever the platform."""
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


def build(source: Source, out_dir: Path) -> dict[str, Any]:
    """Build and write the three generated files; return the measurements."""
    lon_min, lat_min, lon_max, lat_max = REGION_BOUNDS
    clipped = {
        a3: shapely.clip_by_rect(geom, lon_min, lat_min, lon_max, lat_max)
        for a3, geom in source.geometries.items()
    }
    metric = {a3: to_metric(geom) for a3, geom in clipped.items()}

    # boundary
    raw_line = build_boundary(metric)
    line = finish(raw_line)
    if not isinstance(line, LineString):
        raise BuildError(f"the boundary is a {line.geom_type}, expected one LineString")
    line = LineString(_round_coords(list(line.coords)))
    length_km, crossing_m = check_boundary(line)
    metric_line = to_metric(line)

    # zones, built from the published line so that files and measurements agree
    zone_features = []
    areas = {}
    problems = []
    for zone, metric_area in build_zones(metric_line, metric):
        geom = shapely.set_precision(to_lonlat(metric_area), GRID_DEG)
        geom = shapely.orient_polygons(geom)
        area_km2 = to_metric(geom).area / 1e6
        areas[zone.code] = area_km2
        if abs(area_km2 - zone.expected_km2) > ZONE_AREA_TOLERANCE * zone.expected_km2:
            problems.append(
                f"{zone.code} area {area_km2:.0f} km² is not within "
                f"{ZONE_AREA_TOLERANCE:.0%} of the expected {zone.expected_km2:.0f} km²"
            )
        zone_features.append(
            feature(
                geom,
                {
                    "zone": zone.code,
                    "name": zone.name,
                    "width_km": zone.width_km,
                    "area_km2": round(area_km2, 1),
                    "side": "Serbian side of the Kosovo–Serbia boundary",
                    "status": "historical",
                    "established": "1999-06-09",
                    "agreement": "Military Technical Agreement, Kumanovo, 9 June 1999",
                    "history": ZONE_HISTORY,
                    "sources": ZONE_SOURCES,
                },
            )
        )
    if problems:
        raise BuildError("zone check failed: " + "; ".join(problems))

    country_features = []
    for a3 in sorted(COUNTRIES):
        names = COUNTRIES[a3]
        country_features.append(
            feature(
                finish(metric[a3]),
                {
                    "iso": names["iso"],
                    "a3": a3,
                    "name_en": names["name_en"],
                    "name_sr": names["name_sr"],
                    "name_sq": names["name_sq"],
                },
            )
        )

    boundary_feature = feature(
        line,
        {
            "name": "Kosovo–Serbia boundary",
            "note": (
                "Neutral name. Serbia, which does not recognise Kosovo's 2008 declaration "
                "of independence, calls it the administrative boundary line (ABL)."
            ),
            "length_km": round(length_km, 1),
            "source": (
                f"Kosovo's outer ring in {PACKAGE_NAME}@{PACKAGE_VERSION} (OpenStreetMap), "
                "the part nearest to Serbia's polygon; built by " + GENERATED_BY
            ),
            "licence": f"{LICENCE}, {ATTRIBUTION}",
        },
    )

    out_dir.mkdir(parents=True, exist_ok=True)
    bbox = list(REGION_BOUNDS)
    write(
        out_dir / "countries.geojson",
        dumps_collection(
            metadata(
                source,
                "countries",
                "Kosovo, Serbia, Montenegro, North Macedonia and Albania, clipped to the "
                "region and simplified",
                clip_bbox=bbox,
            ),
            country_features,
        ),
    )
    write(
        out_dir / "boundary.geojson",
        dumps_collection(
            metadata(
                source,
                "boundary",
                "The Kosovo–Serbia boundary as one LineString",
                method=(
                    f"Kosovo's outer ring densified to {DENSIFY_M:g} m segments in "
                    f"{MEASURE_CRS}; each segment assigned to the nearest neighbouring "
                    "country polygon; the Serbia-assigned run merged into one line and "
                    f"simplified at {SIMPLIFY_M:g} m"
                ),
            ),
            [boundary_feature],
        ),
    )
    write(
        out_dir / "safety-zones-1999.geojson",
        dumps_collection(
            metadata(
                source,
                "safety-zones-1999",
                "Historical 1999 Ground (5 km) and Air (25 km) Safety Zones on the Serbian "
                "side of the Kosovo–Serbia boundary; not in force",
                method=(
                    f"buffer of boundary.geojson in {MEASURE_CRS}, intersected with Serbia "
                    "and with Kosovo removed"
                ),
                status="historical",
                sources=ZONE_SOURCES,
            ),
            zone_features,
        ),
    )
    return {
        "length_km": length_km,
        "crossing_m": crossing_m,
        "areas_km2": areas,
        "line_vertices": len(line.coords),
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        description=(
            f"Rebuild geodata/reference/ from {PACKAGE_NAME}@{PACKAGE_VERSION} (OpenStreetMap, ODbL 1.0)."
        )
    )
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--package-dir",
        type=Path,
        default=None,
        help=f"unpacked npm package (default: {DEFAULT_PACKAGE_DIR.relative_to(REPO_ROOT)})",
    )
    group.add_argument("--tarball", type=Path, default=None, help="the package's .tgz")
    parser.add_argument(
        "--out-dir",
        type=Path,
        default=DEFAULT_OUT_DIR,
        help=f"output directory (default: {DEFAULT_OUT_DIR.relative_to(REPO_ROOT)})",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the build; return the process exit status."""
    args = parse_args(argv)
    try:
        if args.tarball is not None:
            raw = _read_tarball(args.tarball)
        else:
            raw = _read_package_dir(args.package_dir or DEFAULT_PACKAGE_DIR)
        result = build(load_source(raw), args.out_dir)
    except BuildError as exc:
        print(f"build_reference: error: {exc}", file=sys.stderr)
        return 1
    print(f"boundary length: {result['length_km']:.1f} km ({result['line_vertices']} vertices)")
    for name, d in result["crossing_m"].items():
        print(f"{name} crossing to boundary: {d:.0f} m")
    for code, area in result["areas_km2"].items():
        print(f"{code} area (Serbian side): {area:.0f} km²")
    print(f"wrote countries.geojson, boundary.geojson, safety-zones-1999.geojson to {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
