"""Map an ACLED CSV export to store events.

ACLED (Armed Conflict Location & Event Data) exports come in two layouts, both read here:
the current 31 columns (with ``disorder_type``, ``civilian_targeting`` and ``tags``) and
the older one (before about 2023, with ``data_id``, ``event_id_no_cnty`` and ``iso3``).
Any file with the columns in :data:`REQUIRED` is accepted. The mapping is documented, with
its reasons, in ``docs/imports.md``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from layers.i18n import N_
from layers.ingest.build import (
    MappedRows,
    RowProblems,
    build_features,
    column,
    parse_dates,
    parse_numbers,
    precision_code,
    read_coordinates,
    whole_numbers,
)
from layers.ingest.model import ImportFileError
from layers.ingest.table import CsvTable
from layers.reasons import (
    MISSING_ACLED_COLUMNS,
    MISSING_ACLED_COLUMNS_OTHER,
    MISSING_ACLED_COLUMNS_UCDP,
    ROW_ACLED_EVENT_TYPE,
    ROW_ACLED_GEO_PRECISION,
    ROW_ACLED_NO_LOCATION,
    ROW_ACLED_TIME_PRECISION,
    ROW_MISSING,
    ROW_NO_ACLED_ID,
    ROW_NOT_A_DATE_ACLED,
    ROW_NOT_AN_ID,
)

__all__ = [
    "ACLED_URL",
    "CATEGORIES",
    "CURRENT_COLUMNS",
    "GEO_PRECISION",
    "OLDER_COLUMNS",
    "REQUIRED",
    "SUB_EVENT_CATEGORIES",
    "TIME_PRECISION",
    "USED",
    "map_acled",
    "select_columns",
]

#: Cited as the source's URL: ACLED has no page per event; its id is the ``dataset_id``.
ACLED_URL = "https://acleddata.com/data-export-tool/"

CURRENT_COLUMNS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
)  # fmt: skip
OLDER_COLUMNS: tuple[str, ...] = (
    "data_id", "iso", "event_id_cnty", "event_id_no_cnty", "event_date", "year", "time_precision",
    "event_type", "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2",
    "inter2", "interaction", "region", "country", "admin1", "admin2", "admin3", "location",
    "latitude", "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities",
    "timestamp", "iso3",
)  # fmt: skip
#: The columns the mapping needs; an export limited to other columns is refused.
REQUIRED: tuple[str, ...] = (
    "event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "actor1",
    "actor2", "location", "latitude", "longitude", "geo_precision", "source", "notes", "fatalities",
)  # fmt: skip

#: ACLED event_type → incident category.
CATEGORIES: dict[str, str] = {
    "Battles": "armed_clash",
    "Violence against civilians": "armed_attack",
    "Explosions/Remote violence": "explosion",
    "Riots": "riot",
    "Protests": "protest",
    "Strategic developments": "other",
}
#: sub_event_type that overrides its event_type's category.
SUB_EVENT_CATEGORIES: dict[str, str] = {
    "Arrests": "arrest",
    "Abduction/forced disappearance": "detention",
}
#: ACLED geo_precision → (uncertainty radius in km, geometry note).
GEO_PRECISION: dict[str, tuple[float, str]] = {
    "1": (2.0, "ACLED geo_precision 1: the coordinates of the town or village where it happened."),
    "2": (10.0, "ACLED geo_precision 2: near this town, or in part of a region; the town's coordinates."),
    "3": (25.0, "ACLED geo_precision 3: only a larger region is known; the point stands for the region."),
}
#: ACLED time_precision → store time_precision.
TIME_PRECISION: dict[str, str] = {"1": "day", "2": "week", "3": "month"}

_ID_PART = r"[A-Za-z0-9][A-Za-z0-9._:-]{0,120}"
_UCDP_HINT = ("where_prec", "date_prec", "best")


#: Columns read when present (the others are skipped).
USED: tuple[str, ...] = (
    *REQUIRED,
    "assoc_actor_1",
    "assoc_actor_2",
    "admin1",
    "admin2",
    "admin3",
    "timestamp",
)


def select_columns(header: list[str], label: str) -> tuple[str, list[str]]:
    """The layout of an ACLED header and the columns to read.

    Raises
    ------
    ImportFileError
        Naming the columns the mapping needs and the file lacks.
    """
    present = set(header)
    wanted = [c for c in USED if c in present]
    if set(CURRENT_COLUMNS) <= present:
        return N_("ACLED export, current 31-column layout"), wanted
    if set(OLDER_COLUMNS) <= present:
        return N_("ACLED export, older layout (data_id, iso3)"), wanted
    missing = [c for c in REQUIRED if c not in present]
    if not missing:
        return N_("ACLED export, custom column selection"), wanted
    reason = MISSING_ACLED_COLUMNS
    if all(c in present for c in _UCDP_HINT):
        reason = MISSING_ACLED_COLUMNS_UCDP
    elif len(missing) == len(REQUIRED):
        reason = MISSING_ACLED_COLUMNS_OTHER
    raise ImportFileError(label, reason.format(columns=", ".join(missing)))


def _split_names(*parts: str) -> list[str]:
    if not any(";" in part for part in parts):  # the usual case: no associated actors listed
        return [name for name in dict.fromkeys(parts) if name]
    names: list[str] = []
    for part in parts:
        for piece in part.split(";"):
            name = piece.strip()
            if name and name not in names:
                names.append(name)
    return names


def _published(frame: pd.DataFrame, dates: pd.Series) -> pd.Series:
    """The date ACLED last changed the record (its ``timestamp``), else the event date."""
    stamps = parse_numbers(column(frame, "timestamp"))
    days = (stamps // 86400).where((stamps > 0) & (stamps < 4e9))
    codes, uniques = pd.factorize(days)  # exports hold few distinct upload days
    labels = pd.to_datetime(pd.Series(uniques, dtype="float64") * 86400, unit="s").dt.strftime("%Y-%m-%d")
    published = np.asarray([*labels.tolist(), None], dtype=object)[codes]
    return pd.Series(published, index=frame.index).where(days.notna(), dates)


def map_acled(table: CsvTable) -> tuple[MappedRows, RowProblems]:
    """Map an ACLED table (read with :func:`select_columns`) to store fields.

    Rows that cannot be mapped are rejected with their reasons; the per-row work of
    building features is left for the rows that the region filter keeps.

    Returns
    -------
    (MappedRows, RowProblems)
        The usable rows, and the rejected ones with their reasons.
    """
    frame = table.frame
    event_id = column(frame, "event_id_cnty")
    problems = RowProblems(table, event_id)

    problems.add(event_id == "", "event_id_cnty", ROW_NO_ACLED_ID)
    bad_id = (event_id != "") & ~event_id.str.fullmatch(_ID_PART)
    problems.add(bad_id, "event_id_cnty", ROW_NOT_AN_ID, value=event_id)

    raw_date = column(frame, "event_date")
    start = parse_dates(raw_date, day_month_year=True)
    problems.add(raw_date == "", "event_date", ROW_MISSING)
    problems.add(
        (raw_date != "") & start.isna(),
        "event_date",
        ROW_NOT_A_DATE_ACLED,
        value=raw_date,
    )

    time_code = precision_code(column(frame, "time_precision"))
    problems.add(
        ~time_code.isin(list(TIME_PRECISION)),
        "time_precision",
        ROW_ACLED_TIME_PRECISION,
        value=column(frame, "time_precision"),
    )
    geo_code = precision_code(column(frame, "geo_precision"))
    problems.add(
        ~geo_code.isin(list(GEO_PRECISION)),
        "geo_precision",
        ROW_ACLED_GEO_PRECISION,
        value=column(frame, "geo_precision"),
    )

    event_type = column(frame, "event_type")
    sub_type = column(frame, "sub_event_type")
    category = sub_type.map(SUB_EVENT_CATEGORIES).fillna(event_type.map(CATEGORIES))
    problems.add(
        category.isna(),
        "event_type",
        ROW_ACLED_EVENT_TYPE,
        value=event_type,
        types=", ".join(CATEGORIES),
    )

    lon, lat = read_coordinates(frame, problems)
    fatalities = whole_numbers(column(frame, "fatalities"), "fatalities", problems, required=False)

    location = column(frame, "location")
    for fallback in ("admin3", "admin2", "admin1"):
        location = location.where(location != "", column(frame, fallback))
    problems.add(location == "", "location", ROW_ACLED_NO_LOCATION)

    index = np.flatnonzero(~problems.bad)
    prepared = pd.DataFrame(
        {
            "event_id": event_id,
            "start": start,
            "time": time_code,
            "geo": geo_code,
            "category": category,
            "event_type": event_type,
            "sub_type": sub_type,
            "location": location,
            "municipality": column(frame, "admin2"),
            "notes": column(frame, "notes"),
            "actor1": column(frame, "actor1"),
            "assoc1": column(frame, "assoc_actor_1"),
            "actor2": column(frame, "actor2"),
            "assoc2": column(frame, "assoc_actor_2"),
            "publisher": column(frame, "source"),
            "published": _published(frame, start),
            "fatalities": fatalities,
        }
    ).iloc[index]
    return MappedRows(index, lon[index], lat[index], prepared, _build), problems


def _build(
    frame: pd.DataFrame, lon: np.ndarray, lat: np.ndarray, sides: list[str | None]
) -> list[dict[str, Any]]:
    """Features for mapped ACLED rows (the per-row Python work, for kept rows only)."""

    def values(name: str) -> list[Any]:
        picked: list[Any] = frame[name].tolist()
        return picked

    ids = values("event_id")
    sub_types, event_types, locations = values("sub_type"), values("event_type"), values("location")
    geo = [GEO_PRECISION[code] for code in values("geo")]
    actors = [
        [name for name in dict.fromkeys((a1, x1, a2, x2)) if name]
        if ";" not in x1 and ";" not in x2
        else _split_names(a1, x1, a2, x2)
        for a1, x1, a2, x2 in zip(
            values("actor1"), values("assoc1"), values("actor2"), values("assoc2"), strict=True
        )
    ]
    sources = [
        [
            {
                "url": ACLED_URL,
                "publisher": "ACLED",
                "original_publisher": by,
                "published": day,
                "language": "en",
                "title": f"ACLED event {eid}",
                "dataset_id": eid,
            }
            if by
            else {
                "url": ACLED_URL,
                "publisher": "ACLED",
                "published": day,
                "language": "en",
                "title": f"ACLED event {eid}",
                "dataset_id": eid,
            }
        ]
        for eid, by, day in zip(ids, values("publisher"), values("published"), strict=True)
    ]
    columns: dict[str, list[Any]] = {
        "id": ["acled-" + eid for eid in ids],
        "category": values("category"),
        "title": [
            f"{sub or kind} in {place}"[:300]
            for sub, kind, place in zip(sub_types, event_types, locations, strict=True)
        ],
        "summary": values("notes"),
        "start": values("start"),
        "end": [None] * len(ids),
        "time_precision": [TIME_PRECISION[code] for code in values("time")],
        "location": locations,
        "municipality": values("municipality"),
        "uncertainty_km": [g[0] for g in geo],
        "geometry_note": [g[1] for g in geo],
        "actors": actors,
        "fatalities": [None if v != v else int(v) for v in values("fatalities")],  # NaN: not given
        "sources": sources,
        "tags": [
            [kind, sub] if sub and sub != kind else [kind]
            for kind, sub in zip(event_types, sub_types, strict=True)
        ],
        "external_ids": [{"acled": eid} for eid in ids],
        "extensions": [None] * len(ids),
    }
    return build_features(columns, lon, lat, sides)
