"""One geography engine: which side of the line a place is on, how far, in which zone.

Every caller that asks where something lies relative to the Kosovo–Serbia boundary asks
here: the importer (:mod:`layers.ingest.region`, which keeps the events of the region and
gives them a side), the measures of every event (:mod:`layers.measures`, behind the
analysis page, the map's distance colours, ``bordermon stats`` and the downloads), and
duplicate detection. One rule for the side, one projection, one reference:

- **Projection.** Everything is measured in UTM 34N (:data:`layers.reference.MEASURE_CRS`);
  :func:`to_measure_crs` and :func:`project` are the only ways in.
- **Side.** Inside Kosovo's polygon is Kosovo (``XK``): the boundary line was cut from that
  polygon's ring, so the side and the sign of the distance always agree, and where the
  OpenStreetMap polygons of Kosovo and Serbia overlap, Kosovo's wins. Otherwise the
  neighbour whose polygon holds the point; a point in a gap between the polygons goes to
  the nearest neighbour within :data:`GAP_KM` (Serbia, along the line); else ``other``.
- **Distance.** The distance to the line, signed: positive inside Kosovo, negative
  outside it. Within :data:`ON_LINE_KM` of the line the side cannot be told from the data.

The reference geography is read, projected and indexed once per version of its files
(:func:`load_reference`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from layers.paths import default_cache, write_cache_file
from layers.reference import (
    BOUNDARY_FILE,
    COUNTRIES_FILE,
    GAZETTEER_FILE,
    MEASURE_CRS,
    REFERENCE_DIR,
    STORAGE_CRS,
    read_boundary,
    read_countries,
    read_gazetteer,
)

__all__ = [
    "GAP_KM",
    "ON_LINE_KM",
    "AnalysisReference",
    "Places",
    "countries_xy",
    "load_reference",
    "place_label",
    "project",
    "sides",
    "signed_distance_xy",
    "to_measure_crs",
    "within_xy",
]

#: Within this distance of the line (km) the side cannot be told from the data: the line
#: and Kosovo's polygon are OpenStreetMap data simplified at 10 m, and sourced coordinates
#: are quoted to about an arc-second (~30 m).
ON_LINE_KM = 0.1
#: A point outside every country polygon but this close (km) to one belongs to it: the
#: OpenStreetMap polygons leave gaps of up to ~1 km between Kosovo and Serbia.
GAP_KM = 2.0

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
ObjectArray = npt.NDArray[np.object_]

PathLike = str | os.PathLike[str]


# --------------------------------------------------------------------------- projection


@lru_cache(maxsize=1)
def _transformer() -> Transformer:
    return Transformer.from_crs(STORAGE_CRS, MEASURE_CRS, always_xy=True)


def to_measure_crs(lon: Any, lat: Any) -> tuple[FloatArray, FloatArray]:
    """Project longitude/latitude arrays (EPSG:4326) to metres in the measuring CRS."""
    x, y = _transformer().transform(np.asarray(lon, dtype="float64"), np.asarray(lat, dtype="float64"))
    return np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")


def project(geoms: Any, crs: Any = STORAGE_CRS) -> ObjectArray:
    """Geometries in ``crs`` (default longitude/latitude) in the measuring CRS; None stays None."""
    projected: ObjectArray = np.asarray(
        gpd.GeoSeries(geoms, crs=crs).to_crs(MEASURE_CRS).values, dtype=object
    )
    return projected


# --------------------------------------------------------------------------- reference


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def place_label(name_sr: Any, name_sq: Any, name_en: Any) -> str:
    """Serbian / Albanian name (once when they agree), with the English name when it adds to it."""
    sr, sq, en = _text(name_sr), _text(name_sq), _text(name_en)
    local = sr if sr == sq or not sq else (f"{sr} / {sq}" if sr else sq)
    if en and not local:
        return en
    if en and not en.startswith(sr or sq):
        return f"{local} ({en})"
    return local


@dataclass(frozen=True, eq=False)
class Places:
    """A few gazetteer points in the measuring CRS, indexed for nearest queries.

    Attributes
    ----------
    ids, labels, confidence : ndarray of str
        Gazetteer ``id``, a display name (Serbian / Albanian, and English where it says
        more) and the position's ``confidence``.
    geoms : ndarray of shapely Point
        Positions in :data:`layers.reference.MEASURE_CRS`.
    """

    ids: ObjectArray
    labels: ObjectArray
    confidence: ObjectArray
    geoms: ObjectArray
    tree: shapely.STRtree = field(repr=False)

    @classmethod
    def from_gazetteer(cls, gazetteer: gpd.GeoDataFrame, kind: str) -> Places:
        """The gazetteer's points of one ``kind``, projected to the measuring CRS."""
        rows = gazetteer[gazetteer["kind"] == kind].to_crs(MEASURE_CRS)
        geoms = np.asarray(rows.geometry.values, dtype=object)
        labels = [
            place_label(sr, sq, en)
            for sr, sq, en in zip(rows["name_sr"], rows["name_sq"], rows["name_en"], strict=True)
        ]
        return cls(
            ids=np.asarray(rows["id"].astype(str), dtype=object),
            labels=np.asarray(labels, dtype=object),
            confidence=np.asarray(rows["confidence"].astype(str), dtype=object),
            geoms=geoms,
            tree=shapely.STRtree(geoms),
        )

    def __len__(self) -> int:
        return len(self.ids)

    def nearest(self, geoms: ObjectArray) -> tuple[IntArray, FloatArray]:
        """For each geometry, the position of the nearest place and the distance to it in km."""
        found = np.full(len(geoms), -1, dtype=np.intp)
        km = np.full(len(geoms), np.nan)
        if len(self) == 0 or len(geoms) == 0:
            return found, km
        point = shapely.get_type_id(geoms) == shapely.GeometryType.POINT
        rows = np.flatnonzero(point)
        if len(rows):
            # A handful of places: an (events × places) array of distances beats the index.
            dx = shapely.get_x(geoms[rows])[:, None] - shapely.get_x(self.geoms)[None, :]
            dy = shapely.get_y(geoms[rows])[:, None] - shapely.get_y(self.geoms)[None, :]
            metres = np.hypot(dx, dy)
            found[rows] = metres.argmin(axis=1)
            km[rows] = metres[np.arange(len(rows)), found[rows]] / 1000.0
        rows = np.flatnonzero(~point)
        if len(rows):
            pairs, metres = self.tree.query_nearest(geoms[rows], return_distance=True, all_matches=False)
            found[rows[pairs[0]]] = pairs[1]
            km[rows[pairs[0]]] = metres / 1000.0
        return found, km


@dataclass(frozen=True, eq=False)
class AnalysisReference:
    """The reference geography, projected once and indexed for measuring.

    Build it with :func:`load_reference` (cached); pass it to :func:`measure_events` and
    :func:`zone_measures` to measure against other reference files, as tests do.

    Attributes
    ----------
    boundary : shapely LineString
        The Kosovo–Serbia line in metres (EPSG:32634).
    kosovo : shapely Polygon
        Kosovo's polygon (prepared for fast point-in-polygon tests).
    neighbours, neighbour_iso : ndarray
        The other countries' polygons and their ISO codes.
    crossings, kfor : Places
        Gazetteer crossings and KFOR installations.
    """

    boundary: BaseGeometry
    kosovo: BaseGeometry
    neighbours: ObjectArray
    neighbour_iso: ObjectArray
    crossings: Places
    kfor: Places
    segments: shapely.STRtree = field(repr=False)
    neighbour_tree: shapely.STRtree = field(repr=False)
    _buffers: dict[float, BaseGeometry] = field(default_factory=dict, repr=False)

    @classmethod
    def build(
        cls, boundary: gpd.GeoDataFrame, countries: gpd.GeoDataFrame, gazetteer: gpd.GeoDataFrame
    ) -> AnalysisReference:
        """Project and index reference frames (as returned by :mod:`layers.reference`)."""
        line = shapely.line_merge(shapely.union_all(boundary.to_crs(MEASURE_CRS).geometry.values))
        projected = countries.to_crs(MEASURE_CRS)
        is_kosovo = projected["iso"] == "XK"
        if int(is_kosovo.sum()) != 1:
            raise ValueError("the countries file must hold exactly one Kosovo (iso XK) polygon")
        kosovo = projected.geometry[is_kosovo].iloc[0]
        shapely.prepare(kosovo)
        others = projected[~is_kosovo]
        neighbours = np.asarray(others.geometry.values, dtype=object)
        shapely.prepare(neighbours)
        shapely.prepare(line)  # for within_xy
        # One index entry per segment: nearest-segment search is then logarithmic, where a
        # distance to the whole 1,774-vertex line would test every segment for every point.
        parts = shapely.get_parts(shapely.get_parts(line))
        coords, part = shapely.get_coordinates(parts, return_index=True)
        same_part = part[:-1] == part[1:]
        starts, ends = coords[:-1][same_part], coords[1:][same_part]
        segments = shapely.linestrings(np.stack([starts, ends], axis=1))
        return cls(
            boundary=line,
            kosovo=kosovo,
            neighbours=neighbours,
            neighbour_iso=np.asarray(others["iso"].astype(str), dtype=object),
            crossings=Places.from_gazetteer(gazetteer, "crossing"),
            kfor=Places.from_gazetteer(gazetteer, "kfor_installation"),
            segments=shapely.STRtree(segments),
            neighbour_tree=shapely.STRtree(neighbours),
        )

    def buffer(self, km: float) -> BaseGeometry:
        """The area within ``km`` of the line on both sides (computed once, prepared).

        Buffering the line takes a noticeable part of a second, so the result is also
        kept in the cache directory (:func:`layers.paths.default_cache`) for the next
        process, keyed on the line itself, the distance and the GEOS version.
        """
        if km not in self._buffers:
            zone = _kept_buffer(self.boundary, km)
            shapely.prepare(zone)
            self._buffers[km] = zone
        return self._buffers[km]


#: Segments per quarter circle of the zones' buffers.
_QUAD_SEGS = 16


def _kept_buffer(line: BaseGeometry, km: float) -> BaseGeometry:
    """``shapely.buffer(line, km)``, read from the cache directory when computed before.

    The file holds the SHA-256 of its WKB before the WKB: a file cut short or altered is
    not used (the buffer is computed and the file written again). Nothing is kept when the
    cache is off or cannot be written.
    """
    cache = default_cache()
    if cache is None:
        return shapely.buffer(line, km * 1000.0, quad_segs=_QUAD_SEGS)
    key = hashlib.sha256(shapely.to_wkb(line))
    key.update(f"\0{km!r}\0{_QUAD_SEGS}\0{shapely.geos_version_string}".encode())
    path = cache / "reference" / f"buffer-{key.hexdigest()[:40]}.wkb"
    with contextlib.suppress(OSError, shapely.errors.GEOSException):
        data = path.read_bytes()
        if hashlib.sha256(data[32:]).digest() == data[:32]:
            kept: BaseGeometry = shapely.from_wkb(data[32:])
            return kept
    zone = shapely.buffer(line, km * 1000.0, quad_segs=_QUAD_SEGS)
    wkb = shapely.to_wkb(zone)
    write_cache_file(path, lambda handle: handle.write(hashlib.sha256(wkb).digest() + wkb))
    return zone


def _stamp(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return str(path), stat.st_mtime_ns, stat.st_size


@lru_cache(maxsize=4)
def _load_cached(directory: str, stamps: tuple[tuple[str, int, int], ...]) -> AnalysisReference:
    del stamps  # part of the cache key only: a rebuilt file is read anew
    return AnalysisReference.build(
        read_boundary(directory), read_countries(directory), read_gazetteer(directory)
    )


def load_reference(directory: PathLike | None = None) -> AnalysisReference:
    """Read, project and index the reference geography, once per version of the files.

    Parameters
    ----------
    directory : str or os.PathLike, optional
        A directory holding ``boundary.geojson``, ``countries.geojson`` and
        ``gazetteer.geojson``; default the shipped ``geodata/reference``.

    Returns
    -------
    AnalysisReference
        Cached on the directory and the files' modification times and sizes; treat it as
        read-only.
    """
    root = Path(directory).resolve() if directory is not None else REFERENCE_DIR
    stamps = tuple(_stamp(root / name) for name in (BOUNDARY_FILE, COUNTRIES_FILE, GAZETTEER_FILE))
    return _load_cached(str(root), stamps)


# --------------------------------------------------------------------------- side and distance


def countries_xy(x: FloatArray, y: FloatArray, ref: AnalysisReference) -> ObjectArray:
    """Country of points in metres, by :func:`signed_distance_xy`'s rule, without the distances.

    Kosovo inside Kosovo's polygon (it wins where the OpenStreetMap polygons of Kosovo and
    Serbia overlap); else the neighbour whose polygon holds the point; else, in a gap
    between the polygons, the nearest neighbour within :data:`GAP_KM` (Serbia, along the
    line); else ``"other"``.
    """
    iso = np.full(len(x), "other", dtype=object)
    if len(x) == 0:
        return iso
    inside = shapely.contains_xy(ref.kosovo, x, y)
    iso[inside] = "XK"
    unplaced = ~inside
    # One prepared point-in-polygon test per neighbouring country (five), not per point.
    for polygon, code in zip(ref.neighbours, ref.neighbour_iso, strict=True):
        if not unplaced.any():
            break
        rows = np.flatnonzero(unplaced)
        hit = rows[shapely.contains_xy(polygon, x[rows], y[rows])]
        iso[hit] = code
        unplaced[hit] = False
    rows = np.flatnonzero(unplaced)
    if len(rows) and len(ref.neighbours):
        # A point in a gap between the OSM polygons goes to the nearest country if it is close.
        points = shapely.points(x[rows], y[rows])
        near = ref.neighbour_tree.query_nearest(points, max_distance=GAP_KM * 1000.0, all_matches=False)
        iso[rows[near[0]]] = ref.neighbour_iso[near[1]]
    return iso


def within_xy(x: FloatArray, y: FloatArray, km: float, ref: AnalysisReference) -> BoolArray:
    """Whether points in metres lie within ``km`` of the line (its distance, as
    :func:`signed_distance_xy` gives it, at most ``km``).

    A yes or no is about ten times faster to find than the distance itself: the prepared
    line skips every point farther than ``km`` without measuring it.
    """
    if len(x) == 0:
        return np.zeros(0, dtype=bool)
    found: BoolArray = shapely.dwithin(ref.boundary, shapely.points(x, y), km * 1000.0)
    return found


def signed_distance_xy(
    x: FloatArray, y: FloatArray, ref: AnalysisReference, points: ObjectArray | None = None
) -> tuple[FloatArray, ObjectArray]:
    """Signed distance to the line (km, positive in Kosovo) and country of points in metres.

    The country is :func:`countries_xy`'s: Kosovo inside Kosovo's polygon (the line was
    cut from its ring, so line and side agree), else a neighbour, else ``"other"``. The
    sign follows the same rule: positive only inside Kosovo.
    """
    n = len(x)
    km = np.full(n, np.nan)
    if n == 0:
        return km, np.full(0, "other", dtype=object)
    if points is None:
        points = shapely.points(x, y)
    pairs, metres = ref.segments.query_nearest(points, return_distance=True, all_matches=False)
    km[pairs[0]] = metres / 1000.0
    iso = countries_xy(x, y, ref)
    km[iso != "XK"] *= -1.0
    return km, iso


def sides(lon: Any, lat: Any, reference: AnalysisReference | None = None) -> tuple[FloatArray, ObjectArray]:
    """Signed distance to the line (km) and country of longitude/latitude points.

    :func:`signed_distance_xy` for points in EPSG:4326: the one answer to "which side,
    how far" for importers, measures and every other caller.
    """
    x, y = to_measure_crs(lon, lat)
    return signed_distance_xy(x, y, reference if reference is not None else load_reference())
