"""Find which imported events the store already holds.

Two kinds of duplicate, never merged:

* the **same id or source id** — the event id, an ``external_ids`` entry (``acled``,
  ``ucdp_ged``, …) or a source's ``dataset_id`` is already in the store: the row is
  not imported again (this is what makes re-running an import add nothing);
* the **same place, day and type** — a stored event of the same layer and category
  whose days overlap the row's and whose position lies within
  ``PLACE_TOLERANCE_KM + uncertainty_km`` of both: a *possible* duplicate, held back and
  listed for review. Two records of one dataset with different ids (two ACLED events)
  are distinct by that dataset's own account and are not compared.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely
from shapely.geometry.base import BaseGeometry

from layers.geography import to_measure_crs
from layers.ingest.model import Candidate, Duplicate
from layers.reasons import ID_IN_STORE, POSSIBLE_DUPLICATE, SAME_DATASET_ID, SAME_SOURCE_ID
from layers.store import StoreError, collection_files, read_collection_file, read_store
from layers.validate import LOCAL_TZ, CheckedFeature

__all__ = [
    "PLACE_TOLERANCE_KM",
    "StoreIndex",
    "find_duplicates",
    "find_possible_duplicates",
    "index_store",
    "store_stamp",
]

#: Two positions are "the same place" within this distance plus both uncertainty radii.
PLACE_TOLERANCE_KM = 1.0
#: Stored intervals up to this many days are matched by a sorted window; longer ones
#: (deployments, say) one by one.
_SHORT_DAYS = 31


def _day(value: datetime) -> int:
    """The day of ``value`` in the region's time zone, as an ordinal."""
    return value.astimezone(LOCAL_TZ).date().toordinal()


#: Ordinal of 1970-01-01: days since the epoch plus this are :meth:`date.toordinal`.
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
#: Event columns the index reads from the store.
_INDEX_COLUMNS = ("id", "layer", "category", "start", "end", "uncertainty_km", "external_ids", "sources")


def _no_events() -> pd.DataFrame:
    empty = np.empty(0, dtype=object)
    return pd.DataFrame(
        {
            "kind": np.empty(0, dtype=str),
            "start": np.empty(0, dtype="int64"),
            "end": np.empty(0, dtype="int64"),
            "geometry": empty,
            "radius": np.empty(0, dtype="float64"),
            "id": empty,
            "file": empty,
            "external_ids": empty,
        }
    )


@dataclass
class StoreIndex:
    """What the store holds, for finding duplicates.

    Attributes
    ----------
    ids : dict
        Every feature id in the store (valid or set aside) → the file holding it (the
        first in store order).
    keys : dict
        ``(dataset, id)`` and ``("dataset_id", id)`` of valid events → (event id, file).
    events : DataFrame
        The valid events with a geometry, for the place-day-type comparison, sorted by
        kind and start day: ``kind`` (layer/category), ``start`` and ``end`` (days in
        the region's time zone, as ordinals), ``geometry`` (in the measuring CRS),
        ``radius`` (uncertainty, km), ``id``, ``file`` and ``external_ids``.
    """

    ids: dict[str, str] = field(default_factory=dict)
    keys: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    events: pd.DataFrame = field(default_factory=_no_events)


def _days(values: pd.Series) -> np.ndarray:
    """Days of a time column in the region's time zone, as ordinals."""
    local = values.dt.tz_convert(LOCAL_TZ.key).dt.tz_localize(None)
    days: np.ndarray = local.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype("int64")
    return days + _EPOCH_ORDINAL


def _event_table(events: pd.DataFrame, geometry: np.ndarray) -> pd.DataFrame:
    """:attr:`StoreIndex.events` of valid events with a geometry (projected: ``geometry``)."""
    if events.empty:
        return _no_events()
    start = _days(events["start"])
    end = _days(events["end"].fillna(events["start"]))
    kind = (events["layer"].astype(str) + "/" + events["category"].astype(str)).to_numpy(dtype=str)
    order = np.lexsort((start, kind))
    table = pd.DataFrame(
        {
            "kind": kind,
            "start": start,
            "end": end,
            "geometry": geometry,
            "radius": events["uncertainty_km"].astype("float64").fillna(0.0).to_numpy(),
            "id": events["id"].astype(str).to_numpy(dtype=object),
            "file": events["file"].astype(str).to_numpy(dtype=object),
            "external_ids": events["external_ids"].to_numpy(dtype=object),
        }
    )
    return table.iloc[order].reset_index(drop=True)


def _kind(item: CheckedFeature) -> str:
    props = item.feature["properties"]
    return f"{props['layer']}/{props['category']}"


def _project_all(geometries: Sequence[BaseGeometry | None] | np.ndarray) -> np.ndarray:
    array = geometries if isinstance(geometries, np.ndarray) else np.array(list(geometries), dtype=object)
    if array.size == 0:
        return array

    def transform(coords: np.ndarray) -> np.ndarray:
        x, y = to_measure_crs(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    projected: np.ndarray = shapely.transform(array, transform)
    return projected


def store_stamp(root: Path) -> tuple[tuple[str, int, int], ...]:
    """Name, size and modification time of every collection file: changes when the store does."""
    if not root.exists():
        return ()
    stamps = []
    for file in collection_files(root):
        stat = file.stat()
        stamps.append((file.as_posix(), stat.st_size, stat.st_mtime_ns))
    return tuple(stamps)


def index_store(root: Path) -> StoreIndex:
    """Index a store (a directory, one file, or a directory not yet created).

    The store is read through its snapshots (:func:`layers.store.read_store`): a file
    validated before is not decoded or validated again.

    Raises
    ------
    StoreError
        If a collection file cannot be read: nothing may be imported into a store whose
        content is unknown.
    """
    index = StoreIndex()
    if not root.exists():
        return index
    store = read_store(root, columns=_INDEX_COLUMNS, undecoded=("sources",))
    events = store.events
    unreadable = [p for p in store.report.problems if p.field == "(file)"]
    if unreadable:
        raise StoreError("the store has a file that cannot be read; fix it before importing", unreadable[:1])
    # Every id, valid or set aside, belongs to the first file (in store order) holding it.
    order = {label: n for n, label in enumerate(_labels(root))}
    named = [
        (order.get(p.file, len(order)), p.id, p.file)
        for p in store.report.problems
        if p.id is not None and p.index is not None
    ]
    named += _ids_of_other_schemas(root, store.report.problems, order)
    extra = pd.DataFrame(named, columns=["position", "id", "file"], dtype=object)
    codes, labels = pd.factorize(events["file"])  # a few files: each looked up once
    files = np.asarray(labels, dtype=object)
    valid = pd.DataFrame(
        {
            "position": np.array([order.get(f, len(order)) for f in files], dtype="int64")[codes],
            "id": events["id"].to_numpy(dtype=object),
            "file": files[codes],
        }
    )
    ids = pd.concat([valid, extra], ignore_index=True) if named else valid
    ids["id"] = ids["id"].astype(str)
    first = ids.sort_values("position", kind="stable").drop_duplicates("id")
    index.ids = dict(zip(first["id"], first["file"], strict=True))
    cited = _dataset_ids(events["sources"])
    external = events["external_ids"].to_numpy(dtype=object)
    for row in sorted(set(cited) | {n for n, value in enumerate(external) if value}):
        fid, file = str(events["id"].iat[row]), str(events["file"].iat[row])
        for key in _source_keys(external[row], cited.get(row, [])):
            index.keys.setdefault(key, (fid, file))
    located = events[events.geometry.notna().to_numpy()]
    index.events = _event_table(located, _project_all(located.geometry.to_numpy()))
    return index


def _labels(root: Path) -> list[str]:
    base = root if root.is_dir() else root.parent
    return [file.relative_to(base).as_posix() for file in collection_files(root)]


def _ids_of_other_schemas(
    root: Path, problems: Sequence[Any], order: dict[str, int]
) -> list[tuple[int, str, str]]:
    """Ids in files of another schema version (set aside whole, their ids still taken)."""
    base = root if root.is_dir() else root.parent
    named = []
    for label in dict.fromkeys(p.file for p in problems if p.field == "bordermon.schema_version"):
        data, problem = read_collection_file(base / label, label)
        features = data.get("features") if problem is None and isinstance(data, dict) else None
        if isinstance(features, list):
            named += [
                (order.get(label, len(order)), f["id"], label)
                for f in features
                if isinstance(f, dict) and isinstance(f.get("id"), str)
            ]
    return named


def _dataset_ids(sources: pd.Series) -> dict[int, list[str]]:
    """The ``dataset_id`` of each event's sources, in order, by row; rows citing none left out.

    ``sources`` as :func:`layers.store.read_store` gives it undecoded (a list of structs).
    """
    if sources.empty:
        return {}
    lists = pa.chunked_array(pa.array(sources.array)).combine_chunks()
    values = pc.struct_field(pc.list_flatten(lists), "dataset_id").cast(pa.string())
    rows = pc.list_parent_indices(lists)
    present = pc.is_valid(values)
    cited: dict[int, list[str]] = {}
    for row, value in zip(rows.filter(present).to_pylist(), values.filter(present).to_pylist(), strict=True):
        cited.setdefault(row, []).append(value)
    return cited


def _source_keys(external: Any, dataset_ids: list[str]) -> list[tuple[str, str]]:
    """:func:`layers.ingest.model.source_keys` of a valid event's external ids and sources' dataset ids."""
    keys = [(k, v) for k, v in external.items() if type(v) is str] if type(external) is dict else []
    ids = [v for _, v in keys] + dataset_ids
    keys.extend(("dataset_id", i) for i in dict.fromkeys(ids))
    return keys


def _same_dataset_other_id(a: dict[str, Any], external: Any) -> bool:
    ext_a = a["properties"].get("external_ids") or {}
    ext_b = external if type(external) is dict else {}
    return any(key in ext_b and ext_b[key] != value for key, value in ext_a.items())


def find_duplicates(
    candidates: Sequence[Candidate], index: StoreIndex, *, check_place: bool = True
) -> tuple[list[Candidate], list[Duplicate]]:
    """Split candidates into new events and duplicates of stored ones.

    Parameters
    ----------
    candidates : sequence of Candidate
        Valid events from the input, in file order, ids unique among themselves.
    index : StoreIndex
        The store.
    check_place : bool
        Also hold back possible duplicates (same place, day and type). False when the
        user has reviewed them and imports them anyway.

    Returns
    -------
    (list of Candidate, list of Duplicate)
        New events, in input order, and the duplicates found.
    """
    fresh: list[Candidate] = []
    duplicates: list[Duplicate] = []
    for candidate in candidates:
        fid = candidate.id
        if fid in index.ids:
            duplicates.append(
                Duplicate(candidate, "same_id", fid, index.ids[fid], ID_IN_STORE.format(file=index.ids[fid]))
            )
            continue
        match = next((key for key in candidate.keys if key in index.keys), None)
        if match is not None:
            existing, file = index.keys[match]
            if match[0] == "dataset_id":
                reason = SAME_DATASET_ID.format(value=match[1], existing=existing, file=file)
            else:
                reason = SAME_SOURCE_ID.format(dataset=match[0], value=match[1], existing=existing, file=file)
            duplicates.append(Duplicate(candidate, "same_source_id", existing, file, reason))
            continue
        fresh.append(candidate)
    if not check_place:
        return fresh, duplicates
    new, possible = find_possible_duplicates(fresh, index)
    return new, sorted(duplicates + possible, key=lambda d: d.record)


def find_possible_duplicates(
    candidates: Sequence[Candidate], index: StoreIndex
) -> tuple[list[Candidate], list[Duplicate]]:
    """Hold back candidates at the same place, on the same day and of the same type as a stored event.

    Returns
    -------
    (list of Candidate, list of Duplicate)
        The others, in input order, and the possible duplicates (kind ``same_place_day_type``).
    """
    if not candidates or index.events.empty:
        return list(candidates), []
    possible = _place_day_type(candidates, index)
    new = [c for i, c in enumerate(candidates) if i not in possible]
    return new, [possible[i] for i in sorted(possible)]


def _place_day_type(fresh: Sequence[Candidate], index: StoreIndex) -> dict[int, Duplicate]:
    stored = {name: index.events[name].to_numpy() for name in index.events.columns}
    with_geometry = [i for i, c in enumerate(fresh) if c.checked.geometry is not None]
    if not with_geometry:
        return {}
    items = [fresh[i] for i in with_geometry]
    kinds = np.array([_kind(c.checked) for c in items], dtype=str)
    starts = np.array([_day(c.checked.start) for c in items], dtype="int64")
    ends = np.array([_day(c.checked.end or c.checked.start) for c in items], dtype="int64")
    # Candidate pairs: same kind, and a stored start day in [start - 31, end]; stored
    # events longer than 31 days are compared with every candidate of their kind.
    pair_new: list[np.ndarray] = []
    pair_old: list[np.ndarray] = []
    stored_kind, stored_start, stored_end = stored["kind"], stored["start"], stored["end"]
    long_events = np.flatnonzero(stored_end - stored_start > _SHORT_DAYS)
    for kind in np.unique(kinds).tolist():
        new_rows = np.flatnonzero(kinds == kind)
        lo_kind = int(np.searchsorted(stored_kind, kind, side="left"))
        hi_kind = int(np.searchsorted(stored_kind, kind, side="right"))
        if lo_kind == hi_kind:
            continue
        kind_starts = stored_start[lo_kind:hi_kind]
        lo = np.searchsorted(kind_starts, starts[new_rows] - _SHORT_DAYS, side="left") + lo_kind
        hi = np.searchsorted(kind_starts, ends[new_rows], side="right") + lo_kind
        counts = hi - lo
        if counts.sum() > 0:
            pair_new.append(np.repeat(new_rows, counts))
            offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
            pair_old.append(np.repeat(lo, counts) + offsets)
        kind_long = long_events[(long_events >= lo_kind) & (long_events < hi_kind)]
        if kind_long.size:
            pair_new.append(np.repeat(new_rows, kind_long.size))
            pair_old.append(np.tile(kind_long, new_rows.size))
    if not pair_new:
        return {}
    pn, po = np.concatenate(pair_new), np.concatenate(pair_old)
    keep = (stored_start[po] <= ends[pn]) & (stored_end[po] >= starts[pn])
    pn, po = pn[keep], po[keep]
    if pn.size == 0:
        return {}
    paired = np.unique(pn)  # only these need measuring: project them alone
    points = np.empty(len(items), dtype=object)
    points[paired] = _project_all([items[i].checked.geometry for i in paired.tolist()])
    metres = shapely.distance(points[pn], stored["geometry"][po])
    new_radius = np.array(
        [float(c.feature["properties"].get("uncertainty_km") or 0.0) for c in items], dtype="float64"
    )
    limit = (PLACE_TOLERANCE_KM + new_radius[pn] + stored["radius"][po]) * 1000.0
    near = metres <= limit
    found: dict[int, Duplicate] = {}
    for n, o, m in sorted(zip(pn[near].tolist(), po[near].tolist(), metres[near].tolist(), strict=True)):
        position = with_geometry[n]
        if position in found:
            continue
        candidate = fresh[position]
        if _same_dataset_other_id(candidate.feature, stored["external_ids"][o]):
            continue
        existing, file = stored["id"][o], stored["file"][o]
        found[position] = Duplicate(
            candidate,
            "same_place_day_type",
            existing,
            file,
            POSSIBLE_DUPLICATE.format(
                existing=existing,
                file=file,
                km=f"{m / 1000:.1f}",
                kind=stored["kind"][o],
                day=date.fromordinal(int(stored["start"][o])).isoformat(),
            ),
        )
    return found
