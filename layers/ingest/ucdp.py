"""Map a UCDP GED CSV file (Georeferenced Event Dataset) to store events.

Read: GED 23.1 and later (49 columns), and any file with the columns in
:data:`REQUIRED` (older versions and custom extracts). The best/low/high death estimates
become a ``{min, max}`` range (the best estimate is kept as ``x_ucdp_best``); where_prec
and date_prec map to the store's precision fields. See ``docs/imports.md``.
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
    count_value,
    parse_dates,
    precision_code,
    read_coordinates,
    whole_numbers,
)
from layers.ingest.model import ImportFileError
from layers.ingest.table import CsvTable
from layers.reasons import (
    MISSING_GED_COLUMNS,
    MISSING_GED_COLUMNS_ACLED,
    MISSING_GED_COLUMNS_OTHER,
    ROW_GED_DATE_PRECISION,
    ROW_GED_END_BEFORE_START,
    ROW_GED_ESTIMATES,
    ROW_GED_NO_LOCATION,
    ROW_GED_VIOLENCE,
    ROW_GED_WHERE_PRECISION,
    ROW_GED_WHERE_PRECISION_7,
    ROW_MISSING,
    ROW_NO_GED_ID,
    ROW_NOT_A_DATE_GED,
    ROW_NOT_AN_ID,
)

__all__ = [
    "COLUMNS",
    "DATE_PRECISION",
    "REQUIRED",
    "UCDP_URL",
    "USED",
    "VIOLENCE",
    "WHERE_PRECISION",
    "map_ucdp",
    "select_columns",
]

#: Cited as the source's URL: the GED download page; the event's id is the ``dataset_id``.
UCDP_URL = "https://ucdp.uu.se/downloads/"

COLUMNS: tuple[str, ...] = (
    "id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id",
    "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name",
    "side_a_dset_id", "side_a_new_id", "side_a", "side_b_dset_id", "side_b_new_id", "side_b",
    "number_of_sources", "source_article", "source_office", "source_date", "source_headline",
    "source_original", "where_prec", "where_coordinates", "where_description", "adm_1", "adm_2",
    "latitude", "longitude", "geom_wkt", "priogrid_gid", "country", "country_id", "region",
    "event_clarity", "date_prec", "date_start", "date_end", "deaths_a", "deaths_b",
    "deaths_civilians", "deaths_unknown", "best", "high", "low", "gwnoa", "gwnob",
)  # fmt: skip
REQUIRED: tuple[str, ...] = (
    "id", "type_of_violence", "side_a", "side_b", "where_prec", "latitude", "longitude",
    "date_prec", "date_start", "date_end", "best", "low", "high",
)  # fmt: skip

#: type_of_violence → (category, label).
VIOLENCE: dict[str, tuple[str, str]] = {
    "1": ("armed_clash", "State-based armed conflict"),
    "2": ("armed_clash", "Non-state conflict"),
    "3": ("armed_attack", "One-sided violence"),
}
#: where_prec → (uncertainty radius in km, or None for an exact position; geometry note).
WHERE_PRECISION: dict[str, tuple[float | None, str]] = {
    "1": (None, "UCDP where_prec 1: the exact location."),
    "2": (25.0, "UCDP where_prec 2: within about 25 km of this point."),
    "3": (15.0, "UCDP where_prec 3: only the municipality (second-order division) is known; its centre."),
    "4": (50.0, "UCDP where_prec 4: only the province (first-order division) is known; its centre."),
    "5": (25.0, "UCDP where_prec 5: along a road or river, or between two places; a point on it."),
    "6": (100.0, "UCDP where_prec 6: only the country is known; the point is the country's centre."),
}
#: date_prec → store time_precision.
DATE_PRECISION: dict[str, str] = {"1": "day", "2": "week", "3": "week", "4": "month", "5": "year"}


#: Columns read when present (the others are skipped).
USED: tuple[str, ...] = (
    *REQUIRED, "dyad_name", "where_coordinates", "where_description", "adm_1", "adm_2", "country",
    "source_office", "source_date", "source_headline",
)  # fmt: skip


def select_columns(header: list[str], label: str) -> tuple[str, list[str]]:
    """The layout of a UCDP GED header and the columns to read.

    Raises
    ------
    ImportFileError
        Naming the columns the mapping needs and the file lacks.
    """
    present = set(header)
    wanted = [c for c in USED if c in present]
    if set(COLUMNS) <= present:
        return N_("UCDP GED, 23.1+ layout (49 columns)"), wanted
    missing = [c for c in REQUIRED if c not in present]
    if not missing:
        return N_("UCDP GED, other column set (an older version or an extract)"), wanted
    reason = MISSING_GED_COLUMNS
    if "event_id_cnty" in present:
        reason = MISSING_GED_COLUMNS_ACLED
    elif len(missing) == len(REQUIRED):
        reason = MISSING_GED_COLUMNS_OTHER
    raise ImportFileError(label, reason.format(columns=", ".join(missing)))


def _first_date(values: pd.Series, fallback: pd.Series) -> pd.Series:
    """The first ISO date in UCDP's ``source_date`` list (``2023-09-24;2023-09-25``)."""
    first = values.str.split(";").str[0].fillna("").str.strip()
    parsed = parse_dates(first.str.slice(0, 10), day_month_year=False)
    return parsed.where(parsed.notna(), fallback)


def map_ucdp(table: CsvTable) -> tuple[MappedRows, RowProblems]:
    """Map a UCDP GED table (read with :func:`select_columns`) to store fields.

    Rows that cannot be mapped are rejected with their reasons; the per-row work of
    building features is left for the rows that the region filter keeps.

    Returns
    -------
    (MappedRows, RowProblems)
        The usable rows, and the rejected ones with their reasons.
    """
    frame = table.frame
    event_id = column(frame, "id")
    problems = RowProblems(table, event_id)
    problems.add(event_id == "", "id", ROW_NO_GED_ID)
    problems.add(
        (event_id != "") & ~event_id.str.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,120}"),
        "id",
        ROW_NOT_AN_ID,
        value=event_id,
    )

    violence_code = precision_code(column(frame, "type_of_violence"))
    problems.add(
        ~violence_code.isin(list(VIOLENCE)),
        "type_of_violence",
        ROW_GED_VIOLENCE,
        value=column(frame, "type_of_violence"),
    )
    where_code = precision_code(column(frame, "where_prec"))
    problems.add(
        where_code == "7",
        "where_prec",
        ROW_GED_WHERE_PRECISION_7,
    )
    problems.add(
        ~where_code.isin([*WHERE_PRECISION, "7"]),
        "where_prec",
        ROW_GED_WHERE_PRECISION,
        value=column(frame, "where_prec"),
    )
    time_code = precision_code(column(frame, "date_prec"))
    problems.add(
        ~time_code.isin(list(DATE_PRECISION)),
        "date_prec",
        ROW_GED_DATE_PRECISION,
        value=column(frame, "date_prec"),
    )

    dates = {}
    for name in ("date_start", "date_end"):
        raw = column(frame, name)
        dates[name] = parse_dates(raw, day_month_year=False)
        problems.add(raw == "", name, ROW_MISSING)
        problems.add(
            (raw != "") & dates[name].isna(),
            name,
            ROW_NOT_A_DATE_GED,
            value=raw,
        )
    start, end = dates["date_start"], dates["date_end"]
    backwards = start.notna() & end.notna() & (end.fillna("") < start.fillna(""))
    problems.add(
        backwards,
        "date_end",
        [
            ROW_GED_END_BEFORE_START.format(end=e, start=s)
            for e, s in zip(end[backwards], start[backwards], strict=True)
        ],
    )

    lon, lat = read_coordinates(frame, problems)
    deaths = {
        name: whole_numbers(column(frame, name), name, problems, required=True)
        for name in ("best", "low", "high")
    }
    best, low, high = deaths["best"], deaths["low"], deaths["high"]
    disordered = ((low > best) | (best > high)).to_numpy()
    problems.add(
        disordered,
        "best/low/high",
        [
            ROW_GED_ESTIMATES.format(low=f"{lo:g}", best=f"{b:g}", high=f"{hi:g}")
            for lo, b, hi in zip(low[disordered], best[disordered], high[disordered], strict=True)
        ],
    )

    location = column(frame, "where_coordinates")
    for fallback in ("adm_2", "adm_1", "country"):
        location = location.where(location != "", column(frame, fallback))
    problems.add(location == "", "where_coordinates", ROW_GED_NO_LOCATION)

    index = np.flatnonzero(~problems.bad)
    prepared = pd.DataFrame(
        {
            "event_id": event_id,
            "violence": violence_code,
            "where": where_code,
            "time": time_code,
            "start": start,
            "end": end,
            "location": location,
            "municipality": column(frame, "adm_2"),
            "dyad": column(frame, "dyad_name"),
            "where_text": column(frame, "where_description"),
            "headline": column(frame, "source_headline"),
            "side_a": column(frame, "side_a"),
            "side_b": column(frame, "side_b"),
            "office": column(frame, "source_office"),
            "published": _first_date(column(frame, "source_date"), end),
            "best": best,
            "low": low,
            "high": high,
        }
    ).iloc[index]
    return MappedRows(index, lon[index], lat[index], prepared, _build), problems


def _build(
    frame: pd.DataFrame, lon: np.ndarray, lat: np.ndarray, sides: list[str | None]
) -> list[dict[str, Any]]:
    """Features for mapped GED rows (the per-row Python work, for kept rows only)."""

    def values(name: str) -> list[Any]:
        picked: list[Any] = frame[name].tolist()
        return picked

    ids = values("event_id")
    violence = [VIOLENCE[code] for code in values("violence")]
    where = [WHERE_PRECISION[code] for code in values("where")]
    starts, ends, locations = values("start"), values("end"), values("location")
    lows, highs, bests = (
        [int(v) for v in values("low")],
        [int(v) for v in values("high")],
        [int(v) for v in values("best")],
    )
    summaries = [
        _summary(dyad, where_text, headline, b, lo, hi)
        for dyad, where_text, headline, b, lo, hi in zip(
            values("dyad"), values("where_text"), values("headline"), bests, lows, highs, strict=True
        )
    ]
    columns: dict[str, list[Any]] = {
        "id": ["ucdp-" + i for i in ids],
        "category": [v[0] for v in violence],
        "title": [f"{v[1]} in {place}"[:300] for v, place in zip(violence, locations, strict=True)],
        "summary": summaries,
        "start": starts,
        "end": [e if e != s else None for s, e in zip(starts, ends, strict=True)],
        "time_precision": [DATE_PRECISION[code] for code in values("time")],
        "location": locations,
        "municipality": values("municipality"),
        "uncertainty_km": [w[0] for w in where],
        "geometry_note": [w[1] for w in where],
        "actors": [
            [name for name in dict.fromkeys((a, b)) if name]
            for a, b in zip(values("side_a"), values("side_b"), strict=True)
        ],
        "fatalities": [count_value(lo, hi) for lo, hi in zip(lows, highs, strict=True)],
        "sources": [
            [_source(i, o, p)] for i, o, p in zip(ids, values("office"), values("published"), strict=True)
        ],
        "tags": [[v[1]] for v in violence],
        "external_ids": [{"ucdp_ged": i} for i in ids],
        "extensions": [{"x_ucdp_best": b} for b in bests],
    }
    return build_features(columns, lon, lat, sides)


def _summary(dyad: str, where: str, headline: str, best: int, low: int, high: int) -> str:
    parts = [f"{dyad}." if dyad else ""]
    if where:
        parts.append(f"Place: {where}.")
    estimate = f"{best}" if low == high == best else f"best estimate {best} (low {low}, high {high})"
    parts.append(f"Deaths: {estimate}.")
    if headline:
        parts.append(f"Reported as: {headline}")
    return " ".join(p for p in parts if p)


def _source(event_id: str, office: str, published: str) -> dict[str, str]:
    source = {"url": UCDP_URL, "publisher": "Uppsala Conflict Data Program (UCDP)"}
    if office:
        source["original_publisher"] = office
    source["published"] = published
    source["language"] = "en"
    source["title"] = f"UCDP GED event {event_id}"
    source["dataset_id"] = event_id
    return source
