"""The reference geography of the map: read once, encoded once, with its popups and labels.

Countries, the Kosovo–Serbia boundary, the historical 1999 zones, crossings, places and
KFOR sites become GeoJSON payloads with display properties only
(:func:`layers.mapdata.encode_reference`), cached per :class:`MapReference`, so a map
built many times (the dashboard, a benchmark) encodes them once.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import geopandas as gpd
import pandas as pd

from layers.i18n import DEFAULT_LANGUAGE, N_, Translator, to_cyrillic, translator
from layers.mapdata import encode_reference, js_string
from layers.measures import SIDE_NAMES
from layers.reference import (
    BOUNDARY_FILE,
    COUNTRIES_FILE,
    GAZETTEER_FILE,
    REFERENCE_DIR,
    SAFETY_ZONES_FILE,
    label_order,
    read_boundary,
    read_countries,
    read_gazetteer,
    read_safety_zones,
)

__all__ = [
    "ODBL",
    "OSM_COPYRIGHT",
    "POSITION_LABELS",
    "MapReference",
    "ReferencePayload",
    "read_map_reference",
    "reference_attribution",
    "reference_payloads",
]

OSM_COPYRIGHT = "https://www.openstreetmap.org/copyright"
ODBL = "https://opendatacommons.org/licenses/odbl/1-0/"
#: The attribution line of the reference layers (HTML; ``{openstreetmap}`` and ``{odbl}`` are links).
_REFERENCE_ATTRIBUTION = N_("Boundary, countries: {openstreetmap} ({odbl}) · places: GeoNames, Wikipedia")


def reference_attribution(lang: str = DEFAULT_LANGUAGE) -> str:
    """The attribution line of the reference layers, as HTML, in the language ``lang``."""
    t = translator(lang)
    osm = t.gettext("© OpenStreetMap contributors")
    return t.gettext(_REFERENCE_ATTRIBUTION).format(
        openstreetmap=f'<a href="{OSM_COPYRIGHT}">{html.escape(osm)}</a>', odbl=f'<a href="{ODBL}">ODbL</a>'
    )


_KIND_LABELS = {
    "crossing": N_("crossing point"),
    "village": N_("village"),
    "monastery": N_("monastery"),
    "municipality_seat": N_("municipality seat"),
    "town": N_("town"),
    "city": N_("city"),
    "kfor_installation": N_("KFOR installation"),
}
#: The gazetteer's confidence in a place's position (``scripts/build_gazetteer.py``,
#: geodata/README.md), as a reader is told it in the place's popup.
POSITION_LABELS = {
    "high": N_("from the cited source (a gazetteer or encyclopedia entry)"),
    "medium": N_("approximate: its sources agree only roughly"),
    "low": N_("unverified approximation"),
}


class ReferencePayload(NamedTuple):
    """One encoded reference layer.

    Attributes
    ----------
    group : str
        The map's layer group it belongs to (:data:`layers.map.MAP_LAYERS`).
    payload : str
        The GeoJSON as a JavaScript string literal (:func:`layers.mapdata.js_string`).
    label_class : str
        CSS class of its permanent labels.
    symbols : bool
        Symbols drawn above the group's events (KFOR sites), not areas under them.
    """

    group: str
    payload: str
    label_class: str
    symbols: bool = False


@dataclass(frozen=True, eq=False)
class MapReference:
    """The reference geography a map draws; any part may be missing (None).

    Treat it as immutable: the encoded layers are cached per instance, so a map built
    many times (the dashboard, a benchmark) encodes the reference geography once.

    Attributes
    ----------
    countries, boundary, safety_zones, gazetteer : GeoDataFrame or None
        As read by :mod:`layers.reference`.
    """

    countries: gpd.GeoDataFrame | None = None
    boundary: gpd.GeoDataFrame | None = None
    safety_zones: gpd.GeoDataFrame | None = None
    gazetteer: gpd.GeoDataFrame | None = None


def read_map_reference(path: str | Path | None = None) -> MapReference:
    """Read the shipped reference geography (or the files in directory ``path``).

    The same object comes back while the files are unchanged, so the layers encoded
    from it are reused (a dashboard rerun does not encode them again).
    """
    directory = Path(path) if path is not None else REFERENCE_DIR
    files = (COUNTRIES_FILE, BOUNDARY_FILE, SAFETY_ZONES_FILE, GAZETTEER_FILE)
    stamps = tuple((directory / f).stat().st_mtime_ns if (directory / f).exists() else 0 for f in files)
    return _read_map_reference(str(directory.resolve()), stamps)


@lru_cache(maxsize=4)
def _read_map_reference(directory: str, stamps: tuple[int, ...]) -> MapReference:
    del stamps  # part of the cache key only
    return MapReference(
        countries=read_countries(directory),
        boundary=read_boundary(directory),
        safety_zones=read_safety_zones(directory),
        gazetteer=read_gazetteer(directory),
    )


def _names(sr: Any, sq: Any, cyrillic: bool = False) -> str:
    """Both names of a place, Serbian first; once when they are written the same.

    In a Cyrillic interface the Serbian name is transliterated and the Albanian one
    stays in Latin script (``Звечан / Zveçan``).
    """
    sr_text = "" if sr is None or pd.isna(sr) else str(sr)
    sq_text = "" if sq is None or pd.isna(sq) else str(sq)
    serbian = to_cyrillic(sr_text) if cyrillic else sr_text
    if sr_text and sq_text and sr_text != sq_text:
        return f"{serbian} / {sq_text}"
    return serbian or sq_text


def _municipality(value: str, cyrillic: bool) -> str:
    """A municipality as the gazetteer names it (``Serbian / Albanian``), Serbian in Cyrillic if asked."""
    if not cyrillic or not value:
        return value
    serbian, bar, albanian = value.partition(" / ")
    return f"{to_cyrillic(serbian)}{bar}{albanian}"


def _value(record: dict[str, Any], key: str) -> str:
    value = record.get(key)
    if value is None or (not isinstance(value, list | dict) and pd.isna(value)):
        return ""
    return str(value)


# Label priorities beside the gazetteer's (label_order: 0, 1, 2, …): country names are
# kept first, the historical zones' labels give way to every place.
_COUNTRY_RANK, _ZONE_RANK = -1, 1_000_000


def _label_points(frame: gpd.GeoDataFrame, labels: list[str], style: str) -> gpd.GeoDataFrame:
    points = frame.geometry.representative_point()
    return gpd.GeoDataFrame({"label": labels, "s": style}, geometry=points.to_numpy(), crs=frame.crs)


def _countries_payload(countries: gpd.GeoDataFrame, t: Translator) -> dict[str, Any]:
    codes = list(countries.get("iso", [None] * len(countries)))
    styles = ["country_xk" if iso == "XK" else "country" for iso in codes]
    shapes = encode_reference(countries, style=styles)
    english = [str(n) for n in countries.get("name_en", [""] * len(countries))]
    # The interface's word for each country (docs/glossary.md), the one the measures use for
    # its side; a country without one keeps the file's English name.
    names = [
        t.gettext(SIDE_NAMES[iso]) if iso in SIDE_NAMES else name
        for iso, name in zip(codes, english, strict=True)
    ]
    points = _label_points(countries, names, "label")
    labels = encode_reference(points, style="label", label=names, rank=[_COUNTRY_RANK] * len(names))
    shapes["features"].extend(labels["features"])
    return shapes


def _boundary_payload(boundary: gpd.GeoDataFrame, t: Translator) -> dict[str, Any]:
    records = boundary.drop(columns="geometry").to_dict("records")
    length = t.gettext("{km} km (measured in UTM 34N)")
    rows = [
        [
            (t.gettext("Note"), _value(r, "note")),
            (t.gettext("Length"), length.format(km=_value(r, "length_km")) if _value(r, "length_km") else ""),
            (t.gettext("Source"), _value(r, "source")),
            (t.gettext("Licence"), _value(r, "licence")),
        ]
        for r in records
    ]
    # The boundary's name is the interface's own word for it (docs/glossary.md), in every language.
    name = t.gettext("Kosovo–Serbia boundary")
    osm = t.gettext("© OpenStreetMap contributors (ODbL)")
    return encode_reference(
        boundary,
        style="boundary",
        title=[name if t.language != "en" else _value(r, "name") or name for r in records],
        rows=[[row for row in rs if row[1]] for rs in rows],
        links=[[(osm, OSM_COPYRIGHT)] for _ in records],
    )


def _zones_payload(zones: gpd.GeoDataFrame, t: Translator) -> dict[str, Any]:
    records = zones.drop(columns="geometry").to_dict("records")
    styles = ["zone_gsz" if r.get("zone") == "GSZ" else "zone_asz" for r in records]
    rows = []
    for r in records:
        established = r.get("established")
        established_text = t.format_day(pd.Timestamp(established).date()) if established is not None else ""
        rows.append(
            [
                row
                for row in (
                    (t.gettext("Status"), t.gettext("historical reference zone, not in force")),
                    (t.gettext("Established"), established_text),
                    (t.gettext("Agreement"), _value(r, "agreement")),
                    (t.gettext("Width"), f"{_value(r, 'width_km')} km" if _value(r, "width_km") else ""),
                    (t.gettext("Area"), f"{_value(r, 'area_km2')} km²" if _value(r, "area_km2") else ""),
                    (t.gettext("Where"), _value(r, "side")),
                    (t.gettext("History"), _value(r, "history")),
                )
                if row[1]
            ]
        )
    links = [[(str(url), str(url)) for url in (r.get("sources") or [])] for r in records]
    shapes = encode_reference(
        zones,
        style=styles,
        title=[_value(r, "name") or _value(r, "zone") for r in records],
        rows=rows,
        links=links,
    )
    historical = t.gettext("{zone} 1999 (historical)")
    labels = [historical.format(zone=_value(r, "zone")) for r in records]
    label_layer = encode_reference(
        _label_points(zones, labels, "label"), style="label", label=labels, rank=[_ZONE_RANK] * len(labels)
    )
    shapes["features"].extend(label_layer["features"])
    return shapes


def _position(confidence: str, t: Translator) -> str:
    """How sure the gazetteer is of a place's position, in words (a grade it does not know, as written)."""
    label = POSITION_LABELS.get(confidence)
    return t.gettext(label) if label else confidence


def _gazetteer_payload(
    points: gpd.GeoDataFrame, t: Translator, *, kfor: bool, ranks: pd.Series
) -> dict[str, Any]:
    records = points.drop(columns="geometry").to_dict("records")
    styles, labels, titles, rows, links = [], [], [], [], []
    for r in records:
        unverified = r.get("confidence") == "low"
        names = _names(r.get("name_sr"), r.get("name_sq"), t.cyrillic)
        english = _value(r, "name_en")
        if kfor:
            styles.append("kfor_site_unverified" if unverified else "kfor_site")
            label = english or names
            unverified_label = t.gettext("{place} (position unverified)").format(place=label)
            labels.append(unverified_label if unverified else label)
        else:
            styles.append("crossing" if r.get("kind") == "crossing" else "place")
            labels.append(names)
        titles.append(english if english and kfor else names)
        rows.append(
            [
                row
                for row in (
                    # A camp's name is the camp's own, in Latin script in both languages.
                    (t.gettext("Serbian"), _names(r.get("name_sr"), None, t.cyrillic and not kfor)),
                    (t.gettext("Albanian"), _value(r, "name_sq")),
                    (t.gettext("English"), english),
                    (t.gettext("Kind"), t.gettext(_KIND_LABELS.get(_value(r, "kind"), _value(r, "kind")))),
                    (t.gettext("Municipality"), _municipality(_value(r, "municipality"), t.cyrillic)),
                    (t.gettext("Position"), _position(_value(r, "confidence"), t)),
                    (t.gettext("Note"), _value(r, "note")),
                    (t.gettext("Source"), _value(r, "source")),
                )
                if row[1]
            ]
        )
        url = _value(r, "source_url")
        links.append([(url, url)] if url else [])
    return encode_reference(
        points, style=styles, label=labels, title=titles, rows=rows, links=links, rank=ranks.tolist()
    )


@lru_cache(maxsize=16)
def reference_payloads(reference: MapReference, lang: str = DEFAULT_LANGUAGE) -> dict[str, ReferencePayload]:
    """The reference layers encoded for the map script, once per :class:`MapReference` and language.

    Place names stay as the gazetteer has them (Serbian / Albanian); field names and
    notes are in ``lang``.

    Returns
    -------
    dict
        Layer key (``countries``, ``boundary``, ``safety_zones``, ``crossings``,
        ``places``, ``kfor_sites``) → :class:`ReferencePayload`; parts that are missing
        or empty are left out.
    """
    t = translator(lang)
    out: dict[str, ReferencePayload] = {}
    if reference.countries is not None and not reference.countries.empty:
        payload = _countries_payload(reference.countries, t)
        out["countries"] = ReferencePayload("countries", js_string(payload), "bm-label-country")
    if reference.boundary is not None and not reference.boundary.empty:
        out["boundary"] = ReferencePayload(
            "boundary", js_string(_boundary_payload(reference.boundary, t)), ""
        )
    if reference.safety_zones is not None and not reference.safety_zones.empty:
        payload = _zones_payload(reference.safety_zones, t)
        out["safety_zones"] = ReferencePayload("safety_zones", js_string(payload), "bm-label-zone")
    gazetteer = reference.gazetteer
    if gazetteer is None or gazetteer.empty:
        return out
    order = label_order(gazetteer)
    is_kfor = (gazetteer["kind"] == "kfor_installation").to_numpy(dtype=bool)
    places = gazetteer[~is_kfor]
    crossing = (places["kind"] == "crossing").to_numpy(dtype=bool)
    # Crossings get their own (bold) label class; both live in the "places" group.
    if crossing.any():
        payload = _gazetteer_payload(places[crossing], t, kfor=False, ranks=order.loc[places.index[crossing]])
        out["crossings"] = ReferencePayload("places", js_string(payload), "bm-label-crossing")
    if (~crossing).any():
        payload = _gazetteer_payload(
            places[~crossing], t, kfor=False, ranks=order.loc[places.index[~crossing]]
        )
        out["places"] = ReferencePayload("places", js_string(payload), "bm-label-place")
    if is_kfor.any():
        payload = _gazetteer_payload(gazetteer[is_kfor], t, kfor=True, ranks=order.loc[is_kfor])
        out["kfor_sites"] = ReferencePayload("kfor", js_string(payload), "", symbols=True)
    return out
