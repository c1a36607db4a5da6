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
from datetime import date, datetime, time
from typing import Any

import pandas as pd

from layers.validate import LOCAL_TZ
from layers.vocabulary import SOURCE_FIELDS  # the form shows each: a correction drops none

__all__ = [
    "EDITING_ENV",
    "SOURCE_FIELDS",
    "EventForm",
    "FormError",
    "edited_feature",
    "editing_enabled",
    "feature_from_form",
    "form_from_event",
    "slug_id",
]

#: Environment variable that turns the dashboard's editor on ("1", "true", "yes").
EDITING_ENV = "BORDERMON_EDITING"
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
_ABSENT = object()


class FormError(ValueError):
    """A value typed into the form that cannot become a store value.

    Attributes
    ----------
    field : str
        The form field, as the form labels it.
    reason : str
        What is wrong and what is expected, in one line.
    """

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


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
    #: The title in other languages (``title_i18n``): language → text; empty text is none.
    title_i18n: Mapping[str, str] = field(default_factory=dict)
    keep: dict[str, Any] = field(default_factory=dict)
    area: dict[str, Any] | None = None  # a stored non-point geometry, kept unless a point is set


def _count(low: int | None, high: int | None) -> int | dict[str, int] | None:
    if low is None and high is None:
        return None
    low = high if low is None else low
    high = low if high is None else high
    assert low is not None and high is not None
    return int(low) if low == high else {"min": int(low), "max": int(high)}


def _clock(text: str, field: str) -> time | None:
    """``"02:30"`` → 02:30; empty → None; anything else is a :class:`FormError` for ``field``."""
    text = text.strip()
    if not text:
        return None
    match = _CLOCK.fullmatch(text)
    hour, minute, second = (int(part or 0) for part in match.groups()) if match else (99, 99, 99)
    if hour > 23 or minute > 59 or second > 59:
        shown = text if len(text) <= 20 else text[:20] + "…"
        raise FormError(field, f"{shown!r} is not a time of day; use HH:MM, from 00:00 to 23:59")
    return time(hour, minute, second)


def _time(day: date, clock: str, field: str) -> str:
    moment = _clock(clock, field)
    if moment is None:
        return day.isoformat()
    return datetime.combine(day, moment, tzinfo=LOCAL_TZ).isoformat(timespec="seconds")


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
    """The GeoJSON Feature for a form (validation is :func:`layers.store.save_event`'s job).

    Raises
    ------
    FormError
        If a time of day is not one (``"25:99"``, ``"noon"``).
    """
    props: dict[str, Any] = dict(form.keep)
    props.update(
        {
            "layer": form.layer,
            "category": form.category,
            "title": form.title.strip(),
            "summary": form.summary.strip(),
            "start": _time(form.start, form.start_time, "Start time"),
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
        "end": _time(form.end, form.end_time, "End time") if form.end else None,
        "municipality": form.municipality.strip() or None,
        "uncertainty_km": form.uncertainty_km if form.location_precision == "approximate" else None,
        "group": form.group.strip() or None,
        "tags": [t.strip() for t in form.tags if t.strip()] or None,
        "title_i18n": {code: text.strip() for code, text in form.title_i18n.items() if text and text.strip()}
        or None,
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


def edited_feature(stored: Mapping[str, Any], form: EventForm) -> dict[str, Any]:
    """The stored feature with exactly the changes the form makes to it.

    The form is compared with the form the stored feature fills
    (:func:`form_from_event`); a property or the geometry is replaced only where the two
    differ, so whatever the form cannot show or would write differently (a source's
    ``dataset_id``, an area's exact rings, a time's seconds) stays as it was, and a
    correction with no edit gives the stored feature back unchanged.

    Raises
    ------
    FormError
        If a value of ``form`` cannot become a store value.
    """
    before = feature_from_form(form_from_event(stored))
    after = feature_from_form(form)
    props = dict(stored["properties"])
    for name in before["properties"].keys() | after["properties"].keys():
        was = before["properties"].get(name, _ABSENT)
        now = after["properties"].get(name, _ABSENT)
        if was == now:
            continue
        if now is _ABSENT:
            props.pop(name, None)
        else:
            props[name] = now
    geometry = stored.get("geometry") if before["geometry"] == after["geometry"] else after["geometry"]
    return {"type": "Feature", "id": stored["id"], "geometry": geometry, "properties": props}


def _clock_text(moment: datetime) -> str:
    return moment.strftime("%H:%M:%S" if moment.second else "%H:%M")


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
        "injured", "confidence", "sources", "group", "tags", "title_i18n",
    }  # fmt: skip
    return EventForm(
        id=str(feature["id"]),
        layer=props["layer"],
        category=props["category"],
        title=props["title"],
        summary=props.get("summary", ""),
        start=local.date(),
        start_time="" if "T" not in props["start"] else _clock_text(local),
        end=_local(props["end"]).date() if props.get("end") else None,
        end_time="" if "T" not in props.get("end", "") else _clock_text(_local(props["end"])),
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
        title_i18n=dict(props.get("title_i18n", {})),
        keep={k: v for k, v in props.items() if k not in form_fields},
        area=dict(geometry) if geometry and not point else None,
    )
