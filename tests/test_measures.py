"""Per-event measures: distances against hand computation, sides, zones, uncertainty, empties.

Two kinds of check. Against the shipped reference geography, known places are measured
and compared with an independent computation: the GeoJSON files read with ``json``,
projected with a pyproj ``Transformer`` and measured with scalar shapely calls, and,
separately, geodesic distances on the ellipsoid with ``pyproj.Geod`` (no projection at
all). On a small hand-built geography (a square "Kosovo" whose east edge is the line) the
expected values are plain arithmetic, which pins down sides, ranges and zone edges.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import LineString, MultiPoint, Point, Polygon, box, shape

from layers.measures import (
    DISTANCE_BANDS,
    MEASURE_COLUMNS,
    ON_LINE_KM,
    ZONE_COLUMNS,
    AnalysisReference,
    load_reference,
    measure_events,
    place_label,
    with_measures,
    zone_measures,
)
from layers.paths import REFERENCE_DIR

TO_UTM = Transformer.from_crs("EPSG:4326", "EPSG:32634", always_xy=True)
TO_LONLAT = Transformer.from_crs("EPSG:32634", "EPSG:4326", always_xy=True)
GEOD = Geod(ellps="WGS84")

# (lat, lon) from the research notes' gazetteer table.
MONASTERY = (42.97139, 20.78250)
BANJSKA_VILLAGE = (42.9733, 20.7808)
JARINJE = (43.21861, 20.69167)
BRNJAK = (42.96194, 20.54833)


# --------------------------------------------------------------------------- helpers


def _events(geoms: list[Any], crs: str = "EPSG:4326", **columns: list[Any]) -> gpd.GeoDataFrame:
    data = {"id": [f"e{i}" for i in range(len(geoms))], **columns}
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geoms, crs=crs), crs=crs)


def _at(*latlon: tuple[float, float], **columns: list[Any]) -> gpd.GeoDataFrame:
    return _events([Point(lon, lat) for lat, lon in latlon], **columns)


def _geojson_geometry(name: str, **match: str) -> Any:
    """A feature's geometry read straight from the shipped file (not through layers/)."""
    data = json.loads((REFERENCE_DIR / name).read_text(encoding="utf-8"))
    for feature in data["features"]:
        if all(feature["properties"].get(k) == v for k, v in match.items()):
            return shape(feature["geometry"])
    raise LookupError(f"{name}: no feature with {match}")


def _utm(geom: Any) -> Any:
    return shapely.transform(geom, TO_UTM.transform, interleaved=False)


def _lonlat(geom: Any) -> Any:
    return shapely.transform(geom, TO_LONLAT.transform, interleaved=False)


@pytest.fixture(scope="module")
def hand() -> dict[str, Any]:
    """The line and Kosovo's polygon in UTM 34N, built without layers/."""
    line = _geojson_geometry("boundary.geojson")
    return {
        "line_lonlat": line,
        "line": _utm(line),
        "kosovo": _utm(_geojson_geometry("countries.geojson", iso="XK")),
        "serbia": _utm(_geojson_geometry("countries.geojson", iso="RS")),
    }


def _hand_signed_km(lat: float, lon: float, hand: dict[str, Any]) -> float:
    x, y = TO_UTM.transform(lon, lat)
    point = Point(x, y)
    km = point.distance(hand["line"]) / 1000.0
    return km if hand["kosovo"].contains(point) else -km


def _geodesic_km(lat: float, lon: float, line_lonlat: LineString) -> float:
    """Shortest ellipsoidal distance to the line, sampled every ~10 m (no projection)."""
    coords = np.asarray(line_lonlat.coords)
    lons, lats = [], []
    for (x0, y0), (x1, y1) in itertools.pairwise(coords):
        steps = max(2, int(np.hypot(x1 - x0, y1 - y0) / 1e-4))  # 1e-4 degree ≈ 8–11 m
        t = np.linspace(0.0, 1.0, steps)
        lons.append(x0 + (x1 - x0) * t)
        lats.append(y0 + (y1 - y0) * t)
    lon_all, lat_all = np.concatenate(lons), np.concatenate(lats)
    _, _, metres = GEOD.inv(np.full(lon_all.shape, lon), np.full(lat_all.shape, lat), lon_all, lat_all)
    return float(np.min(metres)) / 1000.0


def _offset_from_line(
    fraction: float, km: float, hand: dict[str, Any], into: str
) -> tuple[float, float] | None:
    """(lat, lon) of a point ``km`` from the line, perpendicular to it, into XK or RS."""
    line = hand["line"]
    at = line.length * fraction
    foot, ahead, behind = line.interpolate(at), line.interpolate(at + 200.0), line.interpolate(at - 200.0)
    tx, ty = ahead.x - behind.x, ahead.y - behind.y
    nx, ny = -ty / np.hypot(tx, ty), tx / np.hypot(tx, ty)
    for sign in (1.0, -1.0):
        candidate = Point(foot.x + sign * nx * km * 1000.0, foot.y + sign * ny * km * 1000.0)
        if (into == "XK") == hand["kosovo"].contains(candidate):
            lon, lat = TO_LONLAT.transform(candidate.x, candidate.y)
            return lat, lon
    return None  # a bend: both offsets fall on the same side


def _straight_offset(km: float, hand: dict[str, Any], into: str, within: float = 0.01) -> tuple[float, float]:
    """An offset point whose hand distance to the line is ``km`` (± ``within``): a straight stretch."""
    for fraction in np.linspace(0.1, 0.9, 97):
        found = _offset_from_line(float(fraction), km, hand, into)
        if found is None:
            continue
        lat, lon = found
        point = Point(*TO_UTM.transform(lon, lat))
        in_serbia = hand["serbia"].contains(point)
        if abs(point.distance(hand["line"]) / 1000.0 - km) < within and (into == "XK" or in_serbia):
            return lat, lon
    raise AssertionError(f"no straight stretch found for a {km} km offset")


# --------------------------------------------------------------- known places (real data)


def test_banjska_monastery_is_11_to_12_km_inside_kosovo(hand: dict[str, Any]) -> None:
    m = measure_events(_at(MONASTERY)).iloc[0]
    assert 11.0 < m["distance_to_boundary_km"] < 12.0
    assert m["distance_to_boundary_km"] == pytest.approx(_hand_signed_km(*MONASTERY, hand), abs=0.001)
    assert m["distance_to_boundary_km"] == pytest.approx(
        _geodesic_km(*MONASTERY, hand["line_lonlat"]), abs=0.02
    )
    assert m["side_measured"] == "XK"
    assert (m["distance_min_km"], m["distance_max_km"]) == (m["distance_to_boundary_km"],) * 2
    assert not m["in_gsz"] and not m["in_asz"]
    assert m["distance_band"] == "5–25 km in Kosovo"


@pytest.mark.parametrize("place", [JARINJE, BRNJAK], ids=["Jarinje", "Brnjak"])
def test_crossings_lie_within_half_a_km_of_the_line(place: tuple[float, float], hand: dict[str, Any]) -> None:
    m = measure_events(_at(place)).iloc[0]
    assert abs(m["distance_to_boundary_km"]) < 0.5
    assert m["distance_to_boundary_km"] == pytest.approx(_hand_signed_km(*place, hand), abs=0.001)
    assert abs(m["distance_to_boundary_km"]) == pytest.approx(
        _geodesic_km(*place, hand["line_lonlat"]), abs=0.02
    )
    assert m["nearest_crossing_km"] == pytest.approx(0.0, abs=1e-6)


def test_crossings_are_named_in_both_languages() -> None:
    m = measure_events(_at(JARINJE, BRNJAK))
    assert list(m["nearest_crossing"]) == ["Jarinje / Jarinjë", "Brnjak / Bërnjak"]
    assert list(m["nearest_crossing_id"]) == ["crossing-jarinje", "crossing-brnjak"]


def test_approximate_ambush_point_carries_its_uncertainty(hand: dict[str, Any]) -> None:
    m = measure_events(_at(BANJSKA_VILLAGE, uncertainty_km=[1.0])).iloc[0]
    expected = _hand_signed_km(*BANJSKA_VILLAGE, hand)
    assert m["distance_to_boundary_km"] == pytest.approx(expected, abs=0.001)
    assert m["distance_min_km"] == pytest.approx(expected - 1.0, abs=0.001)
    assert m["distance_max_km"] == pytest.approx(expected + 1.0, abs=0.001)
    assert m["in_gsz"] == False and m["in_asz"] == False  # noqa: E712 (nullable booleans)


def test_nearest_kfor_installation_is_named_and_its_confidence_given(hand: dict[str, Any]) -> None:
    bondsteel = (42.36567, 21.2483)
    m = measure_events(_at(bondsteel, MONASTERY))
    assert m["nearest_kfor"].iloc[0] == "Camp Bondsteel"
    assert m["nearest_kfor_confidence"].iloc[0] == "high"
    assert m["nearest_kfor_km"].iloc[0] == pytest.approx(0.0, abs=1e-6)
    # From the monastery, every camp's distance by hand: the nearest one must be reported.
    camps = json.loads((REFERENCE_DIR / "gazetteer.geojson").read_text(encoding="utf-8"))["features"]
    monastery = Point(*TO_UTM.transform(MONASTERY[1], MONASTERY[0]))
    by_hand = {
        f["properties"]["id"]: monastery.distance(Point(*TO_UTM.transform(*f["geometry"]["coordinates"])))
        / 1000
        for f in camps
        if f["properties"]["kind"] == "kfor_installation"
    }
    nearest = min(by_hand, key=by_hand.__getitem__)
    assert m["nearest_kfor_id"].iloc[1] == nearest
    assert m["nearest_kfor_km"].iloc[1] == pytest.approx(by_hand[nearest], abs=0.001)


def test_point_2_km_into_serbia_is_minus_2_and_in_the_gsz(hand: dict[str, Any]) -> None:
    lat, lon = _straight_offset(2.0, hand, "RS")
    m = measure_events(_at((lat, lon))).iloc[0]
    assert m["distance_to_boundary_km"] == pytest.approx(-2.0, abs=0.01)
    assert m["distance_to_boundary_km"] == pytest.approx(_hand_signed_km(lat, lon, hand), abs=0.001)
    assert m["side_measured"] == "RS"
    assert m["in_gsz"] == True and m["in_asz"] == True  # noqa: E712
    assert m["distance_band"] == "0–5 km in Serbia"


def test_point_10_km_into_serbia_is_in_the_asz_only(hand: dict[str, Any]) -> None:
    lat, lon = _straight_offset(10.0, hand, "RS", within=0.3)  # the line bends within 10 km
    m = measure_events(_at((lat, lon))).iloc[0]
    assert m["distance_to_boundary_km"] == pytest.approx(-10.0, abs=0.3)
    assert m["distance_to_boundary_km"] == pytest.approx(_hand_signed_km(lat, lon, hand), abs=0.001)
    assert m["in_gsz"] == False and m["in_asz"] == True  # noqa: E712
    assert m["distance_band"] == "5–25 km in Serbia"


def test_point_inside_kosovo_is_in_neither_zone(hand: dict[str, Any]) -> None:
    lat, lon = _straight_offset(2.0, hand, "XK")
    m = measure_events(_at((lat, lon))).iloc[0]
    assert m["distance_to_boundary_km"] == pytest.approx(2.0, abs=0.01)
    assert m["side_measured"] == "XK"
    assert m["in_gsz"] == False and m["in_asz"] == False  # noqa: E712


def test_point_exactly_on_the_line_is_at_zero_and_undecided(hand: dict[str, Any]) -> None:
    foot = hand["line"].interpolate(0.37, normalized=True)
    lon, lat = TO_LONLAT.transform(foot.x, foot.y)
    m = measure_events(_at((lat, lon))).iloc[0]
    assert abs(m["distance_to_boundary_km"]) < 0.001
    assert m["side_measured"] == "line"
    assert pd.isna(m["in_gsz"]) and pd.isna(m["in_asz"])
    assert m["distance_band"] == "on the line"


def test_measures_agree_with_the_shipped_zone_polygons(hand: dict[str, Any]) -> None:
    # Away from the zones' edges, membership by distance equals membership in the polygons.
    zones = {name: _utm(_geojson_geometry("safety-zones-1999.geojson", zone=name)) for name in ("GSZ", "ASZ")}
    rng = np.random.default_rng(5)
    lon, lat = rng.uniform(20.0, 21.8, 400), rng.uniform(42.3, 43.6, 400)
    m = measure_events(_events([Point(x, y) for x, y in zip(lon, lat, strict=True)]))
    points = [Point(*TO_UTM.transform(x, y)) for x, y in zip(lon, lat, strict=True)]
    # Points in the slivers between the OSM polygons are Serbian for the measures but lie
    # in no zone polygon; compare only points that one of the two polygons holds.
    held = np.array([hand["kosovo"].contains(p) or hand["serbia"].contains(p) for p in points])
    for name, column, width in (("GSZ", "in_gsz", 5.0), ("ASZ", "in_asz", 25.0)):
        depth = m["distance_to_boundary_km"].abs()
        clear = ((depth - width).abs() > 0.2) & (depth > 0.2) & held
        inside = np.array([zones[name].contains(p) for p in points])
        assert (m.loc[clear, column].astype(bool).to_numpy() == inside[clear.to_numpy()]).all(), name


# --------------------------------------------------------------- hand-built geography


@pytest.fixture(scope="module")
def square() -> AnalysisReference:
    """A 50 × 100 km "Kosovo" whose east edge (x = 500 km) is the line.

    Serbia lies east of it, leaving a 500 m gap in the south half and overlapping Kosovo
    by 500 m in the north half, as the OpenStreetMap polygons do. Montenegro lies west.
    """
    crs = "EPSG:32634"
    kosovo = box(450_000, 4_700_000, 500_000, 4_800_000)
    serbia = Polygon(
        [
            (500_500, 4_650_000),
            (600_000, 4_650_000),
            (600_000, 4_850_000),
            (499_500, 4_850_000),
            (499_500, 4_750_000),
            (500_500, 4_750_000),
        ]
    )
    montenegro = box(400_000, 4_700_000, 450_000, 4_800_000)
    countries = gpd.GeoDataFrame({"iso": ["XK", "RS", "ME"]}, geometry=[kosovo, serbia, montenegro], crs=crs)
    boundary = gpd.GeoDataFrame(geometry=[LineString([(500_000, 4_700_000), (500_000, 4_800_000)])], crs=crs)
    gazetteer = gpd.GeoDataFrame(
        {
            "id": ["crossing-a", "kfor-a", "kfor-b"],
            "kind": ["crossing", "kfor_installation", "kfor_installation"],
            "name_sr": ["Prelaz", "Camp A", "Camp B"],
            "name_sq": ["Kalimi", "Camp A", "Camp B"],
            "name_en": ["Prelaz crossing", "Camp A", None],
            "confidence": ["high", "high", "low"],
        },
        geometry=[Point(500_000, 4_720_000), Point(470_000, 4_750_000), Point(480_000, 4_790_000)],
        crs=crs,
    )
    return AnalysisReference.build(boundary, countries, gazetteer)


def _square_events(*geoms: Any, uncertainty: list[float] | None = None) -> gpd.GeoDataFrame:
    radius = uncertainty if uncertainty is not None else [np.nan] * len(geoms)
    return _events(list(geoms), crs="EPSG:32634", uncertainty_km=radius)


@pytest.mark.parametrize(
    ("x", "distance", "side", "gsz", "asz"),
    [
        (498_000, 2.0, "XK", False, False),
        (502_000, -2.0, "RS", True, True),
        (510_000, -10.0, "RS", False, True),
        (530_000, -30.0, "RS", False, False),
        (505_000, -5.0, "RS", True, True),  # the outer edge belongs to the zone
        (500_000, 0.0, "line", None, None),
        (500_050, -0.05, "line", None, None),  # within ON_LINE_KM: the side cannot be told
        (440_000, -60.0, "ME", False, False),
    ],
)
def test_square_points(
    square: AnalysisReference, x: float, distance: float, side: str, gsz: bool | None, asz: bool | None
) -> None:
    m = measure_events(_square_events(Point(x, 4_720_000)), square).iloc[0]
    assert m["distance_to_boundary_km"] == pytest.approx(distance, abs=1e-9)
    assert m["side_measured"] == side
    assert (None if pd.isna(m["in_gsz"]) else bool(m["in_gsz"])) is gsz
    assert (None if pd.isna(m["in_asz"]) else bool(m["in_asz"])) is asz


def test_square_gap_and_overlap(square: AnalysisReference) -> None:
    gap = Point(500_300, 4_720_000)  # in neither polygon: goes to the nearest, Serbia
    overlap = Point(499_800, 4_780_000)  # in both: Kosovo's polygon decides
    m = measure_events(_square_events(gap, overlap), square)
    assert list(m["side_measured"]) == ["RS", "XK"]
    assert list(m["distance_to_boundary_km"].round(6)) == [-0.3, 0.2]


@pytest.mark.parametrize(
    ("x", "radius", "low", "high", "gsz", "asz"),
    [
        (503_000, 2.0, -5.0, -1.0, True, True),
        (504_000, 2.0, -6.0, -2.0, None, True),  # straddles the GSZ's outer edge
        (501_000, 2.0, -3.0, 1.0, None, None),  # may lie in Kosovo
        (498_000, 1.0, 1.0, 3.0, False, False),
        (499_500, 1.0, -0.5, 1.5, None, None),  # a Kosovo point whose circle reaches Serbia
        (524_000, 2.0, -26.0, -22.0, False, None),
    ],
)
def test_square_uncertainty_ranges_and_partial_zones(
    square: AnalysisReference, x: float, radius: float, low: float, high: float, gsz: Any, asz: Any
) -> None:
    m = measure_events(_square_events(Point(x, 4_720_000), uncertainty=[radius]), square).iloc[0]
    assert (m["distance_min_km"], m["distance_max_km"]) == pytest.approx((low, high), abs=1e-9)
    assert (None if pd.isna(m["in_gsz"]) else bool(m["in_gsz"])) is gsz
    assert (None if pd.isna(m["in_asz"]) else bool(m["in_asz"])) is asz


def test_square_polygons_lines_and_multipoints(square: AnalysisReference) -> None:
    band = box(502_000, 4_710_000, 508_000, 4_730_000)
    across = box(498_000, 4_710_000, 503_000, 4_730_000)
    road = LineString([(506_000, 4_720_000), (521_000, 4_720_000)])
    pair = MultiPoint([(497_000, 4_720_000), (496_000, 4_720_000)])
    drawn_from_line = box(500_000, 4_705_000, 525_000, 4_745_000)  # like the deployment bands
    m = measure_events(_square_events(band, across, road, pair, drawn_from_line), square)
    got = m[["distance_to_boundary_km", "distance_min_km", "distance_max_km"]].round(6).to_numpy().tolist()
    assert got == [
        [-2.0, -8.0, -2.0],
        [0.0, -3.0, 2.0],
        [-6.0, -21.0, -6.0],
        [3.0, 3.0, 4.0],
        [0.0, -25.0, 0.0],
    ]
    assert list(m["side_measured"]) == ["RS", "both", "RS", "XK", "RS"]
    assert [None if pd.isna(v) else bool(v) for v in m["in_gsz"]] == [None, None, False, False, None]
    assert [None if pd.isna(v) else bool(v) for v in m["in_asz"]] == [True, None, True, False, True]
    assert list(m["distance_band"].astype(str)) == [
        "0–5 km in Serbia",
        "across the line",
        "5–25 km in Serbia",
        "0–5 km in Kosovo",
        "0–5 km in Serbia",
    ]


def test_square_nearest_places(square: AnalysisReference) -> None:
    m = measure_events(_square_events(Point(500_000, 4_721_000), Point(481_000, 4_789_000)), square)
    assert list(m["nearest_crossing"]) == ["Prelaz / Kalimi"] * 2
    assert m["nearest_crossing_km"].tolist() == pytest.approx([1.0, np.hypot(19, 69)], abs=1e-9)
    assert list(m["nearest_kfor_id"]) == ["kfor-a", "kfor-b"]
    assert list(m["nearest_kfor_confidence"]) == ["high", "low"]
    assert m["nearest_kfor_km"].iloc[1] == pytest.approx(np.hypot(1, 1), abs=1e-9)


def test_place_labels() -> None:
    assert place_label("Jarinje", "Jarinjë", "Jarinje crossing") == "Jarinje / Jarinjë"
    assert place_label("Camp Bondsteel", "Camp Bondsteel", "Camp Bondsteel") == "Camp Bondsteel"
    assert place_label("Manastir Banjska", "Manastiri i Banjskës", "Banjska Monastery") == (
        "Manastir Banjska / Manastiri i Banjskës (Banjska Monastery)"
    )
    assert place_label(None, None, "Somewhere") == "Somewhere"


def test_square_zone_measures(square: AnalysisReference) -> None:
    band = box(502_000, 4_710_000, 508_000, 4_730_000)  # 6 × 20 km, 3 km of it within 5 km
    far = box(530_000, 4_710_000, 540_000, 4_720_000)
    z = zone_measures(_square_events(band, far, Point(510_000, 4_720_000), None), square)
    assert list(z.columns) == list(ZONE_COLUMNS)
    assert z["area_km2"].tolist()[:3] == pytest.approx([120.0, 100.0, 0.0])
    assert z["share_within_5km"].iloc[0] == pytest.approx(0.5, abs=1e-3)
    assert z["share_within_25km"].iloc[0] == pytest.approx(1.0, abs=1e-3)
    assert z["share_within_5km"].iloc[1] == 0.0 and z["share_within_25km"].iloc[1] == 0.0
    assert z["min_distance_km"].tolist()[:3] == pytest.approx([2.0, 30.0, 10.0])
    assert pd.isna(z["share_within_5km"].iloc[2])  # a point has no area to share
    assert z.iloc[3].isna().all()  # no geometry


def test_shipped_deployment_band_lies_within_25_km() -> None:
    band = _utm(_geojson_geometry("safety-zones-1999.geojson", zone="ASZ")).buffer(-500)
    lonlat = _lonlat(band)
    z = zone_measures(_events([lonlat])).iloc[0]
    m = measure_events(_events([lonlat])).iloc[0]
    assert z["share_within_25km"] == pytest.approx(1.0, abs=1e-3)
    assert 0.15 < z["share_within_5km"] < 0.25
    assert m["side_measured"] == "RS" and m["in_asz"] == True  # noqa: E712
    assert pd.isna(m["in_gsz"])  # partly


# --------------------------------------------------------------------------- edges


def test_empty_input_gives_empty_frames_with_columns() -> None:
    empty = _events([])
    m = measure_events(empty)
    assert m.empty and list(m.columns) == list(MEASURE_COLUMNS)
    z = zone_measures(empty)
    assert z.empty and list(z.columns) == list(ZONE_COLUMNS)
    assert with_measures(empty).empty


def test_events_without_geometry_get_na_not_errors(square: AnalysisReference) -> None:
    events = _square_events(None, Point(502_000, 4_720_000), None)
    m = measure_events(events, square)
    assert m.iloc[[0, 2]].isna().all().all()
    assert m["distance_to_boundary_km"].iloc[1] == pytest.approx(-2.0)


def test_result_is_indexed_like_the_events_and_typed(square: AnalysisReference) -> None:
    events = _square_events(Point(498_000, 4_720_000), Point(502_000, 4_720_000)).set_index(pd.Index([17, 3]))
    m = measure_events(events, square)
    assert list(m.index) == [17, 3]
    assert m.loc[3, "distance_to_boundary_km"] == pytest.approx(-2.0)
    assert str(m["in_gsz"].dtype) == "boolean" and str(m["side_measured"].dtype).startswith("str")
    assert list(m["distance_band"].cat.categories) == list(DISTANCE_BANDS)
    joined = with_measures(events, square)
    assert isinstance(joined, gpd.GeoDataFrame) and "distance_to_boundary_km" in joined and "id" in joined


def test_any_crs_is_measured_the_same(hand: dict[str, Any]) -> None:
    events = _at(MONASTERY)
    assert measure_events(events.to_crs("EPSG:3857")).iloc[0]["distance_to_boundary_km"] == pytest.approx(
        measure_events(events).iloc[0]["distance_to_boundary_km"], abs=1e-6
    )


def test_wrong_input_is_refused() -> None:
    with pytest.raises(TypeError):
        measure_events(pd.DataFrame({"x": [1]}))  # type: ignore[arg-type]
    naive = gpd.GeoDataFrame(geometry=[Point(20.8, 43.0)])
    with pytest.raises(ValueError, match="CRS"):
        measure_events(naive)


def test_reference_is_loaded_once(tmp_path: Path) -> None:
    assert load_reference() is load_reference()
    for name in ("boundary.geojson", "countries.geojson", "gazetteer.geojson"):
        (tmp_path / name).write_bytes((REFERENCE_DIR / name).read_bytes())
    copy = load_reference(tmp_path)
    assert copy is not load_reference() and copy is load_reference(tmp_path)


def test_on_line_tolerance_is_documented() -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "methodology-analysis.md").read_text(
        encoding="utf-8"
    )
    assert f"{ON_LINE_KM * 1000:.0f} m" in doc


def test_events_sharing_a_place_are_measured_as_if_alone(square: AnalysisReference) -> None:
    # Distinct geometries are measured once and shared: the result must not depend on it.
    point = Point(498_000, 4_720_000)
    area = box(495_000, 4_730_000, 505_000, 4_740_000)
    geometries = [point, point, None, area, area, Point(510_000, 4_760_000), point]
    index = [10, 11, 12, 13, 14, 15, 16]
    events = gpd.GeoDataFrame(
        {"uncertainty_km": [0.0, 3.0, 1.0, np.nan, 2.0, 0.5, np.nan]},
        geometry=gpd.GeoSeries(geometries, crs="EPSG:32634", index=index),
        crs="EPSG:32634",
        index=index,
    )
    assert events.geometry.notna().sum() == 6
    together = measure_events(events, square)
    alone = pd.concat([measure_events(events.iloc[[i]], square) for i in range(len(events))])
    pd.testing.assert_frame_equal(together, alone)
    zones_together = zone_measures(events, square)
    zones_alone = pd.concat([zone_measures(events.iloc[[i]], square) for i in range(len(events))])
    pd.testing.assert_frame_equal(zones_together, zones_alone)
    assert together.loc[11, "distance_min_km"] == together.loc[10, "distance_min_km"] - 3.0
