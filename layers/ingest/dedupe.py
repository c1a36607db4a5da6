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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from layers.geography import to_measure_crs
from layers.ingest.model import Candidate, Duplicate, source_keys
from layers.reasons import ID_IN_STORE, POSSIBLE_DUPLICATE, SAME_DATASET_ID, SAME_SOURCE_ID
from layers.store import StoreError, collection_files, read_collection_file
from layers.validate import SCHEMA_VERSION, CheckedFeature, check_features

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


def _day(value: Any) -> int:
    return int(value.date().toordinal())


@dataclass
class StoreIndex:
    """What the store holds, for finding duplicates.

    Attributes
    ----------
    ids : dict
        Every feature id in the store (valid or set aside) → the file holding it.
    keys : dict
        ``(dataset, id)`` and ``("dataset_id", id)`` of valid events → (event id, file).
    events : list of CheckedFeature
        The valid events with a geometry (for the place-day-type comparison).
    """

    ids: dict[str, str] = field(default_factory=dict)
    keys: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    events: list[CheckedFeature] = field(default_factory=list)
    _arrays: dict[str, Any] | None = field(default=None, repr=False)

    def add(self, checked: Iterable[CheckedFeature]) -> None:
        """Index features (later additions do not replace earlier ones)."""
        for item in checked:
            fid = item.feature["id"]
            self.ids.setdefault(fid, item.file)
            for key in source_keys(item.feature):
                self.keys.setdefault(key, (fid, item.file))
            if item.geometry is not None:
                self.events.append(item)
        self._arrays = None

    def arrays(self) -> dict[str, Any]:
        """The events as arrays: layer/category, days, projected geometry, radius, sorted by start day."""
        if self._arrays is None:
            events = self.events
            kinds = np.array([self._kind(e) for e in events], dtype=str)
            starts = np.array([_day(e.start) for e in events], dtype="int64")
            ends = np.array([_day(e.end or e.start) for e in events], dtype="int64")
            order = np.lexsort((starts, kinds))
            geoms = _project_all([e.geometry for e in events])
            radius = np.array(
                [float(e.feature["properties"].get("uncertainty_km") or 0.0) for e in events], dtype="float64"
            )
            self._arrays = {
                "kind": kinds[order],
                "start": starts[order],
                "end": ends[order],
                "geometry": geoms[order],
                "radius": radius[order],
                "event": [events[i] for i in order.tolist()],
            }
        return self._arrays

    @staticmethod
    def _kind(item: CheckedFeature) -> str:
        props = item.feature["properties"]
        return f"{props['layer']}/{props['category']}"


def _project_all(geometries: Sequence[BaseGeometry | None]) -> np.ndarray:
    array = np.array(list(geometries), dtype=object)
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

    Raises
    ------
    StoreError
        If a collection file cannot be read: nothing may be imported into a store whose
        content is unknown.
    """
    index = StoreIndex()
    if not root.exists():
        return index
    base = root if root.is_dir() else root.parent
    for file in collection_files(root):
        label = file.relative_to(base).as_posix()
        data, problem = read_collection_file(file, label)
        if problem is not None:
            raise StoreError("the store has a file that cannot be read; fix it before importing", [problem])
        features = data.get("features") if isinstance(data, dict) else None
        if not isinstance(features, list):
            continue
        for feature in features:
            if isinstance(feature, dict) and isinstance(feature.get("id"), str):
                index.ids.setdefault(feature["id"], label)
        meta = data.get("bordermon")
        if isinstance(meta, dict) and meta.get("schema_version") not in (None, SCHEMA_VERSION):
            continue
        index.add(checked for checked, _ in check_features(features, file=label) if checked is not None)
    return index


def _same_dataset_other_id(a: dict[str, Any], b: dict[str, Any]) -> bool:
    ext_a = a["properties"].get("external_ids") or {}
    ext_b = b["properties"].get("external_ids") or {}
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
    if not candidates or not index.events:
        return list(candidates), []
    possible = _place_day_type(candidates, index)
    new = [c for i, c in enumerate(candidates) if i not in possible]
    return new, [possible[i] for i in sorted(possible)]


def _place_day_type(fresh: Sequence[Candidate], index: StoreIndex) -> dict[int, Duplicate]:
    stored = index.arrays()
    with_geometry = [i for i, c in enumerate(fresh) if c.checked.geometry is not None]
    if not with_geometry:
        return {}
    items = [fresh[i] for i in with_geometry]
    kinds = np.array([StoreIndex._kind(c.checked) for c in items], dtype=str)
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
        existing = stored["event"][o]
        candidate = fresh[position]
        if _same_dataset_other_id(candidate.feature, existing.feature):
            continue
        props = existing.feature["properties"]
        day = existing.start.date().isoformat()
        found[position] = Duplicate(
            candidate,
            "same_place_day_type",
            existing.feature["id"],
            existing.file,
            POSSIBLE_DUPLICATE.format(
                existing=existing.feature["id"],
                file=existing.file,
                km=f"{m / 1000:.1f}",
                kind=f"{props['layer']}/{props['category']}",
                day=day,
            ),
        )
    return found
