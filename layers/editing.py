"""Turn an editor's form into a store feature, and decide whether editing is allowed.

The dashboard's editor collects plain values; this module makes the GeoJSON Feature that
:func:`layers.store.save_event` validates and writes. Nothing here writes.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd

from layers.validate import LOCAL_TZ

__all__ = ["EDITING_ENV", "EventForm", "editing_enabled", "feature_from_form", "form_from_event", "slug_id"]

#: Environment variable that turns the dashboard's editor on ("1", "true", "yes").
EDITING_ENV = "BORDERMON_EDITING"


def editing_enabled(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the editor may write: off unless ``BORDERMON_EDITING`` says yes."""
    value = (environ if environ is not None else os.environ).get(EDITING_ENV, "")
    return value.strip().lower() in ("1", "true", "yes", "on")


def slug_id(title: str, start: date, taken: Iterable[str] = ()) -> str:
    """A readable, unused id such as ``2023-09-24-banjska-ambush``."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60].rstrip("-") or "event"
    base = f"{start.isoformat()}-{words}"
    used = set(taken)
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


@dataclass
class EventForm:
    """What the editor's form holds; empty strings and None mean "not given"."""

    id: str
    layer: str
    category: str
    title: str
    summary: str
    start: date
    start_time: str = ""
    end: date | None = None
    end_time: str = ""
    time_precision: str = "day"
    location: str = ""
    municipality: str = ""
    side: str | None = None
    location_precision: str = "exact"
    uncertainty_km: float | None = None
    lon: float | None = None
    lat: float | None = None
    actors: Sequence[str] = ()
    fatalities: tuple[int | None, int | None] = (None, None)
    injured: tuple[int | None, int | None] = (None, None)
    confidence: str = "reported"
    sources: Sequence[Mapping[str, Any]] = ()
    group: str = ""
    tags: Sequence[str] = ()
    keep: dict[str, Any] = field(default_factory=dict)
    area: dict[str, Any] | None = None  # a stored non-point geometry, kept unless a point is set


def _count(low: int | None, high: int | None) -> int | dict[str, int] | None:
    if low is None and high is None:
        return None
    low = high if low is None else low
    high = low if high is None else high
    assert low is not None and high is not None
    return int(low) if low == high else {"min": int(low), "max": int(high)}


def _time(day: date, clock: str) -> str:
    if not clock.strip():
        return day.isoformat()
    moment = datetime.fromisoformat(f"{day.isoformat()}T{clock.strip()}").replace(tzinfo=LOCAL_TZ)
    return moment.isoformat(timespec="seconds")


def _clean_sources(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    sources = []
    for row in rows:
        item = {
            k: str(v).strip() for k, v in row.items() if v is not None and not pd.isna(v) and str(v).strip()
        }
        if item:
            sources.append(item)
    return sources


def feature_from_form(form: EventForm) -> dict[str, Any]:
    """The GeoJSON Feature for a form (validation is :func:`layers.store.save_event`'s job)."""
    props: dict[str, Any] = dict(form.keep)
    props.update(
        {
            "layer": form.layer,
            "category": form.category,
            "title": form.title.strip(),
            "summary": form.summary.strip(),
            "start": _time(form.start, form.start_time),
            "time_precision": form.time_precision,
            "location": form.location.strip(),
            "side": form.side or None,
            "location_precision": form.location_precision,
            "actors": [a.strip() for a in form.actors if a.strip()],
            "fatalities": _count(*form.fatalities),
            "injured": _count(*form.injured),
            "confidence": form.confidence,
            "sources": _clean_sources(form.sources),
        }
    )
    optional = {
        "end": _time(form.end, form.end_time) if form.end else None,
        "municipality": form.municipality.strip() or None,
        "uncertainty_km": form.uncertainty_km if form.location_precision == "approximate" else None,
        "group": form.group.strip() or None,
        "tags": [t.strip() for t in form.tags if t.strip()] or None,
    }
    for name, value in optional.items():
        if value is None:
            props.pop(name, None)
        else:
            props[name] = value
    geometry = None
    if form.location_precision != "none" and form.lon is not None and form.lat is not None:
        geometry = {"type": "Point", "coordinates": [float(form.lon), float(form.lat)]}
    elif form.location_precision != "none" and form.area is not None:
        geometry = form.area
    if form.location_precision == "none":
        props.pop("uncertainty_km", None)
    return {"type": "Feature", "id": form.id.strip(), "geometry": geometry, "properties": props}


def _local(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment.astimezone(LOCAL_TZ) if moment.tzinfo else moment


def form_from_event(feature: Mapping[str, Any]) -> EventForm:
    """A form filled from a stored feature, to correct it (non-form fields are kept as they are)."""
    props = dict(feature["properties"])
    local = _local(props["start"])
    geometry = feature.get("geometry") or {}
    point = geometry.get("coordinates") if geometry.get("type") == "Point" else None

    def bounds(value: Any) -> tuple[int | None, int | None]:
        if isinstance(value, dict):
            return value["min"], value["max"]
        return value, value

    form_fields = {
        "layer", "category", "title", "summary", "start", "end", "time_precision", "location",
        "municipality", "side", "location_precision", "uncertainty_km", "actors", "fatalities",
        "injured", "confidence", "sources", "group", "tags",
    }  # fmt: skip
    return EventForm(
        id=str(feature["id"]),
        layer=props["layer"],
        category=props["category"],
        title=props["title"],
        summary=props.get("summary", ""),
        start=local.date(),
        start_time="" if "T" not in props["start"] else local.strftime("%H:%M"),
        end=_local(props["end"]).date() if props.get("end") else None,
        end_time="" if "T" not in props.get("end", "") else _local(props["end"]).strftime("%H:%M"),
        time_precision=props["time_precision"],
        location=props["location"],
        municipality=props.get("municipality", ""),
        side=props.get("side"),
        location_precision=props["location_precision"],
        uncertainty_km=props.get("uncertainty_km"),
        lon=point[0] if point else None,
        lat=point[1] if point else None,
        actors=list(props.get("actors", [])),
        fatalities=bounds(props.get("fatalities")),
        injured=bounds(props.get("injured")),
        confidence=props["confidence"],
        sources=list(props.get("sources", [])),
        group=props.get("group", ""),
        tags=list(props.get("tags", [])),
        keep={k: v for k, v in props.items() if k not in form_fields},
        area=dict(geometry) if geometry and not point else None,
    )
