"""Encode events and reference geography into the compact payloads the map script draws.

One folium object per event costs ~1 KB of HTML and ~1.5 ms of Python; at 100k events
the page is ~90 MB and takes minutes to build. Instead each event layer becomes one
columnar structure: integer coordinates, small integer codes for category, severity,
confidence and precision, and indexes into a table of distinct strings (titles, dates,
places, actors, casualty texts) and a table of distinct sources. Given the events'
measures (:func:`layers.measures.measure_events`), it also carries each event's distance
band and signed distance to the boundary, to colour by and to state in popups. The map script
(``layers/static/bordermon-map.js``) draws it on one canvas and builds a popup only when
an event is clicked, setting every piece of text with ``textContent``.

Everything here is deterministic: the same frame gives the same payload, byte for byte.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely
from shapely.geometry.base import BaseGeometry

from layers.i18n import DEFAULT_LANGUAGE, N_, Translator, translator
from layers.jsontext import orjson_text
from layers.measures import DISTANCE_BANDS, ON_LINE_KM
from layers.timeline import encode_days
from layers.titles import shown_titles
from layers.vocabulary import (
    CATEGORY_STYLES,
    CONFIDENCE_LABELS,
    LAYER_LABELS,
    LAYERS,
    PRECISION_LABELS,
    CategoryStyle,
    describe_when,
    describe_when_column,
)

__all__ = [
    "BAND_COLORS",
    "COLOR_BY",
    "CONFIDENCE_LABELS",
    "DISTANCE_STEP_KM",
    "LAYER_LABELS",
    "NOT_MEASURED",
    "ORIGIN",
    "PRECISION_LABELS",
    "SEVERITY_LABELS",
    "SEVERITY_RADII",
    "STYLES",
    "CategoryStyle",
    "describe_casualties",
    "describe_distance",
    "describe_when",
    "encode_events",
    "encode_reference",
    "js_string",
    "mapped_mask",
    "severity_classes",
]

#: Coordinates are sent as integers of 1e-5 degree (about 1 m) from this origin (lon, lat).
ORIGIN: tuple[float, float] = (18.0, 40.5)
_SCALE = 100_000


#: Symbol and colour per category, per layer (the one table is in :mod:`layers.vocabulary`).
STYLES = CATEGORY_STYLES

#: What can colour the symbols of the incident layer (the other layers keep their styles).
COLOR_BY: tuple[str, ...] = ("category", "distance_band")

#: Fill colour of each distance band (:data:`layers.measures.DISTANCE_BANDS`), a diverging
#: scale: oranges on the Serbian side and blues on the Kosovo side (ColorBrewer PuOr and
#: RdBu halves), darker with depth; greys at the line, black beyond both countries. Every
#: pair stays more than 20 CIELAB ΔE (16 in CIEDE2000) apart under simulated protanopia,
#: deuteranopia and tritanopia (Machado et al. 2009, full severity); tests check it.
BAND_COLORS: dict[str, str] = {
    ">25 km in Serbia": "#b35806",
    "5–25 km in Serbia": "#f1a340",
    "0–5 km in Serbia": "#fee0b6",
    "on the line": "#969696",
    "across the line": "#525252",
    "0–5 km in Kosovo": "#d1e5f0",
    "5–25 km in Kosovo": "#67a9cf",
    ">25 km in Kosovo": "#2166ac",
    "outside Kosovo and Serbia": "#000000",
}
if tuple(BAND_COLORS) != DISTANCE_BANDS:  # pragma: no cover - a guard for whoever edits the bands
    raise RuntimeError("BAND_COLORS must name every distance band of layers.measures, in order")
#: Label and colour of events the measures leave without a band (no measurable position).
NOT_MEASURED: tuple[str, str] = (N_("distance not measured"), "#ffffff")
# Popup wording of each band; "{km}" is the distance to the line. Serbian and Kosovo
# bands are positions on one side; the others say where they are. Translated per map.
_IN_SERBIA = N_("{km} km inside Serbia")
_IN_KOSOVO = N_("{km} km inside Kosovo")
_BAND_TEXTS: dict[str, str] = {
    **{band: _IN_SERBIA for band in DISTANCE_BANDS if band.endswith(" in Serbia")},
    **{band: _IN_KOSOVO for band in DISTANCE_BANDS if band.endswith(" in Kosovo")},
    "on the line": N_("on the line, within {limit} km"),
    "across the line": N_("across the line"),
    "outside Kosovo and Serbia": N_("{km} km from the line, outside Kosovo and Serbia"),
}
#: Distances travel as integers of this many km (what popups show: one decimal).
DISTANCE_STEP_KM = 0.1
# The range of distances a record allows, on one side of the line or across it; "why"
# is the first phrase for a point with an uncertainty, the second for a line or an area.
_DISTANCE_TEXTS: dict[str, Any] = {
    "range": N_("{low}–{high} km {why}"),
    "across": N_("from {low} km outside to {high} km inside Kosovo {why}"),
    "why": [N_("given the uncertainty"), N_("over its extent")],
}
#: The map script's own words in an event's popup (field names, the sources' heading);
#: each map carries them in its language.
_POPUP_WORDS: dict[str, str] = {
    "period": N_("Reported period"),
    "date": N_("Date"),
    "place": N_("Place"),
    "actors": N_("Actors"),
    "casualties": N_("Casualties"),
    "confidence": N_("Confidence"),
    "location": N_("Location"),
    "boundary": N_("From the boundary"),
    "note": N_("Note"),
    # TRANSLATORS: the heading of an event's list of sources in a map popup.
    "sources": N_("Sources ({count})"),
    "within": N_("{precision}, within {km} km"),
    "unmapped": N_("{precision} (extent not mapped)"),
    "id": N_("id: {id}"),
    # TRANSLATORS: opens, under a title shown translated, the title as it was recorded.
    "original": N_("Original title"),
}
_MEASURE_NEEDS = ("distance_band", "distance_to_boundary_km", "distance_min_km", "distance_max_km")

_CONFIDENCES = tuple(CONFIDENCE_LABELS)
_PRECISIONS = tuple(PRECISION_LABELS)
#: Symbol radius in pixels per severity class.
SEVERITY_RADII: tuple[int, ...] = (5, 7, 9, 12)
SEVERITY_LABELS: tuple[str, ...] = (
    N_("no casualties reported"),
    N_("injured, none killed"),
    N_("1–4 killed"),
    N_("5 or more killed"),
)
# Draw kinds: how the map script draws an event.
_EXACT_POINT, _APPROXIMATE_POINT, _AREA_POINT, _SHAPE = 0, 1, 2, 3


# --------------------------------------------------------------------------- text


def _missing(value: Any) -> bool:
    return (
        value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))
    )


def _count_text(low: Any, high: Any, t: Translator) -> str | None:
    if _missing(low):
        return None
    if _missing(high) or int(low) == int(high):
        return t.format_decimal(int(low))
    # TRANSLATORS: casualty figures that differ between sources, as in "killed 3–5 (sources disagree)".
    disagree = t.gettext("{low}–{high} (sources disagree)")
    return disagree.format(low=t.format_decimal(int(low)), high=t.format_decimal(int(high)))


def describe_casualties(
    fatalities_min: Any, fatalities_max: Any, injured_min: Any, injured_max: Any, lang: str = DEFAULT_LANGUAGE
) -> str:
    """Casualties as text in ``lang``: numbers, ranges where sources disagree, or "not reported".

    Examples
    --------
    >>> describe_casualties(3, 4, None, None)
    'killed 3–4 (sources disagree); injured: not reported'
    >>> describe_casualties(None, None, None, None)
    'not reported'
    """
    t = translator(lang)
    killed = _count_text(fatalities_min, fatalities_max, t)
    injured = _count_text(injured_min, injured_max, t)
    if killed is None and injured is None:
        return t.gettext("not reported")
    killed_text = (
        t.gettext("killed {count}").format(count=killed)
        if killed is not None
        else t.gettext("killed: not reported")
    )
    injured_text = (
        t.gettext("injured {count}").format(count=injured)
        if injured is not None
        else t.gettext("injured: not reported")
    )
    return f"{killed_text}; {injured_text}"


def _steps(km: Any) -> int:
    return int(np.rint(float(km) / DISTANCE_STEP_KM))


def _km_text(steps: int, t: Translator) -> str:
    return t.format_decimal(abs(steps) * DISTANCE_STEP_KM, digits=1)


def _band_text(band: str, t: Translator) -> str:
    """A band's popup wording in the language of ``t`` (``{km}`` left for the distance)."""
    return t.gettext(_BAND_TEXTS[band]).replace("{limit}", t.format_decimal(ON_LINE_KM))


def describe_distance(
    band: Any,
    km: Any,
    low: Any = None,
    high: Any = None,
    *,
    extent: bool = False,
    lang: str = DEFAULT_LANGUAGE,
) -> str:
    """Where an event lies relative to the boundary, as its popup says it.

    The map script writes the same text from the payload's integers and templates; this
    is the reference (tests compare the two).

    Parameters
    ----------
    band : str or missing
        The event's ``distance_band`` (:data:`layers.measures.DISTANCE_BANDS`).
    km, low, high : float or missing
        ``distance_to_boundary_km``, ``distance_min_km`` and ``distance_max_km``: signed,
        positive inside Kosovo. ``low``/``high`` default to ``km``.
    extent : bool
        The event is drawn as a line or an area: its range is over its extent rather
        than from an uncertainty.
    lang : str
        The language of the words and of the numbers (:data:`layers.i18n.LANGUAGES`).

    Returns
    -------
    str
        Distances to 0.1 km, e.g. ``"11.5 km inside Kosovo (10.2–12.2 km given the
        uncertainty)"``; empty when there is no measure.

    Examples
    --------
    >>> describe_distance("5–25 km in Serbia", -7.04, -9.0, -5.0)
    '7.0 km inside Serbia (5.0–9.0 km given the uncertainty)'
    >>> describe_distance("0–5 km in Kosovo", 1.0, -4.0, 6.0)
    '1.0 km inside Kosovo (from 4.0 km outside to 6.0 km inside Kosovo given the uncertainty)'
    """
    if _missing(band) or _missing(km) or str(band) not in _BAND_TEXTS:
        return ""
    t = translator(lang)
    steps = _steps(km)
    lo = steps if _missing(low) else _steps(low)
    hi = steps if _missing(high) else _steps(high)
    text = _band_text(str(band), t).replace("{km}", _km_text(steps, t))
    if lo == hi:
        return text
    why = t.gettext(_DISTANCE_TEXTS["why"][1 if extent else 0])
    if lo < 0 < hi:
        template, first, last = t.gettext(_DISTANCE_TEXTS["across"]), lo, hi
    else:
        template, (first, last) = t.gettext(_DISTANCE_TEXTS["range"]), sorted((abs(lo), abs(hi)))
    span = (
        template.replace("{low}", _km_text(first, t))
        .replace("{high}", _km_text(last, t))
        .replace("{why}", why)
    )
    return f"{text} ({span})"


def severity_classes(events: pd.DataFrame) -> np.ndarray:
    """Severity class per event (0–3) from the lower bounds of its casualty figures.

    0: none reported; 1: injured, none killed; 2: 1–4 killed; 3: 5 or more killed. The
    lower bound is used where sources disagree, so a symbol never claims more than all
    sources grant.
    """
    killed = events["fatalities_min"].astype("Int64").fillna(0).to_numpy(dtype="int64")
    hurt = events["injured_min"].astype("Int64").fillna(0).to_numpy(dtype="int64")
    classes = np.where(killed >= 5, 3, np.where(killed >= 1, 2, np.where(hurt >= 1, 1, 0)))
    return classes.astype("int64")


# --------------------------------------------------------------------------- tables


class _Strings:
    """A table of distinct strings; each is sent once and referred to by index."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.items: list[str] = []

    def add(self, text: Any) -> int:
        if type(text) is not str:
            if _missing(text):
                return -1
            text = str(text)
        key: str = text
        found = self.index.get(key)
        if found is None:
            found = self.index[key] = len(self.items)
            self.items.append(key)
        return found


def _indexed(codes: np.ndarray, texts: Sequence[Any], strings: _Strings) -> list[int]:
    """String-table index per row, from factorize codes and the text of each code."""
    table = np.asarray([strings.add(text) for text in texts] + [-1], dtype="int64")
    # Code -1 (missing) picks the trailing -1.
    picked: list[int] = table[np.where(codes < 0, len(table) - 1, codes)].tolist()
    return picked


def _column_index(values: pd.Series, strings: _Strings) -> list[int]:
    """String-table index of each value of a text column (-1 where missing)."""
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    return _indexed(np.asarray(codes), list(uniques), strings)


def _row_codes(key: pd.DataFrame | Sequence[np.ndarray]) -> np.ndarray:
    """One integer per row, equal for equal rows (missing values compare equal)."""
    columns = [key[name].to_numpy() for name in key.columns] if isinstance(key, pd.DataFrame) else list(key)
    combined = np.zeros(len(columns[0]) if columns else 0, dtype="int64")
    radix = 1
    for column in columns:
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        size = len(uniques) + 1
        if radix * size >= 2**62:  # would overflow: renumber what we have so far first
            combined = pd.factorize(combined)[0].astype("int64")
            radix = int(combined.max()) + 1 if len(combined) else 1
        combined = combined + (np.asarray(codes, dtype="int64") + 1) * radix
        radix *= size
    return np.asarray(pd.factorize(combined)[0], dtype="int64")


def _rows_index(key: pd.DataFrame, describe: Any, strings: _Strings) -> list[int]:
    """String-table index of a description of each row, describing each distinct row once.

    ``describe`` gets the positions of one row per distinct key and returns their texts.
    """
    if key.empty:
        return []
    codes = _row_codes(key)
    _, first = np.unique(codes, return_index=True)
    return _indexed(codes, describe(first), strings)


_SOURCE_FIELDS = ("url", "publisher", "original_publisher", "published", "language", "title")


def _report_by(lang: str) -> str:
    # TRANSLATORS: after a source's date and language: the agency whose report it carries.
    return translator(lang).gettext("report by {publisher}")


def _source_entry(key: tuple[Any, ...], strings: _Strings, report_by: str) -> list[int]:
    url, publisher, original, published, language, title = (str(v) if v else "" for v in key)
    meta = ", ".join(part for part in (published, language) if part)
    if original and original != publisher:
        by = report_by.format(publisher=original)
        meta = f"{meta}; {by}" if meta else by
    return [strings.add(url), strings.add(publisher), strings.add(title or url), strings.add(meta)]


def _encode_sources(
    column: pd.Series, strings: _Strings, lang: str = DEFAULT_LANGUAGE
) -> tuple[list[int], list[int], list[list[int]]]:
    """Sources as a flat list of indexes with a count per event, and the table of distinct sources.

    A source is distinct by the fields the map shows (:data:`_SOURCE_FIELDS`); the table
    lists them in order of first citation.
    """
    if isinstance(column.dtype, pd.ArrowDtype):
        return _encode_source_columns(column, strings, lang)
    index: dict[tuple[Any, ...], int] = {}
    table: list[list[int]] = []
    counts: list[int] = []
    refs: list[int] = []
    report_by = _report_by(lang)
    for items in column.tolist():
        counts.append(len(items))
        for source in items:
            key = tuple(map(source.get, _SOURCE_FIELDS))
            found = index.get(key)
            if found is None:
                found = index[key] = len(table)
                table.append(_source_entry(key, strings, report_by))
            refs.append(found)
    return counts, refs, table


def _encode_source_columns(
    column: pd.Series, strings: _Strings, lang: str = DEFAULT_LANGUAGE
) -> tuple[list[int], list[int], list[list[int]]]:
    """:func:`_encode_sources` of sources read as columns (:data:`layers.snapshot.SOURCES_TYPE`).

    ``bordermon export`` reads them so (:func:`layers.store.read_store`, ``undecoded``):
    the distinct sources are a factorisation of the fields' dictionary codes, with no
    list or mapping made per event. The result is the one of the decoded sources.
    """
    found = pa.array(column.array)  # the column's own Arrow arrays
    lists = found.combine_chunks() if isinstance(found, pa.ChunkedArray) else found
    counts: list[int] = pc.list_value_length(lists).fill_null(0).to_numpy(zero_copy_only=False).tolist()
    flat = lists.flatten()  # every event's sources, one after the other
    fields = dict(zip((field.name for field in flat.type), flat.flatten(), strict=True))
    codes, texts = [], []
    for name in _SOURCE_FIELDS:
        field = fields[name]
        if not pa.types.is_dictionary(field.type):
            field = field.dictionary_encode()
        # A dictionary may repeat a text (files read apart): equal texts get one code.
        distinct, uniques = pd.factorize(field.dictionary.to_numpy(zero_copy_only=False))
        picks = field.indices.fill_null(-1).to_numpy(zero_copy_only=False)
        codes.append(np.append(distinct, -1)[picks])
        texts.append([*uniques.tolist(), None])  # code -1 picks the None: a field left out
    refs = _row_codes(codes)  # numbered in order of first citation, as the loop above does
    _, first = np.unique(refs, return_index=True)
    report_by = _report_by(lang)
    table = [
        _source_entry(tuple(texts[i][codes[i][row]] for i in range(len(codes))), strings, report_by)
        for row in first.tolist()
    ]
    return counts, refs.tolist(), table


def mapped_mask(events: gpd.GeoDataFrame) -> pd.Series:
    """Boolean mask: the event has a position to draw (a geometry, precision not ``none``)."""
    if events.empty:
        return pd.Series(False, index=events.index, dtype=bool)
    has_geometry = ~(events.geometry.isna() | events.geometry.is_empty)
    return (has_geometry & (events["location_precision"] != "none")).fillna(False).astype(bool)


def _flat(coords: np.ndarray) -> list[int]:
    shifted = np.rint((coords[:, :2] - np.asarray(ORIGIN)) * _SCALE).astype("int64")
    flat: list[int] = shifted.ravel().tolist()
    return flat


def _encode_shape(geom: BaseGeometry) -> list[Any]:
    """A non-point geometry as [type, parts] with flat integer coordinates."""
    kind = geom.geom_type
    if kind in ("Polygon", "MultiPolygon"):
        polygons = [geom] if kind == "Polygon" else list(geom.geoms)
        return [
            "P",
            [
                [_flat(np.asarray(ring.coords)) for ring in (poly.exterior, *poly.interiors)]
                for poly in polygons
            ],
        ]
    if kind in ("LineString", "MultiLineString"):
        lines = [geom] if kind == "LineString" else list(geom.geoms)
        return ["L", [_flat(np.asarray(line.coords)) for line in lines]]
    return ["M", _flat(shapely.get_coordinates(geom))]


def _codes(values: pd.Series, table: Sequence[str], fallback: str) -> list[int]:
    codes = np.asarray(pd.Categorical(values.astype(object), categories=list(table)).codes, dtype="int64")
    out: list[int] = np.where(codes < 0, list(table).index(fallback), codes).tolist()
    return out


def encode_events(
    events: gpd.GeoDataFrame,
    layer: str,
    *,
    measures: pd.DataFrame | None = None,
    color_by: str = "category",
    lang: str = DEFAULT_LANGUAGE,
) -> dict[str, Any]:
    """The columnar payload of one event layer, for the map script.

    Parameters
    ----------
    events : GeoDataFrame
        Events as read by :func:`layers.store.read_store` (EPSG:4326). Only rows of
        ``layer`` with a position (:func:`mapped_mask`) are encoded.
    layer : str
        ``incident``, ``deployment`` or ``kfor``.
    measures : DataFrame, optional
        :func:`layers.measures.measure_events` of (at least) the encoded rows, indexed
        like ``events``. With it, popups state each event's distance to the boundary.
    color_by : {"category", "distance_band"}
        Fill colour of the symbols and areas: by category (the default), or by distance
        band (:data:`BAND_COLORS`; needs ``measures``). Symbols keep their category's
        shape either way.
    lang : str
        The language of the layer, category, confidence and precision labels and of the
        "when" text (:data:`layers.i18n.LANGUAGES`); event content stays as recorded,
        but for a title the store translates into ``lang`` (shown translated).

    Returns
    -------
    dict
        JSON-ready: ``id`` (event ids), ``x``/``y`` (1e-5° from :data:`ORIGIN`), ``k``
        (how to draw: 0 exact point, 1 approximate point, 2 point standing for an area,
        3 the geometry in ``geom``), ``r`` (uncertainty radius in metres), codes ``c``
        (category), ``v`` (severity), ``f`` (confidence), ``p`` (location precision),
        string indexes ``t`` (title, in ``lang`` where the store translates it:
        :func:`layers.titles.shown_titles`), ``to`` (the recorded title of an event shown
        translated, -1 elsewhere; only when some event is), ``w`` (when), ``l`` (place), ``a`` (actors), ``q``
        (casualties), ``o`` (geometry note), ``sn`` (number of sources per event), ``s`` (their indexes
        in ``sources``, event after event), the days each event covers ``d0``, ``ts``,
        ``tn``, ``tw`` (:func:`layers.timeline.encode_days`: playback and the timeline), ``share`` (row → the
        earlier row whose identical area or line it is drawn with: that row alone has it in
        ``geom``), and the
        tables ``strings``, ``sources``, ``categories``, ``confidences``, ``precisions``.
        With ``measures`` also ``color_by``, codes ``b`` (distance band, an index into
        the table ``bands``; its last entry is "not measured"), ``d`` (signed distance
        to the boundary in steps of :data:`DISTANCE_STEP_KM`, positive inside Kosovo),
        ``dn``/``dx`` (how far the lowest / highest distance the record allows lies
        below / above ``d``, in steps) and the popup templates ``distance``. Without
        ``measures`` none of these keys is there.

    Raises
    ------
    ValueError
        For an unknown layer or ``color_by``, ``color_by="distance_band"`` without
        ``measures``, or ``measures`` without a row or a column the encoding needs.
    """
    if layer not in LAYERS:
        raise ValueError(f"unknown layer {layer!r}; expected one of {', '.join(LAYERS)}")
    if not isinstance(events, gpd.GeoDataFrame):
        raise TypeError(f"events must be a GeoDataFrame, not {type(events).__name__}")
    if color_by not in COLOR_BY:
        raise ValueError(f"unknown color_by {color_by!r}; choose from {', '.join(COLOR_BY)}")
    if color_by == "distance_band" and measures is None:
        raise ValueError(
            "colouring by distance band needs the events' measures (layers.measures.measure_events)"
        )
    if not events.empty and events.crs is not None and not events.crs.equals("EPSG:4326"):
        events = events.to_crs("EPSG:4326")
    rows = events[(events["layer"] == layer).to_numpy(dtype=bool) & mapped_mask(events).to_numpy(dtype=bool)]
    strings = _Strings()
    payload = _layer_tables(layer, lang)
    payload.update({"id": rows["id"].astype(str).tolist()})
    payload.update(_encode_positions(rows))
    payload.update(_encode_codes(rows, layer))
    payload.update(encode_days(rows))
    payload.update(_encode_texts(rows, strings, interval=layer != "incident", lang=lang))
    source_counts, source_refs, source_table = _encode_sources(rows["sources"], strings, lang)
    payload.update({"sn": source_counts, "s": source_refs, "sources": source_table})
    # Titles and notes enter the string table last: the table's order is the page's bytes.
    shown, recorded = shown_titles(rows, lang)
    payload["t"] = _column_index(shown, strings)
    payload["o"] = _column_index(rows["geometry_note"], strings)
    if recorded.notna().any():  # titles shown translated: the recorded one is a click away
        payload["to"] = _column_index(recorded, strings)
    payload["strings"] = strings.items
    payload = {key: payload[key] for key in _PAYLOAD_ORDER if key in payload}
    if measures is not None:
        payload["color_by"] = color_by
        payload.update(_encode_distances(rows, measures, lang))
    return payload


# The order of the payload's keys (the page's bytes depend on it).
_PAYLOAD_ORDER = (
    *("layer", "label", "interval", "origin", "scale", "categories", "confidences", "precisions", "radii"),
    *("numbers", "words"),
    *("id", "x", "y", "k", "r", "c", "v", "f", "p", "d0", "ts", "tn", "tw"),
    *("t", "to", "w", "l", "a", "q", "o", "sn", "s", "geom", "share"),
    *("sources", "strings"),
)


def _layer_tables(layer: str, lang: str) -> dict[str, Any]:
    """What every payload of a layer carries: labels, styles and the code tables."""
    t = translator(lang)
    return {
        "layer": layer,
        "label": t.gettext(LAYER_LABELS[layer]),
        "interval": layer != "incident",
        "origin": list(ORIGIN),
        "scale": _SCALE,
        "categories": [
            {"key": key, "label": t.gettext(style.label), "color": style.color, "shape": style.shape}
            for key, style in STYLES[layer].items()
        ],
        "confidences": [[key, t.gettext(CONFIDENCE_LABELS[key])] for key in _CONFIDENCES],
        "precisions": [[key, t.gettext(PRECISION_LABELS[key])] for key in _PRECISIONS],
        "radii": list(SEVERITY_RADII),
        # Numbers the script writes itself (a radius, a distance) follow the language too.
        "numbers": number_marks(t),
        "words": {key: t.gettext(word) for key, word in _POPUP_WORDS.items()},
    }


def number_marks(t: Translator) -> list[str]:
    """The decimal and group marks the map scripts write numbers with: ``[",", "\u00a0"]`` in Albanian.

    Given, not left to the browser: Chromium knows no Albanian and writes its numbers as
    English.
    """
    marks = t.number_locale()
    return [str(marks["decimal"]), str(marks["thousands"])]


def _encode_positions(rows: gpd.GeoDataFrame) -> dict[str, Any]:
    """Anchor points (``x``, ``y``), how to draw (``k``), uncertainty radii (``r``) and shapes (``geom``)."""
    n = len(rows)
    geoms = rows.geometry.to_numpy()
    is_point = (shapely.get_type_id(geoms) == 0) if n else np.zeros(0, dtype=bool)
    anchors = geoms.copy()
    if n and not is_point.all():
        anchors[~is_point] = shapely.point_on_surface(geoms[~is_point])
    if n:
        x = np.rint((shapely.get_x(anchors) - ORIGIN[0]) * _SCALE).astype("int64")
        y = np.rint((shapely.get_y(anchors) - ORIGIN[1]) * _SCALE).astype("int64")
    else:
        x = y = np.zeros(0, dtype="int64")
    precision = rows["location_precision"].astype("string").fillna("exact").to_numpy(dtype=object)
    uncertainty = rows["uncertainty_km"].to_numpy(dtype="float64")
    radius = np.where(np.isfinite(uncertainty), np.rint(uncertainty * 1000), 0).astype("int64")
    kind = np.full(n, _SHAPE, dtype="int64")
    kind[is_point & (precision == "exact")] = _EXACT_POINT
    kind[is_point & (precision == "approximate")] = _APPROXIMATE_POINT
    kind[is_point & (precision == "area")] = _AREA_POINT
    shapes, share = _shared_shapes(geoms, np.flatnonzero(kind == _SHAPE).tolist())
    return {
        "x": x.tolist(),
        "y": y.tolist(),
        "k": kind.tolist(),
        "r": radius.tolist(),
        "geom": shapes,
        "share": share,
    }


def _shared_shapes(geoms: np.ndarray, rows: list[int]) -> tuple[dict[str, Any], dict[str, int]]:
    """Encoded shapes by row, each area or line drawn once: rows with the same one share it.

    Several reports can use one drawing convention (the 25 km band on the Serbian side
    stands for "forces reported near the line"): drawn once per report they stack into
    one dark hatched area. Returns the shapes of the first row of each, by row, and for
    every later row the first row whose shape it shares.
    """
    shapes: dict[str, Any] = {}
    share: dict[str, int] = {}
    first: dict[Any, int] = {}
    keys, encode = _shape_encoder(geoms[rows])
    for k, (i, key) in enumerate(zip(rows, keys, strict=True)):
        if key is not None:
            if key in first:
                share[str(i)] = first[key]
                continue
            first[key] = i
        shapes[str(i)] = encode(k)
    return shapes, share


def _shape_encoder(geoms: np.ndarray) -> tuple[list[Any], Callable[[int], list[Any]]]:
    """A key per geometry, equal where :func:`_encode_shape` gives equal areas or lines
    (None for the others, which are not shared), and the function giving that encoding.

    All coordinates of a kind are rounded at once, and an area's or a line's key is made
    of arrays: the kind, the rings' count per polygon, their lengths and the coordinates'
    bytes; only the encodings asked for (the first of each shared shape) become lists.
    Partly empty areas and lines are encoded and keyed one by one.
    """
    n = len(geoms)
    keys: list[Any] = [None] * n
    # Per geometry: its kind, rings per part, and first ring in its kind's arrays.
    layout: list[tuple[str, list[int], int] | None] = [None] * n
    arrays: dict[str, tuple[np.ndarray, list[int]]] = {}
    types = shapely.get_type_id(geoms)
    parts, owner = shapely.get_parts(geoms, return_index=True)
    whole = ~np.isin(np.arange(n), owner[shapely.is_empty(parts)]) & ~shapely.is_empty(geoms)
    kinds = (("P", np.isin(types, (3, 6)) & whole), ("L", np.isin(types, (1, 5)) & whole))
    for kind, picked in (*kinds, ("M", ~np.isin(types, (1, 3, 5, 6)))):
        rows = np.flatnonzero(picked)
        if not len(rows):
            continue
        if kind == "M":  # points, linear rings, collections: all their coordinates, in one list
            lines, per_row = geoms[rows], [[1]] * len(rows)
        else:
            pieces, piece_owner = shapely.get_parts(geoms[rows], return_index=True)
            if kind == "P":  # a polygon's rings, exterior first
                lines, line_piece = shapely.get_rings(pieces, return_index=True)
                per_piece = np.bincount(line_piece, minlength=len(pieces)).tolist()
            else:
                lines, per_piece = pieces, [1] * len(pieces)
            piece_bounds = np.concatenate(([0], np.cumsum(np.bincount(piece_owner, minlength=len(rows)))))
            per_row = [per_piece[a:b] for a, b in itertools.pairwise(piece_bounds.tolist())]
        coords, line = shapely.get_coordinates(lines, return_index=True)
        ints = np.rint((coords - np.asarray(ORIGIN)) * _SCALE).astype("int64").ravel()
        bounds = np.concatenate(([0], np.cumsum(np.bincount(line, minlength=len(lines)) * 2)))
        arrays[kind] = (ints, bounds.tolist())
        lengths = np.diff(bounds)
        first_line = 0
        for row, counts in zip(rows.tolist(), per_row, strict=True):
            layout[row] = (kind, counts, first_line)
            last_line = first_line + sum(counts)
            if kind != "M":
                keys[row] = (
                    kind,
                    tuple(counts),
                    lengths[first_line:last_line].tobytes(),
                    ints[bounds[first_line] : bounds[last_line]].tobytes(),
                )
            first_line = last_line
    slow: dict[int, list[Any]] = {}
    for row in (i for i in range(n) if layout[i] is None):
        shape = slow[row] = _encode_shape(geoms[row])
        if shape[0] in ("P", "L"):
            # Equal encodings share; tuples compare as the lists do, without writing JSON.
            keys[row] = (
                ("P", tuple(tuple(map(tuple, polygon)) for polygon in shape[1]))
                if shape[0] == "P"
                else ("L", tuple(map(tuple, shape[1])))
            )

    def encode(row: int) -> list[Any]:
        spec = layout[row]
        if spec is None:
            return slow[row]
        kind, counts, line = spec
        ints, bounds = arrays[kind]
        if kind == "M":
            return ["M", ints[bounds[line] : bounds[line + 1]].tolist()]
        nested = []
        for count in counts:
            nested.append([ints[bounds[j] : bounds[j + 1]].tolist() for j in range(line, line + count)])
            line += count
        return [kind, nested if kind == "P" else [rings[0] for rings in nested]]

    return keys, encode


def _encode_codes(rows: gpd.GeoDataFrame, layer: str) -> dict[str, list[int]]:
    """Small integer codes: category ``c``, severity ``v``, confidence ``f``, location precision ``p``."""
    return {
        "c": _codes(rows["category"], list(STYLES[layer]), "other"),
        "v": severity_classes(rows).tolist() if layer == "incident" else [0] * len(rows),
        "f": _codes(rows["confidence"], _CONFIDENCES, "reported"),
        "p": _codes(rows["location_precision"], _PRECISIONS, "exact"),
    }


def _encode_texts(
    rows: gpd.GeoDataFrame, strings: _Strings, *, interval: bool, lang: str = DEFAULT_LANGUAGE
) -> dict[str, list[int]]:
    """String-table indexes of each event's when ``w``, casualties ``q``, place ``l`` and actors ``a``."""
    # Each distinct day is formatted once; the table gets the texts in order of first use.
    texts = describe_when_column(
        rows["start"], rows["end"], rows["time_precision"], interval=interval, lang=lang
    )
    when = _column_index(pd.Series(texts, dtype=object), strings)
    counts = rows[["fatalities_min", "fatalities_max", "injured_min", "injured_max"]]
    casualties = _rows_index(
        counts.astype("Int64").fillna(-1).astype("int64"),
        lambda first: [
            describe_casualties(a, b, c, d, lang=lang)
            for a, b, c, d in counts.iloc[first].astype(object).to_numpy().tolist()
        ],
        strings,
    )
    location = rows["location"].astype(object)
    municipality = rows["municipality"].astype(object)
    same = municipality.isna().to_numpy(dtype=bool) | (municipality == location).to_numpy(dtype=bool)
    place_text = location.where(same, location.astype(str) + ", " + municipality.astype(str))
    places = _column_index(place_text, strings)
    unnamed = translator(lang).gettext("not named")
    actor_text = pd.Series(["; ".join(items) if items else unnamed for items in rows["actors"].tolist()])
    actors = _column_index(actor_text, strings)
    return {"w": when, "q": casualties, "l": places, "a": actors}


def _encode_distances(rows: gpd.GeoDataFrame, measures: pd.DataFrame, lang: str) -> dict[str, Any]:
    """Band codes, signed distances and their ranges of the encoded rows, in steps."""
    if not isinstance(measures, pd.DataFrame):
        raise TypeError(f"measures must be a DataFrame, not {type(measures).__name__}")
    missing = [column for column in _MEASURE_NEEDS if column not in measures.columns]
    if missing:
        raise ValueError(f"measures lack {', '.join(missing)}; pass layers.measures.measure_events(events)")
    unmeasured = ~rows.index.isin(measures.index)
    if unmeasured.any():
        raise ValueError(
            f"measures must be indexed like events: {int(unmeasured.sum())} event(s) to draw have no row, "
            f"e.g. {rows['id'].iloc[int(np.argmax(unmeasured))]!r}"
        )
    measured = measures.reindex(rows.index)

    def steps(column: str) -> np.ndarray:
        km = pd.to_numeric(measured[column], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        return np.asarray(np.rint(km / DISTANCE_STEP_KM), dtype="float64")

    best, low, high = steps("distance_to_boundary_km"), steps("distance_min_km"), steps("distance_max_km")
    codes = np.asarray(pd.Categorical(measured["distance_band"], categories=list(DISTANCE_BANDS)).codes)
    codes = np.where((codes < 0) | np.isnan(best), len(DISTANCE_BANDS), codes).astype("int64")
    known = ~np.isnan(best)
    best = np.where(known, best, 0)
    below = np.where(known & ~np.isnan(low), best - low, 0)
    above = np.where(known & ~np.isnan(high), high - best, 0)
    t = translator(lang)
    bands = [
        {"label": t.gettext(band), "color": BAND_COLORS[band], "text": _band_text(band, t)}
        for band in DISTANCE_BANDS
    ]
    bands.append({"label": t.gettext(NOT_MEASURED[0]), "color": NOT_MEASURED[1], "text": ""})
    return {
        "bands": bands,
        "b": codes.tolist(),
        "d": best.astype("int64").tolist(),
        "dn": below.astype("int64").tolist(),
        "dx": above.astype("int64").tolist(),
        "distance": {
            "step": DISTANCE_STEP_KM,
            "range": t.gettext(_DISTANCE_TEXTS["range"]),
            "across": t.gettext(_DISTANCE_TEXTS["across"]),
            "why": [t.gettext(why) for why in _DISTANCE_TEXTS["why"]],
        },
    }


# --------------------------------------------------------------------------- reference


def _round_geometry(geom: BaseGeometry) -> Any:
    rounded = shapely.transform(geom, lambda coords: np.round(coords, 5))
    return json.loads(shapely.to_geojson(rounded))


def encode_reference(
    frame: gpd.GeoDataFrame,
    *,
    style: str | Sequence[str],
    label: Sequence[str | None] | None = None,
    rows: Sequence[Sequence[tuple[str, str]]] | None = None,
    links: Sequence[Sequence[tuple[str, str]]] | None = None,
    title: Sequence[str | None] | None = None,
    rank: Sequence[int] | None = None,
) -> dict[str, Any]:
    """A reference layer as a GeoJSON FeatureCollection with display properties only.

    Parameters
    ----------
    frame : GeoDataFrame
        Reference features (EPSG:4326).
    style : str or sequence of str
        Style key per feature (or one for all), known to the map script.
    label : sequence of str or None, optional
        Permanent label per feature.
    rows : sequence of sequences of (label, value), optional
        Popup rows per feature; no popup when empty.
    links : sequence of sequences of (text, url), optional
        Popup links per feature.
    title : sequence of str or None, optional
        Popup heading per feature.
    rank : sequence of int, optional
        Label priority per feature: where two labels overlap, the higher rank is hidden
        (:func:`layers.reference.label_order`).

    Returns
    -------
    dict
        ``{"type": "FeatureCollection", "features": [...]}``, coordinates rounded to 1e-5°.
    """
    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs("EPSG:4326")
    n = len(frame)
    styles = [style] * n if isinstance(style, str) else list(style)
    features = []
    for i, geom in enumerate(frame.geometry.tolist()):
        if geom is None or geom.is_empty:
            continue
        props: dict[str, Any] = {"s": styles[i]}
        if label is not None and label[i]:
            props["label"] = label[i]
        if title is not None and title[i]:
            props["title"] = title[i]
        if rows is not None and rows[i]:
            props["rows"] = [list(row) for row in rows[i]]
        if links is not None and links[i]:
            props["links"] = [list(link) for link in links[i]]
        if rank is not None:
            props["rank"] = int(rank[i])
        features.append({"type": "Feature", "geometry": _round_geometry(geom), "properties": props})
    return {"type": "FeatureCollection", "features": features}


# --------------------------------------------------------------------------- embedding


#: What :func:`js_string` writes for these characters of the UTF-8 text with its backslashes
#: already doubled: ``<``, ``>`` and ``&`` as JSON escapes (their backslash doubled too),
#: the two line terminators JavaScript would end a string at as JavaScript escapes.
_SCRIPT_ESCAPES = (
    (b"<", b"\\\\u003c"),
    (b">", b"\\\\u003e"),
    (b"&", b"\\\\u0026"),
    ("\u2028".encode(), b"\\u2028"),
    ("\u2029".encode(), b"\\u2029"),
)


def js_string(payload: Any) -> str:
    """JSON as a single-quoted JavaScript string literal, safe inside an HTML ``<script>``.

    ``<``, ``>`` and ``&`` are written as JSON escapes, so neither ``</script>`` nor
    ``<!--`` can occur; the script parses it with ``JSON.parse`` (faster than an object
    literal for large data).
    """
    raw = orjson_text(payload)
    if raw is None:  # the standard library's text, which raises where JSON has no value
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        raw = text.encode("utf-8", "surrogatepass")  # a lone surrogate passes through as before
    # Escaped in UTF-8, as bytes (faster than as a str).
    raw = raw.replace(b"\\", b"\\\\").replace(b"'", b"\\'")
    for char, escape in _SCRIPT_ESCAPES:
        raw = raw.replace(char, escape)
    return "'" + _escape_astral(raw).decode("utf-8", "surrogatepass") + "'"


#: The bytes that do not begin such a character in UTF-8 (all but 0xF0–0xF4).
_NOT_ASTRAL_LEADS = bytes(range(0xF0)) + bytes(range(0xF5, 0x100))


def _astral_escape(char: str) -> str:
    """A character beyond the BMP as the JSON escapes of its UTF-16 pair, backslashes doubled."""
    code = ord(char) - 0x10000
    return f"\\\\u{0xD800 + (code >> 10):04x}\\\\u{0xDC00 + (code & 0x3FF):04x}"


def _escape_astral(raw: bytes) -> bytes:
    """UTF-8 text with every character beyond the BMP written as :func:`_astral_escape`.

    One such character (a source's title with a flag in it) makes Python hold the whole
    page four bytes a character, and the page is copied several times as it is made: a
    100k-event page took 67 MB a copy instead of 34 MB. ``JSON.parse`` reads the escapes
    back as the same characters.
    """
    if not raw.translate(None, _NOT_ASTRAL_LEADS):  # the usual case: one pass, nothing to do
        return raw
    pieces, start = [], 0
    for at in sorted(i for lead in range(0xF0, 0xF5) for i in _positions(raw, lead)):
        pieces += [raw[start:at], _astral_escape(raw[at : at + 4].decode("utf-8")).encode("ascii")]
        start = at + 4
    return b"".join([*pieces, raw[start:]])


def _positions(raw: bytes, byte: int) -> Iterator[int]:
    at = raw.find(byte)
    while at >= 0:
        yield at
        at = raw.find(byte, at + 1)
