"""Which imported points lie in the monitored region, and on which side of the boundary.

The region is Kosovo, and Serbia within a chosen distance of the Kosovo–Serbia boundary.
A point's side comes from the country polygons of :mod:`layers.reference`: inside
Kosovo's polygon is ``XK`` (Kosovo wins where the two polygons overlap), inside Serbia's
is ``RS``. The two OpenStreetMap-derived polygons leave gaps of up to about a kilometre
along the boundary; a point in such a gap takes the side of the nearer polygon when it is
within :data:`GAP_TOLERANCE_KM` of it. Everything is vectorised and measured in
:data:`~layers.reference.MEASURE_CRS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from layers.reference import (
    BOUNDARY_FILE,
    COUNTRIES_FILE,
    MEASURE_CRS,
    REFERENCE_DIR,
    STORAGE_CRS,
    boundary_line,
    read_countries,
)

__all__ = ["DEFAULT_MAX_DISTANCE_KM", "GAP_TOLERANCE_KM", "RegionSides", "classify_points", "to_measure_crs"]

#: Default reach into Serbia: events within 25 km of the boundary (the width of the 1999
#: Air Safety Zone) are kept.
DEFAULT_MAX_DISTANCE_KM = 25.0
#: A point in a gap between the Kosovo and Serbia polygons takes the nearer one's side
#: when it is this close to it.
GAP_TOLERANCE_KM = 2.0


@dataclass(frozen=True)
class RegionSides:
    """Where each point lies.

    Attributes
    ----------
    inside : ndarray of bool
        In Kosovo, or in Serbia within the chosen distance of the boundary.
    side : ndarray of object
        ``"XK"``, ``"RS"`` or None (in neither country), for every point.
    """

    inside: np.ndarray
    side: np.ndarray


@lru_cache(maxsize=1)
def _transformer() -> Transformer:
    return Transformer.from_crs(STORAGE_CRS, MEASURE_CRS, always_xy=True)


def to_measure_crs(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Project lon/lat arrays to metres in the measuring CRS (UTM 34N)."""
    x, y = _transformer().transform(np.asarray(lon, dtype="float64"), np.asarray(lat, dtype="float64"))
    return np.asarray(x), np.asarray(y)


def _project(geom: BaseGeometry) -> BaseGeometry:
    def transform(coords: np.ndarray) -> np.ndarray:
        x, y = to_measure_crs(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    projected: BaseGeometry = shapely.transform(geom, transform)
    return projected


@dataclass(frozen=True)
class _Shapes:
    kosovo: BaseGeometry
    serbia: BaseGeometry
    others: BaseGeometry
    line: BaseGeometry
    sure: BaseGeometry | None
    maybe: BaseGeometry
    kosovo_box: tuple[float, float, float, float]


def _stamp(name: str) -> tuple[str, int]:
    path = REFERENCE_DIR / name
    return str(path), path.stat().st_mtime_ns


#: Tolerance of the simplified boundary used to pre-sort points by distance; points
#: this close to the edge of the band are measured against the full line.
_SIMPLIFY_M = 500.0


@lru_cache(maxsize=8)
def _shapes(max_distance_km: float, countries: tuple[str, int], boundary: tuple[str, int]) -> _Shapes:
    # The two stamps are part of the cache key only: rebuilt reference files are read anew.
    del countries, boundary
    frame = read_countries()
    by_code = dict(zip(frame["a3"], frame.geometry, strict=True))
    kosovo = _project(by_code.pop("XKX"))
    serbia = _project(by_code.pop("SRB"))
    others = _project(shapely.union_all(list(by_code.values())))
    line = _project(boundary_line())
    # Buffering the full line is slow (0.25 s); a simplified line within 500 m of it
    # gives a band surely inside and one surely outside, and the points in between are
    # measured exactly.
    rough = line.simplify(_SIMPLIFY_M)
    reach = max_distance_km * 1000.0
    sure = rough.buffer(reach - _SIMPLIFY_M) if reach > _SIMPLIFY_M else None
    maybe = rough.buffer(reach + _SIMPLIFY_M)
    for geom in (kosovo, serbia, others, line, sure, maybe):
        if geom is not None:
            shapely.prepare(geom)
    west, south, east, north = kosovo.bounds
    margin = GAP_TOLERANCE_KM * 1000.0
    box = (west - margin, south - margin, east + margin, north + margin)
    return _Shapes(kosovo, serbia, others, line, sure, maybe, box)


def classify_points(
    lon: np.ndarray, lat: np.ndarray, max_distance_km: float = DEFAULT_MAX_DISTANCE_KM
) -> RegionSides:
    """Say for each lon/lat point whether it is in the region, and its side.

    Parameters
    ----------
    lon, lat : array-like of float
        Points in EPSG:4326; they must be finite.
    max_distance_km : float
        How far into Serbia from the boundary a point may lie and still be kept (>= 0).

    Returns
    -------
    RegionSides
    """
    if max_distance_km < 0 or not np.isfinite(max_distance_km):
        raise ValueError(f"max_distance_km must be a distance >= 0, not {max_distance_km!r}")
    lon = np.asarray(lon, dtype="float64")
    lat = np.asarray(lat, dtype="float64")
    side = np.full(lon.shape, None, dtype=object)
    if lon.size == 0:
        return RegionSides(inside=np.zeros(0, dtype=bool), side=side)
    shapes = _shapes(float(max_distance_km), _stamp(COUNTRIES_FILE), _stamp(BOUNDARY_FILE))
    x, y = to_measure_crs(lon, lat)
    in_xk = shapely.contains_xy(shapes.kosovo, x, y)
    in_rs = shapely.contains_xy(shapes.serbia, x, y) & ~in_xk
    # In neither polygon, nor in a neighbour's, and close to Kosovo: one of the gaps.
    west, south, east, north = shapes.kosovo_box
    gap = ~in_xk & ~in_rs & (x >= west) & (x <= east) & (y >= south) & (y <= north)
    gap[gap] = ~shapely.contains_xy(shapes.others, x[gap], y[gap])
    if gap.any():
        rows = np.flatnonzero(gap)
        points = shapely.points(x[rows], y[rows])
        to_xk = shapely.distance(shapes.kosovo, points)
        to_rs = shapely.distance(shapes.serbia, points)
        tolerance = GAP_TOLERANCE_KM * 1000.0
        in_xk[rows[(to_xk <= tolerance) & (to_xk <= to_rs)]] = True
        in_rs[rows[(to_rs <= tolerance) & (to_rs < to_xk)]] = True
    near = np.zeros(lon.shape, dtype=bool)
    candidates = np.flatnonzero(in_rs)
    maybe = shapely.contains_xy(shapes.maybe, x[candidates], y[candidates])
    candidates = candidates[maybe]
    if shapes.sure is not None:
        sure = shapely.contains_xy(shapes.sure, x[candidates], y[candidates])
        near[candidates[sure]] = True
        candidates = candidates[~sure]
    if candidates.size:
        metres = shapely.distance(shapes.line, shapely.points(x[candidates], y[candidates]))
        near[candidates[metres <= max_distance_km * 1000.0]] = True
    side[in_xk] = "XK"
    side[in_rs] = "RS"
    return RegionSides(inside=in_xk | (in_rs & near), side=side)
