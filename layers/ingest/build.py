"""Turn rows mapped to the store's fields into GeoJSON features, in canonical form.

Importers map a file's columns to the store's fields with vectorised pandas operations
into a :class:`MappedRows`; :func:`build_features` then makes one feature per row, with
properties in :data:`layers.store.PROPERTY_ORDER` and optional fields left out when
empty, exactly as :func:`layers.store.canonical_feature` would write them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from layers.ingest.model import Rejected
from layers.ingest.table import CsvTable
from layers.reasons import (
    ROW_NO_COORDINATES,
    ROW_NOT_A_COUNT,
    ROW_NOT_DECIMAL_DEGREES,
    ROW_OUT_OF_RANGE,
    ROW_SWAPPED,
)
from layers.validate import REGION_BOUNDS

__all__ = [
    "MappedRows",
    "RowProblems",
    "build_features",
    "column",
    "count_value",
    "parse_dates",
    "parse_numbers",
    "precision_code",
    "read_coordinates",
    "whole_numbers",
]

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
_DAY_MONTH_YEAR = r"^(\d{1,2})[ -]([A-Za-z]+)[ -](\d{4})$"


@dataclass
class RowProblems:
    """Row-level problems found while mapping a table, collected column by column."""

    table: CsvTable
    ids: pd.Series
    bad: np.ndarray = field(init=False)
    _found: list[tuple[int, str, str]] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self.bad = np.zeros(len(self.table), dtype=bool)

    def add(
        self,
        mask: pd.Series | np.ndarray,
        column: str,
        reason: str | list[str],
        *,
        value: pd.Series | None = None,
        **values: str,
    ) -> None:
        """Reject the rows where ``mask`` is true.

        ``reason`` is one text for all of them, or one per rejected row, in order. A
        text is written from a template of :mod:`layers.reasons` (in English, so that it
        can be translated where a person reads it): ``values`` fill its placeholders,
        and with ``value`` its ``{value}`` is the row's value, quoted (worked out for
        the rejected rows only).
        """
        flags = np.asarray(mask, dtype=bool)
        if not flags.any():
            return
        positions = np.flatnonzero(flags)
        if isinstance(reason, list):
            texts = reason
        elif value is None:
            texts = [reason.format(**values)] * len(positions)
        else:
            shown = value.to_numpy(dtype=object)[positions]
            texts = [reason.format(value=_quote(str(v)), **values) for v in shown]
        self._found.extend(zip(positions.tolist(), [column] * len(positions), texts, strict=True))
        self.bad |= flags

    def rejected(self) -> list[Rejected]:
        """Every problem as a :class:`Rejected`, in file order."""
        if not self._found:
            return []
        positions = sorted({p for p, _, _ in self._found})
        lines = dict(zip(positions, self.table.line_of(positions), strict=True))
        ids = self.ids.to_numpy(dtype=object)
        out = [
            Rejected(
                record=position + 1,
                line=lines[position],
                id=str(ids[position]) or None,
                field=column,
                reason=reason,
            )
            for position, column, reason in self._found
        ]
        return sorted(out, key=lambda r: r.record)


@dataclass
class MappedRows:
    """Rows that passed the row checks: positions, coordinates and prepared columns.

    The per-row Python work (actors, sources, the feature itself) is left to
    ``builder``, which :meth:`features` calls for the rows kept by the region filter.
    """

    positions: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    frame: pd.DataFrame
    builder: Callable[[pd.DataFrame, np.ndarray, np.ndarray, list[str | None]], list[dict[str, Any]]]

    def take(self, keep: np.ndarray) -> MappedRows:
        """The rows where ``keep`` is true."""
        index = np.flatnonzero(keep)
        return MappedRows(
            self.positions[index], self.lon[index], self.lat[index], self.frame.iloc[index], self.builder
        )

    def features(self, sides: list[str | None]) -> list[dict[str, Any]]:
        """One canonical feature per row, with its side of the boundary."""
        return self.builder(self.frame, self.lon, self.lat, sides)

    def __len__(self) -> int:
        return len(self.positions)


def column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column's stripped text, or empty strings when the file has no such column."""
    if name in frame.columns:
        return frame[name].str.strip()
    return pd.Series("", index=frame.index, dtype="str")


def precision_code(values: pd.Series) -> pd.Series:
    """A code column (``1``, ``2.0``, ``3``) as ``"1"``, ``"2"``, ``"3"``; other text as ``""``."""
    codes, uniques = pd.factorize(values.str.strip())  # a handful of distinct values
    numbers = pd.to_numeric(pd.Series(uniques, dtype="object"), errors="coerce")
    labels = [str(int(n)) if pd.notna(n) and n % 1 == 0 and abs(n) < 1e6 else "" for n in numbers.tolist()]
    # code -1 (a missing value) picks the last label, "".
    return pd.Series(np.asarray([*labels, ""], dtype=object)[codes], index=values.index, dtype="str")


def read_coordinates(frame: pd.DataFrame, problems: RowProblems) -> tuple[np.ndarray, np.ndarray]:
    """Parse ``longitude``/``latitude`` and reject rows without a usable position."""
    lat_text, lon_text = column(frame, "latitude"), column(frame, "longitude")
    lat, lon = parse_numbers(lat_text), parse_numbers(lon_text)
    problems.add((lat_text == "") | (lon_text == ""), "latitude/longitude", ROW_NO_COORDINATES)
    for name, text, parsed in (("latitude", lat_text, lat), ("longitude", lon_text, lon)):
        problems.add(
            (text != "") & parsed.isna(),
            name,
            ROW_NOT_DECIMAL_DEGREES,
            value=text,
        )
    problems.add(
        (lat.abs() > 90) | (lon.abs() > 180),
        "latitude/longitude",
        ROW_OUT_OF_RANGE,
    )
    west, south, east, north = REGION_BOUNDS
    far = ~lon.between(west, east) | ~lat.between(south, north)
    swapped = far & lat.between(west, east) & lon.between(south, north)
    problems.add(
        swapped,
        "latitude/longitude",
        ROW_SWAPPED,
    )
    return lon.to_numpy(dtype="float64"), lat.to_numpy(dtype="float64")


def whole_numbers(values: pd.Series, name: str, problems: RowProblems, *, required: bool) -> pd.Series:
    """Parse counts; reject rows where one is not a whole number >= 0 (or is missing, if required)."""
    numbers = parse_numbers(values)
    whole = numbers.notna() & (numbers >= 0) & (numbers % 1 == 0) & (numbers < 1e9)
    bad = ~whole if required else (values != "") & ~whole
    problems.add(bad, name, ROW_NOT_A_COUNT, value=values)
    return numbers


def _quote(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def parse_numbers(values: pd.Series) -> pd.Series:
    """Parse decimal numbers written with a point; anything else becomes NaN."""
    text = values.str.strip()
    return pd.to_numeric(text.where(text != "", None), errors="coerce").astype("float64")


def parse_dates(values: pd.Series, *, day_month_year: bool) -> pd.Series:
    """Parse dates to ``YYYY-MM-DD`` strings; anything else (or an impossible date) is None.

    Accepted: ISO ``2023-09-24`` (with an optional zero time, ``2023-09-24 00:00:00.000``,
    as UCDP writes it) and, when ``day_month_year``, ACLED's ``24 September 2023`` (also
    ``24-Sep-2023``). Day/month orders such as ``24/09/2023`` are ambiguous and refused.
    """
    text = values.str.strip()
    # The common case, 2023-09-24, is parsed in one vectorised call and kept as written.
    iso = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce").notna() & (text.str.len() == 10)
    out = pd.Series(text.to_numpy(dtype=object), index=values.index).where(iso, None)
    rest = ~iso & (text != "")
    if not rest.any():
        return out
    others = text[rest]
    parts = others.str.extract(_ISO_DATE.pattern)
    year = pd.to_numeric(parts[0], errors="coerce")
    month = pd.to_numeric(parts[1], errors="coerce")
    day = pd.to_numeric(parts[2], errors="coerce")
    if day_month_year:
        dmy = others.str.extract(_DAY_MONTH_YEAR)
        use = year.isna() & dmy[0].notna()
        year = year.where(~use, pd.to_numeric(dmy[2], errors="coerce"))
        month = month.where(~use, dmy[1].str.lower().map(_MONTHS).astype("float64"))
        day = day.where(~use, pd.to_numeric(dmy[0], errors="coerce"))
    stamps = pd.to_datetime(pd.DataFrame({"year": year, "month": month, "day": day}), errors="coerce")
    out[rest] = stamps.dt.strftime("%Y-%m-%d").where(stamps.notna(), None)
    return out


def count_value(low: int | None, high: int | None) -> int | dict[str, int] | None:
    """A casualty figure in canonical form: a number, a ``{min, max}`` range, or None."""
    if low is None or high is None:
        return None
    return low if low == high else {"min": low, "max": high}


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def build_features(
    c: dict[str, list[Any]], lon: np.ndarray, lat: np.ndarray, sides: Sequence[str | None]
) -> list[dict[str, Any]]:
    """One canonical GeoJSON feature per row of columns, with ``side`` from the geometry.

    ``c`` holds ``id``, ``category``, ``title``, ``summary``, ``start``,
    ``end``, ``time_precision``, ``location``, ``municipality``, ``uncertainty_km``,
    ``geometry_note``, ``actors``, ``fatalities``, ``sources``, ``tags``,
    ``external_ids`` and ``extensions`` (a dict of ``x_`` fields, or None). Layer is
    ``incident``, precision ``approximate`` (or ``exact`` without an uncertainty),
    confidence ``reported``, injured unknown (None).
    """
    features: list[dict[str, Any]] = []
    for (
        fid,
        x,
        y,
        side,
        category,
        title,
        summary,
        start,
        end,
        time_precision,
        location,
        municipality,
        uncertainty,
        note,
        actors,
        fatalities,
        sources,
        tags,
        external,
        extensions,
    ) in zip(
        c["id"],
        lon.tolist(),
        lat.tolist(),
        sides,
        c["category"],
        c["title"],
        c["summary"],
        c["start"],
        c["end"],
        c["time_precision"],
        c["location"],
        c["municipality"],
        c["uncertainty_km"],
        c["geometry_note"],
        c["actors"],
        c["fatalities"],
        c["sources"],
        c["tags"],
        c["external_ids"],
        c["extensions"],
        strict=True,
    ):
        props: dict[str, Any] = {
            "layer": "incident",
            "category": category,
            "title": title,
            "summary": summary,
            "start": start,
        }
        if end is not None:
            props["end"] = end
        props["time_precision"] = time_precision
        props["location"] = location
        if municipality:
            props["municipality"] = municipality
        props["side"] = side
        if uncertainty is None:
            props["location_precision"] = "exact"
        else:
            props["location_precision"] = "approximate"
            props["uncertainty_km"] = _number(uncertainty)
        if note:
            props["geometry_note"] = note
        props["actors"] = actors
        props["fatalities"] = fatalities
        props["injured"] = None
        props["confidence"] = "reported"
        props["sources"] = sources
        if tags:
            props["tags"] = tags
        if external:
            props["external_ids"] = external
        if extensions:
            for key in sorted(extensions):
                props[key] = extensions[key]
        features.append(
            {
                "type": "Feature",
                "id": fid,
                "geometry": {"type": "Point", "coordinates": [x, y]},
                "properties": props,
            }
        )
    return features
