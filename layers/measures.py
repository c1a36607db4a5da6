"""Measure every event against the reference geography: how close, which side, which zone.

All measuring happens in UTM 34N (:data:`layers.reference.MEASURE_CRS`), vectorised with
shapely 2: a spatial index (``STRtree``) over the boundary's segments gives each point's
distance to the Kosovo–Serbia line, a prepared Kosovo polygon gives its side, and an
(events × places) distance array, or an index for lines and polygons, gives the nearest
crossing and KFOR installation. Reference data are read, projected and indexed once
(:func:`load_reference`). There is no Python loop per event: 100,000 events take about a
second on two cores (``bench/bench_measures.py``).

Conventions (``docs/methodology-analysis.md`` has the full text):

- **Signed distance.** ``distance_to_boundary_km`` is positive inside Kosovo and negative
  outside it (in Serbia, or beyond the line's ends in Montenegro or North Macedonia).
  The side is decided by Kosovo's polygon alone; the boundary line was cut from that same
  polygon's ring, so line and side agree. Where the OpenStreetMap polygons of Kosovo and
  Serbia overlap, Kosovo's polygon wins; a point in a gap between them is given to the
  nearest neighbouring country (Serbia, for the gaps along the line).
- **Uncertainty.** ``distance_min_km`` and ``distance_max_km`` bound the signed distance
  over every position the record allows: ± ``uncertainty_km`` around a point, and the
  span of a line or polygon (widened by ``uncertainty_km`` where one is given). Lines
  and polygons take their nearest point as ``distance_to_boundary_km``.
- **The line's own accuracy.** Within :data:`ON_LINE_KM` of the line a side cannot be
  told (the extract is simplified at 10 m; sourced coordinates are quoted to about an
  arc-second): such a place is measured as side ``"line"``.
- **Zones.** ``in_gsz`` / ``in_asz`` are nullable booleans: True when every allowed
  position lies in the historical 1999 zone (Serbian side, within 5 or 25 km of the line),
  False when none does, and ``<NA>`` when they straddle a zone's edge. The outer edge is
  exact (a distance from this line); at the line an area may touch it, while a single
  position within :data:`ON_LINE_KM` of it is undecided.
"""

from __future__ import annotations

import os
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from layers.geography import (
    ON_LINE_KM,
    AnalysisReference,
    Places,
    load_reference,
    place_label,
    project,
    signed_distance_xy,
)
from layers.i18n import N_

__all__ = [
    "ASZ_KM",
    "DISTANCE_BANDS",
    "GSZ_KM",
    "MEASURE_COLUMNS",
    "ON_LINE_KM",
    "SIDE_NAMES",
    "ZONE_COLUMNS",
    "AnalysisReference",
    "Places",
    "load_reference",
    "measure_events",
    "place_label",
    "with_measures",
    "zone_measures",
]

#: Width of the historical Ground Safety Zone (1999), km.
GSZ_KM = 5.0
#: Width of the historical Air Safety Zone (1999), km.
ASZ_KM = 25.0
#: Lines and polygon outlines are sampled every this many metres for their distance range.
SAMPLE_SPACING_M = 500.0

#: Country codes of ``side_measured`` and what they mean.
SIDE_NAMES: dict[str, str] = {
    "XK": N_("Kosovo"),
    "RS": N_("Serbia"),
    "ME": N_("Montenegro"),
    "MK": N_("North Macedonia"),
    "AL": N_("Albania"),
    "line": N_("on the line"),
    "both": N_("both sides of the line"),
    "other": N_("outside the region's countries"),
}

#: Labels of ``distance_band``, from deep in Serbia to deep in Kosovo (an ordered category).
#: The labels are the values; each is translated where it is shown.
DISTANCE_BANDS: tuple[str, ...] = (
    N_(">25 km in Serbia"),
    N_("5–25 km in Serbia"),
    N_("0–5 km in Serbia"),
    N_("on the line"),
    N_("across the line"),
    N_("0–5 km in Kosovo"),
    N_("5–25 km in Kosovo"),
    N_(">25 km in Kosovo"),
    N_("outside Kosovo and Serbia"),
)

#: Columns of :func:`measure_events`, in order.
MEASURE_COLUMNS: tuple[str, ...] = (
    "distance_to_boundary_km",
    "distance_min_km",
    "distance_max_km",
    "side_measured",
    "in_gsz",
    "in_asz",
    "distance_band",
    "nearest_crossing",
    "nearest_crossing_id",
    "nearest_crossing_km",
    "nearest_kfor",
    "nearest_kfor_id",
    "nearest_kfor_km",
    "nearest_kfor_confidence",
)

#: Columns of :func:`zone_measures`, in order.
ZONE_COLUMNS: tuple[str, ...] = ("area_km2", "share_within_5km", "share_within_25km", "min_distance_km")

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]
ObjectArray = npt.NDArray[np.object_]

PathLike = str | os.PathLike[str]


# --------------------------------------------------------------------------- measuring


def _side_of_samples(signed: FloatArray, iso: ObjectArray, owner: IntArray, n: int) -> ObjectArray:
    """Side of each sampled geometry: one country, ``both``, or ``line``."""
    side = np.full(n, "line", dtype=object)
    off_line = np.abs(signed) > ON_LINE_KM
    in_kosovo = off_line & (iso == "XK")
    elsewhere = off_line & (iso != "XK")
    has_kosovo = np.zeros(n, dtype=bool)
    has_kosovo[owner[in_kosovo]] = True
    has_elsewhere = np.zeros(n, dtype=bool)
    has_elsewhere[owner[elsewhere]] = True
    if elsewhere.any():
        # The country holding most of the samples outside Kosovo (Serbia, nearly always).
        counts = pd.DataFrame({"owner": owner[elsewhere], "iso": iso[elsewhere]}).value_counts()
        top = counts.reset_index().drop_duplicates("owner")
        side[top["owner"].to_numpy()] = top["iso"].to_numpy(dtype=object)
    side[has_kosovo & ~has_elsewhere] = "XK"
    side[has_kosovo & has_elsewhere] = "both"
    return side


def _measure_shapes(
    geoms: ObjectArray, ref: AnalysisReference
) -> tuple[FloatArray, FloatArray, FloatArray, ObjectArray]:
    """Best, lowest and highest signed distance, and side, of lines, polygons and multipoints."""
    n = len(geoms)
    sampled = shapely.segmentize(geoms, SAMPLE_SPACING_M)
    coords, owner = shapely.get_coordinates(sampled, return_index=True)
    signed, iso = signed_distance_xy(coords[:, 0], coords[:, 1], ref)
    lo = np.full(n, np.inf)
    hi = np.full(n, -np.inf)
    np.minimum.at(lo, owner, signed)
    np.maximum.at(hi, owner, signed)
    # The sample nearest the line gives the side of the geometry's nearest point.
    order = np.lexsort((np.abs(signed), owner))
    first = order[np.r_[True, owner[order][1:] != owner[order][:-1]]]
    sign = np.ones(n)
    sign[owner[first]] = np.where(signed[first] < 0.0, -1.0, 1.0)
    exact = shapely.distance(geoms, ref.boundary) / 1000.0  # the true nearest point, not a sample
    best = sign * exact
    # Samples sit on the outline every 500 m; the nearest point may lie between them.
    lo = np.where(lo > 0.0, np.minimum(lo, exact), lo)
    hi = np.where(hi < 0.0, np.maximum(hi, -exact), hi)
    return best, lo, hi, _side_of_samples(signed, iso, owner, n)


def _zone_membership(
    lo: FloatArray, hi: FloatArray, side: ObjectArray, present: BoolArray, width_km: float
) -> Any:
    """Nullable booleans: every allowed position in the zone, none of them, or some (NA)."""
    # The outer edge is a distance from this line, so it is crisp; at the inner edge (the
    # line itself) the side cannot be told within ON_LINE_KM, so an area drawn from the line
    # may touch it, and a single position that close is undecided (side "line").
    inside = (side == "RS") & (lo >= -width_km) & (hi <= ON_LINE_KM)
    outside = (hi < -width_km) | (lo > ON_LINE_KM) | ~np.isin(side, ("RS", "XK", "line", "both"))
    values = pd.array(inside, dtype="boolean")
    values[(~inside & ~outside) | ~present] = pd.NA
    return values


def _bands(best: FloatArray, side: ObjectArray) -> pd.Categorical:
    depth = np.abs(best)
    ring = np.where(depth < GSZ_KM, "0–5 km", np.where(depth < ASZ_KM, "5–25 km", ">25 km"))
    labels = np.full(len(best), None, dtype=object)
    for code, name in (("XK", "Kosovo"), ("RS", "Serbia")):
        chosen = side == code
        labels[chosen] = np.char.add(ring[chosen].astype(str), f" in {name}")
    labels[side == "line"] = "on the line"
    labels[side == "both"] = "across the line"
    labels[np.isin(side, ("ME", "MK", "AL", "other"))] = "outside Kosovo and Serbia"
    labels[np.isnan(best)] = None
    return pd.Categorical(labels, categories=list(DISTANCE_BANDS), ordered=True)


def _empty_measures(index: pd.Index) -> pd.DataFrame:
    n = len(index)
    frame = pd.DataFrame(index=index)
    for name in ("distance_to_boundary_km", "distance_min_km", "distance_max_km"):
        frame[name] = np.full(n, np.nan)
    frame["side_measured"] = pd.array([None] * n, dtype="string")
    frame["in_gsz"] = pd.array([None] * n, dtype="boolean")
    frame["in_asz"] = pd.array([None] * n, dtype="boolean")
    frame["distance_band"] = pd.Categorical([None] * n, categories=list(DISTANCE_BANDS), ordered=True)
    for prefix in ("nearest_crossing", "nearest_kfor"):
        frame[prefix] = pd.array([None] * n, dtype="string")
        frame[f"{prefix}_id"] = pd.array([None] * n, dtype="string")
        frame[f"{prefix}_km"] = np.full(n, np.nan)
    frame["nearest_kfor_confidence"] = pd.array([None] * n, dtype="string")
    return frame[list(MEASURE_COLUMNS)]


def _check_events(events: Any) -> None:
    if not isinstance(events, gpd.GeoDataFrame):
        raise TypeError(f"events must be a GeoDataFrame, not {type(events).__name__}")
    if events.crs is None and not events.empty:
        raise ValueError("events have no CRS; the store's frames are in EPSG:4326")


def _projected(events: gpd.GeoDataFrame) -> tuple[ObjectArray, BoolArray]:
    geoms = project(events.geometry.values, events.crs)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    return geoms, present


def _place_columns(prefix: str, places: Places, geoms: ObjectArray, present: BoolArray) -> dict[str, Any]:
    """Name, id, distance (and, for KFOR, position confidence) of the nearest place."""
    n = len(geoms)
    found = np.full(n, -1, dtype=np.intp)
    km = np.full(n, np.nan)
    rows = np.flatnonzero(present)
    found[rows], km[rows] = places.nearest(geoms[rows])

    def text(values: ObjectArray) -> Any:
        picked = np.full(n, None, dtype=object)
        picked[found >= 0] = values[found[found >= 0]]
        return pd.array(picked, dtype="string")

    columns = {prefix: text(places.labels), f"{prefix}_id": text(places.ids), f"{prefix}_km": km}
    if prefix == "nearest_kfor":
        columns["nearest_kfor_confidence"] = text(places.confidence)
    return columns


def measure_events(events: gpd.GeoDataFrame, reference: AnalysisReference | None = None) -> pd.DataFrame:
    """Distance to the boundary, side, 1999 zones and nearest places of every event.

    Parameters
    ----------
    events : GeoDataFrame
        Events as read by :func:`layers.store.read_store` (any CRS; ``uncertainty_km``
        is used when present).
    reference : AnalysisReference, optional
        Reference geography; default :func:`load_reference` of the shipped files.

    Returns
    -------
    DataFrame
        Indexed like ``events``, columns :data:`MEASURE_COLUMNS`:

        ``distance_to_boundary_km`` (float)
            Signed distance from the recorded position (lines and polygons: their nearest
            point) to the Kosovo–Serbia line: positive inside Kosovo, negative outside.
        ``distance_min_km``, ``distance_max_km`` (float)
            The lowest and highest signed distance over every position the record allows
            (a point ± ``uncertainty_km``; the whole of a line or polygon, sampled every
            500 m along its outline). Equal to the distance for an exact point.
        ``side_measured`` (string)
            ``XK``, ``RS``, ``ME``, ``MK``, ``AL`` or ``other`` from the geometry;
            ``line`` within :data:`ON_LINE_KM` of the line; ``both`` for a line or
            polygon reaching more than that into both sides. The recorded ``side`` is a
            separate, sourced value.
        ``in_gsz``, ``in_asz`` (boolean, nullable)
            Inside the historical 1999 Ground (5 km) / Air (25 km) Safety Zone, on the
            Serbian side: True for every allowed position, False for none, NA for some.
        ``distance_band`` (ordered category of :data:`DISTANCE_BANDS`)
            Band of the recorded position, for colouring maps.
        ``nearest_crossing``, ``nearest_crossing_id``, ``nearest_crossing_km``
            Nearest gazetteer crossing (name, id, km from the geometry's nearest point).
        ``nearest_kfor``, ``nearest_kfor_id``, ``nearest_kfor_km``, ``nearest_kfor_confidence``
            Same for KFOR installations; ``confidence`` ``low`` marks unverified positions.

        Events without a geometry get NA in every column. Distances to places are from
        the recorded position; an approximate position moves them by up to
        ``uncertainty_km`` as well.

    Raises
    ------
    TypeError
        If ``events`` is not a GeoDataFrame.
    ValueError
        If a non-empty ``events`` has no CRS.
    """
    _check_events(events)
    if events.empty:
        return _empty_measures(events.index)
    ref = reference if reference is not None else load_reference()
    # Many events share a place (a village's coordinates, a conventional zone): each
    # distinct geometry is measured once and its measures given to every event at it.
    codes, distinct = _distinct(events)
    geoms, present_distinct = _projected(distinct)
    m = len(geoms)
    best_d = np.full(m, np.nan)
    lo_d = np.full(m, np.nan)
    hi_d = np.full(m, np.nan)
    side_d = np.full(m, None, dtype=object)
    point = present_distinct & (shapely.get_type_id(geoms) == shapely.GeometryType.POINT)
    rows = np.flatnonzero(point)
    if len(rows):
        signed, iso = signed_distance_xy(
            shapely.get_x(geoms[rows]), shapely.get_y(geoms[rows]), ref, geoms[rows]
        )
        best_d[rows], lo_d[rows], hi_d[rows] = signed, signed, signed
        iso[np.abs(signed) <= ON_LINE_KM] = "line"
        side_d[rows] = iso
    rows = np.flatnonzero(present_distinct & ~point)
    if len(rows):
        best_d[rows], lo_d[rows], hi_d[rows], side_d[rows] = _measure_shapes(geoms[rows], ref)
    places = {
        **_place_columns("nearest_crossing", ref.crossings, geoms, present_distinct),
        **_place_columns("nearest_kfor", ref.kfor, geoms, present_distinct),
    }

    # An extra slot at the end stands for "no geometry" (code -1).
    at = np.where(codes >= 0, codes, m)
    present = np.append(present_distinct, False)[at]
    best, lo, hi = (np.append(values, np.nan)[at] for values in (best_d, lo_d, hi_d))
    side = np.append(side_d, np.array([None], dtype=object))[at]
    radius = np.zeros(len(codes))
    if "uncertainty_km" in events.columns:
        given = pd.to_numeric(events["uncertainty_km"], errors="coerce").to_numpy(
            dtype=float, na_value=np.nan
        )
        radius = np.where(np.isnan(given), 0.0, given)
    lo = lo - radius
    hi = hi + radius

    columns: dict[str, Any] = {
        "distance_to_boundary_km": best,
        "distance_min_km": lo,
        "distance_max_km": hi,
        "side_measured": pd.array(side, dtype="string"),
        "in_gsz": _zone_membership(lo, hi, side, present, GSZ_KM),
        "in_asz": _zone_membership(lo, hi, side, present, ASZ_KM),
        "distance_band": _bands(best, side),
        **{name: _spread(values, codes) for name, values in places.items()},
    }
    return pd.DataFrame(columns, index=events.index)[list(MEASURE_COLUMNS)]


def _distinct(events: gpd.GeoDataFrame) -> tuple[IntArray, gpd.GeoDataFrame]:
    """Each event's position among the distinct geometries (-1: none), and those geometries."""
    wkb = shapely.to_wkb(np.asarray(events.geometry.values, dtype=object))
    codes, uniques = pd.factorize(pd.Series(wkb, dtype=object), use_na_sentinel=True)
    geometry = gpd.GeoSeries(shapely.from_wkb(np.asarray(uniques, dtype=object)), crs=events.crs)
    return np.asarray(codes, dtype=np.intp), gpd.GeoDataFrame(geometry=geometry, crs=events.crs)


def _spread(values: Any, codes: IntArray) -> Any:
    """Per-geometry values given to every event at that geometry (NA where it has none)."""
    if isinstance(values, np.ndarray):
        return np.append(values.astype(float), np.nan)[np.where(codes >= 0, codes, len(values))]
    return values.take(codes, allow_fill=True)


def with_measures(events: gpd.GeoDataFrame, reference: AnalysisReference | None = None) -> gpd.GeoDataFrame:
    """The events with the columns of :func:`measure_events` appended (for tables and downloads)."""
    measures = measure_events(events, reference)
    joined = pd.concat([events, measures], axis=1)
    return gpd.GeoDataFrame(joined, geometry=events.geometry.name, crs=events.crs)


def zone_measures(events: gpd.GeoDataFrame, reference: AnalysisReference | None = None) -> pd.DataFrame:
    """Area of each deployment zone and how much of it lies near the boundary.

    Parameters
    ----------
    events : GeoDataFrame
        Usually the deployment layer; any events frame works.
    reference : AnalysisReference, optional
        Reference geography; default :func:`load_reference`.

    Returns
    -------
    DataFrame
        Indexed like ``events``, columns :data:`ZONE_COLUMNS`: ``area_km2`` (0 for points
        and lines), ``share_within_5km`` and ``share_within_25km`` (fraction of the area
        within 5 / 25 km of the line, on either side; NA without an area), and
        ``min_distance_km`` (unsigned distance from the nearest point to the line). NA
        throughout for events without a geometry.
    """
    _check_events(events)
    n = len(events)
    out = pd.DataFrame({name: np.full(n, np.nan) for name in ZONE_COLUMNS}, index=events.index)
    if events.empty:
        return out
    ref = reference if reference is not None else load_reference()
    codes, distinct = _distinct(events)  # each distinct geometry measured once
    geoms, present = _projected(distinct)
    m = len(geoms)
    rows = np.flatnonzero(present)
    area = np.full(m, np.nan)
    area[rows] = shapely.area(geoms[rows])
    near = np.full(m, np.nan)
    near[rows] = shapely.distance(geoms[rows], ref.boundary) / 1000.0
    out["area_km2"] = _spread(area / 1e6, codes)
    out["min_distance_km"] = _spread(near, codes)
    with_area = np.flatnonzero(present & (np.nan_to_num(area) > 0))
    for column, km in (("share_within_5km", GSZ_KM), ("share_within_25km", ASZ_KM)):
        share = np.full(m, np.nan)
        if len(with_area):
            inside = shapely.area(shapely.intersection(geoms[with_area], ref.buffer(km)))
            share[with_area] = np.clip(inside / area[with_area], 0.0, 1.0)
        out[column] = _spread(share, codes)
    return out
