"""The reference geography: boundary, 1999 zones, gazetteer, countries, provenance."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString, MultiLineString, Point, Polygon, box

from layers import reference
from layers.map_reference import POSITION_LABELS
from layers.reference import (
    LABEL_PRIORITY,
    MEASURE_CRS,
    REFERENCE_DIR,
    REGION_BOUNDS,
    boundary_line,
    label_order,
    read_boundary,
    read_countries,
    read_gazetteer,
    read_safety_zones,
)

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
PACKAGE_MAP = ROOT / "node_modules" / "@geo-maps" / "countries-maritime-10m" / "map.geo.json"
GENERATED = ("countries.geojson", "boundary.geojson", "safety-zones-1999.geojson")
ALL_FILES = (*GENERATED, "gazetteer.geojson")

# (lat, lon) of the two crossings, from the gazetteer table in the research notes.
CROSSINGS = {"Jarinje": (43.21861, 20.69167), "Brnjak": (42.96194, 20.54833)}
EXPECTED_ZONES = {"GSZ": (5.0, 1463.0), "ASZ": (25.0, 6799.0)}  # width km, area km²
AREA_TOLERANCE = 0.03
UNVERIFIED_CAMPS = {"kfor-camp-film-city", "kfor-camp-villaggio-italia", "kfor-camp-novo-selo"}


def _load_script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_bordermon_{name}", SCRIPTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while executing
    spec.loader.exec_module(module)
    return module


def _metric_point(lat: float, lon: float) -> Point:
    return gpd.GeoSeries([Point(lon, lat)], crs="EPSG:4326").to_crs(MEASURE_CRS).iloc[0]


@pytest.fixture(scope="module")
def kosovo_metric() -> object:
    countries = read_countries().to_crs(MEASURE_CRS)
    return countries.loc[countries["a3"] == "XKX"].geometry.iloc[0]


@pytest.fixture(scope="module")
def zones_metric() -> gpd.GeoDataFrame:
    return read_safety_zones().to_crs(MEASURE_CRS).set_index("zone")


# ------------------------------------------------------------------------ boundary


def test_boundary_is_one_linestring_in_wgs84() -> None:
    frame = read_boundary()
    assert len(frame) == 1
    assert frame.crs.to_epsg() == 4326
    assert isinstance(frame.geometry.iloc[0], LineString)
    assert isinstance(boundary_line(), LineString)


def test_boundary_length_within_published_range() -> None:
    frame = read_boundary()
    length_km = frame.to_crs(MEASURE_CRS).length.iloc[0] / 1000.0
    assert 352.0 <= length_km <= 384.0
    assert frame["length_km"].iloc[0] == pytest.approx(length_km, abs=0.1)


def test_boundary_is_labelled_neutrally() -> None:
    row = read_boundary().iloc[0]
    assert row["name"] == "Kosovo–Serbia boundary"
    assert "administrative boundary line (ABL)" in row["note"]
    assert "ODbL" in row["licence"] and "OpenStreetMap" in row["licence"]


@pytest.mark.parametrize("name", sorted(CROSSINGS))
def test_crossing_lies_on_boundary(name: str) -> None:
    lat, lon = CROSSINGS[name]
    line = gpd.GeoSeries([boundary_line()], crs="EPSG:4326").to_crs(MEASURE_CRS).iloc[0]
    assert line.distance(_metric_point(lat, lon)) <= 500.0


def test_gazetteer_crossings_match_checked_coordinates() -> None:
    gaz = read_gazetteer().set_index("id")
    for name, (lat, lon) in CROSSINGS.items():
        point = gaz.loc[f"crossing-{name.lower()}"].geometry
        assert (point.y, point.x) == (lat, lon)


def test_boundary_line_rejects_a_multilinestring(tmp_path: Path) -> None:
    path = tmp_path / "boundary.geojson"
    gpd.GeoDataFrame(
        {"name": ["x"]},
        geometry=[MultiLineString([[(20.0, 42.0), (20.1, 42.1)], [(20.2, 42.2), (20.3, 42.3)]])],
        crs="EPSG:4326",
    ).to_file(path, driver="GeoJSON")
    with pytest.raises(ValueError, match="LineString"):
        boundary_line(tmp_path)


def test_build_boundary_handles_ring_start_inside_serbian_run() -> None:
    # A 10 km square "Kosovo" whose ring starts halfway along its Serbian (north) edge;
    # Serbia holds the north and east sides, 50 m away, as the OSM polygons leave gaps.
    script = _load_script("build_reference")
    ring = [(5000, 10000), (10000, 10000), (10000, 0), (0, 0), (0, 10000), (5000, 10000)]
    metric = {
        "XKX": Polygon(ring),
        "SRB": box(0, 10050, 20000, 20000).union(box(10050, 0, 20000, 10050)),
        "MNE": box(-10000, 0, -50, 10000),
        "MKD": box(0, -10000, 10000, -50),
        "ALB": box(-10000, -10000, -5000, -5000),
    }
    line = script.build_boundary(metric)
    assert isinstance(line, LineString)
    assert line.length == pytest.approx(20000.0)
    assert set(line.boundary.geoms) == {Point(0, 10000), Point(10000, 0)}


# --------------------------------------------------------------------------- zones


def test_zones_are_historical_with_their_date() -> None:
    zones = read_safety_zones()
    assert sorted(zones["zone"]) == ["ASZ", "GSZ"]
    assert (zones["status"] == "historical").all()
    assert (zones["established"] == pd.Timestamp("1999-06-09")).all()
    for _, row in zones.iterrows():
        assert row["width_km"] == EXPECTED_ZONES[row["zone"]][0]
        assert "2001" in row["history"] and "2015" in row["history"]
        assert row["sources"] and all(url.startswith("https://") for url in row["sources"])


@pytest.mark.parametrize("code", sorted(EXPECTED_ZONES))
def test_zone_area_in_expected_range(code: str, zones_metric: gpd.GeoDataFrame) -> None:
    expected = EXPECTED_ZONES[code][1]
    area_km2 = zones_metric.geometry[code].area / 1e6
    assert abs(area_km2 - expected) <= AREA_TOLERANCE * expected
    assert zones_metric.loc[code, "area_km2"] == pytest.approx(area_km2, abs=0.1)


@pytest.mark.parametrize("code", sorted(EXPECTED_ZONES))
def test_zone_is_on_serbian_side_only(
    code: str, zones_metric: gpd.GeoDataFrame, kosovo_metric: object
) -> None:
    zone = zones_metric.geometry[code]
    assert zone.intersection(kosovo_metric).area / zone.area < 1e-4


def test_gsz_within_asz(zones_metric: gpd.GeoDataFrame) -> None:
    gsz, asz = zones_metric.geometry["GSZ"], zones_metric.geometry["ASZ"]
    assert gsz.difference(asz).area / gsz.area < 1e-6


# ----------------------------------------------------------------------- gazetteer


def test_gazetteer_points_are_complete() -> None:
    gaz = read_gazetteer()
    assert gaz.crs.to_epsg() == 4326
    assert (gaz.geom_type == "Point").all()
    assert gaz["id"].is_unique
    kinds = {
        "crossing",
        "village",
        "monastery",
        "municipality_seat",
        "town",
        "city",
        "kfor_installation",
    }
    for _, row in gaz.iterrows():
        for field in ("name_sr", "name_sq", "kind", "source", "confidence", "country"):
            assert isinstance(row[field], str) and row[field].strip(), (row["id"], field)
        assert row["kind"] in kinds
        assert row["confidence"] in {"high", "medium", "low"}
        assert row["country"] in {"XK", "RS"}


def test_unverified_kfor_camps_have_low_confidence() -> None:
    gaz = read_gazetteer().set_index("id")
    camps = gaz[gaz["kind"] == "kfor_installation"]
    assert set(camps.index) >= UNVERIFIED_CAMPS
    assert (gaz.loc[sorted(UNVERIFIED_CAMPS), "confidence"] == "low").all()
    assert (camps["name_en"].notna()).all()


def test_every_gazetteer_place_cites_the_page_it_comes_from() -> None:
    gaz = read_gazetteer()
    assert gaz["source_url"].notna().all() and gaz["source_url"].str.startswith("https://").all()
    script = _load_script("build_gazetteer")
    unsourced = dataclasses.replace(script.PLACES[0], source_url="")
    assert any("no source_url" in problem for problem in script.validate((unsourced,)))


def test_gazetteer_inside_region() -> None:
    lon_min, lat_min, lon_max, lat_max = REGION_BOUNDS
    gaz = read_gazetteer()
    assert gaz.geometry.x.between(lon_min, lon_max).all()
    assert gaz.geometry.y.between(lat_min, lat_max).all()


# ----------------------------------------------------------------------- countries


def test_five_countries_present() -> None:
    countries = read_countries()
    assert sorted(countries["a3"]) == ["ALB", "MKD", "MNE", "SRB", "XKX"]
    assert countries.is_valid.all()
    for field in ("iso", "name_en", "name_sr", "name_sq"):
        assert countries[field].notna().all()
    lon_min, lat_min, lon_max, lat_max = countries.total_bounds
    r_lon_min, r_lat_min, r_lon_max, r_lat_max = REGION_BOUNDS
    assert r_lon_min <= lon_min and lon_max <= r_lon_max
    assert r_lat_min <= lat_min and lat_max <= r_lat_max


# ----------------------------------------------------------------- reader behaviour


def test_reads_are_copies() -> None:
    first = read_countries()
    first["name_en"] = "changed"
    assert "changed" not in set(read_countries()["name_en"])


def test_reader_accepts_directory_or_file() -> None:
    by_dir = read_boundary(REFERENCE_DIR)
    by_file = read_boundary(REFERENCE_DIR / "boundary.geojson")
    assert by_dir.geometry.iloc[0].equals(by_file.geometry.iloc[0])


def test_missing_file_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_gazetteer(tmp_path)


def test_script_constants_match_layer() -> None:
    script = _load_script("build_reference")
    assert script.REGION_BOUNDS == reference.REGION_BOUNDS
    assert script.MEASURE_CRS == reference.MEASURE_CRS


def test_every_position_grade_of_the_gazetteer_is_worded_for_readers() -> None:
    assert set(_load_script("build_gazetteer").CONFIDENCES) == set(POSITION_LABELS)


# ---------------------------------------------------------------------- provenance


@pytest.mark.parametrize("name", ALL_FILES)
def test_file_carries_provenance(name: str) -> None:
    collection = json.loads((REFERENCE_DIR / name).read_text(encoding="utf-8"))
    meta = collection["bordermon"]
    for key in ("source", "licence", "attribution", "generated_by", "data_date"):
        assert meta.get(key), (name, key)
    assert (ROOT / meta["generated_by"]).is_file()
    if name in GENERATED:
        assert meta["source_package"] == "@geo-maps/countries-maritime-10m"
        assert meta["source_version"] == "0.6.0"
        assert meta["attribution"] == "© OpenStreetMap contributors"


def test_odbl_notice_and_readme() -> None:
    notice = (REFERENCE_DIR / "NOTICE-ODbL.md").read_text(encoding="utf-8")
    assert "© OpenStreetMap contributors" in notice
    assert "opendatacommons.org/licenses/odbl/1.0" in notice
    readme = (ROOT / "geodata" / "README.md").read_text(encoding="utf-8")
    for name in (*ALL_FILES, "NOTICE-ODbL.md"):
        assert name in readme, name


# ------------------------------------------------------------------ reproducibility


def _run(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPTS / script), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_gazetteer_rebuild_is_byte_identical(tmp_path: Path) -> None:
    result = _run("build_gazetteer.py", "--out-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    built = (tmp_path / "gazetteer.geojson").read_bytes()
    assert built == (REFERENCE_DIR / "gazetteer.geojson").read_bytes()


def test_reference_rebuild_is_byte_identical(tmp_path: Path) -> None:
    if not PACKAGE_MAP.is_file():
        reason = (
            f"{PACKAGE_MAP.relative_to(ROOT)} is missing: run `npm install` to fetch "
            "@geo-maps/countries-maritime-10m@0.6.0 and check the rebuild"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must check the reference rebuild, but {reason}")
        pytest.skip(reason)
    result = _run("build_reference.py", "--out-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    for name in GENERATED:
        built = (tmp_path / name).read_bytes()
        assert built == (REFERENCE_DIR / name).read_bytes(), f"{name} differs from the rebuild"


def test_build_fails_clearly_on_wrong_package(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text(
        json.dumps({"name": "@geo-maps/countries-maritime-10m", "version": "0.5.0"}),
        encoding="utf-8",
    )
    (tmp_path / "map.geo.json").write_text('{"type":"FeatureCollection","features":[]}')
    result = _run("build_reference.py", "--package-dir", str(tmp_path), "--out-dir", str(tmp_path))
    assert result.returncode == 1
    assert "expected @geo-maps/countries-maritime-10m@0.6.0" in result.stderr


def test_build_fails_clearly_without_package(tmp_path: Path) -> None:
    result = _run("build_reference.py", "--package-dir", str(tmp_path), "--out-dir", str(tmp_path))
    assert result.returncode == 1
    assert "npm install" in result.stderr


def test_label_order_keeps_more_important_places_first() -> None:
    gazetteer = read_gazetteer()
    order = label_order(gazetteer)
    assert sorted(order) == list(range(len(gazetteer)))
    by_id = dict(zip(gazetteer["id"], order, strict=True))
    # The collisions of the map's default view: the second of each pair gives way.
    for kept, hidden in (
        ("monastery-banjska", "village-banjska"),
        ("seat-north-mitrovica", "seat-zvecan"),
        ("city-pec-peja", "kfor-camp-villaggio-italia"),
        ("city-pristina", "kfor-camp-film-city"),
        ("city-urosevac-ferizaj", "kfor-camp-bondsteel"),
    ):
        assert by_id[kept] < by_id[hidden], (kept, hidden)
    kinds = gazetteer.assign(order=order).sort_values("order")["kind"].map(LABEL_PRIORITY)
    assert kinds.is_monotonic_increasing
    unknown = gazetteer.iloc[:2].assign(kind=["not-a-kind", "city"])
    assert list(label_order(unknown)) == [1, 0]  # an unknown kind comes last
