"""Readable tables, key figures and downloads of a selection of events.

What the dashboard shows as a table is what it offers as CSV; the GeoJSON download is
the store's own canonical form of the same events. Both are exactly the filtered events.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from layers.filters import in_effect
from layers.i18n import DEFAULT_LANGUAGE, N_, Translator, translator
from layers.measures import SIDE_NAMES
from layers.store import dumps_collection, format_times, frame_to_features
from layers.titles import shown_titles
from layers.vocabulary import (
    CONFIDENCE_LABELS,
    LAYER_LABELS,
    LAYER_TIME_RULES,
    PRECISION_LABELS,
    SIDE_LABELS,
    category_label,
    describe_when_column,
)

__all__ = [
    "TABLE_MEASURES",
    "KeyFigures",
    "casualty_text",
    "csv_bytes",
    "events_table",
    "geojson_bytes",
    "key_figures",
    "measure_facts",
    "neutralise_cell",
    "table_headers",
]

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class KeyFigures:
    """Headline numbers of a selection; casualty totals are ranges (low, high).

    ``deployments_active`` counts deployment reports in effect on ``deployments_day``
    (None when the selection is empty), so a label can say which day it counts.
    """

    shown: int
    total: int
    incidents: int
    fatalities: tuple[int, int]
    injured: tuple[int, int]
    fatalities_unknown: int
    deployments_active: int
    deployments_day: date | None
    reinforcements: int
    not_mapped: int


def casualty_text(low: Any, high: Any, lang: str = DEFAULT_LANGUAGE) -> str:
    """``3``, ``3–5`` or ``unknown`` (in ``lang``)."""
    t = translator(lang)
    if pd.isna(low):
        return t.gettext("unknown")
    if low == high:
        return t.format_decimal(int(low))
    return t.gettext("{low}–{high}").format(low=t.format_decimal(int(low)), high=t.format_decimal(int(high)))


def key_figures(events: gpd.GeoDataFrame, total: int, as_of: date | None = None) -> KeyFigures:
    """Headline numbers for a selection of events.

    Parameters
    ----------
    events : GeoDataFrame
        The selection (already filtered).
    total : int
        Number of events in the whole store, for "showing X of Y".
    as_of : date, optional
        Day on which deployment reports are counted as active; default the last day of
        data in the selection.
    """
    incidents = events[events["layer"] == "incident"]
    deployments = events[events["layer"] == "deployment"]
    if as_of is None and not events.empty:
        as_of = pd.Timestamp(events["start"].max()).date()
    active = 0
    if as_of is not None and not deployments.empty:
        active = int(in_effect(deployments, as_of).sum())
    reinforcements = int(((events["layer"] == "kfor") & (events["category"] == "reinforcement")).sum())

    def span(name: str) -> tuple[int, int]:
        return int(incidents[f"{name}_min"].fillna(0).sum()), int(incidents[f"{name}_max"].fillna(0).sum())

    return KeyFigures(
        shown=len(events),
        total=total,
        incidents=len(incidents),
        fatalities=span("fatalities"),
        injured=span("injured"),
        fatalities_unknown=int(incidents["fatalities_min"].isna().sum()),
        deployments_active=active,
        deployments_day=as_of,
        reinforcements=reinforcements,
        not_mapped=int(events.geometry.isna().sum()),
    )


#: Measures (:func:`layers.measures.measure_events`) added to tables and downloads.
TABLE_MEASURES: tuple[str, ...] = (
    "distance_to_boundary_km",
    "distance_min_km",
    "distance_max_km",
    "side_measured",
    "in_gsz",
    "in_asz",
    "nearest_crossing",
    "nearest_crossing_km",
    "nearest_kfor",
    "nearest_kfor_km",
)


def _points(events: gpd.GeoDataFrame) -> tuple[list[float | None], list[float | None]]:
    """Longitude and latitude of each event drawn as a point; None for areas and no position."""
    lon: list[float | None] = []
    lat: list[float | None] = []
    for geom in events.geometry:
        point = geom is not None and not geom.is_empty and geom.geom_type == "Point"
        lon.append(float(geom.x) if point else None)
        lat.append(float(geom.y) if point else None)
    return lon, lat


#: A header of each column of :func:`events_table`, for a reader (the names stay the data's).
TABLE_HEADERS: dict[str, str] = {
    "id": N_("id"),
    "when": N_("when"),
    "layer": N_("layer"),
    "category": N_("category"),
    "title": N_("title"),
    # TRANSLATORS: the title as recorded, beside a title shown translated.
    "original_title": N_("original title"),
    "location": N_("place"),
    "municipality": N_("municipality"),
    "side": N_("side"),
    "location_precision": N_("location precision"),
    "fatalities": N_("killed"),
    "injured": N_("injured"),
    "confidence": N_("confidence"),
    "actors": N_("actors"),
    "sources": N_("sources"),
    "n_sources": N_("number of sources"),
    "summary": N_("summary"),
    "start": N_("start"),
    "end": N_("end"),
    "lon": N_("longitude"),
    "lat": N_("latitude"),
    "fatalities_min": N_("killed (low)"),
    "fatalities_max": N_("killed (high)"),
    "injured_min": N_("injured (low)"),
    "injured_max": N_("injured (high)"),
}


def table_headers(columns: Sequence[str], lang: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """The header of each of ``columns`` in ``lang``; a column without one keeps its name."""
    t = translator(lang)
    return {name: t.gettext(TABLE_HEADERS[name]) if name in TABLE_HEADERS else name for name in columns}


def events_table(
    events: gpd.GeoDataFrame,
    measures: pd.DataFrame | None = None,
    *,
    lang: str = DEFAULT_LANGUAGE,
    labels: bool = False,
) -> pd.DataFrame:
    """One row per event, in time order (start, then id): readable columns, then plain ones.

    The readable columns state each value with its precision (``when``, ``fatalities``
    as "3–5" or "unknown"), in the language ``lang``; the plain ones are for computing:
    ``start`` and ``end`` as the store writes them, ``lon`` and ``lat`` of a point (empty
    for an area or no position), and the casualty bounds as integers (empty when
    unknown). With ``labels``, layer, category, side, location precision and confidence
    read as words of ``lang`` instead of the store's codes (for a reader, not a file),
    and a title the store translates into ``lang`` is shown translated, with the recorded
    title beside it (``original_title``, only when some title of ``events`` is).
    With ``measures`` (indexed like ``events``), the distance to the boundary, the 1999
    zones and the nearest places are added as columns.
    """
    events = events.iloc[np.lexsort((events["id"].to_numpy(dtype=str), events["start"].to_numpy()))]
    rows = pd.DataFrame(index=events.index)
    rows["id"] = events["id"]
    lasts = events["layer"].map({layer: rule.lasts for layer, rule in LAYER_TIME_RULES.items()})
    interval = lasts.astype(object).fillna(True).to_numpy(dtype=bool)  # as bool() reads a missing one
    rows["when"] = describe_when_column(
        events["start"], events["end"], events["time_precision"], interval=interval, lang=lang
    )
    for name in ("layer", "category", "title", "location", "municipality", "side"):
        rows[name] = events[name]
    precisions = events["location_precision"]
    confidences = events["confidence"]
    if labels:
        t = translator(lang)
        shown, recorded = shown_titles(events, lang)
        rows["title"] = shown
        if recorded.notna().any():
            rows.insert(rows.columns.get_loc("title") + 1, "original_title", recorded)
        rows["layer"] = events["layer"].map(lambda v: t.gettext(LAYER_LABELS.get(v, v)))
        rows["category"] = [
            category_label(layer, category, lang)
            for layer, category in zip(events["layer"], events["category"], strict=True)
        ]
        rows["side"] = events["side"].map(lambda v: t.gettext(SIDE_LABELS[v]) if v in SIDE_LABELS else v)
        precisions = precisions.map(lambda v: t.gettext(PRECISION_LABELS.get(v, v)))
        confidences = confidences.map(lambda v: t.gettext(CONFIDENCE_LABELS.get(v, v)))
    rows["location_precision"] = [
        f"{label} (±{u:g} km)" if p == "approximate" and pd.notna(u) else str(label)
        for p, label, u in zip(
            events["location_precision"], precisions, events["uncertainty_km"], strict=True
        )
    ]
    rows["fatalities"] = [
        casualty_text(lo, hi, lang)
        for lo, hi in zip(events["fatalities_min"], events["fatalities_max"], strict=True)
    ]
    rows["injured"] = [
        casualty_text(lo, hi, lang)
        for lo, hi in zip(events["injured_min"], events["injured_max"], strict=True)
    ]
    rows["confidence"] = confidences
    rows["actors"] = events["actors"].map("; ".join)
    rows["sources"] = events["sources"].map(lambda items: " | ".join(s["url"] for s in items))
    rows["n_sources"] = events["n_sources"]
    rows["summary"] = events["summary"]
    rows["start"] = format_times(events["start"])
    rows["end"] = format_times(events["end"])
    rows["lon"], rows["lat"] = _points(events)
    for name in ("fatalities_min", "fatalities_max", "injured_min", "injured_max"):
        rows[name] = events[name].astype("Int64")
    if measures is not None:
        for name in TABLE_MEASURES:
            rows[name] = measures.loc[events.index, name]
    return rows.reset_index(drop=True)


def _signed_place(km: float, t: Translator) -> str:
    if abs(km) < 0.05:
        return t.gettext("on the line")
    distance = t.format_decimal(abs(km), digits=1)
    if km > 0:
        return t.gettext("{km} km inside Kosovo").format(km=distance)
    return t.gettext("{km} km outside Kosovo").format(km=distance)


def _zone(value: Any, area: bool, t: Translator) -> str:
    if value is None or pd.isna(value):
        return t.gettext("partly") if area else t.gettext("maybe (the uncertainty straddles the edge)")
    return t.gettext("yes") if bool(value) else t.gettext("no")


def measure_facts(measures: Mapping[str, Any], *, area: bool, lang: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """The measures of one event (a row of :func:`layers.measures.measure_events`) in words of ``lang``.

    Empty for an event without a position.
    """
    best = measures.get("distance_to_boundary_km")
    if best is None or pd.isna(best):
        return {}
    t = translator(lang)
    low, high = measures["distance_min_km"], measures["distance_max_km"]
    distance = _signed_place(float(best), t)
    if abs(float(high) - float(low)) >= 0.05:
        distance = t.gettext("{distance} (from {low} to {high})").format(
            distance=distance, low=_signed_place(float(low), t), high=_signed_place(float(high), t)
        )
    side = measures["side_measured"]
    facts = {
        t.gettext("Distance to the boundary"): distance,
        t.gettext("Measured side"): t.gettext(SIDE_NAMES[side]) if side in SIDE_NAMES else str(side),
        t.gettext("In the 1999 GSZ (5 km) / ASZ (25 km)"): (
            f"{_zone(measures['in_gsz'], area, t)} / {_zone(measures['in_asz'], area, t)}"
        ),
    }
    if not pd.isna(measures.get("nearest_crossing")):
        facts[t.gettext("Nearest crossing")] = t.gettext("{place}, {km} km").format(
            place=measures["nearest_crossing"],
            km=t.format_decimal(float(measures["nearest_crossing_km"]), digits=1),
        )
    if not pd.isna(measures.get("nearest_kfor")):
        kfor = t.gettext("{place}, {km} km").format(
            place=measures["nearest_kfor"], km=t.format_decimal(float(measures["nearest_kfor_km"]), digits=1)
        )
        if str(measures.get("nearest_kfor_confidence")) == "low":
            kfor = t.gettext("{place} (the installation's position is unverified)").format(place=kfor)
        facts[t.gettext("Nearest KFOR installation")] = kfor
    return facts


def neutralise_cell(value: Any) -> Any:
    """Make a text cell inert in spreadsheets: a leading ``= + - @`` (formula) gets a quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_bytes(table: pd.DataFrame) -> bytes:
    """CSV (UTF-8 with BOM, so spreadsheets read the names right), safe against formula injection."""
    safe = table.astype(object).map(neutralise_cell)
    text: str = safe.to_csv(index=False, lineterminator="\n")
    return ("\ufeff" + text).encode("utf-8")


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        value = value.item()
    return round(value, 3) if isinstance(value, float) else value


def geojson_bytes(
    events: gpd.GeoDataFrame, meta: dict[str, Any] | None = None, measures: pd.DataFrame | None = None
) -> bytes:
    """The events as a bordermon collection (canonical form, readable by ``bordermon validate``).

    With ``measures``, each feature carries them as the extension property ``x_measures``
    (derived values, recomputed by bordermon; they never replace sourced fields).
    """
    features = frame_to_features(events)
    if measures is not None:
        rows = measures.loc[events.index, list(TABLE_MEASURES)].to_dict("records")
        for feature, row in zip(features, rows, strict=True):
            feature["properties"]["x_measures"] = {k: _plain(v) for k, v in row.items()}
    return dumps_collection(features, meta).encode("utf-8")
