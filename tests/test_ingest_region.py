"""The region filter: Kosovo, and Serbia within a distance of the boundary; side from geometry."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from layers.geography import sides
from layers.ingest.region import classify_points, to_measure_crs
from layers.reference import boundary_line

PLACES = {
    "Banjska (Kosovo)": (20.7825, 42.97139, True, "XK"),
    "North Mitrovica (Kosovo)": (20.8667, 42.8914, True, "XK"),
    "Pristina (Kosovo, 21 km in)": (21.1655, 42.6629, True, "XK"),
    "Raška (Serbia, 8 km)": (20.6128, 43.2867, True, "RS"),
    "Kuršumlija (Serbia, 11 km)": (21.2703, 43.1408, True, "RS"),
    "Belgrade (Serbia, 174 km)": (20.4633, 44.8176, False, "RS"),
    "Rožaje (Montenegro)": (20.1667, 42.8425, False, None),
    "Skopje (North Macedonia)": (21.4314, 41.9965, False, None),
    "Paris": (2.35, 48.85, False, None),
}


def test_places_inside_and_their_side() -> None:
    lon = np.array([p[0] for p in PLACES.values()])
    lat = np.array([p[1] for p in PLACES.values()])
    where = classify_points(lon, lat)
    for (name, (_, _, inside, side)), got_inside, got_side in zip(
        PLACES.items(), where.inside, where.side, strict=True
    ):
        assert (bool(got_inside), got_side) == (inside, side), name


def test_the_distance_is_measured_to_the_full_boundary() -> None:
    rng = np.random.default_rng(3)
    lon, lat = rng.uniform(20.0, 22.2, 4000), rng.uniform(42.2, 43.8, 4000)
    for km in (5.0, 25.0, 40.0):
        where = classify_points(lon, lat, km)
        x, y = to_measure_crs(lon, lat)
        line = shapely.transform(boundary_line(), lambda c: np.column_stack(to_measure_crs(c[:, 0], c[:, 1])))
        metres = shapely.distance(line, shapely.points(x, y))
        serbian = where.side == "RS"
        assert np.array_equal(where.inside[serbian], metres[serbian] <= km * 1000)
        assert where.inside[where.side == "XK"].all()
        assert not where.inside[where.side == None].any()  # noqa: E711 (elementwise)


def test_empty_and_invalid_input() -> None:
    where = classify_points(np.array([]), np.array([]))
    assert where.inside.size == 0 and where.side.size == 0
    with pytest.raises(ValueError, match="max_distance_km"):
        classify_points(np.array([20.0]), np.array([42.0]), -1)


def test_the_side_is_the_geography_engine_s_near_the_line_and_in_the_gaps() -> None:
    # Points along the line, up to 3 km off it: where the OpenStreetMap polygons leave gaps.
    line = boundary_line()
    rng = np.random.default_rng(8)
    along = shapely.line_interpolate_point(line, rng.uniform(0, 1, 3000), normalized=True)
    lon = shapely.get_x(along) + rng.uniform(-0.04, 0.04, 3000)
    lat = shapely.get_y(along) + rng.uniform(-0.03, 0.03, 3000)
    where = classify_points(lon, lat, 1.0)
    km, iso = sides(lon, lat)
    expected = np.where(np.isin(iso, ["XK", "RS"]), iso, None)
    assert list(where.side) == list(expected)
    assert (iso == "XK").any() and (iso == "RS").any()
    assert np.array_equal(where.inside, (iso == "XK") | ((iso == "RS") & (-km <= 1.0)))
