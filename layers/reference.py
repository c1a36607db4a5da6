"""Read the reference geography shipped in ``geodata/reference/``.

Four files, rebuilt by ``scripts/build_reference.py`` (countries, boundary, 1999 safety
zones; OpenStreetMap data, ODbL 1.0) and ``scripts/build_gazetteer.py`` (hand-curated
points with sources). Every reader returns a GeoDataFrame in EPSG:4326; measure in
:data:`MEASURE_CRS`.

Reads are cached per file, keyed on its path, modification time and size, and each call
returns a copy, so a caller that edits its frame cannot change what the next caller gets.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString

from layers.paths import REFERENCE_DIR
from layers.validate import REGION_BOUNDS

__all__ = [
    "BOUNDARY_FILE",
    "COUNTRIES_FILE",
    "GAZETTEER_FILE",
    "LABEL_PRIORITY",
    "MEASURE_CRS",
    "REFERENCE_DIR",
    "REGION_BOUNDS",
    "SAFETY_ZONES_FILE",
    "STORAGE_CRS",
    "boundary_line",
    "label_order",
    "read_boundary",
    "read_countries",
    "read_gazetteer",
    "read_safety_zones",
]

#: Which place labels give way when two overlap, by the gazetteer's ``kind``: lower
#: numbers are kept first (the static picture and the interactive map share this rule).
LABEL_PRIORITY: dict[str, int] = {
    "city": 0,
    "crossing": 1,
    "municipality_seat": 2,
    "town": 3,
    "monastery": 4,
    "village": 5,
    "kfor_installation": 6,
}

#: Projected CRS for distances and areas: UTM zone 34N, which spans 18–24° E.
MEASURE_CRS = "EPSG:32634"
#: CRS of every file at rest and of every frame returned here (RFC 7946 lon/lat).
STORAGE_CRS = "EPSG:4326"

COUNTRIES_FILE = "countries.geojson"
BOUNDARY_FILE = "boundary.geojson"
SAFETY_ZONES_FILE = "safety-zones-1999.geojson"
GAZETTEER_FILE = "gazetteer.geojson"

PathLike = str | os.PathLike[str]


def _resolve(path: PathLike | None, file_name: str) -> Path:
    """A file path from ``None`` (the shipped file), a directory, or a file."""
    if path is None:
        return REFERENCE_DIR / file_name
    candidate = Path(path)
    return candidate / file_name if candidate.is_dir() else candidate


@lru_cache(maxsize=16)
def _read_cached(path: str, mtime_ns: int, size: int) -> gpd.GeoDataFrame:
    # mtime_ns and size are part of the cache key only: a rebuilt file is read anew.
    del mtime_ns, size
    frame = gpd.read_file(path, engine="pyogrio")
    if frame.crs is None:
        # RFC 7946 GeoJSON is lon/lat by definition.
        frame = frame.set_crs(STORAGE_CRS)
    elif frame.crs != STORAGE_CRS:
        frame = frame.to_crs(STORAGE_CRS)
    return frame


def _read(path: PathLike | None, file_name: str) -> gpd.GeoDataFrame:
    resolved = _resolve(path, file_name).resolve()
    if not resolved.is_file():
        raise FileNotFoundError(f"reference file not found: {resolved}")
    stat = resolved.stat()
    return _read_cached(str(resolved), stat.st_mtime_ns, stat.st_size).copy()


def read_countries(path: PathLike | None = None) -> gpd.GeoDataFrame:
    """Read the country polygons of the region.

    Parameters
    ----------
    path : str or os.PathLike, optional
        The GeoJSON file, or a directory holding ``countries.geojson``. Defaults to the
        shipped ``geodata/reference/countries.geojson``.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per country (Albania, North Macedonia, Montenegro, Serbia, Kosovo) with
        ``iso`` (alpha-2), ``a3``, ``name_en``, ``name_sr``, ``name_sq``; EPSG:4326.
    """
    return _read(path, COUNTRIES_FILE)


def read_boundary(path: PathLike | None = None) -> gpd.GeoDataFrame:
    """Read the Kosovo–Serbia boundary.

    Parameters
    ----------
    path : str or os.PathLike, optional
        The GeoJSON file, or a directory holding ``boundary.geojson``. Defaults to the
        shipped file.

    Returns
    -------
    geopandas.GeoDataFrame
        One row: a LineString with ``name``, ``note``, ``length_km``, ``source`` and
        ``licence``; EPSG:4326.
    """
    return _read(path, BOUNDARY_FILE)


def read_safety_zones(path: PathLike | None = None) -> gpd.GeoDataFrame:
    """Read the historical 1999 Ground and Air Safety Zones.

    Parameters
    ----------
    path : str or os.PathLike, optional
        The GeoJSON file, or a directory holding ``safety-zones-1999.geojson``. Defaults
        to the shipped file.

    Returns
    -------
    geopandas.GeoDataFrame
        Two rows, ``zone`` ``"GSZ"`` (5 km) and ``"ASZ"`` (25 km), on the Serbian side of
        the boundary, with ``width_km``, ``area_km2``, ``status`` (``"historical"``),
        ``established`` (a Timestamp, 1999-06-09), ``history`` and ``sources`` (a list
        of URLs); EPSG:4326.
    """
    frame = _read(path, SAFETY_ZONES_FILE)
    # Parsed here, not left to the GeoJSON driver's guessing, so the type is stable.
    frame["established"] = pd.to_datetime(frame["established"].astype(str)).dt.normalize()
    frame["sources"] = [[str(url) for url in urls] if urls is not None else [] for urls in frame["sources"]]
    return frame


def read_gazetteer(path: PathLike | None = None) -> gpd.GeoDataFrame:
    """Read the gazetteer of crossings, places and KFOR installations.

    Parameters
    ----------
    path : str or os.PathLike, optional
        The GeoJSON file, or a directory holding ``gazetteer.geojson``. Defaults to the
        shipped file.

    Returns
    -------
    geopandas.GeoDataFrame
        Points with ``id``, ``name_sr``, ``name_sq``, ``name_en``, ``kind``, ``country``,
        ``municipality``, ``source``, ``source_url``, ``confidence`` and ``note``;
        EPSG:4326. Points with ``confidence == "low"`` are unverified positions.
    """
    return _read(path, GAZETTEER_FILE)


def boundary_line(path: PathLike | None = None) -> LineString:
    """Return the Kosovo–Serbia boundary as one shapely LineString in lon/lat.

    Parameters
    ----------
    path : str or os.PathLike, optional
        As for :func:`read_boundary`.

    Returns
    -------
    shapely.geometry.LineString
        The boundary in EPSG:4326 coordinates.

    Raises
    ------
    ValueError
        If the file does not hold exactly one LineString.
    """
    frame = read_boundary(path)
    if len(frame) != 1:
        raise ValueError(f"expected one boundary feature, found {len(frame)}")
    geom = frame.geometry.iloc[0]
    if not isinstance(geom, LineString):
        raise ValueError(f"expected a LineString boundary, found {geom.geom_type}")
    return geom


def label_order(gazetteer: pd.DataFrame) -> pd.Series:
    """The order in which places are labelled, first kept first (0, 1, 2, …), per row.

    By :data:`LABEL_PRIORITY` of the place's ``kind`` (unknown kinds last), then by ``id``:
    where two labels overlap, the one later in this order gives way.
    """
    rank = gazetteer["kind"].map(LABEL_PRIORITY).fillna(len(LABEL_PRIORITY)).astype("int64")
    keys = pd.DataFrame({"rank": rank.to_numpy(), "id": gazetteer["id"].astype(str).to_numpy()})
    order = keys.sort_values(["rank", "id"], kind="stable").index.to_numpy()
    position = pd.Series(0, index=gazetteer.index, dtype="int64")
    position.iloc[order] = range(len(order))
    return position
