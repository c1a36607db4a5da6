"""Validated snapshots of collection files: validate once per version of a file.

Reading a GeoJSON collection means decoding every feature and checking it against the
schema and the rules; at 100,000 events that takes seconds. The result only changes when
the file, the schema or the code that validates it changes, so :func:`read_snapshot`
keeps it: the file's valid features as a GeoParquet table (every column of
:data:`layers.store.EVENT_COLUMNS`; the sources as a list of structs, one text field per
field of a source; the other lists and mappings as JSON text; geometry as WKB),
and the problems found and the count set aside in the table's metadata, so that every
command still reports what was set aside.

A snapshot is kept in a cache directory outside the store (:func:`layers.paths.default_cache`,
``$BORDERMON_CACHE``); it is never the only copy of anything and deleting it is always
safe. It is used only when

- its format, the schema file and version, the publisher registers and the validating
  code are the ones of this process (a digest of them, :func:`rules_digest`), and
- the file's content is the one it was made from: its SHA-256 digest, with the size,
  modification time and inode as a quick check that is trusted only when the file was
  last changed well before the snapshot was made (a file edited in the same instant as it
  was read is hashed again).

Snapshots are written to a temporary file and renamed into place, so a reader sees a
whole snapshot or none; one that cannot be read (truncated, corrupt, another format) is
ignored and made again.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pyproj
import shapely

from layers.paths import ROOT, SCHEMA_PATH, write_cache_file
from layers.publishers import register_paths
from layers.reference import STORAGE_CRS
from layers.validate import SCHEMA_VERSION, Problem
from layers.vocabulary import SOURCE_FIELDS

__all__ = [
    "JSON_COLUMNS",
    "NESTED_COLUMNS",
    "SNAPSHOT_FORMAT",
    "SOURCES_TYPE",
    "FileStamp",
    "Snapshot",
    "decode_sources",
    "file_digest",
    "frame_to_table",
    "is_current",
    "read_snapshot",
    "rules_digest",
    "snapshot_path",
    "table_to_frame",
]

#: Version of the snapshot layout written here; a change makes every snapshot stale.
#: 2: the ``title_i18n`` column (translations of the title).
#: 3: the sources as a list of structs (:data:`SOURCES_TYPE`) instead of JSON text.
SNAPSHOT_FORMAT = 3
#: Columns holding lists or mappings.
NESTED_COLUMNS: tuple[str, ...] = (
    "title_i18n",
    "actors",
    "sources",
    "disputes",
    "tags",
    "external_ids",
    "extensions",
)
#: Nested columns kept as JSON text, so every value comes back as it was. The sources
#: have a fixed shape (the schema allows no other field, each a text) and are kept as
#: columns instead: a reader that wants their fields (the map's table of distinct
#: sources) takes them from Arrow arrays, without parsing or building 100,000 lists.
JSON_COLUMNS: tuple[str, ...] = tuple(name for name in NESTED_COLUMNS if name != "sources")
#: Arrow type of the ``sources`` column: per event, a list of sources, each a struct of
#: :data:`layers.vocabulary.SOURCE_FIELDS` (null where a source lacks the field). The
#: texts are dictionary-encoded: sources repeat across events (one article cited by many
#: records), and selecting rows of the frame then copies integers, not texts.
SOURCES_TYPE = pa.list_(
    pa.struct([pa.field(name, pa.dictionary(pa.int32(), pa.string())) for name in SOURCE_FIELDS])
)
#: A file changed less than this long before its snapshot was made is hashed, not trusted
#: on its size and time: some file systems keep modification times to a second or two.
RACY_NS = 3_000_000_000
_META_KEY = b"bordermon"
_GEO_KEY = b"geo"


@dataclass(frozen=True)
class FileStamp:
    """Size, modification time and inode of a file: a quick sign of a change."""

    size: int
    mtime_ns: int
    inode: int

    @classmethod
    def of(cls, path: Path) -> FileStamp:
        stat = path.stat()
        return cls(stat.st_size, stat.st_mtime_ns, stat.st_ino)


@dataclass
class Snapshot:
    """What validating one collection file gave.

    Attributes
    ----------
    table : pyarrow.Table
        The file's valid features (:func:`frame_to_table` of an events frame), before
        ids are checked across the store.
    problems : list of Problem
        Every problem found in the file.
    set_aside : int
        Features of the file that failed validation.
    """

    table: pa.Table
    problems: list[Problem]
    set_aside: int


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes, in hex."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


@lru_cache(maxsize=1)
def _code_digest() -> str:
    # Any change to the code under layers/ may change what validation keeps, so every
    # module's source is part of the key: an upgraded install never reuses old results.
    digest = hashlib.sha256()
    for source in sorted((ROOT / "layers").rglob("*.py")):
        digest.update(source.relative_to(ROOT).as_posix().encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


def rules_digest() -> str:
    """Digest of what validation depends on.

    The snapshot format, the schema version and file, the publisher registers in force
    (:func:`layers.publishers.register_paths`) and the code.
    """
    digest = hashlib.sha256(f"{SNAPSHOT_FORMAT}\0{SCHEMA_VERSION}\0".encode())
    for path in (SCHEMA_PATH, *register_paths()):
        digest.update(f"\0{path}\0".encode())
        with contextlib.suppress(OSError):  # a missing register is validation's to report
            digest.update(path.read_bytes())
    digest.update(_code_digest().encode())
    return digest.hexdigest()


def snapshot_path(cache: Path, file: Path, label: str) -> Path:
    """Where the snapshot of ``file``, read under ``label``, is kept in ``cache``."""
    key = hashlib.sha256(f"{file.resolve()}\0{label}".encode()).hexdigest()[:40]
    return cache / "snapshots" / f"{key}.parquet"


# --------------------------------------------------------------------------- frame <-> table


@lru_cache(maxsize=1)
def _geo_metadata() -> bytes:
    crs = pyproj.CRS.from_user_input(STORAGE_CRS).to_json_dict()
    geometry = {"encoding": "WKB", "geometry_types": [], "crs": crs}
    return json.dumps(
        {"version": "1.1.0", "primary_column": "geometry", "columns": {"geometry": geometry}}
    ).encode()


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _json_texts(values: pd.Series) -> list[str]:
    """Each list or mapping as compact JSON text.

    Most rows of most nested columns are empty (no disputes, tags, translations): those are
    written without calling the encoder, which costs ~1.7 µs a value (0.17 s a column at
    100,000 events). The text is the encoder's either way.
    """
    encode = _ENCODER.encode
    return [
        "[]"
        if type(value) is list and not value
        else "{}"
        if type(value) is dict and not value
        else encode(value)
        for value in values
    ]


def _sources_array(values: pd.Series) -> pa.ChunkedArray:
    """Each event's sources as :data:`SOURCES_TYPE`.

    Raises ValueError for a source that does not fit (a field the schema does not have,
    a value that is not a text): validation lets none through, and a snapshot must not
    drop what it cannot hold.
    """
    if isinstance(values.dtype, pd.ArrowDtype):  # read undecoded: already these columns
        return _chunked(values).cast(SOURCES_TYPE)
    lists = [value if type(value) is list else [] for value in values]
    try:
        array = pa.chunked_array([pa.array(lists, type=SOURCES_TYPE)])
    except (pa.ArrowException, TypeError) as exc:
        raise ValueError(f"a source does not fit the snapshot's columns: {exc}") from None
    fields = sum(len(source) for items in lists for source in items)
    flat = pc.list_flatten(array)
    stored = sum(len(chunk) - child.null_count for chunk in flat.chunks for child in chunk.flatten())
    if stored != fields:  # Arrow leaves out the keys its struct does not name
        unknown = sorted({key for items in lists for source in items for key in source} - set(SOURCE_FIELDS))
        raise ValueError(f"a source has fields the snapshot does not keep: {', '.join(map(repr, unknown))}")
    return array


def frame_to_table(events: gpd.GeoDataFrame) -> pa.Table:
    """An events frame as a GeoParquet-ready Arrow table.

    The sources become :data:`SOURCES_TYPE` columns, the other nested columns JSON text.
    The table carries GeoParquet metadata (WKB geometry, longitude/latitude), so any
    GeoParquet reader can open it; :func:`table_to_frame` is its exact inverse.
    """
    plain = pd.DataFrame(events.drop(columns=events.geometry.name))
    for name in JSON_COLUMNS:
        if name in plain.columns:
            plain[name] = pd.array(_json_texts(plain[name]), dtype="string")
    plain["geometry"] = shapely.to_wkb(events.geometry.to_numpy())
    # The sources join after pandas' conversion: its metadata cannot name their Arrow type.
    sources = _sources_array(plain.pop("sources")) if "sources" in plain.columns else None
    table = pa.Table.from_pandas(plain, preserve_index=False)
    if sources is not None:
        position = list(events.columns).index("sources")
        table = table.add_column(position, pa.field("sources", SOURCES_TYPE), sources)
    metadata = dict(table.schema.metadata or {})
    metadata[_GEO_KEY] = _geo_metadata()
    return table.replace_schema_metadata(metadata)


def _chunked(values: pd.Series) -> pa.ChunkedArray:
    found = pa.array(values.array)  # an Arrow-backed column: its arrays, not a copy
    return found if isinstance(found, pa.ChunkedArray) else pa.chunked_array([found])


def _decode_json(values: list[Any]) -> list[Any]:
    # One parse of the whole column is several times faster than one per row.
    return list(json.loads("[" + ",".join("null" if v is None else v for v in values) + "]"))


def decode_sources(column: pa.ChunkedArray | pd.Series) -> list[list[dict[str, str]]]:
    """Each event's sources as a list of mappings, from :data:`SOURCES_TYPE` columns.

    A source maps the fields it has (a null is a field the record leaves out) in the
    schema's order, which is also the order the store writes them in. Sources with the
    same fields present are built together; equal texts are one ``str`` object.
    """
    if isinstance(column, pd.Series):
        column = _chunked(column)
    lists = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    offsets = np.asarray(lists.offsets, dtype="int64")
    offsets = offsets - offsets[0] if len(offsets) else np.zeros(1, dtype="int64")
    flat = lists.flatten()  # the sources of every event, one after the other
    count = len(flat)
    present = np.zeros(count, dtype="int64")
    texts = []
    for bit, field in enumerate(flat.flatten()):
        if pa.types.is_dictionary(field.type):
            table = np.asarray([*field.dictionary.to_pylist(), None], dtype=object)
            picks = field.indices.fill_null(-1).to_numpy(zero_copy_only=False)  # -1: the None
            texts.append(table[picks])
        else:
            texts.append(np.asarray(field.to_pylist(), dtype=object))
        present |= np.asarray(field.is_valid(), dtype="int64") << bit
    sources = np.empty(count, dtype=object)
    for pattern in np.unique(present).tolist():
        rows = np.flatnonzero(present == pattern)
        keys = [name for bit, name in enumerate(SOURCE_FIELDS) if pattern >> bit & 1]
        values = [texts[bit][rows].tolist() for bit in range(len(SOURCE_FIELDS)) if pattern >> bit & 1]
        if keys:
            made = [dict(zip(keys, row, strict=True)) for row in zip(*values, strict=True)]
        else:  # a source without any field: validation keeps none, but it reads back as one
            made = [{} for _ in range(len(rows))]
        sources[rows] = made
    every = sources.tolist()
    bounds = offsets.tolist()
    return [every[low:high] for low, high in itertools.pairwise(bounds)]


def table_to_frame(
    table: pa.Table, template: gpd.GeoDataFrame, *, undecoded: Collection[str] = ()
) -> gpd.GeoDataFrame:
    """The events frame of a table written by :func:`frame_to_table`.

    ``template`` (an empty events frame) gives the order and types of the columns; a
    table holding only some of them gives a frame of those (and the geometry). The
    nested columns named in ``undecoded`` are left as stored, for a caller that reads
    only some rows or fields: the JSON text of the row (``str``), or for ``sources`` an
    Arrow-backed column of :data:`SOURCES_TYPE` (:func:`decode_sources` decodes it).
    """
    plain = table.drop_columns(["geometry", *(n for n in NESTED_COLUMNS if n in table.column_names)])
    frame = plain.to_pandas()
    for name in NESTED_COLUMNS:
        if name not in table.column_names:
            continue
        column = table.column(name)
        if name == "sources":
            stored = column.cast(SOURCES_TYPE)  # a dataset's files may hold plain texts
            if name in undecoded:
                frame[name] = pd.Series(pd.arrays.ArrowExtensionArray(stored), index=frame.index)
                continue
            values = decode_sources(stored)
        else:
            texts = column.to_pylist()
            values = texts if name in undecoded else _decode_json(texts)
        frame[name] = pd.Series(values, index=frame.index, dtype=object)
    for name, dtype in template.dtypes.items():
        if name == "geometry" or name not in frame.columns or name in undecoded:
            continue
        if frame[name].dtype != dtype:
            frame[name] = frame[name].astype(dtype)
    geometry = gpd.GeoSeries(
        shapely.from_wkb(table.column("geometry").to_numpy(zero_copy_only=False)),
        index=frame.index,
        crs=template.crs,
    )
    columns = [name for name in template.columns if name != "geometry" and name in frame.columns]
    return gpd.GeoDataFrame(frame[columns], geometry=geometry, crs=template.crs)


# --------------------------------------------------------------------------- reading, writing


def _problem_rows(problems: list[Problem]) -> list[list[Any]]:
    return [[p.file, p.index, p.id, p.field, p.reason, p.severity] for p in problems]


def _problems(rows: list[list[Any]]) -> list[Problem]:
    return [
        Problem(file, index, fid, field, reason, severity)
        for file, index, fid, field, reason, severity in rows
    ]


def _meta(path: Path) -> dict[str, Any] | None:
    try:
        metadata = pq.read_schema(path).metadata or {}
        found: dict[str, Any] = json.loads(metadata[_META_KEY])
    except (OSError, KeyError, ValueError, pa.ArrowException):
        return None
    return found


def _load(path: Path, columns: list[str], meta: dict[str, Any]) -> Snapshot | None:
    try:
        table = pq.read_table(path, columns=columns)
        problems = _problems(meta["problems"])
        set_aside = int(meta["set_aside"])
    except (OSError, KeyError, TypeError, ValueError, pa.ArrowException):
        return None  # damaged or from another version: made again from the file
    if table.num_rows != meta.get("rows") or table.column_names != columns:
        return None
    return Snapshot(table, problems, set_aside)


def _save(path: Path, snapshot: Snapshot, meta: dict[str, Any]) -> None:
    """Write a snapshot atomically; a cache that cannot be written is simply not used."""
    table = snapshot.table
    meta = {
        **meta,
        "rows": table.num_rows,
        "set_aside": snapshot.set_aside,
        "problems": _problem_rows(snapshot.problems),
    }
    metadata = dict(table.schema.metadata or {})
    metadata[_META_KEY] = json.dumps(meta, ensure_ascii=False).encode()
    table = table.replace_schema_metadata(metadata)
    write_cache_file(path, lambda handle: pq.write_table(table, handle, compression="zstd"))


def _stamp_trusted(meta: dict[str, Any], before: FileStamp) -> bool:
    """The file is the one the snapshot was made from, by its stamp alone (no hashing)."""
    return (
        meta.get("stamp") == [before.size, before.mtime_ns, before.inode]
        and before.mtime_ns < int(meta.get("checked_ns", 0)) - RACY_NS
    )


def is_current(file: Path, label: str, cache: Path, *, hashing: bool = True) -> bool:
    """Whether ``file`` has a snapshot :func:`read_snapshot` would use.

    With ``hashing`` False, only a file trusted on its size, time and inode is found
    current (no file is read): a quick first look. A snapshot whose table turns out to
    be damaged is still found current here; reading it then validates the file.
    """
    try:
        before = FileStamp.of(file)
    except OSError:
        return False
    meta = _meta(snapshot_path(cache, file, label))
    if meta is None or meta.get("rules") != rules_digest() or meta.get("label") != label:
        return False
    if _stamp_trusted(meta, before):
        return True
    return hashing and file_digest(file) == meta.get("sha256")


def read_snapshot(
    file: Path,
    label: str,
    build: Callable[[Path, str], Snapshot],
    cache: Path,
    columns: list[str],
) -> tuple[Snapshot, bool]:
    """The validated content of one collection file, from its snapshot when it is current.

    Parameters
    ----------
    file : Path
        The collection file.
    label : str
        Its name in problems and in the ``file`` column (relative to the store).
    build : callable
        ``build(file, label)`` reads and validates the file (the slow path).
    cache : Path
        The cache directory (:func:`layers.paths.default_cache`).
    columns : list of str
        The columns to read; a snapshot is always made with every column.

    Returns
    -------
    (Snapshot, bool)
        The result (its table holding ``columns``), and True when the file was validated
        now (False: from its snapshot).
    """
    try:
        before = FileStamp.of(file)
    except OSError:
        built = build(file, label)  # gone or unreadable: the builder says why
        return Snapshot(built.table.select(columns), built.problems, built.set_aside), True
    path = snapshot_path(cache, file, label)
    rules = rules_digest()
    meta = _meta(path)
    if meta is not None and meta.get("rules") == rules and meta.get("label") == label:
        trusted = _stamp_trusted(meta, before)
        checked_ns = time.time_ns()
        digest = None if trusted else file_digest(file)
        if trusted or digest == meta.get("sha256"):
            found = _load(path, columns, meta)
            if found is not None:
                if not trusted and FileStamp.of(file) == before:
                    # Same bytes, new time (a touch, a checkout): remember the new stamp.
                    whole = _load(path, pq.read_schema(path).names, meta)
                    stamp = [before.size, before.mtime_ns, before.inode]
                    if whole is not None:
                        _save(path, whole, {**meta, "stamp": stamp, "checked_ns": checked_ns})
                return found, False
    checked_ns = time.time_ns()
    digest = file_digest(file)
    built = build(file, label)
    with contextlib.suppress(OSError):
        if FileStamp.of(file) == before:  # changed while it was read: keep nothing
            meta = {
                "format": SNAPSHOT_FORMAT,
                "rules": rules,
                "label": label,
                "source": str(file.resolve()),
                "sha256": digest,
                "stamp": [before.size, before.mtime_ns, before.inode],
                "checked_ns": checked_ns,
            }
            _save(path, built, meta)
    return Snapshot(built.table.select(columns), built.problems, built.set_aside), True
