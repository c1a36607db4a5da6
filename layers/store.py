"""Read the GeoJSON event store into GeoDataFrames, and write events back safely.

The store is a directory of GeoJSON FeatureCollections (``*.geojson``, RFC 7946) or a
single such file. Reading validates every feature (:mod:`layers.validate`); the valid
ones become one GeoDataFrame in EPSG:4326 with typed columns and dates parsed once, the
others are set aside and listed in the report. Writing goes through :func:`save_event`,
which validates first, holds a lock on the store, and replaces the file atomically.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

import geopandas as gpd
import numpy as np
import orjson
import pandas as pd
import pyarrow as pa
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from layers import reasons
from layers.dataset import is_dataset, read_dataset
from layers.jsontext import exponent_like
from layers.parallel import validate_in_parts, validate_in_workers
from layers.paths import default_cache, default_store
from layers.snapshot import Snapshot, frame_to_table, read_snapshot, table_to_frame
from layers.validate import (
    LAYERS,
    LOCAL_TZ,
    SCHEMA_VERSION,
    CheckedFeature,
    Problem,
    ValidationReport,
    check_collection,
    check_feature,
    decode_json,
    parse_time,
)
from layers.vocabulary import TITLE_LANGUAGES

__all__ = [
    "EVENT_COLUMNS",
    "PROPERTY_ORDER",
    "EventStore",
    "Saved",
    "StoreError",
    "canonical_feature",
    "collection_files",
    "dumps_collection",
    "empty_events",
    "events_frame",
    "format_store",
    "format_time",
    "format_times",
    "frame_to_features",
    "read_collection_file",
    "read_store",
    "remove_stale_temporaries",
    "save_event",
    "store_lock",
    "write_collection",
]

CRS = "EPSG:4326"
LOCK_NAME = ".bordermon.lock"
TEMP_SUFFIX = ".tmp"
#: A writer's temporary: ``.<collection>.geojson.<random>.tmp`` beside the collection.
_TEMP_NAME = re.compile(r"\..+\.geojson\.[A-Za-z0-9_]+\.tmp")

#: Canonical order of a feature's properties when written.
PROPERTY_ORDER: tuple[str, ...] = (
    "layer",
    "category",
    "title",
    "title_i18n",
    "summary",
    "start",
    "end",
    "start_open",
    "time_precision",
    "location",
    "municipality",
    "side",
    "location_precision",
    "uncertainty_km",
    "geometry_note",
    "actors",
    "fatalities",
    "injured",
    "confidence",
    "sources",
    "disputes",
    "group",
    "tags",
    "external_ids",
)
_SOURCE_ORDER = ("url", "publisher", "original_publisher", "published", "language", "title", "dataset_id")
_CLAIM_ORDER = ("claim", "by", "source_url")
_TEXT_COLUMNS = (
    "id",
    "layer",
    "category",
    "title",
    "summary",
    "time_precision",
    "location",
    "municipality",
    "side",
    "location_precision",
    "geometry_note",
    "confidence",
    "group",
)
_COUNT_COLUMNS = ("fatalities_min", "fatalities_max", "injured_min", "injured_max")
_PROPERTY_NAMES = frozenset(PROPERTY_ORDER)  # any other property is an extension (x_...)
_LIST_COLUMNS = ("actors", "sources", "disputes", "tags")
#: Columns of the events GeoDataFrame, in order.
EVENT_COLUMNS: tuple[str, ...] = (
    "id",
    "layer",
    "category",
    "title",
    "title_i18n",
    "summary",
    "start",
    "end",
    "start_open",
    "time_precision",
    "location",
    "municipality",
    "side",
    "location_precision",
    "uncertainty_km",
    "geometry_note",
    "actors",
    "fatalities_min",
    "fatalities_max",
    "injured_min",
    "injured_max",
    "confidence",
    "sources",
    "n_sources",
    "disputes",
    "group",
    "tags",
    "external_ids",
    "extensions",
    "file",
    "feature_index",
    "geometry",
)


class StoreError(ValueError):
    """A write was refused; nothing was changed. ``problems`` says why."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        detail = "".join(f"\n  {p}" for p in problems)
        super().__init__(message + detail)
        self.problems = list(problems)


class Saved(NamedTuple):
    """What :func:`save_event` did: the file that holds the event, and whether it was written."""

    path: Path
    written: bool


@dataclass
class EventStore:
    """A validated store: the events that passed, and the report on all of them.

    Attributes
    ----------
    root : Path
        The directory or file that was read.
    events : GeoDataFrame
        Every valid event of every layer (columns :data:`EVENT_COLUMNS`, EPSG:4326).
    report : ValidationReport
        Problems found, counts per layer, and how many features were set aside.
    validated : tuple of str
        The files validated by this read (the others came from their snapshots).
    """

    root: Path
    events: gpd.GeoDataFrame
    report: ValidationReport
    validated: tuple[str, ...] = ()

    def layer(self, name: str) -> gpd.GeoDataFrame:
        """The events of one layer (``incident``, ``deployment`` or ``kfor``)."""
        if name not in LAYERS:
            raise ValueError(f"unknown layer {name!r}; expected one of {', '.join(LAYERS)}")
        return self.events[self.events["layer"] == name]

    @property
    def incidents(self) -> gpd.GeoDataFrame:
        return self.layer("incident")

    @property
    def deployments(self) -> gpd.GeoDataFrame:
        return self.layer("deployment")

    @property
    def kfor(self) -> gpd.GeoDataFrame:
        return self.layer("kfor")


# --------------------------------------------------------------------------- reading


def collection_files(path: Path) -> list[Path]:
    """The collection files of a store: the file itself, or ``*.geojson`` below a directory."""
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(p for p in path.rglob("*.geojson") if p.is_file())
    raise FileNotFoundError(f"no event store at {path}")


def read_collection_file(path: Path, label: str) -> tuple[Any, Problem | None]:
    """Decode one collection file, or say in one line why it cannot be read."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, Problem(label, None, None, "(file)", reasons.UNREADABLE.format(error=exc.strerror))
    if b"\r" not in raw:
        # The text read_text gives (it only differs where it turns \r and \r\n into \n),
        # without its line-by-line decoder: a third of the time for a large file.
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass  # said below, with the offset read_text gives
        else:
            return _decoded(text, label)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, Problem(label, None, None, "(file)", reasons.NOT_UTF8.format(byte=exc.start))
    except OSError as exc:
        return None, Problem(label, None, None, "(file)", reasons.UNREADABLE.format(error=exc.strerror))
    return _decoded(text, label)


def _decoded(text: str, label: str) -> tuple[Any, Problem | None]:
    if not text.strip():
        return None, Problem(label, None, None, "(file)", reasons.EMPTY_FILE)
    data, reason = decode_json(text)
    if reason is not None:
        return None, Problem(label, None, None, "(file)", reason)
    return data, None


def _validate_file(file: Path, label: str) -> Snapshot:
    """Read and validate one collection file (the slow path behind its snapshot).

    A large file is validated in parts by worker processes when that pays
    (:func:`layers.parallel.validate_in_parts`); the result is the same.
    """
    in_parts = validate_in_parts(file, label, _validate_part)
    if in_parts is not None:
        return in_parts
    data, problem = read_collection_file(file, label)
    if problem is not None:
        return Snapshot(frame_to_table(empty_events()), [problem], 0)
    kept, problems, set_aside = check_collection(data, file=label)
    return Snapshot(frame_to_table(events_frame(kept)), problems, set_aside)


def _validate_part(file: Path, label: str, part: int, parts: int) -> Snapshot | None:
    """Validate one of ``parts`` equal runs of a file's features, as validating the file would.

    None when the file is not a collection of the current schema version with a list of
    features (what is wrong with it is said once, for the whole file, by :func:`_validate_file`).
    """
    data, problem = read_collection_file(file, label)
    if problem is not None or not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        return None
    features, meta = data.get("features"), data.get("bordermon")
    if not isinstance(features, list):
        return None
    if isinstance(meta, dict) and meta.get("schema_version") not in (None, SCHEMA_VERSION):
        return None
    start, stop = len(features) * part // parts, len(features) * (part + 1) // parts
    run = {**data, "features": features[start:stop]}
    kept, problems, set_aside = check_collection(run, file=label, start_index=start)
    return Snapshot(frame_to_table(events_frame(kept)), problems, set_aside)


def _set_aside_duplicates(events: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Keep the first event of each id (store order); report and set aside the later ones."""
    later = events["id"].duplicated(keep="first").to_numpy()
    if not later.any():
        return events, []
    first = events.loc[~later, ["id", "file", "feature_index"]].set_index("id")
    repeated = events.loc[later, ["id", "file", "feature_index"]]
    seen = first.loc[repeated["id"]]
    problems = [
        Problem(
            str(file),
            int(index),
            str(fid),
            "id",
            reasons.DUPLICATE_ID.format(file=seen_file, index=seen_index),
        )
        for fid, file, index, seen_file, seen_index in zip(
            repeated["id"],
            repeated["file"],
            repeated["feature_index"],
            seen["file"],
            seen["feature_index"],
            strict=True,
        )
    ]
    return events.loc[~later].reset_index(drop=True), problems


#: Columns every read includes: what ids, counts and problems need.
_KEY_COLUMNS = ("id", "layer", "file", "feature_index", "geometry")


def read_store(
    path: str | Path | None = None,
    *,
    columns: Sequence[str] | None = None,
    cache: Path | bool | None = True,
    layers: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    undecoded: Sequence[str] = (),
) -> EventStore:
    """Read and validate a store (a directory of collections, or one file).

    Each file is validated once per version: the result is kept as a snapshot in the
    cache directory (:mod:`layers.snapshot`) and read from there while the file, the
    schema and the code are unchanged. The GeoJSON files stay the store of record.

    Parameters
    ----------
    path : str or Path, optional
        Store directory or collection file; default :func:`layers.paths.default_store`.
    columns : sequence of str, optional
        Read only these of :data:`EVENT_COLUMNS` (and ``id``, ``layer``, ``file``,
        ``feature_index`` and the geometry, always); default all. The report is the same.
    cache : Path, True or None
        Snapshot directory; True (default) for :func:`layers.paths.default_cache`, None
        (or ``BORDERMON_CACHE=off``) to validate every file now and keep nothing.
    layers, start, end, bbox : optional
        The view the caller will show. A GeoParquet dataset (:mod:`layers.dataset`) is
        then read only where such events can be; a GeoJSON store is read whole. Either
        way apply :func:`layers.filters.filter_events` to the result.
    undecoded : sequence of str, optional
        Nested columns (:data:`layers.snapshot.NESTED_COLUMNS`) to leave as stored, for a
        caller that reads only some events or fields: the sources as an Arrow-backed
        column of :data:`layers.snapshot.SOURCES_TYPE` (``bordermon export``'s map takes
        its table of distinct sources from it; :func:`layers.snapshot.decode_sources`
        gives the lists), the others as their JSON text, one ``str`` per event. Nothing
        else of this package accepts such a frame.

    Returns
    -------
    EventStore
        Valid events as one GeoDataFrame, and the validation report.

    Raises
    ------
    FileNotFoundError
        If nothing exists at ``path``.
    ValueError
        If ``columns`` names a column that is not an event column.
    """
    root = Path(path) if path is not None else default_store()
    directory = default_cache() if cache is True else cache or None
    wanted = set(EVENT_COLUMNS if columns is None else (*columns, *_KEY_COLUMNS))
    if unknown := wanted - set(EVENT_COLUMNS):
        raise ValueError(f"not event columns: {', '.join(sorted(unknown))}")
    selected = [name for name in EVENT_COLUMNS if name in wanted]
    if is_dataset(root):
        events, report = read_dataset(
            root, columns=selected, layers=layers, start=start, end=end, bbox=bbox, undecoded=undecoded
        )
        return EventStore(root=root, events=events, report=report)
    files = collection_files(root)
    base = root if root.is_dir() else root.parent
    report = ValidationReport(files=len(files))
    tables: list[pa.Table] = []
    validated: list[str] = []
    labels = [file.relative_to(base).as_posix() for file in files]
    # Files that need validating are validated in parallel processes first when that pays;
    # the loop below then reads their snapshots.
    jobs = list(zip(files, labels, strict=True))
    in_workers = validate_in_workers(jobs, _validate_file, directory) if directory is not None else {}
    for file, label in jobs:
        if directory is None:
            found = _validate_file(file, label)
            found, fresh = Snapshot(found.table.select(selected), found.problems, found.set_aside), True
        else:
            found, fresh = read_snapshot(file, label, _validate_file, directory, selected)
        if fresh or label in in_workers:
            validated.append(label)
        report.problems.extend(found.problems)
        report.set_aside += found.set_aside
        tables.append(found.table)
    template = empty_events()
    if tables:
        table = pa.concat_tables(tables, promote_options="permissive")
        events = table_to_frame(table, template, undecoded=undecoded)
    else:
        events = template[selected]
    events, duplicates = _set_aside_duplicates(events)
    report.problems.extend(duplicates)
    report.set_aside += len(duplicates)
    counts = events["layer"].value_counts()
    report.counts = {**dict.fromkeys(LAYERS, 0), **{str(k): int(v) for k, v in counts.items()}}
    return EventStore(root=root, events=events, report=report, validated=tuple(validated))


def empty_events() -> gpd.GeoDataFrame:
    """An events frame with every column and no rows."""
    return events_frame([])


def _times(values: Sequence[datetime | None]) -> pd.Series:
    seconds = [pd.NA if v is None else int(v.timestamp()) for v in values]
    as_utc = pd.to_datetime(pd.Series(seconds, dtype="Int64"), unit="s", utc=True)
    return as_utc.dt.tz_convert(LOCAL_TZ.key)


def _objects(values: Iterable[Any], n: int) -> np.ndarray:
    """An object array of ``n`` values (lists stay one value each, never spread out)."""
    return np.fromiter(values, dtype=object, count=n)


def _extensions(props: Mapping[str, Any]) -> dict[str, Any]:
    """The extension fields (``x_...``) of a valid feature's properties, in order."""
    if not props.keys() - _PROPERTY_NAMES:
        return {}
    return {key: value for key, value in props.items() if key not in _PROPERTY_NAMES}


def events_frame(features: Sequence[CheckedFeature]) -> gpd.GeoDataFrame:
    """Build the typed events GeoDataFrame from validated features.

    The lists and objects of the features (actors, sources, ...) become the frame's
    values as they are, not copies: a 100,000-event store makes half a million fewer
    objects, and the collector has that much less to walk.
    """
    n = len(features)
    props = [item.feature["properties"] for item in features]
    columns: dict[str, Any] = {"id": pd.array([item.feature["id"] for item in features], dtype="string")}
    for name in _TEXT_COLUMNS[1:]:
        columns[name] = pd.array([p.get(name) for p in props], dtype="string")
    columns["start"] = _times([item.start for item in features])
    columns["end"] = _times([item.end for item in features])
    columns["start_open"] = np.asarray([p.get("start_open") is True for p in props], dtype=bool)
    uncertainty = [p.get("uncertainty_km") for p in props]
    columns["uncertainty_km"] = np.asarray([np.nan if u is None else u for u in uncertainty], dtype="float64")
    for name in ("fatalities", "injured"):
        values = [p.get(name) for p in props]
        for bound in ("min", "max"):
            column = [v[bound] if type(v) is dict else v for v in values]
            columns[f"{name}_{bound}"] = pd.array(column, dtype="Int64")
    for name in _LIST_COLUMNS:
        columns[name] = _objects((v if type(v) is list else [] for v in (p.get(name) for p in props)), n)
    columns["n_sources"] = np.asarray([len(p["sources"]) for p in props], dtype="int64")
    external = (p.get("external_ids") for p in props)
    columns["external_ids"] = _objects((v if type(v) is dict else {} for v in external), n)
    translated = (p.get("title_i18n") for p in props)
    columns["title_i18n"] = _objects((v if type(v) is dict else {} for v in translated), n)
    columns["extensions"] = _objects((_extensions(p) for p in props), n)
    columns["file"] = pd.array([item.file for item in features], dtype="string")
    columns["feature_index"] = np.asarray([item.index for item in features], dtype="int64")

    frame = pd.DataFrame({name: columns[name] for name in EVENT_COLUMNS if name != "geometry"}, copy=False)
    geometry = gpd.GeoSeries([item.geometry for item in features], crs=CRS, index=frame.index)
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=CRS)


# --------------------------------------------------------------------------- canonical form


def format_time(value: datetime | pd.Timestamp) -> str:
    """Write a store time: a date when it is local midnight, else a full local date-time."""
    local = pd.Timestamp(value).tz_convert(LOCAL_TZ.key)
    if local == local.normalize():
        return str(local.date().isoformat())
    return str(local.isoformat(timespec="seconds"))


def format_times(values: pd.Series) -> list[str | None]:
    """:func:`format_time` for a whole column at once (None where there is no time)."""
    if values.empty:
        return []
    local = values.dt.tz_convert(LOCAL_TZ.key)
    midnight = local == local.dt.normalize()
    full = local.dt.strftime("%Y-%m-%dT%H:%M:%S%z")  # +0200; ISO 8601 writes +02:00
    full = full.str.slice(0, -2) + ":" + full.str.slice(-2)
    text = local.dt.strftime("%Y-%m-%d").where(midnight, full)
    return [None if pd.isna(v) else str(v) for v in text]


def _canonical_time(text: str) -> str:
    return format_time(parse_time(text))


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else float(value)


def _count(value: Any) -> Any:
    if isinstance(value, dict) and value.get("min") == value.get("max"):
        return value.get("min")
    if isinstance(value, dict):
        return {"min": value["min"], "max": value["max"]}
    return value


def _ordered(item: Mapping[str, Any], order: Sequence[str]) -> dict[str, Any]:
    out = {k: item[k] for k in order if k in item}
    out.update({k: item[k] for k in sorted(item) if k not in out})
    return out


def _geometry_json(geom: BaseGeometry | None) -> dict[str, Any] | None:
    if geom is None or geom.is_empty:
        return None
    oriented = shapely.orient_polygons(geom)  # RFC 7946: exterior rings counterclockwise
    as_json: dict[str, Any] = json.loads(json.dumps(mapping(oriented)))
    return as_json


def canonical_feature(feature: Mapping[str, Any], *, times_canonical: bool = False) -> dict[str, Any]:
    """A valid feature in the store's canonical form (key order, times, numbers, rings).

    Canonical form changes no data: reading a canonical feature and writing it again
    gives the same bytes.
    """
    props = dict(feature["properties"])
    for name in ("start", "end"):
        if isinstance(props.get(name), str) and not times_canonical:
            props[name] = _canonical_time(props[name])
    for name in ("fatalities", "injured"):
        if name in props:
            props[name] = _count(props[name])
    if isinstance(props.get("uncertainty_km"), int | float):
        props["uncertainty_km"] = _number(props["uncertainty_km"])
    props["sources"] = [_ordered(s, _SOURCE_ORDER) for s in props.get("sources", [])]
    if props.get("disputes"):
        props["disputes"] = [
            {"field": d["field"], "claims": [_ordered(c, _CLAIM_ORDER) for c in d["claims"]]}
            for d in props["disputes"]
        ]
    if props.get("title_i18n"):  # the interface's order, whatever order they were added in
        props["title_i18n"] = _ordered(props["title_i18n"], TITLE_LANGUAGES)
    for name in ("title_i18n", "disputes", "tags", "external_ids"):
        if name in props and not props[name]:
            del props[name]
    for name in ("end", "municipality", "uncertainty_km", "geometry_note", "group"):
        if name in props and props[name] is None:
            del props[name]
    if props.get("start_open") is False:  # the default: an open start is said only when true
        del props["start_open"]
    raw_geom = feature.get("geometry")
    geometry = _geometry_json(shape(raw_geom)) if raw_geom else None
    return {
        "type": "Feature",
        "id": feature["id"],
        "geometry": geometry,
        "properties": _ordered(props, PROPERTY_ORDER),
    }


def _missing(value: Any) -> bool:
    return value is None or (not isinstance(value, list | dict) and bool(pd.isna(value)))


def _frame_count(low: Any, high: Any) -> Any:
    if _missing(low):
        return None
    return int(low) if low == high else {"min": int(low), "max": int(high)}


def frame_to_features(events: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Turn an events frame back into canonical GeoJSON features (the inverse of reading)."""
    times = {name: format_times(events[name]) for name in ("start", "end")}
    features = []
    for position, row in enumerate(events.to_dict("records")):
        props: dict[str, Any] = {}
        for name in PROPERTY_ORDER:
            if name in ("fatalities", "injured"):
                props[name] = _frame_count(row[f"{name}_min"], row[f"{name}_max"])
            elif name in ("start", "end"):
                if times[name][position] is not None:
                    props[name] = times[name][position]
            elif name == "start_open":
                if bool(row.get(name, False)):
                    props[name] = True
            elif name == "side":  # required, and null has a meaning (on neither side)
                props[name] = None if _missing(row[name]) else row[name]
            elif name in row and not _missing(row[name]):
                props[name] = row[name]
        props.update(row.get("extensions") or {})
        geometry = _geometry_json(row["geometry"])
        feature = {"type": "Feature", "id": row["id"], "geometry": geometry, "properties": props}
        features.append(canonical_feature(feature, times_canonical=True))
    return features


# --------------------------------------------------------------------------- writing


def _collection(features: Sequence[Mapping[str, Any]], meta: Mapping[str, Any] | None) -> dict[str, Any]:
    header = dict(meta or {})
    header.setdefault("schema_version", SCHEMA_VERSION)
    return {"type": "FeatureCollection", "bordermon": header, "features": list(features)}


#: The one way the store is written: UTF-8 text, two-space indent, a newline at the end.
_ENCODER = json.JSONEncoder(ensure_ascii=False, indent=2)


_INFINITY = float("inf")


class _NotPlain(Exception):
    """A value :func:`_indented` leaves to the standard library's encoder."""


_quote = json.encoder.encode_basestring  # what ensure_ascii=False uses (the C version when present)
_float_text, _int_text = float.__repr__, int.__repr__


def _walk(item: Any, line: str, append: Callable[[str], None]) -> None:
    """:func:`_indented`'s pieces of ``item``, appended (a module function: a recursive
    closure would make a reference cycle per call, left to the garbage collector)."""
    kind = type(item)
    if kind is str:
        append(_quote(item))
    elif item is None:
        append("null")
    elif item is True:
        append("true")
    elif item is False:
        append("false")
    elif kind is int:
        append(_int_text(item))
    elif kind is float:
        if item != item or item in (_INFINITY, -_INFINITY):
            raise _NotPlain
        append(_float_text(item))
    elif kind is dict:
        if not item:
            append("{}")
            return
        inner, opening = line + "  ", "{"
        for key, element in item.items():
            if type(key) is not str:
                raise _NotPlain
            append(opening + inner + _quote(key) + ": ")
            opening = ","
            _walk(element, inner, append)
        append(line + "}")
    elif kind is list:
        if not item:
            append("[]")
            return
        inner, opening = line + "  ", "["
        for element in item:
            append(opening + inner)
            opening = ","
            _walk(element, inner, append)
        append(line + "]")
    else:
        raise _NotPlain


def _indented(value: Any, newline: str) -> str:
    """``_ENCODER``'s text of ``value`` as if nested where its lines begin with ``newline``.

    The same bytes as the standard library's indenting encoder, which is written in
    Python and makes a generator step per token; this builds one list of pieces instead,
    about twice as fast for a store file. Anything but plain JSON values (str, int, float,
    bool, None, list, dict with str keys; no NaN or infinity) goes to the standard
    library, whose text (with its rules for those values, or its error) is then indented
    alike: its line breaks are only ever indentation, as strings escape theirs.
    """
    pieces: list[str] = []
    try:
        _walk(value, newline, pieces.append)
    except (_NotPlain, RecursionError):
        return _ENCODER.encode(value).replace("\n", newline)
    return "".join(pieces)


#: Features per piece of a written collection: orjson's text of a batch is checked as a whole.
_BATCH = 1000


def _fast_items(items: list[Any]) -> bytes | None:
    """``_ENCODER``'s UTF-8 text of ``items`` (a list) by orjson, or None where it may differ.

    orjson writes plain JSON values (str, int, float, bool, None, list, dict with str
    keys) as the standard library's indenting encoder does, byte for byte, about ten
    times faster, except numbers with an exponent (ruled out above) and NaN or infinity,
    which it writes as null: reading the text back gives other values then, as it does
    for anything else orjson writes and the standard library would not (dates, tuples,
    enumerations), so such a batch takes the exact path.
    """
    try:
        text = orjson.dumps(items, option=orjson.OPT_INDENT_2)
    except (TypeError, orjson.JSONEncodeError):  # non-str keys, big ints, lone surrogates, other types
        return None
    if exponent_like(text) or orjson.loads(text) != items:
        return None
    return text


def _features_text(features: list[Any], newline: str, errors: str) -> bytes:
    """The features' text, each as if nested where lines begin with ``newline``, joined
    by commas (``_ENCODER``'s text of the list without its brackets), in UTF-8 (``errors``
    as :meth:`str.encode` takes it)."""
    fast = _fast_items(features)
    if fast is not None:
        # b'[\n  ' + the items, nested two spaces deep + b'\n]': cut the brackets off, nest deeper.
        return fast[4:-2].replace(b"\n", b"\n" + b" " * (len(newline) - 3))
    return ("," + newline).join(_indented(feature, newline) for feature in features).encode("utf-8", errors)


def _collection_text(
    features: Sequence[Mapping[str, Any]], meta: Mapping[str, Any] | None, errors: str = "strict"
) -> Iterator[bytes]:
    """``_ENCODER``'s text of a collection (no final newline) in UTF-8, a batch at a time.

    A lone surrogate (not UTF-8) raises UnicodeEncodeError, unless ``errors`` is
    ``surrogatepass`` (to give the text as a string).
    """
    collection = _collection(features, meta)
    header = '{\n  "type": "FeatureCollection",\n  "bordermon": ' + _indented(collection["bordermon"], "\n  ")
    yield header.encode("utf-8", errors)
    items = collection["features"]
    if not items:
        yield b',\n  "features": []\n}'
        return
    opening = b',\n  "features": [\n    '
    for first in range(0, len(items), _BATCH):
        yield opening + _features_text(items[first : first + _BATCH], "\n    ", errors)
        opening = b",\n    "
    yield b"\n  ]\n}"


def dumps_collection(features: Sequence[Mapping[str, Any]], meta: Mapping[str, Any] | None = None) -> str:
    """Serialise a collection the one way the store is written (stable bytes)."""
    return b"".join(_collection_text(features, meta, "surrogatepass")).decode("utf-8", "surrogatepass") + "\n"


def _temporary_beside(path: Path) -> tuple[int, Path]:
    """Create a new temporary file next to ``path``; the process umask decides its mode.

    (``tempfile.mkstemp`` makes every file 0600, so a rewritten store file became private.)
    """
    while True:
        tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}{TEMP_SUFFIX}"
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:  # pragma: no cover - 48 random bits
            continue


def write_collection(
    path: Path, features: Sequence[Mapping[str, Any]], meta: Mapping[str, Any] | None = None
) -> None:
    """Write a collection atomically: a temporary file beside it, then a rename.

    A reader sees either the old file or the new one, never a half-written file. A file
    that is replaced keeps its permissions; a new file gets the usual ones (0666 less the
    umask). Call it while holding :func:`store_lock`, which removes the temporaries of
    writers that were killed.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode: int | None = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = None
    fd, tmp = _temporary_beside(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.writelines(_collection_text(features, meta))  # dumps_collection's text, streamed
            handle.write(b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # not every platform can fsync a directory
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def remove_stale_temporaries(root: Path) -> list[Path]:
    """Delete the temporary files that killed writers left in a store; returns them.

    Only call this holding :func:`store_lock`: every writer writes its temporaries while
    holding the lock, so any found then belongs to a writer that is gone (an import
    killed halfway leaves one as big as the collection it was writing).
    """
    removed = []
    for candidate in root.rglob(f".*{TEMP_SUFFIX}"):
        if _TEMP_NAME.fullmatch(candidate.name) and candidate.is_file():
            with contextlib.suppress(FileNotFoundError):
                candidate.unlink()
                removed.append(candidate)
    return removed


@contextlib.contextmanager
def store_lock(root: Path) -> Iterator[None]:
    """Hold an exclusive lock on a store directory while reading, checking and writing.

    On taking the lock, the temporaries of writers that were killed are removed.
    """
    root.mkdir(parents=True, exist_ok=True)
    with open(root / LOCK_NAME, "a+b") as handle:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
            try:
                remove_stale_temporaries(root)
                yield
            finally:
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                remove_stale_temporaries(root)
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def format_store(path: str | Path | None = None) -> tuple[list[Path], list[Problem]]:
    """Rewrite every valid collection of a store in canonical form.

    A file with any problem is left untouched and its problems are returned, so a
    curator's hand edits are never rewritten while they are still wrong.

    Returns
    -------
    (list of Path, list of Problem)
        The files rewritten (those already canonical are not touched), and the problems
        of the files that were skipped.
    """
    root = Path(path) if path is not None else default_store()
    base = root if root.is_dir() else root.parent
    changed: list[Path] = []
    skipped: list[Problem] = []
    with store_lock(base):
        for file in collection_files(root):
            label = file.relative_to(base).as_posix()
            data, problem = read_collection_file(file, label)
            if problem is not None:
                skipped.append(problem)
                continue
            kept, problems, set_aside = check_collection(data, file=label)
            errors = [p for p in problems if p.severity == "error"]
            if errors or set_aside:
                skipped.extend(errors)
                continue
            meta = data.get("bordermon") if isinstance(data.get("bordermon"), dict) else None
            text = dumps_collection([canonical_feature(item.feature) for item in kept], meta)
            if text != file.read_text(encoding="utf-8-sig"):
                write_collection(file, [canonical_feature(item.feature) for item in kept], meta)
                changed.append(file)
    return changed, skipped


def _store_ids(root: Path, files: Sequence[Path]) -> dict[str, str]:
    """Every id in the store, mapped to the file holding it; unreadable files refuse the write."""
    ids: dict[str, str] = {}
    for file in files:
        label = file.relative_to(root).as_posix()
        data, problem = read_collection_file(file, label)
        if problem is not None:
            raise StoreError("the store has a file that cannot be read; fix it before writing", [problem])
        for feature in data.get("features", []) if isinstance(data, dict) else []:
            if isinstance(feature, dict) and isinstance(feature.get("id"), str):
                ids.setdefault(feature["id"], label)
    return ids


def _same_event(stored: Any, new: Mapping[str, Any]) -> bool:
    """Whether a stored feature is the canonical ``new`` (one that is not valid never is)."""
    checked, _ = check_feature(stored, file="(stored event)", index=0)
    return checked is not None and canonical_feature(checked.feature) == new


def _check_layer_kept(old: Any, new: Mapping[str, Any], change_layer: bool) -> None:
    props = old.get("properties") if isinstance(old, dict) else None
    was = props.get("layer") if isinstance(props, dict) else None
    now = new["properties"]["layer"]
    if was != now and not change_layer:
        raise StoreError(
            f"{new['id']!r} is in the layer {was!r}, not {now!r}; a correction keeps the layer "
            "(pass change_layer=True to move it)"
        )


def save_event(
    feature: Mapping[str, Any],
    store: str | Path | None = None,
    collection: str = "additions.geojson",
    *,
    update: bool = False,
    change_layer: bool = False,
) -> Saved:
    """Append a new event, or update an existing one, after validating it.

    Parameters
    ----------
    feature : mapping
        A GeoJSON Feature in the store's schema.
    store : str or Path, optional
        The store directory; default :func:`layers.paths.default_store`.
    collection : str
        File (relative to the store) that receives a new event. An update goes into
        the file that holds the event, at the event's position.
    update : bool
        False: the id must be new. True: the id must exist, and that event is replaced;
        when the replacement is the same event, nothing is written (not even the file's
        formatting is touched).
    change_layer : bool
        An update keeps the event's layer unless this is True: moving an event to another
        layer is a decision, never the side effect of a correction.

    Returns
    -------
    Saved
        The file that holds the event, and whether it was written (an update that is
        the stored event writes nothing).

    Raises
    ------
    StoreError
        If the feature is invalid, the id conflicts, or the store cannot be read.
        Nothing is written then.
    """
    root = Path(store) if store is not None else default_store()
    if root.is_file():
        raise StoreError(f"{root} is a file; save_event writes into a store directory")
    checked, problems = check_feature(dict(feature), file="(new event)", index=0)
    errors = [p for p in problems if p.severity == "error"]
    if checked is None:
        raise StoreError("the event is not valid; nothing was written", errors)
    new = canonical_feature(checked.feature)
    fid = new["id"]
    with store_lock(root):
        files = collection_files(root)
        ids = _store_ids(root, files)
        if update and fid not in ids:
            raise StoreError(f"no event with id {fid!r} to update")
        if not update and fid in ids:
            raise StoreError(f"id {fid!r} is already used in {ids[fid]}; choose another id or update it")
        target = root / (ids[fid] if update else collection)
        if target.suffix != ".geojson":
            raise StoreError(f"collection {collection!r} must be a .geojson file")
        if target.exists():
            data, _ = read_collection_file(target, target.name)
            if not isinstance(data, dict) or not isinstance(data.get("features"), list):
                raise StoreError(f"{target.name} is not a FeatureCollection; not writing into it")
            meta = data.get("bordermon") if isinstance(data.get("bordermon"), dict) else None
            features = list(data["features"])
        else:
            meta, features = None, []
        if update:
            position = next(i for i, f in enumerate(features) if isinstance(f, dict) and f.get("id") == fid)
            _check_layer_kept(features[position], new, change_layer)
            if _same_event(features[position], new):
                return Saved(target, written=False)  # the file is left exactly as it was
            features[position] = new
        else:
            features.append(new)
        write_collection(target, features, meta)
    return Saved(target, written=True)
